-- Coverage per district and unit kind, as of the end of a day.
-- Grain: one row per (district, kind).
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- total and coverage_pct are null for a district with no roster (counts only).
-- Reads the per-day tables of derive.sql: the district's latest status day <= as_of.
with sizes as (
    select district, kind, sum(total)::bigint as total, bool_or(has_roster) as has_roster
    from town_kinds
    where $district::varchar is null or district = $district
    group by district, kind
), now as (
    select d.district, d.kind, d.created, d.model, d.revoked
    from district_daily as d
    join status_day($as_of::date, $district::varchar) using (district, day)
), per_kind as (
    select
        s.district, s.kind, s.total, s.has_roster,
        coalesce(n.created, 0)::bigint as created,
        coalesce(n.model, 0)::bigint as model,
        coalesce(n.revoked, 0)::bigint as revoked
    from sizes as s
    left join now as n using (district, kind)
), reached as (
    -- the day coverage last climbed to 100%
    select c.district, c.kind, max(c.day) as full_date
    from (
        select d.*, lag(d.created, 1, 0) over (partition by d.district, d.kind order by d.day) as before
        from district_daily as d
        where d.day <= coalesce($as_of::date, date '9999-12-31')
          and ($district::varchar is null or d.district = $district)
    ) as c
    join per_kind as p using (district, kind)
    where p.has_roster and c.created = p.total and c.before < p.total
    group by c.district, c.kind
), batches as (
    select
        district,
        count(distinct batch) as batches_run,
        max(published) as latest_published,
        bool_or(counts_rounds) as counts_rounds
    from batch_daily
    where published <= coalesce($as_of::date, date '9999-12-31')
    group by district
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
