-- Units with their status as of the end of a day, filtered: the explorer's table and download.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest); filters, each null = no filter: $district, $town,
-- $committee, $kind, $status (created | model | revoked | not_created; created includes model),
-- $batch (batch or round of the unit's current creation), $date_from, $date_to (its status date),
-- $search (part of the unit's, committee's or town's name, or of its pinyin or pinyin initials: "hhxy"
-- and "haihao" find 海皓馨苑); $limit (null = every row).
-- matching: how many units match the filters, whatever the limit (the explorer shows the first rows only).
-- The unit filters (place, kind, name) pick units' keys from derive.sql's name index (found_units) before their
-- status is looked up, in those units' spans of the day only (search_spans, as unit_status gives it); only the
-- first rows' other columns are read. Without a status, batch or date filter the explorer asks find_units, which
-- looks up the first rows' status only.
with picked as materialized (  -- the matches' keys only
    select district, unit_no
    from found_units($district::varchar, $town::varchar, $committee::varchar, $kind::varchar, $search::varchar)
), day_spans as (  -- the picked units' spans of the day only: unit_status's, without joining every unit
    select s.district, s.unit_no, s.status, s.batch, s.status_date, s.first_created, s.times_created
    from search_spans as s
    semi join picked using (district, unit_no)  -- a join on both keys: its bounds skip the other districts' spans
    where valid_from <= coalesce($as_of::date, date '9999-12-31')
      and (valid_to is null or valid_to > coalesce($as_of::date, date '9999-12-31'))
), matched as materialized (
    select
        p.district, p.unit_no,
        coalesce(s.status, 'not_created') as status,
        s.batch, s.status_date, s.first_created,
        coalesce(s.times_created, 0) as times_created
    from picked as p
    left join day_spans as s using (district, unit_no)
    where ($status::varchar is null or coalesce(s.status, 'not_created') = $status
           or ($status = 'created' and s.status = 'model'))
      and ($batch::integer is null or s.batch = $batch)
      and ($date_from::date is null or s.status_date >= $date_from)
      and ($date_to::date is null or s.status_date <= $date_to)
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
