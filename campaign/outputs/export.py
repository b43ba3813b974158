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


XLSX_MAX_ROWS = 1_048_575  # Excel's sheet holds 1,048,576 rows, one of them the header


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


def xlsx_bytes(
    frame: pl.DataFrame, about: list[tuple[str, str]], sheet: str = "明细", about_sheet: str = "说明"
) -> bytes:
    """The rows on a first sheet; on a second, what they are: filters, as-of day, data snapshot.

    Text is written as text: a cell that looks like a formula stays a string (Excel never runs it).
    """
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    bold = book.add_format({"bold": True})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    data = book.add_worksheet(sheet)
    for col, name in enumerate(frame.columns):
        data.write_string(0, col, name, bold)
        data.set_column(col, col, max(10, min(40, len(name) * 2 + 2)))
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                data.write_string(r, c, value)
            elif isinstance(value, dt.date):
                data.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), dates)
            elif isinstance(value, bool):
                data.write_boolean(r, c, value)
            else:
                data.write_number(r, c, value)
    data.freeze_panes(1, 0)
    notes = book.add_worksheet(about_sheet)
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 60)
    for r, (key, value) in enumerate(about):
        notes.write_string(r, 0, key, bold)
        notes.write_string(r, 1, value)
    book.close()
    return buffer.getvalue()


def template_bytes(name: str) -> bytes:
    """A template of the data page (uploads.TEMPLATES): its header and example row as the downloads write CSV."""
    from campaign.intake.uploads import TEMPLATE_TITLES, TEMPLATES

    header, example = TEMPLATES[name]
    table = csv_bytes(pl.DataFrame([example], schema=header, orient="row"))
    if name not in TEMPLATE_TITLES:
        return table
    bom = "\ufeff".encode()
    return bom + f"{TEMPLATE_TITLES[name]}\r\n".encode() + table.removeprefix(bom)
