"""The snapshot layer is the one door to DuckDB: a path quoted once for every reader and writer, a fill's failed
commit never published, and the ingest report's counters summed and logged from one list."""

from __future__ import annotations

import json

import duckdb
import pytest

from campaign.answers import queries
from campaign.intake.ingest import LOG_NAME, ingest
from campaign.intake.report import IngestReport
from campaign.ops import health
from campaign.snapshot import connect, lookup, store
from tests.support.files import write_tiny


def test_a_folder_named_with_quotes_holds_a_snapshot(tmp_path) -> None:
    """Every way into the file (ingest's look-ups, the shared reader, a fresh read-only one, the health check, a
    rebuild from the published file, the kept snapshots) goes through one quoting of the path."""
    folder = tmp_path / "O'Brien's ''data'"
    files = write_tiny(tmp_path / "files")
    db = folder / "campaign.duckdb"
    first = ingest(files, db)
    assert first.changed and first.units_added == 8
    again = ingest(files, db)  # the checksums are read back through the quoted path: nothing new
    assert not again.changed and {f.role for f in again.files} == {"skipped"}
    known = lookup.loaded(db)
    assert known.max_file_id == len(files) and len(known.checksums) == len(files)
    assert queries.run("districts", db=db).height == 2
    with connect.read_only(db) as con:
        assert con.sql("select count(*) from units").fetchall() == [(8,)]
    info = health.snapshot(db, None)
    assert (info["units"], info["last_ingest_id"]) == (8, 1) and "error" not in info
    store.publish(db, lambda con: None)  # a full build attaches the published file
    assert [s.units for s in store.snapshots(db)] == [8]


def test_a_fill_whose_commit_fails_publishes_nothing(tmp_path, monkeypatch) -> None:
    """A commit that fails has rolled the fill's rows back: the build stops there, the published file stays."""
    db = tmp_path / "campaign.duckdb"
    ingest(write_tiny(tmp_path / "files"), db)
    before = db.read_bytes()
    building = store._building

    class CommitFails:
        def __init__(self, con):
            self._con = con

        def execute(self, sql: str, *args):
            if sql.strip() == "commit":
                raise duckdb.TransactionException("TransactionContext Error: Failed to commit: could not write")
            return self._con.execute(sql, *args)

        def __getattr__(self, name: str):
            return getattr(self._con, name)

    monkeypatch.setattr(store, "_building", lambda path: CommitFails(building(path)))

    def fill(con) -> None:
        con.execute("delete from events")

    with pytest.raises(connect.ERRORS, match="Failed to commit"), store.writer_lock(db):
        store.publish(db, fill)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob(".*building*"))


def test_every_counter_is_summed_and_the_changes_logged(tmp_path) -> None:
    counters = [
        "units_added",
        "units_updated",
        "events_added",
        "targets_loaded",
        "grids_loaded",
        "services_loaded",
        "marks_added",
        "already_created",
        "implied",
    ]
    part = IngestReport(**{name: k + 1 for k, name in enumerate(counters)})
    total = IngestReport()
    total.add(part)
    total.add(part)
    assert {name: getattr(total, name) for name in counters} == {name: 2 * (k + 1) for k, name in enumerate(counters)}
    # what a run changed decides "changed" and is what the log records; what it did not add is neither
    assert not IngestReport(already_created=3, implied=2).changed
    assert IngestReport(services_loaded=1).changed
    db = tmp_path / "campaign.duckdb"
    report = ingest(write_tiny(tmp_path / "files"), db)
    line = json.loads(db.with_name(LOG_NAME).read_text(encoding="utf-8").splitlines()[-1])
    assert {k: line[k] for k in counters[:7]} == {k: getattr(report, k) for k in counters[:7]}
    assert not set(counters[7:]) & set(line)
