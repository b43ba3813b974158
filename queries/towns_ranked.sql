-- Towns ranked by coverage (all kinds together, or one kind), as of the end of a day.
-- Grain: one row per (district, town).
-- Parameters: $as_of (date, null = latest), $district (null = all), $kind (null = all kinds).
-- Reads coverage_daily (derive.sql) on the district's latest status day <= as_of.
with places as (
    select district, town, total, has_roster, committees
    from town_totals
    where $kind::varchar is null and ($district::varchar is null or district = $district)
    union all
    select district, town, total, has_roster, committees
    from town_kinds
    where kind = $kind and ($district::varchar is null or district = $district)
), now as (
    select d.district, d.town, sum(d.created)::bigint as created, sum(d.revoked)::bigint as revoked
    from coverage_daily as d
    join status_day($as_of::date, $district::varchar) using (district, day)
    where $kind::varchar is null or d.kind = $kind
    group by d.district, d.town
), per_town as (
    select
        p.district, p.town, p.total, p.has_roster, p.committees,
        coalesce(n.created, 0)::bigint as created,
        coalesce(n.revoked, 0)::bigint as revoked
    from places as p
    left join now as n using (district, town)
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
