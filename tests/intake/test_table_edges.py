"""What towns put around their tables: 合计 / 小计 rows, notes under the table, a batch list carrying 户数.

Found by trying files of a district no test knew (闵行区): a roster's 合计 row and a list's 注：… line were refused
as units with no name, and a batch list with a 户数 column was read as a roster, updating households instead of
creating its units, with no word to anyone.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.answers import queries
from campaign.intake.ingest import ingest
from campaign.intake.problems import IngestRefused
from campaign.intake.reader import read_tables
from campaign.snapshot import store

TODAY = dt.date(2026, 12, 3)
ROSTER = [
    ("七宝镇", "联明居委会", "万科城市花园（一期）", 820, 2100),
    ("七宝镇", "联明居委会", "万科城市花园（二期）", 640, 1500),
    ("七宝镇", "号文居委会", "号文小区", 300, 700),
    ("古美路街道", "古美一居委", "古美一村", 500, 1100),
    ("古美路街道", "古美一居委", "古美二村", 450, 980),
    ("古美路街道", "平阳三居委", "平阳三村", 700, 1500),
]


def write_csv(path: Path, lines: list[list[object]], encoding: str = "gb18030") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(lines)
    return path


def roster_with_totals(folder: Path) -> Path:
    return write_csv(
        folder / "闵行区_小区名册.csv",
        [
            ["闵行区居民小区基本情况表"],
            ["序号", "街镇", "居委会", "小区名称", "户数（户）", "常住人口（人）"],
            *[[k, *row] for k, row in enumerate(ROSTER, 1)],
            ["合计", "", "", "", sum(r[3] for r in ROSTER), sum(r[4] for r in ROSTER)],
        ],
    )


def first_batch_with_notes(folder: Path) -> Path:
    return write_csv(
        folder / "闵行区第一批无疫小区名单.csv",
        [
            ["闵行区第一批“无疫小区”名单"],
            ["（2022年4月29日公布）"],
            ["序号", "街镇", "居委", "小区名称"],
            [1, "七宝镇", "联明居委会", "万科城市花园(一期)"],
            [2, "古美路街道", "古美一居委", "古美一村"],
            [],
            ["注：以上排名不分先后"],
            ["共2个小区"],
            ["填报人：王某", "联系电话：021-12345678"],
        ],
    )


def third_batch_xlsx(folder: Path) -> Path:
    """A batch list with 户数 for the record, 小计 per town, a 合计 and a merged note: the title says batch and day."""
    path = folder / "闵行区_名单.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("第三批")
    ws.merge_range(0, 0, 0, 5, "闵行区第三批无疫小区名单（2022年5月16日）")
    ws.write_row(1, 0, ["序号", "街镇", "居委", "小区名称", "户数", "备注"])
    ws.write_row(2, 0, [1, "七宝镇", "号文居委会", "号文小区", 300, ""])
    ws.write_row(3, 0, ["小计", "七宝镇", "", "", 300, ""])
    ws.write_row(4, 0, [2, "古美路街道", "平阳三居委", "平阳三村", 700, ""])
    ws.write_row(5, 0, ["小计", "古美路街道", "", "", 700, ""])
    ws.write_row(6, 0, ["合计", "", "", "", 1000, ""])
    ws.merge_range(8, 0, 8, 5, "注：1. 名单按街镇排序；2. 本名单经区防控办审核。")
    book.close()
    return path


@pytest.fixture
def loaded(tmp_path):
    db = tmp_path / "campaign.duckdb"
    files = [roster_with_totals(tmp_path), first_batch_with_notes(tmp_path), third_batch_xlsx(tmp_path)]
    report = ingest(files, db, who="test", today=TODAY)
    return db, report


def test_totals_rows_and_notes_are_not_units_and_the_report_names_them(loaded) -> None:
    db, report = loaded
    by_file = {f.name: f for f in report.files}
    roster = by_file["闵行区_小区名册.csv"]
    assert (roster.role, roster.rows) == ("roster", 6)
    assert "第9行「合计」" in roster.note
    first = by_file["闵行区第一批无疫小区名单.csv"]
    assert (first.role, first.rows) == ("status", 2)
    for said in ("第7行「注：以上排名不分先后」", "第8行「共2个小区」", "第9行「填报人：王某」"):
        assert said in first.note
    with store.read_only(db) as con:
        units = con.sql("SELECT count(*) AS n, sum(households) AS h FROM units").pl()
    assert units.row(0) == (6, sum(r[3] for r in ROSTER))  # the 合计 row is neither a unit nor households


def test_a_batch_list_carrying_households_creates_its_units(loaded) -> None:
    db, report = loaded
    third = next(f for f in report.files if f.name == "闵行区_名单.xlsx")
    assert third.role == "status" and third.rows == 2
    assert (
        "第4行「小计」" in third.note
        and "第7行「合计」" in third.note
        and "第9行「注：1. 名单按街镇排序；2.…」" in third.note
    )
    summary = queries.run("coverage_by_district", db=db, as_of=dt.date(2022, 5, 16), district="闵行区")
    assert summary.select("total", "created").row(0) == (6, 4)
    batches = queries.run("units", db=db, as_of=dt.date(2022, 5, 16), district="闵行区")
    assert sorted(batches.filter(batches["batch"] == 3)["name"].to_list()) == ["号文小区", "平阳三村"]


def test_a_roster_named_so_stays_a_roster_and_a_dated_list_with_households_asks_for_its_batch(tmp_path) -> None:
    db = tmp_path / "campaign.duckdb"
    roster = write_csv(
        tmp_path / "闵行区小区名册（2022年5月1日）.csv",
        [["街镇", "居委", "小区名称", "户数"], *[[*row[:4]] for row in ROSTER]],
    )
    report = ingest([roster], db, who="test", today=TODAY)
    assert [f.role for f in report.files] == ["roster"]
    dated = write_csv(
        tmp_path / "list.csv",
        [
            ["闵行区无疫小区名单（2022年5月20日）"],
            ["街镇", "居委", "小区名称", "户数"],
            ["七宝镇", "号文居委会", "号文小区", 300],
        ],
    )
    with pytest.raises(IngestRefused) as refused:
        ingest([dated], db, who="test", today=TODAY, dry_run=True)
    assert any("须有批次或轮次" in p.message and p.row == 3 for p in refused.value.problems), refused.value


def test_what_only_looks_unfinished_is_still_refused_and_names_stay_names(tmp_path) -> None:
    db = tmp_path / "campaign.duckdb"
    ingest([roster_with_totals(tmp_path)], db, who="test", today=TODAY)
    # a last row with only its town is a unit with its name missing, not a note
    half = write_csv(
        tmp_path / "闵行区_第2批.csv",
        [
            ["街镇", "居委", "小区名称", "公布日期"],
            ["七宝镇", "号文居委会", "号文小区", "2022-05-09"],
            ["七宝镇", "", "", ""],
        ],
    )
    with pytest.raises(IngestRefused) as refused:
        ingest([half], db, who="test", today=TODAY, dry_run=True)
    assert any(p.row == 3 and "缺少名称" in p.message for p in refused.value.problems), refused.value
    # a one-column list: 共康小区 is a name (共 followed by no count), the note under it is not
    names = write_csv(
        tmp_path / "names.csv",
        [["闵行区第二批无疫小区名单（2022年5月9日）"], ["小区名称"], ["号文小区"], ["共康小区"], ["合计：2个"]],
        encoding="utf-8",
    )
    tables, problems = read_tables(names)
    assert not problems
    assert tables[0].frame["name"].to_list() == ["号文小区", "共康小区"]
    assert tables[0].skipped == ["第5行「合计：2个」"]


FOOTERS = st.lists(
    st.sampled_from(
        [
            ["合计"],
            ["", "小计"],
            ["注：以上排名不分先后"],
            ["备注：名单按街镇排序"],
            ["填报人：王某", "联系电话：021-12345678"],
            ["共12个小区"],
            ["以上名单已经区防控办审核"],
            ["制表日期：2022年5月9日"],
            ["Note: names in order of towns"],
        ]
    ),
    max_size=4,
)
TOWNS = st.sampled_from(["七宝镇", "古美路街道", "莘庄镇", "江川路街道"])
NAMES = st.text(alphabet="东西南北安宁和平康泰嘉兴瑞丰青云金银玉华光明共注附以", min_size=2, max_size=6).map(
    lambda s: s + "苑"
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(TOWNS, NAMES), min_size=1, max_size=8),
    footers=FOOTERS,
    totals_at=st.lists(st.integers(0, 8), max_size=2),
)
def test_totals_and_notes_around_any_table_leave_its_records_as_they_are(tmp_path_factory, rows, footers, totals_at):
    """Whatever rows a list has, 合计 / 小计 rows among them and notes under them change none of its records."""
    folder = tmp_path_factory.mktemp("edges")
    body = [[town, name] for town, name in rows]
    plain = write_csv(folder / "plain.csv", [["街镇", "小区名称"], *body], encoding="utf-8")
    with_totals = list(body)
    for k in sorted(totals_at, reverse=True):
        with_totals.insert(min(k, len(with_totals)), ["小计", ""])
    around = write_csv(folder / "around.csv", [["街镇", "小区名称"], *with_totals, *footers], encoding="utf-8")
    (clean,), _ = read_tables(plain)
    (read,), problems = read_tables(around)
    assert not problems
    assert read.frame.drop("_row").to_dicts() == clean.frame.drop("_row").to_dicts()
    assert len(read.skipped) == len(totals_at) + len(footers)


def two_row_header_xlsx(folder: Path) -> Path:
    """基本情况 merged over 户数 and 人口, the other headers merged down over both rows, as Excel reports are made."""
    path = folder / "闵行区_第二批.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet()
    ws.merge_range(0, 0, 0, 6, "闵行区第二批无疫小区名单")
    for col, word in enumerate(["序号", "街镇", "居委", "小区名称"]):
        ws.merge_range(1, col, 2, col, word)
    ws.merge_range(1, 4, 1, 5, "基本情况")
    ws.write_row(2, 4, ["户数", "人口"])
    ws.merge_range(1, 6, 2, 6, "公布日期")
    ws.write_row(3, 0, [1, "七宝镇", "号文居委会", "号文小区", 300, 700, "5月9日"])
    book.close()
    return path


def test_a_header_of_two_rows_is_one_header_and_a_day_without_its_year_is_the_campaigns(tmp_path) -> None:
    (table,), problems = read_tables(two_row_header_xlsx(tmp_path))
    assert not problems
    assert table.headers == {
        "town": "街镇",
        "committee": "居委",
        "name": "小区名称",
        "households": "户数",
        "population": "人口",
        "published": "公布日期",
    }
    assert table.frame.select("name", "households", "_row").rows() == [("号文小区", "300", 4)]
    csv_path = write_csv(
        tmp_path / "two.csv",
        [
            ["序号", "街镇", "小区名称", "基本情况", ""],
            ["", "", "", "户数", "人口"],
            ["1", "七宝镇", "号文小区", "300", "700"],
        ],
        encoding="utf-8",
    )
    (table,), _ = read_tables(csv_path)
    assert table.frame.select("name", "households", "population", "_row").rows() == [("号文小区", "300", "700", 3)]
    # a row under the header that holds data is data, even beside blank cells
    data_below = write_csv(
        tmp_path / "one.csv",
        [["街镇", "小区名称", "户数"], ["", "号文小区", ""], ["七宝镇", "甲苑", "3"]],
        encoding="utf-8",
    )
    (table,), _ = read_tables(data_below)
    assert table.frame["name"].to_list() == ["号文小区", "甲苑"]
    db = tmp_path / "campaign.duckdb"
    report = ingest([roster_with_totals(tmp_path), two_row_header_xlsx(tmp_path)], db, who="test", today=TODAY)
    assert [f.role for f in report.files] == ["roster", "status"]
    created = queries.run("units", db=db, district="闵行区", status="created")
    assert created.select("name", "batch", "status_date").rows() == [("号文小区", 2, dt.date(2022, 5, 9))]


def test_a_day_shown_as_its_excel_serial_number_is_refused_saying_which_day(tmp_path) -> None:
    path = tmp_path / "闵行区第2批.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("名单")
    ws.write_row(0, 0, ["区", "街镇", "居委", "小区名称", "批次", "公布日期"])
    ws.write_row(1, 0, ["闵行区", "七宝镇", "一居委", "甲苑", "第2批"])
    ws.write_number(1, 5, 44690)  # a date cell whose format was lost: Excel shows 44690
    ws.write_row(2, 0, ["闵行区", "七宝镇", "一居委", "乙苑", "第2批", "99"])  # no day at all
    book.close()
    with pytest.raises(IngestRefused) as refused:
        ingest([path], tmp_path / "campaign.duckdb", who="test", today=TODAY, dry_run=True)
    serial, other = sorted(refused.value.problems, key=lambda p: p.row)
    assert (serial.row, serial.column, serial.value) == (2, "公布日期", "44690")
    assert "Excel 的日期序号（即 2022-05-09）" in serial.message
    assert other.row == 3 and "不是有效日期" in other.message and "序号" not in other.message
