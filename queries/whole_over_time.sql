-- Whole-committee and whole-village creation (整居 / 整村) on each publication date, up to a day.
-- Grain: one row per (district, kind, published) for compounds and village groups.
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- Reads whole_daily (derive.sql): a later day never changes an earlier row, so as-of is a filter.
select district, kind, published, committees, committees_whole
from whole_daily
where published <= coalesce($as_of::date, date '9999-12-31')
  and ($district::varchar is null or district = $district)
order by district, kind, published
