"""The preview warns, before confirming, about every row the data-quality page would later flag
(campaign.intake.findings): each warning names file and row, and none refuses the run."""

from __future__ import annotations

from pathlib import Path

from campaign.answers import queries
from campaign.intake.ingest import SAMPLE_DIR, ingest
from campaign.intake.reader import status_files

ROSTER = "区,街镇,居委,小区名称,类型\n丙区,A镇,一居委,甲苑,小区\n丙区,A镇,一居委,乙苑,小区\n丙区,A镇,二居委,丙苑,小区\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _loaded(tmp_path: Path) -> Path:
    db = tmp_path / "c.duckdb"
    first = "区,街镇,居委,小区名称,批次,公布日期\n丙区,A镇,一居委,甲苑,3,2022-05-10\n"
    ingest([_write(tmp_path, "名册.csv", ROSTER), _write(tmp_path, "第3批.csv", first)], db)
    return db


def test_a_unit_created_again_without_a_revocation_is_named(tmp_path: Path) -> None:
    db = _loaded(tmp_path)
    again = _write(tmp_path, "第4批.csv", "区,街镇,居委,小区名称,批次,公布日期\n丙区,A镇,一居委,甲苑,4,2022-05-12\n")
    report = ingest([again], db, dry_run=True)
    [warning] = report.warnings
    assert (warning.file, warning.row, warning.value) == ("第4批.csv", 2, "甲苑")
    assert "再次列为创建" in warning.message
    assert "请注意 1 处" in report.summary()


def test_a_batch_going_backwards_and_a_late_date_are_named(tmp_path: Path) -> None:
    db = _loaded(tmp_path)
    late = _write(tmp_path, "第2批.csv", "区,街镇,居委,小区名称,批次,公布日期\n丙区,A镇,一居委,乙苑,2,2022-05-08\n")
    backwards = _write(
        tmp_path, "第1批.csv", "区,街镇,居委,小区名称,批次,公布日期\n丙区,A镇,二居委,丙苑,1,2022-05-12\n"
    )
    report = ingest([late, backwards], db, dry_run=True)
    said = {(w.file, w.row, w.message.split("(")[0].strip()[:6]) for w in report.warnings}
    assert ("第2批.csv", 2, "公布日期早于") in said  # before the district's last publication (05-10)
    assert ("第1批.csv", 2, "批次比该区更") in said  # batch 1 after batch 3 was published
    assert ("第2批.csv", 2, "批次比该区更") not in said  # batch 2 on 05-08: before batch 3, in order
    assert report.units_added == 0 and report.events_added == 2, "warned, not refused"


def test_a_whole_committee_mark_that_does_not_hold_is_named(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    marked = _write(
        tmp_path,
        "第1批.csv",
        "区,街镇,居委,小区名称,批次,公布日期,整建制\n丙区,A镇,一居委,甲苑,1,2022-05-10,是\n丙区,A镇,二居委,丙苑,1,2022-05-10,否\n",
    )
    report = ingest([_write(tmp_path, "名册.csv", ROSTER), marked], db, dry_run=True)
    named = sorted((w.row, w.value) for w in report.warnings)
    # 一居委 marked whole while 乙苑 is not created; 二居委 marked not whole though its one unit is
    assert named == [(2, "一居委"), (3, "二居委")]


def test_the_clean_sample_gives_no_warning(tmp_path: Path) -> None:
    report = ingest(status_files(SAMPLE_DIR), tmp_path / "c.duckdb", dry_run=True)
    assert report.warnings == []


def test_a_revocation_of_a_unit_never_created_is_named_and_counts_nothing(tmp_path: Path) -> None:
    db = _loaded(tmp_path)
    revoked = _write(
        tmp_path, "撤销.csv", "区,街镇,居委,小区名称,状态,公布日期\n丙区,A镇,二居委,丙苑,撤销,2022-05-12\n"
    )
    report = ingest([revoked], db)
    [warning] = report.warnings
    assert (warning.file, warning.row, warning.value) == ("撤销.csv", 2, "丙苑")
    assert "并未处于已创建状态" in warning.message
    # the report and the pages agree: no figure changes (not revoked, as it never stood created)
    [district] = report.by_district
    assert (district["created"], district["revoked"]) == (0, 0)
    figures = queries.run("coverage_by_district", db=db).select("created", "revoked").rows()
    assert figures == [(1, 0)]
    # once the list that created it is loaded (earlier day), the revocation counts
    late = _write(tmp_path, "补录.csv", "区,街镇,居委,小区名称,批次,公布日期\n丙区,A镇,二居委,丙苑,3,2022-05-10\n")
    ingest([late], db)
    assert queries.run("coverage_by_district", db=db).select("created", "revoked").rows() == [(1, 1)]


def test_a_whole_committee_list_names_how_many_units_each_committee_stood_for(tmp_path: Path) -> None:
    db = _loaded(tmp_path)
    whole = _write(tmp_path, "整建制.csv", "区,街镇,居委,批次,公布日期\n丙区,A镇,一居委,4,2022-05-12\n")
    report = ingest([whole], db)
    [warning] = report.warnings
    assert (warning.file, warning.row, warning.column, warning.value) == ("整建制.csv", 2, "居委", "一居委")
    assert "全部 2 个单位" in warning.message
    created = queries.run("units", db=db, status="created").select("name", "batch").rows()
    assert sorted(created) == [("乙苑", 4), ("甲苑", 3)], "甲苑 keeps its creation in batch 3"
