-- Cumulative units created and coverage on each publication date, up to a day.
-- Grain: one row per (district, kind, published) where something was published for that district.
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- Reads progress_daily (derive.sql): a later day never changes an earlier row, so as-of is a filter.
select district, kind, published, batches, net, created, total, coverage_pct
from progress_daily
where published <= coalesce($as_of::date, date '9999-12-31')
  and ($district::varchar is null or district = $district)
order by district, kind, published
