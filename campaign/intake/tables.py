"""What the parsers of a run share: a table's slot in the run, the columns it lacks, its cleaned place names,
and the tables of one role stacked into one frame to be checked at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from campaign.intake.normalise import by_value, clean_expr, clean_text
from campaign.intake.problems import Problem
from campaign.intake.reader import Table

PLACE_COLS = ("district", "town", "committee", "name")


UNIT_LEVEL_KINDS = ("village", "community")  # the unit is its own village or committee


@dataclass
class Slot:
    """One table of the run: what it is, and once parsed its rows (or its problems)."""

    file: str
    table: Table
    role: str
    frame: pl.DataFrame | None = None  # the parsed rows; a status list's rows are in the run's Statuses
    problems: list[Problem] = field(default_factory=list)
    rows: int | None = None  # a status list's row count once parsed


def missing_columns(table: Table, needed: dict[str, str]) -> list[Problem]:
    """A column the table needs and no hint gave: why (``table.unresolved``: the choices), else that it is missing."""
    return [
        Problem(table.label, table.unresolved.get(col) or f"缺少「{label}」列 (missing column: {col})")
        for col, label in needed.items()
        if col not in table.headers
    ]


def clean_places(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Clean place names; fill blanks left under merged district or town cells from the row above.

    A blank committee is not filled here: under a village-level unit it means "the unit itself",
    under a compound it means "as above" (rosters), and in a status list it matches any committee.
    """
    present = [c for c in PLACE_COLS if c in frame.columns]
    frame = frame.with_columns([clean_text(c) for c in present])
    fill = [c for c in ("district", "town") if c in present]
    if fill and "name" in present:
        frame = frame.with_columns([pl.col(c).forward_fill() for c in fill])
    return frame


def count_expr(e: pl.Expr) -> pl.Expr:
    """As ``parse_count`` reads a count: '1,234' and Excel's '1234.0' are fine; null where it is none."""
    return e.str.replace_all(",", "").str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)


def stack_tables(
    slots: list[Slot], role: str, missing: Callable[[Table], list[Problem]], cols: tuple[str, ...]
) -> tuple[list[Slot], pl.DataFrame] | None:
    """The tables of ``role`` that have the columns they need, stacked into one frame (``_t``: which of them)
    with every column of ``cols``, cleaned once per distinct value, district and town filled down under
    merged cells. A table lacking a column gets its problems on its slot and stays out."""
    todo: list[Slot] = []
    for slot in slots:
        if slot.role == role:
            slot.problems = missing(slot.table)
            if not slot.problems:
                todo.append(slot)
    if not todo:
        return None
    parts = [
        slot.table.frame.lazy().select(
            pl.lit(t, pl.Int32).alias("_t"), "_row", *[c for c in cols if c in slot.table.frame.columns]
        )
        for t, slot in enumerate(todo)
    ]
    lf = pl.concat(parts, how="diagonal")
    absent = [c for c in cols if c not in lf.collect_schema().names()]
    frame = lf.with_columns([pl.lit(None, pl.String).alias(c) for c in absent]).collect()
    frame = frame.with_columns([by_value(frame.get_column(c), clean_expr) for c in cols]).with_columns(
        pl.col("district").forward_fill().over("_t"), pl.col("town").forward_fill().over("_t")
    )
    return todo, frame


def with_rechecked(frame: pl.DataFrame, flagged: set[int], parse: Callable[[int], pl.DataFrame | None]) -> pl.DataFrame:
    """``frame`` (the stacked tables' rows that passed) with each ``flagged`` table parsed on its own: ``parse(t)``
    sets the table's problems and returns its rows, or None. A table flagged by the stacked checks but whose own
    parse finds nothing keeps its rows."""
    rechecked = [
        parsed.with_columns(pl.lit(t, pl.Int32).alias("_t"))
        for t in sorted(flagged)
        if (parsed := parse(t)) is not None
    ]
    if not rechecked:
        return frame
    return pl.concat([frame, *rechecked], how="diagonal_relaxed").sort("_t", maintain_order=True)
