-- Derived tables, rebuilt from scoped_units and events every time a snapshot is built (store.publish), before the
-- swap: the pages ask "as of day D" questions, and replaying the whole status history for each of them costs
-- seconds at city scale and minutes at national scale. Here the history is replayed once; the queries then
-- read a few precomputed rows.
-- Every table here has a district column and reads units and events only through scoped_units and
-- scoped_events, temporary tables store.derive makes: every district, or only the districts an ingest changed
-- (the rows of the others are then copied from the previous snapshot, built by this same script). There each
-- unit has an integer key, uk, numbered in (district, unit_id) order (scoped_events carry it instead of unit_id):
-- the statements partition, join and sort by it rather than by the text unit_id, and ordering by uk orders by
-- district, unit_id. The temporary tables keyed_* (the stored tables with uk, for the later statements) and
-- unit_nos are dropped at the end.

-- Per unit, its state transitions: +1 when it becomes created, -1 when a created unit is revoked,
-- 0 for a repeated listing. Summing delta up to a day gives the units created as of that day. The previous
-- event of the unit (previous_*) is kept for the repeated-creation check below.
-- Grain: one row per created or revoked event.
create or replace temp table keyed_transitions as
with ordered as (
    select
        e.uk, e.event, e.batch, e.published, e.event_id, e.source_file, e.source_row,
        lag(e.event) over w as previous,
        lag(e.published) over w as previous_published,
        lag(e.batch) over w as previous_batch,
        lag(e.source_file) over w as previous_file
    from scoped_events as e
    where e.event in ('created', 'revoked')
    window w as (partition by e.uk order by e.published, e.event_id)
)
select
    o.uk, o.event, o.batch, o.published, o.event_id,
    case
        when o.event = 'created' and coalesce(o.previous, 'revoked') <> 'created' then 1
        when o.event = 'revoked' and o.previous = 'created' then -1
        else 0
    end as delta,
    o.source_file, o.source_row, o.previous, o.previous_published, o.previous_batch, o.previous_file
from ordered as o;

create or replace table transitions as
select
    u.district, u.unit_id, t.event, t.batch, t.published, t.event_id, t.delta,
    t.source_file, t.source_row, t.previous, t.previous_published, t.previous_batch, t.previous_file
from keyed_transitions as t
join scoped_units as u using (uk)
order by t.uk, t.published, t.event_id;

-- Each unit's status over time: a span per day on which one of its events was published, valid from that day
-- until (not including) the next such day; valid_to null = still valid. A unit with no span was never listed.
-- Grain: one row per (unit, day with a created, revoked or model event of the unit).
create or replace temp table keyed_spans as
with daily as (
    -- one row per unit and day: the day's last creation or revocation decides the status (a struct keeps a
    -- null batch)
    select
        uk, published,
        arg_max({'event': event, 'batch': batch, 'day': published}, event_id)
            filter (where event in ('created', 'revoked')) as cr,
        bool_or(event = 'model') as has_model,
        count(*) filter (where event = 'created') as n_created
    from scoped_events
    where event in ('created', 'revoked', 'model')
    group by uk, published
), running as (
    select
        uk, published,
        arg_max(cr, case when cr is not null then published end) over w as latest,
        max(case when has_model then published end) over w as model_date,
        min(case when n_created > 0 then published end) over w as first_created,
        sum(n_created) over w as times_created,
        lead(published) over w2 as valid_to
    from daily
    window w as (partition by uk order by published rows between unbounded preceding and current row),
           w2 as (partition by uk order by published)
)
select
    r.uk, r.published as valid_from, r.valid_to,
    coalesce(latest.event = 'created', false) as is_created,
    -- a revocation of a unit never created by then takes away nothing: the unit is not created, not revoked
    coalesce(latest.event = 'revoked' and first_created is not null, false) as is_revoked,
    coalesce(latest.event = 'created' and model_date >= latest.day, false) as is_model,
    case
        when latest.event = 'created' and model_date >= latest.day then 'model'
        when latest.event = 'created' then 'created'
        when latest.event = 'revoked' and first_created is not null then 'revoked'
        else 'not_created'
    end as status,
    case when latest.event = 'created' then latest.batch end as batch,
    latest.day as status_date,
    first_created,
    times_created::bigint as times_created
from running as r;

create or replace table unit_spans as
select
    u.district, u.unit_id, s.valid_from, s.valid_to, s.is_created, s.is_revoked, s.is_model, s.status, s.batch,
    s.status_date, s.first_created, s.times_created
from keyed_spans as s
join scoped_units as u using (uk)
order by s.uk, s.valid_from;

