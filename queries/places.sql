-- Every district, town and kind known to the snapshot, for filter choices.
-- Grain: one row per (district, town, kind).
-- Parameters: $district (null = all).
select district, town, kind, count(*) as units, bool_or(in_roster) as in_roster
from units
where $district::varchar is null or district = $district
group by district, town, kind
order by district, town, kind
