"""Ingest of town files built here, in code: idempotence, additive runs, rosters, roster-less districts.

What ingest accepts and what it refuses, file by file, is in the corpus: tests/corpus/, test_corpus.py.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from campaign.answers import queries
from campaign.intake.ingest import Defaults, ingest
from campaign.intake.problems import IngestRefused
from tests.support.files import JIA_FIRST_LIST, JIA_LIST_HEADER, JIA_ROSTER, TINY_FILES, private_copy, write_tiny

D = dt.date
TODAY = D(2022, 5, 23)

ROSTER, LIST_HEADER, FIRST_LIST = JIA_ROSTER, JIA_LIST_HEADER, JIA_FIRST_LIST


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
    return private_copy(base_db, tmp_path)


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


# ------------------------------------------------------------------- 整建制 marks, cumulative lists ---
def list_rows(db: Path) -> dict[tuple, tuple]:
    """(unit_id, published) -> (cumulative, whole, source_file, source_row) of what the lists said beyond events."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.sql(
            "select unit_id, published, cumulative, whole, source_file, source_row from list_rows"
        ).fetchall()
    finally:
        con.close()
    return {(u, p): tuple(rest) for u, p, *rest in rows}


@pytest.mark.parametrize(
    ("cell", "word"),
    [
        *[
            (c, "yes")
            for c in ("是", "Y", "y", "Yes", "√", "✓", "✔", "1", "１", "整居", "整村", "整建制", " 是 ", "TRUE")
        ],
        *[(c, "no") for c in ("否", "N", "no", "×", "0", "非整建制", "部分", "不是")],
        *[(c, "") for c in ("/", "-", "—", "－")],
        *[(c, None) for c in ("大概", "2", "是的吧", "整")],
    ],
)
def test_whole_mark_spellings(cell, word):
    from campaign.intake.normalise import whole_word

    assert whole_word(cell) == word


@pytest.mark.parametrize(
    "header", ["整建制", "是否整建制", "整居创建", "整村创建", "是否整村创建", "整居/整村", "Whole"]
)
def test_whole_mark_headers(header):
    from campaign.intake.vocabulary import HEADER_LOOKUP, fold

    assert HEADER_LOOKUP[fold(header)] == "whole"


def test_whole_marks_are_kept_per_row(db, tmp_path):
    listed = (
        "区,街镇,居委/村,名称,批次,公布日期,整居创建\n"
        "甲区,A镇,一居委,乙苑,2,2022-05-09,√\n"
        "甲区,A镇,二村,1组,2,2022-05-09,Ｙ\n"
        "甲区,B镇,三居委,丙苑,2,2022-05-09,/\n"
        "甲区,B镇,三居委,甲苑,2,2022-05-09,否\n"
    )
    report = ingest([write(tmp_path, "第2批.csv", listed)], db, today=TODAY)
    assert (report.events_added, report.marks_added) == (4, 3)
    day = D(2022, 5, 9)
    assert list_rows(db) == {
        ("甲区/A镇/一居委/乙苑", day): (False, True, "第2批.csv", 2),
        ("甲区/A镇/二村/1组", day): (False, True, "第2批.csv", 3),
        ("甲区/B镇/三居委/甲苑", day): (False, False, "第2批.csv", 5),
    }  # a placeholder (/) states nothing: not kept


def test_an_unknown_whole_mark_is_refused(db, tmp_path):
    before = db.read_bytes()
    listed = LIST_HEADER.replace("\n", ",是否整建制\n") + (
        "甲区,A镇,一居委,乙苑,2,2022-05-09,是\n甲区,B镇,三居委,丙苑,2,2022-05-09,大概\n"
    )
    with pytest.raises(IngestRefused) as refused:
        ingest([write(tmp_path, "第2批.csv", listed)], db, today=TODAY)
    (problem,) = refused.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("第2批.csv", 3, "是否整建制", "大概")
    assert "整建制" in problem.message and "whole-committee mark" in problem.message
    assert db.read_bytes() == before


def test_one_committee_marked_whole_and_not_whole_is_refused(db, tmp_path):
    listed = LIST_HEADER.replace("\n", ",整建制\n") + (
        "甲区,B镇,三居委,甲苑,2,2022-05-09,是\n甲区,B镇,三居委,丙苑,2,2022-05-09,×\n"
    )
    with pytest.raises(IngestRefused) as refused:
        ingest([write(tmp_path, "第2批.csv", listed)], db, today=TODAY)
    (problem,) = refused.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "整建制", "×")
    assert "见第 2、3 行" in problem.message


def history(db: Path, town: str, committee: str, name: str, district: str = "甲区") -> list[tuple]:
    rows = queries.run("unit_history", db=db, district=district, town=town, committee=committee, name=name)
    return rows.select("event", "batch", "published", "source_file").rows()