-- The spans in which a unit stood revoked, by the day they began, with the unit's place and size: open
-- revocations on a day (revoked_open) read a third of unit_spans' rows and look up no unit among millions, and
-- DuckDB's zone maps skip the spans begun after the day. Grain: one row per revoked span.
create or replace table revoked_spans as
select
    u.district, u.unit_id, s.valid_from, s.valid_to, s.status_date, s.first_created,
    u.town, u.committee, u.name, u.kind, u.households, u.population
from keyed_spans as s
join scoped_units as u using (uk)
where s.is_revoked
order by s.valid_from, u.unit_id;

-- Every unit as it stood at the end of day as_of (null: the latest).
create or replace macro unit_status(as_of) as table
select
    u.*,
    coalesce(s.is_created, false) as is_created,
    coalesce(s.is_revoked, false) as is_revoked,
    coalesce(s.is_model, false) as is_model,
    coalesce(s.status, 'not_created') as status,
    s.batch,
    s.status_date,
    s.first_created,
    coalesce(s.times_created, 0) as times_created
from units as u
left join (
    select * from unit_spans
    where valid_from <= coalesce(as_of, date '9999-12-31')
      and (valid_to is null or valid_to > coalesce(as_of, date '9999-12-31'))
) as s using (unit_id);

-- The 整建制 marks of the lists published up to day as_of (null: the latest) in a district (null: all), with every
-- roster unit of the marked committee and kind as it stood at the end of the mark's day: what the two whole-claim
-- checks compare. A mark is one list's (file and day's) marks on a committee or village and kind of unit: whole
-- (是) if any of its rows says so, mark_row its first row saying what it claims.
-- Grain: one row per (mark, roster unit of its committee and kind).
create or replace macro whole_mark_units(as_of, of_district) as table
with marks as (
    select l.district, u.town, u.committee, u.kind, l.published, l.source_file,
           bool_or(l.whole) as whole,
           coalesce(min(l.source_row) filter (where l.whole), min(l.source_row)) as mark_row
    from list_rows as l
    join units as u using (unit_id)
    where l.whole is not null
      and l.published <= coalesce(as_of, date '9999-12-31')
      and (of_district is null or l.district = of_district)
    group by all
)
select
    m.*,
    u.name,
    u.source_file as roster_file,
    u.source_row as roster_row,
    coalesce(s.status, 'not_created') as status_then,
    coalesce(s.is_created, false) as created_then
from marks as m
join units as u
    on u.district = m.district and u.town = m.town and u.committee = m.committee and u.kind = m.kind and u.in_roster
left join unit_spans as s
    on s.unit_id = u.unit_id and s.valid_from <= m.published and (s.valid_to is null or s.valid_to > m.published);

-- Roster sizes. Grain: town_kinds one row per (district, town, kind); town_totals per (district, town).
create or replace table town_kinds as
select
    district, town, kind,
    count(*) as units,
    count(*) filter (where in_roster) as total,
    bool_or(in_roster) as has_roster,
    count(distinct committee) as committees
from scoped_units
group by district, town, kind
order by district, town, kind;

create or replace table town_totals as
select
    district, town,
    count(*) as units,
    count(*) filter (where in_roster) as total,
    bool_or(in_roster) as has_roster,
    count(distinct committee) as committees
from scoped_units
group by district, town
order by district, town;

-- The days on which some unit of a district changed status: "as of day D" means the latest of these <= D.
-- Grain: one row per (district, day).
create or replace table district_days as
select distinct district, valid_from as day
from unit_spans
order by district, day;

-- "As of day D" for the per-day tables below: per district (one, or null: all), its latest status day <= D.
create or replace macro status_day(as_of, of_district) as table
select district, max(day) as day
from district_days
where day <= coalesce(as_of, date '9999-12-31') and (of_district is null or district = of_district)
group by district;

-- The first and last publication day of any event (applied included).
create or replace table event_range as
select min(published) as first_published, max(published) as last_published from events;

