"""Ingest of town files built here, in code: what it accepts, what it refuses and says, all or nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import xlsxwriter
from conftest import TINY_FILES, write_tiny

from campaign import queries
from campaign.ingest import ingest
from campaign.problems import IngestRefused

D = dt.date
TODAY = D(2022, 5, 23)

# 甲区: two compounds called 甲苑, in different towns and committees, for the ambiguous-row case
ROSTER = (
    "区,街镇,居委/村,名称,类型,户数,人口\n"
    "甲区,A镇,一居委,甲苑,小区,100,250\n"
    "甲区,A镇,一居委,乙苑,小区,200,480\n"
    "甲区,A镇,二村,1组,村民小组,30,80\n"
    "甲区,B镇,三居委,甲苑,小区,300,700\n"
    "甲区,B镇,三居委,丙苑,小区,150,320\n"
)
LIST_HEADER = "区,街镇,居委/村,名称,批次,公布日期\n"
FIRST_LIST = LIST_HEADER + "甲区,A镇,一居委,甲苑,第一批,2022-05-05\n"
# a good file no run has loaded yet: paired with each bad file, it must not be loaded either
GOOD_LIST = LIST_HEADER + "甲区,B镇,三居委,丙苑,第2批,2022-05-09\n"
# good content in a file refused for its kind (bytes unlike GOOD_LIST's: a file seen before is skipped)
OTHER_LIST = LIST_HEADER + "甲区,A镇,一居委,乙苑,第2批,2022-05-09\n"


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding=encoding)
    return path


def write_xlsx(path: Path, sheets: dict[str, dict[int, list]]) -> Path:
    """sheets: name -> {0-based row index: cells}; rows not given stay empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for index, cells in rows.items():
            sheet.write_row(index, 0, cells)
    book.close()
    return path


def units(db: Path, **params) -> dict[str, dict]:
    return {(r["town"], r["name"]): r for r in queries.run("units", db=db, **params).to_dicts()}


def counts(db: Path) -> tuple:
    info = queries.run("snapshot_info", db=db).row(0, named=True)
    return info["units"], info["events"], info["files"]


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    """The roster and a first list, published."""
    folder = tmp_path_factory.mktemp("base")
    db = folder / "base.duckdb"
    ingest([write(folder, "roster.csv", ROSTER), write(folder, "list1.csv", FIRST_LIST)], db, today=TODAY)
    return db


@pytest.fixture
def db(base_db, tmp_path) -> Path:
    """A private copy of the base snapshot, to be changed or not by one test."""
    path = tmp_path / "db" / "campaign.duckdb"
    path.parent.mkdir()
    shutil.copyfile(base_db, path)
    return path


def test_base_snapshot(db):
    assert counts(db) == (5, 1, 2)
    rows = units(db)
    assert rows["A镇", "甲苑"]["status"] == "created"
    assert rows["B镇", "甲苑"]["status"] == "not_created"


# ------------------------------------------------------------------------------------ accepted ---
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(db, tmp_path, encoding):
    path = write(tmp_path, "list.csv", GOOD_LIST, encoding=encoding)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    report = ingest([path], db, today=TODAY)
    assert report.events_added == 1
    row = units(db)["B镇", "丙苑"]
    assert (row["status"], row["batch"], row["status_date"]) == ("created", 2, D(2022, 5, 9))


@pytest.mark.parametrize("name", ["list.tsv", "tabs.csv"])
def test_tab_separated(db, tmp_path, name):
    # a .tsv, and a .csv that is really tab-separated (Excel's "Unicode text")
    path = write(tmp_path, name, GOOD_LIST.replace(",", "\t"))
    ingest([path], db, today=TODAY)
    assert units(db)["B镇", "丙苑"]["batch"] == 2


def test_title_lines_above_the_header(db, tmp_path):
    text = "甲区第二批无疫小区名单\n（2022年5月9日公布）\n" + GOOD_LIST
    report = ingest([write(tmp_path, "list.csv", text)], db, today=TODAY)
    assert report.files[0].role == "status" and report.files[0].rows == 1
    assert units(db)["B镇", "丙苑"]["batch"] == 2


