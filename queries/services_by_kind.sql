-- Services to residents: totals per kind of service up to the end of a day.
-- Grain: one row per kind (medicine, certificate, transfer, parcel, special, road_guard, other).
-- Parameters: $as_of (date, null = latest), $district (null = all), $town (null = all),
-- $committee (null = all).
select
    kind,
    sum(count)::bigint as total,
    count(distinct (district, town, committee)) as places,
    min(day) as first_day,
    max(day) as last_day
from services
where ($as_of::date is null or day <= $as_of)
  and ($district::varchar is null or district = $district)
  and ($town::varchar is null or town = $town)
  and ($committee::varchar is null or committee = $committee)
group by kind
order by list_position(['medicine', 'certificate', 'transfer', 'parcel', 'special', 'road_guard', 'other'], kind)
