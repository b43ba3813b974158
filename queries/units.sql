-- Units with their status as of the end of a day, filtered: the explorer's table and download.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest); filters, each null = no filter: $district, $town,
-- $committee, $kind, $status (created | model | revoked | not_created; created includes model),
-- $batch (batch or round of the unit's current creation), $date_from, $date_to (its status date),
-- $search (part of the unit's, committee's or town's name, or of its pinyin or pinyin initials:
-- "hhxy" and "haihao" find 海皓馨苑); $limit (null = every row).
-- matching: how many units match the filters, whatever the limit (the explorer shows the first rows only).
-- The unit filters (place, kind, name) pick units before their status is looked up, in those units' spans of
-- the day only (as unit_status gives it): a district's status filter read the day's spans of every unit of a
-- country (5M, 2 s) when it went through unit_status. Only the districts the first rows lie in are sorted.
-- Without a status, batch or date filter the explorer asks find_units, which looks up the first rows' status only.
with picked as materialized (  -- picked_units: derive.sql
    select * from picked_units($district::varchar, $town::varchar, $committee::varchar, $kind::varchar, $search::varchar)
), day_spans as (  -- the picked units' spans of the day only: unit_status's, without joining every unit
    select unit_id, status, batch, status_date, first_created, times_created
    from unit_spans
    where unit_id in (select unit_id from picked)
      and valid_from <= coalesce($as_of::date, date '9999-12-31')
      and (valid_to is null or valid_to > coalesce($as_of::date, date '9999-12-31'))
), matched as materialized (
    select
        p.district, p.town, p.committee, p.name, p.kind,
        coalesce(s.status, 'not_created') as status,
        s.batch, s.status_date, s.first_created,
        coalesce(s.times_created, 0) as times_created,
        p.households, p.population, p.in_roster
    from picked as p
    left join day_spans as s using (unit_id)
    where ($status::varchar is null or coalesce(s.status, 'not_created') = $status
           or ($status = 'created' and s.status = 'model'))
      and ($batch::integer is null or s.batch = $batch)
      and ($date_from::date is null or s.status_date >= $date_from)
      and ($date_to::date is null or s.status_date <= $date_to)
), per_district as (
    select district, count(*) as n from matched group by district
), needed as (  -- the first rows lie in the first districts: only theirs are sorted
    select district
    from (select district, sum(n) over (order by district) - n as before from per_district)
    where $limit::bigint is null or before < $limit::bigint
)
select *, (select sum(n) from per_district)::bigint as matching
from matched
where district in (select district from needed)
order by district, town, committee, name
limit $limit::bigint
