"""Turn text cells into clean values, column by column, and say which cells could not be.

Each ``parse_*`` takes a table's frame and a column, returns the frame with the parsed column and the
problems found (file, row, header, value). Work is done once per distinct value or as a Polars
expression, never per row in Python: files can have millions of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from campaign.intake.problems import Problem
from campaign.intake.reader import Table
from campaign.intake.vocabulary import (
    CN_DATE_STEPS,
    GRID_LEVEL_WORDS,
    SERVICE_WORDS,
    WHOLE_NOT_STATED,
    WHOLE_WORDS,
    batch_number,
    fold,
)
from campaign.intake.vocabulary import words as campaign_words  # the active campaign's (campaign.definition)
from campaign.text import short

MAX_PROBLEMS_PER_COLUMN = 20
EARLIEST_DATE = dt.date(2000, 1, 1)
# Excel's day numbers: day 1 is 1900-01-01 (and 1900-02-29, which never was, is day 60); 36526 is 2000-01-01
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = (36526, 73050)  # 2000-01-01 .. 2099-12-31
NAME_MAX_CHARS = 200  # a district, town, committee, unit or grid name longer than this is refused
NAME_COLUMNS = ("district", "town", "committee", "name", "grid", "parent_grid", "grid_path")
PATH_SEPARATOR = r"\s*[/／>＞→|｜\\]\s*"  # between the grids of a grid path (星火村总网格/第1子网格)


def clean_text(col: str) -> pl.Expr:
    """Full-width -> half-width, no stray spaces (none at all between Chinese characters)."""
    return clean_expr(pl.col(col)).alias(col)


def by_value(values: pl.Series, expr: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """``expr`` of each distinct value of ``values``, worked out once per value (null stays null).

    Place names, words and dates repeat down a column: cleaning the distinct values and mapping them back
    is many times faster than running the regular expressions over every row."""
    distinct = values.drop_nulls().unique()
    done = pl.DataFrame({"v": distinct}).select(expr(pl.col("v"))).to_series()
    if done.dtype == values.dtype and done.null_count() == 0 and (done == distinct).all():
        return values  # every value is as it should be already (a clean column): nothing to replace
    return values.replace_strict(distinct, done, default=None, return_dtype=done.dtype).alias(values.name)


def clean_expr(e: pl.Expr) -> pl.Expr:
    """``clean_text`` of any expression."""
    e = e.str.normalize("NFKC").str.strip_chars()
    e = e.str.replace_all(r"\s+", " ")
    for _ in range(2):  # two passes: a regex cannot overlap its own matches
        e = e.str.replace_all(r"(\p{Han}) (\p{Han})", "${1}${2}")
    # nor between a Chinese character and a bracket or digit: a cell wrapped in Excel (甲苑⏎(一期)) is 甲苑(一期)
    e = e.str.replace_all(r"(\p{Han}) ([()\[\]0-9#])", "${1}${2}").str.replace_all(
        r"([()\[\]0-9#]) (\p{Han})", "${1}${2}"
    )
    return pl.when(e == "").then(None).otherwise(e)


def _cell_problems(table: Table, bad: pl.DataFrame, col: str, why: str) -> list[Problem]:
    """Problems for the rows of ``bad`` (with _row and the raw column)."""
    header = table.headers.get(col, col)
    out = [
        Problem(table.label, why, row=r, column=header, value=v)
        for r, v in bad.select("_row", col).head(MAX_PROBLEMS_PER_COLUMN).iter_rows()
    ]
    if bad.height > MAX_PROBLEMS_PER_COLUMN:
        out.append(
            Problem(
                table.label,
                f"同类问题另有 {bad.height - MAX_PROBLEMS_PER_COLUMN} 处 "
                f"({bad.height - MAX_PROBLEMS_PER_COLUMN} more like this)",
                column=header,
            )
        )
    return out


def long_names(table: Table) -> list[Problem]:
    """Names over NAME_MAX_CHARS characters once cleaned (in a grid path: any of its grids), with file, row and
    column: no real place has one, and every page and the screen would have to cut it.

    Only cells longer than a quarter of the limit as read are cleaned and measured (cleaning seldom lengthens a
    name, and then by little): for the usual file the check is one length per cell."""
    problems: list[Problem] = []
    for col in (c for c in NAME_COLUMNS if c in table.frame.columns):
        suspect = table.frame.select("_row", col).filter(pl.col(col).str.len_chars() > NAME_MAX_CHARS // 4)
        if suspect.is_empty():
            continue
        cleaned = clean_expr(pl.col(col))
        if col == "grid_path":
            parts = cleaned.str.replace_all(PATH_SEPARATOR, "/").str.split("/")
            chars = parts.list.eval(pl.element().str.len_chars()).list.max()
        else:
            chars = cleaned.str.len_chars()
        bad = suspect.with_columns(chars.alias("_chars")).filter(pl.col("_chars") > NAME_MAX_CHARS)
        header = table.headers.get(col, col)
        problems += [
            Problem(
                table.label,
                f"名称过长：{n} 个字符，最多 {NAME_MAX_CHARS} 个 "
                f"(name too long: {n} characters, at most {NAME_MAX_CHARS})",
                row=r,
                column=header,
                value=short(v, 40),
            )
            for r, v, n in bad.head(MAX_PROBLEMS_PER_COLUMN).iter_rows()
        ]
        if bad.height > MAX_PROBLEMS_PER_COLUMN:
            more = bad.height - MAX_PROBLEMS_PER_COLUMN
            problems.append(Problem(table.label, f"同类问题另有 {more} 处 ({more} more like this)", column=header))
    return problems


def _map_words(
    table: Table, frame: pl.DataFrame, col: str, mapper: Callable[[str], object], dtype: pl.DataType, why: str
) -> tuple[pl.DataFrame, list[Problem]]:
    """Map each distinct value once; values the mapper returns None for (and are not blank) are problems."""
    raw = frame.get_column(col)
    parsed = word_map(raw, mapper, dtype)
    bad = frame.filter(raw.is_not_null() & parsed.is_null())
    return frame.with_columns(parsed.alias(col)), _cell_problems(table, bad, col, why)


def require(table: Table, frame: pl.DataFrame, col: str, what: str) -> list[Problem]:
    """Blank cells where a value is required."""
    bad = frame.filter(pl.col(col).is_null()).with_columns(pl.lit("").alias(col))
    return _cell_problems(table, bad, col, f"缺少{what} (missing {col})")


def kind_word(v: str) -> str | None:
    """A unit kind as written -> its canonical kind, None when unknown."""
    return campaign_words().kind_words.get(fold(v))


def target_kind_word(v: str) -> str | None:
    """A target's kind: a blank or 村居 kind means "every kind of this district": the marker "*"."""
    key, known = fold(v), campaign_words().target_kind_words
    if key in known:
        return known[key] or "*"
    return None


