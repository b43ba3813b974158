-- Data quality: units listed as model (示范) with no creation on record by that day. A unit becomes a model only once
-- created, so ingest counts it created as of the model day (an implied creation: a created and a model event of the
-- unit from the same row of the same file); the list that created it is missing and should be loaded.
-- Grain: one row per implied creation that no other creation of the unit on or before its day explains.
-- Parameters: $as_of (date, null = latest), $district (null = all).
with models as (
    select unit_id, published, source_file, source_row
    from events
    where event = 'model'
), implied as (
    select c.unit_id, c.published, c.source_file, c.source_row
    from events as c
    join models as m
      on m.unit_id = c.unit_id and m.published = c.published
     and m.source_file = c.source_file and m.source_row is not distinct from c.source_row
    where c.event = 'created'
)
select
    u.district, u.town, u.committee, u.name, u.kind,
    i.published as model_published, i.source_file as model_file, i.source_row as model_row
from implied as i
join units as u using (unit_id)
where i.published <= coalesce($as_of::date, date '9999-12-31')
  and ($district::varchar is null or u.district = $district)
  and not exists (
      select 1 from events as e
      where e.unit_id = i.unit_id and e.event = 'created' and e.published <= i.published
        and not (e.source_file = i.source_file and e.source_row is not distinct from i.source_row)
  )
order by u.district, u.town, u.committee, u.name, i.published
