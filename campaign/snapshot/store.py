"""The snapshot: one DuckDB file, built aside and published by atomic replace; read-only readers.

One writer at a time (a lock file next to the database). A build copies the published snapshot into a
new file, adds the new rows in one transaction, checkpoints, closes, and ``os.replace``s it over the
old one. Readers attach the file read-only from a fresh in-memory DuckDB and re-attach when the file
they hold has been replaced, so they switch to a new snapshot on their next query.

Previous snapshots are kept in ``snapshots/`` beside the database (the newest ``CAMPAIGN_KEEP_SNAPSHOTS``,
default 10): just before the replace, the published file gets a second name there (a hard link, else a
copy). ``rollback`` publishes a kept snapshot again through the same keep-then-replace path.

Order of a publish, and what a crash (kill -9, power cut) at each point leaves behind:

1. build ``.NAME.building-PID`` from the published data plus the new rows (an ingest's copy of the published
   file begun ahead, ``copy_ahead``), checkpoint, close, fsync: the published file is untouched; the half-built
   file is removed by the next publish;
2. keep the published file in ``snapshots/``: it only gains a name; a crash here leaves at most a
   partial copy under a hidden name, removed later, and a failure is logged and does not stop the
   publish;
3. ``os.replace`` the built file over the published one: atomic, readers see the old or the new file;
4. prune kept snapshots beyond the newest N: only files in ``snapshots/`` are removed.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import fcntl
import functools
import hashlib
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import duckdb
import polars as pl

from campaign import config
from campaign import definition as definitions
from campaign.snapshot.connect import attach, read_only

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("schema.sql")
DERIVE = Path(__file__).with_name("derive.sql")  # recomputed from the tables above on every publish


def _build_memory() -> str:
    """DuckDB's memory cap while building a snapshot: 3 GB, or 60% of a smaller machine; beyond it DuckDB
    spills to disk rather than letting a national-scale build grow without bound."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return "3GB"
    return f"{min(3 * 2**30, int(total * 0.6)) // 2**20}MB"


BUILD_MEMORY = _build_memory()
DERIVE_VERSION = hashlib.sha256(DERIVE.read_bytes()).hexdigest()[:16]
# every derived table but event_range (snapshot-wide) has a district column: what an ingest of some districts
# recomputes, the rest copied from the previous snapshot
DERIVED_TABLES = tuple(
    t
    for t in re.findall(r"^create or replace table (\w+)", DERIVE.read_text(encoding="utf-8"), re.M)
    if t != "event_range"
)


def _whole_orders() -> dict[str, str]:
    """The derived tables stored in an order across districts (their statement's last ``order by`` not by district
    first), with that order: derived a group of districts at a time, they are sorted again at the end, so that
    DuckDB's zone maps skip as much of them as of a table derived in one pass (the others come out the same)."""
    con = duckdb.connect()
    try:
        statements = [s.query for s in con.extract_statements(DERIVE.read_text(encoding="utf-8"))]
    finally:
        con.close()
    orders = {}
    for query in statements:
        table = re.search(r"^create or replace table (\w+)", query, re.M)
        order = re.search(r"\border by ((?:(?!\border by\b)[^)])*?)\s*;?\s*$", query, re.S)
        if table and order:
            by = re.sub(r"\b\w+\.", "", " ".join(order.group(1).split()))  # a.b -> b: the table's own columns
            if not by.startswith(("district", "uk")):  # uk: numbered in district order (store.derive)
                orders[table.group(1)] = by
    return orders


WHOLE_ORDERS = _whole_orders()
# the tables files fill, copied from the previous snapshot into the next: every table schema.sql creates
TABLES = tuple(re.findall(r"^create table (\w+)", SCHEMA.read_text(encoding="utf-8"), re.M))
# events are stored in unit order, so one unit's history (the find page) reads a row group or two through
# DuckDB's min/max zone maps instead of scanning every event, at no cost in space (an index would cost
# space and build time; BENCHMARKS.md, "Tried and not taken"). Fills insert their new events in this order
# too; an in-place publish appends a small tail.
EVENTS_ORDER = " order by unit_id, event_id"
SNAPSHOTS_DIR = "snapshots"
KEEP_ENV = config.ENV["keep_snapshots"]
KEEP_DEFAULT = config.Settings.keep_snapshots

log = logging.getLogger(__name__)


def arrow(frame: pl.DataFrame):
    """``frame`` as DuckDB takes it in fastest: Arrow keeping Polars' string views (DuckDB's own reading of a
    Polars frame converts every string to Arrow's older layout first)."""
    return frame.to_arrow(compat_level=pl.CompatLevel.newest())


def default_db() -> Path:
    """The active campaign's snapshot (``config.campaign``): for the default 无疫小区 campaign CAMPAIGN_DB, else
    CAMPAIGN_DATA_DIR, else the config file's, else data/campaign.duckdb; another's is ``<key>/campaign.duckdb``
    beside it."""
    return config.campaign().db