def status_word(v: str) -> str | None:
    """A status word as written -> its canonical status, None when unknown."""
    return campaign_words().status_words.get(fold(v))


def whole_word(v: str) -> str | None:
    """A 整建制 cell -> "yes", "no", "" (a placeholder: not stated), None when it is no such word."""
    key = fold(v)
    if key in WHOLE_NOT_STATED:
        return ""
    found = WHOLE_WORDS.get(key)
    return None if found is None else ("yes" if found else "no")


def whole_flag(words: pl.Expr) -> pl.Expr:
    """``whole_word``'s result -> true, false, null (not stated or unknown)."""
    return pl.when(words == "yes").then(True).when(words == "no").then(False).otherwise(None)


def word_map(values: pl.Series, mapper: Callable[[str], object], dtype: pl.DataType) -> pl.Series:
    """``values`` mapped by ``mapper``, each distinct value once (unknown and blank -> null)."""
    mapping = {v: mapper(v) for v in values.drop_nulls().unique().to_list()}
    return values.replace_strict(mapping, default=None, return_dtype=dtype)


def parse_kind(table: Table, frame: pl.DataFrame, *, targets: bool = False) -> tuple[pl.DataFrame, list[Problem]]:
    words = campaign_words().target_kind_words if targets else campaign_words().kind_words
    allowed = "、".join(k for k in words if k)
    frame, problems = _map_words(
        table,
        frame,
        "kind",
        target_kind_word if targets else kind_word,
        pl.String,
        f"无法识别的类型，应为 {allowed} 之一 (unknown unit kind)",
    )
    if targets:
        frame = frame.with_columns(pl.col("kind").replace("*", None))
    return frame, problems