-- Units created, model and revoked per town and kind at the end of each of its district's days (dense: every
-- day of the district, for every town and kind that ever had a status).
-- Grain: one row per (district, day, town, kind).
create or replace table coverage_daily as
with places as (
    -- each (district, town, kind) numbered: an integer key (pk) to sum the moves by and run the window over
    select district, town, kind, row_number() over () as pk
    from scoped_units
    group by all
), unit_places as (
    select u.uk, p.pk, u.in_roster
    from scoped_units as u
    join places as p using (district, town, kind)
), moves as (
    select p.pk, s.valid_from as day,
           s.is_created::integer as created, s.is_model::integer as model, s.is_revoked::integer as revoked,
           (s.is_created and p.in_roster)::integer as roster_created
    from keyed_spans as s
    join unit_places as p using (uk)
    union all
    select p.pk, s.valid_to as day,
           -s.is_created::integer, -s.is_model::integer, -s.is_revoked::integer,
           -(s.is_created and p.in_roster)::integer
    from keyed_spans as s
    join unit_places as p using (uk)
    where s.valid_to is not null
), deltas as (
    select pk, day, sum(created) as created, sum(model) as model, sum(revoked) as revoked,
           sum(roster_created) as roster_created
    from moves
    group by pk, day
), grid as (
    select p.pk, p.district, p.town, p.kind, d.day
    from places as p
    join district_days as d using (district)
    where p.pk in (select pk from deltas)
)
select
    g.district, g.day, g.town, g.kind,
    (sum(coalesce(m.created, 0)) over w)::integer as created,
    (sum(coalesce(m.model, 0)) over w)::integer as model,
    (sum(coalesce(m.revoked, 0)) over w)::integer as revoked,
    (sum(coalesce(m.roster_created, 0)) over w)::integer as roster_created  -- created among roster units
from grid as g
left join deltas as m using (pk, day)
window w as (partition by g.pk order by g.day)
order by g.district, g.day, g.town, g.kind;

-- The same per district and kind. Grain: one row per (district, day, kind).
create or replace table district_daily as
select district, day, kind, sum(created)::integer as created, sum(model)::integer as model,
       sum(revoked)::integer as revoked
from coverage_daily
group by district, day, kind
order by district, day, kind;

-- Creations per batch and publication day, with what they add up to. Grain: one row per (district, kind, batch,
-- published). committees_new: committees (by name, within district and kind) listed in the batch for the first
-- time that day; became_created: creations that made a unit created (not repeated listings).
create or replace table batch_daily as
with created as (
    select u.district, u.kind, u.committee, u.households, e.batch, e.published, e.counts_rounds
    from scoped_events as e
    join scoped_units as u using (uk)
    where e.event = 'created'
), firsts as (
    select district, kind, batch, committee, min(published) as published
    from created
    group by district, kind, batch, committee
), new_committees as (
    select district, kind, batch, published, count(*) as committees_new
    from firsts
    group by district, kind, batch, published
), became as (
    select u.district, u.kind, t.batch, t.published, count(*) as became_created
    from keyed_transitions as t
    join scoped_units as u using (uk)
    where t.event = 'created' and t.delta = 1
    group by u.district, u.kind, t.batch, t.published
)
select
    c.district, c.kind, c.batch, c.published,
    bool_or(c.counts_rounds) as counts_rounds,
    count(*) as units,
    sum(c.households)::bigint as households,
    coalesce(any_value(n.committees_new), 0) as committees_new,
    coalesce(any_value(b.became_created), 0) as became_created
from created as c
left join new_committees as n
    on n.district = c.district and n.kind = c.kind and n.batch is not distinct from c.batch
    and n.published = c.published
left join became as b
    on b.district = c.district and b.kind = c.kind and b.batch is not distinct from c.batch
    and b.published = c.published
group by c.district, c.kind, c.batch, c.published
order by c.district, c.kind, c.batch, c.published;

-- Creations per town, batch and publication day. Grain: one row per (district, town, batch, published).
create or replace table town_batch_daily as
select u.district, u.town, e.batch, e.published, count(*) as units
from scoped_events as e
join scoped_units as u using (uk)
where e.event = 'created'
group by u.district, u.town, e.batch, e.published
order by u.district, u.town, e.batch, e.published;

-- The cumulative curve per district and kind on each day something was published for it (progress_curve with
-- no as-of day: later days never change earlier rows). Grain: one row per (district, kind, published).
create or replace table progress_daily as
with totals as (
    select district, kind, sum(total) as total, bool_or(has_roster) as has_roster
    from town_kinds
    group by district, kind
), daily as (
    select u.district, u.kind, t.published, sum(t.delta)::bigint as net, list(distinct t.batch order by t.batch)
        filter (where t.event = 'created') as batches
    from keyed_transitions as t
    join scoped_units as u using (uk)
    group by u.district, u.kind, t.published
)
select
    d.district,
    d.kind,
    d.published,
    d.batches,
    d.net,
    (sum(d.net) over (partition by d.district, d.kind order by d.published))::bigint as created,
    case when t.has_roster then t.total end::bigint as total,
    case when t.has_roster then 100.0 * sum(d.net) over (partition by d.district, d.kind
        order by d.published) / nullif(t.total, 0) end as coverage_pct
