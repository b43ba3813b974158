"""The snapshot store: kept snapshots, rollback, kill -9 during an ingest, readers during publishes, the CLI."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from campaign.answers import queries
from campaign.intake.ingest import ingest
from campaign.ops.cli import main
from campaign.snapshot import store
from tests.support import ROOT
from tests.support.files import TINY_FILES, write_tiny
from tests.support.servers import run_cli

LIST_HEADER = "区,街镇,居委/村,名称,批次,公布日期\n"
SERIES_UNITS = 12


# ------------------------------------------------------------------------------------- helpers ---
def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def series(folder: Path, n: int) -> tuple[Path, list[Path]]:
    """A roster of SERIES_UNITS compounds and n lists, list i creating compound i: created = i after it."""
    roster = write(
        folder,
        "roster.csv",
        "区,街镇,居委/村,名称,类型,户数,人口\n"
        + "".join(f"甲区,A镇,一居委,苑{i},小区,{100 + i},{250 + i}\n" for i in range(1, SERIES_UNITS + 1)),
    )
    lists = [
        write(folder, f"batch{i}.csv", LIST_HEADER + f"甲区,A镇,一居委,苑{i},{i},2022-04-{i:02d}\n")
        for i in range(1, n + 1)
    ]
    return roster, lists


def figures(db: Path) -> dict:
    """What the published file holds, opened read-only from a fresh DuckDB: counts and coverage."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{db}' as s (read_only)")
        con.execute("use s")
        ((units, events, files, ingests, last),) = con.execute(
            "select (select count(*) from units), (select count(*) from events), (select count(*) from files), "
            "(select count(*) from ingests), (select max(ingest_id) from ingests)"
        ).fetchall()
        coverage = con.execute(
            "select district, kind, count(*), count(*) filter (where is_created) "
            "from unit_status(null) group by all order by all"
        ).fetchall()
    finally:
        con.close()
    return {"units": units, "events": events, "files": files, "ingests": ingests, "last": last, "coverage": coverage}


def coverage(db: Path) -> list[dict]:
    return queries.run("coverage_by_district", db=db).sort(["district", "kind"]).to_dicts()


def created(db: Path) -> int:
    return int(queries.run("coverage_by_district", db=db)["created"].sum())


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".building-" in p.name or ".partial-" in p.name)