@contextlib.contextmanager
def writer_lock(db: Path) -> Iterator[None]:
    """Serialise writers (CLI runs, dashboard first start) across processes."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(
    db: Path,
    fill: Callable[[duckdb.DuckDBPyConnection], None],
    *,
    base: Path | None = None,
    districts: Iterable[str] | None = None,
    ahead: CopyAhead | None = None,
) -> str | None:
    """Build a new snapshot = the published one (or ``base``) + whatever ``fill`` adds; swap it in atomically.

    The caller holds ``writer_lock``. If ``fill`` raises, the published snapshot is untouched. Just before
    the swap, the published file is kept in ``snapshots/``; returns the kept snapshot's id (None when
    nothing was kept: no published file yet, keeping switched off, or keeping failed).

    ``districts``: the only districts whose units or events ``fill`` changed. The new snapshot is then a
    copy of ``base``'s file in which fill runs and only these districts' derived rows are replaced (when
    ``base`` has this version's schema and was derived by this derive.sql). Otherwise, and when None, it is
    built afresh: every row of ``base`` copied into a new file, every district derived.

    ``ahead``: that copy, begun by ``copy_ahead`` under the same lock while the caller read its files.
    """
    db = Path(db)
    base = db if base is None else Path(base)
    building = _building_path(db)
    if ahead is not None and (ahead.base != base or ahead.path != building):
        ahead.close()  # a copy of another file: of no use here
        ahead = None
    if ahead is None:  # (a copy ahead has cleared these already, and is itself named as a leftover would be)
        _remove_stale(db.parent, f".{db.name}.building-")
        _unlink_db_file(building)
    scope = None if districts is None or not base.exists() else sorted(set(districts))
    try:
        copied = False
        if scope is not None:
            copied = ahead.result() if ahead is not None else (_current_shape(base) and _copied(base, building))
        if ahead is not None and not copied:
            ahead.close()  # stopped and removed before the build afresh makes a file under its name
        if copied:
            _update_copy(building, fill, scope)
        else:
            _build(base, building, fill)
        _fsync(building)
        why = damage(building)
        if why is not None:  # never publish what readers could not open
            raise Unreadable(db, f"新快照无法打开 (the new snapshot does not open): {why}")
        kept = _keep(db)
        os.replace(building, db)
        _fsync(db.parent)
    finally:
        _unlink_db_file(building)
    _prune(db)
    return kept


def _building_path(db: Path) -> Path:
    return db.with_name(f".{db.name}.building-{os.getpid()}")


class CopyAhead:
    """The published file's bytes copied into the next snapshot's place in a thread of their own, begun as soon as
    the writer lock is held: the copy (the kernel's work, no Python) overlaps the reading, checking and matching of
    the run's files, which do not need it. ``publish`` then updates this copy in place.

    The lock keeps every other writer away, so the copy is exactly the file the run reads and publish updates.
    Whatever becomes of the run, ``close`` stops the copy and removes it unless publish took it; a process killed
    meanwhile leaves it under the name a killed build leaves, which the next publish removes."""

    def __init__(self, db: Path):
        self.base = Path(db)
        self.path = _building_path(self.base)
        self._stop = threading.Event()
        self._copied = False
        _remove_stale(self.base.parent, f".{self.base.name}.building-")
        _unlink_db_file(self.path)
        # the active campaign goes with the work (a thread starts with no context): _current_shape derives
        self._thread = threading.Thread(
            target=contextvars.copy_context().run, args=(self._run,), name="snapshot-copy", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        try:
            self._copied = _current_shape(self.base) and _copied(self.base, self.path, self._stop)
        except Exception as error:  # publish builds afresh instead
            log.warning("未能复制快照，改为重建 (could not copy the snapshot, building afresh): %s", error)
            _unlink_db_file(self.path)

    def result(self) -> bool:
        """Whether the copy is whole and of this version's shape (it waits for the copy to end)."""
        self._thread.join()
        return self._copied and not self._stop.is_set()

    def close(self) -> None:
        """Stop the copy and remove what it made (nothing once publish has swapped it in)."""
        self._stop.set()
        self._thread.join()
        self._copied = False
        _unlink_db_file(self.path)


@contextlib.contextmanager
def copy_ahead(db: Path) -> Iterator[CopyAhead | None]:
    """Under ``writer_lock``: a ``CopyAhead`` of the published ``db`` for the ``publish`` to come (None when there
    is no published file yet), stopped and removed on leaving unless the publish took it."""
    db = Path(db)
    ahead = CopyAhead(db) if db.exists() else None
    try:
        yield ahead
    finally:
        if ahead is not None:
            ahead.close()


def _build(base: Path, building: Path, fill: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """A new file from schema.sql: every row of ``base`` copied in, ``fill``, every district derived."""
    con = _building(building)
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        con.execute("begin transaction")
        if base.exists():
            attach(con, base, "published")
            # a snapshot written before a table existed (grids, services) simply has none of its rows
            present = {
                name
                for (name,) in con.execute(
                    "select table_name from duckdb_tables() where database_name = 'published'"
                ).fetchall()
            }
            for table in TABLES:
                if table in present:
                    order = EVENTS_ORDER if table == "events" else ""
                    con.execute(f"insert into {table} by name select * from published.{table}{order}")
            con.execute("detach published")
        fill(con)
        commit_so_far(con)  # a fill may have committed as it went
        # the file is private until the swap, so the derived tables need not share fill's transaction; each
        # statement commits on its own, which keeps DuckDB from holding all of them in memory at once
        done = _derived_by_fill(con)
        if done is None:
            derive(con)
        else:  # the districts fill did not derive (a base's others, or none)
            rest = con.execute(
                "select distinct district from units where district not in (select district from temp.derived_by_fill)"
            ).fetchall()
            _derive_in_place(con, sorted(d for (d,) in rest))
            for table, order in WHOLE_ORDERS.items():
                con.execute(f"create or replace table {table} as select * from {table} order by {order}")
        con.execute("checkpoint")
    finally:
        con.close()


def _building(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), config={"memory_limit": BUILD_MEMORY})
    # a national build's statements run long enough for DuckDB to draw a progress bar on the terminal: into
    # the CLI's output and the server's log
    con.execute("set enable_progress_bar = false")
    return con


def _copied(base: Path, building: Path, stop: threading.Event | None = None) -> bool:
    try:
        _copy_file(base, building, stop)
        return True
    except OSError as error:  # the slower build may still fit (it does not hold the deleted rows' pages)
        log.warning("未能复制快照，改为重建 (could not copy the snapshot, building afresh): %s", error)
        _unlink_db_file(building)
        return False
    except _Stopped:
        _unlink_db_file(building)
        return False


class _Stopped(Exception):
    pass


_COPY_STEP = 64 * 2**20  # bytes the kernel copies between two looks at ``stop``


def _copy_file(source: Path, target: Path, stop: threading.Event | None = None) -> None:
    """``source``'s bytes into a new file ``target``, by the kernel (sendfile, which lets go of the GIL), a step at
    a time so that ``stop`` ends it within a step (raising _Stopped)."""
    with open(source, "rb") as src, open(target, "wb") as out:
        size = os.fstat(src.fileno()).st_size
        done = 0
        while done < size:
            if stop is not None and stop.is_set():
                raise _Stopped
            sent = os.sendfile(out.fileno(), src.fileno(), done, min(_COPY_STEP, size - done))
            if sent == 0:
                raise OSError(f"{source} ended at {done} of {size} bytes while copied")
            done += sent


def _update_copy(building: Path, fill: Callable[[duckdb.DuckDBPyConnection], None], districts: list[str]) -> None:
    """In ``building``, a byte copy of the published snapshot: ``fill``, then only ``districts``' derived rows
    replaced. Rebuilding row by row costs what the whole snapshot costs, whichever few districts changed;
    copying the file is cheap, and fill and derive touch only a few districts' rows (BENCHMARKS.md, "Memory").
    """
    con = _building(building)
    try:
        con.execute("begin transaction")
        fill(con)
        commit_so_far(con)
        done = _derived_by_fill(con) or set()
        _derive_in_place(con, [d for d in districts if d not in done])
        con.execute("checkpoint")
    finally:
        con.close()


def derive_districts(con: duckdb.DuckDBPyConnection, districts: list[str]) -> None:
    """Inside a publish's ``fill``: derive these districts' rows now, their units and events being final (nothing
    later in the fill touches them); the build then derives only the districts fill did not, and event_range.

    A country's first load, a group of districts at a time, so derives each group as it is added: every derived
    table but event_range is per district, and one pass over the whole country at the end went
    beyond DuckDB's memory cap (spilling), where its groups each stay well within it (BENCHMARKS.md, "Ingest").

    Commits what fill has added so far and leaves no transaction open: derive.sql's statements commit one by one,
    as in the build (DuckDB refuses to commit its tables replaced in one transaction with the scratch schema that
    made them dropped, and would hold them all in memory)."""
    commit_so_far(con)
    # derive.sql's search_units keeps the pinyin of the districts' names: spelled before they are derived (the
    # ingest adds the rest of the run's at its end)
    from campaign.snapshot.pinyin import fill_missing  # pinyin writes through write, which imports this module

    fill_missing(con, districts)
    if not con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() and schema_name = 'main'"
        " and table_name = $t",
        {"t": DERIVED_TABLES[0]},
    ).fetchall()[0][0]:
        derive(con, [])  # a new file: this version's derived tables (empty) and macros, to add districts to
    _derive_in_place(con, districts)
    con.execute("create temp table if not exists derived_by_fill (district varchar)")
    if districts:
        con.executemany("insert into temp.derived_by_fill values (?)", [[d] for d in districts])


def _derived_by_fill(con: duckdb.DuckDBPyConnection) -> set[str] | None:
    """The districts ``derive_districts`` derived in this build; None when fill derived none itself."""
    try:
        return {d for (d,) in con.execute("select district from temp.derived_by_fill").fetchall()}
    except duckdb.CatalogException:
        return None


def _derive_in_place(con: duckdb.DuckDBPyConnection, districts: list[str]) -> None:
    """Only ``districts``' derived rows replaced, and event_range, in a file that has every derived table."""
    # derive.sql's tables made afresh for these districts in an in-memory database of their own (first on the
    # search path, so its statements read each other's fresh tables), then swapped in for these districts' rows:
    # in memory, they are not written to the file's log and checkpointed only to be dropped (each group of a first
    # load), and leave no free blocks in it
    (home,) = con.execute("select current_database()").fetchone()
    con.execute("attach ':memory:' as fresh")
    try:
        con.execute("set search_path = 'fresh.main,main'")  # makes fresh the default database, until the use
        try:
            derive(con, districts)
        finally:
            con.execute('use "{}"'.format(home.replace('"', '""')))
        # the districts as values, not a subquery: the scan then skips by its zone maps every row group of other
        # districts (the tables are stored by district), where a subquery's join reads every row of the country
        among = ", ".join("?" * len(districts)) or "null"
        for table in DERIVED_TABLES:
            con.execute(f"delete from main.{table} where district in ({among})", districts)
            con.execute(f"insert into main.{table} by name select * from fresh.main.{table}")
        con.execute("delete from main.event_range")  # over every district's events: computed whole
        con.execute("insert into main.event_range by name select * from fresh.main.event_range")
    finally:
        con.execute("detach fresh")


@functools.cache
def _wanted_columns() -> frozenset[tuple[str, str]]:
    """Every (table, column) that schema.sql and derive.sql make: what a snapshot of this version has."""
    con = duckdb.connect()
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        derive(con)
        return frozenset(_columns(con, "memory"))
    finally:
        con.close()


def _current_shape(path: Path) -> bool:
    """``path`` has this version's tables and columns and was derived by this derive.sql, and is whole in its
    file (checkpointed, no write-ahead log beside it): it can be updated in a copy of its bytes."""
    if path.with_name(path.name + ".wal").exists():
        return False
    try:
        with read_only(path) as con:
            if not _wanted_columns() <= _columns(con, "s"):
                return False
    except duckdb.Error:
        return False
    return _derived_version(path) == DERIVE_VERSION


def derive(con: duckdb.DuckDBPyConnection, districts: list[str] | None = None) -> None:
    """Compute derive.sql's tables from units and events: for every district, or only for ``districts``
    (their names left in the temp table derive_scope)."""
    scope = ""
    if districts is not None:
        con.execute("create or replace temp table derive_scope (district varchar)")
        if districts:
            con.executemany("insert into derive_scope values (?)", [[d] for d in districts])
        scope = " where district in (select district from derive_scope)"
    # the units and events derived, picked out once rather than by every statement that reads them, each unit
    # keyed by an integer (uk, numbered in district and unit_id order): derive.sql's windows, sorts and joins go
    # by it instead of the text unit_id, which its tables keep for the queries. Events carry their unit's uk (the
    # one join by text) instead of its unit_id.
    con.execute(
        "create or replace temp table scoped_units as "
        f"select row_number() over (order by district, unit_id)::integer as uk, * from units{scope}"
    )
    con.execute(
        "create or replace temp table scoped_events as "
        "select u.uk, e.* exclude (unit_id) from events as e join scoped_units as u using (unit_id)"
    )
    # the kinds counted whole per committee (整居 / 整村) are the active campaign's: the ingest's or rollback's
    con.execute("create or replace temp table whole_kinds (kind varchar)")
    whole = [[k.key] for k in definitions.active().whole_kinds()]
    if whole:
        con.executemany("insert into whole_kinds values (?)", whole)
    con.execute(DERIVE.read_text(encoding="utf-8"))
    con.execute("create or replace table derived_meta as select $v as version", {"v": DERIVE_VERSION})
    con.execute("drop table temp.scoped_units")
    con.execute("drop table temp.scoped_events")


def _derived_version(path: Path) -> str | None:
    try:
        with read_only(path) as con:
            return con.sql("select version from derived_meta").fetchall()[0][0]
    except (duckdb.Error, IndexError):
        return None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_db_file(path: Path) -> None:
    for each in (path, path.with_name(path.name + ".wal")):
        try:
            each.unlink(missing_ok=True)
        except OSError as error:  # a leftover is removed by a later publish; it must not fail this one
            log.warning("未能删除 (could not remove) %s: %s", each, error)


def _remove_stale(folder: Path, prefix: str) -> None:
    """Remove ``PREFIX<pid>[...]`` files of processes that are gone (killed mid-publish)."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        found = pattern.match(name)
        if found and not _alive(int(found.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own leftover: we are about to build afresh
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


# ---------------------------------------------------------------------------------------------------
# kept snapshots

_TIME = "%Y%m%dT%H%M%S.%fZ"
_PARTIAL = ".partial-"  # a copy being made: .partial-PID-NAME


@dataclass(frozen=True)
class Kept:
    """A kept previous snapshot: what was published until ``kept_at``."""

    id: str  # e.g. 20221130T094800.123456Z-ingest5: when it was replaced (UTC), its last ingest
    path: Path
    kept_at: dt.datetime  # UTC: when it stopped being the published snapshot
    last_ingest_id: int | None
    last_ingest_at: dt.datetime | None  # local time, as in the ingests table
    units: int | None
    events: int | None
    files: int | None
    error: str | None = None  # the file could not be read


@dataclass(frozen=True)
class RolledBack:
    snapshot_id: str  # the snapshot now published again
    ingest_id: int  # the rollback's record in the ingests table
    kept: str | None  # the id under which the state rolled back from was kept


class UnknownSnapshot(LookupError):
    def __init__(self, db: Path, snapshot_id: str, known: list[str]):
        self.snapshot_id = snapshot_id
        hint = (
            "请用 campaign history 查看保留的快照 (see `campaign history` for the kept snapshots)"
            if known
            else "没有保留任何快照 (no snapshots are kept)"
        )
        super().__init__(f"没有快照「{snapshot_id}」 (no such snapshot of {db}: {snapshot_id!r}); {hint}")


def keep_count() -> int:
    """How many previous snapshots to keep: $CAMPAIGN_KEEP_SNAPSHOTS, default 10; 0 keeps none (campaign.config)."""
    return config.settings().keep_snapshots


def snapshots_dir(db: Path) -> Path:
    return Path(db).parent / SNAPSHOTS_DIR


def _snapshot_pattern(db: Path) -> re.Pattern[str]:
    return re.compile(re.escape(Path(db).stem) + r"\.(\d{8}T\d{6}\.\d{6}Z-ingest\d+)\.duckdb")


def _kept(db: Path) -> list[tuple[str, Path]]:
    """(id, path) of the kept snapshots of ``db``, newest first."""
    folder = snapshots_dir(db)
    pattern = _snapshot_pattern(db)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = [(m.group(1), folder / name) for name in names if (m := pattern.fullmatch(name))]
    return sorted(found, reverse=True)


def _keep(db: Path) -> str | None:
    """Give the published file a second name in snapshots/. Never raises: new data beats old copies."""
    try:
        if not db.exists() or keep_count() == 0:
            return None
        for snapshot_id, path in _kept(db):
            if os.path.samefile(path, db):  # kept already (a publish that died before its replace)
                return snapshot_id
        last = _last_ingest_id(db)
        folder = snapshots_dir(db)
        folder.mkdir(exist_ok=True)
        now = dt.datetime.now(dt.UTC)
        while True:
            snapshot_id = f"{now.strftime(_TIME)}-ingest{last if last is not None else 0}"
            target = folder / f"{db.stem}.{snapshot_id}.duckdb"
            try:
                _link_or_copy(db, target)
                break
            except FileExistsError:
                now += dt.timedelta(microseconds=1)
        _fsync(folder)
        return snapshot_id
    except Exception as error:
        log.warning("未能保留旧快照，照常发布 (could not keep the previous snapshot; publishing anyway): %s", error)
        return None


def _link_or_copy(db: Path, target: Path) -> None:
    try:
        os.link(db, target)
        return
    except FileExistsError:
        raise
    except OSError as error:
        log.info("hard link failed (%s); copying %s", error, db)
    partial = target.with_name(f"{_PARTIAL}{os.getpid()}-{target.name}")
    try:
        shutil.copyfile(db, partial)
        _fsync(partial)
        if target.exists():
            raise FileExistsError(target)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _prune(db: Path) -> None:
    """Keep the newest N snapshots of ``db``. Never raises."""
    try:
        keep = keep_count()
        folder = snapshots_dir(db)
        if not folder.is_dir():
            return
        for _, path in _kept(db)[keep:]:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError as error:
                log.warning("未能删除旧快照 (could not remove an old snapshot) %s: %s", path, error)
        _remove_stale(folder, _PARTIAL)
    except Exception as error:
        log.warning("未能清理旧快照 (could not prune old snapshots): %s", error)


def _columns(con: duckdb.DuckDBPyConnection, database: str) -> set[tuple[str, str]]:
    rows = con.execute(
        "select table_name, column_name from duckdb_columns() where database_name = $db", {"db": database}
    ).fetchall()
    return set(rows)


def upgrade(db: Path | None = None, fill: Callable[[duckdb.DuckDBPyConnection], object] | None = None) -> bool:
    """Rebuild a published snapshot written by an older version into the current schema; True if it did.

    Queries expect every table and column of schema.sql; a snapshot from before a column existed is
    copied into a new one (the missing column empty) by the ordinary publish, so the old one is kept; so is
    one whose derived tables and macros another version of derive.sql made. ``fill`` may add to the new
    snapshot what the old one could not have.
    """
    db = Path(db) if db else default_db()
    if not db.exists():
        return False
    current = duckdb.connect()
    try:
        current.execute(SCHEMA.read_text(encoding="utf-8"))
        derive(current)
        wanted = _columns(current, "memory")
    finally:
        current.close()

    def outdated() -> bool:
        with read_only(db) as con:
            if not wanted <= _columns(con, "s"):
                return True
        # derived by another derive.sql (its tables, macros or meaning changed): derive again
        return _derived_version(db) != DERIVE_VERSION

    try:
        if not outdated():
            return False
    except (duckdb.Error, OSError) as error:  # damaged: readers fall back to a kept snapshot (Reader.serving)
        log.error("已发布的快照无法读取，未升级 (the published snapshot cannot be read; not upgraded): %s", error)
        return False
    with writer_lock(db):
        if not outdated():  # another process upgraded it while we waited
            return False
        publish(db, fill or (lambda con: None))
    return True


def _last_ingest_id(path: Path) -> int | None:
    """The newest ingest id in ``path``; None when it has none or cannot be read (kept all the same)."""
    try:
        with read_only(path) as con:
            return con.execute("select max(ingest_id) from ingests").fetchall()[0][0]
    except (duckdb.Error, OSError) as error:
        log.warning("读不出 (cannot read) %s: %s", path, error)
        return None


def snapshots(db: Path | None = None) -> list[Kept]:
    """The kept snapshots of ``db``, newest first, with a few figures each (read read-only)."""
    db = Path(db) if db else default_db()
    found = []
    for snapshot_id, path in _kept(db):
        kept_at = dt.datetime.strptime(snapshot_id.split("-")[0], _TIME).replace(tzinfo=dt.UTC)
        why = damage(path)
        if why is not None:  # a damaged file kept by a rollback from it: listed, never chosen
            found.append(Kept(snapshot_id, path, kept_at, None, None, None, None, None, error=why))
            continue
        try:
            with read_only(path) as con:
                ((units, events, files),) = con.execute(
                    "select (select count(*) from units), (select count(*) from events), (select count(*) from files)"
                ).fetchall()
                last = con.execute(
                    "select ingest_id, loaded_at from ingests order by ingest_id desc limit 1"
                ).fetchall()
            last_id, last_at = last[0] if last else (None, None)
            found.append(Kept(snapshot_id, path, kept_at, last_id, last_at, units, events, files))
        except (duckdb.Error, OSError) as error:
            found.append(Kept(snapshot_id, path, kept_at, None, None, None, None, None, error=str(error)))
    return found


def ingests(db: Path | None = None) -> pl.DataFrame:
    """The ingests table of the published snapshot (oldest first), read read-only."""
    db = Path(db) if db else default_db()
    if not db.exists():
        raise FileNotFoundError(f"没有数据库 {db}：请先导入数据 (no database yet: run `campaign ingest` first)")
    with read_only(db) as con:
        return con.sql("select * from ingests order by ingest_id").pl()


def rollback(db: Path | None, snapshot_id: str, who: str) -> RolledBack:
    """Publish the kept snapshot ``snapshot_id`` again, atomically, keeping the state rolled back from.

    Recorded in the new published file's ingests as a new ingest (outcome 'rollback to snapshot ID').
    The snapshot's files table comes back with it, so files loaded after it can be loaded again.
    Raises UnknownSnapshot (nothing changes) or FileNotFoundError when there is no database at all.
    """
    db = Path(db) if db else default_db()
    wanted = snapshot_id.strip()
    if wanted.endswith(".duckdb"):  # the file name, as listed in snapshots/
        wanted = Path(wanted).name.removesuffix(".duckdb").removeprefix(f"{db.stem}.")
    if not db.exists() and not _kept(db):  # checked before the lock, which would create the folder
        raise FileNotFoundError(f"没有数据库 {db}，也没有保留的快照 (no database and no kept snapshots: {db})")
    with writer_lock(db):
        kept = dict(_kept(db))
        if not db.exists() and not kept:
            raise FileNotFoundError(f"没有数据库 {db}，也没有保留的快照 (no database and no kept snapshots: {db})")
        if wanted not in kept:
            raise UnknownSnapshot(db, snapshot_id, list(kept))
        source = kept[wanted]
        # ids are never reused: the ingests rolled back stay in the kept snapshots under their ids
        ingest_id = max(_last_ingest_id(source) or 0, (_last_ingest_id(db) or 0) if db.exists() else 0) + 1

        def fill(con: duckdb.DuckDBPyConnection) -> None:
            from campaign.snapshot import write  # which builds on this module

            write.log_ingest(con, ingest_id, who, 0, 0, f"rollback to snapshot {wanted}")

        kept_as = publish(db, fill, base=source)
    return RolledBack(wanted, ingest_id, kept_as)


# ---------------------------------------------------------------------------------------------------
# readers


class Unreadable(Exception):
    """The published snapshot cannot be read (and, for a reader, no kept snapshot either)."""

    def __init__(self, db: Path, why: str):
        self.db, self.why = Path(db), why
        # no path and no DuckDB message here: this text may reach a viewer's screen (the operator's log has both)
        super().__init__(
            "已发布的快照无法读取，请回滚 (the published snapshot cannot be read; roll back: campaign history, "
            "campaign rollback SNAPSHOT_ID)"
        )


def damage(path: Path) -> str | None:
    """Why ``path`` does not open as a snapshot (a truncated, zeroed or overwritten file), None when it does.

    Opens it, reads a little of its catalogue and two tables, and compares its length with the last block its
    tables' data lies in: cheap enough for every newly published file. A file damaged only inside (a block
    overwritten) passes; its queries fail later, and Reader.distrust then sets it aside.

    Remembered by the file's identity (a kept or published file is never changed in place, only replaced):
    the data page lists the kept snapshots on every run."""
    try:
        st = os.stat(path)
    except OSError as error:
        return " ".join(str(error).split())[:300]
    identity = (str(path), st.st_ino, st.st_mtime_ns, st.st_size)
    with _damage_lock:
        if identity in _damage_seen:
            return _damage_seen[identity]
    try:
        why = _damage(path)
    except OSError as error:  # perhaps passing (a network file system): checked again next time
        return " ".join(str(error).split())[:300]
    with _damage_lock:
        if len(_damage_seen) > 256:
            _damage_seen.clear()
        _damage_seen[identity] = why
    return why


_damage_seen: dict[tuple[str, int, int, int], str | None] = {}
_damage_lock = threading.Lock()


def _damage(path: Path) -> str | None:
    try:
        with read_only(path) as con:
            con.execute("select (select count(*) from units), (select max(ingest_id) from ingests)").fetchall()
            ((block_size, blocks),) = con.execute(
                "select block_size, total_blocks from pragma_database_size() where database_name = 's'"
            ).fetchall()
            # every block the file's header counts, in use or free, lies within it: whole, without asking each
            # table where its data lies (which reads every table's segment list: most of this check's time)
            if os.path.getsize(path) >= _HEADERS + block_size * blocks:
                return None
            last = -1
            for (table,) in con.execute("select table_name from duckdb_tables() where database_name = 's'").fetchall():
                found = con.execute(
                    "select max(block_id) from pragma_storage_info($t) where block_id >= 0", {"t": f"s.{table}"}
                ).fetchall()[0][0]
                last = max(last, found if found is not None else -1)
        size = os.path.getsize(path)
    except (duckdb.Error, ValueError) as error:
        return " ".join(str(error).split())[:300]
    # the last block a table's data lies in, after the file's three 4 kB headers: a truncated file opens, then
    # fails on the first query that reads a block past its end
    needed = _HEADERS + block_size * (last + 1)
    if size < needed:
        return f"文件被截断 (the file is truncated): {size} bytes of {needed}"
    return None


_HEADERS = 3 * 4096


@dataclass(frozen=True)
class Serving:
    """What a reader serves: the published file, or when that cannot be read, the newest kept snapshot that can."""

    published: Path
    path: Path | None  # the file queries read; None: nothing readable
    damaged: str | None = None  # why the published file cannot be read
    snapshot_id: str | None = None  # the kept snapshot served instead
    kept_at: dt.datetime | None = None  # UTC: when that snapshot stopped being published


def newest_readable(db: Path) -> tuple[str, Path] | None:
    """The newest kept snapshot of ``db`` that opens: (id, path); None when none does."""
    return next(((sid, path) for sid, path in _kept(db) if damage(path) is None), None)


def choose(db: Path, distrusted: str | None = None) -> Serving:
    """The published file if it opens (and ``distrusted`` is None), else the newest kept snapshot that opens."""
    db = Path(db)
    why = distrusted or damage(db)
    if why is None:
        return Serving(db, db)
    log.error("已发布的快照无法读取 (the published snapshot cannot be read) %s: %s", db, why)
    found = newest_readable(db)
    if found is None:
        return Serving(db, None, why)
    snapshot_id, path = found
    kept_at = dt.datetime.strptime(snapshot_id.split("-")[0], _TIME).replace(tzinfo=dt.UTC)
    log.warning("改为提供保留的快照 (serving the kept snapshot) %s until a rollback or ingest", snapshot_id)
    return Serving(db, path, why, snapshot_id, kept_at)


class Published(NamedTuple):
    """Which snapshot is published: the file's identity. A publish replaces the file (a new inode, a new
    modification time), so two looks that compare equal saw the same snapshot, and what is cached under one
    (a page's ``st.cache_data``, the screen's figures, a reader's connection) is never shown after a publish."""

    path: str
    inode: int
    mtime_ns: int


def published(db: Path | None = None) -> Published:
    """The published snapshot of ``db`` (the settings' by default): FileNotFoundError when there is none yet,
    OSError when it cannot be looked at (between a publish's steps on some file systems)."""
    db = Path(db) if db else default_db()
    try:
        st = os.stat(db)
    except FileNotFoundError:
        missing = f"没有数据库 {db}：请先导入数据 (no database yet: run `campaign ingest` first)"
        raise FileNotFoundError(missing) from None
    return Published(str(db), st.st_ino, st.st_mtime_ns)


# per published path: the file identity checked, and what is served for it (the shared reader's and the
# screen's own connections alike)
_servings: dict[Path, tuple[Published, Serving]] = {}
_servings_lock = threading.Lock()


def serving(db: Path | None = None) -> Serving:
    """What readers of ``db`` read now: a newly published file is checked first (``damage``); one that does not
    open is set aside for the newest kept snapshot that does, until the file is replaced (a rollback, an ingest).
    """
    db = Path(db) if db else default_db()
    key = published(db)
    with _servings_lock:
        known = _servings.get(db)
    if known is not None and known[0] == key:
        return known[1]
    chosen = choose(db)
    with _servings_lock:
        _servings[db] = (key, chosen)
    return chosen


def distrust(db: Path, why: str | None = None) -> None:
    """A query failed on the published file: check it again, or with ``why`` (a damaged block) set it aside
    whatever the check says; a kept snapshot is then served until the file is replaced."""
    db = Path(db)
    try:
        key = published(db)
    except FileNotFoundError:
        return
    with _servings_lock:
        known = _servings.get(db)
    if known is not None and known[0] == key and known[1].damaged:
        return  # set aside already
    chosen = choose(db, distrusted=why)
    with _servings_lock:
        _servings[db] = (key, chosen)


class Reader:
    """Read-only access to the published snapshot, re-attached when the file is replaced, and every
    REOPEN_AFTER queries: DuckDB keeps a little memory for each query run on a connection until the connection
    is closed, which over weeks of a wall screen and its viewers adds up (BENCHMARKS.md, "Memory"). A published file
    that cannot be read is not attached: the newest kept snapshot that can is (``serving``)."""

    REOPEN_AFTER = 500

    def __init__(self, db: Path):
        self.db = Path(db)
        self._lock = threading.Lock()
        self._key: Published | None = None
        self._path: Path | None = None  # the file attached: the published one or a kept snapshot
        self._con: duckdb.DuckDBPyConnection | None = None
        self._served = 0

    def serving(self) -> Serving:
        return serving(self.db)

    def distrust(self, why: str | None = None) -> None:
        distrust(self.db, why)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the newest published snapshot; one per query, safe across threads."""
        key = published(self.db)
        chosen = serving(self.db)
        if chosen.path is None:
            raise Unreadable(self.db, chosen.damaged or "")
        with self._lock:
            if key != self._key or chosen.path != self._path or self._con is None or self._served >= self.REOPEN_AFTER:
                con = duckdb.connect()
                attach(con, chosen.path, "snapshot")
                con.execute("use snapshot")
                # the old connection keeps its (unlinked) file open until its cursors are gone, then goes
                self._con, self._key, self._path, self._served = con, key, chosen.path, 0
            self._served += 1
            cur = self._con.cursor()
        cur.execute("use snapshot")  # the default catalog is per cursor
        return cur


_readers: dict[Path, Reader] = {}
_readers_lock = threading.Lock()


def reader(db: Path | None = None) -> Reader:
    path = Path(db) if db else default_db()
    with _readers_lock:
        if path not in _readers:
            _readers[path] = Reader(path)
        return _readers[path]


def begin(con: duckdb.DuckDBPyConnection) -> None:
    """Go on in a new transaction (after ``commit_so_far`` and a derive outside one)."""
    con.execute("begin transaction")


def commit_so_far(con: duckdb.DuckDBPyConnection, *, begin: bool = False) -> None:
    """Commit the snapshot being built so far, and with ``begin`` go on in a new transaction: DuckDB holds an
    open transaction's rows in memory until it ends (BENCHMARKS.md, "Memory"). The file is private until
    publish swaps it in, and removed if the build fails, so this loses nothing of all or nothing. A commit
    that fails has rolled the work back: it raises, since going on would publish a snapshot without it."""
    try:
        con.execute("commit")
    except duckdb.TransactionException as error:
        if "no transaction is active" not in str(error):
            raise
        return  # every statement is committed already
    if begin:
        con.execute("begin transaction")


def from_sample(db: Path) -> bool:
    """Whether the snapshot at ``db`` was built from the bundled sample (an ingest by ``sample``); False for one
    that cannot be read (its recovery is the app's, not this question's)."""
    try:
        with read_only(db) as con:
            return bool(con.sql("select coalesce(bool_or(who = 'sample'), false) from ingests").fetchall()[0][0])
    except duckdb.Error:
        return False
