"""Pinyin for unit names, so 海皓馨苑 is found by "haihaoxinyuan" or its initials "hhxy".

Kept in the snapshot's ``name_pinyin`` table, one row per distinct name, filled for names it lacks
whenever a snapshot is published by ingest or upgraded.
"""

from __future__ import annotations

import duckdb
import polars as pl
from pypinyin import Style, lazy_pinyin


def spell(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no spaces: 长兴镇 -> ("changxingzhen", "cxz")."""
    full = "".join(lazy_pinyin(name, errors="default")).lower().replace(" ", "")
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower().replace(" ", "")
    return full, initials


def fill_missing(con: duckdb.DuckDBPyConnection) -> int:
    """Add pinyin for every unit, committee and town name the table lacks; returns how many were added."""
    missing = [
        name
        for (name,) in con.execute(
            "select distinct n from (select name as n from units union select committee from units "
            "union select town from units) where n is not null and n not in (select name from name_pinyin)"
        ).fetchall()
    ]
    if not missing:
        return 0
    rows = [(name, *spell(name)) for name in missing]
    frame = pl.DataFrame(rows, schema=["name", "pinyin", "initials"], orient="row")
    con.register("new_pinyin", frame)
    try:
        con.execute("insert into name_pinyin select name, pinyin, initials from new_pinyin")
    finally:
        con.unregister("new_pinyin")
    return len(rows)
