-- Units revoked (取消) and not created again by the end of a day, with how long they have waited.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest), $district (null = all).
select
    district,
    town,
    committee,
    name,
    kind,
    status_date as revoked_on,
    date_diff('day', status_date, coalesce($as_of::date, (select max(published) from events))) as days_open,
    first_created,
    households,
    population
from unit_status($as_of::date)
where is_revoked
  and ($district::varchar is null or district = $district)
order by days_open desc, district, town, committee, name
