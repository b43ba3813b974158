"""The report is the truth: what an ingest says it changed per district (units added, created, revoked, model) is
what ``campaign summary`` shows changed, for every accepted corpus case and for the sample loaded file by file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from campaign.intake.ingest import SAMPLE_DIR, IngestReport, ingest
from campaign.intake.reader import status_files
from campaign.ops.cli import summary_frame
from campaign.snapshot import store
from tests.support import TESTS

CORPUS = TESTS / "corpus" / "accepted"
FIGURES = ("created", "revoked", "model")


def figures(db: Path) -> dict[str, dict[str, int | None]]:
    """Per district: the summary's created, revoked and model (all kinds together), and its units."""
    if not db.exists():
        return {}
    frame = summary_frame(db, None, "district")
    out = {
        row["district"]: {k: row[k] for k in FIGURES}
        for row in frame.group_by("district").agg(pl.col(*FIGURES).sum()).iter_rows(named=True)
    }
    with store.read_only(db) as con:
        for district, units in con.sql("select district, count(*) from units group by district").fetchall():
            out.setdefault(district, dict.fromkeys(FIGURES, 0))["units"] = units
    return out


def assert_report_is_the_change(report: IngestReport, before: dict, after: dict) -> None:
    said = {row["district"]: row for row in report.by_district}
    for district in sorted(set(before) | set(after) | set(said)):
        old, new = before.get(district, {}), after.get(district, {})
        change = {k: (new.get(k) or 0) - (old.get(k) or 0) for k in (*FIGURES, "units")}
        row = said.get(district, {})
        given = {k: row.get(k, 0) for k in FIGURES} | {"units": row.get("units_added", 0)}
        assert given == change, f"{district}: the report says {given}, the summary changed by {change}"


def run_case(case: Path, db: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    options: dict = {"today": dt.date.fromisoformat(expected["today"]) if "today" in expected else dt.date.today()}
    if "defaults" in expected:
        from campaign.intake.ingest import Defaults

        given = dict(expected["defaults"])
        if given.get("published"):
            given["published"] = dt.date.fromisoformat(given["published"])
        options["defaults"] = Defaults(**given)
    before = figures(db)
    report = ingest([case / f for f in expected["files"]], db, **options)
    assert_report_is_the_change(report, before, figures(db))


@pytest.mark.parametrize("case", sorted(p.name for p in CORPUS.iterdir() if p.is_dir()))
def test_every_accepted_case_reports_what_the_summary_shows(case: str, tmp_path: Path) -> None:
    run_case(CORPUS / case, tmp_path / "c.duckdb")


def test_the_sample_file_by_file_reports_what_the_summary_shows(tmp_path: Path) -> None:
    """Each file of the sample its own run (rosters first, then in name order), each report against the change."""
    db = tmp_path / "c.duckdb"
    files = status_files(SAMPLE_DIR)
    rosters = [f for f in files if "名册" in f.name and "网格" not in f.name]
    for path in rosters + [f for f in files if f not in rosters]:
        before = figures(db)
        report = ingest([path], db, who="test")
        assert_report_is_the_change(report, before, figures(db))


def test_a_revocation_and_a_model_list_report_their_change(tmp_path: Path) -> None:
    """A run that revokes a created unit and makes another a model: the report's figures are the summary's change,
    not the rows of the files (a revoked unit is one created less)."""
    db = tmp_path / "c.duckdb"
    (tmp_path / "名册.csv").write_text(
        "区,街镇,居委,小区名称,类型\n丙区,A镇,一居委,甲苑,小区\n丙区,A镇,一居委,乙苑,小区\n", encoding="utf-8"
    )
    (tmp_path / "第1批.csv").write_text(
        "区,街镇,居委,小区名称,批次,公布日期\n丙区,A镇,一居委,甲苑,1,2022-05-01\n丙区,A镇,一居委,乙苑,1,2022-05-01\n",
        encoding="utf-8",
    )
    (tmp_path / "变化.csv").write_text(
        "区,街镇,居委,小区名称,状态,公布日期\n丙区,A镇,一居委,甲苑,取消,2022-05-03\n丙区,A镇,一居委,乙苑,示范,2022-05-03\n",
        encoding="utf-8",
    )
    ingest([tmp_path / "名册.csv", tmp_path / "第1批.csv"], db)
    before = figures(db)
    report = ingest([tmp_path / "变化.csv"], db)
    assert report.by_district == [
        {"district": "丙区", "units_added": 0, "created": -1, "revoked": 1, "model": 1, "applied": 0}
    ]
    assert_report_is_the_change(report, before, figures(db))