from daily as d
join totals as t using (district, kind)
order by d.district, d.kind, d.published;

-- What changed on each publication date (changes_by_date with no as-of day).
-- Grain: one row per (district, published) on which any unit changed state.
create or replace table changes_daily as
with counted as (
    select
        u.district,
        t.published,
        t.batch,
        t.delta,
        -- creations of the same unit before this one: a creation after a revocation is a re-creation
        sum(case when t.event = 'created' then 1 else 0 end) over (
            partition by t.uk order by t.published, t.event_id
            rows between unbounded preceding and 1 preceding
        ) as created_before
    from keyed_transitions as t
    join scoped_units as u using (uk)
)
select
    district,
    published,
    list(distinct batch order by batch) filter (where batch is not null) as batches,
    count(*) filter (where delta = 1 and coalesce(created_before, 0) = 0) as created_new,
    count(*) filter (where delta = 1 and created_before > 0) as created_again,
    count(*) filter (where delta = -1) as revoked,
    sum(delta)::bigint as net
from counted
group by district, published
having count(*) filter (where delta <> 0) > 0
order by district, published;

-- Whole-committee and whole-village creation (整居 / 整村) on each day something was published for the
-- district and kind (whole_over_time with no as-of day), for the kinds the campaign counts whole (temp.whole_kinds,
-- from its definition). Grain: one row per (district, kind, published).
create or replace table whole_daily as
with sizes as (
    -- each committee (district, kind, town, committee) numbered: an integer key (ck) for the windows and joins
    select district, kind, town, committee, count(*) as units, row_number() over () as ck
    from scoped_units
    where kind in (select kind from temp.whole_kinds)
    group by all
), committees as materialized (  -- else the optimiser sums per_day by the committee's text columns first
    select u.uk, s.ck
    from scoped_units as u
    join sizes as s using (district, kind, town, committee)
), per_day as (
    select c.ck, t.published, sum(t.delta) as net
    from keyed_transitions as t
    join committees as c using (uk)
    group by c.ck, t.published
), running as (
    select ck, published, sum(net) over (partition by ck order by published) as created
    from per_day
), days as (
    select distinct s.district, s.kind, p.published
    from per_day as p
    join sizes as s using (ck)
), committee_days as (
    select d.district, d.kind, d.published, s.ck, s.units
    from days as d
    join sizes as s using (district, kind)
)
select
    cd.district,
    cd.kind,
    cd.published,
    count(*) as committees,
    count(*) filter (where r.created > 0) as committees_with_created,
    count(*) filter (where r.created = cd.units) as committees_whole
from committee_days as cd
asof left join running as r
    on r.ck = cd.ck and r.published <= cd.published
group by cd.district, cd.kind, cd.published
order by cd.district, cd.kind, cd.published;

-- Data quality: a unit listed as created again while it was still created (no revocation between).
-- Grain: one row per such repeated creation (dq_created_twice with no as-of day: the check looks only back).
create or replace table created_twice as
select
    u.district, u.town, u.committee, u.name, u.kind,
    t.previous_batch as first_batch, t.previous_published as first_published, t.previous_file as first_file,
    t.batch as again_batch, t.published as again_published, t.source_file as again_file, t.source_row as again_row
from keyed_transitions as t
join scoped_units as u using (uk)
where t.event = 'created' and t.previous = 'created'
  -- a creation ingest implied from a model (示范) listing in the same row is no second listing
  and not exists (
      select 1 from scoped_events as m
      where m.uk = t.uk and m.event = 'model' and m.published = t.published
        and m.source_file = t.source_file and m.source_row is not distinct from t.source_row
  )
order by u.district, u.town, u.committee, u.name, t.published;

-- Data quality: creations ingest implied from a model (示范) listing (a created and a model event of the unit from
-- the same row of the same file) that no other creation of the unit on or before their day explains: the list that
-- created the unit is missing. Grain: one row per such implied creation (dq_model_no_creation with no as-of day:
-- the check looks only back). Asked at each visit, its joins over every event took seconds at national scale.
create or replace table model_no_creation as
with implied as (
    select c.uk, c.published, c.source_file, c.source_row
    from scoped_events as c
    join scoped_events as m
      on m.uk = c.uk and m.published = c.published
     and m.source_file = c.source_file and m.source_row is not distinct from c.source_row
    where c.event = 'created' and m.event = 'model'
)
select
    u.district, u.town, u.committee, u.name, u.kind,
    i.published as model_published, i.source_file as model_file, i.source_row as model_row