def test_xlsx_with_instruction_sheet_and_header_below_row_one(db, tmp_path):
    path = write_xlsx(
        tmp_path / "第2批.xlsx",
        {
            "填表说明": {0: ["请按名单页填写"], 1: ["日期写成 2022-05-16"]},
            "名单": {
                1: ["甲区第二批无疫小区名单"],
                3: ["区", "街镇", "居委/村", "名称", "批次", "公布日期"],
                4: ["甲区", "B镇", "三居委", "丙苑", "第2批", "2022/5/9"],
                5: ["甲区", "A镇", "一居委", "乙苑", 2, "2022-05-09"],  # a number cell for the batch
            },
        },
    )
    report = ingest([path], db, today=TODAY)
    assert report.events_added == 2
    rows = units(db)
    assert (rows["B镇", "丙苑"]["batch"], rows["A镇", "乙苑"]["batch"]) == (2, 2)
    source = queries.run("units", db=db, status="created", town="B镇")
    assert source.height == 1


def test_xlsx_date_cells(db, tmp_path):
    path = tmp_path / "dates.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("名单")
    sheet.write_row(0, 0, ["区", "街镇", "居委/村", "名称", "批次", "公布日期"])
    sheet.write_row(1, 0, ["甲区", "B镇", "三居委", "丙苑", "第2批"])
    sheet.write_datetime(1, 5, dt.datetime(2022, 5, 9), book.add_format({"num_format": "yyyy/m/d"}))
    book.close()
    ingest([path], db, today=TODAY)
    assert units(db)["B镇", "丙苑"]["status_date"] == D(2022, 5, 9)


def test_full_width_digits_and_stray_spaces(db, tmp_path):
    text = LIST_HEADER + " 甲区 , Ａ镇 ,一 居委, 乙苑 ,第２批,２０２２/5/9 \n"
    ingest([write(tmp_path, "list.csv", text)], db, today=TODAY)
    row = units(db)["A镇", "乙苑"]
    assert (row["committee"], row["status"], row["batch"], row["status_date"]) == (
        "一居委",
        "created",
        2,
        D(2022, 5, 9),
    )
    assert counts(db)[0] == 5  # matched to the roster unit, not a new one


@pytest.mark.parametrize("written", ["2022/5/16", "2022年5月16日", "2022-05-16", "2022.5.16"])
def test_date_spellings(db, tmp_path, written):
    text = LIST_HEADER + f"甲区,B镇,三居委,丙苑,2,{written}\n"
    ingest([write(tmp_path, "list.csv", text)], db, today=TODAY)
    assert units(db)["B镇", "丙苑"]["status_date"] == D(2022, 5, 16)


@pytest.mark.parametrize(
    ("written", "number"), [("首批", 1), ("第一批", 1), ("第2批", 2), ("第二轮", 2), ("2", 2), ("第十二批", 12)]
)
def test_batch_words(db, tmp_path, written, number):
    text = LIST_HEADER + f"甲区,B镇,三居委,丙苑,{written},2022-05-16\n"
    ingest([write(tmp_path, "list.csv", text)], db, today=TODAY)
    assert units(db)["B镇", "丙苑"]["batch"] == number


def test_round_header_marks_rounds(tmp_path):
    db = tmp_path / "rounds.duckdb"
    text = "区,街镇,村居名称,轮次,公布日期\n丙区,D镇,南村,第一轮,2022-04-22\n"
    ingest([write(tmp_path, "rounds.csv", text)], db, today=TODAY)
    assert queries.run("batches", db=db).select("district", "batch", "counts_rounds").rows() == [("丙区", 1, True)]


# ------------------------------------------------------------------------------------- refused ---
def xlsx_bytes(tmp_path: Path) -> bytes:
    path = write_xlsx(tmp_path / "real.xlsx", {"名单": {0: ["区", "名称"], 1: ["甲区", "甲苑"]}})
    return path.read_bytes()


