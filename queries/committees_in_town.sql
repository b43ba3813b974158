-- Residents' committees and villages of one town with their coverage, as of the end of a day.
-- Grain: one row per (district, town, committee, kind).
-- Parameters: $as_of (date, null = latest), $district, $town (null = every town of the district).
-- whole: every unit of the committee (or village) is created (整居创建 / 整村创建).
-- total, coverage_pct and whole are null for a district with no roster: its lists name only what was created.
select
    district,
    town,
    committee,
    kind,
    case when bool_or(in_roster) then count(*) filter (where in_roster) end as total,
    count(*) filter (where is_created) as created,
    100.0 * count(*) filter (where is_created) / nullif(count(*) filter (where in_roster), 0)
        as coverage_pct,
    case when bool_or(in_roster) then count(*) filter (where is_created) = count(*) end as whole,
    max(status_date) filter (where is_created) as last_created,
    sum(households)::bigint as households,
    sum(population)::bigint as population
from unit_status($as_of::date)
where ($district::varchar is null or district = $district)
  and ($town::varchar is null or town = $town)
group by district, town, committee, kind
order by district, town, coverage_pct desc, committee
