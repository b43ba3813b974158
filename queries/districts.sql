-- The districts the snapshot knows, for the sidebar's choice and for "how many districts are shown".
-- Grain: one row per district.
-- Parameters: none.
select district, sum(units)::bigint as units, sum(total)::bigint as total, count(*) as towns
from town_totals
group by district
order by district
