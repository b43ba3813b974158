-- Data quality: a unit listed as created again while it was still created (no revocation between). A creation that
-- ingest implied from a model (示范) listing is no second listing (dq_model_no_creation lists those).
-- Grain: one row per such repeated creation.
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- Reads created_twice (derive.sql): the check looks only back, so as-of is a filter.
select
    c.district, c.town, c.committee, c.name, c.kind, c.first_batch, c.first_published, c.first_file,
    c.again_batch, c.again_published, c.again_file, c.again_row
from created_twice as c
where c.again_published <= coalesce($as_of::date, date '9999-12-31')
  and ($district::varchar is null or c.district = $district)
  and not exists (
      select 1
      from events as m
      join units as u using (unit_id)
      where m.event = 'model' and m.source_file = c.again_file and m.source_row is not distinct from c.again_row
        and m.published = c.again_published
        and u.district = c.district and u.town = c.town and u.committee = c.committee and u.name = c.name
  )
order by district, town, committee, name, again_published
