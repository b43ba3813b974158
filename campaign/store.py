"""The snapshot: one DuckDB file, built aside and published by atomic replace; read-only readers.

One writer at a time (a lock file next to the database). A build copies the published snapshot into a
new file, adds the new rows in one transaction, checkpoints, closes, and ``os.replace``s it over the
old one. Readers attach the file read-only from a fresh in-memory DuckDB and re-attach when the file
they hold has been replaced, so they switch to a new snapshot on their next query.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).with_name("schema.sql")
TABLES = ("units", "events", "targets", "files", "ingests")


def default_db() -> Path:
    """CAMPAIGN_DB, else data/campaign.duckdb in the project folder."""
    env = os.environ.get("CAMPAIGN_DB")
    return Path(env) if env else ROOT / "data" / "campaign.duckdb"


@contextlib.contextmanager
def writer_lock(db: Path) -> Iterator[None]:
    """Serialise writers (CLI runs, dashboard first start) across processes."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(db: Path, fill: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """Build a new snapshot = the published one + whatever ``fill`` adds, then swap it in atomically.

    The caller holds ``writer_lock``. If ``fill`` raises, the published snapshot is untouched.
    """
    db = Path(db)
    building = db.with_name(f".{db.name}.building-{os.getpid()}")
    building.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(building))
        try:
            con.execute(SCHEMA.read_text(encoding="utf-8"))
            con.execute("begin transaction")
            if db.exists():
                con.execute(f"attach '{_quote(db)}' as published (read_only)")
                for table in TABLES:
                    con.execute(f"insert into {table} by name select * from published.{table}")
                con.execute("detach published")
            fill(con)
            con.execute("commit")
            con.execute("checkpoint")
        finally:
            con.close()
        _fsync(building)
        os.replace(building, db)
        _fsync(db.parent)
    finally:
        building.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


class Reader:
    """Read-only access to the published snapshot, re-attached when the file is replaced."""

    def __init__(self, db: Path):
        self.db = Path(db)
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._con: duckdb.DuckDBPyConnection | None = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the newest published snapshot; one per query, safe across threads."""
        try:
            st = os.stat(self.db)
        except FileNotFoundError:
            raise FileNotFoundError(
                f"没有数据库 {self.db}：请先导入数据 (no database yet: run `campaign ingest` first)"
            ) from None
        key = (st.st_ino, st.st_mtime_ns)
        with self._lock:
            if key != self._key or self._con is None:
                con = duckdb.connect()
                con.execute(f"attach '{_quote(self.db)}' as snapshot (read_only)")
                con.execute("use snapshot")
                # the old connection keeps its (unlinked) file open until its cursors are gone
                self._con, self._key = con, key
            cur = self._con.cursor()
        cur.execute("use snapshot")  # the default catalog is per cursor
        return cur


_readers: dict[Path, Reader] = {}
_readers_lock = threading.Lock()


def reader(db: Path | None = None) -> Reader:
    path = Path(db) if db else default_db()
    with _readers_lock:
        if path not in _readers:
            _readers[path] = Reader(path)
        return _readers[path]
