-- One glance per district for the command-centre screen: every kind together, and its latest batch or round.
-- Grain: one row per district.
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- total, coverage_pct and remaining are null for a district with no roster (counts only).
-- latest_batch is the batch or round published last (by its first publication date) up to the day;
-- latest_new counts the units that batch made created (a re-creation after a revocation counts);
-- latest_revoked counts created units revoked after the previous batch's date (from the start when
-- there is no previous batch) up to the day: what the latest batch's notice changed, both ways.
-- Reads the per-day tables of derive.sql.
with sizes as (
    select district, sum(total)::bigint as total, bool_or(has_roster) as has_roster
    from town_totals
    where $district::varchar is null or district = $district
    group by district
), now as (
    select d.district, sum(d.created)::bigint as created, sum(d.revoked)::bigint as revoked
    from district_daily as d
    join status_day($as_of::date, $district::varchar) using (district, day)
    group by d.district
), per_district as (
    select s.district, s.total, s.has_roster, coalesce(n.created, 0) as created, coalesce(n.revoked, 0) as revoked
    from sizes as s
    left join now as n using (district)
), upto as (
    select * from batch_daily
    where published <= coalesce($as_of::date, date '9999-12-31')
      and ($district::varchar is null or district = $district)
), batches as (
    select district, batch, min(published) as published, bool_or(counts_rounds) as counts_rounds
    from upto
    group by district, batch
), ordered as (
    select
        *,
        row_number() over (partition by district order by published desc, batch desc) as newest,
        lead(published) over (partition by district order by published desc, batch desc) as previous_published,
        count(*) over (partition by district) as batches_run,
        bool_or(counts_rounds) over (partition by district) as district_counts_rounds
    from batches
), latest as (
    select * from ordered where newest = 1
), latest_new as (
    select u.district, sum(u.became_created)::bigint as latest_new
    from upto as u
    join latest as l on l.district = u.district and l.batch is not distinct from u.batch
    group by u.district
), latest_revoked as (
    select c.district, sum(c.revoked)::bigint as latest_revoked
    from changes_daily as c
    join latest as l using (district)
    where c.published <= coalesce($as_of::date, date '9999-12-31')
      and c.published > coalesce(l.previous_published, date '0001-01-01')
    group by c.district
)
select
    p.district,
    case when p.has_roster then p.total end as total,
    p.created,
    p.revoked,
    case when p.has_roster then 100.0 * p.created / nullif(p.total, 0) end as coverage_pct,
    case when p.has_roster then p.total - p.created end as remaining,
    coalesce(l.batches_run, 0) as batches_run,
    coalesce(l.district_counts_rounds, false) as counts_rounds,
    l.batch as latest_batch,
    l.published as latest_published,
    coalesce(n.latest_new, 0) as latest_new,
    coalesce(r.latest_revoked, 0) as latest_revoked
from per_district as p
left join latest as l using (district)
left join latest_new as n using (district)
left join latest_revoked as r using (district)
order by p.district
