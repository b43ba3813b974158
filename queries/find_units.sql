-- Units found by place, kind and name, first rows by place: the find page's matches and the explorer's table
-- when no status, batch or date filter is set, with their status as of the end of a day, and how many.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest); filters, each null = no filter: $district, $town, $committee,
-- $kind, $search (part of the unit's, committee's or town's name, or of its pinyin or pinyin initials: "hhxy"
-- and "haihao" find 海皓馨苑); $limit (null = every row).
-- matching: how many units match, whatever the limit. A common name matches hundreds of thousands of a
-- country's units: they are picked by their key alone from derive.sql's name index (found_units), only the
-- first rows' other columns are read, and only theirs get a status, from their spans of the day (as unit_status
-- gives it). The explorer's status filters need every match's status: that is units.sql.
with picked as materialized (  -- the matches' keys only, in the order shown
    select district, unit_no
    from found_units($district::varchar, $town::varchar, $committee::varchar, $kind::varchar, $search::varchar)
), per_district as (
    select district, count(*) as n from picked group by district
), needed as (  -- the first rows lie in the first districts: only theirs are sorted (derive.sql)
    select * from first_districts(per_district, $limit::bigint)
), first_keys as materialized (
    select district, unit_no from picked
    where district in (select district from needed)
    order by district, unit_no
    limit $limit::bigint
), first_picked as (
    select u.* from search_units as u semi join first_keys as k using (district, unit_no)
), day_spans as (  -- their spans of the day only: unit_status's, without joining every unit
    select s.district, s.unit_no, s.status, s.batch, s.status_date, s.first_created, s.times_created
    from search_spans as s
    semi join first_keys using (district, unit_no)  -- a join on both keys: its bounds skip the other districts' spans
    where valid_from <= coalesce($as_of::date, date '9999-12-31')
      and (valid_to is null or valid_to > coalesce($as_of::date, date '9999-12-31'))
)
select
    p.district, p.town, p.committee, p.name, p.kind,
    coalesce(s.status, 'not_created') as status,
    s.batch, s.status_date, s.first_created,
    coalesce(s.times_created, 0) as times_created,
    p.households, p.population, p.in_roster,
    (select sum(n) from per_district)::bigint as matching
from first_picked as p
left join day_spans as s using (district, unit_no)
order by p.district, p.unit_no
