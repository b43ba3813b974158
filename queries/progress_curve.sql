-- Cumulative units created and coverage on each publication date, up to a day.
-- Grain: one row per (district, kind, published) where something was published for that district.
-- Parameters: $as_of (date, null = latest), $district (null = all).
with totals as (
    select district, kind, count(*) filter (where in_roster) as total, bool_or(in_roster) as has_roster
    from units
    group by district, kind
), daily as (
    select u.district, u.kind, t.published, sum(t.delta)::bigint as net, list(distinct t.batch order by t.batch)
        filter (where t.event = 'created') as batches
    from transitions as t
    join units as u using (unit_id)
    where t.published <= coalesce($as_of::date, date '9999-12-31')
      and ($district::varchar is null or u.district = $district)
    group by u.district, u.kind, t.published
)
select
    d.district,
    d.kind,
    d.published,
    d.batches,
    d.net,
    (sum(d.net) over (partition by d.district, d.kind order by d.published))::bigint as created,
    case when t.has_roster then t.total end as total,
    case when t.has_roster then 100.0 * sum(d.net) over (partition by d.district, d.kind
        order by d.published) / nullif(t.total, 0) end as coverage_pct
from daily as d
join totals as t using (district, kind)
order by d.district, d.kind, d.published
