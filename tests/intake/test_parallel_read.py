"""A run's files read on several cores (campaign.intake.parallel) give what reading them one by one gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from campaign.intake import ingest as ingest_module
from campaign.intake import parallel
from campaign.intake.ingest import ingest
from campaign.intake.problems import IngestRefused
from campaign.intake.reader import status_files
from tests.support import SAMPLE_DIR


def contents(db: Path) -> dict[str, list[tuple]]:
    """What the run wrote, in an order that does not depend on the order of reading."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            table: con.sql(f"select * from {table} order by all").fetchall()
            for table in ("units", "events", "list_rows", "targets", "grids", "services", "files")
        }
    finally:
        con.close()


class _WorkersOnly(parallel._Pool):
    """A pool whose workers read every workbook sent to them: the main process takes none back (it would take
    them all from workers that start slower than it reads the sample's small workbooks)."""

    made: list[_WorkersOnly] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.made.append(self)

    def take(self, k=None, *, last=False):
        return None if k is not None or last else super().take()


@pytest.fixture
def way(request, monkeypatch):
    """With "pool" every workbook goes to a worker process; with "one by one" none (all read in this process)."""
    if request.param == "pool":
        _WorkersOnly.made = []
        monkeypatch.setattr(parallel, "BIG_WORKBOOK", 0)
        monkeypatch.setattr(parallel, "POOL_BYTES", 0)
        monkeypatch.setattr(parallel, "_Pool", _WorkersOnly)
        monkeypatch.setattr(parallel, "_idle_cores", lambda: 1)  # a worker even on a machine of one core, or busy
    else:
        monkeypatch.setattr(parallel, "POOL_BYTES", float("inf"))
    return request.param


def _run_files(folder: Path) -> list[Path]:
    """The sample, and its workbooks again under other names: a copy (skipped, as a file twice in the run) and
    a workbook whose districts' files come after a CSV."""
    shutil.copytree(SAMPLE_DIR, folder)
    shutil.copy(folder / "金山区_第2批.xlsx", folder / "金山区_第2批_副本.xlsx")
    return status_files(folder)


def _said(report) -> tuple:
    return (report.summary(), report.by_district, [(w.file, w.message) for w in report.warnings])


@pytest.mark.parametrize("way", ["pool", "one by one"], indirect=True)
def test_a_run_read_in_parallel_is_the_run_read_one_by_one(tmp_path, way, monkeypatch):
    paths = _run_files(tmp_path / "files")
    told = []
    report = ingest(paths, tmp_path / "c.duckdb", who="test", progress=lambda *said: told.append(said))
    if way == "pool":
        (pool,) = _WorkersOnly.made
        assert sorted(pool.futures) == [k for k, p in enumerate(paths) if p.suffix == ".xlsx"]
        assert all(f.result() is not None for f in pool.futures.values())  # each read by a worker
        assert all(proc.returncode is not None for proc in pool.procs)  # and the workers gone
    monkeypatch.setattr(parallel, "POOL_BYTES", float("inf"))
    alone = ingest(paths, tmp_path / "alone.duckdb", who="test")
    assert _said(report) == _said(alone)
    assert report.files == alone.files
    assert any(f.name == "金山区_第2批_副本.xlsx" and f.role == "skipped" for f in report.files)
    assert contents(tmp_path / "c.duckdb") == contents(tmp_path / "alone.duckdb")
    # every file told read, with the rows of those not skipped, in the one-by-one order of counts
    reads = [(done, total, rows) for step, done, total, rows in told if step == "read"]
    assert [done for done, _, _ in reads] == list(range(1, len(paths) + 1))
    assert reads[-1][2] == sum(f.rows for f in alone.files if f.role != "skipped") > 0


