-- Every district, town and kind known to the snapshot, for filter choices.
-- Grain: one row per (district, town, kind).
-- Parameters: $district (null = all).
select district, town, kind, units, has_roster as in_roster
from town_kinds
where $district::varchar is null or district = $district
order by district, town, kind
