-- Data quality: roster units that no list has mentioned (created, revoked or model) by the end of a day.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest), $district (null = all).
select u.district, u.town, u.committee, u.name, u.kind, u.households, u.population, u.source_file, u.source_row
from units as u
where u.in_roster
  and ($district::varchar is null or u.district = $district)
  and not exists (
      select 1 from events as e
      where e.unit_id = u.unit_id and e.published <= coalesce($as_of::date, date '9999-12-31')
  )
order by u.district, u.town, u.committee, u.name