def _words_parser(col: str, words: dict[str, str], what: str, english: str):
    """A parser of a column of words from a fixed vocabulary, refusing any other word with the allowed ones."""
    allowed = "、".join(k for k in words if not k.isascii())

    def parse(table: Table, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
        why = f"无法识别的{what}，应为 {allowed} 之一 (unknown {english})"
        return _map_words(table, frame, col, lambda v: words.get(fold(v)), pl.String, why)

    return parse


def parse_status(table: Table, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    return _words_parser("status", campaign_words().status_words, "状态", "status word")(table, frame)


parse_grid_level = _words_parser("grid_level", GRID_LEVEL_WORDS, "网格层级", "grid level")
parse_service_kind = _words_parser("service_kind", SERVICE_WORDS, "服务类型", "kind of service")


def parse_whole(table: Table, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """The 整建制 mark: 是 Y √ 1 整居 整村 ... -> true; 否 N × 0 ... -> false; blank, / or - -> null."""
    frame, problems = _map_words(
        table,
        frame,
        "whole",
        whole_word,
        pl.String,
        "无法识别的整建制标记，应为 是、√、Y、1、整居、整村（是）或 否、×、N、0（否），不适用可留空 "
        "(not a whole-committee mark: yes, no, or blank)",
    )
    return frame.with_columns(whole_flag(pl.col("whole")).alias("whole")), problems


def parse_batch(table: Table, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    return _map_words(
        table,
        frame,
        "batch",
        batch_number,
        pl.Int32,
        "批次应为数字或「第一批」「第2批」「第二轮」等 (not a batch or round number)",
    )


def parse_count(table: Table, frame: pl.DataFrame, *cols: str) -> tuple[pl.DataFrame, list[Problem]]:
    """Households, population, a target: a whole number >= 0; '1,234' and Excel's '1234.0' are fine."""
    problems: list[Problem] = []
    for col in cols:
        text = pl.col(col).str.replace_all(",", "").str.replace(r"\.0+$", "")
        frame = frame.with_columns(text.cast(pl.Int64, strict=False).alias("_parsed"))
        bad = frame.filter(pl.col(col).is_not_null() & (pl.col("_parsed").is_null() | (pl.col("_parsed") < 0)))
        problems += _cell_problems(table, bad, col, "应为不小于 0 的整数 (must be a whole number, 0 or more)")
        frame = frame.with_columns(pl.col("_parsed").alias(col)).drop("_parsed")
    return frame, problems


_DATE_RE = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"


def date_expr(raw: pl.Expr) -> pl.Expr:
    """Date text (see ``parse_date``) -> date; null where it is not one."""
    raw = _arabic_days(raw)
    compact = raw.str.extract_groups(r"^(\d{4})(\d{2})(\d{2})$")
    parts = raw.str.extract_groups(_DATE_RE)
    # 5月9日 with no year, as in titles: the campaign's year
    month_day = raw.str.extract_groups(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
    y = pl.coalesce(
        parts.struct.field("1"),
        compact.struct.field("1"),
        pl.when(month_day.struct.field("1").is_not_null()).then(pl.lit(str(campaign_words().year))),
    )
    m = pl.coalesce(parts.struct.field("2"), compact.struct.field("2"), month_day.struct.field("1")).str.zfill(2)
    d = pl.coalesce(parts.struct.field("3"), compact.struct.field("3"), month_day.struct.field("2")).str.zfill(2)
    iso = pl.concat_str([y, m, d], separator="-")
    return iso.str.to_date("%Y-%m-%d", strict=False)


def _arabic_days(raw: pl.Expr) -> pl.Expr:
    """二〇二二年五月九日 -> 2022年5月9日 (vocabulary.CN_DATE_STEPS); any other text as it is."""
    digits = raw
    for pattern, repl in CN_DATE_STEPS:
        digits = digits.str.replace_all(pattern, repl)
    # a day in words is whole only with its 日 / 号 (一月一 is no day)
    return pl.when(raw.str.contains(r"^[〇零一二两三四五六七八九十]+[年月].*[日号]\s*$")).then(digits).otherwise(raw)


def parse_date(table: Table, frame: pl.DataFrame, col: str, today: dt.date) -> tuple[pl.DataFrame, list[Problem]]:
    """ISO, 2022/5/16, 2022.5.16, 2022年5月16日, 20220516, 5月16日 (the campaign's year), Excel date cells (read as
    text) -> date."""
    raw = pl.col(col)
    frame = frame.with_columns(date_expr(raw).alias("_parsed"))
    bad_form = frame.filter(raw.is_not_null() & pl.col("_parsed").is_null())
    # a day Excel shows as its serial number (44687) once the cell lost its date format: say which day it is, for
    # the official to set the format back (a number is never taken for a day unasked)
    serial = bad_form.get_column(col).str.strip_chars().str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
    is_serial = serial.is_between(EXCEL_SERIALS[0], EXCEL_SERIALS[1]).fill_null(False)
    # 5.9: a month and day with a dot and no year, as officials type them; Excel keeps 5.10 as the number 5.1, so
    # which day such a cell is cannot be told: refused, saying why
    dotted = bad_form.get_column(col).str.strip_chars().str.contains(r"^\d{1,2}\.\d{1,2}$").fill_null(False)
    problems = _cell_problems(
        table,
        bad_form.filter(~is_serial & ~dotted),
        col,
        "不是有效日期，请写成 2022-05-16、2022/5/16 或 2022年5月16日 (not a valid date)",
    )
    problems += _cell_problems(
        table,
        bad_form.filter(dotted),
        col,
        "没有年份，且 Excel 会把 5.10 存成数字 5.1，无法确定是哪一天：请写成 2022-05-16 或 5月16日 "
        "(a month.day with no year, which Excel may have turned into a number: 5.10 becomes 5.1; write 2022-05-16)",
    )
    for day, rows in (
        bad_form.filter(is_serial)
        .with_columns(serial.filter(is_serial).alias("_serial"))
        .group_by("_serial", maintain_order=True)
    ):
        shown = (EXCEL_EPOCH + dt.timedelta(days=int(day[0]))).isoformat()
        problems += _cell_problems(
            table,
            rows,
            col,
            f"是 Excel 的日期序号（即 {shown}），单元格失去了日期格式：请把该列设为日期格式，或写成 {shown} "
            f"(an Excel date serial, {shown}: format the column as dates, or write the day)",
        )
    future = frame.filter(pl.col("_parsed") > today)
    problems += _cell_problems(table, future, col, f"日期晚于今天 {today.isoformat()} (date in the future)")
    early = frame.filter(pl.col("_parsed") < EARLIEST_DATE)
    problems += _cell_problems(table, early, col, "日期早于 2000 年，不可能 (date before 2000)")
    return frame.with_columns(pl.col("_parsed").alias(col)).drop("_parsed"), problems


def parse_range(table: Table, frame: pl.DataFrame, col: str) -> tuple[pl.DataFrame, list[Problem]]:
    """'3-5', '3～5', '3至5' or '4' -> {col}_min, {col}_max (whole numbers, min <= max); blank -> nulls."""
    parts = pl.col(col).str.replace_all(r"\s", "").str.extract_groups(r"^(\d+)(?:(?:-|~|～|—|至|到)(\d+))?$")
    frame = frame.with_columns(
        parts.struct.field("1").cast(pl.Int32, strict=False).alias(f"{col}_min"),
        parts.struct.field("2").cast(pl.Int32, strict=False).alias(f"{col}_max"),
    ).with_columns(pl.coalesce(f"{col}_max", f"{col}_min").alias(f"{col}_max"))
    bad = frame.filter(
        pl.col(col).is_not_null() & (pl.col(f"{col}_min").is_null() | (pl.col(f"{col}_min") > pl.col(f"{col}_max")))
    )
    problems = _cell_problems(
        table, bad, col, "应为整数或范围，如 4 或 3-5 (must be a whole number or a range such as 3-5)"
    )
    return frame, problems
