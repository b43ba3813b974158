-- Grids per level: counts, households and workers, for one committee or village or a whole district.
-- Grain: one row per level (total, sub, micro, house, big, small).
-- Parameters: $district (null = all), $town (null = all), $committee (null = all).
-- workers_per_100: workers and volunteers of the level's grids per 100 of their households.
select
    level,
    count(*) as grids,
    sum(households)::bigint as households,
    min(households) as min_households,
    max(households) as max_households,
    sum(workers)::bigint as workers,
    100.0 * sum(workers) / nullif(sum(households), 0) as workers_per_100,
    count(distinct (district, town, committee)) as places
from grids
where ($district::varchar is null or district = $district)
  and ($town::varchar is null or town = $town)
  and ($committee::varchar is null or committee = $committee)
group by level
order by list_position(['total', 'sub', 'micro', 'house', 'big', 'small'], level)
