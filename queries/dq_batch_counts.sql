-- Data quality: units counted in the loaded lists of a batch against the number its notice published.
-- Grain: one row per batch notice (a targets row with a batch): district, kind (null = all kinds), batch.
-- Parameters: $district (null = all).
select
    t.district,
    t.kind,
    t.batch,
    t.target as published_count,
    (
        select count(*)
        from events as e
        join units as u using (unit_id)
        where e.event = 'created' and e.batch = t.batch and u.district = t.district
          and (t.kind is null or u.kind = t.kind)
    ) as listed_count,
    t.source
from targets as t
where t.batch is not null
  and ($district::varchar is null or t.district = $district)
order by t.district, t.batch, t.kind nulls last
