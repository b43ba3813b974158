-- The batches or rounds each district has published, with their dates.
-- Grain: one row per (district, batch).
-- Parameters: $district (null = all).
-- Reads batch_daily (derive.sql).
select
    district,
    batch,
    min(published) as published,
    bool_or(counts_rounds) as counts_rounds,
    sum(units)::bigint as units
from batch_daily
where $district::varchar is null or district = $district
group by district, batch
order by district, batch