def dead_pid() -> int:
    """The pid of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def keep(monkeypatch):
    def set_keep(n: int) -> None:
        monkeypatch.setenv(store.KEEP_ENV, str(n))

    monkeypatch.delenv(store.KEEP_ENV, raising=False)
    return set_keep


# -------------------------------------------------------------------------------- kept snapshots ---
def test_each_publish_keeps_the_previous_snapshot(tmp_path, keep):
    db = tmp_path / "db" / "campaign.duckdb"
    roster, lists = series(tmp_path / "files", 3)
    seen = []
    for paths in ([roster], *[[p] for p in lists]):
        ingest(paths, db, who="t")
        seen.append(figures(db))
    assert seen[-1]["coverage"] != seen[0]["coverage"]

    kept = store.snapshots(db)
    # four publishes: the first had nothing to keep; newest first, named by time and last ingest
    assert [s.last_ingest_id for s in kept] == [3, 2, 1]
    assert [s.id for s in kept] == sorted((s.id for s in kept), reverse=True)
    assert [s.kept_at for s in kept] == sorted((s.kept_at for s in kept), reverse=True)
    assert all(s.id.endswith(f"-ingest{s.last_ingest_id}") and s.error is None for s in kept)
    assert all(s.path.parent == db.parent / "snapshots" and s.path.is_file() for s in kept)
    # each kept snapshot is exactly what was published before the next ingest
    for snapshot, before in zip(kept, reversed(seen[:-1]), strict=True):
        assert figures(snapshot.path) == before
        assert (snapshot.units, snapshot.events, snapshot.files) == (before["units"], before["events"], before["files"])
    # the published file is a new file, not one of the kept ones
    assert not any(os.path.samefile(s.path, db) for s in kept)
    # an ingest that changes nothing publishes nothing and keeps nothing
    ingest([lists[0]], db, who="t")
    assert [s.id for s in store.snapshots(db)] == [s.id for s in kept]


def test_snapshots_of_two_databases_in_one_folder_stay_apart(tmp_path, keep):
    roster, lists = series(tmp_path / "files", 1)
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    for db in (one, two):
        ingest([roster], db)
    ingest([lists[0]], one)
    assert len(store.snapshots(one)) == 1 and store.snapshots(two) == []


@pytest.mark.parametrize("k", [2, 0])
def test_retention_keeps_the_newest_k(tmp_path, keep, k):
    db = tmp_path / "campaign.duckdb"
    roster, lists = series(tmp_path / "files", k + 3)
    ingest([roster], db)
    keep(10)
    ingest([lists[0]], db)
    assert len(store.snapshots(db)) == 1
    keep(k)
    for path in lists[1:]:
        ingest([path], db)
    kept = store.snapshots(db)
    assert len(kept) == k
    # the newest ones: k + 3 publishes after the roster's; the last kept holds ingest k + 3
    assert [s.last_ingest_id for s in kept] == list(range(k + 3, 3, -1))
    names = sorted(p.name for p in (db.parent / "snapshots").iterdir())
    assert names == sorted(s.path.name for s in kept)
    assert created(db) == k + 3


def test_an_invalid_keep_setting_keeps_the_default(tmp_path, keep, monkeypatch):
    monkeypatch.setenv(store.KEEP_ENV, "lots")
    assert store.keep_count() == store.KEEP_DEFAULT
    monkeypatch.setenv(store.KEEP_ENV, "-1")
    assert store.keep_count() == store.KEEP_DEFAULT
    keep(0)
    assert store.keep_count() == 0


def test_a_failed_link_falls_back_to_a_copy(tmp_path, keep, monkeypatch):
    db = tmp_path / "campaign.duckdb"
    roster, lists = series(tmp_path / "files", 1)
    ingest([roster], db)
    before = figures(db)

    def no_links(src, dst, *args, **kwargs):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    ingest([lists[0]], db)
    (kept,) = store.snapshots(db)
    assert figures(kept.path) == before
    assert kept.path.stat().st_nlink == 1  # a copy, not a second name
    assert created(db) == 1
    assert leftovers(kept.path.parent) == []


def test_failures_while_keeping_or_pruning_never_stop_the_publish(tmp_path, keep, monkeypatch):
    db = tmp_path / "campaign.duckdb"
    roster, lists = series(tmp_path / "files", 3)
    ingest([roster], db)

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    # neither a link nor a copy can be made: new data is published all the same, nothing is kept
    with monkeypatch.context() as m:
        m.setattr(os, "link", fail)
        m.setattr(shutil, "copyfile", fail)
        ingest([lists[0]], db)
    assert created(db) == 1
    assert store.snapshots(db) == []
    assert leftovers(db.parent) == []

    # old snapshots cannot be removed: published all the same, the extra snapshot stays for later
    ingest([lists[1]], db)
    keep(0)
    real_unlink = os.unlink

    def no_unlink_in_snapshots(path, *args, **kwargs):
        if Path(path).parent.name == "snapshots":
            raise PermissionError(13, "Permission denied", str(path))
        return real_unlink(path, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(os, "unlink", no_unlink_in_snapshots)
        ingest([lists[2]], db)
    assert created(db) == 3
    assert len(store.snapshots(db)) == 1
    # the next publish prunes them
    ingest([write(tmp_path / "files", "batch4.csv", LIST_HEADER + "甲区,A镇,一居委,苑4,4,2022-04-04\n")], db)
    assert store.snapshots(db) == [] and created(db) == 4


def test_a_crash_between_keeping_and_replacing_leaves_the_published_snapshot(tmp_path, keep, monkeypatch):
    db = tmp_path / "campaign.duckdb"
    roster, lists = series(tmp_path / "files", 2)
    ingest([roster], db)
    before = figures(db)

    def crash(src, dst):
        raise KeyboardInterrupt("killed between keeping and replacing")

    with monkeypatch.context() as m:
        m.setattr(os, "replace", crash)
        with pytest.raises(KeyboardInterrupt):
            ingest([lists[0]], db)
    assert figures(db) == before
    (kept,) = store.snapshots(db)  # the published file, kept under a second name
    assert os.path.samefile(kept.path, db)
    assert leftovers(db.parent) == []

    ingest([lists[0]], db)
    assert created(db) == 1
    assert [s.id for s in store.snapshots(db)] == [kept.id]  # not kept twice
    assert figures(kept.path) == before


def test_leftovers_of_a_killed_build_are_removed_and_do_not_break_the_next_ingest(tmp_path, keep):
    db = tmp_path / "campaign.duckdb"
    roster, lists = series(tmp_path / "files", 1)
    ingest([roster], db)
    planted = []
    for pid in (dead_pid(), os.getpid()):
        for suffix in ("", ".wal"):
            path = tmp_path / f".{db.name}.building-{pid}{suffix}"
            path.write_bytes(os.urandom(4096))
            planted.append(path)
    ingest([lists[0]], db)
    assert created(db) == 1
    assert not any(p.exists() for p in planted)


# ------------------------------------------------------------------------------------- kill -9 ---
BIG_UNITS = 300_000


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> dict:
    """A small published snapshot (base) and a big ingest (~300,000 units, ~300,000 list rows) for it."""
    folder = tmp_path_factory.mktemp("big")
    files = folder / "files"
    files.mkdir()
    roster, listing = files / "big_roster.csv", files / "big_list.csv"
    with open(roster, "w", encoding="utf-8") as r, open(listing, "w", encoding="utf-8") as s:
        r.write("区,街镇,居委/村,名称,类型,户数,人口\n")
        s.write(LIST_HEADER)
        for i in range(BIG_UNITS):
            r.write(f"丙区,T{i % 97}镇,C{i % 1009}居委,苑{i},小区,{100 + i % 50},{250 + i % 90}\n")
            s.write(f"丙区,T{i % 97}镇,C{i % 1009}居委,苑{i},{1 + i % 4},2022-05-0{1 + i % 4}\n")
    tiny = write_tiny(folder / "tiny")
    base = folder / "base" / "campaign.duckdb"
    ingest([tiny[0], tiny[1]], base, who="base")  # roster, batch1
    ref = folder / "ref" / "campaign.duckdb"
    ref.parent.mkdir()
    shutil.copyfile(base, ref)
    done = run_cli("ingest", "--db", str(ref), str(roster), str(listing))
    assert done.returncode == 0, done.stderr
    old, new = figures(base), figures(ref)
    assert new["units"] == old["units"] + BIG_UNITS and new["events"] == old["events"] + BIG_UNITS
    assert new["last"] == old["last"] + 1
    return {"files": [roster, listing], "tiny": tiny, "base": base, "old": old, "new": new}


def _start_big_ingest(big: dict, folder: Path) -> tuple[Path, subprocess.Popen]:
    db = folder / "campaign.duckdb"
    folder.mkdir()
    shutil.copyfile(big["base"], db)
    proc = subprocess.Popen(
        [sys.executable, "-m", "campaign", "ingest", "--db", str(db), *map(str, big["files"])],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return db, proc


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)


def _old_or_new(big: dict, db: Path) -> str:
    seen = figures(db)  # opens read-only: the published file is a complete database
    assert seen in (big["old"], big["new"]), "a published snapshot between the old and the new data"
    return "old" if seen == big["old"] else "new"


@pytest.mark.parametrize("delay", [0.1, 0.5, 1.0, 2.0])
@pytest.mark.slow
def test_kill_9_during_an_ingest_leaves_the_old_or_the_new_snapshot(tmp_path, big, keep, delay):
    db, proc = _start_big_ingest(big, tmp_path / "run")
    time.sleep(delay)
    _kill(proc)
    state = _old_or_new(big, db)
    kept = [s.last_ingest_id for s in store.snapshots(db)]
    assert kept == [big["old"]["last"]] if state == "new" else kept in ([], [big["old"]["last"]])
    # the next ingest succeeds and clears what the killed one left behind
    report = ingest([big["tiny"][3]], db)  # batch2
    assert report.changed
    after = figures(db)
    assert after["last"] == big[state]["last"] + 1 and after["events"] == big[state]["events"] + 2
    assert leftovers(db.parent) == []


@pytest.mark.slow
@pytest.mark.parametrize("when", ["build started", "build under way", "just replaced"])
def test_kill_9_during_the_publish_step(tmp_path, big, keep, when):
    db, proc = _start_big_ingest(big, tmp_path / "run")
    published = db.stat().st_ino
    building = db.with_name(f".{db.name}.building-{proc.pid}")
    while proc.poll() is None and not building.exists():
        time.sleep(0.002)
    if when == "build under way":
        time.sleep(0.4)
    elif when == "just replaced":
        while proc.poll() is None and db.stat().st_ino == published:
            time.sleep(0.001)
    _kill(proc)
    state = _old_or_new(big, db)
    if when == "just replaced":
        assert state == "new"
    # an interrupted ingest is simply run again: it loads everything, once
    report = ingest(big["files"], db)
    assert report.changed == (state == "old")
    assert figures(db) == big["new"]
    assert leftovers(db.parent) == []


# -------------------------------------------------------------------- readers during publishes ---
READER_SCRIPT = """
import sys, time
from campaign.answers import queries
db, final = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 120
last = None
while time.monotonic() < deadline:
    value = int(queries.run("coverage_by_district", db=db)["created"].sum())
    if value != last:
        print(value, flush=True)
        last = value
    if value == final:
        sys.exit(0)
