-- Units revoked (取消) and not created again by the end of a day, with how long they have waited.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest), $district (null = all), $limit (null = every row).
-- matching: how many units are waiting, whatever the limit (a country's can be 600,000 on a bad day); the first
-- rows are picked the longest waiting first.
-- Reads revoked_spans (derive.sql): the revoked span of each unit that holds on the day, with the unit.
with open as not materialized (
    select *
    from revoked_spans
    where valid_from <= coalesce($as_of::date, date '9999-12-31')
      and (valid_to is null or valid_to > coalesce($as_of::date, date '9999-12-31'))
      and ($district::varchar is null or district = $district)
), per_day as (
    select status_date, count(*) as n from open group by status_date
), needed as (  -- the longest waiting were revoked on the first days: only their spans are sorted
    select max(status_date) as last_day
    from (select status_date, sum(n) over (order by status_date) - n as before from per_day)
    where $limit::bigint is null or before < $limit::bigint
), longest as (
    select * from open
    where status_date <= (select last_day from needed)
    order by status_date, unit_id limit $limit::bigint
)
select
    district,
    town,
    committee,
    name,
    kind,
    status_date as revoked_on,
    date_diff('day', status_date, coalesce($as_of::date, (select last_published from event_range))) as days_open,
    first_created,
    households,
    population,
    (select sum(n) from per_day)::bigint as matching
from longest
order by days_open desc, district, town, committee, name
