"""The ingest corpus in tests/corpus/: files as towns send them, each with what ingest must do with it.

Refused cases: exactly the expected problems (file, row, column, value, message), nothing loaded, the
published snapshot unchanged, also when run with a good file in either order. Accepted cases: the named
queries give the expected rows. See tests/corpus/README.md for the layout and how to add a case.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from campaign.answers import queries
from campaign.intake.ingest import Defaults, ingest
from campaign.intake.problems import IngestRefused, Problem
from tests.support import CORPUS
from tests.support.files import private_copy

BASE = CORPUS / "base"
GOOD = BASE / "good.csv"
BASE_TODAY = dt.date(2022, 5, 23)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PROBLEM_KEYS = {"file", "row", "column", "value", "message_contains"}
# what a refused run must leave as it was, besides the database's bytes
STATE_QUERIES = ("snapshot_info", "units", "batches", "coverage_by_district", "files", "targets_check")


def case_folders(kind: str) -> list[Path]:
    return sorted(p for p in (CORPUS / kind).iterdir() if p.is_dir())


def expected_of(folder: Path) -> dict:
    return json.loads((folder / "expected.json").read_text(encoding="utf-8"))


def params(kind: str, *, xfail_field: str | None = None) -> list:
    out = []
    for folder in case_folders(kind):
        reason = expected_of(folder).get(xfail_field) if xfail_field else None
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        out.append(pytest.param(folder, id=folder.name, marks=marks))
    return out


def files_of(folder: Path, expected: dict) -> list[Path]:
    return [folder / name for name in expected["files"]]


KIND_UNKNOWN = "无法确定单位类型"


def iso(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def run_options(expected: dict) -> dict:
    """ingest's today and defaults, as the case gives them (no today: the real one, as a run would)."""
    options: dict = {"today": iso(expected.get("today")) or dt.date.today()}
    if "defaults" in expected:
        given = dict(expected["defaults"])
        if "published" in given:
            given["published"] = iso(given["published"])
        options["defaults"] = Defaults(**given)
    return options


def state(db: Path) -> tuple:
    return db.read_bytes(), {name: queries.run(name, db=db).rows() for name in STATE_QUERIES}


def plain(value: object) -> object:
    """A query's value as it is written in expected.json."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def problem_dict(p: Problem) -> dict:
    return {"file": p.file, "row": p.row, "column": p.column, "value": p.value, "message": p.message}


def assert_problems(actual: list[Problem], expected: list[dict]) -> None:
    """Every expected problem is there, exactly once, and there is no other."""
    left = [problem_dict(p) for p in actual]
    missing = []
    for want in expected:
        hit = next(
            (
                got
                for got in left
                if all(got[k] == want[k] for k in ("file", "row", "column", "value"))
                and want["message_contains"] in got["message"]
            ),
            None,
        )
        if hit is None:
            missing.append(want)
        else:
            left.remove(hit)
    assert not missing and not left, (
        "expected but not given:\n"
        + "\n".join(json.dumps(m, ensure_ascii=False) for m in missing)
        + "\ngiven but not expected:\n"
        + "\n".join(json.dumps(g, ensure_ascii=False) for g in left)
    )


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    """base/roster.csv and base/list1.csv, published."""
    db = tmp_path_factory.mktemp("base") / "base.duckdb"
    ingest([BASE / "roster.csv", BASE / "list1.csv"], db, today=BASE_TODAY)
    return db


@pytest.fixture
def published(base_db, tmp_path) -> Path:
    """A private copy of the base snapshot, for one test to change or not."""
    return private_copy(base_db, tmp_path)


def test_base_snapshot(published):
    info = queries.run("snapshot_info", db=published).row(0, named=True)
    assert (info["units"], info["events"], info["files"]) == (5, 1, 2)
    created = queries.run("units", db=published, status="created").select("town", "name", "batch").rows()
    assert created == [("A镇", "甲苑", 1)]


# ------------------------------------------------------------------------------------- refused ---
@pytest.mark.parametrize("case", params("refused", xfail_field="xfail"))
def test_refused(case, published):
    expected = expected_of(case)
    before = state(published)
    with pytest.raises(IngestRefused) as refused:
        ingest(files_of(case, expected), published, **run_options(expected))
    assert_problems(refused.value.problems, expected["problems"])
    assert "nothing loaded" in str(refused.value)
    assert state(published) == before


@pytest.mark.parametrize("case", params("refused", xfail_field="xfail"))
def test_refused_into_an_empty_database(case, tmp_path):
    """The same problems with nothing published yet, and no database is created; with no roster to tell the kind of
    a list's units, the run also asks for it (a case about the kind expects that problem itself)."""
    expected = expected_of(case)
    db = tmp_path / "db" / "campaign.duckdb"
    with pytest.raises(IngestRefused) as refused:
        ingest(files_of(case, expected), db, **run_options(expected))
    given = refused.value.problems
    if not any(KIND_UNKNOWN in p["message_contains"] for p in expected["problems"]):
        given = [p for p in given if not p.message.startswith(KIND_UNKNOWN)]
    assert_problems(given, expected["problems"])
    assert not db.exists()


