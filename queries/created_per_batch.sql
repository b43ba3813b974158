-- Units created in each batch or round (re-creations after a revocation included), up to a day.
-- Grain: one row per (district, kind, batch).
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- Reads batch_daily (derive.sql); committees counts each committee (by name) once per batch.
select
    district,
    kind,
    batch,
    bool_or(counts_rounds) as counts_rounds,
    min(published) as published,
    sum(units)::bigint as units,
    sum(committees_new)::bigint as committees,
    sum(households)::bigint as households
from batch_daily
where published <= coalesce($as_of::date, date '9999-12-31')
  and ($district::varchar is null or district = $district)
group by district, kind, batch
order by district, kind, batch
