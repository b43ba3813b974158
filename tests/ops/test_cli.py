"""The ``campaign`` command: sample, ingest, summary; in process through main(), and once as a process."""

from __future__ import annotations

import csv
import io
import json

import pytest

from campaign.ops.cli import main
from tests.support.files import TINY_FILES, write_tiny
from tests.support.servers import run_cli

SUMMARY_KEYS = ["district", "kind", "total", "created", "model", "revoked", "coverage_pct"]


def summary_json(capsys, *args: str) -> list[dict]:
    assert main(["summary", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def by_kind(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["district"], r["kind"]): r for r in rows}


# -------------------------------------------------------------------------------------- sample ---
def test_sample_writes_the_files(tmp_path, capsys):
    out = tmp_path / "sample"
    assert main(["sample", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 19 and "金山区_第1批.csv" in written and "崇明区_第1轮.xlsx" in written
    assert sorted(printed) == sorted(str(out / name) for name in written)


# -------------------------------------------------------------------------------------- ingest ---
def test_ingest_publishes(tmp_path, capsys):
    db = tmp_path / "tiny.duckdb"
    paths = write_tiny(tmp_path / "files")
    assert main(["ingest", "--db", str(db), *map(str, paths)]) == 0
    out = capsys.readouterr().out
    assert f"已发布 (published): {db}" in out
    assert "roster.csv: roster, 6 行 (rows)" in out
    assert "events added 11" in out
    assert db.exists()

    # the same files again: exit 0, nothing changed
    before = db.read_bytes()
    assert main(["ingest", "--db", str(db), *map(str, paths)]) == 0
    out = capsys.readouterr().out
    assert f"数据未改变 (nothing changed): {db}" in out and "published" not in out
    assert db.read_bytes() == before


def test_ingest_of_lists_the_importer_calls_cumulative(tmp_path, capsys):
    db = tmp_path / "tiny.duckdb"
    assert main(["ingest", "--db", str(db), *map(str, write_tiny(tmp_path / "files"))]) == 0
    complete = tmp_path / "甲区名单.csv"  # every unit created so far, under a plain name and no title line
    complete.write_text("区,街镇,居委/村,名称,公布日期\n甲区,A镇,一居委,甲苑,2022-05-10\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["ingest", "--db", str(db), str(complete)]) == 1  # a batch list lacking its batch
    assert main(["ingest", "--db", str(db), "--cumulative", str(complete)]) == 0
    assert "累计名单" in capsys.readouterr().out


def test_refused_ingest_exits_non_zero_and_says_why_on_stderr(tmp_path, capsys):
    db = tmp_path / "tiny.duckdb"
    paths = write_tiny(tmp_path / "files")
    assert main(["ingest", "--db", str(db), *map(str, paths)]) == 0
    capsys.readouterr()
    before = db.read_bytes()
    bad = tmp_path / "batch4.csv"
    bad.write_text("区,街镇,居委/村,名称,批次,公布日期\n甲区,A镇,一居委,乙苑,待定,2022-04-28\n", encoding="utf-8")
    assert main(["ingest", "--db", str(db), str(bad)]) != 0
    captured = capsys.readouterr()
    assert "nothing loaded" in captured.err
    assert "batch4.csv, 第2行 (row 2), 列「批次」, 值「待定」" in captured.err
    assert "published" not in captured.out
    assert db.read_bytes() == before


# ------------------------------------------------------------------------------------- summary ---
def test_summary_json_first_batch(sample_db, capsys):
    rows = summary_json(capsys, "--db", str(sample_db), "--as-of", "2022-05-05")
    assert all(list(r) == SUMMARY_KEYS for r in rows)
    rows = by_kind(rows)
    assert set(rows) == {
        ("崇明区", "community"),
        ("崇明区", "village"),
        ("金山区", "compound"),
        ("金山区", "village_group"),
    }
    assert rows["金山区", "compound"] == {
        "district": "金山区",
        "kind": "compound",
        "total": 393,
        "created": 150,
        "model": 0,
        "revoked": 0,
        "coverage_pct": 38.17,
    }
    assert (rows["金山区", "village_group"]["total"], rows["金山区", "village_group"]["created"]) == (2293, 1487)


def test_summary_json_latest(sample_db, capsys):
    rows = by_kind(summary_json(capsys, "--db", str(sample_db)))
    assert rows["金山区", "compound"]["created"] == 393
    assert rows["金山区", "compound"]["model"] == 12
    assert sum(rows["崇明区", k]["created"] for k in ("village", "community")) == 357


def test_summary_by_town(sample_db, capsys):
    rows = summary_json(capsys, "--db", str(sample_db), "--as-of", "2022-05-05", "--by", "town")
    assert all(list(r) == ["district", "town", *SUMMARY_KEYS[1:]] for r in rows)
    compounds = [r for r in rows if r["district"] == "金山区" and r["kind"] == "compound"]
    assert len(compounds) == 11  # Jinshan's eleven towns
    assert sum(r["created"] for r in compounds) == 150
    assert sum(r["total"] for r in compounds) == 393


def test_summary_csv(sample_db, capsys):
    assert main(["summary", "--db", str(sample_db), "--as-of", "2022-05-05", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == SUMMARY_KEYS
    assert len(rows) == 1 + 4
    assert ["金山区", "compound", "393", "150", "0", "0", "38.17"] in rows


def test_summary_table(sample_db, capsys):
    assert main(["summary", "--db", str(sample_db), "--as-of", "2022-05-05"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(col in lines[1] for col in SUMMARY_KEYS)  # the header row, under the top border
    assert "shape:" not in "\n".join(lines)  # no shape line, no dtype row
    cells = [[c.strip() for c in line.strip("│").replace("┆", "│").split("│")] for line in lines if "金山区" in line]
    assert ["金山区", "compound", "393", "150", "0", "0", "38.17"] in cells
    assert len([line for line in lines if "区" in line and "┆" in line]) == 4


def test_summary_honours_campaign_db(tmp_path, monkeypatch, capsys):
    db = tmp_path / "from_env.duckdb"
    paths = write_tiny(tmp_path / "files")
    assert main(["ingest", "--db", str(db), *map(str, paths)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("CAMPAIGN_DB", str(db))
    rows = by_kind(summary_json(capsys, "--as-of", "2022-04-12"))
    assert (rows["甲区", "compound"]["created"], rows["甲区", "compound"]["coverage_pct"]) == (1, 33.33)
    assert rows["乙区", "village"]["total"] is None


def test_ingest_honours_campaign_db(tmp_path, monkeypatch, capsys):
    db = tmp_path / "from_env.duckdb"
    roster = tmp_path / "roster.csv"
    roster.write_text(TINY_FILES["roster.csv"], encoding="utf-8")
    monkeypatch.setenv("CAMPAIGN_DB", str(db))
    assert main(["ingest", str(roster)]) == 0
    assert str(db) in capsys.readouterr().out
    assert db.exists()


def test_summary_on_a_missing_db(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "nowhere.duckdb"
    assert main(["summary", "--db", str(missing)]) != 0
    err = capsys.readouterr().err
    assert str(missing) in err and "no database yet" in err
    monkeypatch.setenv("CAMPAIGN_DB", str(missing))
    assert main(["summary"]) != 0
    assert str(missing) in capsys.readouterr().err
    assert not missing.exists()


@pytest.mark.parametrize(
    "argv",
    [["summary", "--as-of", "2022-13-01"], ["summary", "--by", "committee"], ["summary", "--format", "xml"], []],
)
def test_bad_arguments_exit_with_usage(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "usage: campaign" in capsys.readouterr().err


# ----------------------------------------------------------------------------------- a process ---
def test_as_a_process(sample_db, tmp_path):
    done = run_cli("summary", "--db", str(sample_db), "--as-of", "2022-05-05", "--format", "json", timeout=120)
    assert done.returncode == 0, done.stderr
    rows = by_kind(json.loads(done.stdout))
    assert rows["金山区", "compound"]["created"] == 150

    bad = tmp_path / "bad.csv"
    bad.write_text("区,名称,批次,公布日期\n金山区,某小区,1,2022/13/5\n", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    done = run_cli("ingest", "--db", str(db), str(bad), timeout=120)
    assert done.returncode == 1
    assert "bad.csv, 第2行 (row 2), 列「公布日期」, 值「2022/13/5」" in done.stderr
    assert done.stdout == ""
    assert not db.exists()


def test_an_ingest_whose_names_are_spelled_already_never_loads_the_pinyin_dictionaries(tmp_path):
    """The command's start: pypinyin is read only when a name needs spelling (a new one), not by every ingest."""
    import subprocess
    import sys

    from tests.support import ROOT

    folder = tmp_path / "files"
    files = write_tiny(folder)
    db = tmp_path / "c.duckdb"
    main(["ingest", "--db", str(db), str(files[0])])  # the roster: its names spelled
    script = (
        "import sys; from campaign.ops.cli import main; "
        f"code = main(['ingest', '--db', {str(db)!r}, {str(files[1])!r}]); "
        "print(code, 'pypinyin' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stdout.split()[-2:] == ["0", "False"], done.stderr
