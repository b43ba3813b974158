-- Towns ranked by coverage (all kinds together, or one kind), as of the end of a day.
-- Grain: one row per (district, town).
-- Parameters: $as_of (date, null = latest), $district (null = all), $kind (null = all kinds).
with status as (
    select * from unit_status($as_of::date)
    where ($district::varchar is null or district = $district)
      and ($kind::varchar is null or kind = $kind)
), per_town as (
    select
        district,
        town,
        count(*) filter (where in_roster) as total,
        count(*) filter (where is_created) as created,
        count(*) filter (where is_revoked) as revoked,
        count(distinct committee) as committees,
        bool_or(in_roster) as has_roster
    from status
    group by district, town
)
select
    district,
    town,
    case when has_roster then total end as total,
    created,
    revoked,
    case when has_roster then total - created end as remaining,
    case when has_roster then 100.0 * created / nullif(total, 0) end as coverage_pct,
    committees,
    rank() over (partition by district order by created / nullif(total, 0) desc nulls last, created desc) as rank
from per_town
order by district, rank, town
