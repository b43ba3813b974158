"""Rows into the snapshot being built: the one insert path for Polars frames, and the writes a fill makes.

A publish's ``fill`` (campaign.snapshot.store.publish) gets a connection to the new file; an ingest, the grid
rosters and services logs, the pinyin of names and the generator at scale all add their frames through
``insert`` here, and their deletes and updates through the named writes below, so no SQL is written outside
the snapshot layer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import polars as pl

from campaign.snapshot import store
from campaign.snapshot.connect import Connection

_NEW = "new_rows"  # the name a frame has in SQL while it is inserted


def insert(
    con: Connection, table: str, frame: pl.DataFrame, *, replacing: tuple[str, ...] = (), order: str = ""
) -> None:
    """``frame``'s rows into ``table``, by column name.

    ``replacing``: the key (columns or expressions over them) whose rows of ``table`` the new rows replace: deleted
    first, in the same transaction. ``order``: the ``order by`` the rows are stored in (store.EVENTS_ORDER)."""
    con.register(_NEW, store.arrow(frame))
    try:
        if replacing:
            key = ", ".join(replacing)
            con.execute(f"delete from {table} where ({key}) in (select ({key}) from {_NEW})")
        con.execute(f"insert into {table} by name select * from {_NEW}{order}")
    finally:
        con.unregister(_NEW)


def clear(con: Connection, tables: tuple[str, ...]) -> None:
    """Every row of ``tables`` deleted: a snapshot made afresh (the generator at scale)."""
    for table in tables:
        con.execute(f"delete from {table}")


def replace_districts(con: Connection, districts: list[str], units: pl.DataFrame) -> None:
    """``units`` hold every unit of ``districts`` as they are to be: they replace those districts' units."""
    con.register("run_districts", pl.DataFrame({"district": districts}, schema={"district": pl.String}))
    try:
        con.execute("delete from units where district in (select district from run_districts)")
    finally:
        con.unregister("run_districts")
    insert(con, "units", units)


def remap_units(con: Connection, remap: pl.DataFrame) -> None:
    """Events and list rows of units known from lists move to their roster units (``remap``: old -> new)."""
    con.register("remap", store.arrow(remap))
    try:
        con.execute("update events set unit_id = remap.new from remap where events.unit_id = remap.old")
        con.execute("update list_rows set unit_id = remap.new from remap where list_rows.unit_id = remap.old")
    finally:
        con.unregister("remap")


def add_events(con: Connection, events: pl.DataFrame) -> None:
    """New events, stored in the order the find page reads them (store.EVENTS_ORDER)."""
    insert(con, "events", events, order=store.EVENTS_ORDER)


@contextlib.contextmanager
def staged_events(con: Connection) -> Iterator[str]:
    """A scratch table shaped as events, named by what this yields, for rows made in another order a chunk at a
    time: at the end they go into events in store.EVENTS_ORDER and the scratch table is dropped."""
    con.execute("create table staged_events as select * from events limit 0")
    yield "staged_events"
    con.execute(f"insert into events select * from staged_events{store.EVENTS_ORDER}")
    con.execute("drop table staged_events")


def replace_targets(con: Connection, targets: pl.DataFrame) -> None:
    """Official totals: a new row replaces the one of its district, kind and batch (a blank kind or batch
    being a key of its own)."""
    insert(
        con,
        "targets",
        targets.select("district", "kind", "batch", "target", "target_date", "source"),
        replacing=("district", "coalesce(kind, '*')", "coalesce(batch, 0)"),
    )


def replace_grids(con: Connection, grids: pl.DataFrame) -> None:
    """New grids replace every grid of their committees."""
    insert(con, "grids", grids, replacing=("district", "town", "committee"))


def replace_services(con: Connection, services: pl.DataFrame) -> None:
    """New services rows replace those of the same committee, day and kind; the rest are kept."""
    insert(con, "services", services, replacing=("district", "town", "committee", "day", "kind"))


def record_ingest(con: Connection, files: list[tuple[str, str, str, int]], who: str) -> None:
    """The run's files (name, sha256, role, rows) and its line in ingests, numbered on from the snapshot's."""
    ingest_id = con.sql("select coalesce(max(ingest_id), 0) + 1 from ingests").fetchall()[0][0]
    file_id = con.sql("select coalesce(max(file_id), 0) from files").fetchall()[0][0]
    file_rows = pl.DataFrame(
        [(file_id + i + 1, ingest_id, n, h, r, c) for i, (n, h, r, c) in enumerate(files)],
        schema=["file_id", "ingest_id", "name", "sha256", "role", "rows"],
        orient="row",
    )
    insert(con, "files", file_rows)
    log_ingest(con, ingest_id, who, len(files), sum(f[3] for f in files), "loaded")


def log_ingest(con: Connection, ingest_id: int, who: str, files: int, rows: int, outcome: str) -> None:
    """One line in the snapshot's ingests table, at the local time now."""
    con.execute(
        "insert into ingests values ($id, current_localtimestamp(), $who, $files, $rows, $outcome)",
        {"id": ingest_id, "who": who, "files": files, "rows": rows, "outcome": outcome},
    )
