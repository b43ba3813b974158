"""Ingest of town files built here, in code: idempotence, additive runs, rosters, roster-less districts.

What ingest accepts and what it refuses, file by file, is in the corpus: tests/corpus/, test_corpus.py.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import TINY_FILES, write_tiny

from campaign import queries
from campaign.ingest import ingest
from campaign.problems import IngestRefused

D = dt.date
TODAY = D(2022, 5, 23)

# 甲区: two compounds called 甲苑, in different towns and committees
ROSTER = (
    "区,街镇,居委/村,名称,类型,户数,人口\n"
    "甲区,A镇,一居委,甲苑,小区,100,250\n"
    "甲区,A镇,一居委,乙苑,小区,200,480\n"
    "甲区,A镇,二村,1组,村民小组,30,80\n"
    "甲区,B镇,三居委,甲苑,小区,300,700\n"
    "甲区,B镇,三居委,丙苑,小区,150,320\n"
)
LIST_HEADER = "区,街镇,居委/村,名称,批次,公布日期\n"
FIRST_LIST = LIST_HEADER + "甲区,A镇,一居委,甲苑,第一批,2022-05-05\n"


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding=encoding)
    return path


def units(db: Path, **params) -> dict[str, dict]:
    return {(r["town"], r["name"]): r for r in queries.run("units", db=db, **params).to_dicts()}


def counts(db: Path) -> tuple:
    info = queries.run("snapshot_info", db=db).row(0, named=True)
    return info["units"], info["events"], info["files"]


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    """The roster and a first list, published."""
    folder = tmp_path_factory.mktemp("base")
    db = folder / "base.duckdb"
    ingest([write(folder, "roster.csv", ROSTER), write(folder, "list1.csv", FIRST_LIST)], db, today=TODAY)
    return db


@pytest.fixture
def db(base_db, tmp_path) -> Path:
    """A private copy of the base snapshot, to be changed or not by one test."""
    path = tmp_path / "db" / "campaign.duckdb"
    path.parent.mkdir()
    shutil.copyfile(base_db, path)
    return path


def test_base_snapshot(db):
    assert counts(db) == (5, 1, 2)
    rows = units(db)
    assert rows["A镇", "甲苑"]["status"] == "created"
    assert rows["B镇", "甲苑"]["status"] == "not_created"


# ------------------------------------------------------------------------------------- refused ---
# Files that are refused, and the variants of files that are accepted, are in tests/corpus/ (test_corpus.py).
def test_missing_file_is_refused(db, tmp_path):
    before = db.read_bytes()
    with pytest.raises(IngestRefused, match="no such file"):
        ingest([tmp_path / "gone.csv"], db, today=TODAY)
    assert db.read_bytes() == before


# ------------------------------------------------------------------------- idempotent, additive ---
def test_reingesting_the_same_files_changes_nothing(tmp_path):
    db = tmp_path / "tiny.duckdb"
    paths = write_tiny(tmp_path / "files")
    assert ingest(paths, db).changed
    before = db.read_bytes()
    again = ingest(paths, db)
    assert not again.changed
    assert [f.role for f in again.files] == ["skipped"] * len(paths)
    assert db.read_bytes() == before
    # the same bytes under another name are the same file
    renamed = tmp_path / "copy_of_batch1.csv"
    shutil.copyfile(paths[1], renamed)
    assert not ingest([renamed], db).changed
    assert db.read_bytes() == before


def test_the_same_list_in_new_bytes_adds_no_events(tmp_path):
    db = tmp_path / "tiny.duckdb"
    ingest(write_tiny(tmp_path / "files"), db)
    before = counts(db)
    # batch 2 again, re-saved with a BOM and CRLF: a new file, but no new event
    resent = write(tmp_path, "batch2_resent.csv", TINY_FILES["batch2.csv"].replace("\n", "\r\n"), "utf-8-sig")
    report = ingest([resent], db)
    assert (report.events_added, report.units_added, report.units_updated) == (0, 0, 0)
    assert not report.changed
    assert counts(db)[:2] == before[:2]


def test_two_runs_give_the_same_figures_as_one(tmp_path):
    paths = write_tiny(tmp_path / "files")
    roster = [p for p in paths if p.name == "roster.csv"]
    lists = [p for p in paths if p.name != "roster.csv"]
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    ingest(paths, one)
    first = ingest(roster, two)
    second = ingest(lists, two)
    assert (first.units_added, first.events_added) == (6, 0)
    assert (second.units_added, second.events_added) == (2, 11)  # 乙区's two villages, from its lists
    for name, params in (
        ("coverage_by_district", {}),
        ("coverage_by_district", {"as_of": D(2022, 4, 15)}),
        ("units", {}),
        ("progress_curve", {}),
        ("created_per_batch", {}),
        ("whole_committees", {"as_of": D(2022, 4, 12)}),
    ):
        assert queries.run(name, db=one, **params).equals(queries.run(name, db=two, **params)), name


def test_a_new_roster_updates_households(tmp_path):
    db = tmp_path / "tiny.duckdb"
    ingest(write_tiny(tmp_path / "files"), db)
    newer = TINY_FILES["roster.csv"].replace("甲苑,小区,100,250", "甲苑,小区,120,260")
    report = ingest([write(tmp_path, "roster_v2.csv", newer)], db)
    assert (report.units_added, report.units_updated, report.events_added) == (0, 6, 0)
    row = units(db)["A镇", "甲苑"]
    assert (row["households"], row["population"], row["status"]) == (120, 260, "model")


def test_rosterless_district_gets_counts_but_no_total(tmp_path):
    db = tmp_path / "yi.duckdb"
    ingest([write(tmp_path, "yi.csv", TINY_FILES["yi.csv"])], db, today=TODAY)
    frame = queries.run("coverage_by_district", db=db)
    assert frame.select("district", "kind", "total", "created", "coverage_pct", "counts_rounds").rows() == [
        ("乙区", "village", None, 2, None, True)
    ]
    rows = units(db)
    assert {k: (r["committee"], r["in_roster"]) for k, r in rows.items()} == {
        ("C镇", "东村"): ("东村", False),
        ("C镇", "西村"): ("西村", False),
    }
    # a later list for a known village adds an event, not a unit
    later = write(tmp_path, "yi3.csv", "区,街镇,名称,类型,轮次,公布日期\n乙区,C镇,东村,村,第三轮,2022-05-06\n")
    report = ingest([later], db, today=TODAY)
    assert (report.units_added, report.events_added) == (0, 1)
    assert units(db)["C镇", "东村"]["batch"] == 3


def test_report_summary(tmp_path):
    report = ingest(write_tiny(tmp_path / "files"), tmp_path / "tiny.duckdb")
    text = report.summary()
    assert "roster.csv: roster, 6 行 (rows)" in text
    assert "units added 8, updated 0, events added 11, targets 0" in text
    assert [(f.name, f.role, f.rows) for f in report.files] == [
        ("roster.csv", "roster", 6),
        ("batch1.csv", "status", 4),
        ("revoked.csv", "status", 1),
        ("batch2.csv", "status", 2),
        ("batch3.csv", "status", 1),
        ("model.csv", "status", 1),
        ("yi.csv", "status", 2),
    ]