def test_a_cumulative_list_creates_only_what_was_not_created(db, tmp_path):
    ingest(
        [
            write(
                tmp_path,
                "第2批.csv",
                LIST_HEADER + "甲区,B镇,三居委,甲苑,2,2022-05-07\n甲区,B镇,三居委,丙苑,2,2022-05-07\n",
            ),
            write(
                tmp_path,
                "取消.csv",
                "区,街镇,居委/村,名称,状态,公布日期\n甲区,B镇,三居委,甲苑,取消,2022-05-08\n甲区,B镇,三居委,丙苑,取消,2022-05-09\n",
            ),
        ],
        db,
        today=TODAY,
    )
    # no batch column: a cumulative list spans batches
    cumulative = (
        "甲区累计无疫小区名单（截至2022年5月9日）\n"
        "街镇,居委/村,名称\n"
        "A镇,一居委,甲苑\n"  # created in batch 1: stays so, no new event
        "A镇,一居委,乙苑\n"  # new: created on the list's day
        "B镇,三居委,甲苑\n"  # revoked on 05-08: created again
        "B镇,三居委,丙苑\n"  # revoked that very day: stays revoked
    )
    path = write(tmp_path, "名单.csv", cumulative)
    report = ingest([path], db, today=TODAY)
    assert (report.events_added, report.already_created, report.marks_added) == (2, 2, 4)
    assert "累计名单" in report.files[0].note
    day = D(2022, 5, 9)
    assert history(db, "A镇", "一居委", "甲苑") == [("created", 1, D(2022, 5, 5), "list1.csv")]
    assert history(db, "A镇", "一居委", "乙苑") == [("created", None, day, "名单.csv")]
    assert history(db, "B镇", "三居委", "甲苑")[-1] == ("created", None, day, "名单.csv")
    assert history(db, "B镇", "三居委", "丙苑")[-1] == ("revoked", None, day, "取消.csv")
    assert {k: r[0] for k, r in list_rows(db).items()} == {
        (f"甲区/{u}", day): True for u in ("A镇/一居委/甲苑", "A镇/一居委/乙苑", "B镇/三居委/甲苑", "B镇/三居委/丙苑")
    }
    # the same list saved again (new bytes) adds nothing
    again = write(tmp_path, "名单_again.csv", cumulative.replace("\n", "\r\n"), "utf-8-sig")
    assert not ingest([again], db, today=TODAY).changed


def test_a_file_name_saying_cumulative_and_two_cumulative_lists_in_one_run(db, tmp_path):
    header = "区,街镇,居委/村,名称,公布日期\n"
    first = write(tmp_path, "甲区_累计已创建名单_0509.csv", header + "甲区,A镇,一居委,乙苑,2022-05-09\n")
    second = write(
        tmp_path, "甲区全部已创建名单.csv", header + "甲区,A镇,一居委,乙苑,2022-05-10\n甲区,A镇,二村,1组,2022-05-10\n"
    )
    report = ingest([second, first], db, today=TODAY)
    # 乙苑 is created once, by the earlier list, whichever file came first
    assert (report.events_added, report.already_created) == (2, 1)
    assert history(db, "A镇", "一居委", "乙苑") == [("created", None, D(2022, 5, 9), "甲区_累计已创建名单_0509.csv")]
    assert history(db, "A镇", "二村", "1组") == [("created", None, D(2022, 5, 10), "甲区全部已创建名单.csv")]
    # a list that is not cumulative still needs a batch for what it creates
    plain = write(tmp_path, "甲区名单.csv", header + "甲区,B镇,三居委,丙苑,2022-05-10\n")
    with pytest.raises(IngestRefused, match="--batch"):
        ingest([plain], db, today=TODAY)


def test_the_cumulative_template_is_read_as_a_cumulative_list(tmp_path):
    from campaign.outputs import export

    paths = []
    for name in ("名册模板_roster.csv", "累计名单模板_cumulative-list.csv"):
        paths.append(write(tmp_path, name, export.template_bytes(name)))
    renamed = write(tmp_path / "renamed", "名单.csv", export.template_bytes("累计名单模板_cumulative-list.csv"))
    for run in (paths, [paths[0], renamed]):  # by its title line, whatever the file is called
        db = tmp_path / f"t{len(list(tmp_path.glob('*.duckdb')))}.duckdb"
        ingest(run, db, today=TODAY)
        created = [("created", None, D(2022, 5, 10), run[1].name)]
        assert history(db, "山阳镇", "海欣居民区", "海皓馨苑", "金山区") == created
        assert list(list_rows(db).values()) == [(True, True, run[1].name, 3)]


def test_the_importer_may_say_the_lists_are_cumulative(db, tmp_path):
    """A town's complete list under a plain name and no title: the import option (CLI --cumulative, the upload
    form's checkbox) makes it cumulative, so the units it repeats are not created a second time."""
    plain = write(tmp_path, "甲区名单.csv", "区,街镇,居委/村,名称,公布日期\n甲区,A镇,一居委,甲苑,2022-05-10\n")
    with pytest.raises(IngestRefused, match="--batch"):  # read as a batch list, it lacks its batch
        ingest([plain], db, today=TODAY)
    report = ingest([plain], db, today=TODAY, defaults=Defaults(cumulative=True))
    assert (report.events_added, report.already_created) == (0, 1)
    assert history(db, "A镇", "一居委", "甲苑") == [("created", 1, D(2022, 5, 5), "list1.csv")]