@pytest.mark.parametrize("way", ["pool", "one by one"], indirect=True)
def test_a_damaged_workbook_among_good_ones_is_named(tmp_path, way, monkeypatch):
    paths = _run_files(tmp_path / "files")
    cut = tmp_path / "files" / "金山区_创建单位名册_坏.xlsx"
    cut.write_bytes((SAMPLE_DIR / "金山区_创建单位名册.xlsx").read_bytes()[:30_000])  # a download cut short
    fake = tmp_path / "files" / "崇明区_第5轮.xlsx"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 500)  # a zip's start and nothing of one
    paths = status_files(tmp_path / "files")
    with pytest.raises(IngestRefused) as refused:
        ingest(paths, tmp_path / "c.duckdb", who="test", dry_run=True)
    monkeypatch.setattr(parallel, "POOL_BYTES", float("inf"))
    with pytest.raises(IngestRefused) as alone:
        ingest(paths, tmp_path / "alone.duckdb", who="test", dry_run=True)
    problems = [(p.file, p.message, p.row) for p in refused.value.problems]
    assert problems == [(p.file, p.message, p.row) for p in alone.value.problems]
    assert {cut.name, fake.name} <= {p.file for p in refused.value.problems}
    assert all("无法读取 XLSX 工作簿" in message for file, message, _ in problems if file in (cut.name, fake.name))


@pytest.mark.parametrize("worker", ["no-python", "/bin/true"])
def test_a_worker_that_dies_leaves_its_file_to_the_main_process(tmp_path, monkeypatch, worker):
    """A worker that cannot start, or ends before it reads, costs the run nothing: its workbooks are read here."""
    monkeypatch.setattr(parallel, "BIG_WORKBOOK", 0)
    monkeypatch.setattr(parallel, "POOL_BYTES", 0)
    monkeypatch.setattr(parallel, "_idle_cores", lambda: 1)
    monkeypatch.setattr(parallel.sys, "executable", str(tmp_path / worker) if worker == "no-python" else worker)
    paths = status_files(SAMPLE_DIR)
    report = ingest(paths, tmp_path / "c.duckdb", who="test", dry_run=True)
    monkeypatch.setattr(parallel, "POOL_BYTES", float("inf"))
    assert _said(report) == _said(ingest(paths, tmp_path / "alone.duckdb", who="test", dry_run=True))


def test_the_cores_idle_beside_this_process(monkeypatch):
    """Idle now by the kernel's counters, less the core this process reads on; where those are missing, by the load
    average (this process among the busy)."""
    monkeypatch.setattr(parallel, "_cores", lambda: 4)
    for now, idle in ((4.0, 3), (3.4, 2), (1.6, 1), (0.3, -1)):
        monkeypatch.setattr(parallel, "_idle_now", lambda now=now: now)
        assert parallel._idle_cores() == idle
    monkeypatch.setattr(parallel, "_idle_now", lambda: None)
    for load, idle in ((0.2, 3), (1.4, 3), (2.6, 1), (6.0, -2)):
        monkeypatch.setattr(parallel.os, "getloadavg", lambda load=load: (load, load, load))
        assert parallel._idle_cores() == idle


def test_idle_now_reads_the_kernel_counters(monkeypatch, tmp_path):
    """Two readings of /proc/stat's first line IDLE_WINDOW apart: idle and iowait over all the time counted."""
    readings = iter(["cpu  100 0 100 800 0 0 0 0 0 0\n", "cpu  150 0 150 1000 100 0 0 0 0 0\n"])
    real_open = open

    def fake_open(path, *args, **kwargs):
        if str(path) == "/proc/stat":
            target = tmp_path / "stat"
            target.write_text(next(readings), encoding="ascii")
            return real_open(target, *args, **kwargs)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(parallel, "IDLE_WINDOW", 0)
    assert parallel._idle_now() == 300 / 400 * 2  # idle 200 + iowait 100 of 400 jiffies, on 2 cores


def test_a_pool_only_for_two_large_workbooks(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "_idle_cores", lambda: 1)
    small = [(0, SAMPLE_DIR / "金山区_第2批.xlsx", "a"), (1, SAMPLE_DIR / "金山区_第1批.csv", "b")]
    assert parallel.wants_pool(small) == []
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"PK" + b"\x00" * parallel.POOL_BYTES)
    assert parallel.wants_pool([*small, (2, big, "c")]) == []  # one large workbook: nothing to share
    assert parallel.wants_pool([*small, (2, big, "c"), (3, big, "d")]) == [2, 3]
    monkeypatch.setattr(parallel, "_idle_cores", lambda: 0)
    # one core, or every other core busy: a worker would only take this process's time
    assert parallel.wants_pool([*small, (2, big, "c"), (3, big, "d")]) == []
    assert ingest_module.parallel is parallel
