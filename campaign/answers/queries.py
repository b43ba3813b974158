"""The thin runner of the named queries in ``queries/*.sql``.

Values reach SQL only as DuckDB named parameters. A parameter the caller leaves out is passed as
null, which every query reads as "no filter"; a parameter the query does not declare is an error,
so a typo never silently drops a filter.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import polars as pl

from campaign.snapshot import store
from campaign.snapshot.connect import Connection

QUERIES_DIR = store.ROOT / "queries"
_PARAM = re.compile(r"(?<![\w$])\$([a-z_][a-z0-9_]*)")


@functools.cache
def _load(name: str) -> tuple[str, frozenset[str]]:
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no named query {name!r} in {QUERIES_DIR}")
    sql = path.read_text(encoding="utf-8")
    code = re.sub(r"--[^\n]*", "", sql)  # parameters named in the opening comment are not parameters
    return sql, frozenset(_PARAM.findall(code))


def names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


def parameters(name: str) -> frozenset[str]:
    return _load(name)[1]


def run(name: str, /, db: Path | None = None, con: Connection | None = None, **params: object) -> pl.DataFrame:
    """Run the named query on the newest published snapshot and return a Polars frame.

    ``con``: the caller's own connection, its snapshot in use, instead of the shared reader's (left open).
    """
    sql, declared = _load(name)
    unknown = set(params) - declared
    if unknown:
        raise TypeError(f"query {name!r} has no parameter(s) {sorted(unknown)}; it takes {sorted(declared)}")
    values = {p: params.get(p) for p in declared}
    cur = con if con is not None else store.reader(db).cursor()
    try:
        return cur.sql(sql, params=values).pl() if values else cur.sql(sql).pl()
    finally:
        if cur is not con:
            cur.close()