# name, content (text, or a function of tmp_path giving bytes), today, what the problems must say:
# one list of fragments per problem, in order; every refusal here gives exactly these problems
REFUSALS = [
    ("empty.csv", "", TODAY, [["empty.csv", "文件是空的 (the file is empty)"]]),
    ("blank.csv", "\n  \n", TODAY, [["blank.csv", "文件是空的"]]),
    ("header_only.csv", LIST_HEADER, TODAY, [["header_only.csv", "没有数据行 (no data rows)"]]),
    ("title_header_only.csv", "甲区名单\n" + LIST_HEADER + "\n\n", TODAY, [["title_header_only.csv", "没有数据行"]]),
    ("text.xlsx", OTHER_LIST, TODAY, [["text.xlsx", "not an XLSX workbook"]]),
    ("zip.csv", xlsx_bytes, TODAY, [["zip.csv", "not a text file"]]),
    ("list.pdf", OTHER_LIST, TODAY, [["list.pdf", "不支持的文件类型", ".pdf"]]),
    (
        "no_header.csv",
        "甲区,B镇,三居委,丙苑,2,2022-05-09\n",
        TODAY,
        [["no_header.csv", "找不到表头", "甲区、B镇、三居委、丙苑"]],
    ),
    (
        "no_name.csv",
        "区,街镇,居委/村,批次,公布日期\n甲区,B镇,三居委,2,2022-05-09\n",
        TODAY,
        [["no_name.csv", "缺少「名称」列", "missing column: name"]],
    ),
    (
        "bad_date.csv",
        "甲区第二批名单\n" + LIST_HEADER + "甲区,B镇,三居委,丙苑,2,2022/13/5\n",
        TODAY,
        [["bad_date.csv", "第3行 (row 3)", "列「公布日期」", "值「2022/13/5」", "not a valid date"]],
    ),
    (
        "future.csv",
        LIST_HEADER + "甲区,A镇,一居委,乙苑,2,2022-05-09\n甲区,B镇,三居委,丙苑,2,2022-05-20\n",
        D(2022, 5, 10),
        [["future.csv", "第3行", "列「公布日期」", "值「2022-05-20」", "晚于今天 2022-05-10", "future"]],
    ),
    (
        "pending.csv",
        LIST_HEADER + "甲区,B镇,三居委,丙苑,待定,2022-05-09\n",
        TODAY,
        # reported once, as a word that is not a batch, not also as a missing batch
        [["pending.csv", "第2行", "列「批次」", "值「待定」", "not a batch or round number"]],
    ),
    (
        "no_batch.csv",
        "区,街镇,居委/村,名称,公布日期\n甲区,B镇,三居委,丙苑,2022-05-09\n",
        TODAY,
        [["no_batch.csv", "第2行", "needs its batch or round"]],
    ),
    (
        "status.csv",
        "区,街镇,居委/村,名称,状态,公布日期\n甲区,B镇,三居委,丙苑,完成,2022-05-09\n",
        TODAY,
        [["status.csv", "第2行", "列「状态」", "值「完成」", "unknown status word"]],
    ),
    (
        "negative.csv",
        "区,街镇,居委/村,名称,类型,户数,人口\n甲区,C镇,四居委,丁苑,小区,-5,100\n",
        TODAY,
        [["negative.csv", "第2行", "列「户数」", "值「-5」", "0 or more"]],
    ),
    (
        "population.csv",
        "区,街镇,居委/村,名称,类型,户数,常住人口\n甲区,C镇,四居委,丁苑,小区,50,\n甲区,C镇,四居委,戊苑,小区,60,约一百\n",
        TODAY,
        [
            ["population.csv", "第2行", "列「常住人口」", "missing population"],
            ["population.csv", "第3行", "值「约一百」"],
        ],
    ),
    (
        "twice.csv",
        "甲区名单\n" + LIST_HEADER + "甲区,B镇,三居委,丙苑,2,2022-05-09\n甲区,B镇,三居委,丙苑,3,2022-05-09\n",
        TODAY,
        [["twice.csv", "第3行", "列「名称」", "值「丙苑」", "见第 3、4 行", "conflicting batch or date"]],
    ),
    (
        "unknown.csv",
        LIST_HEADER + "甲区,B镇,三居委,丙园,2,2022-05-09\n",
        TODAY,
        [["unknown.csv", "第2行", "值「丙园」", "不在甲区的名册中", "nearest): 丙苑"]],
    ),
    (
        "ambiguous.csv",
        "区,名称,批次,公布日期\n甲区,乙苑,2,2022-05-09\n甲区,甲苑,2,2022-05-09\n",
        TODAY,
        [["ambiguous.csv", "第3行", "值「甲苑」", "对应名册中 2 个单位", "add town or committee"]],
    ),
]


def build(tmp_path: Path, content) -> str | bytes:
    return content(tmp_path) if callable(content) else content


