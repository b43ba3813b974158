-- When will each district, town and kind reach 100%: the remaining units over the recent pace.
-- Grain: one row per (district, town, kind) with a roster, and per (district, kind) with town null.
-- Parameters: $as_of (date, null = the latest publication date), $district (null = all),
-- $towns (boolean, null = true; false: the (district, kind) rows only, as a page of a whole country asks),
-- $days (date[], null = as_of alone: each day's rows, by day, in one query, as the backtest asks them).
-- Method: pace = units created (net of revocations) over the last 7, 14 and 28 days before as_of;
-- projected = as_of + remaining / pace14; earliest uses the fastest of the three paces.
-- latest allows for the slow tail (the last few % take longest): it is the later of the slowest pace
-- (latest_linear) and a model in which each day the same share of the units still remaining is created,
-- the share the last 7 days show (daily_share = 1 - (remaining / remaining7) ^ (1/7)), until fewer than
-- half a unit remains: tail = 7 * ln(2 * remaining) / ln(remaining7 / remaining) days.
-- On the sample history this range held the actual date in 13 of 14 backtest projections (the old
-- fastest-to-slowest-pace range: 6 of 14); tests/answers/test_forecast.py holds it to campaign.forecast.RANGE_CLAIM.
-- A null latest means one window saw no progress (no honest end date).
-- Reads coverage_daily (derive.sql): created among roster units on the district's latest day <= each day.
with chosen as (
    select unnest(coalesce($days::date[], [coalesce($as_of::date, (select last_published from event_range))])) as d
), picks as (
    -- per day and district, its latest status day on or before that day and 7, 14 and 28 days before it
    select a.d, dd.district, b.back, max(dd.day) as day
    from district_days as dd, (select unnest([0, 7, 14, 28]) as back) as b, chosen as a
    where dd.day <= a.d - b.back
      and ($district::varchar is null or dd.district = $district)
    group by a.d, dd.district, b.back
), levels as (
    select p.d, c.district, c.town, c.kind, p.back, c.roster_created as created
    from coverage_daily as c
    join picks as p using (district, day)
), totals as (
    select district, town, kind, sum(total)::bigint as total
    from town_kinds
    where total > 0 and ($district::varchar is null or district = $district)
    group by grouping sets ((district, town, kind), (district, kind))
    having town is null or coalesce($towns::boolean, true)
), windows as (
    select
        d, district, town, kind,
        sum(created) filter (where back = 0) as now,
        sum(created) filter (where back = 7) as before7,
        sum(created) filter (where back = 14) as before14,
        sum(created) filter (where back = 28) as before28
    from levels
    group by grouping sets ((d, district, town, kind), (d, district, kind))
), paces as (
    select
        a.d, t.district, t.town, t.kind, t.total,
        coalesce(w.now, 0)::bigint as created,
        (t.total - coalesce(w.now, 0))::bigint as remaining,
        (t.total - coalesce(w.before7, 0))::bigint as remaining7,
        (coalesce(w.now, 0) - coalesce(w.before7, 0)) / 7.0 as pace7,
        (coalesce(w.now, 0) - coalesce(w.before14, 0)) / 14.0 as pace14,
        (coalesce(w.now, 0) - coalesce(w.before28, 0)) / 28.0 as pace28
    from totals as t
    cross join chosen as a
    left join windows as w
        on w.d = a.d and w.district = t.district and w.kind = t.kind and w.town is not distinct from t.town
), tails as (
    select
        *,
        greatest(pace7, pace14, pace28) as fastest,
        least(pace7, pace14, pace28) as slowest,
        case when remaining > 0 and remaining7 > remaining
            then 7 * ln(2.0 * remaining) / ln(remaining7 / remaining) end as tail_days
    from paces
)
select
    p.district, p.town, p.kind, p.total, p.created, p.remaining,
    p.pace7, p.pace14, p.pace28,
    p.d as as_of,
    case when p.remaining > 0 and p.pace14 > 0
        then p.d + cast(ceil(p.remaining / p.pace14) as integer) end as projected,
    case when p.remaining > 0 and p.fastest > 0
        then p.d + cast(ceil(p.remaining / p.fastest) as integer) end as earliest,
    case when p.remaining > 0 and p.slowest > 0
        then p.d + cast(ceil(greatest(p.remaining / p.slowest, p.tail_days)) as integer) end as latest,
    case when p.remaining > 0 and p.slowest > 0
        then p.d + cast(ceil(p.remaining / p.slowest) as integer) end as latest_linear,
    case when p.remaining > 0 and p.remaining7 > p.remaining
        then 1 - pow(p.remaining / p.remaining7, 1 / 7.0) end as daily_share
from tails as p
order by p.d, p.district, p.town nulls first, p.kind
