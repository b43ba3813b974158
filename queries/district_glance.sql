-- One glance per district for the command-centre screen: every kind together, and its latest batch or round.
-- Grain: one row per district.
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- total, coverage_pct and remaining are null for a district with no roster (counts only).
-- latest_batch is the batch or round published last (by its first publication date) up to the day;
-- latest_new counts the units that batch made created (a re-creation after a revocation counts);
-- latest_revoked counts created units revoked after the previous batch's date (from the start when
-- there is no previous batch) up to the day: what the latest batch's notice changed, both ways.
with status as (
    select * from unit_status($as_of::date)
    where $district::varchar is null or district = $district
), per_district as (
    select
        district,
        count(*) filter (where in_roster) as total,
        count(*) filter (where is_created) as created,
        count(*) filter (where is_revoked) as revoked,
        bool_or(in_roster) as has_roster
    from status
    group by district
), moves as (
    select u.district, t.event, t.batch, t.published, t.delta
    from transitions as t
    join units as u using (unit_id)
    where t.published <= coalesce($as_of::date, date '9999-12-31')
      and ($district::varchar is null or u.district = $district)
), batches as (
    select
        u.district,
        e.batch,
        min(e.published) as published,
        bool_or(e.counts_rounds) as counts_rounds
    from events as e
    join units as u using (unit_id)
    where e.event = 'created'
      and e.published <= coalesce($as_of::date, date '9999-12-31')
      and ($district::varchar is null or u.district = $district)
    group by u.district, e.batch
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
    coalesce((
        select count(*) from moves as m
        where m.district = p.district and m.event = 'created' and m.batch = l.batch and m.delta = 1
    ), 0) as latest_new,
    coalesce((
        select count(*) from moves as m
        where m.district = p.district and m.delta = -1
          and m.published > coalesce(l.previous_published, date '0001-01-01')
    ), 0) as latest_revoked
from per_district as p
left join latest as l using (district)
order by p.district
