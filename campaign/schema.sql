-- The snapshot's schema. Every snapshot file is built from scratch with this script, then filled.
-- Grain: units = one row per creation unit; events = one row per published status change.

create table units (
    unit_id     varchar primary key,   -- district/town/committee/name: stable across ingests
    district    varchar not null,
    town        varchar not null,
    committee   varchar not null,      -- residents' committee or village; the unit itself for 村居 units
    name        varchar not null,
    kind        varchar not null,      -- compound | village_group | village | community | unknown
    households  integer,
    population  integer,
    in_roster   boolean not null,      -- false: known only from a status list (roster-less district)
    source_file varchar,
    source_row  integer
);

create table events (
    event_id    integer primary key,   -- load order; breaks ties between events of one day
    unit_id     varchar not null,
    event       varchar not null,      -- created | revoked | model | applied
    batch       integer,               -- batch or round number of a creation
    counts_rounds boolean not null,    -- the list called it 轮 (round) rather than 批 (batch)
    published   date not null,         -- publication date of the list
    source_file varchar not null,
    source_row  integer
);

create table targets (
    district    varchar not null,
    kind        varchar,               -- null: every kind of the district together (崇明 村居 357)
    batch       integer,               -- null: the official total; else what that batch's notice published
    target      integer not null,
    target_date date,
    source      varchar
);

create table name_pinyin (
    name        varchar primary key,   -- a unit's, committee's or town's name
    pinyin      varchar not null,      -- haihaoxinyuan
    initials    varchar not null       -- hhxy
);

create table files (
    file_id     integer primary key,
    ingest_id   integer not null,
    name        varchar not null,
    sha256      varchar not null,
    role        varchar not null,      -- roster | status | targets
    rows        integer not null
);

create table ingests (
    ingest_id   integer primary key,
    loaded_at   timestamp not null,
    who         varchar,
    files       integer not null,
    rows        integer not null,
    outcome     varchar not null
);

-- Below the unit. Grain: grids = one row per grid of a committee or village (a grid roster replaces
-- its committees' grids); services = one row per (committee or village, day, kind of service).
create table grids (
    district    varchar not null,
    town        varchar not null,
    committee   varchar not null,      -- the residents' committee or village the grid tree belongs to
    grid        varchar not null,      -- unique within its committee
    parent      varchar,               -- null: the top of a tree (总网格 or 大网格)
    level       varchar not null,      -- total | sub | micro | house | big | small
    households  integer not null,
    workers     integer,               -- workers and volunteers assigned to this grid itself
    linked_min  integer,               -- households each of them is linked to: 3-5 -> 3, 5
    linked_max  integer,
    source_file varchar,
    source_row  integer
);

create table services (
    district    varchar not null,
    town        varchar not null,
    committee   varchar not null,
    day         date not null,
    kind        varchar not null,      -- medicine | certificate | transfer | parcel | special | road_guard | other
    count       integer not null,
    source_file varchar,
    source_row  integer
);

-- Per unit, its state transitions: +1 when it becomes created, -1 when a created unit is revoked,
-- 0 for a repeated listing. Summing delta up to a day gives the units created as of that day.
create view transitions as
with ordered as (
    select
        e.unit_id, e.event, e.batch, e.published, e.event_id,
        lag(e.event) over (partition by e.unit_id order by e.published, e.event_id) as previous
    from events as e
    where e.event in ('created', 'revoked')
)
select
    o.unit_id, o.event, o.batch, o.published, o.event_id,
    case
        when o.event = 'created' and coalesce(o.previous, 'revoked') <> 'created' then 1
        when o.event = 'revoked' and o.previous = 'created' then -1
        else 0
    end as delta
from ordered as o;

-- Every unit as it stood at the end of day as_of (null: the latest).
create macro unit_status(as_of) as table
with upto as (
    select * from events where published <= coalesce(as_of, date '9999-12-31')
), latest as (
    select unit_id, arg_max(event, event_order) as event, arg_max(batch, event_order) as batch,
           max(published) as status_date
    from (select *, epoch(published)::hugeint * 10_000_000_000 + event_id as event_order from upto)
    where event in ('created', 'revoked')
    group by unit_id
), firsts as (
    select unit_id, min(published) as first_created, count(*) as times_created
    from upto where event = 'created' group by unit_id
), models as (
    select unit_id, max(published) as model_date from upto where event = 'model' group by unit_id
)
select
    u.*,
    coalesce(l.event = 'created', false) as is_created,
    coalesce(l.event = 'revoked', false) as is_revoked,
    coalesce(l.event = 'created' and m.model_date >= l.status_date, false) as is_model,
    case
        when l.event = 'created' and m.model_date >= l.status_date then 'model'
        when l.event = 'created' then 'created'
        when l.event = 'revoked' then 'revoked'
        else 'not_created'
    end as status,
    case when l.event = 'created' then l.batch end as batch,
    l.status_date,
    f.first_created,
    coalesce(f.times_created, 0) as times_created
from units as u
left join latest as l using (unit_id)
left join firsts as f using (unit_id)
left join models as m using (unit_id);
