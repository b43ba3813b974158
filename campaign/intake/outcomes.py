"""What a list's cells say about it beyond their columns.

Its status, as towns write it when they write no 状态 column: a yes/no or pass/fail column (是否创建成功 否, 创建结果
未通过), or a status word in the 备注 column (已撤销, 摘牌, 示范). Read otherwise, a 否 row is counted created and a
备注 saying 已撤销 is ignored: the unit is counted created and nobody is told. So a row whose outcome says no is left
out of the list and named in the report, a 是 / 通过 row is a creation, and a 备注 holding a status word is the row's
status (a 备注 that only mentions one, 已于5月15日撤销, is refused as an unknown status word, naming its cell, rather
than guessed; so is a 备注 saying 已撤销 beside a 状态 saying created). A 批次 column of 第二轮 cells counts rounds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import polars as pl

from campaign.definition import fold
from campaign.intake.infer import is_roster_shaped
from campaign.intake.problems import Problem
from campaign.intake.reader import Table
from campaign.intake.vocabulary import STATUS_WORDS

_YES = ("是", "√", "✓", "✔", "y", "yes", "true", "成功", "合格", "已通过验收")
_NO = (
    "否",
    "×",
    "✗",
    "✘",
    "n",
    "no",
    "false",
    "未通过",
    "不通过",
    "验收未通过",
    "未验收通过",
    "未创建",
    "未成功",
    "创建失败",
    "失败",
    "不合格",
)
# 备注 headers whose cells may carry the status
_NOTE_HEADERS = ("备注", "说明", "情况说明", "备注说明", "remark", "remarks", "note", "notes")
# status words a 备注 cell may hold among other words (已于5月15日撤销): never read as created then
_MENTIONED = tuple(w for w, s in STATUS_WORDS.items() if s in ("revoked", "model") and len(w) > 1)
_SHOWN = 10  # rows named in the report; the rest are counted


def read_outcomes(table: Table) -> tuple[Table, list[Problem]]:
    """``table`` with its yes/no status read, or its 备注 column as its status (see the module's docstring); and a
    problem for each row whose 状态 says created while its 备注 says revoked or model (which is it?)."""
    table, mixed = _rounds_in_cells(table)
    if mixed:
        return table, mixed
    if "status" in table.headers:
        return _yes_no(table), _note_against_status(table)
    return _status_in_note(table), []


def _rounds_in_cells(table: Table) -> tuple[Table, list[Problem]]:
    """A batch column's cells decide what it counts: every cell saying 轮 (第二轮, 3轮; bare numbers beside them)
    counts rounds, as a 轮次 header would; read as batches, the pages would call round 2 batch 2. Rounds and batches
    are two counters a district keeps apart, so a column whose cells say both (第1批 and 第二轮), or a 轮次 column whose
    cells say 批, is refused naming each cell that goes against the rest: which counter is meant cannot be told."""
    if "batch" not in table.headers:
        return table, []
    frame = table.frame.select("_row", pl.col("batch").cast(pl.String))
    # 批次：1 repeats the column's label before the number (whatever the list counts): the number alone says which
    folded = _each(frame.get_column("batch"), _fold).str.replace(_LABEL, "")
    rounds = folded.str.contains("轮|round").fill_null(False)
    batches = folded.str.contains("批|batch").fill_null(False) & ~rounds
    header = table.headers["batch"]
    if batches.any() and (rounds.any() or table.counts_rounds):
        # name the cells going against the header (轮次) or, under 批次, those of the counter fewer cells say
        odd = batches if table.counts_rounds or batches.sum() < rounds.sum() else rounds
        said = "轮" if odd is rounds else "批"
        other = "批" if said == "轮" else "轮"
        bad = frame.filter(odd)
        why = (
            f"「{header}」列中既有「批」又有「轮」（本格为{said}，其他格或表头为{other}）：批次和轮次是两种不同的编号，"
            "不能混在一列；请统一写法，或把批和轮分成两个文件 "
            f"(the {header} column mixes batches 批 and rounds 轮: two different counters; write one kind, or send "
            "each kind in its own file)"
        )
        problems = [
            Problem(table.label, why, row=row, column=header, value=value) for row, value in bad.head(20).iter_rows()
        ]
        if bad.height > 20:
            more = bad.height - 20
            problems.append(Problem(table.label, f"同类问题另有 {more} 处 ({more} more like this)", column=header))
        return table, problems
    if table.counts_rounds or not rounds.any():
        return table, []
    said = f"轮次 — 来自「{header}」列中的「轮」 (rounds — the {header} cells say 轮)"
    return dataclasses.replace(table, counts_rounds=True, inferred=[*table.inferred, said]), []


_LABEL = r"^(?:批次|轮次|batch|round):"


def _note_column(table: Table) -> str | None:
    notes = [c for c in table.frame.columns if c.startswith("extra:") and _fold(c[6:]) in _NOTE_HEADERS]
    return notes[0] if len(notes) == 1 else None


def _says_status(folded: pl.Series) -> pl.Series:
    """Whether each folded 备注 cell is, or mentions, a status other than created."""
    return _each(
        folded, lambda v: STATUS_WORDS.get(v, "created") != "created" or any(w in v for w in _MENTIONED), pl.Boolean
    ).fill_null(False)


def _note_against_status(table: Table) -> list[Problem]:
    col = _note_column(table)
    if col is None:
        return []
    note = table.frame.get_column(col).cast(pl.String)
    status = _each(table.frame.get_column("status").cast(pl.String), _fold)
    created = status.is_null() | _each(status, lambda v: STATUS_WORDS.get(v) == "created" or v in _YES, pl.Boolean)
    odd = table.frame.filter(_says_status(_each(note, _fold)) & created.fill_null(False))
    return [
        Problem(
            table.label,
            f"「{table.headers['status']}」为创建，「{col[6:]}」却写着撤销或示范：是哪一个？请把撤销或示范单独列出 "
            f"(the status says created but the {col[6:]} says revoked or model: list that change on its own)",
            row=row,
            column=col[6:],
            value=value,
        )
        for row, value in odd.select("_row", col).head(20).iter_rows()
    ]


def _yes_no(table: Table) -> Table:
    frame = table.frame
    folded = _each(frame.get_column("status").cast(pl.String), _fold)
    no = folded.is_in(_NO).fill_null(False)
    yes = folded.is_in(_YES).fill_null(False)
    if not (no.any() or yes.any()):
        return table
    header = table.headers["status"]
    inferred = list(table.inferred)
    if no.any():
        left = frame.filter(no)
        names = left.get_column("name") if "name" in left.columns else pl.repeat("", left.height, eager=True)
        rows = left.get_column("_row").head(_SHOWN)
        shown = [f"第{r}行「{n or ''}」" for r, n in zip(rows, names.head(_SHOWN), strict=True)]
        more = f"等 {left.height} 行" if left.height > _SHOWN else ""
        inferred.append(
            f"「{header}」为否的 {left.height} 行未计为创建：{'、'.join(shown)}{more} "
            f"({left.height} rows whose {header} says no: not counted as created)"
        )
    # a no-row may hold the district or town merged over the rows below it: theirs once it is left out
    merged = [c for c in ("district", "town") if c in frame.columns and "name" in frame.columns]
    frame = frame.with_columns(
        pl.when(yes).then(pl.lit("创建")).otherwise(pl.col("status")).alias("status"),
        *[
            pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)).forward_fill().alias(c)
            for c in (merged if no.any() else [])
        ],
    ).filter(~no)
    return dataclasses.replace(table, frame=frame, inferred=inferred)


def _status_in_note(table: Table) -> Table:
    col = _note_column(table)
    # a roster's, a grid roster's or a services log's 备注 is about something else (a unit pulled down, a merger)
    if col is None or is_roster_shaped(table) or {"target", "grid", "grid_path", "service_kind"} & set(table.headers):
        return table
    folded = _each(table.frame.get_column(col).cast(pl.String), _fold)
    exact = _each(folded, lambda v: v if STATUS_WORDS.get(v, "created") != "created" else None)
    mentioned = _each(folded, lambda v: v if any(w in v for w in _MENTIONED) else None)
    if exact.is_null().all() and mentioned.is_null().all():
        return table
    # a status word is the row's status; a cell that only mentions one is kept as written, to be refused; any other
    # note (含商品房, 整建制) says nothing of the status
    said = exact.is_not_null() | mentioned.is_not_null()
    status = pl.when(pl.lit(said)).then(pl.col(col)).alias("status")
    header = col[6:]
    return dataclasses.replace(
        table,
        frame=table.frame.with_columns(status),
        headers={**table.headers, "status": header},
        extra=[e for e in table.extra if e != header],
        inferred=[
            *table.inferred,
            f"状态 — 来自「{header}」列（已撤销、摘牌、示范 等） (status — from the {header} column)",
        ],
    )


def _each(values: pl.Series, fn: Callable[[str], object], dtype: pl.DataType = pl.String) -> pl.Series:
    """``fn`` of each value (null stays null), called once a distinct value: a column holds few (是, 否, 第2轮) and a
    country's lists millions of rows."""
    distinct = values.drop_nulls().unique()
    mapped = pl.Series([fn(v) for v in distinct.to_list()], dtype=dtype)
    return values.replace_strict(distinct, mapped, default=None, return_dtype=dtype)


def _fold(value: str | None) -> str | None:
    return fold(value) if value is not None and value.strip() else None
