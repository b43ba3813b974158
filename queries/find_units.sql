-- Units found by name: the find page's first matches with their status as of the end of a day, and how many.
-- Grain: one row per unit.
-- Parameters: $search (part of the unit's, committee's or town's name, or of its pinyin or pinyin initials:
-- "hhxy" and "haihao" find 海皓馨苑), $as_of (date, null = latest), $district (null = all), $limit (null =
-- every row).
-- matching: how many units match, whatever the limit. A common name matches hundreds of thousands of a
-- country's units: the first are picked by place from the units alone, and only theirs get a status.
with hits as (
    select name from name_pinyin
    where contains(pinyin, lower($search)) or contains(initials, lower($search))
), picked as materialized (
    select unit_id, district, town, committee, name from units
    where ($district::varchar is null or district = $district)
      and (contains(name, $search) or contains(committee, $search) or contains(town, $search)
           or name in (select name from hits) or committee in (select name from hits))
), first_picked as (
    select unit_id from picked order by district, town, committee, name limit $limit::bigint
)
select
    district,
    town,
    committee,
    name,
    kind,
    status,
    batch,
    status_date,
    first_created,
    times_created,
    households,
    population,
    in_roster,
    (select count(*) from picked) as matching
from unit_status($as_of::date)
where unit_id in (select unit_id from first_picked)
order by district, town, committee, name
