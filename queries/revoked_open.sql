-- Units revoked (取消) and not created again by the end of a day, with how long they have waited.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest), $district (null = all), $limit (null = every row).
-- matching: how many units are waiting, whatever the limit (a country's can be 600,000 on a bad day).
-- Reads unit_spans (derive.sql): the status span of each unit that holds on the day.
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
    count(*) over () as matching
from unit_spans as s
join units as u using (unit_id)
where s.is_revoked
  and s.valid_from <= coalesce($as_of::date, date '9999-12-31')
  and (s.valid_to is null or s.valid_to > coalesce($as_of::date, date '9999-12-31'))
  and ($district::varchar is null or u.district = $district)
order by days_open desc, u.district, u.town, u.committee, u.name
limit $limit::bigint
