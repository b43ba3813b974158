-- Data quality: committees and villages whose grid trees hold more households than their units in the roster.
-- A grid roster may cover only part of a committee (fewer households is fine); more cannot be right.
-- Grain: one row per (district, town, committee) with grids and a roster.
-- Parameters: $district (null = all).
with grid_tops as (
    select district, town, committee, sum(households)::bigint as grid_households, count(*) as top_grids,
           any_value(source_file) as grid_file
    from grids
    where parent is null
      and ($district::varchar is null or district = $district)
    group by district, town, committee
), roster as (
    -- only the committees that have grids: summing every committee's households costs seconds at national scale
    select u.district, u.town, u.committee, sum(u.households)::bigint as roster_households, count(*) as units
    from units as u
    join grid_tops as g using (district, town, committee)
    where u.in_roster
    group by u.district, u.town, u.committee
)
select g.district, g.town, g.committee, g.grid_households, r.roster_households, r.units, g.top_grids, g.grid_file
from grid_tops as g
join roster as r using (district, town, committee)
where g.grid_households > r.roster_households
order by g.district, g.town, g.committee
