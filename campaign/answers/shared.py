"""Answers shared by every session of a process: a named query's frame for one published snapshot and one set of
parameters is computed once, however many people look at it.

Dozens of officials opening the same link at a morning meeting ask the same few questions of the same snapshot;
each used to pay for every query of every rerun (BENCHMARKS.md, "Load"). The key is the published file's identity
(``store.Published``: path, inode, modification time) and the file actually read (a kept snapshot when the
published one is damaged), so a publish or a switch to a kept snapshot is a new key and an old answer is never
shown after it. Entries of an identity no longer served are dropped as soon as one of the new identity is stored,
and a frame computed across a publish is handed to its asker but not kept.

Bounded twice: by entries and by the frames' estimated bytes, least recently used first. Two sessions asking the
same uncached question at once wait for one computation (single flight), not run it twice. Frames are handed out
as they are stored: Polars frames are not changed in place by the pages (every operation returns a new frame).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import polars as pl

from campaign.answers import queries
from campaign.snapshot import store

MAX_ENTRIES = 2048
MAX_BYTES = 512 * 1024 * 1024  # a country's tables are capped at their first rows (ui.TABLE_ROWS_MAX) each


class _Pending:
    """One computation in flight: others asking the same key wait for it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.frame: pl.DataFrame | None = None


class Answers:
    """A bounded, thread-safe map from (snapshot identity, query, parameters) to frames."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._lock = threading.Lock()
        self._frames: OrderedDict[tuple, tuple[pl.DataFrame, int]] = OrderedDict()
        self._pending: dict[tuple, _Pending] = {}
        self._bytes = 0
        self._newest: dict[str, tuple] = {}  # published path -> the newest identity stored for it
        self.computed = 0  # computations run (for tests and benchmarks: shared answers are not recomputed)

    def get(self, key: tuple, compute: Callable[[], pl.DataFrame], current: Callable[[], bool] = lambda: True):
        """The frame stored under ``key`` (its first element the snapshot identity), else ``compute()``'s, stored
        if ``current()`` still says the identity is the one served (a publish during the computation: not kept)."""
        with self._lock:
            found = self._frames.get(key)
            if found is not None:
                self._frames.move_to_end(key)
                return found[0]
            pending = self._pending.get(key)
            owner = pending is None
            if owner:
                pending = self._pending[key] = _Pending()
        if not owner:
            pending.done.wait()
            if pending.frame is not None:
                return pending.frame
            return compute()  # the computation it waited for failed: its own try, its own error
        try:
            frame = compute()
            pending.frame = frame
            keep = current()
        finally:
            with self._lock:
                self.computed += 1
                del self._pending[key]
                if pending.frame is not None and keep:
                    self._store(key, pending.frame)
            pending.done.set()
        return frame

    def _store(self, key: tuple, frame: pl.DataFrame) -> None:
        identity, path = key[0], key[0][0]
        if self._newest.get(path) != identity:
            # another snapshot is served for this path now: what was stored for the one before is never asked again
            self._newest[path] = identity
            for old in [k for k in self._frames if k[0][0] == path and k[0] != identity]:
                self._bytes -= self._frames.pop(old)[1]
        size = frame.estimated_size()
        if size > self.max_bytes:
            return
        self._frames[key] = (frame, size)
        self._bytes += size
        while len(self._frames) > self.max_entries or self._bytes > self.max_bytes:
            self._bytes -= self._frames.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()
            self._newest.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._frames)


answers = Answers()


def identity(db: Path | None = None) -> tuple:
    """What a query on ``db`` reads now: the published file's identity (path, inode, modification time) and the
    file served for it (``store.serving``)."""
    db = Path(db) if db else store.default_db()
    return (*store.published(db), str(store.serving(db).path))


def run(name: str, /, db: Path | None = None, **params: object) -> pl.DataFrame:
    """``queries.run(name, db=db, **params)``, computed once per snapshot and parameters in this process.

    Parameters that cannot be a key (a list) are run without sharing."""
    queries.parameters(name)  # an unknown query fails here, as queries.run would
    now = identity(db)
    key = (now, name, tuple(sorted(params.items())))
    if not _hashable(key):
        return queries.run(name, db=db, **params)
    return answers.get(key, lambda: queries.run(name, db=db, **params), lambda: _still(now, db))


def _still(now: tuple, db: Path | None) -> bool:
    try:
        return identity(db) == now
    except OSError:
        return False


def _hashable(key: tuple) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True