@pytest.mark.parametrize("case", params("refused"))
def test_refused_with_a_good_file_loads_nothing(case, published):
    """All or nothing: a good file in the same run, before or after, is not loaded either."""
    expected = expected_of(case)
    options = run_options(expected)
    before = state(published)
    bad = files_of(case, expected)
    for run in ([GOOD, *bad], [*bad, GOOD]):
        with pytest.raises(IngestRefused) as refused:
            ingest(run, published, **options)
        assert GOOD.name not in {p.file for p in refused.value.problems}
        assert state(published) == before
    # the good file was not even recorded as seen: on its own it loads its one event
    assert ingest([GOOD], published, today=BASE_TODAY).events_added == 1


# ------------------------------------------------------------------------------------ accepted ---
@pytest.mark.parametrize("case", params("accepted", xfail_field="xfail"))
def test_accepted(case, tmp_path):
    expected = expected_of(case)
    db = tmp_path / "campaign.duckdb"
    paths = files_of(case, expected)
    options = run_options(expected)
    assert ingest(paths, db, **options).changed
    for check in expected["expect"]:
        given = {k: iso(v) if isinstance(v, str) and ISO_DATE.match(v) else v for k, v in check["params"].items()}
        frame = queries.run(check["query"], db=db, **given)
        rows = [[plain(v) for v in row] for row in frame.select(check["columns"]).rows()]
        assert rows == check["rows"], (check["query"], check["params"], rows)
    # loading the same files again changes nothing
    assert not ingest(paths, db, **options).changed


# ------------------------------------------------------------------------------------- the corpus ---
def all_cases() -> list:
    return [
        pytest.param(f, id=f"{f.parent.name}/{f.name}") for kind in ("refused", "accepted") for f in case_folders(kind)
    ]


@pytest.mark.parametrize("case", all_cases())
def test_case_has_expected_json_and_its_files(case):
    assert (case / "expected.json").is_file()
    expected = expected_of(case)
    assert expected["about"] and expected["files"]
    on_disk = sorted(p.name for p in case.iterdir() if p.name != "expected.json")
    assert sorted(expected["files"]) == on_disk, "every file named exists, and every file is named"
    if case.parent.name == "refused":
        assert expected["problems"] and "expect" not in expected
        for p in expected["problems"]:
            assert set(p) == PROBLEM_KEYS and p["message_contains"], p
    else:
        assert expected["expect"] and "problems" not in expected
        for check in expected["expect"]:
            assert set(check) == {"query", "params", "columns", "rows"}, check
            assert all(len(row) == len(check["columns"]) for row in check["rows"]), check
    for name in expected.get("encodings", {}):
        assert name in expected["files"], name


def test_there_are_cases():
    assert len(case_folders("refused")) >= 20 and len(case_folders("accepted")) >= 15


def decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("case", all_cases())
def test_files_are_in_the_encoding_they_claim(case):
    """A GB18030 case is only a GB18030 case if its bytes are not also UTF-8, and so on."""
    for name, encoding in expected_of(case).get("encodings", {}).items():
        data = (case / name).read_bytes()
        if encoding == "utf-8":
            assert decodes(data, "utf-8") and not data.startswith(b"\xef\xbb\xbf"), name
        elif encoding == "utf-8-sig":
            assert data.startswith(b"\xef\xbb\xbf") and decodes(data, "utf-8"), name
        elif encoding == "gb18030":
            assert decodes(data, "gb18030") and not decodes(data, "utf-8"), name
        elif encoding == "utf-16":
            assert data.startswith(b"\xff\xfe") and decodes(data, "utf-16"), name
        elif encoding == "latin-1":
            assert not decodes(data, "utf-8") and not decodes(data, "gb18030"), name
        elif encoding == "xlsx":
            with zipfile.ZipFile(case / name) as book:
                assert "xl/workbook.xml" in book.namelist(), name
        else:
            pytest.fail(f"{name}: unknown encoding claim {encoding!r}")


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for folder in ("base", "refused", "accepted")
        for p in sorted((root / folder).rglob("*"))
        if p.is_file()
    }


def test_make_corpus_writes_the_committed_bytes(tmp_path):
    subprocess.run([sys.executable, str(CORPUS / "make_corpus.py"), str(tmp_path)], check=True, capture_output=True)
    made, committed = tree(tmp_path), tree(CORPUS)
    assert sorted(made) == sorted(committed), "run tests/corpus/make_corpus.py: the corpus differs from its generator"
    changed = [name for name in made if made[name] != committed[name]]
    assert not changed, f"run tests/corpus/make_corpus.py: these files differ from its output: {changed}"
