-- When will each district, town and kind reach 100%: the remaining units over the recent pace.
-- Grain: one row per (district, town, kind) with a roster, and per (district, kind) with town null.
-- Parameters: $as_of (date, null = the latest publication date), $district (null = all).
-- Method: pace = units created (net of revocations) over the last 7, 14 and 28 days before as_of;
-- projected = as_of + remaining / pace14; earliest and latest use the fastest and slowest of the
-- three paces; a null latest means one window saw no progress (no honest end date).
with chosen as (
    select coalesce($as_of::date, (select max(published) from events)) as d
), moves as (
    select u.district, u.town, u.kind, t.published, t.delta
    from transitions as t
    join units as u using (unit_id)
    where u.in_roster and ($district::varchar is null or u.district = $district)
), totals as (
    select district, town, kind, count(*) as total
    from units
    where in_roster and ($district::varchar is null or district = $district)
    group by grouping sets ((district, town, kind), (district, kind))
), windows as (
    select
        m.district, m.town, m.kind,
        sum(m.delta) filter (where m.published <= a.d) as now,
        sum(m.delta) filter (where m.published <= a.d - 7) as before7,
        sum(m.delta) filter (where m.published <= a.d - 14) as before14,
        sum(m.delta) filter (where m.published <= a.d - 28) as before28
    from moves as m, chosen as a
    group by grouping sets ((m.district, m.town, m.kind), (m.district, m.kind))
), paces as (
    select
        t.district, t.town, t.kind, t.total,
        coalesce(w.now, 0)::bigint as created,
        (t.total - coalesce(w.now, 0))::bigint as remaining,
        (coalesce(w.now, 0) - coalesce(w.before7, 0)) / 7.0 as pace7,
        (coalesce(w.now, 0) - coalesce(w.before14, 0)) / 14.0 as pace14,
        (coalesce(w.now, 0) - coalesce(w.before28, 0)) / 28.0 as pace28
    from totals as t
    left join windows as w
        on w.district = t.district and w.kind = t.kind and w.town is not distinct from t.town
)
select
    p.district, p.town, p.kind, p.total, p.created, p.remaining,
    p.pace7, p.pace14, p.pace28,
    a.d as as_of,
    case when p.remaining > 0 and p.pace14 > 0
        then a.d + cast(ceil(p.remaining / p.pace14) as integer) end as projected,
    case when p.remaining > 0 and greatest(p.pace7, p.pace14, p.pace28) > 0
        then a.d + cast(ceil(p.remaining / greatest(p.pace7, p.pace14, p.pace28)) as integer) end as earliest,
    case when p.remaining > 0 and least(p.pace7, p.pace14, p.pace28) > 0
        then a.d + cast(ceil(p.remaining / least(p.pace7, p.pace14, p.pace28)) as integer) end as latest
from paces as p, chosen as a
order by p.district, p.town nulls first, p.kind
