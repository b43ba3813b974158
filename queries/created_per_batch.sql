-- Units created in each batch or round (re-creations after a revocation included), up to a day.
-- Grain: one row per (district, kind, batch).
-- Parameters: $as_of (date, null = latest), $district (null = all).
select
    u.district,
    u.kind,
    e.batch,
    bool_or(e.counts_rounds) as counts_rounds,
    min(e.published) as published,
    count(*) as units,
    count(distinct u.committee) as committees,
    sum(u.households)::bigint as households
from events as e
join units as u using (unit_id)
where e.event = 'created'
  and e.published <= coalesce($as_of::date, date '9999-12-31')
  and ($district::varchar is null or u.district = $district)
group by u.district, u.kind, e.batch
order by u.district, u.kind, e.batch
