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

-- What a status list says beyond events: a row of a cumulative list (累计名单: it names every unit created as of
-- its day, so a created unit it leaves out is a finding), or a row's 整建制 mark on its unit's committee or
-- village. Kept apart from events because a cumulative list adds no event for a unit already created, and a mark
-- is about the committee, not the unit. The list is (district, source_file, published).
-- Grain: one row per such row of a status list (created or model rows only).
create table list_rows (
    unit_id     varchar not null,
    district    varchar not null,
    published   date not null,
    cumulative  boolean not null,      -- a row of a cumulative list
    whole       boolean,               -- 整建制 mark: true 整居/整村创建, false stated not whole, null not stated
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

-- Derived tables (transitions, unit_spans, per-day coverage ...) and the unit_status(as_of) macro: derive.sql,
-- run by store.publish on every snapshot it builds.
