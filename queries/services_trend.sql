-- Services to residents per week (weeks start on Monday) and kind, up to the end of a day.
-- Grain: one row per (week, kind) with services.
-- Parameters: $as_of (date, null = latest), $district (null = all), $town (null = all),
-- $committee (null = all).
select
    date_trunc('week', day)::date as week,
    kind,
    sum(count)::bigint as total
from services
where ($as_of::date is null or day <= $as_of)
  and ($district::varchar is null or district = $district)
  and ($town::varchar is null or town = $town)
  and ($committee::varchar is null or committee = $committee)
group by week, kind
order by week, list_position(['medicine', 'certificate', 'transfer', 'parcel', 'special', 'road_guard', 'other'], kind)
