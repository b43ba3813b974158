-- Units found by place, kind and name, first rows by place: the find page's matches and the explorer's table
-- when no status, batch or date filter is set, with their status as of the end of a day, and how many.
-- Grain: one row per unit.
-- Parameters: $as_of (date, null = latest); filters, each null = no filter: $district, $town, $committee,
-- $kind, $search (part of the unit's, committee's or town's name, or of its pinyin or pinyin initials: "hhxy"
-- and "haihao" find 海皓馨苑); $limit (null = every row).
-- matching: how many units match, whatever the limit. A common name matches hundreds of thousands of a
-- country's units: the first are picked by place from the units alone (only the districts they lie in are
-- sorted), and only theirs get a status, from their spans of the day (as unit_status gives it; through
-- unit_status a district's first 10,000 took twice as long). The explorer's status filters need every match's
-- status: that is units.sql.
with picked as materialized (  -- picked_units: derive.sql
    select * from picked_units($district::varchar, $town::varchar, $committee::varchar, $kind::varchar, $search::varchar)
), per_district as (
    select district, count(*) as n from picked group by district
), needed as (  -- the first rows lie in the first districts: only theirs are sorted
    select district
    from (select district, sum(n) over (order by district) - n as before from per_district)
    where $limit::bigint is null or before < $limit::bigint
), first_picked as materialized (
    select * from picked
    where district in (select district from needed)
    order by district, town, committee, name
    limit $limit::bigint
), day_spans as (  -- their spans of the day only: unit_status's, without joining every unit
    select unit_id, status, batch, status_date, first_created, times_created
    from unit_spans
    where unit_id in (select unit_id from first_picked)
      and valid_from <= coalesce($as_of::date, date '9999-12-31')
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
left join day_spans as s using (unit_id)
order by p.district, p.town, p.committee, p.name
