"""Small questions to a snapshot file, read-only: what an ingest looks up before it builds the next one, and
what the health check reports.

An ingest first asks for the files loaded already and the last ids (``loaded``), then, once the run's files
have named their districts, for those districts' units, events and list rows (``district_rows``): all a run
about them can touch. The health check asks for the counts and the last ingest (``counts``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from campaign.snapshot.connect import read_only


@dataclass(frozen=True)
class Loaded:
    checksums: set[str]  # the SHA-256 of every file loaded
    max_event_id: int  # 0 for none
    max_file_id: int
    max_ingest_id: int


@dataclass(frozen=True)
class Counts:
    units: int
    events: int
    last_ingest: tuple[int, dt.datetime, str] | None  # id, loaded_at (local time), outcome; None for none


def counts(db: Path) -> Counts:
    """How many units and events ``db`` holds, and its last ingest."""
    with read_only(db) as con:
        row = con.execute(
            "select ingest_id, loaded_at, outcome from s.ingests order by ingest_id desc limit 1"
        ).fetchall()
        units, events = con.execute(
            "select (select count(*) from s.units), (select count(*) from s.events)"
        ).fetchall()[0]
    return Counts(units, events, row[0] if row else None)


def loaded(db: Path) -> Loaded:
    """The files ``db`` holds and its last event, file and ingest ids."""
    with read_only(db) as con:
        checksums = {r[0] for r in con.sql("select sha256 from s.files").fetchall()}
        ((max_event, max_file, max_ingest),) = con.sql(
            "select (select coalesce(max(event_id), 0) from s.events), (select coalesce(max(file_id), 0) "
            "from s.files), (select coalesce(max(ingest_id), 0) from s.ingests)"
        ).fetchall()
    return Loaded(checksums, max_event, max_file, max_ingest)


def district_rows(db: Path, districts: list[str]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """The units of ``districts``, their events (unit_id, event, batch, published, event_id) and their list rows
    (unit_id, published, cumulative, whole; None from a snapshot written before list_rows existed)."""
    with read_only(db) as con:
        con.register("run_districts", pl.DataFrame({"district": districts}, schema={"district": pl.String}))
        con.execute(
            "create temp table run_units as "
            "select * from s.units where district in (select district from run_districts)"
        )
        units = con.sql("select * from run_units").pl()
        events = con.sql(
            "select unit_id, event, batch, published, event_id from s.events "
            "where unit_id in (select unit_id from run_units)"
        ).pl()
        has_list_rows = con.sql(
            "select count(*) from duckdb_tables() where database_name = 's' and table_name = 'list_rows'"
        ).fetchall()[0][0]
        list_rows = None
        if has_list_rows:
            list_rows = con.sql(
                "select unit_id, published, cumulative, whole from s.list_rows "
                "where unit_id in (select unit_id from run_units)"
            ).pl()
    return units, events, list_rows
