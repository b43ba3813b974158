"""Connections to DuckDB: the one place a path is quoted into SQL, read-only attaches, and what callers catch.

Every other module asks the snapshot layer by function and never imports duckdb (pyproject.toml's import
rules); one that only needs to know a read failed catches ``ERRORS``, and a fill's connection is typed
``Connection``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb

Connection = duckdb.DuckDBPyConnection
# what a read or a build of a snapshot raises from DuckDB itself (a damaged file, a full disk, a bad query)
ERRORS: tuple[type[Exception], ...] = (duckdb.Error,)


def quote(path: Path | str) -> str:
    """``path`` as the inside of a SQL string literal: a quote in a folder name must not end the literal."""
    return str(path).replace("'", "''")


def attach(con: Connection, path: Path | str, alias: str) -> None:
    """Attach the DuckDB file ``path`` to ``con`` as ``alias``, read-only."""
    con.execute(f"attach '{quote(path)}' as {alias} (read_only)")


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Connection]:
    """A fresh in-memory DuckDB with ``path`` attached read-only as the default catalog ``s``, closed afterwards.

    Fresh, not the shared reader's: it sees the file published last (a read_only connect to the path can
    hand back the old file while another connection to it is open), and a DuckDB connection keeps a
    little memory for every query it has run until it is closed.
    """
    con = duckdb.connect()
    try:
        attach(con, path, "s")
        con.execute("use s")
        yield con
    finally:
        con.close()


def corrupt(error: BaseException) -> bool:
    """Whether ``error`` says a block of the file failed its checksum: damage for good, not a passing hiccup."""
    text = " ".join(str(error).split())
    return isinstance(error, duckdb.Error) and ("Corrupt database file" in text or "checksum" in text)
