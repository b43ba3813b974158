-- Coverage per town and unit kind, as of the end of a day.
-- Grain: one row per (district, town, kind).
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- Reads coverage_daily (derive.sql) on the district's latest status day <= as_of.
with now as (
    select d.district, d.town, d.kind, d.created, d.model, d.revoked
    from coverage_daily as d
    join status_day($as_of::date, $district::varchar) using (district, day)
)
select
    p.district,
    p.town,
    p.kind,
    case when p.has_roster then p.total end as total,
    coalesce(n.created, 0)::bigint as created,
    coalesce(n.model, 0)::bigint as model,
    coalesce(n.revoked, 0)::bigint as revoked,
    case when p.has_roster then 100.0 * coalesce(n.created, 0) / p.total end as coverage_pct
from town_kinds as p
left join now as n using (district, town, kind)
where $district::varchar is null or p.district = $district
order by p.district, p.town, p.kind
