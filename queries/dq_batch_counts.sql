-- Data quality: units counted in the loaded lists of a batch against the number its notice published.
-- Grain: one row per batch notice (a targets row with a batch): district, kind (null = all kinds), batch.
-- Parameters: $district (null = all).
-- Reads batch_daily (derive.sql).
select
    t.district,
    t.kind,
    t.batch,
    t.target as published_count,
    (
        select coalesce(sum(b.units), 0)::bigint
        from batch_daily as b
        where b.batch = t.batch and b.district = t.district
          and (t.kind is null or b.kind = t.kind)
    ) as listed_count,
    t.source
from targets as t
where t.batch is not null
  and ($district::varchar is null or t.district = $district)
order by t.district, t.batch, t.kind nulls last
