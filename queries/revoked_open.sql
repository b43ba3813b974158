-- Units revoked (取消) and not created again by the end of a day, with how long they have waited.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest), $district (null = all), $limit (null = every row).
-- matching: how many units are waiting, whatever the limit (a country's can be 600,000 on a bad day); the first
-- rows are picked from the spans alone, the longest waiting first, before their units are looked up.
-- Reads unit_spans (derive.sql): the status span of each unit that holds on the day.
with open as not materialized (
    select unit_id, status_date, first_created
    from unit_spans
    where is_revoked
      and valid_from <= coalesce($as_of::date, date '9999-12-31')
      and (valid_to is null or valid_to > coalesce($as_of::date, date '9999-12-31'))
      and ($district::varchar is null or district = $district)
), per_day as (
    select status_date, count(*) as n from open group by status_date
), needed as (  -- the longest waiting were revoked on the first days: only their units are sorted
    select max(status_date) as last_day
    from (select status_date, sum(n) over (order by status_date) - n as before from per_day)
    where $limit::bigint is null or before < $limit::bigint
), longest as (
    select * from open
    where status_date <= (select last_day from needed)
    order by status_date, unit_id limit $limit::bigint
)
select
    u.district,
    u.town,
    u.committee,
    u.name,
    u.kind,
    s.status_date as revoked_on,
    date_diff('day', s.status_date, coalesce($as_of::date, (select last_published from event_range))) as days_open,
    s.first_created,
    u.households,
    u.population,
    (select sum(n) from per_day)::bigint as matching
from longest as s
join units as u using (unit_id)
order by days_open desc, u.district, u.town, u.committee, u.name
