"""A damaged published snapshot (truncated, zeroed, random bytes): plain words, the kept snapshots, a working
rollback, and pages that keep showing the newest kept snapshot that reads (issue 16, item 4)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from campaign.answers import queries
from campaign.intake import uploads
from campaign.intake.ingest import ingest
from campaign.ops import cli, health
from campaign.snapshot import store
from tests.support.apptest import dashboard_app
from tests.support.files import damage, write_tiny

DAMAGE = ["truncated", "zeroed", "random"]


@pytest.fixture
def two_ingests(tmp_path) -> tuple[Path, str]:
    """A database of two ingests (乙区 only in the second); returns it and the snapshot kept by the second."""
    db = tmp_path / "data" / "campaign.duckdb"
    paths = write_tiny(tmp_path / "files")
    ingest(paths[:2], db, who="甲")
    ingest(paths[2:], db, who="乙")
    (kept,) = store.snapshots(db)
    return db, kept.id


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("how", DAMAGE)
def test_the_cli_says_the_snapshot_cannot_be_read_and_how_to_roll_back(two_ingests, capsys, how) -> None:
    db, kept = two_ingests
    damage(db, how)
    code, out, err = run(capsys, "summary", "--db", str(db))
    assert code == 2 and not out
    assert "已发布的快照无法读取 (the published snapshot cannot be read)" in err
    assert f"campaign rollback --db {db} {kept}" in err and "Traceback" not in err

    code, out, err = run(capsys, "history", "--db", str(db))
    assert code == 1 and "已发布的快照无法读取" in err
    (row,) = [line for line in out.splitlines() if kept in line]  # from the kept snapshot's own file
    assert [cell.strip() for cell in row.strip("│").split("┆")][4:] == ["6", "4", "2"]  # units, events, files

    code, out, err = run(capsys, "ingest", "--db", str(db), str(db.parent.parent / "files" / "yi.csv"))
    assert code == 1 and "已发布的快照无法读取" in err

    status, body = health.check(db, None)
    assert status == "no-data" and body["snapshot"]["damaged"] and body["snapshot"]["serving_kept_snapshot"] == kept

    code, out, err = run(capsys, "rollback", "--db", str(db), kept)
    assert code == 0 and "已回滚到快照" in out, err
    code, out, err = run(capsys, "summary", "--db", str(db), "--format", "json")
    assert code == 0 and {row["district"] for row in json.loads(out)} == {"甲区"}


def test_a_reader_serves_the_newest_kept_snapshot_that_reads_until_the_file_is_replaced(two_ingests, capsys) -> None:
    db, kept = two_ingests
    assert "乙区" in queries.run("districts", db=db).get_column("district").to_list()
    damage(db, "truncated")
    serving = store.reader(db).serving()
    assert serving.damaged and "截断" in serving.damaged and serving.snapshot_id == kept
    assert queries.run("districts", db=db).get_column("district").to_list() == ["甲区"]  # the kept one's
    store.rollback(db, kept, who="test")
    assert store.reader(db).serving().damaged is None
    assert queries.run("districts", db=db).get_column("district").to_list() == ["甲区"]


def test_a_file_damaged_inside_is_set_aside_when_a_query_fails_on_it(two_ingests) -> None:
    db, kept = two_ingests
    reader = store.reader(db)
    assert reader.serving().damaged is None
    reader.distrust(None)  # any error: checked again, and it reads
    assert reader.serving().damaged is None
    reader.distrust("Corrupt database file: computed checksum 5381 does not match stored checksum 0")
    assert reader.serving().snapshot_id == kept
    assert queries.run("districts", db=db).get_column("district").to_list() == ["甲区"]


def test_nothing_readable_raises_a_plain_error(two_ingests) -> None:
    db, kept = two_ingests
    for _, path in store._kept(db):
        damage(path, "zeroed")
    damage(db, "zeroed")
    with pytest.raises(store.Unreadable) as raised:
        queries.run("districts", db=db)
    assert str(db) not in str(raised.value) and "campaign rollback" in str(raised.value)


def test_publish_never_replaces_the_published_file_with_one_that_does_not_open(two_ingests, monkeypatch) -> None:
    db, _ = two_ingests
    before = db.read_bytes()

    def spoil(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("insert into ingests values (99, current_localtimestamp(), 'x', 0, 0, 'x')")

    monkeypatch.setattr(store, "damage", lambda path: "spoilt" if ".building-" in str(path) else None)
    with pytest.raises(store.Unreadable):
        store.publish(db, spoil)
    assert db.read_bytes() == before


# ---------------------------------------------------------------------------------------------------
# the dashboard


def open_dashboard(db: Path, monkeypatch, page: str | None = None) -> AppTest:
    monkeypatch.setenv("CAMPAIGN_DB", str(db))
    monkeypatch.setenv(uploads.PASSWORD_ENV, "long-enough-pw")
    at = dashboard_app()
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def shown(at: AppTest) -> str:
    return " ".join(e.value for e in [*at.warning, *at.error, *at.info, *at.markdown] if isinstance(e.value, str))


@pytest.mark.parametrize("how", DAMAGE)
def test_pages_show_a_notice_and_the_kept_snapshot_and_the_data_page_rolls_back(
    two_ingests, monkeypatch, app_mode, how
) -> None:
    db, kept = two_ingests
    damage(db, how)
    at = open_dashboard(db, monkeypatch)
    assert not at.exception, at.exception
    assert f"现显示保留的快照 {kept}" in at.warning[0].value
    assert str(db.parent) not in shown(at)
    assert at.selectbox(key="district").options == ["全部区", "甲区"]  # the kept snapshot's districts

    at.switch_page("pages/screen.py").run()
    assert not at.exception, at.exception
    assert f"现显示保留的快照 {kept}" in at.warning[0].value

    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    at.text_input(key="data_password").input("long-enough-pw").run()
    at.selectbox(key="data_snap").set_value(kept).run()
    at.button(key="data_rollback").click().run()
    assert not at.exception, at.exception
    assert any("已回滚到快照" in s.value for s in at.success)
    assert not at.warning  # the published snapshot reads again
    # the damaged file was kept too (evidence), and is listed, unreadable, among the snapshots
    assert len(store.snapshots(db)) == 2 and sum(s.error is not None for s in store.snapshots(db)) == 1


@pytest.mark.parametrize("page", [None, "pages/screen.py", "pages/data.py"])
def test_with_nothing_readable_every_page_says_what_to_do(two_ingests, monkeypatch, app_mode, page) -> None:
    db, _ = two_ingests
    for _, path in store._kept(db):
        damage(path, "random")
    damage(db, "truncated")
    at = open_dashboard(db, monkeypatch, page)
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "已发布的数据快照无法读取（文件已损坏），也没有可读的保留快照。请管理员从备份恢复数据文件夹，或重新导入数据。"
    ]
    assert str(db.parent) not in shown(at)


def test_a_query_failing_on_a_page_gives_a_notice_not_a_traceback(two_ingests, monkeypatch, app_mode) -> None:
    db, kept = two_ingests
    at = open_dashboard(db, monkeypatch)
    assert not at.exception and not at.warning

    def corrupt(*args, **kwargs):
        raise duckdb.Error("Corrupt database file: computed checksum 5381 does not match stored checksum 0")

    with monkeypatch.context() as patched:
        patched.setattr(queries, "run", corrupt)
        at.switch_page("pages/towns.py").run()
    assert not at.exception, at.exception
    assert "读取数据时出错" in at.error[0].value
    at.run()  # the next run: the file set aside, the kept snapshot shown
    assert f"现显示保留的快照 {kept}" in at.warning[0].value


def test_serve_says_at_start_which_snapshot_it_serves(two_ingests, caplog) -> None:
    from campaign.ops import serve

    db, kept = two_ingests
    damage(db, "random")
    with caplog.at_level("ERROR", logger="campaign"):
        serve.check_snapshot(db)
    assert any(f"campaign rollback --db {db} {kept}" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("how", DAMAGE)
def test_an_ingest_onto_a_damaged_snapshot_is_refused_saying_roll_back_first(two_ingests, tmp_path, how) -> None:
    """The data page's upload and the library alike: new files on a file that does not open would be lost with it."""
    from campaign.intake.problems import IngestRefused

    db, _ = two_ingests
    damage(db, how)
    before = db.read_bytes()
    listing = tmp_path / "新名单.csv"
    listing.write_text("区,街镇,小区名称,批次,公布日期\n甲区,A镇,新苑,9,2022-05-20\n", encoding="utf-8")
    with pytest.raises(IngestRefused) as refused:
        ingest([listing], db, who="丙")
    assert "无法读取" in str(refused.value) and "回滚" in str(refused.value)
    assert db.read_bytes() == before
