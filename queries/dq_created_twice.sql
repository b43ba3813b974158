-- Data quality: a unit listed as created again while it was still created (no revocation between).
-- Grain: one row per such repeated creation.
-- Parameters: $as_of (date, null = latest), $district (null = all).
with creations as (
    select
        e.unit_id, e.event, e.batch, e.published, e.event_id, e.source_file, e.source_row,
        lag(e.event) over w as previous_event,
        lag(e.published) over w as previous_date,
        lag(e.batch) over w as previous_batch,
        lag(e.source_file) over w as previous_file
    from events as e
    where e.event in ('created', 'revoked')
      and e.published <= coalesce($as_of::date, date '9999-12-31')
    window w as (partition by e.unit_id order by e.published, e.event_id)
)
select
    u.district, u.town, u.committee, u.name, u.kind,
    c.previous_batch as first_batch, c.previous_date as first_published, c.previous_file as first_file,
    c.batch as again_batch, c.published as again_published, c.source_file as again_file, c.source_row as again_row
from creations as c
join units as u using (unit_id)
where c.event = 'created' and c.previous_event = 'created'
  and ($district::varchar is null or u.district = $district)
order by u.district, u.town, u.committee, u.name, c.published
