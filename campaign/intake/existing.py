"""What a run knows of the published snapshot: the files loaded and the last ids, then the units, events and
list rows of the districts the run names (read through campaign.snapshot.lookup), with the frames' schemas."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from campaign.intake.progress import Counter
from campaign.snapshot import lookup


@dataclass
class Existing:
    units: pl.DataFrame
    events: pl.DataFrame  # unit_id, event, batch, published, event_id
    checksums: set[str]
    max_event_id: int
    max_file_id: int
    max_ingest_id: int
    list_rows: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LIST_ROW_KEY))
    db: Path | None = None  # the published snapshot, for the places a table's district is read from
    progress: Counter | None = None  # whom to tell how far the run has come


UNIT_SCHEMA = {
    "unit_id": pl.String,
    "district": pl.String,
    "town": pl.String,
    "committee": pl.String,
    "name": pl.String,
    "kind": pl.String,
    "households": pl.Int32,
    "population": pl.Int32,
    "in_roster": pl.Boolean,
    "source_file": pl.String,
    "source_row": pl.Int32,
}


LIST_ROW_SCHEMA = {
    "unit_id": pl.String,
    "district": pl.String,
    "published": pl.Date,
    "cumulative": pl.Boolean,
    "whole": pl.Boolean,
    "source_file": pl.String,
    "source_row": pl.Int32,
}


LIST_ROW_KEY = {k: LIST_ROW_SCHEMA[k] for k in ("unit_id", "published", "cumulative", "whole")}


EVENT_SCHEMA = {
    "event_id": pl.Int32,
    "unit_id": pl.String,
    "event": pl.String,
    "batch": pl.Int32,
    "counts_rounds": pl.Boolean,
    "published": pl.Date,
    "source_file": pl.String,
    "source_row": pl.Int32,
}


EXISTING_EVENT = ("unit_id", "event", "batch", "published", "event_id")


def load_existing(db: Path) -> Existing:
    """What ingest needs of the published snapshot before reading files: checksums and the last ids.

    Its units and events come later, and only for the districts the run names (``load_districts``)."""
    if not db.exists():
        no_events = pl.DataFrame(schema=EVENT_SCHEMA).select(*EXISTING_EVENT)
        return Existing(pl.DataFrame(schema=UNIT_SCHEMA), no_events, set(), 0, 0, 0, db=db)
    known = lookup.loaded(db)
    units = pl.DataFrame(schema=UNIT_SCHEMA)
    events = pl.DataFrame(schema=EVENT_SCHEMA).select(*EXISTING_EVENT)
    return Existing(units, events, known.checksums, known.max_event_id, known.max_file_id, known.max_ingest_id, db=db)


def load_districts(db: Path, existing: Existing, districts: list[str]) -> None:
    """The published units of ``districts`` and their events: all that a run about them can touch."""
    if not db.exists() or not districts:
        return
    units, events, list_rows = lookup.district_rows(db, districts)
    if list_rows is not None:  # a snapshot from before list_rows existed has none
        existing.list_rows = list_rows.cast(LIST_ROW_KEY)
    existing.units, existing.events = units.cast(UNIT_SCHEMA), events
