"""The scale generator (campaign.generate.scale) at a tiny scale: seeded, the counts asked for, files that ingest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from campaign.generate.scale import SCALES, build_database, write_scale
from campaign.intake.ingest import ingest
from campaign.ops import cli

TINY = SCALES["tiny"]


@pytest.fixture(scope="module")
def tiny_files(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("scale") / "files"
    write_scale(TINY, out)
    return out


def _all_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_bytes(tiny_files: Path, tmp_path: Path) -> None:
    write_scale(TINY, tmp_path / "again")
    assert _all_bytes(tmp_path / "again") == _all_bytes(tiny_files)
    write_scale(TINY.with_(seed=7), tmp_path / "other")
    other = _all_bytes(tmp_path / "other")
    assert other.keys() == _all_bytes(tiny_files).keys() or other != _all_bytes(tiny_files)
    assert other != _all_bytes(tiny_files)


def test_same_bytes_as_before_the_generator_went_district_by_district(tiny_files: Path) -> None:
    """The top folder's files (CSV, scale.json) of the tiny scale, pinned: written district by district now,
    they are the bytes the all-at-once generator wrote. Change this only for a deliberate change of the model."""
    digest = hashlib.sha256()
    for path in sorted(p for p in tiny_files.glob("*") if p.is_file()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    assert digest.hexdigest() == "49bce2b77f6dd6f037e54cfac2de5d079bdd18a397dbd8f5837407cff901f790"


def test_counts_match_the_scale(tiny_files: Path) -> None:
    counts = json.loads((tiny_files / "scale.json").read_text(encoding="utf-8"))
    assert counts["districts"] == TINY.districts
    assert counts["towns"] == TINY.towns
    assert counts["units"] == TINY.units
    assert abs(counts["events"] - TINY.units * TINY.events_per_unit) <= 0.1 * TINY.units * TINY.events_per_unit
    assert counts["events_by_kind"]["revoked"] > 0 and counts["events_by_kind"]["applied"] > 0
    assert sum(counts["events_by_kind"].values()) == counts["events"]
    rosters = sorted(tiny_files.glob("*_名册.csv"))
    lists = sorted(p for p in tiny_files.glob("*.csv") if "_第" in p.name)
    assert len(rosters) == TINY.districts
    assert TINY.districts < len(lists) <= TINY.districts * TINY.batches  # a small district may skip a batch
    lines = lambda paths: sum(len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in paths)  # noqa: E731
    assert lines(rosters) == counts["units"]
    assert lines(lists) == counts["events"]
    assert 1 < len(list((tiny_files / "xlsx").glob("*.xlsx"))) <= TINY.xlsx_districts * (1 + TINY.batches)


def test_files_ingest_cleanly_and_match_the_direct_build(tiny_files: Path, tmp_path: Path) -> None:
    counts = json.loads((tiny_files / "scale.json").read_text(encoding="utf-8"))
    db = tmp_path / "ingested.duckdb"
    report = ingest(sorted(tiny_files.glob("*.csv")), db)
    assert report.units_added == counts["units"]
    assert report.events_added == counts["events"]
    assert report.targets_loaded > 0

    xlsx = ingest(sorted((tiny_files / "xlsx").glob("*.xlsx")), tmp_path / "xlsx.duckdb")
    assert xlsx.units_added + xlsx.events_added == counts["xlsx_rows"]

    built = tmp_path / "built.duckdb"
    assert build_database(TINY, built, chunk_rows=170)["events"] == counts["events"]  # many chunks
    con = duckdb.connect()
    con.execute(f"attach '{db}' as a (read_only)")
    con.execute(f"attach '{built}' as b (read_only)")
    events = "select unit_id, event, batch, counts_rounds, published, source_file, source_row from {}.events"
    for a, b in (("a", "b"), ("b", "a")):
        for table in ("units", "targets"):
            assert con.sql(f"select count(*) from (from {a}.{table} except all from {b}.{table})").fetchall() == [(0,)]
        assert con.sql(f"select count(*) from ({events.format(a)} except all {events.format(b)})").fetchall() == [(0,)]
    # revocations and re-creations are there, and the snapshot reads them as such
    con.execute("use b")
    ((recreated,),) = con.sql("select count(*) from unit_status(null) where times_created > 1").fetchall()
    assert recreated > 0


def test_cli_sample_scale_and_build_scale(tmp_path: Path, capsys) -> None:
    assert cli.main(["sample", "--scale", "tiny", "--seed", "3", str(tmp_path / "files")]) == 0
    assert (tmp_path / "files" / "scale.json").is_file()
    assert cli.main(["build-scale", "tiny", "--db", str(tmp_path / "t.duckdb")]) == 0
    assert cli.main(["summary", "--db", str(tmp_path / "t.duckdb"), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert '"coverage_pct"' in out
    # the default is still the bundled sample
    assert cli.build_parser().parse_args(["sample", "x"]).scale == "seed"


def test_build_in_chunks_equals_build_at_once(tmp_path: Path) -> None:
    """The chunk size changes nothing: the same rows, event ids and row order."""
    build_database(TINY, tmp_path / "one.duckdb", chunk_rows=10**9)
    build_database(TINY, tmp_path / "many.duckdb", chunk_rows=97)
    con = duckdb.connect()
    con.execute(f"attach '{tmp_path / 'one.duckdb'}' as a (read_only)")
    con.execute(f"attach '{tmp_path / 'many.duckdb'}' as b (read_only)")
    for table in ("units", "events", "targets"):  # in the same order, too
        a, b = (con.sql(f"select * from {x}.{table}").fetchall() for x in ("a", "b"))
        assert a == b and a, table
    a, b = (con.sql(f"select * from {x}.name_pinyin order by all").fetchall() for x in ("a", "b"))
    assert a == b and a
    # event ids follow publication (then district, then batch, then the list's row), as a load of the files would
    rows = con.sql("select event_id, published from b.events order by event_id").fetchall()
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert [r[1] for r in rows] == sorted(r[1] for r in rows)