from implied as i
join scoped_units as u using (uk)
where not exists (
    select 1 from scoped_events as e
    where e.uk = i.uk and e.event = 'created' and e.published <= i.published
      and not (e.source_file = i.source_file and e.source_row is not distinct from i.source_row)
)
order by u.district, u.town, u.committee, u.name, i.published;

-- Roster units with the day a list first mentioned them (null: never), latest first so that "not mentioned by
-- day D" reads only the first rows. Grain: one row per roster unit.
create or replace table roster_first_listed as
select
    u.district, u.town, u.committee, u.name, u.kind, u.households, u.population, u.source_file, u.source_row,
    f.first_listed
from scoped_units as u
left join (select uk, min(published) as first_listed from scoped_events group by uk) as f using (uk)
where u.in_roster
order by f.first_listed desc nulls first, u.district, u.town, u.committee, u.name;

-- ---------------------------------------------------------------------------------------------------------------
-- Search: the name index the explorer's and the find page's queries answer a typed name from (units.sql,
-- find_units.sql through found_units), and the first districts of a sorted, limited answer.

-- The units as the searches read them, numbered within their district in the order they are shown (town,
-- committee, name), with the pinyin and initials of their name and committee beside them: a typed name is
-- tested on these columns alone, each holding a few thousand distinct values that DuckDB's dictionaries test
-- once each, and only the first rows' other columns are read (by district and unit_no, stored in that order).
-- name_pinyin is filled for a district's names before it is derived (store.derive_districts).
-- latest_*: the unit's status now (its span with no end; unit_status's columns with no as-of day), so that a name
-- and a status over a country, as of the newest data (the explorer's default), are one scan of this table.
-- Grain: one row per unit.
create or replace temp table unit_nos as
select uk, district, row_number() over (partition by district order by town, committee, name, unit_id)::integer as unit_no
from scoped_units;

create or replace table search_units as
select
    k.unit_no,
    u.district, u.town, u.committee, u.name, u.kind, u.households, u.population, u.in_roster, u.unit_id,
    n.pinyin as name_pinyin, n.initials as name_initials, c.pinyin as committee_pinyin, c.initials as committee_initials,
    coalesce(l.status, 'not_created') as latest_status, l.batch as latest_batch, l.status_date as latest_status_date,
    l.first_created as latest_first_created, coalesce(l.times_created, 0) as latest_times_created
from scoped_units as u
join unit_nos as k using (uk)
left join name_pinyin as n on n.name = u.name
left join name_pinyin as c on c.name = u.committee
left join (select * from keyed_spans where valid_to is null) as l using (uk)
order by u.district, k.unit_no;

-- unit_spans keyed by (district, unit_no): a search's matches (hundreds of thousands over a country) get their
-- status of a day through an integer key rather than their text unit_id. Grain: one row per span.
create or replace table search_spans as
select k.district, k.unit_no, s.valid_from, s.valid_to, s.status, s.batch, s.status_date, s.first_created,
       s.times_created
from keyed_spans as s
join unit_nos as k using (uk)
order by k.district, k.unit_no, s.valid_from;

-- Units picked by place, kind and name, each null = no filter, with their place in search_units: search is a part
-- of the unit's, committee's or town's name, or of the pinyin or initials of the unit's or committee's name ("hhxy"
-- and "haihao" find 海皓馨苑), always as text, never a pattern. Grain: one row per unit.
create or replace macro found_units(of_district, of_town, of_committee, of_kind, search) as table
select unit_no, unit_id, district, town, committee, name, kind, households, population, in_roster, latest_status,
       latest_batch, latest_status_date, latest_first_created, latest_times_created
from search_units
where (of_district is null or district = of_district)
  and (of_town is null or town = of_town)
  and (of_committee is null or committee = of_committee)
  and (of_kind is null or kind = of_kind)
  and (search is null
       or contains(name, search) or contains(committee, search) or contains(town, search)
       or contains(name_pinyin, lower(search)) or contains(name_initials, lower(search))
       or contains(committee_pinyin, lower(search)) or contains(committee_initials, lower(search)));

-- The districts the first row_limit rows (null: all) of an answer sorted by district lie in, from its rows per
-- district (per_district: a table or CTE of district, n): only theirs need sorting.
create or replace macro first_districts(per_district, row_limit) as table
select district
from (select district, sum(n) over (order by district) - n as before from query_table(per_district))
where row_limit is null or before < row_limit;

drop table temp.keyed_transitions;
drop table temp.keyed_spans;
drop table temp.unit_nos;