@pytest.mark.parametrize(("name", "content", "today", "expected"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_alone(db, tmp_path, name, content, today, expected):
    before = db.read_bytes()
    bad = write(tmp_path / "in", name, build(tmp_path, content))
    with pytest.raises(IngestRefused) as refused:
        ingest([bad], db, today=today)
    problems = [str(p) for p in refused.value.problems]
    assert len(problems) == len(expected), problems
    for text, fragments in zip(problems, expected, strict=True):
        for fragment in fragments:
            assert fragment in text, (fragment, text)
    assert "nothing loaded" in str(refused.value)
    assert db.read_bytes() == before


@pytest.mark.parametrize(("name", "content", "today", "expected"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_with_a_good_file_loads_nothing(db, tmp_path, name, content, today, expected):
    before = db.read_bytes()
    good = write(tmp_path / "in", "good.csv", GOOD_LIST)
    bad = write(tmp_path / "in", name, build(tmp_path, content))
    for run in ([good, bad], [bad, good]):
        with pytest.raises(IngestRefused):
            ingest(run, db, today=today)
        assert db.read_bytes() == before
    # the good file was not even recorded as seen: loaded on its own, it adds its event
    assert ingest([good], db, today=TODAY).events_added == 1


def test_refused_first_run_creates_no_database(tmp_path):
    db = tmp_path / "new.duckdb"
    good = write(tmp_path, "roster.csv", ROSTER)
    bad = write(tmp_path, "bad.csv", LIST_HEADER + "甲区,B镇,三居委,丙苑,待定,2022-05-09\n")
    with pytest.raises(IngestRefused):
        ingest([good, bad], db, today=TODAY)
    assert not db.exists()


def test_missing_file_is_refused(db, tmp_path):
    before = db.read_bytes()
    with pytest.raises(IngestRefused, match="no such file"):
        ingest([tmp_path / "gone.csv"], db, today=TODAY)
    assert db.read_bytes() == before


def test_xlsx_row_numbers_are_excel_row_numbers(db, tmp_path):
    path = write_xlsx(
        tmp_path / "第2批.xlsx",
        {
            "说明": {0: ["请按名单页填写"]},
            "名单": {
                1: ["甲区第二批无疫小区名单"],
                3: ["区", "街镇", "居委/村", "名称", "批次", "公布日期"],
                4: ["甲区", "B镇", "三居委", "丙苑", "2", "2022/13/5"],
            },
        },
    )
    before = db.read_bytes()
    with pytest.raises(IngestRefused) as refused:
        ingest([path], db, today=TODAY)
    (problem,) = refused.value.problems
    assert problem.row == 5  # Excel row 5: the sheet's 5th row, blank and title rows counted
    assert (problem.column, problem.value) == ("公布日期", "2022/13/5")
    assert str(problem).startswith("第2批.xlsx [名单], 第5行 (row 5)")
    assert db.read_bytes() == before


def test_xlsx_row_numbers_after_blank_rows_in_the_data(db, tmp_path):
    path = write_xlsx(
        tmp_path / "list.xlsx",
        {
            "名单": {
                0: ["区", "街镇", "居委/村", "名称", "批次", "公布日期"],
                1: ["甲区", "A镇", "一居委", "乙苑", "2", "2022/5/9"],
                3: ["甲区", "B镇", "三居委", "丙苑", "待定", "2022/5/9"],
            }
        },
    )
    with pytest.raises(IngestRefused) as refused:
        ingest([path], db, today=TODAY)
    assert [p.row for p in refused.value.problems] == [4]


def test_csv_row_numbers_after_blank_lines(db, tmp_path):
    text = "标题\n\n" + LIST_HEADER + "甲区,A镇,一居委,乙苑,2,2022/5/9\n\n甲区,B镇,三居委,丙苑,待定,2022/5/9\n"
    with pytest.raises(IngestRefused) as refused:
        ingest([write(tmp_path, "list.csv", text)], db, today=TODAY)
    assert [p.row for p in refused.value.problems] == [6]


def test_problems_in_several_files_are_all_reported(db, tmp_path):
    one = write(tmp_path, "one.csv", LIST_HEADER + "甲区,B镇,三居委,丙苑,待定,2022-05-09\n")
    two = write(tmp_path, "two.csv", LIST_HEADER + "甲区,A镇,一居委,乙苑,2,2022/13/5\n")
    with pytest.raises(IngestRefused) as refused:
        ingest([one, two], db, today=TODAY)
    assert [p.file for p in refused.value.problems] == ["one.csv", "two.csv"]


# ------------------------------------------------------------------------- idempotent, additive ---
def test_reingesting_the_same_files_changes_nothing(tmp_path):
    db = tmp_path / "tiny.duckdb"
    paths = write_tiny(tmp_path / "files")
    assert ingest(paths, db).changed
    before = db.read_bytes()
    again = ingest(paths, db)
    assert not again.changed
    assert [f.role for f in again.files] == ["skipped"] * len(paths)
    assert db.read_bytes() == before
    # the same bytes under another name are the same file
    renamed = tmp_path / "copy_of_batch1.csv"
    shutil.copyfile(paths[1], renamed)
    assert not ingest([renamed], db).changed
    assert db.read_bytes() == before


def test_the_same_list_in_new_bytes_adds_no_events(tmp_path):
    db = tmp_path / "tiny.duckdb"
    ingest(write_tiny(tmp_path / "files"), db)
    before = counts(db)
    # batch 2 again, re-saved with a BOM and CRLF: a new file, but no new event
    resent = write(tmp_path, "batch2_resent.csv", TINY_FILES["batch2.csv"].replace("\n", "\r\n"), "utf-8-sig")
    report = ingest([resent], db)
    assert (report.events_added, report.units_added, report.units_updated) == (0, 0, 0)
    assert not report.changed
    assert counts(db)[:2] == before[:2]


def test_two_runs_give_the_same_figures_as_one(tmp_path):
    paths = write_tiny(tmp_path / "files")
    roster = [p for p in paths if p.name == "roster.csv"]
    lists = [p for p in paths if p.name != "roster.csv"]
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    ingest(paths, one)
    first = ingest(roster, two)
    second = ingest(lists, two)
    assert (first.units_added, first.events_added) == (6, 0)
    assert (second.units_added, second.events_added) == (2, 11)  # 乙区's two villages, from its lists
    for name, params in (
        ("coverage_by_district", {}),
        ("coverage_by_district", {"as_of": D(2022, 4, 15)}),
        ("units", {}),
        ("progress_curve", {}),
        ("created_per_batch", {}),
        ("whole_committees", {"as_of": D(2022, 4, 12)}),
    ):
        assert queries.run(name, db=one, **params).equals(queries.run(name, db=two, **params)), name


def test_a_new_roster_updates_households(tmp_path):
    db = tmp_path / "tiny.duckdb"
    ingest(write_tiny(tmp_path / "files"), db)
    newer = TINY_FILES["roster.csv"].replace("甲苑,小区,100,250", "甲苑,小区,120,260")
    report = ingest([write(tmp_path, "roster_v2.csv", newer)], db)
    assert (report.units_added, report.units_updated, report.events_added) == (0, 6, 0)
    row = units(db)["A镇", "甲苑"]
    assert (row["households"], row["population"], row["status"]) == (120, 260, "model")


def test_rosterless_district_gets_counts_but_no_total(tmp_path):
    db = tmp_path / "yi.duckdb"
    ingest([write(tmp_path, "yi.csv", TINY_FILES["yi.csv"])], db, today=TODAY)
    frame = queries.run("coverage_by_district", db=db)
    assert frame.select("district", "kind", "total", "created", "coverage_pct", "counts_rounds").rows() == [
        ("乙区", "village", None, 2, None, True)
    ]
    rows = units(db)
    assert {k: (r["committee"], r["in_roster"]) for k, r in rows.items()} == {
        ("C镇", "东村"): ("东村", False),
        ("C镇", "西村"): ("西村", False),
    }
    # a later list for a known village adds an event, not a unit
    later = write(tmp_path, "yi3.csv", "区,街镇,名称,类型,轮次,公布日期\n乙区,C镇,东村,村,第三轮,2022-05-06\n")
    report = ingest([later], db, today=TODAY)
    assert (report.units_added, report.events_added) == (0, 1)
    assert units(db)["C镇", "东村"]["batch"] == 3


def test_report_summary(tmp_path):
    report = ingest(write_tiny(tmp_path / "files"), tmp_path / "tiny.duckdb")
    text = report.summary()
    assert "roster.csv: roster, 6 行 (rows)" in text
    assert "units added 8, updated 0, events added 11, targets 0" in text
    assert [(f.name, f.role, f.rows) for f in report.files] == [
        ("roster.csv", "roster", 6),
        ("batch1.csv", "status", 4),
        ("revoked.csv", "status", 1),
        ("batch2.csv", "status", 2),
        ("batch3.csv", "status", 1),
        ("model.csv", "status", 1),
        ("yi.csv", "status", 2),
    ]
