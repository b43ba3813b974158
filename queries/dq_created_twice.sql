-- Data quality: a unit listed as created again while it was still created (no revocation between). A creation that
-- ingest implied from a model (示范) listing is no second listing (dq_model_no_creation lists those).
-- Grain: one row per such repeated creation.
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- Reads created_twice (derive.sql, which leaves out the creations a model listing implied): the check looks only
-- back, so as-of is a filter.
select
    c.district, c.town, c.committee, c.name, c.kind, c.first_batch, c.first_published, c.first_file,
    c.again_batch, c.again_published, c.again_file, c.again_row
from created_twice as c
where c.again_published <= coalesce($as_of::date, date '9999-12-31')
  and ($district::varchar is null or c.district = $district)
order by district, town, committee, name, again_published
