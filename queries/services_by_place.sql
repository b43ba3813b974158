-- Services to residents per committee or village and kind, up to the end of a day.
-- Grain: one row per (district, town, committee, kind).
-- Parameters: $as_of (date, null = latest), $district (null = all), $town (null = all).
select
    district,
    town,
    committee,
    kind,
    sum(count)::bigint as total,
    max(day) as last_day
from services
where ($as_of::date is null or day <= $as_of)
  and ($district::varchar is null or district = $district)
  and ($town::varchar is null or town = $town)
group by district, town, committee, kind
order by district, town, committee, kind
