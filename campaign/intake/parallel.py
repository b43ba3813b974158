"""The files of a run read on several cores: each file's limits checked, its checksum taken and its tables parsed.

The XLSX reader (calamine, through polars and fastexcel) and the workbook's limits check hold the GIL, so threads
read one workbook at a time: large workbooks go to a few worker processes (spawned: never forked from a process
holding DuckDB connections or polars' threads; nor through multiprocessing, whose children import the parent's
``__main__``, a Streamlit page among others). The main process reads the other files, and takes back any
workbook no worker has begun, so the workers' start costs nothing when the run is small. Every file is read by
``read_one`` wherever it runs, and the caller takes the results in the files' order: the same tables, problems
and skips as reading them one by one. A worker checks a file's limits before parsing it, as the main process
does, so each process keeps to the memory the limits allow.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from campaign.definition import definition, using
from campaign.intake import limits
from campaign.intake.problems import Problem
from campaign.intake.reader import EXCEL_SUFFIXES, Table, read_tables

Item = tuple[int, Path, str]  # as campaign.intake.chunks.Item (not imported: a worker needs no DuckDB)

# a workbook this large (on disk) is worth sending to a worker: pickling its tables back costs little beside
# parsing it; the pool is started only for a run with at least two such workbooks of POOL_BYTES together, as
# a worker's start (a new interpreter importing polars, pyarrow at its first workbook) costs about what a few
# MB of workbook do
BIG_WORKBOOK = 256 * 2**10
POOL_BYTES = 8 * 2**20
MAX_WORKERS = 3


@dataclass
class Read:
    """One file read: its checksum, and its tables and problems (None: not parsed, its checksum was known)."""

    digest: str
    tables: list[Table] | None
    problems: list[Problem]


def read_one(path: Path, name: str, lim: limits.Limits, known: frozenset[str] | set[str]) -> Problem | Read:
    """A file's limits checked (before it is read whole), its checksum taken, and unless that is ``known`` its
    tables parsed; or the problem that stops it (a missing file, a limit passed)."""
    if not path.is_file():
        return Problem(name, "文件不存在 (no such file)")
    too_much = limits.check(path, name, lim)
    if too_much is not None:
        return too_much
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest in known:
        return Read(digest, None, [])
    tables, problems = read_tables(path, name, data=data)
    return Read(digest, tables, problems)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (a container's share)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


IDLE_WINDOW = 0.05  # seconds over which the kernel's counters tell the cores idle now


def _idle_now() -> float | None:
    """How many cores were idle over the last IDLE_WINDOW seconds, from /proc/stat's counters (None where there is
    none). The load average would say it too, but a minute late: right after other work it still counts that work,
    and no worker would start on a machine gone quiet."""

    def counters() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:9]]  # user nice system idle iowait irq softirq steal
        return fields[3] + fields[4], sum(fields)

    try:
        idle0, total0 = counters()
        time.sleep(IDLE_WINDOW)
        idle1, total1 = counters()
    except (OSError, ValueError, IndexError):
        return None
    if total1 <= total0:
        return None
    return (idle1 - idle0) / (total1 - total0) * (os.cpu_count() or 1)


def _idle_cores() -> int:
    """The cores no other process is using, beside the one this process reads on: a worker on a busy core only slows
    this one (its start is work too)."""
    idle = _idle_now()
    if idle is not None:
        return min(round(idle), _cores()) - 1
    try:
        busy = round(os.getloadavg()[0])  # this process among them
    except OSError:
        busy = 1
    return _cores() - max(busy, 1)


def _workers(big: int) -> int:
    # the main process reads too: a worker for each core beside it that is idle
    return max(1, min(_idle_cores(), MAX_WORKERS, big))


def wants_pool(items: list[Item]) -> list[int]:
    """The positions (in ``items``) of the workbooks worth a worker, or none when the run is too small to pay."""
    big = []
    total = 0
    for k, (_, path, _) in enumerate(items):
        if path.suffix.lower() not in EXCEL_SUFFIXES:
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue
        if size >= BIG_WORKBOOK:
            big.append(k)
            total += size
    return big if len(big) >= 2 and total >= POOL_BYTES and _idle_cores() >= 1 else []


class _Pool:
    """Worker processes (``python -m campaign.intake.parallel``), each fed by a thread of this process: a workbook
    at a time from the front of ``pending``, its result pickled back; None for a file to read here instead (the
    worker failed or died)."""

    def __init__(self, items: list[Item], pooled: list[int], setup: bytes) -> None:
        self.items = items
        self.pending = deque(pooled)
        self.lock = threading.Lock()
        self.futures: dict[int, Future] = {k: Future() for k in pooled}
        self.procs: list[subprocess.Popen] = []
        self.threads: list[threading.Thread] = []
        # the workers import this very package, wherever this process found it
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        try:
            for _ in range(_workers(len(pooled))):
                proc = subprocess.Popen(
                    [sys.executable, "-m", "campaign.intake.parallel"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    env=env,
                )
                self.procs.append(proc)
                thread = threading.Thread(target=self._feed, args=(proc, setup), daemon=True)
                thread.start()
                self.threads.append(thread)
        except OSError:
            self.close()  # the workers started so far too: the run is read in this process
            raise

    def take(self, k: int | None = None, *, last: bool = False) -> int | None:
        """``k`` if no worker has taken it (else None); or the first (``last``: the last) workbook not taken."""
        with self.lock:
            if k is not None:
                if k in self.pending:
                    self.pending.remove(k)
                    return k
                return None
            if not self.pending:
                return None
            return self.pending.pop() if last else self.pending.popleft()

    def _feed(self, proc: subprocess.Popen, setup: bytes) -> None:
        k = None
        try:
            proc.stdin.write(setup)
            while (k := self.take()) is not None:
                _, path, name = self.items[k]
                pickle.dump((path, name), proc.stdin)
                proc.stdin.flush()
                self.futures[k].set_result(pickle.load(proc.stdout))
                k = None
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            pass  # the worker is gone: what it had, and what is left, is read by the main process
        finally:
            if k is not None:
                self.futures[k].set_result(None)

    def close(self) -> None:
        """The workers ended: idle once every result is in (a worker still starting has nothing to finish)."""
        with self.lock:
            self.pending.clear()
        for proc in self.procs:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            proc.kill()
            proc.wait()
        for thread in self.threads:
            thread.join()


def read_all(items: list[Item], known: frozenset[str] | set[str]) -> Iterator[tuple[int, Problem | Read]]:
    """``read_one`` of every item, as (position in ``items``, result), in the items' order and each as soon as it
    and those before it are read."""
    lim = limits.current()
    known = frozenset(known)
    pooled = wants_pool(items)
    pool = None
    if pooled:
        try:
            pool = _Pool(items, pooled, pickle.dumps((definition(), lim, known)))
        except OSError:
            pool = None  # no processes here: every file is read in this process

    def inline(k: int) -> Problem | Read:
        _, path, name = items[k]
        return read_one(path, name, lim, known)

    stolen: dict[int, Problem | Read] = {}
    try:
        for k in range(len(items)):
            if k in stolen:
                yield k, stolen.pop(k)
                continue
            if pool is None or k not in pool.futures or pool.take(k) is not None:
                yield k, inline(k)
                continue
            future = pool.futures[k]
            # while a worker reads this file, this process reads the last workbook no worker has begun
            while not future.done() and (later := pool.take(last=True)) is not None:
                stolen[later] = inline(later)
            result = future.result()
            yield k, inline(k) if result is None else result
    finally:
        if pool is not None:
            pool.close()


def _serve() -> None:
    """A worker: the run's campaign, limits and known checksums, then a file at a time until its input ends."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the results
    source = sys.stdin.buffer
    try:
        campaign, lim, known = pickle.load(source)
    except EOFError:
        return  # the run was read before this worker started
    with using(campaign):  # the words the run reads with: a worker has no context of its own
        while True:
            try:
                path, name = pickle.load(source)
            except EOFError:
                return
            try:
                result = read_one(path, name, lim, known)
            except Exception:
                result = None  # read again by the main process, which then raises as it would alone
            try:
                data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:
                data = pickle.dumps(None)
            out.write(data)
            out.flush()


if __name__ == "__main__":
    # by the module's own name: what it pickles back (Read) is unpickled as campaign.intake.parallel.Read
    from campaign.intake.parallel import _serve as serve

    serve()
