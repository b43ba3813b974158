"""Status lists (名单): every list of a run parsed and checked at once, a table with anything wrong parsed
again on its own for its exact problems (file, row, column, value)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from campaign.intake.normalise import (
    EARLIEST_DATE,
    by_value,
    clean_text,
    date_expr,
    kind_word,
    parse_batch,
    parse_date,
    parse_kind,
    parse_status,
    parse_whole,
    require,
    status_word,
    whole_flag,
    whole_word,
    word_map,
)
from campaign.intake.problems import Problem
from campaign.intake.reader import Table
from campaign.intake.tables import PLACE_COLS, Slot, clean_places, missing_columns, stack_tables, with_rechecked
from campaign.intake.vocabulary import batch_number


@dataclass
class Statuses:
    """Every status row of the run in one frame: _t (the table), _row, places, status, batch, published, kind,
    whole, counts_rounds, cumulative, _name_header, source_file; ``keys`` are the place columns each table has."""

    frame: pl.DataFrame
    keys: dict[int, list[str]]
    files: dict[int, str]


def _status_missing_columns(table: Table) -> list[Problem]:
    problems = missing_columns(table, {"name": "名称"})
    problems += [
        Problem(
            table.label,
            table.unresolved.get(col)
            or f"缺少「{label}」：表中没有此列，标题行和文件名中也没有；导入时可用 {option} 指定"
            f"（数据页：上传表单的「{label}」） "
            f"(missing {col}: no column, not in the title or the file name either; give it with {option})",
        )
        for col, label, option in (("district", "区", "--district"), ("published", "公布日期", "--date"))
        if col not in table.headers
    ]
    return problems


_STATUS_COLS = (*PLACE_COLS, "status", "batch", "published", "kind", "whole")


def parse_statuses(slots: list[Slot], today: dt.date) -> Statuses | None:
    """Parse and check every status list of the run at once, in one frame (``_t`` says whose row it is).

    The result is what ``parse_status_rows`` gives table by table, concatenated. Any table in which the
    combined checks find anything is parsed again on its own by ``parse_status_rows``, whose problems
    (exact file, row, column, value and wording) are the ones reported: the checks here only find them.
    """
    stacked = stack_tables(slots, "status", _status_missing_columns, _STATUS_COLS)
    if stacked is None:
        return None
    todo, frame = stacked
    cumulative = [slot.table.cumulative for slot in todo]
    frame = frame.with_columns(
        word_map(frame.get_column("status"), status_word, pl.String).alias("_status"),
        word_map(frame.get_column("batch"), batch_number, pl.Int32).alias("_batch"),
        word_map(frame.get_column("kind"), kind_word, pl.String).alias("_kind"),
        by_value(frame.get_column("published"), date_expr).alias("_published"),
        word_map(frame.get_column("whole"), whole_word, pl.String).alias("_whole_word"),
        pl.col("_t").replace_strict(list(range(len(todo))), cumulative, return_dtype=pl.Boolean).alias("_cumulative"),
    ).with_columns(
        pl.when(pl.col("status").is_null()).then(pl.lit("created")).otherwise(pl.col("_status")).alias("_status"),
        whole_flag(pl.col("_whole_word")).alias("_whole"),
    )
    bad = (
        pl.any_horizontal(pl.col("district", "name", "published").is_null())
        | (pl.col("status").is_not_null() & pl.col("_status").is_null())
        | (pl.col("batch").is_not_null() & pl.col("_batch").is_null())
        # a cumulative list spans batches: a unit new in it may come without one
        | ((pl.col("_status") == "created") & pl.col("batch").is_null() & ~pl.col("_cumulative"))
        | (pl.col("published").is_not_null() & pl.col("_published").is_null())
        | (pl.col("_published") > today)
        | (pl.col("_published") < EARLIEST_DATE)
        | (pl.col("kind").is_not_null() & pl.col("_kind").is_null())
        | (pl.col("whole").is_not_null() & pl.col("_whole_word").is_null())
    )
    if frame.get_column("_whole").drop_nulls().n_unique() > 1:
        # one committee marked both whole and not whole in one table (a window over millions of rows: only when
        # the run holds both marks at all)
        marks = pl.col("_whole").drop_nulls().n_unique().over("_t", "district", "town", "committee")
        bad = bad | (pl.col("committee").is_not_null() & (marks > 1))
    # a unit listed twice in one table: identical rows are one listing; a different batch or date is a conflict
    flagged = set(frame.filter(bad.fill_null(False)).get_column("_t").unique().to_list())
    key = ["_t", *PLACE_COLS, "_status"]
    repeated = frame.select(pl.struct(key).is_duplicated()).to_series()
    if repeated.any():
        twice = frame.filter(repeated)
        conflict = pl.struct("_batch", "_published").n_unique().over(key) > 1
        flagged |= set(twice.filter(conflict).get_column("_t").unique().to_list())
        frame = frame.filter(pl.struct(key).is_first_distinct())
    frame = frame.filter(~pl.col("_t").is_in(list(flagged))).select(
        "_t",
        "_row",
        *PLACE_COLS,
        *(pl.col(f"_{c}").alias(c) for c in ("status", "batch", "published", "kind", "whole")),
    )

    def parse(t: int) -> pl.DataFrame | None:
        parsed, todo[t].problems = parse_status_rows(todo[t].table, today)
        return parsed.drop("counts_rounds", "_name_header") if parsed is not None else None

    frame = with_rechecked(frame, flagged, parse)
    tables = pl.DataFrame(
        [
            pl.Series("_t", range(len(todo)), pl.Int32),
            pl.Series("counts_rounds", [slot.table.counts_rounds for slot in todo], pl.Boolean),
            pl.Series("cumulative", cumulative, pl.Boolean),
            pl.Series("_name_header", [slot.table.headers["name"] for slot in todo], pl.String),
            pl.Series("source_file", [slot.file for slot in todo], pl.String),
        ]
    )
    frame = frame.join(tables, on="_t", how="left", maintain_order="left")
    counts = dict(frame.group_by("_t").len().iter_rows())
    for t, slot in enumerate(todo):
        if not slot.problems:
            slot.rows = counts.get(t, 0)
        slot.table.frame = slot.table.frame.clear()  # the cells as read are not needed any more
    keys = {t: [c for c in PLACE_COLS if c in slot.table.frame.columns] for t, slot in enumerate(todo)}
    return Statuses(frame, keys, {t: slot.file for t, slot in enumerate(todo)})


def parse_status_rows(table: Table, today: dt.date) -> tuple[pl.DataFrame | None, list[Problem]]:
    problems = _status_missing_columns(table)
    if problems:
        return None, problems
    frame = clean_places(table, table.frame)
    for col in ("status", "batch", "published", "kind", "whole"):
        if col in frame.columns:
            frame = frame.with_columns(clean_text(col))
    for col, what in (("district", "区"), ("name", "名称"), ("published", "公布日期")):
        problems += require(table, frame, col, what)
    # only a blank status means "created", and only a blank batch is a missing one: a cell holding an
    # unknown word is reported once, as unknown, not a second time as a created unit without a batch
    blank_status = frame.get_column("status").is_null() if "status" in frame.columns else None
    blank_batch = frame.get_column("batch").is_null() if "batch" in frame.columns else pl.repeat(True, frame.height)
    if "status" in frame.columns:
        frame, p = parse_status(table, frame)
        problems += p
        frame = frame.with_columns(
            pl.when(blank_status).then(pl.lit("created")).otherwise(pl.col("status")).alias("status")
        )
    else:
        frame = frame.with_columns(pl.lit("created").alias("status"))
    if "batch" in frame.columns:
        frame, p = parse_batch(table, frame)
        problems += p
    else:
        frame = frame.with_columns(pl.lit(None, pl.Int32).alias("batch"))
    # a cumulative list spans batches: a unit new in it may come without one
    no_batch = frame.filter((pl.col("status") == "created") & blank_batch & (not table.cumulative))
    problems += [
        Problem(
            table.label,
            "已创建的单位须有批次或轮次，表中、标题中都没有；导入时可用 --batch 指定 "
            "(a created unit needs its batch or round: give it with --batch)",
            row=r,
            column=table.headers.get("batch", "批次"),
        )
        for r in no_batch.get_column("_row").head(20)
    ]
    frame, p = parse_date(table, frame, "published", today)
    problems += p
    if "kind" in frame.columns:
        frame, p = parse_kind(table, frame)
        problems += p
    if "whole" in frame.columns:
        marks = frame.get_column("whole")
        frame, p = parse_whole(table, frame)
        problems += p + _whole_conflicts(table, frame.with_columns(marks.alias("_mark")))
    else:
        frame = frame.with_columns(pl.lit(None, pl.Boolean).alias("whole"))
    if problems:
        return None, problems
    keep = ["_row", *[c for c in PLACE_COLS if c in frame.columns], "status", "batch", "published"]
    if "kind" in frame.columns:
        keep.append("kind")
    keep.append("whole")
    frame = frame.select(keep).with_columns(
        pl.lit(table.counts_rounds).alias("counts_rounds"), pl.lit(table.headers["name"]).alias("_name_header")
    )
    # one unit listed twice: identical rows are one listing; different batch or date is a conflict
    key = [c for c in PLACE_COLS if c in frame.columns] + ["status"]
    conflicts = (
        frame.group_by(key, maintain_order=True)
        .agg(pl.col("_row"), pl.struct("batch", "published").n_unique().alias("variants"))
        .filter(pl.col("variants") > 1)
    )
    if conflicts.height:
        # the value shown is the unit's name, so the column named is the name column
        header = table.headers["name"]
        return None, [
            Problem(
                table.label,
                f"同一单位在本文件中出现多次且批次或日期不同，见第 "
                f"{'、'.join(map(str, rows))} 行 (one unit listed twice with conflicting "
                "batch or date)",
                row=rows[0],
                column=header,
                value=name,
            )
            for name, rows in conflicts.select("name", "_row").head(20).iter_rows()
        ]
    return frame.unique(subset=key, keep="first", maintain_order=True), []


def _whole_conflicts(table: Table, frame: pl.DataFrame) -> list[Problem]:
    """One committee or village marked both whole and not whole in one table: which is it? The problem points
    at its first row marked not whole (``_mark``: the cell as written)."""
    if "committee" not in frame.columns:
        return []
    place = [c for c in ("district", "town", "committee") if c in frame.columns]
    marked = frame.filter(pl.col("committee").is_not_null() & pl.col("whole").is_not_null())
    both = (
        marked.group_by(place, maintain_order=True)
        .agg(
            pl.col("_row").alias("rows"),
            pl.col("whole").n_unique().alias("marks"),
            pl.col("_row").filter(~pl.col("whole")).first().alias("no_row"),
            pl.col("_mark").filter(~pl.col("whole")).first().alias("no_mark"),
        )
        .filter(pl.col("marks") > 1)
    )
    return [
        Problem(
            table.label,
            f"「{committee}」在本文件中既标为整建制又标为非整建制，见第 {'、'.join(map(str, rows))} 行 "
            "(a committee or village marked both whole and not whole)",
            row=row,
            column=table.headers["whole"],
            value=mark,
        )
        for committee, rows, row, mark in both.select("committee", "rows", "no_row", "no_mark").head(20).iter_rows()
    ]
