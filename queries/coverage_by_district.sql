-- Coverage per district and unit kind, as of the end of a day.
-- Grain: one row per (district, kind).
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- total and coverage_pct are null for a district with no roster (counts only).
with status as (
    select * from unit_status($as_of::date)
    where $district::varchar is null or district = $district
), per_kind as (
    select
        district,
        kind,
        count(*) filter (where in_roster) as total,
        count(*) filter (where is_created) as created,
        count(*) filter (where is_model) as model,
        count(*) filter (where is_revoked) as revoked,
        bool_or(in_roster) as has_roster
    from status
    group by district, kind
), curve as (
    select
        u.district, u.kind, t.published,
        (sum(sum(t.delta)) over (partition by u.district, u.kind order by t.published))::bigint as created_then
    from transitions as t
    join units as u using (unit_id)
    where t.published <= coalesce($as_of::date, date '9999-12-31')
      and ($district::varchar is null or u.district = $district)
    group by u.district, u.kind, t.published
), reached as (
    -- the day coverage last climbed to 100%
    select c.district, c.kind, max(c.published) as full_date
    from (
        select *, lag(created_then, 1, 0) over (partition by district, kind order by published) as before
        from curve
    ) as c
    join per_kind as p using (district, kind)
    where p.has_roster and c.created_then = p.total and c.before < p.total
    group by c.district, c.kind
), batches as (
    select
        u.district,
        count(distinct e.batch) as batches_run,
        max(e.published) as latest_published,
        bool_or(e.counts_rounds) as counts_rounds
    from events as e
    join units as u using (unit_id)
    where e.event = 'created' and e.published <= coalesce($as_of::date, date '9999-12-31')
    group by u.district
)
select
    p.district,
    p.kind,
    case when p.has_roster then p.total end as total,
    p.created,
    p.model,
    p.revoked,
    case when p.has_roster then 100.0 * p.created / nullif(p.total, 0) end as coverage_pct,
    case when p.has_roster then p.total - p.created end as remaining,
    t.target,
    coalesce(b.batches_run, 0) as batches_run,
    coalesce(b.counts_rounds, false) as counts_rounds,
    b.latest_published,
    case when p.has_roster and p.created = p.total then r.full_date end as full_date
from per_kind as p
left join batches as b using (district)
left join reached as r using (district, kind)
left join targets as t on t.district = p.district and t.kind = p.kind and t.batch is null
order by p.district, p.kind
