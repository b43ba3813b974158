-- Data quality: roster units that no list has mentioned (created, revoked or model) by the end of a day.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest), $district (null = all), $limit (null = every row).
-- matching: how many units no list has mentioned, whatever the limit (before the first list: every unit).
-- Reads roster_first_listed (derive.sql).
with waiting as not materialized (  -- counted and sorted apart: a country's millions are never materialised
    select district, town, committee, name, kind, households, population, source_file, source_row
    from roster_first_listed
    where (first_listed is null or first_listed > coalesce($as_of::date, date '9999-12-31'))
      and ($district::varchar is null or district = $district)
)
select *, (select count(*) from waiting) as matching
from waiting
order by district, town, committee, name
limit $limit::bigint
