-- Data quality: a unit listed as created again while it was still created (no revocation between).
-- Grain: one row per such repeated creation.
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- Reads created_twice (derive.sql): the check looks only back, so as-of is a filter.
select
    district, town, committee, name, kind, first_batch, first_published, first_file,
    again_batch, again_published, again_file, again_row
from created_twice
where again_published <= coalesce($as_of::date, date '9999-12-31')
  and ($district::varchar is null or district = $district)
order by district, town, committee, name, again_published
