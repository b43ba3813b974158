-- Grid trees: each grid with the workers of its whole subtree, for one committee or village (or more).
-- Grain: one row per grid.
-- Parameters: $district (null = all), $town (null = all), $committee (the committee or village; null = all).
-- subtree_workers: workers and volunteers of the grid and every grid below it;
-- households_per_worker: the grid's households over subtree_workers (null with no workers);
-- depth: 0 for the top of a tree. Trees have no cycles: ingest refuses them.
with recursive tree as (
    select * from grids
    where ($district::varchar is null or district = $district)
      and ($town::varchar is null or town = $town)
      and ($committee::varchar is null or committee = $committee)
), up as (
    select district, town, committee, grid, grid as ancestor, 0 as steps from tree
    union all
    select up.district, up.town, up.committee, up.grid, p.parent as ancestor, up.steps + 1 as steps
    from up
    join tree as p
      on p.district = up.district and p.town = up.town and p.committee = up.committee and p.grid = up.ancestor
    where p.parent is not null
), below as (
    select up.district, up.town, up.committee, up.ancestor as grid, sum(t.workers)::bigint as subtree_workers
    from up
    join tree as t using (district, town, committee, grid)
    group by up.district, up.town, up.committee, up.ancestor
), depth as (
    select district, town, committee, grid, max(steps) as depth from up group by district, town, committee, grid
)
select
    t.district,
    t.town,
    t.committee,
    t.grid,
    t.parent,
    t.level,
    d.depth,
    t.households,
    t.workers,
    b.subtree_workers,
    t.households / nullif(b.subtree_workers, 0) as households_per_worker,
    t.linked_min,
    t.linked_max
from tree as t
join below as b using (district, town, committee, grid)
join depth as d using (district, town, committee, grid)
order by t.district, t.town, t.committee, d.depth, t.source_row
