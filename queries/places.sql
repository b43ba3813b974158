-- Every district, town and kind known to the snapshot, for filter choices.
-- Grain: one row per (district, town, kind).
-- Parameters: none.
select district, town, kind, count(*) as units, bool_or(in_roster) as in_roster
from units
group by district, town, kind
order by district, town, kind
