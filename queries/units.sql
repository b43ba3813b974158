-- Units with their status as of the end of a day, filtered: the explorer's table and download.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest); filters, each null = no filter: $district, $town,
-- $committee, $kind, $status (created | model | revoked | not_created; created includes model),
-- $batch (batch or round of the unit's current creation), $date_from, $date_to (its status date),
-- $search (part of the unit's, committee's or town's name, or of its pinyin or pinyin initials:
-- "hhxy" and "haihao" find 海皓馨苑); $limit (null = every row).
-- matching: how many units match the filters, whatever the limit (the explorer shows the first rows only).
select
    district,
    town,
    committee,
    s.name,
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
from unit_status($as_of::date) as s
left join name_pinyin as pn on pn.name = s.name
left join name_pinyin as pc on pc.name = s.committee
where ($district::varchar is null or district = $district)
  and ($town::varchar is null or town = $town)
  and ($committee::varchar is null or committee = $committee)
  and ($kind::varchar is null or kind = $kind)
  and ($status::varchar is null or status = $status or ($status = 'created' and status = 'model'))
  and ($batch::integer is null or batch = $batch)
  and ($date_from::date is null or status_date >= $date_from)
  and ($date_to::date is null or status_date <= $date_to)
  and ($search::varchar is null
       or contains(s.name, $search) or contains(committee, $search) or contains(town, $search)
       or contains(pn.pinyin, lower($search)) or contains(pn.initials, lower($search))
       or contains(pc.pinyin, lower($search)) or contains(pc.initials, lower($search)))
order by district, town, committee, s.name
limit $limit::bigint
