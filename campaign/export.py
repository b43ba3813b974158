"""Downloads: CSV that Excel opens correctly and safely, with a name that says what it holds."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

# a cell starting with one of these is a formula to Excel (CSV injection); a leading ' makes it text
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\s]+')


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    text_cols = [c for c, d in frame.schema.items() if d == pl.String]
    starts = "^[" + re.escape("".join(FORMULA_PREFIXES)) + "]"
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(starts)).then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c) for c in text_cols
    )


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 with BOM (so Excel reads Chinese), CRLF, formula-like cells neutralised."""
    body = neutralise(frame).write_csv(line_terminator="\r\n", date_format="%Y-%m-%d")
    return "\ufeff".encode() + body.encode("utf-8")


def filename(prefix: str, filters: list[str], as_of: dt.date | None, as_of_word: str, suffix: str = "csv") -> str:
    """e.g. 无疫小区明细_金山区_山阳镇_截至2022-05-05.csv: the filters that were set, and the day."""
    parts = [prefix, *[f for f in filters if f]]
    if as_of:
        parts.append(f"{as_of_word}{as_of.isoformat()}")
    name = "_".join(_UNSAFE_IN_FILENAME.sub("-", p).strip("-") for p in parts)
    return f"{name[:150]}.{suffix}"
