-- Committees and villages that sent a grid roster, with the size of their grid trees.
-- Grain: one row per (district, town, committee).
-- Parameters: $district (null = all).
-- households: the tops of the trees added up; workers: every grid's own workers and volunteers added up.
select
    district,
    town,
    committee,
    count(*) as grids,
    sum(households) filter (where parent is null)::bigint as households,
    sum(workers)::bigint as workers,
    min(linked_min) as linked_min,
    max(linked_max) as linked_max
from grids
where $district::varchar is null or district = $district
group by district, town, committee
order by district, town, committee
