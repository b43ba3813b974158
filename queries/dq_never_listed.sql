-- Data quality: roster units that no list has mentioned (created, revoked or model) by the end of a day.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest), $district (null = all), $limit (null = every row).
-- matching: how many units no list has mentioned, whatever the limit (before the first list: every unit).
-- Reads roster_first_listed (derive.sql).
select
    district, town, committee, name, kind, households, population, source_file, source_row,
    count(*) over () as matching
from roster_first_listed
where (first_listed is null or first_listed > coalesce($as_of::date, date '9999-12-31'))
  and ($district::varchar is null or district = $district)
order by district, town, committee, name
limit $limit::bigint
