-- The batches or rounds each district has published, with their dates.
-- Grain: one row per (district, batch).
-- Parameters: $district (null = all).
select
    u.district,
    e.batch,
    min(e.published) as published,
    bool_or(e.counts_rounds) as counts_rounds,
    count(*) as units
from events as e
join units as u using (unit_id)
where e.event = 'created'
  and ($district::varchar is null or u.district = $district)
group by u.district, e.batch
order by u.district, e.batch
