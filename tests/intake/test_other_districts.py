"""Shapes of files from districts no other test knows, read exactly or refused saying why (session 10's gaps).

A 批次 column mixing 批 and 轮 (two counters a district keeps apart), days written in Chinese numerals, a date in the
header row, 公布日期 beside 创建时间, a late list moving a unit's creation earlier, rows hidden in Excel. The files
as towns send them are cases in tests/corpus/ (other_districts_* in make_corpus.py); here the rules behind them,
over many generated cells where the rule is a parser's.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import polars as pl
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.intake.ingest import ingest
from campaign.intake.normalise import date_expr
from campaign.intake.outcomes import read_outcomes
from campaign.intake.reader import read_tables
from campaign.intake.title import parse_title

EXAMPLES = int(os.environ.get("CAMPAIGN_HYPOTHESIS_EXAMPLES", "200"))
TODAY = dt.date(2022, 5, 23)
CN = "〇一二三四五六七八九"


def chinese(n: int) -> str:
    tens, ones = divmod(n, 10)
    return ("" if tens < 2 else CN[tens]) + ("十" if tens else "") + (CN[ones] if ones else "")


def chinese_day(day: dt.date, *, year: bool = True) -> str:
    head = "".join(CN[int(c)] for c in str(day.year)) + "年" if year else ""
    return f"{head}{chinese(day.month)}月{chinese(day.day)}日"


def table_of(text: str, name: str = "名单.csv"):
    tables, problems = read_tables(Path(name), name, data=text.encode("utf-8"))
    assert not problems, problems
    (table,) = tables
    return table


# --------------------------------------------------------------------------- batches and rounds ---
# how a cell says batch n (批) or round n (轮), or neither (a bare number)
def batch_cell(kind: str, n: int) -> st.SearchStrategy[str]:
    if kind == "bare":  # 批次：3 repeats the column's label: it says no counter
        return st.sampled_from([str(n), f"{n}.0", f"批次：{n}", f"轮次:{n}"])
    word = "批" if kind == "batch" else "轮"
    forms = [f"第{n}{word}", f"{n}{word}", f"第{chinese(n)}{word}", f"第{n}{word}次", f"第 {n} {word}"]
    if n == 1:
        forms.append(f"首{word}")
    return st.sampled_from(forms)


@st.composite
def batch_columns(draw) -> tuple[str, list[tuple[str, str]]]:
    header = draw(st.sampled_from(["批次", "创建批次", "轮次", "创建轮次"]))
    kinds = draw(st.lists(st.sampled_from(["batch", "round", "bare"]), min_size=1, max_size=30))
    cells = [(kind, draw(batch_cell(kind, draw(st.integers(1, 12))))) for kind in kinds]
    return header, cells


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch_columns())
def test_a_batch_column_is_batches_or_rounds_never_both(column):
    """Cells saying 批 and 轮 in one column (or 批 under 轮次) are refused, naming exactly the cells that go against
    the rest (the header's counter, else the counter more cells say: 批 on a tie, as 批次 says); otherwise a column
    with a 轮 cell or a 轮次 header counts rounds, and any other batches."""
    header, cells = column
    rows = "".join(f"宝山区,友谊路街道,一居委,{k}号苑,{cell},2022-05-09\n" for k, (_, cell) in enumerate(cells))
    table, problems = read_outcomes(table_of(f"区,街镇,居委,小区名称,{header},公布日期\n{rows}"))
    kinds = [kind for kind, _ in cells]
    batches, rounds = kinds.count("batch"), kinds.count("round")
    header_rounds = "轮" in header
    if batches and (rounds or header_rounds):
        odd = "batch" if header_rounds or batches < rounds else "round"
        wanted = [(k + 2, cell) for k, (kind, cell) in enumerate(cells) if kind == odd]
        named = [(p.row, p.value) for p in problems if p.row is not None]
        assert named == wanted[:20]
        assert all(p.column == header and "既有「批」又有「轮」" in p.message for p in problems)
        assert len(problems) == min(len(wanted), 20) + (len(wanted) > 20)
    else:
        assert problems == []
        assert table.counts_rounds == (header_rounds or rounds > 0)


def test_mixed_column_refuses_the_whole_run(tmp_path):
    listed = tmp_path / "宝山区名单.csv"
    listed.write_text(
        "区,街镇,居委,小区名称,批次,公布日期\n宝山区,友谊路街道,一居委,丁苑,第1批,2022-5-9\n"
        "宝山区,友谊路街道,一居委,戊苑,第二轮,2022-5-9\n",
        encoding="utf-8",
    )
    db = tmp_path / "c.duckdb"
    try:
        ingest([listed], db, today=TODAY)
    except Exception as refused:  # noqa: BLE001 - IngestRefused, whose problems are checked
        (problem,) = refused.problems
        assert (problem.file, problem.row, problem.column, problem.value) == ("宝山区名单.csv", 3, "批次", "第二轮")
    else:
        raise AssertionError("a column of 批 and 轮 was loaded")
    assert not db.exists()


# -------------------------------------------------------------------------------------- days ---
days = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))


@settings(max_examples=EXAMPLES, deadline=None)
@given(days, st.sampled_from(["（{}公布）", "{}", "（截至{}）"]))
def test_a_title_dated_in_chinese_numerals_gives_its_day(day, framing):
    title = "徐汇区第三批无疫小区名单" + framing.format(chinese_day(day))
    assert parse_title(title).published == day
    assert parse_title(title).batch == 3


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(days, min_size=1, max_size=20))
def test_date_cells_in_chinese_numerals_are_their_days(listed):
    """Each cell as a notice writes it (二〇二二年五月九日), or with no year (五月九日: the campaign's, 2022)."""
    cells = [chinese_day(d) for d in listed] + [chinese_day(d, year=False) for d in listed]
    wanted = listed + [_in_2022(d) for d in listed]
    read = pl.DataFrame({"d": cells}).select(date_expr(pl.col("d"))).to_series().to_list()
    assert read == wanted


def _in_2022(day: dt.date) -> dt.date | None:
    try:
        return day.replace(year=2022)
    except ValueError:  # 二月二十九日 in 2022: no such day
        return None


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(alphabet="月日年号上中下旬第批初十一二三", max_size=8))
def test_words_that_are_no_day_stay_no_day(word):
    """Chinese-numeral text is read only when it is a whole day: 五月上旬, 月日, 十 are not days."""
    read = pl.DataFrame({"d": [word]}).select(date_expr(pl.col("d"))).item()
    if read is not None:
        assert word.endswith(("日", "号")) and "月" in word


def test_a_date_in_the_header_row_and_the_publication_column_are_said(tmp_path):
    dated = tmp_path / "闵行区第二批.csv"
    dated.write_text("街镇,居委,小区名称,2022年5月9日公布\n七宝镇,一居委,甲苑,\n", encoding="utf-8")
    both = tmp_path / "闵行区第一批.csv"
    both.write_text("街镇,居委,小区名称,批次,创建时间,公布日期\n七宝镇,一居委,乙苑,1,2022-05-01,2022-05-05\n")
    report = ingest([dated, both], tmp_path / "c.duckdb", today=TODAY, dry_run=True)
    notes = {f.name: f.note for f in report.files}
    assert "公布日期 2022-05-09" in notes["闵行区第二批.csv"]
    assert "取自「公布日期」列；「创建时间」列未作公布日期" in notes["闵行区第一批.csv"]


# ------------------------------------------------------------------------------- a late list ---
ROSTER = "区,街镇,居委,小区名称,户数\n" + "".join(f"闵行区,七宝镇,一居委,{n},10\n" for n in ("甲苑", "乙苑", "丙苑"))


def test_the_preview_names_each_unit_a_late_list_moves_earlier(tmp_path):
    db = tmp_path / "c.duckdb"
    (tmp_path / "名册.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "b3.csv").write_text(
        "区,街镇,居委,小区名称,批次,公布日期\n闵行区,七宝镇,一居委,甲苑,3,2022-05-14\n闵行区,七宝镇,一居委,乙苑,3,2022-05-14\n",
        encoding="utf-8",
    )
    ingest([tmp_path / "名册.csv", tmp_path / "b3.csv"], db, today=TODAY)
    late = tmp_path / "b2.csv"
    late.write_text(
        "区,街镇,居委,小区名称,批次,公布日期\n闵行区,七宝镇,一居委,甲苑,2,2022-05-09\n闵行区,七宝镇,一居委,丙苑,2,2022-05-09\n",
        encoding="utf-8",
    )
    report = ingest([late], db, today=TODAY, dry_run=True)
    by_row = {w.row: w for w in report.warnings}
    moved = by_row[2]
    assert moved.value == "甲苑：创建日 2022-05-14（第3批） 提前为 2022-05-09（第2批）"
    assert "原有的那次创建成为重复创建" in moved.message
    # the new unit's row is the late list's other news: a date before the district's last publication
    assert "早于该区已导入的最近一次公布" in by_row[3].message
    assert len(report.warnings) == 2
    # on the latest day one more unit is created (丙苑): what the report says is what the pages will show
    assert report.by_district == [
        {"district": "闵行区", "units_added": 0, "created": 1, "revoked": 0, "model": 0, "applied": 0}
    ]


def test_a_late_list_after_a_revocation_moves_nothing(tmp_path):
    """A creation before a revocation that came before the unit's creation on record: its own creation, no warning
    of a moved day."""
    db = tmp_path / "c.duckdb"
    (tmp_path / "名册.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "b3.csv").write_text(
        "区,街镇,居委,小区名称,批次,状态,公布日期\n闵行区,七宝镇,一居委,甲苑,,撤销,2022-05-10\n"
        "闵行区,七宝镇,一居委,甲苑,3,,2022-05-14\n",
        encoding="utf-8",
    )
    ingest([tmp_path / "名册.csv", tmp_path / "b3.csv"], db, today=TODAY)
    late = tmp_path / "b1.csv"
    late.write_text("区,街镇,居委,小区名称,批次,公布日期\n闵行区,七宝镇,一居委,甲苑,1,2022-05-05\n", encoding="utf-8")
    report = ingest([late], db, today=TODAY, dry_run=True)
    assert not any("提前为" in (w.value or "") for w in report.warnings)


# ------------------------------------------------------------------------- rows hidden in Excel ---
def test_rows_hidden_in_excel_are_read_and_said(tmp_path):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet("名单")
    ws.write_row(0, 0, ["区", "街道", "居委", "小区名称", "批次", "公布日期"])
    for r in range(1, 4):
        ws.write_row(r, 0, ["杨浦区", "五角场街道", "政立居委", f"{r}号楼", 1, "2022-05-09"])
    ws.set_row(2, None, None, {"hidden": True})
    book.close()
    path = tmp_path / "杨浦区.xlsx"
    path.write_bytes(buffer.getvalue())
    report = ingest([path], tmp_path / "c.duckdb", today=TODAY, dry_run=True)
    assert report.events_added == 3
    assert "第3行在 Excel 中是隐藏的" in report.files[0].note
