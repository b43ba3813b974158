-- Units with their status as of the end of a day, filtered: the explorer's table and download.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest); filters, each null = no filter: $district, $town,
-- $committee, $kind, $status (created | model | revoked | not_created; created includes model),
-- $batch (batch or round of the unit's current creation), $date_from, $date_to (its status date),
-- $search (part of the unit's, committee's or town's name, or of its pinyin or pinyin initials:
-- "hhxy" and "haihao" find 海皓馨苑); $limit (null = every row).
-- matching: how many units match the filters, whatever the limit (the explorer shows the first rows only).
-- The unit filters (place, kind, name) pick units before their status is looked up: a search over a whole
-- country's units then joins the status of the few it finds, not of every unit.
with hits as (
    select name from name_pinyin
    where $search::varchar is not null and (contains(pinyin, lower($search)) or contains(initials, lower($search)))
), picked as (
    select unit_id from units
    where ($district::varchar is null or district = $district)
      and ($town::varchar is null or town = $town)
      and ($committee::varchar is null or committee = $committee)
      and ($kind::varchar is null or kind = $kind)
      and ($search::varchar is null
           or contains(name, $search) or contains(committee, $search) or contains(town, $search)
           or name in (select name from hits) or committee in (select name from hits))
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
    count(*) over () as matching
from unit_status($as_of::date)
where unit_id in (select unit_id from picked)
  and ($status::varchar is null or status = $status or ($status = 'created' and status = 'model'))
  and ($batch::integer is null or batch = $batch)
  and ($date_from::date is null or status_date >= $date_from)
  and ($date_to::date is null or status_date <= $date_to)
order by district, town, committee, name
limit $limit::bigint
