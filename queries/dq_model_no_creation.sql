-- Data quality: units listed as model (示范) with no creation on record by that day. A unit becomes a model only once
-- created, so ingest counts it created as of the model day (an implied creation: a created and a model event of the
-- unit from the same row of the same file); the list that created it is missing and should be loaded.
-- Grain: one row per implied creation that no other creation of the unit on or before its day explains.
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- Reads model_no_creation (derive.sql): the check looks only back, so as-of is a filter.
select district, town, committee, name, kind, model_published, model_file, model_row
from model_no_creation
where model_published <= coalesce($as_of::date, date '9999-12-31')
  and ($district::varchar is null or district = $district)
order by district, town, committee, name, model_published
