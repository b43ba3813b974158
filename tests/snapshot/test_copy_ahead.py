"""The published file copied ahead (store.copy_ahead) while a run's files are read: publishing onto that copy gives
the snapshot a build afresh gives, and a run that fails or stops at any point leaves the published file as it was
and no file of its own behind."""

from __future__ import annotations

import errno
import os
import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from campaign.intake.ingest import ingest
from campaign.intake.problems import IngestRefused
from campaign.snapshot import store
from tests.support.files import write_tiny

JINSHAN, CHONGMING = "金山区", "崇明区"


def _revoke_haihao(con) -> None:
    con.execute(
        "insert into events select (select max(event_id) + 1 from events), unit_id, 'revoked', null, false,"
        " date '2022-05-21', 'test.csv', 2 from units where name = '海皓馨苑'"
    )


def _revoke_one_of_each(con) -> None:
    """A revocation in each of the sample's two districts."""
    _revoke_haihao(con)
    con.execute(
        "insert into events select (select max(event_id) + 1 from events), min(unit_id), 'revoked', null, false,"
        " date '2022-05-21', 'test.csv', 3 from units where district = '崇明区'"
    )


def _same_rows(a: Path, b: Path) -> None:
    con = duckdb.connect()
    try:
        con.execute(f"attach '{a}' as a (read_only)")
        con.execute(f"attach '{b}' as b (read_only)")
        for table in (*store.TABLES, *store.DERIVED_TABLES, "event_range", "derived_meta"):
            rows_a, rows_b = (con.sql(f"select * from {k}.{table} order by all").fetchall() for k in ("a", "b"))
            assert rows_a == rows_b, table
    finally:
        con.close()


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _counting(monkeypatch) -> list[Path]:
    copies: list[Path] = []
    real = store._copy_file

    def counted(source, target, stop=None):
        copies.append(Path(target))
        return real(source, target, stop)

    monkeypatch.setattr(store, "_copy_file", counted)
    return copies


@pytest.mark.parametrize("districts", [[JINSHAN], [JINSHAN, CHONGMING]], ids=["one district", "two districts"])
def test_a_publish_onto_the_copy_ahead_equals_a_build_afresh(tmp_path, sample_db, monkeypatch, districts):
    ahead_db, whole_db = tmp_path / "ahead" / "c.duckdb", tmp_path / "whole" / "c.duckdb"
    for db in (ahead_db, whole_db):
        db.parent.mkdir()
        shutil.copyfile(sample_db, db)
    copies = _counting(monkeypatch)
    updated = []
    real_update = store._update_copy
    monkeypatch.setattr(store, "_update_copy", lambda *args: (updated.append(args[0]), real_update(*args)))
    fill = _revoke_haihao if districts == [JINSHAN] else _revoke_one_of_each  # changes only the districts named
    with store.writer_lock(ahead_db), store.copy_ahead(ahead_db) as ahead:
        store.publish(ahead_db, fill, districts=districts, ahead=ahead)
    # the copy made ahead is the one updated in place: the file is copied once
    assert copies == updated == [ahead_db.with_name(f".c.duckdb.building-{os.getpid()}")]
    with store.writer_lock(whole_db):
        store.publish(whole_db, fill)  # every district derived afresh
    _same_rows(ahead_db, whole_db)
    assert _names(ahead_db.parent) == ["c.duckdb", "c.duckdb.lock", "snapshots"]


def test_a_copy_ahead_that_is_not_published_is_removed(tmp_path, sample_db):
    db = tmp_path / "c.duckdb"
    shutil.copyfile(sample_db, db)
    with store.writer_lock(db), store.copy_ahead(db) as ahead:
        assert ahead is not None and ahead.result()  # whole, then thrown away: the run loaded nothing
        assert ahead.path.read_bytes() == db.read_bytes()
    assert _names(tmp_path) == ["c.duckdb", "c.duckdb.lock"]
    with store.writer_lock(db), store.copy_ahead(tmp_path / "none.duckdb") as none:
        assert none is None  # nothing published yet: nothing to copy


def test_a_stopped_copy_leaves_no_file(tmp_path, sample_db):
    target = tmp_path / "copy.duckdb"
    stop = threading.Event()
    stop.set()
    assert store._copied(sample_db, target, stop) is False
    assert not target.exists()


def test_a_copy_ahead_that_fails_falls_back_to_a_build_afresh(tmp_path, sample_db, monkeypatch):
    db, whole = tmp_path / "c.duckdb", tmp_path / "whole.duckdb"
    shutil.copyfile(sample_db, db)
    shutil.copyfile(sample_db, whole)

    def no_space(source, target, stop=None):
        Path(target).write_bytes(b"\0" * 4096)  # a partial copy, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "_copy_file", no_space)
    built = []
    real_build = store._build
    monkeypatch.setattr(store, "_build", lambda *args: (built.append(args[1]), real_build(*args)))
    with store.writer_lock(db), store.copy_ahead(db) as ahead:
        assert ahead is not None and not ahead.result()
        store.publish(db, _revoke_haihao, districts=[JINSHAN], ahead=ahead)
    assert len(built) == 1
    with store.writer_lock(whole):
        store.publish(whole, _revoke_haihao)
    _same_rows(db, whole)
    assert not [name for name in _names(tmp_path) if ".building-" in name]


def test_an_ingest_copies_ahead_once_and_a_refused_one_leaves_no_file(tmp_path, monkeypatch):
    db = tmp_path / "c.duckdb"
    files = write_tiny(tmp_path / "files")
    ingest(files[:2], db)  # roster, batch 1
    before = db.read_bytes()
    copies = _counting(monkeypatch)
    bad = tmp_path / "bad.csv"
    bad.write_text("区,街镇,居委/村,名称,批次,公布日期\n甲区,A镇,一居委,无此小区,9,2022-13-45\n", encoding="utf-8")
    with pytest.raises(IngestRefused):
        ingest([bad], db)
    assert len(copies) == 1  # begun as soon as the lock was held, thrown away with the run
    assert db.read_bytes() == before
    assert not [name for name in _names(tmp_path) if ".building-" in name]
    copies.clear()
    with pytest.raises(IngestRefused):
        ingest([bad], db, dry_run=True)
    assert copies == []  # a preview publishes nothing: nothing copied
    assert ingest(files[2:3], db).events_added > 0  # the next batch: published onto its one copy
    assert len(copies) == 1
    assert not [name for name in _names(tmp_path) if ".building-" in name]
