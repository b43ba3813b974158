"""A large run is read, checked and matched a group of districts at a time (campaign.intake.ingest.CHUNK_BYTES), into
one snapshot: the same snapshot, report and problems as one pass, and still all or nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from campaign.answers import queries
from campaign.intake import ingest as ingest_module
from campaign.intake.ingest import ingest
from campaign.intake.problems import IngestRefused
from campaign.intake.reader import status_files
from campaign.snapshot import store
from tests.support import SAMPLE_DIR
from tests.support.files import write_tiny

# every table an ingest writes, in an order that does not depend on event ids (numbered per group of
# districts in a chunked run, and so in another order than in one pass)
TABLES = {
    "units": "select * from units order by unit_id",
    "events": "select * exclude (event_id) from events order by unit_id, published, event, source_file, source_row",
    "list_rows": "select * from list_rows order by all",
    "targets": "select * from targets order by all",
    "grids": "select * from grids order by all",
    "services": "select * from services order by all",
    "files": "select file_id, name, sha256, role, rows from files order by file_id",
    "name_pinyin": "select * from name_pinyin order by all",
}
# and every derived table (transitions keeps each event's id)
TABLES |= {
    table: f"select * {'exclude (event_id) ' if table == 'transitions' else ''}from {table} order by all"
    for table in (*store.DERIVED_TABLES, "event_range", "derived_meta")
}


def contents(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {name: con.sql(sql).fetchall() for name, sql in TABLES.items()}
        # one unit's events keep their order: the same sequence of events by id
        out["order"] = con.sql(
            "select unit_id, list(event order by event_id) from events group by unit_id order by unit_id"
        ).fetchall()
        return out
    finally:
        con.close()


@pytest.fixture
def chunked(monkeypatch):
    """Every group of districts a chunk of its own; counts the chunks inserted."""
    inserted = []
    real = ingest_module._insert

    def insert(con, load):
        inserted.append(load.districts)
        real(con, load)

    monkeypatch.setattr(ingest_module, "CHUNK_BYTES", 1)
    monkeypatch.setattr(ingest_module, "_insert", insert)
    return inserted


def one_pass(paths: list[Path], db: Path):
    return ingest(paths, db, who="test")


def test_a_chunked_run_publishes_what_one_pass_does(tmp_path, monkeypatch):
    paths = status_files(SAMPLE_DIR)
    whole = one_pass(paths, tmp_path / "whole.duckdb")
    inserted = []
    real = ingest_module._insert
    monkeypatch.setattr(ingest_module, "CHUNK_BYTES", 1)
    monkeypatch.setattr(ingest_module, "_insert", lambda con, load: (inserted.append(load.districts), real(con, load)))
    parts = ingest(paths, tmp_path / "parts.duckdb", who="test")
    # one group per district, then the files that name none through a roster or list (totals, grids, services)
    assert inserted == [["崇明区"], ["金山区"], []]
    assert contents(tmp_path / "parts.duckdb") == contents(tmp_path / "whole.duckdb")
    assert parts.summary() == whole.summary()
    assert parts.by_district == whole.by_district
    for name in ("coverage_by_district", "progress_curve"):
        assert queries.run(name, db=tmp_path / "parts.duckdb").equals(queries.run(name, db=tmp_path / "whole.duckdb"))


def test_a_chunked_run_derives_each_group_as_it_is_added(tmp_path, chunked, monkeypatch):
    """The derived tables of each group of districts, made as it is added, are those of one pass over every
    district at the end: the same rows, and the end derives no district again."""
    paths = status_files(SAMPLE_DIR)
    derived, scopes = [], []
    real_group, real_derive = store.derive_districts, store.derive
    monkeypatch.setattr(
        store, "derive", lambda con, districts=None: (scopes.append(districts), real_derive(con, districts))
    )
    monkeypatch.setattr(store, "derive_districts", lambda con, ds: (derived.append(list(ds)), real_group(con, ds)))
    ingest(paths, tmp_path / "groups.duckdb", who="test")
    assert derived == [["崇明区"], ["金山区"], []]
    # the empty tables to add to, each group, then at the end no district left but event_range
    assert scopes == [[], ["崇明区"], ["金山区"], [], []]
    monkeypatch.setattr(store, "derive_districts", lambda con, ds: None)  # as before: all derived at the end
    scopes.clear()
    ingest(paths, tmp_path / "end.duckdb", who="test")
    assert scopes == [None]
    con = duckdb.connect()
    con.execute(f"attach '{tmp_path / 'groups.duckdb'}' as groups (read_only)")
    con.execute(f"attach '{tmp_path / 'end.duckdb'}' as at_end (read_only)")
    for table in (*store.TABLES, *store.DERIVED_TABLES, "event_range", "derived_meta"):
        # the same ids in both: exact rows, both ways (but the time of the run)
        rows = "select * exclude (loaded_at) from {}.ingests" if table == "ingests" else f"select * from {{}}.{table}"
        differ = con.sql(
            f"({rows.format('groups')} except all {rows.format('at_end')}) union all "
            f"({rows.format('at_end')} except all {rows.format('groups')})"
        ).fetchall()
        assert differ == [], table
    for table in store.DERIVED_TABLES:
        # and stored in the same order (what DuckDB's zone maps skip by): revoked_spans and roster_first_listed
        # sorted again over every district at the end, the others by district first, groups in district order
        assert (
            con.sql(f"select * from groups.{table}").fetchall() == con.sql(f"select * from at_end.{table}").fetchall()
        )
    assert con.sql("select count(*) from groups.transitions").fetchall()[0][0] > 1000
    macros = (
        "select function_name from duckdb_functions() where database_name = '{}' and schema_name = 'main' order by 1"
    )
    assert con.sql(macros.format("groups")).fetchall() == con.sql(macros.format("at_end")).fetchall()
    tables = "select table_name from duckdb_tables() where database_name = '{}' order by 1"
    assert con.sql(tables.format("groups")).fetchall() == con.sql(tables.format("at_end")).fetchall()
    con.close()


def test_a_chunked_run_into_a_published_snapshot(tmp_path, chunked):
    """Lists before rosters, then the rosters: units known from lists are adopted group by group."""
    paths = status_files(SAMPLE_DIR)
    lists = [p for p in paths if "名册" not in p.name]
    rosters = [p for p in paths if "名册" in p.name and "网格" not in p.name]
    dbs = {}
    for label in ("whole", "parts"):
        db = dbs[label] = tmp_path / label / "c.duckdb"
        db.parent.mkdir()
        if label == "whole":
            with pytest.MonkeyPatch.context() as undo:
                undo.setattr(ingest_module, "CHUNK_BYTES", 2**40)
                one_pass(lists, db)
                one_pass(rosters, db)
        else:
            one_pass(lists, db)
            one_pass(rosters, db)
    assert chunked  # the second database was loaded in groups
    assert contents(dbs["parts"]) == contents(dbs["whole"])


@pytest.mark.parametrize("both", [False, True], ids=["second group", "both groups"])
def test_a_problem_in_any_group_refuses_the_whole_run(tmp_path, chunked, both):
    folder = tmp_path / "files"
    shutil.copytree(SAMPLE_DIR, folder)
    # a bad date in Jinshan's last list (the second group); with ``both`` an unknown unit in Chongming's (the first)
    bad = folder / "金山区_第4批.csv"
    text = bad.read_text(encoding="utf-8-sig").splitlines()
    row = 3
    text[row - 1] = text[row - 1].replace("2022", "2O22", 1)
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    if both:
        other = folder / "崇明区_第4轮.csv"
        lines = other.read_text(encoding="utf-8-sig").rstrip("\n")
        other.write_text(lines + "\n崇明区,堡镇,无此村,第四轮,2022-05-16\n", encoding="utf-8")
    db = tmp_path / "c.duckdb"
    with pytest.raises(IngestRefused) as refused:
        ingest(status_files(folder), db, who="test")
    assert not db.exists()  # nothing published, not even the first group's rows
    # without a problem of its own, the first group was added to the snapshot being built, then thrown away
    assert chunked == ([] if both else [["崇明区"]])
    problems = refused.value.problems
    assert any(p.file == "金山区_第4批.csv" and p.row == row and "2O22" in (p.value or "") for p in problems)
    assert any(p.file == "崇明区_第4轮.csv" and p.value == "无此村" for p in problems) == both


def test_a_refused_chunked_run_leaves_the_published_snapshot(tmp_path, chunked):
    db = tmp_path / "c.duckdb"
    tiny = write_tiny(tmp_path / "tiny")
    ingest(tiny[:2], db, who="test")
    before = contents(db)
    bad = tmp_path / "bad.csv"
    bad.write_text("区,街镇,名称,批次,公布日期\n乙区,C镇,北村,第三轮,明天\n", encoding="utf-8")
    with pytest.raises(IngestRefused) as refused:
        ingest([*tiny[2:], bad], db, who="test")
    assert [(p.file, p.row) for p in refused.value.problems] == [("bad.csv", 2)]
    assert contents(db) == before


def test_files_already_loaded_are_skipped_in_a_chunked_run(tmp_path, chunked):
    db = tmp_path / "c.duckdb"
    paths = status_files(SAMPLE_DIR)
    ingest(paths[:5], db, who="test")
    report = ingest(paths, db, who="test")
    assert [f.role for f in report.files[:5]] == ["skipped"] * 5
    assert [f.name for f in report.files] == [p.name for p in paths]
    assert queries.run("snapshot_info", db=db).item(0, "files") == len(paths)


def test_groups_never_split_a_district(tmp_path):
    files = {
        "a1.csv": "区,街镇,名称,批次,公布日期\n甲区,A镇,x,1,2022-04-01\n",
        "b1.csv": "区,街镇,名称,批次,公布日期\n乙区,B镇,y,1,2022-04-01\n",
        "ab.csv": "区,街镇,名称,批次,公布日期\n丙区,C镇,z,1,2022-04-01\n甲区,A镇,w,1,2022-04-02\n",
        "c.csv": "区,街镇,名称,批次,公布日期\n丙区,C镇,v,2,2022-04-03\n",
        "totals.csv": "区,类型,官方总数\n甲区,小区,3\n",
    }
    items = []
    for i, (name, text) in enumerate(files.items()):
        (tmp_path / name).write_text(text, encoding="utf-8")
        items.append((i, tmp_path / name, name))
    existing = ingest_module._existing(tmp_path / "none.duckdb")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ingest_module, "CHUNK_BYTES", 1)
        chunks, skipped, districts = ingest_module._plan(items, existing, ingest_module.Defaults(), {})
    assert [[name for _, _, name in chunk] for chunk in chunks] == [
        ["a1.csv", "ab.csv", "c.csv"],
        ["b1.csv"],
        ["totals.csv"],
    ]
    assert skipped == [] and districts == ["丙区", "乙区", "甲区"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_glance_at_a_text_file_gives_its_headers_and_districts(tmp_path, encoding):
    from campaign.intake.reader import read_tables

    text = (
        "甲区第一批无疫小区名单\r\n"
        "街镇,名称,区,批次,公布日期\r\n"
        "A镇,甲苑,甲区,1,2022-04-01\r\n"
        "\r\n"
        'B镇,"乙,苑",乙区,1,2022-04-01\r\n'
    )
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode(encoding))
    (full,), _ = read_tables(path)
    (glance,), _ = read_tables(path, only=frozenset({"district"}))
    assert glance.headers == full.headers and glance.title == full.title
    assert glance.frame.columns == ["district"]
    assert (
        set(glance.frame.get_column("district").drop_nulls())
        == set(full.frame.get_column("district"))
        == {
            "甲区",
            "乙区",
        }
    )


def test_a_chunked_dry_run_reports_and_publishes_nothing(tmp_path, monkeypatch):
    paths = status_files(SAMPLE_DIR)
    whole = ingest(paths, tmp_path / "whole.duckdb", who="test", dry_run=True)
    monkeypatch.setattr(ingest_module, "CHUNK_BYTES", 1)
    parts = ingest(paths, tmp_path / "parts.duckdb", who="test", dry_run=True)
    assert not (tmp_path / "parts.duckdb").exists()
    assert parts.summary() == whole.summary() and parts.by_district == whole.by_district
    assert parts.events_added > 0
