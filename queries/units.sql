-- Units with their status as of the end of a day, filtered: the explorer's table and download.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest); filters, each null = no filter: $district, $town,
-- $committee, $kind, $status (created | model | revoked | not_created; created includes model),
-- $batch (batch or round of the unit's current creation), $date_from, $date_to (its status date),
-- $search (part of the unit's, committee's or town's name, or of its pinyin or pinyin initials: "hhxy"
-- and "haihao" find 海皓馨苑); $limit (null = every row).
-- matching: how many units match the filters, whatever the limit (the explorer shows the first rows only).
-- The unit filters (place, kind, name) pick units' keys from derive.sql's name index (found_units), which holds each
-- unit's status now: with no day chosen (the newest data) a name and a status over a country are one scan of it; on
-- a chosen day the status is looked up in those units' spans of the day only (search_spans, as unit_status gives
-- it). Only the first rows' other columns are read. Without a status, batch or date filter the explorer asks
-- find_units, which looks up the first rows' status only.
with picked as materialized (  -- the matches' keys, with their status now: all a query with no chosen day needs
    select district, unit_no, latest_status, latest_batch, latest_status_date, latest_first_created,
           latest_times_created
    from found_units($district::varchar, $town::varchar, $committee::varchar, $kind::varchar, $search::varchar)
    where $as_of::date is not null
       or (($status::varchar is null or latest_status = $status or ($status = 'created' and latest_status = 'model'))
           and ($batch::integer is null or latest_batch = $batch)
           and ($date_from::date is null or latest_status_date >= $date_from)
           and ($date_to::date is null or latest_status_date <= $date_to))
), day_spans as (  -- on a chosen day, the picked units' spans of that day only: unit_status's, without every unit
    select s.district, s.unit_no, s.status, s.batch, s.status_date, s.first_created, s.times_created
    from search_spans as s
    semi join picked using (district, unit_no)  -- a join on both keys: its bounds skip the other districts' spans
    where $as_of::date is not null
      and valid_from <= $as_of::date and (valid_to is null or valid_to > $as_of::date)
), statuses as (
    select
        p.district, p.unit_no,
        case when $as_of::date is null then p.latest_status else coalesce(s.status, 'not_created') end as status,
        case when $as_of::date is null then p.latest_batch else s.batch end as batch,
        case when $as_of::date is null then p.latest_status_date else s.status_date end as status_date,
        case when $as_of::date is null then p.latest_first_created else s.first_created end as first_created,
        case when $as_of::date is null then p.latest_times_created else coalesce(s.times_created, 0) end
            as times_created
    from picked as p
    left join day_spans as s using (district, unit_no)
), matched as materialized (
    select * from statuses
    where ($status::varchar is null or status = $status or ($status = 'created' and status = 'model'))
      and ($batch::integer is null or batch = $batch)
      and ($date_from::date is null or status_date >= $date_from)
      and ($date_to::date is null or status_date <= $date_to)
), per_district as (
    select district, count(*) as n from matched group by district
), needed as (  -- the first rows lie in the first districts: only theirs are sorted (derive.sql)
    select * from first_districts(per_district, $limit::bigint)
), first_matched as materialized (
    select * from matched
    where district in (select district from needed)
    order by district, unit_no
    limit $limit::bigint
)
select
    u.district, u.town, u.committee, u.name, u.kind,
    m.status, m.batch, m.status_date, m.first_created, m.times_created,
    u.households, u.population, u.in_roster,
    (select sum(n) from per_district)::bigint as matching
from first_matched as m
join search_units as u using (district, unit_no)
order by m.district, m.unit_no