sys.exit(3)
"""


@pytest.mark.slow
def test_readers_never_fail_and_never_go_back_while_snapshots_are_published(tmp_path, keep):
    n = 8
    db = tmp_path / "campaign.duckdb"
    roster, lists = series(tmp_path / "files", n)
    ingest([roster], db)

    other = subprocess.Popen(
        [sys.executable, "-c", READER_SCRIPT, str(db), str(n)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: dict[int, list[int]] = {i: [] for i in range(4)}
    errors: list[BaseException] = []
    stop = threading.Event()

    def read(i: int) -> None:
        while not stop.is_set():
            try:
                frame = queries.run("coverage_by_district", db=db)
                assert frame["total"].sum() == SERIES_UNITS
            except BaseException as error:  # every error is a failure of the test
                errors.append(error)
                return
            value = int(frame["created"].sum())
            if not seen[i] or seen[i][-1] != value:
                seen[i].append(value)
            if value == n:
                return

    threads = [threading.Thread(target=read, args=(i,), daemon=True) for i in seen]
    for thread in threads:
        thread.start()
    try:
        assert other.stdout.readline().strip() == "0"  # the other process reads before the first publish
        while not all(seen.values()) and not errors:
            time.sleep(0.01)
        for path in lists:
            ingest([path], db)
        for thread in threads:
            thread.join(timeout=120)
        out, err = other.communicate(timeout=180)
    finally:
        stop.set()
        if other.poll() is None:
            other.kill()
    assert errors == []
    assert other.returncode == 0, err
    values = [0, *map(int, out.split())]
    for reader_seen in [*seen.values(), values]:
        assert reader_seen[0] == 0 and reader_seen[-1] == n  # each sees the newest figures
        assert reader_seen == sorted(reader_seen)  # never backwards
        assert len(set(reader_seen)) == len(reader_seen)


# ------------------------------------------------------------------------------------ rollback ---
def test_rollback_restores_is_recorded_and_rolls_forward(tmp_path, keep):
    db = tmp_path / "campaign.duckdb"
    tiny = dict(zip(TINY_FILES, write_tiny(tmp_path / "files"), strict=True))
    ingest([tiny["roster.csv"], tiny["batch1.csv"]], db, who="a")  # 1
    first = coverage(db)
    ingest([tiny["revoked.csv"]], db, who="b")  # 2
    ingest([tiny["batch2.csv"]], db, who="c")  # 3
    third = coverage(db)
    assert first != third
    at_ingest = {s.last_ingest_id: s.id for s in store.snapshots(db)}
    assert set(at_ingest) == {1, 2}

    back = store.rollback(db, at_ingest[1], "admin")
    assert coverage(db) == first
    assert back.snapshot_id == at_ingest[1] and back.ingest_id == 4
    rows = store.ingests(db).to_dicts()
    assert [r["ingest_id"] for r in rows] == [1, 4]
    assert rows[-1] | {"loaded_at": None} == {
        "ingest_id": 4,
        "loaded_at": None,
        "who": "admin",
        "files": 0,
        "rows": 0,
        "outcome": f"rollback to snapshot {at_ingest[1]}",
    }
    # the state rolled back from is kept: roll forward to it
    assert back.kept is not None
    (forward,) = [s for s in store.snapshots(db) if s.id == back.kept]
    assert forward.last_ingest_id == 3
    again = store.rollback(db, back.kept, "admin")
    assert coverage(db) == third
    assert [r["ingest_id"] for r in store.ingests(db).to_dicts()] == [1, 2, 3, 5]
    assert again.ingest_id == 5
    # each rollback is itself kept, so going back and forth never loses a state
    assert {s.last_ingest_id for s in store.snapshots(db)} == {1, 2, 3, 4}

    # back to ingest 1; the files loaded after it load again
    store.rollback(db, at_ingest[1], "admin")
    assert coverage(db) == first
    report = ingest([tiny["revoked.csv"], tiny["batch2.csv"]], db, who="d")
    assert report.changed and report.events_added == 3
    assert [f.role for f in report.files] == ["status", "status"]
    assert coverage(db) == third
    assert [r["ingest_id"] for r in store.ingests(db).to_dicts()] == [1, 6, 7]


def test_rollback_to_an_unknown_snapshot_changes_nothing(tmp_path, keep):
    db = tmp_path / "campaign.duckdb"
    roster, lists = series(tmp_path / "files", 1)
    ingest([roster], db)
    ingest([lists[0]], db)
    before, kept = db.read_bytes(), store.snapshots(db)
    with pytest.raises(store.UnknownSnapshot, match="no such snapshot"):
        store.rollback(db, "20220101T000000.000000Z-ingest9", "admin")
    assert db.read_bytes() == before
    assert store.snapshots(db) == kept
    assert leftovers(db.parent) == [] and leftovers(db.parent / "snapshots") == []


def test_rollback_brings_back_a_deleted_database(tmp_path, keep):
    db = tmp_path / "campaign.duckdb"
    roster, lists = series(tmp_path / "files", 2)
    for paths in ([roster], [lists[0]], [lists[1]]):
        ingest(paths, db)
    (newest, _) = store.snapshots(db)
    db.unlink()
    store.rollback(db, newest.id, "admin")
    assert created(db) == 1
    assert [r["outcome"] for r in store.ingests(db).to_dicts()][-1] == f"rollback to snapshot {newest.id}"


def test_rollback_without_a_database_says_so(tmp_path):
    db = tmp_path / "nowhere" / "campaign.duckdb"
    with pytest.raises(FileNotFoundError, match="no database"):
        store.rollback(db, "x", "admin")
    assert not db.parent.exists()


# ----------------------------------------------------------------------------------------- CLI ---
def test_cli_history_and_rollback(tmp_path, keep, capsys):
    db = tmp_path / "campaign.duckdb"
    roster, lists = series(tmp_path / "files", 2)
    for path in (roster, *lists):
        assert main(["ingest", "--db", str(db), str(path)]) == 0
    capsys.readouterr()

    assert main(["history", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "导入记录 (ingests): 3" in out
    assert "kept snapshots, newest first: 2" in out
    kept = store.snapshots(db)
    assert all(s.id in out for s in kept)
    ingest_lines = [line for line in out.splitlines() if line.rstrip("│ ").endswith("loaded")]
    assert len(ingest_lines) == 3

    oldest = kept[-1].id
    assert main(["rollback", "--db", str(db), oldest]) == 0
    out = capsys.readouterr().out
    assert f"已回滚到快照 {oldest}" in out and f"rolled back to snapshot {oldest}, recorded as ingest 4" in out
    assert "kept as snapshot" in out
    assert created(db) == 0

    assert main(["history", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"rollback to snapshot {oldest}" in out and "kept snapshots, newest first: 3" in out

    before = db.read_bytes()
    assert main(["rollback", "--db", str(db), "no-such-snapshot"]) == 1
    captured = capsys.readouterr()
    assert "没有快照「no-such-snapshot」" in captured.err and "no such snapshot" in captured.err
    assert captured.out == ""
    assert db.read_bytes() == before


def test_cli_without_a_database(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "campaign.duckdb"
    assert main(["rollback", "--db", str(missing), "x"]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "no database" in err
    assert main(["history", "--db", str(missing)]) == 2
    captured = capsys.readouterr()
    assert str(missing) in captured.err and "no database" in captured.err
    assert "no kept snapshots" in captured.out
    assert not missing.parent.exists()


def test_cli_history_and_rollback_as_a_process(tmp_path):
    db = tmp_path / "campaign.duckdb"
    roster, lists = series(tmp_path / "files", 1)
    ingest([roster], db)
    ingest([lists[0]], db)
    (kept,) = store.snapshots(db)

    done = run_cli("history", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert kept.id in done.stdout and "loaded" in done.stdout

    done = run_cli("rollback", "--db", str(db), kept.id)
    assert done.returncode == 0, done.stderr
    assert f"rolled back to snapshot {kept.id}" in done.stdout
    assert created(db) == 0

    done = run_cli("rollback", "--db", str(db), "nope")
    assert done.returncode == 1 and "no such snapshot" in done.stderr and done.stdout == ""
    done = run_cli("history", "--db", str(tmp_path / "none.duckdb"))
    assert done.returncode == 2 and "no database" in done.stderr


def test_history_lists_a_snapshot_that_cannot_be_read(tmp_path, keep, capsys):
    db = tmp_path / "campaign.duckdb"
    roster, lists = series(tmp_path / "files", 1)
    ingest([roster], db)
    ingest([lists[0]], db)
    (kept,) = store.snapshots(db)
    kept.path.unlink()
    kept.path.write_bytes(b"not a database" * 100)
    (broken,) = store.snapshots(db)
    assert broken.id == kept.id and broken.error and broken.units is None
    assert main(["history", "--db", str(db)]) == 0
    assert kept.id in capsys.readouterr().err
    assert main(["rollback", "--db", str(db), kept.id]) == 1
    assert "rollback failed, the published data is unchanged" in capsys.readouterr().err
    assert created(db) == 1


def test_a_snapshot_from_an_older_version_is_upgraded_keeping_its_data(tmp_path):
    files = write_tiny(tmp_path / "files")
    current, old = tmp_path / "current.duckdb", tmp_path / "old.duckdb"
    ingest(files, current)
    ingest(files, old)
    con = duckdb.connect(str(old))  # as written before targets had a batch column
    con.execute("alter table targets drop column batch")
    con.close()
    assert store.upgrade(old) is True
    assert store.upgrade(old) is False
    assert store.upgrade(current) is False
    assert queries.run("coverage_by_district", db=old).equals(queries.run("coverage_by_district", db=current))
    assert queries.run("dq_batch_counts", db=old).is_empty()


def test_the_reader_takes_a_fresh_connection_every_so_many_queries(tmp_path, monkeypatch):
    """DuckDB keeps memory for every query run on a connection until it is closed: the reader of a server that
    runs for weeks opens a new one now and then, while cursors on the old one go on working."""
    db = tmp_path / "campaign.duckdb"
    ingest(write_tiny(tmp_path / "files"), db)
    monkeypatch.setattr(store.Reader, "REOPEN_AFTER", 3)
    reader = store.Reader(db)
    cursors = [reader.cursor() for _ in range(7)]
    seen = []
    for _ in range(3):
        reader.cursor().close()
        seen.append(id(reader._con))
    assert len(set(seen)) == 2  # the third query after the last reopen came on a new connection
    for cur in cursors:  # older cursors still read their snapshot
        assert cur.sql("select count(*) from units").fetchall() == [(8,)]
        cur.close()


def stored_unit_ids(db: Path) -> list[str]:
    with store.read_only(db) as con:
        return [u for (u,) in con.sql("select unit_id from events order by rowid").fetchall()]


def test_events_are_stored_in_unit_order(sample_db, tmp_path):
    """One unit's history reads a row group or two through DuckDB's zone maps only if events lie in unit order
    on disk (rowid is the stored position): after an ingest, a full rebuild from a base stored otherwise, and
    build-scale."""
    from campaign.generate.scale import SCALES, build_database

    stored = stored_unit_ids(sample_db)
    assert len(stored) > 3000 and stored == sorted(stored)

    db = tmp_path / "c.duckdb"
    shutil.copyfile(sample_db, db)
    con = duckdb.connect(str(db))
    con.execute("create temp table e as select * from events")
    con.execute("delete from events")
    con.execute("insert into events select * from e order by published desc, event_id desc")
    con.close()
    assert stored_unit_ids(db) != sorted(stored_unit_ids(db))  # the base is stored otherwise
    with store.writer_lock(db):
        store.publish(db, lambda con: None)
    assert stored_unit_ids(db) == stored

    scaled = tmp_path / "tiny.duckdb"
    build_database(SCALES["tiny"], scaled)
    stored = stored_unit_ids(scaled)
    assert len(stored) > 1000 and stored == sorted(stored)


def test_builds_draw_no_progress_bar(sample_db, tmp_path):
    """DuckDB draws a progress bar on the terminal for long statements: a national build's would land in the
    CLI's output and the server's log."""
    db = tmp_path / "c.duckdb"
    shutil.copyfile(sample_db, db)
    seen = []

    def fill(con):
        seen.append(con.sql("select current_setting('enable_progress_bar')").fetchall()[0][0])

    with store.writer_lock(db):
        store.publish(db, fill, districts=["金山区"])  # in place
        store.publish(db, fill)  # a full build
    assert seen == [False, False]


def test_a_commit_that_fails_is_never_swallowed() -> None:
    """One commit-so-far for the ingest and the generator at scale: no open transaction is fine, any other
    failure of the commit raises (its rows were rolled back; going on would publish a snapshot without them)."""
    import duckdb

    con = duckdb.connect()
    store.commit_so_far(con)  # autocommit: nothing open, nothing to do
    con.execute("begin transaction")
    con.execute("create table t (x int)")
    store.commit_so_far(con, begin=True)
    con.execute("insert into t values (1)")
    store.commit_so_far(con)
    assert con.sql("select count(*) from t").fetchall() == [(1,)]

    class Failing:
        def execute(self, sql: str) -> None:
            raise duckdb.TransactionException("TransactionContext Error: Failed to commit: could not write")

    with pytest.raises(duckdb.TransactionException, match="Failed to commit"):
        store.commit_so_far(Failing())
