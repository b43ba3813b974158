-- What changed on each publication date: units newly created, created again after a revocation,
-- revoked, and the net change, up to a day.
-- Grain: one row per (district, published) on which any unit changed state.
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- Reads changes_daily (derive.sql): a later day never changes an earlier row, so as-of is a filter.
select district, published, batches, created_new, created_again, revoked, net
from changes_daily
where published <= coalesce($as_of::date, date '9999-12-31')
  and ($district::varchar is null or district = $district)
order by district, published
