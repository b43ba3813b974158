"""Write the ingest corpus: files as towns send them, each case with the outcome expected of ingest.

    uv run python tests/corpus/make_corpus.py [OUT_DIR]     # default: the folder this script is in

Writes ``base/`` (the published snapshot refused cases are tried against, and a good file to pair
them with), ``refused/<case>/`` and ``accepted/<case>/``, each case with its files and ``expected.json``.
Those three folders are rewritten from scratch; running the script again gives the same bytes (XLSX
files carry a fixed creation time, which xlsxwriter also uses for the zip entries). This script only
writes bytes: it never imports ``campaign``, so a change to ingest cannot change the corpus.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: the project for tests.support
from tests.support.files import JIA_FIRST_LIST, JIA_LIST_HEADER, JIA_ROSTER  # noqa: E402  (texts only)

HERE = Path(__file__).resolve().parent
CREATED = dt.datetime(2022, 5, 23)  # the XLSX files' creation time: fixed, so the bytes are stable
TODAY = "2022-05-23"

Files = list[tuple[str, bytes]]


# ------------------------------------------------------------------------------------------ bytes ---
def text(content: str, encoding: str = "utf-8", *, crlf: bool = False) -> bytes:
    """A text file as an editor or Excel saves it; ``utf-8-sig`` writes the BOM Excel's "CSV UTF-8" has."""
    if crlf:
        content = content.replace("\n", "\r\n")
    return content.encode(encoding)


def workbook(fill: Callable[[xlsxwriter.Workbook], None]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": CREATED})
    fill(book)
    book.close()
    return buffer.getvalue()


def sheet(book: xlsxwriter.Workbook, name: str, rows: dict[int, list], date_format: str = "yyyy/m/d"):
    """rows: 0-based row index -> cells; None leaves a cell empty; a datetime becomes a real date cell."""
    ws = book.add_worksheet(name)
    dates = book.add_format({"num_format": date_format})
    for r, cells in rows.items():
        for c, value in enumerate(cells):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, dates)
            else:
                ws.write(r, c, value)
    return ws


def xlsx(sheets: dict[str, dict[int, list]]) -> bytes:
    return workbook(lambda book: [sheet(book, name, rows) for name, rows in sheets.items()])


# A minimal but valid one-page PDF (what a town exports from WPS when asked for the list).
PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000015 00000 n \n0000000058 00000 n \n0000000111 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n178\n%%EOF\n"
)
# The 512-byte header of an OLE2 compound file: the start of every Excel 97-2003 .xls.
OLE2 = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + bytes.fromhex("3e000300feff0900") + bytes(512 - 32)


# ------------------------------------------------------------------------------------------ cases ---
def problem(file: str, message: str, row: int | None = None, column: str | None = None, value: str | None = None):
    return {"file": file, "row": row, "column": column, "value": value, "message_contains": message}


class Corpus:
    def __init__(self) -> None:
        self.cases: dict[str, tuple[Files, dict]] = {}

    def _add(self, path: str, about: str, files: Files, expected: dict) -> None:
        assert path not in self.cases, path
        names = [n for n, _ in files]
        assert len(set(names)) == len(names), path
        order = expected.pop("order", None) or names
        self.cases[path] = (files, {"about": about, "files": order, **expected})

    def refused(self, case: str, about: str, files: Files, problems: list[dict], **extra) -> None:
        self._add(f"refused/{case}", about, files, {**_options(extra), "problems": problems})

    def accepted(self, case: str, about: str, files: Files, expect: list[dict], **extra) -> None:
        self._add(f"accepted/{case}", about, files, {**_options(extra), "expect": expect})


def _options(extra: dict) -> dict:
    allowed = {"order", "today", "defaults", "encodings", "xfail"}
    assert set(extra) <= allowed, set(extra) - allowed
    return {k: extra[k] for k in ("order", "today", "defaults", "encodings", "xfail") if k in extra}


def check(query: str, columns: list[str], rows: list[list], **params) -> dict:
    return {"query": query, "params": params, "columns": columns, "rows": rows}


# grid rosters and services logs (issue 6)
GRID_HEADER = "区,街镇,居委/村,网格,上级网格,网格层级,户数,工作人员和志愿者,每人联系户数\n"
SERVICES_HEADER = "区,街镇,居委/村,日期,服务类型,次数\n"

# 甲区, published before every refused case is tried: two compounds called 甲苑 in different towns
BASE_ROSTER, LIST_HEADER, BASE_LIST = JIA_ROSTER, JIA_LIST_HEADER, JIA_FIRST_LIST
# a good file no run has loaded: paired with each refused case, it must not be loaded either
GOOD_LIST = LIST_HEADER + "甲区,B镇,三居委,丙苑,第2批,2022-05-09\n"

# 丁区's roster, sent with the cases about matching: two compounds called 丁苑 in different towns
DING_ROSTER = (
    "区,街镇,居委,小区名称,类型,户数,人口\n"
    "丁区,E镇,五居委,丁苑,小区,120,300\n"
    "丁区,E镇,五居委,戊苑,小区,90,210\n"
    "丁区,F镇,六居委,丁苑,小区,60,150\n"
)


def refused_cases(c: Corpus) -> None:
    # ---- files that are not what they should be
    c.refused(
        "empty_file",
        "a file of 0 bytes",
        [("empty.csv", b"")],
        [problem("empty.csv", "文件是空的 (the file is empty)")],
    )
    c.refused(
        "blank_lines_only",
        "nothing but blank lines and spaces",
        [("blank.csv", text("\n  \n\t\n", crlf=True))],
        [problem("blank.csv", "文件是空的 (the file is empty)")],
    )
    c.refused(
        "header_only",
        "a header and no rows under it: a truncated export, not 'no news'",
        [("第2批.csv", text(LIST_HEADER))],
        [problem("第2批.csv", "只有表头，没有数据行 (no data rows)")],
    )
    c.refused(
        "title_and_header_only",
        "a title line, the header, and the empty rows Excel writes as commas",
        [("第2批.csv", text("甲区第二批无疫小区名单\n" + LIST_HEADER + ",,,,,\n,,,,,\n", "gb18030", crlf=True))],
        [problem("第2批.csv", "没有数据行 (no data rows)")],
        encodings={"第2批.csv": "gb18030"},
    )
    c.refused(
        "header_only_xlsx",
        "a workbook whose only sheet has a header and nothing else",
        [("第2批.xlsx", xlsx({"名单": {0: ["区", "街镇", "居委/村", "名称", "批次", "公布日期"]}}))],
        [problem("第2批.xlsx [名单]", "没有数据行 (no data rows)")],
        encodings={"第2批.xlsx": "xlsx"},
    )
    c.refused(
        "text_named_xlsx",
        "a CSV renamed to .xlsx",
        [("第2批.xlsx", text(GOOD_LIST.replace("丙苑", "乙苑")))],
        [problem("第2批.xlsx", "not an XLSX workbook")],
    )
    c.refused(
        "xlsx_named_csv",
        "a real workbook renamed to .csv",
        [
            (
                "第2批.csv",
                xlsx({"名单": {0: ["区", "名称", "批次", "公布日期"], 1: ["甲区", "乙苑", "2", "2022-05-09"]}}),
            )
        ],
        [problem("第2批.csv", "not a text file")],
        encodings={"第2批.csv": "xlsx"},
    )
    c.refused(
        "truncated_xlsx",
        "a workbook cut off halfway (an interrupted download): a zip without its end",
        [
            (
                "第2批.xlsx",
                xlsx({"名单": {0: ["区", "名称", "批次", "公布日期"], 1: ["甲区", "乙苑", "2", "2022-05-09"]}})[:2500],
            )
        ],
        [problem("第2批.xlsx", "无法读取 XLSX 工作簿 (cannot read the workbook)")],
    )
    c.refused(
        "pdf",
        "the list as a PDF",
        [("第2批名单.pdf", PDF)],
        [problem("第2批名单.pdf", "不支持的文件类型「.pdf」")],
    )
    c.refused(
        "old_excel_xls",
        "an Excel 97-2003 workbook (only its OLE2 header: the reader refuses it by its extension)",
        [("第2批名单.xls", OLE2)],
        [problem("第2批名单.xls", "不支持的文件类型「.xls」")],
    )
    c.refused(
        "latin1_txt",
        "a .txt in Latin-1: 'é' followed by a space or comma is neither UTF-8 nor GB18030",
        [
            (
                "batch2.txt",
                text(
                    "district,town,committee,name,batch,date\nJinshan,Shanyang,Haixin,Cité Verte,2,2022-05-09\n",
                    "latin-1",
                ),
            )
        ],
        [problem("batch2.txt", "无法识别文件编码")],
        encodings={"batch2.txt": "latin-1"},
    )
    c.refused(
        "no_header_row",
        "data with no header row above it",
        [("第2批.csv", text("甲区,B镇,三居委,丙苑,2,2022-05-09\n"))],
        [problem("第2批.csv", "找不到表头")],
    )
    c.refused(
        "duplicate_header",
        "two columns that mean the same thing (名称 and 小区名称)",
        [("第2批.csv", text("区,名称,小区名称,批次,公布日期\n甲区,丙苑,丙苑,2,2022-05-09\n"))],
        [problem("第2批.csv", "两列都表示同一含义", row=1)],
    )
    c.refused(
        "missing_name_column",
        "a list without a name column",
        [("第2批.csv", text("区,街镇,居委/村,批次,公布日期\n甲区,B镇,三居委,2,2022-05-09\n"))],
        [problem("第2批.csv", "缺少「名称」列 (missing column: name)")],
    )
    c.refused(
        "roster_missing_name_column",
        "a roster without a name column",
        [("名册.csv", text("区,街镇,居委,类型,户数,人口\n丁区,E镇,五居委,小区,120,300\n"))],
        [problem("名册.csv", "缺少「名称」列 (missing column: name)")],
    )
    c.refused(
        "no_district_no_date",
        "a title-less list of names: no district or date in a column, a title, the file name, the import options "
        "or a roster (no roster has its town)",
        [("名单.csv", text("街镇,居委,小区名称\nZ镇,三居委,丙苑\n"))],
        [
            problem("名单.csv", "已导入的名册中也没有包含 Z镇 的区；请加「区」列或用 --district 指定"),
            problem("名单.csv", "缺少「公布日期」：表中没有此列，标题行和文件名中也没有；导入时可用 --date 指定"),
        ],
    )
    c.refused(
        "towns_in_two_districts",
        "a list naming no district whose town is in two districts' rosters: the candidates are named",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,居委,小区名称,类型,户数,人口\n甲区,新城镇,一居委,甲苑,小区,10,20\n"
                    "乙区,新城镇,二居委,乙苑,小区,10,20\n"
                ),
            ),
            ("名单.csv", text("街镇,小区名称,批次,公布日期\n新城镇,甲苑,1,2022-05-09\n")),
        ],
        [problem("名单.csv", "名册中 新城镇 同时属于 乙区、甲区")],
    )
    c.refused(
        "roster_kind_unknown",
        "a roster with neither a 类型 column nor a kind in its name header, title or file name",
        [("名册.csv", text("区,街镇,居委,名称,户数\n丁区,E镇,五居委,丁苑,120\n"))],
        [problem("名册.csv", "无法确定单位类型")],
    )
    c.refused(
        "two_columns_could_be_the_committee",
        "two headers that each hold the committee's word: which is it? both are named",
        [
            (
                "名单.csv",
                text(
                    "区,街镇,所属村居委会,对应居委会,小区名称,批次,公布日期\n甲区,B镇,三居委,三居委,丙苑,2,2022-05-09\n"
                ),
            )
        ],
        [problem("名单.csv", "「所属村居委会」和「对应居委会」", row=1)],
    )
    c.refused(
        "created_without_batch",
        "a list of created units with no batch column, and no batch in a title or the options",
        [("名单.csv", text("区,街镇,居委/村,名称,公布日期\n甲区,B镇,三居委,丙苑,2022-05-09\n"))],
        [problem("名单.csv", "导入时可用 --batch 指定", row=2, column="批次")],
    )
    c.refused(
        "blank_batch_cell",
        "one created row whose batch cell is blank",
        [("第2批.csv", text(LIST_HEADER + "甲区,A镇,一居委,乙苑,2,2022-05-09\n甲区,B镇,三居委,丙苑,,2022-05-09\n"))],
        [problem("第2批.csv", "needs its batch or round", row=3, column="批次")],
    )
    c.refused(
        "blank_name_cell",
        "a row with every cell filled but the name",
        [("第2批.csv", text(LIST_HEADER + "甲区,A镇,一居委,乙苑,2,2022-05-09\n甲区,B镇,三居委,,2,2022-05-09\n"))],
        [problem("第2批.csv", "缺少名称 (missing name)", row=3, column="名称", value="")],
    )
    # ---- dates
    c.refused(
        "impossible_date",
        "month 13, in a GBK list with a title line (so the header is row 2 and the bad row is row 3)",
        [
            (
                "第2批.csv",
                text("甲区第二批名单\n" + LIST_HEADER + "甲区,B镇,三居委,丙苑,2,2022/13/5\n", "gb18030", crlf=True),
            )
        ],
        [problem("第2批.csv", "不是有效日期", row=3, column="公布日期", value="2022/13/5")],
        encodings={"第2批.csv": "gb18030"},
    )
    c.refused(
        "impossible_day",
        "30 February, written in Chinese",
        [("第2批.csv", text(LIST_HEADER + "甲区,B镇,三居委,丙苑,2,2022年2月30日\n"))],
        [problem("第2批.csv", "not a valid date", row=2, column="公布日期", value="2022年2月30日")],
    )
    c.refused(
        "date_before_2000",
        "a year mistyped as 1022",
        [("第2批.csv", text(LIST_HEADER + "甲区,B镇,三居委,丙苑,2,1022-05-09\n"))],
        [problem("第2批.csv", "日期早于 2000 年", row=2, column="公布日期", value="1022-05-09")],
    )
    c.refused(
        "future_date",
        "a date after the day of the ingest (today 2022-05-10), in a UTF-8 BOM file",
        [
            (
                "第2批.csv",
                text(
                    LIST_HEADER + "甲区,A镇,一居委,乙苑,2,2022-05-09\n甲区,B镇,三居委,丙苑,2,2022-05-20\n", "utf-8-sig"
                ),
            )
        ],
        [
            problem(
                "第2批.csv",
                "日期晚于今天 2022-05-10 (date in the future)",
                row=3,
                column="公布日期",
                value="2022-05-20",
            )
        ],
        today="2022-05-10",
        encodings={"第2批.csv": "utf-8-sig"},
    )
    c.refused(
        "words_in_date",
        "words where the date belongs (五月上旬 is a part of a month, not a day; 五月九日 would be one)",
        [("第2批.csv", text(LIST_HEADER + "甲区,A镇,一居委,乙苑,2,待定\n甲区,B镇,三居委,丙苑,2,五月上旬\n"))],
        [
            problem("第2批.csv", "not a valid date", row=2, column="公布日期", value="待定"),
            problem("第2批.csv", "not a valid date", row=3, column="公布日期", value="五月上旬"),
        ],
    )
    c.refused(
        "xlsx_impossible_date_row_5",
        "an instruction sheet, then a sheet with a title in row 2 and the header in row 4: the bad row is Excel row 5",
        [
            (
                "第2批.xlsx",
                xlsx(
                    {
                        "说明": {0: ["请按名单页填写"]},
                        "名单": {
                            1: ["甲区第二批无疫小区名单"],
                            3: ["区", "街镇", "居委/村", "名称", "批次", "公布日期"],
                            4: ["甲区", "B镇", "三居委", "丙苑", "2", "2022/13/5"],
                        },
                    }
                ),
            )
        ],
        [problem("第2批.xlsx [名单]", "not a valid date", row=5, column="公布日期", value="2022/13/5")],
        encodings={"第2批.xlsx": "xlsx"},
    )
    # ---- batches, statuses, kinds
    c.refused(
        "word_in_batch",
        "a word where the batch belongs: reported once, not also as a missing batch",
        [("第2批.csv", text(LIST_HEADER + "甲区,B镇,三居委,丙苑,待定,2022-05-09\n"))],
        [problem("第2批.csv", "not a batch or round number", row=2, column="批次", value="待定")],
    )
    c.refused(
        "xlsx_blank_rows_in_data",
        "a blank row between two data rows: the bad row keeps its Excel row number, 4",
        [
            (
                "第2批.xlsx",
                xlsx(
                    {
                        "名单": {
                            0: ["区", "街镇", "居委/村", "名称", "批次", "公布日期"],
                            1: ["甲区", "A镇", "一居委", "乙苑", "2", "2022/5/9"],
                            3: ["甲区", "B镇", "三居委", "丙苑", "待定", "2022/5/9"],
                        }
                    }
                ),
            )
        ],
        [problem("第2批.xlsx [名单]", "not a batch or round number", row=4, column="批次", value="待定")],
        encodings={"第2批.xlsx": "xlsx"},
    )
    c.refused(
        "csv_blank_lines_in_data",
        "a title, a blank line, the header, a row, a blank line, the bad row: line 6 in a text editor",
        [
            (
                "第2批.csv",
                text(
                    "标题\n\n"
                    + LIST_HEADER
                    + "甲区,A镇,一居委,乙苑,2,2022/5/9\n\n甲区,B镇,三居委,丙苑,待定,2022/5/9\n",
                    crlf=True,
                ),
            )
        ],
        [problem("第2批.csv", "not a batch or round number", row=6, column="批次", value="待定")],
    )
    c.refused(
        "unknown_status",
        "a status word that is none of 已创建 取消 示范 申报",
        [
            (
                "状态变化.csv",
                text("区,街镇,居委/村,名称,状态,公布日期\n甲区,B镇,三居委,丙苑,完成,2022-05-09\n", "gb18030"),
            )
        ],
        [problem("状态变化.csv", "unknown status word", row=2, column="状态", value="完成")],
        encodings={"状态变化.csv": "gb18030"},
    )
    c.refused(
        "unknown_kind",
        "a roster whose kind is not a unit kind",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,居委,小区名称,类型,户数,人口\n丁区,E镇,五居委,丁苑,小区,120,300\n丁区,E镇,五居委,一号楼,大楼,40,90\n"
                ),
            )
        ],
        [problem("名册.csv", "unknown unit kind", row=3, column="类型", value="大楼")],
    )
    c.refused(
        "unknown_kind_in_list",
        "a list whose kind column holds a word that is not a kind",
        [("第2批.csv", text("区,街镇,居委/村,名称,类型,批次,公布日期\n甲区,B镇,三居委,丙苑,楼栋,2,2022-05-09\n"))],
        [problem("第2批.csv", "unknown unit kind", row=2, column="类型", value="楼栋")],
    )
    # ---- households, population, totals
    c.refused(
        "negative_counts",
        "negative households and population",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,居委,小区名称,类型,户数,人口\n丁区,E镇,五居委,丁苑,小区,-5,300\n丁区,E镇,五居委,戊苑,小区,90,-1\n"
                ),
            )
        ],
        [
            problem("名册.csv", "0 or more", row=2, column="户数", value="-5"),
            problem("名册.csv", "0 or more", row=3, column="人口", value="-1"),
        ],
    )
    c.refused(
        "non_numeric_counts",
        "words and a fraction where households and population belong (a blank one is fine: not known)",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,居委,小区名称,类型,户数,常住人口\n"
                    "丁区,E镇,五居委,丁苑,小区,一百二十,300\n"
                    "丁区,E镇,五居委,戊苑,小区,90,\n"
                    "丁区,F镇,六居委,丁苑,小区,60,约一百\n"
                    "丁区,F镇,六居委,己苑,小区,12.5,40\n",
                    "gb18030",
                    crlf=True,
                ),
            )
        ],
        [
            problem("名册.csv", "whole number, 0 or more", row=2, column="户数", value="一百二十"),
            problem("名册.csv", "whole number, 0 or more", row=5, column="户数", value="12.5"),
            problem("名册.csv", "whole number, 0 or more", row=4, column="常住人口", value="约一百"),
        ],
        encodings={"名册.csv": "gb18030"},
    )
    c.refused(
        "compound_without_committee",
        "a roster's first compound in a town with a blank committee cell (nothing above to inherit)",
        [("名册.csv", text("区,街镇,居委,小区名称,类型,户数,人口\n丁区,E镇,,丁苑,小区,120,300\n"))],
        [problem("名册.csv", "needs its committee or village", row=2, column="居委")],
    )
    c.refused(
        "target_not_a_number",
        "an official total written in words",
        [("官方总数.csv", text("区,类型,官方总数,截至日期,来源\n崇明区,村居,约三百,2022-05-23,人民网上海频道\n"))],
        [problem("官方总数.csv", "whole number, 0 or more", row=2, column="官方总数", value="约三百")],
    )
    # ---- one unit twice
    c.refused(
        "listed_twice_batches",
        "one unit twice in one list, in batches 2 and 3",
        [
            (
                "第2批.csv",
                text(
                    "甲区名单\n"
                    + LIST_HEADER
                    + "甲区,B镇,三居委,丙苑,2,2022-05-09\n甲区,B镇,三居委,丙苑,3,2022-05-09\n"
                ),
            )
        ],
        [
            problem(
                "第2批.csv", "见第 3、4 行 (one unit listed twice with conflicting", row=3, column="名称", value="丙苑"
            )
        ],
    )
    c.refused(
        "listed_twice_dates",
        "one unit twice in one list, on two dates",
        [
            (
                "第2批.csv",
                text(
                    LIST_HEADER
                    + "甲区,B镇,三居委,丙苑,2,2022-05-09\n"
                    + "甲区,A镇,一居委,乙苑,2,2022-05-09\n"
                    + "甲区,B镇,三居委,丙苑,2,2022/5/10\n"
                ),
            )
        ],
        [problem("第2批.csv", "见第 2、4 行", row=2, column="名称", value="丙苑")],
    )
    c.refused(
        "roster_listed_twice",
        "one unit twice in one roster, with different households",
        [("名册.csv", text(DING_ROSTER + "丁区,E镇,五居委,戊苑,小区,95,220\n"))],
        [
            problem(
                "名册.csv",
                "见第 3、5 行 (the same unit is listed more than once)",
                row=3,
                column="小区名称",
                value="戊苑",
            )
        ],
    )
    # ---- matching against the roster
    c.refused(
        "unknown_unit",
        "a list row for a unit not in its district's roster: the nearest roster name is suggested",
        [
            ("名册.csv", text(DING_ROSTER)),
            ("第1批.csv", text("区,街镇,居委,名称,批次,公布日期\n丁区,E镇,五居委,丁园,1,2022-05-09\n")),
        ],
        [
            problem(
                "第1批.csv",
                "不在丁区的名册中 (not in the district's roster)；最接近的名称 (nearest): 丁苑",
                row=2,
                column="名称",
                value="丁园",
            )
        ],
    )
    c.refused(
        "ambiguous_row",
        "a list row (district and name only) that matches two roster units of the same name",
        [
            ("名册.csv", text(DING_ROSTER)),
            ("第1批.csv", text("区,名称,批次,公布日期\n丁区,戊苑,1,2022-05-09\n丁区,丁苑,1,2022-05-09\n")),
        ],
        [problem("第1批.csv", "对应名册中 2 个单位", row=3, column="名称", value="丁苑")],
    )
    # ---- several files
    c.refused(
        "two_bad_files",
        "two bad files in one run: both are reported",
        [
            ("one.csv", text(LIST_HEADER + "甲区,B镇,三居委,丙苑,待定,2022-05-09\n")),
            ("two.csv", text(LIST_HEADER + "甲区,A镇,一居委,乙苑,2,2022/13/5\n")),
        ],
        [
            problem("one.csv", "not a batch or round number", row=2, column="批次", value="待定"),
            problem("two.csv", "not a valid date", row=2, column="公布日期", value="2022/13/5"),
        ],
    )
    c.refused(
        "good_roster_bad_list",
        "a good roster and a bad list in one run: the roster is not loaded either",
        [
            ("名册.csv", text(DING_ROSTER)),
            ("第1批.csv", text("区,街镇,居委,名称,批次,公布日期\n丁区,E镇,五居委,戊苑,1,2022-13-09\n")),
        ],
        [problem("第1批.csv", "not a valid date", row=2, column="公布日期", value="2022-13-09")],
    )

    # ---- grid rosters whose tree does not add up (issue 6)
    c.refused(
        "grid_children_above_parent",
        "a grid roster whose two sub-grids hold more households than their total grid",
        [
            (
                "网格名册.csv",
                text(
                    GRID_HEADER + "甲区,A镇,二村,二村总网格,,总网格,60,2,3-5\n"
                    ",,,第1子网格,二村总网格,子网格,40,3,3-5\n"
                    ",,,第2子网格,二村总网格,子网格,30,1,3-5\n",
                    "gb18030",
                    crlf=True,
                ),
            )
        ],
        [
            problem(
                "网格名册.csv",
                "children's households add up to more than the parent's",
                row=2,
                column="户数",
                value="60",
            )
        ],
        encodings={"网格名册.csv": "gb18030"},
    )
    c.refused(
        "grid_cycle",
        "two micro-grids each naming the other as parent",
        [
            (
                "网格名册.csv",
                text(
                    GRID_HEADER + "甲区,A镇,二村,总,,总网格,60,2,\n"
                    "甲区,A镇,二村,微1,微2,微网格,10,1,\n"
                    "甲区,A镇,二村,微2,微1,微网格,10,1,\n"
                ),
            )
        ],
        [problem("网格名册.csv", "form a cycle", row=3, column="上级网格", value="微2")],
    )
    c.refused(
        "grid_without_parent",
        "a sub-grid with a blank parent, and a micro-grid whose parent is not in the file",
        [
            (
                "网格名册.csv",
                text(
                    GRID_HEADER + "甲区,A镇,二村,总,,总网格,60,2,\n"
                    "甲区,A镇,二村,子1,,子网格,20,1,\n"
                    "甲区,A镇,二村,微1,子9,微网格,10,1,\n"
                ),
            )
        ],
        [
            problem("网格名册.csv", "a grid with no parent", row=3, column="上级网格", value=""),
            problem("网格名册.csv", "a grid with no parent", row=4, column="上级网格", value="子9"),
        ],
    )
    c.refused(
        "services_bad_cells",
        "a services log with an unknown kind of service and a count in words",
        [
            (
                "服务记录.csv",
                text(SERVICES_HEADER + "甲区,A镇,二村,2022-04-01,理发,3\n甲区,A镇,二村,2022-04-02,送药,十\n"),
            )
        ],
        [
            problem("服务记录.csv", "unknown kind of service", row=2, column="服务类型", value="理发"),
            problem("服务记录.csv", "must be a whole number", row=3, column="次数", value="十"),
        ],
    )

    # ---- 整建制 marks (issue 5)
    c.refused(
        "unknown_whole_mark",
        "a 整建制 cell holding a word that is neither yes (是 Y √ 1 整居 整村) nor no (否 N × 0) nor blank",
        [
            (
                "第2批.csv",
                text(
                    "区,街镇,居委/村,名称,批次,公布日期,是否整建制\n"
                    "甲区,A镇,一居委,乙苑,2,2022-05-09,是\n"
                    "甲区,B镇,三居委,丙苑,2,2022-05-09,待定\n",
                    "gb18030",
                    crlf=True,
                ),
            )
        ],
        [problem("第2批.csv", "无法识别的整建制标记", row=3, column="是否整建制", value="待定")],
        encodings={"第2批.csv": "gb18030"},
    )
    c.refused(
        "whole_marked_both_ways",
        "one committee marked whole on one row and not whole on another of the same list",
        [
            (
                "第2批.csv",
                text(
                    "区,街镇,居委/村,名称,批次,公布日期,整建制\n"
                    "甲区,B镇,三居委,甲苑,2,2022-05-09,√\n"
                    "甲区,B镇,三居委,丙苑,2,2022-05-09,×\n"
                ),
            )
        ],
        [problem("第2批.csv", "既标为整建制又标为非整建制，见第 2、3 行", row=3, column="整建制", value="×")],
    )
    c.refused(
        "two_tables_on_one_sheet",
        "found trying 宝山区: two batch lists one below the other on one sheet, each under its title: the second "
        "list's rows are another batch and day, so the sheet is refused naming the row where it starts",
        [
            (
                "宝山区名单汇编.xlsx",
                xlsx(
                    {
                        "名单": {
                            0: ["金山区第一批无疫小区名单（2022年5月6日）"],
                            1: ["街镇", "居委/村", "名称"],
                            2: ["山阳镇", "海欣居民区", "海皓馨苑"],
                            4: ["金山区第二批无疫小区名单（2022年5月9日）"],
                            5: ["街镇", "居委/村", "名称"],
                            6: ["朱泾镇", "东林村", "东林村1组"],
                        }
                    }
                ),
            )
        ],
        [problem("宝山区名单汇编.xlsx [名单]", "第5行起是另一张表", row=5)],
    )


# ------------------------------------------------------------------------------------ accepted ---
JS_ROSTER = (
    "区,街镇,居委,小区名称,类型,户数,人口\n"
    "金山区,山阳镇,海欣居民区,海皓馨苑,小区,1240,2390\n"
    "金山区,山阳镇,海欣居民区,海欣苑,小区,860,1710\n"
    "金山区,山阳镇,卫康居民区,卫康苑,小区,540,1020\n"
    "金山区,朱泾镇,东林村,东林村1组,村民小组,45,120\n"
    "金山区,朱泾镇,东林村,东林村2组,村民小组,38,97\n"
    "金山区,朱泾镇,待泾村,待泾村,村,610,1480\n"
)
JS_LIST = (
    "区,街镇,居委/村,名称,类型,批次,公布日期\n"
    "金山区,山阳镇,海欣居民区,海皓馨苑,小区,第二批,2022/5/9\n"
    "金山区,朱泾镇,东林村,东林村1组,村民小组,第二批,2022/5/9\n"
)
CREATED_COLS = ["town", "name", "batch", "status_date"]
JS_CREATED = [["山阳镇", "海皓馨苑", 2, "2022-05-09"], ["朱泾镇", "东林村1组", 2, "2022-05-09"]]
JS_TOTALS = check(
    "coverage_by_district",
    ["district", "kind", "total", "created"],
    [["金山区", "compound", 3, 1], ["金山区", "village", 1, 0], ["金山区", "village_group", 2, 1]],
)


def js_created(rows=None, **params) -> dict:
    return check("units", CREATED_COLS, JS_CREATED if rows is None else rows, status="created", **params)


def accepted_cases(c: Corpus) -> None:
    # ---- encodings and separators
    c.accepted(
        "utf8",
        "a roster and a list in UTF-8 without a BOM",
        [("名册.csv", text(JS_ROSTER)), ("第二批.csv", text(JS_LIST))],
        [js_created(), JS_TOTALS],
        encodings={"名册.csv": "utf-8", "第二批.csv": "utf-8"},
    )
    c.accepted(
        "utf8_bom",
        "Excel's 'CSV UTF-8': a BOM and CRLF line ends",
        [("名册.csv", text(JS_ROSTER, "utf-8-sig", crlf=True)), ("第二批.csv", text(JS_LIST, "utf-8-sig", crlf=True))],
        [js_created(), JS_TOTALS],
        encodings={"名册.csv": "utf-8-sig", "第二批.csv": "utf-8-sig"},
    )
    c.accepted(
        "gb18030",
        "Excel's 'CSV (逗号分隔)' on Chinese Windows: GBK/GB18030 and CRLF",
        [("名册.csv", text(JS_ROSTER, "gb18030", crlf=True)), ("第二批.csv", text(JS_LIST, "gb18030", crlf=True))],
        [js_created(), JS_TOTALS],
        encodings={"名册.csv": "gb18030", "第二批.csv": "gb18030"},
    )
    c.accepted(
        "tsv",
        "tab-separated: a .tsv, a .csv that is really tab-separated, and a GB18030 .txt",
        [
            ("名册.tsv", text(JS_ROSTER.replace(",", "\t"))),
            ("第二批.csv", text(JS_LIST.replace(",", "\t"))),
            (
                "第三批.txt",
                text(
                    "区\t街镇\t居委/村\t名称\t类型\t批次\t公布日期\n"
                    "金山区\t山阳镇\t海欣居民区\t海欣苑\t小区\t第三批\t2022/5/16\n"
                    "金山区\t朱泾镇\t东林村\t东林村2组\t村民小组\t第三批\t2022/5/16\n",
                    "gb18030",
                    crlf=True,
                ),
            ),
        ],
        [
            js_created(
                [
                    ["山阳镇", "海欣苑", 3, "2022-05-16"],
                    ["山阳镇", "海皓馨苑", 2, "2022-05-09"],
                    ["朱泾镇", "东林村1组", 2, "2022-05-09"],
                    ["朱泾镇", "东林村2组", 3, "2022-05-16"],
                ]
            )
        ],
        encodings={"第三批.txt": "gb18030"},
    )
    c.accepted(
        "utf16_txt",
        "Excel's 'Unicode text' export: tab-separated UTF-16LE with a BOM",
        [
            ("名册.csv", text(BASE_ROSTER)),
            ("第2批.txt", text(GOOD_LIST.replace(",", "\t"), "utf-16", crlf=True)),
        ],
        [check("units", ["name", "batch", "status_date"], [["丙苑", 2, "2022-05-09"]], status="created")],
        encodings={"第2批.txt": "utf-16"},
    )
    # ---- where the header is
    c.accepted(
        "title_lines",
        "two title lines above the header",
        [
            ("名册.csv", text("金山区无疫小区创建名册\n（截至2022年5月）\n" + JS_ROSTER)),
            ("第二批.csv", text("金山区第二批“无疫小区”名单\n（2022年5月9日公布）\n" + JS_LIST)),
        ],
        [js_created(), JS_TOTALS],
    )
    c.accepted(
        "xlsx_instruction_sheet",
        "an instruction sheet first, then the list with a title in row 2 and the header in row 4; "
        "a batch as a number cell",
        [
            ("名册.csv", text(JS_ROSTER)),
            (
                "第二批.xlsx",
                xlsx(
                    {
                        "填表说明": {0: ["请按名单页填写"], 1: ["日期写成 2022-05-16"], 2: ["批次写成 第2批 或 2"]},
                        "名单": {
                            1: ["金山区第二批无疫小区名单"],
                            3: ["区", "街镇", "居委/村", "名称", "类型", "批次", "公布日期"],
                            4: ["金山区", "山阳镇", "海欣居民区", "海皓馨苑", "小区", "第二批", "2022/5/9"],
                            5: ["金山区", "朱泾镇", "东林村", "东林村1组", "村民小组", 2, "2022-05-09"],
                        },
                    }
                ),
            ),
        ],
        [
            js_created(),
            check("files", ["name", "role", "rows"], [["第二批.xlsx", "status", 2], ["名册.csv", "roster", 6]]),
        ],
        encodings={"第二批.xlsx": "xlsx"},
    )
    c.accepted(
        "xlsx_several_sheets",
        "a roster workbook with one sheet per town, and a summary sheet with no header that is skipped",
        [
            (
                "名册.xlsx",
                xlsx(
                    {
                        "汇总": {0: ["金山区无疫小区创建名册汇总"], 1: ["山阳镇", 3], 2: ["朱泾镇", 3]},
                        "山阳镇": {
                            0: ["区", "街镇", "居委", "小区名称", "类型", "户数", "人口"],
                            1: ["金山区", "山阳镇", "海欣居民区", "海皓馨苑", "小区", 1240, 2390],
                            2: ["金山区", "山阳镇", "海欣居民区", "海欣苑", "小区", 860, 1710],
                            3: ["金山区", "山阳镇", "卫康居民区", "卫康苑", "小区", 540, 1020],
                        },
                        "朱泾镇": {
                            0: ["区", "街镇", "居委", "小区名称", "类型", "户数", "人口"],
                            1: ["金山区", "朱泾镇", "东林村", "东林村1组", "村民小组", 45, 120],
                            2: ["金山区", "朱泾镇", "东林村", "东林村2组", "村民小组", 38, 97],
                            3: ["金山区", "朱泾镇", "待泾村", "待泾村", "村", 610, 1480],
                        },
                    }
                ),
            ),
            ("第二批.csv", text(JS_LIST)),
        ],
        [
            js_created(),
            JS_TOTALS,
            check(
                "units",
                ["name", "households", "population"],
                [["卫康苑", 540, 1020], ["海欣苑", 860, 1710], ["海皓馨苑", 1240, 2390]],
                town="山阳镇",
            ),
        ],
        encodings={"名册.xlsx": "xlsx"},
    )
    c.accepted(
        "xlsx_date_cells",
        "real Excel date cells, formatted yyyy/m/d and yyyy年m月d日",
        [
            ("名册.csv", text(JS_ROSTER)),
            (
                "第二批.xlsx",
                workbook(
                    lambda book: (
                        sheet(
                            book,
                            "名单",
                            {
                                0: ["区", "街镇", "居委/村", "名称", "批次", "公布日期"],
                                1: ["金山区", "山阳镇", "海欣居民区", "海皓馨苑", "第二批", dt.datetime(2022, 5, 9)],
                            },
                        ),
                        sheet(
                            book,
                            "名单二",
                            {
                                0: ["区", "街镇", "居委/村", "名称", "批次", "公布日期"],
                                1: ["金山区", "朱泾镇", "东林村", "东林村1组", "第二批", dt.datetime(2022, 5, 9)],
                            },
                            date_format="yyyy年m月d日",
                        ),
                    )
                ),
            ),
        ],
        [js_created()],
        encodings={"第二批.xlsx": "xlsx"},
    )
    # ---- cells as people type them
    c.accepted(
        "full_width_and_spaces",
        "full-width digits and letters, spaces around and inside names",
        [
            ("名册.csv", text(JS_ROSTER)),
            (
                "第二批.csv",
                text(
                    "区 , 街镇 ,居委/村,名称,类型, 批次 ,公布日期\n"
                    " 金山区 , 山阳镇 ,海欣 居民区, 海皓馨苑 ,小区,第２批,２０２２/５/９ \n"
                    "金山区,朱泾镇,东林村,东林村１组,村民小组, 2 ,2022-05-09\n"
                ),
            ),
        ],
        [js_created(), check("snapshot_info", ["units", "events"], [[6, 2]])],
    )
    c.accepted(
        "merged_cells_csv",
        "blank district and town cells under merged cells (as Excel saves them to CSV), "
        "blank committee cells in the roster",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,居委,小区名称,类型,户数,人口\n"
                    "金山区,山阳镇,海欣居民区,海皓馨苑,小区,1240,2390\n"
                    ",,,海欣苑,小区,860,1710\n"
                    ",,卫康居民区,卫康苑,小区,540,1020\n"
                    ",朱泾镇,东林村,东林村1组,村民小组,45,120\n"
                    ",,,东林村2组,村民小组,38,97\n"
                    ",,待泾村,待泾村,村,610,1480\n"
                ),
            ),
            (
                "第二批.csv",
                text(
                    "区,街镇,居委/村,名称,类型,批次,公布日期\n"
                    "金山区,山阳镇,海欣居民区,海皓馨苑,小区,第二批,2022/5/9\n"
                    ",朱泾镇,东林村,东林村1组,村民小组,第二批,2022/5/9\n"
                ),
            ),
        ],
        [
            js_created(),
            JS_TOTALS,
            check(
                "units",
                ["town", "committee", "name"],
                [
                    ["山阳镇", "卫康居民区", "卫康苑"],
                    ["山阳镇", "海欣居民区", "海欣苑"],
                    ["山阳镇", "海欣居民区", "海皓馨苑"],
                    ["朱泾镇", "东林村", "东林村1组"],
                    ["朱泾镇", "东林村", "东林村2组"],
                    ["朱泾镇", "待泾村", "待泾村"],
                ],
            ),
        ],
    )
    c.accepted(
        "merged_cells_xlsx",
        "real merged district, town and committee cells in an XLSX roster and list",
        [("名册.xlsx", workbook(_merged_roster)), ("第二批.xlsx", workbook(_merged_list))],
        [
            js_created(),
            JS_TOTALS,
            check(
                "units",
                ["committee", "name"],
                [["东林村", "东林村1组"], ["东林村", "东林村2组"], ["待泾村", "待泾村"]],
                town="朱泾镇",
            ),
        ],
        encodings={"名册.xlsx": "xlsx", "第二批.xlsx": "xlsx"},
    )
    c.accepted(
        "date_forms",
        "each written date form: ISO, 2022/5/13, 2022.5.14, 2022年5月15日, 20220516, a date with a time",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,居委,小区名称,类型,户数,人口\n"
                    + "".join(f"戊区,G镇,七居委,{n}号苑,小区,100,200\n" for n in range(1, 7))
                ),
            ),
            (
                "第二批.csv",
                text(
                    "区,街镇,居委,小区名称,批次,公布日期\n"
                    "戊区,G镇,七居委,1号苑,2,2022-05-12\n"
                    "戊区,G镇,七居委,2号苑,2,2022/5/13\n"
                    "戊区,G镇,七居委,3号苑,2,2022.5.14\n"
                    "戊区,G镇,七居委,4号苑,2,2022年5月15日\n"
                    "戊区,G镇,七居委,5号苑,2,20220516\n"
                    "戊区,G镇,七居委,6号苑,2,2022-05-17 00:00:00\n"
                ),
            ),
        ],
        [
            check(
                "units",
                ["name", "status_date"],
                [
                    ["1号苑", "2022-05-12"],
                    ["2号苑", "2022-05-13"],
                    ["3号苑", "2022-05-14"],
                    ["4号苑", "2022-05-15"],
                    ["5号苑", "2022-05-16"],
                    ["6号苑", "2022-05-17"],
                ],
            )
        ],
    )
    c.accepted(
        "batch_words",
        "each batch word: 首批, 第一批, 第2批, 二批, 2, 第十二批, 第3批次 (a 轮 among them would be refused: "
        "batch_column_mixes_batches_and_rounds)",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,居委,小区名称,类型,户数,人口\n"
                    + "".join(f"戊区,G镇,七居委,{n}号苑,小区,100,200\n" for n in range(1, 8))
                ),
            ),
            (
                "名单.csv",
                text(
                    "区,街镇,居委,小区名称,批次,公布日期\n"
                    "戊区,G镇,七居委,1号苑,首批,2022-05-12\n"
                    "戊区,G镇,七居委,2号苑,第一批,2022-05-12\n"
                    "戊区,G镇,七居委,3号苑,第2批,2022-05-12\n"
                    "戊区,G镇,七居委,4号苑,二批,2022-05-12\n"
                    "戊区,G镇,七居委,5号苑,2,2022-05-12\n"
                    "戊区,G镇,七居委,6号苑,第十二批,2022-05-12\n"
                    "戊区,G镇,七居委,7号苑,第3批次,2022-05-12\n"
                ),
            ),
        ],
        [
            check(
                "units",
                ["name", "batch"],
                [["1号苑", 1], ["2号苑", 1], ["3号苑", 2], ["4号苑", 2], ["5号苑", 2], ["6号苑", 12], ["7号苑", 3]],
            )
        ],
    )
    c.accepted(
        "english_headers",
        "English headers, in another column order, with an extra column kept aside",
        [
            (
                "roster.csv",
                text(
                    "name,kind,district,town,committee,households,population,notes\n"
                    "海皓馨苑,小区,金山区,山阳镇,海欣居民区,1240,2390,\n"
                    "海欣苑,compound,金山区,山阳镇,海欣居民区,860,1710,new\n"
                    "卫康苑,小区,金山区,山阳镇,卫康居民区,540,1020,\n"
                    "东林村1组,village group,金山区,朱泾镇,东林村,45,120,\n"
                    "东林村2组,村民小组,金山区,朱泾镇,东林村,38,97,\n"
                    "待泾村,village,金山区,朱泾镇,待泾村,610,1480,\n"
                ),
            ),
            (
                "batch2.csv",
                text(
                    "District,Town,Village,Name,Round,Date\n"
                    "金山区,山阳镇,海欣居民区,海皓馨苑,2,2022-05-09\n"
                    "金山区,朱泾镇,东林村,东林村1组,2,2022-05-09\n"
                ),
            ),
        ],
        [
            js_created(),
            JS_TOTALS,
            check("batches", ["district", "batch", "counts_rounds", "units"], [["金山区", 2, True, 2]]),
        ],
    )
    c.accepted(
        "extra_columns",
        "unknown extra columns (备注, 联系人) and a column with no header are kept aside, not fatal",
        [
            ("名册.csv", text(JS_ROSTER)),
            (
                "第二批.csv",
                text(
                    "序号,区,街镇,居委/村,名称,类型,批次,公布日期,备注,联系人,\n"
                    "1,金山区,山阳镇,海欣居民区,海皓馨苑,小区,第二批,2022/5/9,,王,x\n"
                    "2,金山区,朱泾镇,东林村,东林村1组,村民小组,第二批,2022/5/9,新增,李,\n"
                ),
            ),
        ],
        [js_created()],
    )
    c.accepted(
        "listed_twice_identically",
        "the same unit twice in a list, with the same batch and date: one listing",
        [
            ("名册.csv", text(JS_ROSTER)),
            ("第二批.csv", text(JS_LIST + "金山区,山阳镇,海欣居民区,海皓馨苑,小区,第2批,2022-05-09\n")),
        ],
        [js_created(), check("snapshot_info", ["units", "events"], [[6, 2]])],
    )
    # ---- what the file is
    c.accepted(
        "status_changes",
        "lists, then 取消 (revoked), 示范 (model), 申报 (applied) and a re-creation, in files without a batch column",
        [
            ("名册.csv", text(JS_ROSTER)),
            ("第二批.csv", text(JS_LIST)),
            (
                "状态变化.csv",
                text(
                    "区,街镇,居委/村,名称,状态,公布日期\n"
                    "金山区,朱泾镇,东林村,东林村1组,取消,2022-05-11\n"
                    "金山区,山阳镇,海欣居民区,海皓馨苑,示范,2022-05-12\n"
                    "金山区,山阳镇,卫康居民区,卫康苑,申报,2022-05-12\n"
                ),
            ),
            (
                "第三批.csv",
                text(
                    "区,街镇,居委/村,名称,状态,批次,公布日期\n金山区,朱泾镇,东林村,东林村1组,已创建,第三批,2022-05-16\n"
                ),
            ),
        ],
        [
            check(
                "units",
                ["name", "status", "batch", "status_date", "times_created"],
                [["东林村1组", "revoked", None, "2022-05-11", 1]],
                district="金山区",
                status="revoked",
                as_of="2022-05-15",
            ),
            check(
                "units",
                ["name", "status", "batch", "status_date", "times_created"],
                [["海皓馨苑", "model", 2, "2022-05-09", 1], ["东林村1组", "created", 3, "2022-05-16", 2]],
                status="created",
            ),
            check("snapshot_info", ["events"], [[6]]),
        ],
    )
    c.accepted(
        "targets",
        "official totals, one for all kinds of a district (村居) and one for a kind, reconciled with the roster",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,村居名称,类型,户数,人口\n崇明区,堡镇,桃源村,村,1441,2960\n崇明区,堡镇,堡镇社区,社区,2300,5100\n"
                ),
            ),
            (
                "官方总数.csv",
                text("区,类型,官方总数,截至日期,来源\n崇明区,村居,357,2022-05-23,人民网上海频道\n崇明区,村,264,,\n"),
            ),
        ],
        [
            check(
                "targets_check",
                ["district", "kind", "target", "target_date", "source", "roster"],
                [["崇明区", "village", 264, None, None, 1], ["崇明区", None, 357, "2022-05-23", "人民网上海频道", 2]],
            )
        ],
    )
    c.accepted(
        "roster_without_committee",
        "Chongming's roster: villages and communities are their own committees, no 居委/村 column; rounds (轮次)",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,村居名称,类型,户数,人口\n崇明区,堡镇,桃源村,村,1441,2960\n崇明区,堡镇,堡镇社区,社区,2300,5100\n"
                ),
            ),
            ("第一轮.csv", text("区,街镇,村居名称,轮次,公布日期\n崇明区,堡镇,桃源村,第一轮,2022-04-22\n")),
        ],
        [
            check(
                "units",
                ["committee", "name", "kind", "status", "batch"],
                [
                    ["堡镇社区", "堡镇社区", "community", "not_created", None],
                    ["桃源村", "桃源村", "village", "created", 1],
                ],
            ),
            check("batches", ["district", "batch", "counts_rounds"], [["崇明区", 1, True]]),
        ],
    )
    c.accepted(
        "rosterless_district",
        "a district that sends lists only: counts, no coverage",
        [
            (
                "乙区第一轮.csv",
                text(
                    "区,街镇,名称,类型,轮次,公布日期\n乙区,C镇,东村,村,第一轮,2022-04-22\n乙区,C镇,西村,村,第二轮,2022-04-25\n"
                ),
            )
        ],
        [
            check(
                "coverage_by_district",
                ["district", "kind", "total", "created", "coverage_pct"],
                [["乙区", "village", None, 2, None]],
            ),
            check(
                "units",
                ["committee", "name", "in_roster", "batch"],
                [["东村", "东村", False, 1], ["西村", "西村", False, 2]],
            ),
        ],
    )
    c.accepted(
        "title_only_list",
        "the README's list whose title says district, batch and date, with a table of names only (GBK)",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,居委/村,名称,类型,户数,人口\n闵行区,江川路街道,一居委,甲苑,小区,100,250\n闵行区,江川路街道,一居委,乙苑,小区,80,190\n"
                ),
            ),
            (
                "名单.csv",
                text(
                    "闵行区首批“无疫小区”名单（2022年5月9日公布）\n街镇,居委,小区名称\n江川路街道,一居委,甲苑\n",
                    "gb18030",
                    crlf=True,
                ),
            ),
        ],
        [
            check(
                "units",
                ["district", "name", "batch", "status_date"],
                [["闵行区", "甲苑", 1, "2022-05-09"]],
                status="created",
            )
        ],
        encodings={"名单.csv": "gb18030"},
    )
    c.accepted(
        "import_options",
        "a list with neither district, batch nor date: the import options (--district --round --date) give them",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,居委/村,名称,类型,户数,人口\n闵行区,江川路街道,一居委,甲苑,小区,100,250\n闵行区,江川路街道,一居委,乙苑,小区,80,190\n"
                ),
            ),
            ("名单.csv", text("街镇,居委,小区名称\n江川路街道,一居委,乙苑\n")),
        ],
        [
            check(
                "units",
                ["district", "name", "batch", "status_date"],
                [["闵行区", "乙苑", 2, "2022-05-14"]],
                status="created",
            ),
            check("batches", ["district", "batch", "counts_rounds"], [["闵行区", 2, True]]),
        ],
        defaults={"district": "闵行区", "batch": 2, "counts_rounds": True, "published": "2022-05-14"},
    )
    c.accepted(
        "title_and_import_options",
        "a title that says the batch and date but not the district: the option gives the district",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,居委/村,名称,类型,户数,人口\n闵行区,江川路街道,一居委,甲苑,小区,100,250\n闵行区,江川路街道,一居委,乙苑,小区,80,190\n"
                ),
            ),
            ("名单.csv", text("第三批无疫小区名单（2022年5月20日）\n小区名称\n甲苑\n乙苑\n")),
        ],
        [
            check(
                "units",
                ["name", "batch", "status_date"],
                [["乙苑", 3, "2022-05-20"], ["甲苑", 3, "2022-05-20"]],
                status="created",
            )
        ],
        defaults={"district": "闵行区"},
    )

    # ---- grid rosters and services logs (issue 6)
    c.accepted(
        "grid_roster_merged_cells",
        "a grid roster with district, town and village only on each tree's first row; GB18030, CRLF",
        [
            (
                "网格名册.csv",
                text(
                    GRID_HEADER + "金山区,金山卫镇,星火村,星火村总网格,,总网格,60,3,3-5\n"
                    ",,,第1子网格,星火村总网格,子网格,35,2,3-5\n"
                    ",,,第1-1微网格,第1子网格,微网格,20,4,3～5\n"
                    ",,,第2子网格,星火村总网格,子网格,25,1,4\n"
                    "金山区,山阳镇,海欣居民区,海欣家园第1大网格,,大网格,300,1,\n"
                    ",,,海欣家园第1大网格1小网格,海欣家园第1大网格,小网格,160,3,\n",
                    "gb18030",
                    crlf=True,
                ),
            )
        ],
        [
            check(
                "grid_tree",
                ["grid", "parent", "level", "depth", "households", "subtree_workers", "linked_min", "linked_max"],
                [
                    ["星火村总网格", None, "total", 0, 60, 10, 3, 5],
                    ["第1子网格", "星火村总网格", "sub", 1, 35, 6, 3, 5],
                    ["第2子网格", "星火村总网格", "sub", 1, 25, 1, 4, 4],
                    ["第1-1微网格", "第1子网格", "micro", 2, 20, 4, 3, 5],
                ],
                district="金山区",
                town="金山卫镇",
                committee="星火村",
            ),
            check(
                "grid_places",
                ["committee", "grids", "households", "workers"],
                [["海欣居民区", 2, 300, 4], ["星火村", 4, 60, 10]],
            ),
        ],
        encodings={"网格名册.csv": "gb18030"},
    )
    c.accepted(
        "services_log_xlsx_english",
        "a services log as a workbook with English headers and Excel date cells, one day's rows summed",
        [
            (
                "services.xlsx",
                xlsx(
                    {
                        "log": {
                            0: ["district", "town", "village", "date", "service", "count"],
                            1: ["崇明区", "中兴镇", "汲浜村", dt.datetime(2022, 4, 1), "road guard", 28],
                            2: ["崇明区", "中兴镇", "汲浜村", dt.datetime(2022, 4, 2), "medicine", 5],
                            3: ["崇明区", "中兴镇", "汲浜村", dt.datetime(2022, 4, 2), "送药", 2],
                        }
                    }
                ),
            )
        ],
        [
            check(
                "services_by_kind",
                ["kind", "total", "places", "first_day", "last_day"],
                [["medicine", 7, 1, "2022-04-02", "2022-04-02"], ["road_guard", 28, 1, "2022-04-01", "2022-04-01"]],
            )
        ],
        encodings={"services.xlsx": "xlsx"},
    )

    c.accepted(
        "cumulative_list_with_whole_marks",
        "a cumulative list (累计 in its title, no batch column) after batch 2, in GB18030 with CRLF, marking 整建制 "
        "on each committee's first row only: units already created keep their batch 2 event, the others are "
        "created on its day",
        [
            ("名册.csv", text(JS_ROSTER)),
            ("第二批.csv", text(JS_LIST)),
            (
                "累计名单.csv",
                text(
                    "金山区累计无疫小区名单（截至2022年5月14日）\n"
                    "街镇,居委/村,名称,整建制\n"
                    "山阳镇,海欣居民区,海皓馨苑,是\n"
                    "山阳镇,海欣居民区,海欣苑,\n"
                    "朱泾镇,东林村,东林村1组,整村\n"
                    "朱泾镇,东林村,东林村2组,\n",
                    "gb18030",
                    crlf=True,
                ),
            ),
        ],
        [
            js_created(
                [
                    ["山阳镇", "海欣苑", None, "2022-05-14"],
                    ["山阳镇", "海皓馨苑", 2, "2022-05-09"],
                    ["朱泾镇", "东林村1组", 2, "2022-05-09"],
                    ["朱泾镇", "东林村2组", None, "2022-05-14"],
                ]
            ),
            check("snapshot_info", ["events"], [[4]]),
            check(
                "list_marks",
                [
                    "kind",
                    "lists_with_marks",
                    "committees_marked_whole",
                    "committees_marked_not_whole",
                    "cumulative_lists",
                ],
                [["compound", 1, 1, 0, 1], ["village_group", 1, 1, 0, 1]],
            ),
            check("dq_whole_claim_missing", ["committee", "name"], []),
            check("dq_cumulative_fell", ["name"], []),
        ],
        encodings={"累计名单.csv": "gb18030"},
    )
    unseen_district_cases(c)


# a district no other case knows, with its towns (issue #15: files from districts never seen load right)
MH_ROSTER = (
    "区,街镇,居委,小区名称,类型,户数,人口\n"
    "闵行区,七宝镇,航华一村居委,航华一村,小区,900,2100\n"
    "闵行区,七宝镇,航华一村居委,航华二村,小区,700,1600\n"
    "闵行区,古美路街道,古美一居委,古美苑,小区,500,1200\n"
)

PD_ROSTER = (
    "区,街镇,居委,小区名称,户数\n"
    "浦东新区,川沙新镇,城南居委,城南小区,500\n"
    "浦东新区,川沙新镇,城南居委,华夏一村,400\n"
    "浦东新区,张江镇,孙桥居委,孙桥苑,300\n"
)


def unseen_district_cases(c: Corpus) -> None:
    """Each file gives what it lacks in a column through another hint, as towns' files do."""
    c.accepted(
        "roster_without_kind_column",
        "a roster with no 类型 and no 人口 column: its header 小区名称 and its title 居民小区名册 say compounds",
        [
            (
                "名册.csv",
                text(
                    "闵行区居民小区名册\n街镇,居委,小区名称,户数\n七宝镇,航华一村居委,航华一村,900\n"
                    "七宝镇,航华一村居委,航华二村,700\n古美路街道,古美一居委,古美苑,\n",
                    "gb18030",
                    crlf=True,
                ),
            )
        ],
        [
            check(
                "coverage_by_district",
                ["district", "kind", "total", "created"],
                [["闵行区", "compound", 3, 0]],
            ),
            check(
                "find_units",
                ["town", "name", "kind", "households", "population"],
                [
                    ["七宝镇", "航华一村", "compound", 900, None],
                    ["七宝镇", "航华二村", "compound", 700, None],
                    ["古美路街道", "古美苑", "compound", None, None],
                ],
            ),
        ],
        encodings={"名册.csv": "gb18030"},
    )
    c.accepted(
        "town_list_district_from_roster",
        "a town's batch list naming no district (no column, title or file name): its towns and committees are in "
        "闵行区's roster only",
        [
            ("名册.csv", text(MH_ROSTER)),
            (
                "七宝镇名单.csv",
                text("街镇,居委,小区名称,批次,公布日期\n七宝镇,航华一村居委,航华二村,第2批,2022/5/9\n"),
            ),
        ],
        [
            check(
                "units",
                ["district", "town", "name", "batch", "status_date"],
                [["闵行区", "七宝镇", "航华二村", 2, "2022-05-09"]],
                status="created",
            )
        ],
    )
    c.accepted(
        "model_list_never_created",
        "a district's list of model compounds (示范) for units never listed as created: each counts created as of the "
        "model day, and model, with kind compound from the header; the quality check lists them",
        [
            (
                "闵行区示范无疫小区名单.csv",
                text(
                    "区,街镇,居委,小区名称,状态,公布日期\n闵行区,七宝镇,航华一村居委,航华一村,示范,2022-05-20\n"
                    "闵行区,古美路街道,古美一居委,古美苑,示范,2022-05-20\n"
                ),
            )
        ],
        [
            check(
                "coverage_by_district",
                ["district", "kind", "created", "model"],
                [["闵行区", "compound", 2, 2]],
            ),
            check(
                "dq_model_no_creation",
                ["district", "name", "model_published", "model_row"],
                [["闵行区", "航华一村", "2022-05-20", 2], ["闵行区", "古美苑", "2022-05-20", 3]],
            ),
            check("coverage_by_district", ["created", "model"], [[0, 0]], as_of="2022-05-19"),
        ],
    )
    c.accepted(
        "headers_as_people_write_them",
        "headers with brackets, slashes and extra words (街道（镇）, 所属村居委会, 小区名称（全称）, 户数（户）), an "
        "address column left aside, the district only in the file name, the date as 5月9日 in the title",
        [
            ("名册.csv", text(MH_ROSTER)),
            (
                "2022闵行区第二批名单.csv",
                text(
                    "第二批无疫小区名单（5月9日公布）\n序号,街道（镇）,所属村居委会,小区名称（全称）,小区地址\n"
                    "1,七宝镇,航华一村居委,航华一村,七宝镇某路1号\n2,古美路街道,古美一居委,古美苑,古美路2号\n"
                ),
            ),
        ],
        [
            check(
                "units",
                ["district", "name", "batch", "status_date"],
                [["闵行区", "航华一村", 2, "2022-05-09"], ["闵行区", "古美苑", 2, "2022-05-09"]],
                status="created",
            )
        ],
    )
    c.accepted(
        "sheets_named_after_towns",
        "a workbook with an instruction sheet and one sheet per town, none with a town column: each sheet's name is "
        "its rows' town; district, batch and date from the title",
        [
            ("名册.csv", text(MH_ROSTER)),
            (
                "名单.xlsx",
                xlsx(
                    {
                        "填表说明": {0: ["请按街镇分表填写"], 1: ["不要修改表头"]},
                        "七宝镇": {
                            0: ["闵行区第3批无疫小区名单 2022.5.12"],
                            1: ["居委", "小区名称"],
                            2: ["航华一村居委", "航华一村"],
                        },
                        "古美路街道": {
                            0: ["闵行区第3批无疫小区名单 2022.5.12"],
                            1: ["居委", "小区名称"],
                            2: ["古美一居委", "古美苑"],
                        },
                    }
                ),
            ),
        ],
        [
            check(
                "units",
                ["town", "name", "batch", "status_date"],
                [["七宝镇", "航华一村", 3, "2022-05-12"], ["古美路街道", "古美苑", 3, "2022-05-12"]],
                status="created",
            )
        ],
    )
    c.accepted(
        "numbered_names_only",
        "found by tests/intake/test_unseen_districts.py: a title saying district, batch and date over a table of "
        "a 序号 column and names only",
        [
            ("名册.csv", text(MH_ROSTER)),
            ("名单.csv", text("闵行区第3批无疫小区名单（2022-05-12公布）\n序号,小区名称\n1,古美苑\n")),
        ],
        [
            check(
                "units",
                ["district", "name", "batch", "status_date"],
                [["闵行区", "古美苑", 3, "2022-05-12"]],
                status="created",
            )
        ],
    )
    c.accepted(
        "roster_kind_from_its_header_with_a_list",
        "found by tests/intake/test_unseen_districts.py: a roster whose kind only its header 小区名称 says, and in "
        "the same run a list whose header 名称 says none: the list's units take the roster's kind",
        [
            ("名册.csv", text("闵行区名册\n街镇,居委,小区名称\n古美路街道,古美一居委,古美苑\n")),
            ("名单.csv", text("区,街镇,居委,名称,批次,公布日期\n闵行区,古美路街道,古美一居委,古美苑,1,2022-05-12\n")),
        ],
        [check("coverage_by_district", ["district", "kind", "total", "created"], [["闵行区", "compound", 1, 1]])],
    )
    c.accepted(
        "village_list_kind_from_names",
        "a district's first list of 村居 (villages and communities, no 类型, no roster): each unit's kind from how its "
        "name ends (…村 village, …社区 community)",
        [
            (
                "奉贤区第一轮.csv",
                text(
                    "街镇,村居名称,轮次,公布日期\n南桥镇,杨王村,第一轮,2022-04-22\n南桥镇,江海社区,第一轮,2022-04-22\n"
                ),
            )
        ],
        [
            check(
                "coverage_by_district",
                ["district", "kind", "created"],
                [["奉贤区", "community", 1], ["奉贤区", "village", 1]],
            )
        ],
    )

    c.accepted(
        "totals_rows_and_notes",
        "found trying a district no test knew: a roster's 合计 row, a list's notes under the table (注：…, 共2个小区, "
        "填报人：… 联系电话：…) are not units; the report names each row",
        [
            (
                "闵行区_小区名册.csv",
                text(
                    "闵行区居民小区基本情况表\n序号,街镇,居委会,小区名称,户数（户）\n1,七宝镇,航华一村居委,航华一村,900\n"
                    "2,古美路街道,古美一居委,古美苑,700\n合计,,,,1600\n",
                    "gb18030",
                    crlf=True,
                ),
            ),
            (
                "闵行区第一批无疫小区名单.csv",
                text(
                    "闵行区第一批“无疫小区”名单\n（2022年4月29日公布）\n序号,街镇,居委,小区名称\n"
                    "1,七宝镇,航华一村居委,航华一村\n\n注：以上排名不分先后\n共1个小区\n填报人：王某,联系电话：021-1234\n",
                    "gb18030",
                    crlf=True,
                ),
            ),
        ],
        [
            check(
                "find_units",
                ["town", "name", "households"],
                [["七宝镇", "航华一村", 900], ["古美路街道", "古美苑", 700]],
            ),
            check("coverage_by_district", ["district", "kind", "total", "created"], [["闵行区", "compound", 2, 1]]),
        ],
        encodings={"闵行区_小区名册.csv": "gb18030", "闵行区第一批无疫小区名单.csv": "gb18030"},
    )
    c.accepted(
        "batch_list_with_households",
        "found trying a district no test knew: a batch list carrying 户数 (its title says 第三批 and the day, its "
        "小计 and 合计 rows) is a list that creates its units, not a roster that updates their households",
        [
            ("名册.csv", text(MH_ROSTER)),
            (
                "闵行区_名单.xlsx",
                xlsx(
                    {
                        "第三批": {
                            0: ["闵行区第三批无疫小区名单（2022年5月16日）"],
                            1: ["序号", "街镇", "居委", "小区名称", "户数"],
                            2: [1, "七宝镇", "航华一村居委", "航华二村", 700],
                            3: ["小计", "七宝镇", "", "", 700],
                            4: ["合计", "", "", "", 700],
                            6: ["注：名单按街镇排序"],
                        }
                    }
                ),
            ),
        ],
        [
            check(
                "units",
                ["district", "town", "name", "batch", "status_date"],
                [["闵行区", "七宝镇", "航华二村", 3, "2022-05-16"]],
                status="created",
            )
        ],
    )
    c.accepted(
        "status_only_in_title",
        "found trying 浦东新区: lists with no 状态 column whose title says the status: 第二批示范无疫小区名单 lists "
        "models (not creations of batch 2), 撤销无疫小区名单 revocations",
        [
            ("名册.csv", text(PD_ROSTER)),
            (
                "名单.csv",
                text("浦东新区第一批无疫小区名单（2022年5月6日）\n街镇,居委,小区名称\n川沙新镇,城南居委,城南小区\n"),
            ),
            (
                "示范.csv",
                text("浦东新区第二批示范无疫小区名单（2022年5月20日）\n街镇,居委,小区名称\n张江镇,孙桥居委,孙桥苑\n"),
            ),
            (
                "撤销.csv",
                text("浦东新区撤销无疫小区名单（2022年5月21日）\n街镇,居委,小区名称\n川沙新镇,城南居委,城南小区\n"),
            ),
        ],
        [
            check(
                "coverage_by_district",
                ["district", "kind", "total", "created", "model", "revoked"],
                [["浦东新区", "compound", 3, 1, 1, 1]],
            ),
            check(
                "units",
                ["name", "status", "status_date"],
                [["孙桥苑", "model", "2022-05-20"]],
                status="created",
            ),
        ],
    )
    c.accepted(
        "district_written_short",
        "found trying 浦东新区: a list naming its district 浦东 in every row, another 上海市浦东新区: the roster's "
        "浦东新区 (not districts of their own with no roster, their units counted there), said in the report",
        [
            ("名册.csv", text(PD_ROSTER)),
            ("川沙.csv", text("区,街镇,居委,小区名称,批次,公布日期\n浦东,川沙新镇,城南居委,城南小区,1,2022/5/6\n")),
            (
                "张江.csv",
                text("区,街镇,居委,小区名称,批次,公布日期\n上海市浦东新区,张江镇,孙桥居委,孙桥苑,1,2022/5/6\n"),
            ),
        ],
        [
            check(
                "coverage_by_district",
                ["district", "kind", "total", "created"],
                [["浦东新区", "compound", 3, 2]],
            ),
        ],
    )
    title = "浦东新区第一批无疫小区名单（2022年5月6日）"
    c.accepted(
        "summary_sheet_repeats_town_sheets",
        "found trying 浦东新区: a workbook with a sheet per town and a 汇总 sheet repeating their rows is one list: "
        "each unit created once, not created twice on one day (the quality page's 未经取消而重复创建)",
        [
            ("名册.csv", text(PD_ROSTER)),
            (
                "浦东新区第一批.xlsx",
                xlsx(
                    {
                        "汇总": {
                            0: [title],
                            1: ["街镇", "居委", "小区名称"],
                            2: ["川沙新镇", "城南居委", "城南小区"],
                            3: ["张江镇", "孙桥居委", "孙桥苑"],
                        },
                        "川沙新镇": {0: [title], 1: ["居委", "小区名称"], 2: ["城南居委", "城南小区"]},
                        "张江镇": {0: [title], 1: ["居委", "小区名称"], 2: ["孙桥居委", "孙桥苑"]},
                    }
                ),
            ),
        ],
        [
            check("coverage_by_district", ["district", "total", "created"], [["浦东新区", 3, 2]]),
            check("dq_created_twice", ["name"], []),
            check("changes_by_date", ["published", "created_new", "created_again"], [["2022-05-06", 2, 0]]),
        ],
    )
    c.accepted(
        "hidden_sheet_not_read",
        "found trying 浦东新区: a workbook whose hidden sheet holds an older list with its own title is read as the "
        "official sees it, without the hidden sheet (its units not created), and the report says so",
        [("名册.csv", text(PD_ROSTER)), ("浦东新区第二批.xlsx", workbook(_hidden_sheet_list))],
        [
            check(
                "units",
                ["name", "batch", "status_date"],
                [["孙桥苑", 2, "2022-05-09"]],
                status="created",
            )
        ],
    )
    c.accepted(
        "semicolon_separated",
        'found trying 松江区: a CSV separated by semicolons, as Excel saves "CSV" where the comma is the decimal '
        "mark, with a name holding a comma in quotes",
        [
            ("名册.csv", text(PD_ROSTER.replace("孙桥苑", '"孙桥苑,东区"'))),
            (
                "浦东新区第一批.csv",
                text(
                    "区;街镇;居委;小区名称;批次;公布日期\n浦东新区;川沙新镇;城南居委;城南小区;1;2022/5/6\n"
                    '浦东新区;张江镇;孙桥居委;"孙桥苑,东区";1;2022/5/6\n',
                    "gb18030",
                    crlf=True,
                ),
            ),
        ],
        [check("units", ["name", "batch"], [["城南小区", 1], ["孙桥苑,东区", 1]], status="created")],
        encodings={"浦东新区第一批.csv": "gb18030"},
    )
    c.accepted(
        "wrapped_cells",
        "found trying 青浦区: cells wrapped in Excel (Alt+Enter): headers 小区⏎名称 and 公布⏎日期, a name 甲苑⏎(一期) "
        "that the roster writes 甲苑(一期), a town 夏阳⏎街道",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,居委,小区名称,户数\n青浦区,夏阳街道,青湖居委,甲苑(一期),300\n青浦区,夏阳街道,青湖居委,甲苑(二期),200\n"
                ),
            ),
            (
                "青浦区第一批.xlsx",
                xlsx(
                    {
                        "名单": {
                            0: ["区", "街镇", "居委", "小区\n名称", "批次", "公布\n日期"],
                            1: ["青浦区", "夏阳\n街道", "青湖居委", "甲苑\n(一期)", "第1批", "2022/5/6"],
                            2: ["青浦区", "夏阳街道", "青湖居委", "甲苑 （二期）", "第1批", "2022/5/6"],
                        }
                    }
                ),
            ),
        ],
        [check("units", ["name", "batch"], [["甲苑(一期)", 1], ["甲苑(二期)", 1]], status="created")],
    )
    c.accepted(
        "names_written_otherwise",
        "found trying 浦东新区: a list's names written otherwise than the roster's, each agreeing with one roster unit "
        "of its committee (its town, with no committee): 华夏一村小区 for 华夏一村, 城南 for 城南小区, 汤臣豪园1期 and "
        "汤臣豪园（二期） for 汤臣豪园一期 and 汤臣豪园二期; each read as the roster's, one warning a table",
        [
            (
                "名册.csv",
                text(
                    PD_ROSTER + "浦东新区,张江镇,孙桥居委,汤臣豪园一期,350\n浦东新区,张江镇,孙桥居委,汤臣豪园二期,350\n"
                ),
            ),
            (
                "川沙.csv",
                text(
                    "区,街镇,居委,小区名称,批次,公布日期\n浦东新区,川沙新镇,城南居委,华夏一村小区,1,2022/5/6\n"
                    "浦东新区,川沙新镇,城南居委,城南,1,2022/5/6\n"
                ),
            ),
            (
                "张江.csv",
                text(
                    "区,街镇,小区名称,批次,公布日期\n浦东新区,张江镇,汤臣豪园1期,1,2022/5/6\n"
                    "浦东新区,张江镇,汤臣豪园（二期）,1,2022/5/6\n"
                ),
            ),
        ],
        [
            check(
                "units",
                ["name", "batch"],
                [["华夏一村", 1], ["城南小区", 1], ["汤臣豪园一期", 1], ["汤臣豪园二期", 1]],
                status="created",
            ),
            check("coverage_by_district", ["district", "total", "created"], [["浦东新区", 5, 4]]),
        ],
    )
    c.accepted(
        "header_repeated_on_every_page",
        "found trying 金山区 with no roster: a list made in Word, its header repeated on every printed page; the "
        "repeated header is no unit (it was loaded as a unit 小区名称 of town 街镇, created)",
        [
            (
                "金山区第一批.csv",
                text(
                    "金山区第一批无疫小区名单（2022年5月6日）\n街镇,居委,小区名称\n朱泾镇,东林居委,东林苑\n\n"
                    "街镇,居委,小区名称\n朱泾镇,待泾居委,待泾苑\n",
                    "utf-8-sig",
                ),
            )
        ],
        [
            check(
                "units",
                ["town", "committee", "name", "batch"],
                [["朱泾镇", "东林居委", "东林苑", 1], ["朱泾镇", "待泾居委", "待泾苑", 1]],
            )
        ],
        encodings={"金山区第一批.csv": "utf-8-sig"},
    )


def _hidden_sheet_list(book: xlsxwriter.Workbook) -> None:
    header = ["街镇", "居委", "小区名称"]
    sheet(
        book,
        "名单",
        {0: ["浦东新区第二批无疫小区名单（2022年5月9日）"], 1: header, 2: ["张江镇", "孙桥居委", "孙桥苑"]},
    )
    old = sheet(
        book,
        "草稿",
        {0: ["浦东新区第二批无疫小区名单（2022年5月8日）"], 1: header, 2: ["川沙新镇", "城南居委", "城南小区"]},
    )
    old.hide()


def _merged_roster(book: xlsxwriter.Workbook) -> None:
    ws = sheet(
        book,
        "名册",
        {
            0: ["区", "街镇", "居委", "小区名称", "类型", "户数", "人口"],
            1: [None, None, None, "海皓馨苑", "小区", 1240, 2390],
            2: [None, None, None, "海欣苑", "小区", 860, 1710],
            3: [None, None, "卫康居民区", "卫康苑", "小区", 540, 1020],
            4: [None, None, None, "东林村1组", "村民小组", 45, 120],
            5: [None, None, None, "东林村2组", "村民小组", 38, 97],
            6: [None, None, "待泾村", "待泾村", "村", 610, 1480],
        },
    )
    ws.merge_range(1, 0, 6, 0, "金山区")
    ws.merge_range(1, 1, 3, 1, "山阳镇")
    ws.merge_range(4, 1, 6, 1, "朱泾镇")
    ws.merge_range(1, 2, 2, 2, "海欣居民区")
    ws.merge_range(4, 2, 5, 2, "东林村")


def _merged_list(book: xlsxwriter.Workbook) -> None:
    ws = sheet(
        book,
        "第二批",
        {
            0: ["金山区第二批“无疫小区”名单"],
            1: ["区", "街镇", "居委/村", "名称", "类型", "批次", "公布日期"],
            2: [None, "山阳镇", "海欣居民区", "海皓馨苑", "小区", "第二批", "2022/5/9"],
            3: [None, "朱泾镇", "东林村", "东林村1组", "村民小组", "第二批", "2022/5/9"],
        },
    )
    ws.merge_range(2, 0, 3, 0, "金山区")


# ---------------------------------------------------------------------------------------- writing ---
def base_files() -> Files:
    return [("roster.csv", text(BASE_ROSTER)), ("list1.csv", text(BASE_LIST)), ("good.csv", text(GOOD_LIST))]


BASE_README = """# base

`roster.csv` and `list1.csv` are published into the database every refused case is tried against
(甲区: five units, 甲苑 in A镇 created in batch 1). `good.csv` is the good file each refused case is
also run with, in both orders: it must not be loaded either. Written by `../make_corpus.py`.
"""


# ---- issue 15, session 9: districts no case knew (徐汇, 黄浦, 青浦, 虹口, 松江, 长宁), as their officials write
CN_ROSTER = (
    "街镇,居委,小区名称,户数,人口\n"
    "新华路街道,番禺居委,番禺小区,100,200\n"
    "新华路街道,番禺居委,番禺新村,100,200\n"
    "新华路街道,法华居委,法华小区,100,200\n"
)
CN_FIRST = "街镇,居委,小区名称,批次,公布日期\n新华路街道,番禺居委,番禺小区,1,2022-05-09\n"


YP_ROSTER = (
    "街道,居委,小区名称\n五角场街道,政立居委,国权小区\n五角场街道,政立居委,政立小区\n五角场街道,国定居委,国定一村\n"
    "殷行街道,开鲁居委,开鲁新村\n五角场街道,开鲁居委,开鲁小区\n"
)


def _merged_down(ws) -> None:
    ws.merge_range("F3:F5", "第二批")
    ws.merge_range("G3:G5", "2022-05-12")


def unseen_refused(c: Corpus) -> None:
    c.refused(
        "whole_committee_not_in_roster",
        "a 整建制 list naming committees only (街镇, 居委): a committee with no unit in the district's roster is "
        "refused, naming it",
        [
            ("长宁区名册.csv", text(CN_ROSTER)),
            ("长宁区第二批整建制名单.csv", text("街镇,居委,批次,公布日期\n新华路街道,华山居委,2,2022-05-12\n")),
        ],
        [problem("长宁区第二批整建制名单.csv", "无法按整建制计入", 2, "居委", "华山居委")],
    )
    c.refused(
        "remark_mentions_revocation",
        "a list whose 备注 says a unit was revoked among other words (已于5月15日撤销): refused naming the cell, "
        "never counted created",
        [
            (
                "黄浦区第一批名单.csv",
                text(
                    "区,街镇,居委,小区名称,批次,公布日期,备注\n"
                    "黄浦区,外滩街道,宁波路居委,宁波小区,1,2022-05-09,\n"
                    "黄浦区,外滩街道,宁波路居委,福州小区,1,2022-05-09,已于5月15日撤销\n"
                ),
            )
        ],
        [problem("黄浦区第一批名单.csv", "无法识别的状态", 3, "备注", "已于5月15日撤销")],
    )
    c.refused(
        "status_against_remark",
        "宝山区's list: 状态 已创建 on a row whose 备注 says 已撤销: which is it? Refused naming the 备注 cell",
        [
            (
                "宝山区第二批.csv",
                text(
                    "街镇,居委,小区名称,批次,状态,公布日期,备注\n友谊路街道,一居委,乙苑,2,已创建,2022-05-12,已撤销\n"
                    "友谊路街道,一居委,丙苑,2,已创建,2022-05-12,含售后公房\n"
                ),
            )
        ],
        [problem("宝山区第二批.csv", "却写着撤销或示范", 2, "备注", "已撤销")],
    )
    c.refused(
        "month_dot_day",
        "a date typed 5.9 (month.day, no year): Excel keeps 5.10 as 5.1, so it is refused saying so",
        [
            (
                "青浦区首批名单.csv",
                text("区,街镇,居委,小区名称,批次,公布日期\n青浦区,夏阳街道,城南居委,青城苑,首批,5.9\n"),
            )
        ],
        [problem("青浦区首批名单.csv", "Excel 会把 5.10 存成数字 5.1", 2, "公布日期", "5.9")],
    )


def unseen_accepted(c: Corpus) -> None:
    c.accepted(
        "outcome_columns_yes_no",
        "徐汇区's lists with a 是否创建成功 (是/否) or 创建结果 (通过/未通过) column and no 状态: the no-rows are not "
        "creations (the report names them)",
        [
            (
                "徐汇区第一批名单.csv",
                text(
                    "街镇,居委,小区名称,是否创建成功,公布日期\n田林街道,田林一居委,田林一村,是,2022-05-09\n"
                    "田林街道,田林一居委,田林二村,否,2022-05-09\n田林街道,田林二居委,田林三村,是,2022-05-09\n"
                ),
            ),
            (
                "徐汇区第二批名单.csv",
                text(
                    "街镇,居委,小区名称,创建结果,公布日期\n田林街道,田林一居委,田林二村,通过,2022-05-12\n"
                    "田林街道,田林二居委,田林四村,未通过,2022-05-12\n"
                ),
            ),
        ],
        [
            check(
                "units",
                ["name", "batch", "status_date"],
                [["田林一村", 1, "2022-05-09"], ["田林二村", 2, "2022-05-12"], ["田林三村", 1, "2022-05-09"]],
                status="created",
            ),
            check("coverage_by_district", ["district", "created"], [["徐汇区", 2]], as_of="2022-05-09"),
        ],
    )
    c.accepted(
        "status_in_remarks",
        "黄浦区: a batch list with a free 备注, then a list whose only status is its 备注 (已撤销, 摘牌): revocations",
        [
            (
                "黄浦区名单.csv",
                text(
                    "区,街镇,居委,小区名称,批次,公布日期,备注\n黄浦区,外滩街道,宁波路居委,宁波小区,1,2022-05-09,\n"
                    "黄浦区,外滩街道,宁波路居委,福州小区,1,2022-05-09,含售后公房\n"
                    "黄浦区,外滩街道,宁波路居委,汉口小区,1,2022-05-09,\n"
                ),
            ),
            (
                "黄浦区变化.csv",
                text(
                    "区,街镇,居委,小区名称,公布日期,备注\n黄浦区,外滩街道,宁波路居委,宁波小区,2022-05-15,已撤销\n"
                    "黄浦区,外滩街道,宁波路居委,福州小区,2022-05-15,摘牌\n"
                ),
            ),
        ],
        [
            check("coverage_by_district", ["district", "created", "revoked"], [["黄浦区", 3, 0]], as_of="2022-05-14"),
            check("coverage_by_district", ["district", "created", "revoked"], [["黄浦区", 1, 2]]),
        ],
    )
    c.accepted(
        "committee_as_village_beside_name",
        "青浦区's roster and list: 村居 beside 小区名称 is the committee; the district written 上海市青浦区 is 青浦区",
        [
            (
                "青浦名册.csv",
                text(
                    "区,街镇,村居,小区名称,户数\n上海市青浦区,夏阳街道,城南居委,青城苑,500\n"
                    "上海市青浦区,夏阳街道,城南居委,城南新村,300\n上海市青浦区,盈浦街道,盈中居委,盈中小区,200\n",
                    "utf-8-sig",
                ),
            ),
            ("青浦区第二批.csv", text("街镇,村居,小区名称,批次,公布日期\n夏阳街道,城南居委,城南新村,第二批,5月12日\n")),
        ],
        [
            check("coverage_by_district", ["district", "kind", "total", "created"], [["青浦区", "compound", 3, 1]]),
            check("units", ["committee", "name", "batch"], [["城南居委", "城南新村", 2]], status="created"),
        ],
    )
    c.accepted(
        "district_with_city_or_short",
        "虹口区 with no roster: a list writing the district 上海市虹口区 on one row and 虹口 on the next: one district",
        [
            (
                "虹口名单.csv",
                text(
                    "区,街镇,居委,小区名称,类型,批次,公布日期\n上海市虹口区,欧阳路街道,赤峰居委,赤峰小区,小区,2,2022-05-12\n"
                    "虹口,欧阳路街道,赤峰居委,赤峰新苑,小区,2,2022-05-12\n"
                ),
            )
        ],
        [check("coverage_by_district", ["district", "kind", "created"], [["虹口区", "compound", 2]])],
    )
    c.accepted(
        "batch_and_date_as_written",
        "松江区's lists: batches written 批次：1, (第2批), 第一批（5月9日）; dates under 创建时间 and 验收日期",
        [
            (
                "松江区名册.csv",
                text(
                    "街镇,居委,小区名称,户数\n方松街道,绿洲居委,绿洲花园,800\n方松街道,绿洲居委,绿洲江南园,600\n"
                    "方松街道,江秋居委,江秋新苑一期,400\n"
                ),
            ),
            (
                "松江区名单1.csv",
                text("街镇,居委,小区名称,批次,创建时间\n方松街道,绿洲居委,绿洲花园,批次：1,20220509\n"),
            ),
            (
                "松江区名单2.csv",
                text("街镇,居委,小区名称,批次,验收日期\n方松街道,绿洲居委,绿洲江南园,(第2批),2022.05.12\n"),
            ),
            (
                "松江区名单3.csv",
                text("街镇,居委,小区名称,批次,公布日期\n方松街道,江秋居委,江秋新苑一期,第一批（5月9日）,2022-05-09\n"),
            ),
        ],
        [
            check(
                "units",
                ["name", "batch", "status_date"],
                [["江秋新苑一期", 1, "2022-05-09"], ["绿洲江南园", 2, "2022-05-12"], ["绿洲花园", 1, "2022-05-09"]],
                status="created",
            )
        ],
    )
    c.accepted(
        "city_in_roster_district_from_roster",
        "a roster writing its district 上海市普陀区, then a list naming no district: its towns are in 普陀区 only "
        "(found by the unseen-districts test)",
        [
            (
                "名册.csv",
                text(
                    "区,街镇,居委,小区名称\n上海市普陀区,长征镇,梅岭居委,梅岭北苑\n上海市普陀区,长征镇,梅岭居委,梅岭南苑\n"
                ),
            ),
            ("名单1.csv", text("街镇,居委,小区名称,批次,公布日期\n长征镇,梅岭居委,梅岭南苑,1,2022-05-09\n")),
        ],
        [check("coverage_by_district", ["district", "total", "created"], [["普陀区", 2, 1]])],
    )
    c.accepted(
        "outcome_no_row_over_merged_town",
        "杨浦区's workbook: 街道 merged down over three rows whose first says 是否创建成功 否: the rows below keep "
        "their town (found by the unseen-districts test)",
        [
            ("杨浦区名册.csv", text(YP_ROSTER)),
            (
                "杨浦区第一批名单.xlsx",
                workbook(
                    lambda book: sheet(
                        book,
                        "名单",
                        {
                            0: ["序号", "街道", "居委", "小区名称", "是否创建成功", "公布日期"],
                            1: [1, "五角场街道", "政立居委", "国权小区", "否", "2022-05-09"],
                            2: [2, None, "政立居委", "政立小区", "是", "2022-05-09"],
                            3: [3, None, "国定居委", "国定一村", "是", "2022-05-09"],
                            4: [4, "殷行街道", "开鲁居委", "开鲁新村", "是", "2022-05-09"],
                        },
                    ).merge_range("B2:B4", "五角场街道")
                ),
            ),
        ],
        [
            check(
                "units",
                ["town", "name"],
                [["五角场街道", "国定一村"], ["五角场街道", "政立小区"], ["殷行街道", "开鲁新村"]],
                status="created",
            )
        ],
        encodings={"杨浦区第一批名单.xlsx": "xlsx"},
    )
    c.accepted(
        "rounds_in_batch_cells",
        "宝山区's list: a 批次 header over cells 第二轮: rounds, not batches",
        [
            (
                "宝山区名单.csv",
                text("区,街镇,居委,小区名称,批次,公布日期\n宝山区,友谊路街道,一居委,丁苑,第二轮,2022-5-9\n"),
            )
        ],
        [check("batches", ["district", "batch", "counts_rounds", "units"], [["宝山区", 2, True, 1]])],
    )
    c.accepted(
        "xlsx_batch_and_date_merged_down",
        "嘉定区's workbook: 批次 and 公布日期 each one cell merged down over every row, the table starting in column "
        "B under a title: each row is in that batch, on that day",
        [
            (
                "嘉定区第二批名单.xlsx",
                workbook(
                    lambda book: _merged_down(
                        sheet(
                            book,
                            "名单",
                            {
                                0: [None, "嘉定区无疫小区名单"],
                                1: [None, "序号", "街镇", "居委", "小区名称", "批次", "公布日期"],
                                2: [None, 1, "安亭镇", "一居委", "甲苑"],
                                3: [None, 2, "安亭镇", "一居委", "乙苑"],
                                4: [None, 3, "安亭镇", "二居委", "丙苑"],
                            },
                        )
                    )
                ),
            )
        ],
        [
            check(
                "units",
                ["name", "batch", "status_date"],
                [["乙苑", 2, "2022-05-12"], ["甲苑", 2, "2022-05-12"], ["丙苑", 2, "2022-05-12"]],
                status="created",
            )
        ],
        encodings={"嘉定区第二批名单.xlsx": "xlsx"},
    )
    c.accepted(
        "roster_remark_not_a_status",
        "长宁区's roster with a 备注 saying 已撤销 (a compound pulled down): still a roster, its 备注 no status",
        [
            (
                "长宁区名册.csv",
                text(
                    "街镇,居委,小区名称,户数,备注\n新华路街道,番禺居委,番禺小区,100,\n"
                    "新华路街道,番禺居委,番禺老楼,50,已撤销\n"
                ),
            )
        ],
        [check("coverage_by_district", ["district", "total", "created", "revoked"], [["长宁区", 2, 0, 0]])],
    )
    c.accepted(
        "revoked_never_created",
        "长宁区: a revocation of a unit no list created: no figure changes (not revoked, not created); a warning",
        [
            ("长宁区名册.csv", text(CN_ROSTER)),
            ("长宁区第一批.csv", text(CN_FIRST)),
            (
                "长宁区撤销名单.csv",
                text("街镇,居委,小区名称,状态,公布日期\n新华路街道,法华居委,法华小区,撤销,2022-05-15\n"),
            ),
        ],
        [
            check("coverage_by_district", ["district", "total", "created", "revoked"], [["长宁区", 3, 1, 0]]),
            check(
                "dq_revoked_not_created",
                ["name", "revoked_published", "revoked_file", "revoked_row", "revoked_already", "created_later"],
                [["法华小区", "2022-05-15", "长宁区撤销名单.csv", 2, False, None]],
            ),
        ],
    )
    c.accepted(
        "whole_committee_list",
        "长宁区's 整建制 list naming committees only (街镇, 居委): every roster unit of the committee not yet "
        "created is created in its batch",
        [
            ("长宁区名册.csv", text(CN_ROSTER)),
            ("长宁区第一批.csv", text(CN_FIRST)),
            ("长宁区第二批整建制名单.csv", text("街镇,居委,批次,公布日期\n新华路街道,番禺居委,2,2022-05-12\n")),
        ],
        [
            check(
                "units",
                ["committee", "name", "batch", "status_date"],
                [["番禺居委", "番禺小区", 1, "2022-05-09"], ["番禺居委", "番禺新村", 2, "2022-05-12"]],
                status="created",
            ),
            check("coverage_by_district", ["district", "total", "created"], [["长宁区", 3, 2]]),
        ],
    )


# ------------------------------------------------------------ towns of other districts (session 10) ---
QIBAO_ROSTER = "街镇,居委,小区名称,户数\n七宝镇,一居委,甲苑,10\n七宝镇,一居委,乙苑,10\n七宝镇,一居委,丙苑,10\n"
UNITS_CREATED = ["name", "batch", "status_date"]


def _several_town_sheets(book: xlsxwriter.Workbook) -> None:
    """长宁区's workbook: an instruction sheet, then a sheet per 街道 under a merged title, a 序号 column, a hidden
    内部编号 column, and real Excel date cells (stored as serial numbers)."""
    book.add_worksheet("填表说明").write(0, 0, "填表说明：每个街道一张表，日期请用日期格式")
    for town, names in (("新华路街道", ["番禺小区", "法华小区"]), ("江苏路街道", ["华山小区"])):
        ws = book.add_worksheet(town)
        day = book.add_format({"num_format": "yyyy/m/d"})
        ws.merge_range(0, 0, 0, 4, "长宁区第一批无疫小区名单")
        for col, header in enumerate(["序号", "居委", "小区名称", "内部编号", "公布日期"]):
            ws.write(1, col, header)
        ws.set_column(3, 3, None, None, {"hidden": True})
        for k, name in enumerate(names):
            ws.write(2 + k, 0, k + 1)
            ws.write(2 + k, 1, "一居委")
            ws.write(2 + k, 2, name)
            ws.write(2 + k, 3, f"CN-{k}")
            ws.write_datetime(2 + k, 4, dt.datetime(2022, 5, 9), day)


def other_districts_refused(c: Corpus) -> None:
    mixed = "「批次」列中既有「批」又有「轮」"
    c.refused(
        "batch_column_mixes_batches_and_rounds",
        "宝山区's list whose 批次 cells say 第1批, 第二轮, 2轮, 第3批次: batches and rounds are two counters, so the "
        "cells going against the rest (the two saying 轮) are named, nothing is read as a batch silently",
        [
            (
                "宝山区名单.csv",
                text(
                    "区,街镇,居委,小区名称,批次,公布日期\n宝山区,友谊路街道,一居委,丁苑,第1批,2022-5-9\n"
                    "宝山区,友谊路街道,一居委,戊苑,第二轮,2022-5-9\n宝山区,友谊路街道,一居委,己苑,2轮,2022-5-9\n"
                    "宝山区,友谊路街道,一居委,庚苑,第3批次,2022-5-9\n宝山区,友谊路街道,一居委,辛苑,第3批,2022-5-9\n"
                ),
            )
        ],
        [
            problem("宝山区名单.csv", mixed, 3, "批次", "第二轮"),
            problem("宝山区名单.csv", mixed, 4, "批次", "2轮"),
        ],
    )
    c.refused(
        "round_column_says_batches",
        "青浦区's list under a 轮次 header whose cells say 第1批: a round or a batch? refused naming the cell",
        [
            (
                "青浦区名单.csv",
                text(
                    "区,街镇,村,轮次,公布日期\n青浦区,朱家角镇,张马村,第一轮,2022-4-28\n青浦区,朱家角镇,沈巷村,第1批,2022-4-28\n"
                ),
            )
        ],
        [problem("青浦区名单.csv", "「轮次」列中既有「批」又有「轮」", 3, "轮次", "第1批")],
    )
    c.refused(
        "two_date_columns_neither_published",
        "松江区's list with 创建日期 and 验收日期 and no 公布日期: which day is the list's cannot be told",
        [
            (
                "松江区名单.csv",
                text(
                    "区,街镇,居委,小区名称,批次,创建日期,验收日期\n松江区,方松街道,绿洲居委,绿洲花园,1,2022-05-01,2022-05-09\n"
                ),
            )
        ],
        [problem("松江区名单.csv", "两列都表示同一含义", 1)],
    )


def other_districts_accepted(c: Corpus) -> None:
    c.accepted(
        "date_in_chinese_numerals_gbk",
        "徐汇区's list as Excel saves it on Chinese Windows (GBK, CRLF): its title dated 二〇二二年五月十四日, a 序号 "
        "column, a blank separator row, a 合计 row, a note and the issuing office's signature and day under the table",
        [
            (
                "徐汇区第三批.csv",
                text(
                    "徐汇区第三批无疫小区名单（二〇二二年五月十四日公布）\n序号,街道,居委,小区名称,备注\n"
                    "1,田林街道,田林一居委,田林一村,\n,,,,\n2,田林街道,田林二居委,田林二村,整建制\n合计,,,2个,\n"
                    "注：以上排名不分先后,,,,\n田林街道办事处,,,,\n二〇二二年五月十四日,,,,\n",
                    "gb18030",
                    crlf=True,
                ),
            )
        ],
        [
            check(
                "units", UNITS_CREATED, [["田林一村", 3, "2022-05-14"], ["田林二村", 3, "2022-05-14"]], status="created"
            )
        ],
        encodings={"徐汇区第三批.csv": "gb18030"},
    )
    c.accepted(
        "date_in_the_header_row",
        "闵行区's list whose day is written in the header row, beside the headers, not above them",
        [
            ("闵行区名册.csv", text(QIBAO_ROSTER)),
            (
                "闵行区第二批.csv",
                text("闵行区第二批无疫小区名单\n街镇,居委,小区名称,（2022年5月9日公布）\n七宝镇,一居委,甲苑,\n"),
            ),
        ],
        [check("units", UNITS_CREATED, [["甲苑", 2, "2022-05-09"]], status="created")],
    )
    c.accepted(
        "acceptance_time_column",
        "长宁区's list dated under 验收时间 (the acceptance check's day), with 验收结果 通过 / 未通过",
        [
            ("长宁区名册.csv", text(CN_ROSTER)),
            (
                "长宁区名单.csv",
                text(
                    "街镇,居委,小区名称,批次,验收时间,验收结果\n新华路街道,番禺居委,番禺小区,一批,2022年5月9日,通过\n"
                    "新华路街道,番禺居委,番禺新村,一批,2022年5月9日,未通过\n"
                ),
            ),
        ],
        [check("units", UNITS_CREATED, [["番禺小区", 1, "2022-05-09"]], status="created")],
    )
    c.accepted(
        "published_beside_created_time",
        "普陀区's list with both 公布日期 and 创建时间: the list's day is its publication (公布), the other kept "
        "aside; one 公布日期 written 二〇二二年五月九日",
        [
            (
                "普陀区名单.csv",
                text(
                    "区,街镇,居委,小区名称,批次,创建时间,公布日期\n普陀区,长征镇,梅岭居委,梅岭北苑,1,2022-05-01,2022-05-09\n"
                    "普陀区,长征镇,梅岭居委,梅岭南苑,1,2022-05-03,二〇二二年五月九日\n"
                ),
            )
        ],
        [
            check(
                "units", UNITS_CREATED, [["梅岭北苑", 1, "2022-05-09"], ["梅岭南苑", 1, "2022-05-09"]], status="created"
            )
        ],
    )
    c.accepted(
        "rounds_with_bare_numbers",
        "青浦区's list under a 批次 header whose cells say 1 and 第2轮: no cell says 批, so the column counts rounds",
        [
            (
                "青浦区名单.csv",
                text(
                    "区,街镇,村,批次,公布日期\n青浦区,朱家角镇,张马村,1,2022-4-28\n青浦区,朱家角镇,沈巷村,第2轮,2022-5-6\n"
                ),
            )
        ],
        [
            check(
                "batches",
                ["district", "batch", "counts_rounds", "units"],
                [["青浦区", 1, True, 1], ["青浦区", 2, True, 1]],
            )
        ],
    )
    c.accepted(
        "late_list_moves_creation_earlier",
        "闵行区: batch 3 of 05-14 loaded, then batch 2 of 05-09 sent late, listing 甲苑 of batch 3 again: 甲苑 counts "
        "created from 05-09 and its 05-14 creation is a repeat (the preview says so); 丙苑 is new in batch 2",
        [
            ("闵行区名册.csv", text(QIBAO_ROSTER)),
            (
                "闵行区第三批.csv",
                text(
                    "街镇,居委,小区名称,批次,公布日期\n七宝镇,一居委,甲苑,3,2022-05-14\n七宝镇,一居委,乙苑,3,2022-05-14\n"
                ),
            ),
            (
                "闵行区第二批.csv",
                text(
                    "街镇,居委,小区名称,批次,公布日期\n七宝镇,一居委,甲苑,2,2022-05-09\n七宝镇,一居委,丙苑,2,2022-05-09\n"
                ),
            ),
        ],
        [
            check("coverage_by_district", ["district", "created"], [["闵行区", 2]], as_of="2022-05-13"),
            check("coverage_by_district", ["district", "created"], [["闵行区", 3]]),
            check(
                "dq_created_twice",
                ["name", "first_published", "again_published", "again_file"],
                [["甲苑", "2022-05-09", "2022-05-14", "闵行区第三批.csv"]],
            ),
        ],
    )
    c.accepted(
        "town_sheets_hidden_column_date_cells",
        "长宁区's workbook: an instruction sheet, a sheet per 街道 under a merged title, 序号, a hidden column, real "
        "Excel date cells",
        [("长宁区第一批.xlsx", workbook(_several_town_sheets))],
        [
            check(
                "units",
                ["town", "name", "batch", "status_date"],
                [
                    ["新华路街道", "法华小区", 1, "2022-05-09"],
                    ["新华路街道", "番禺小区", 1, "2022-05-09"],
                    ["江苏路街道", "华山小区", 1, "2022-05-09"],
                ],
                status="created",
            )
        ],
        encodings={"长宁区第一批.xlsx": "xlsx"},
    )
    c.accepted(
        "tsv_full_width_and_subtotal",
        "奉贤区's tab-separated list of village groups: full-width digits (１组, 第１批, ２０２２/５/９), a date "
        "5月9日, a blank line, and a 小计 row with its count where a name would be",
        [
            (
                "奉贤区名单.tsv",
                text(
                    "区\t街镇\t村居\t村民小组\t批次\t公布日期\n奉贤区\t南桥镇\t杨王村\t１组\t第１批\t２０２２/５/９\n\n"
                    "奉贤区\t南桥镇\t杨王村\t２组\t第１批\t5月9日\n小计\t\t\t2\t\t\n"
                ),
            )
        ],
        [check("units", UNITS_CREATED, [["1组", 1, "2022-05-09"], ["2组", 1, "2022-05-09"]], status="created")],
    )


def _filtered_rows(book: xlsxwriter.Workbook) -> None:
    """杨浦区's workbook filtered in Excel: a row hidden (still in the file, read and said in the report), and a
    公布时间 cell holding a time of day."""
    ws = book.add_worksheet("名单")
    ws.write_row(0, 0, ["区", "街道", "居委", "小区名称", "批次", "公布时间"])
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for r, name in enumerate(["国权小区", "政立小区", "国定一村"], start=1):
        ws.write_row(r, 0, ["杨浦区", "五角场街道", "政立居委", name, 1])
        ws.write_datetime(r, 5, dt.datetime(2022, 5, 9, 10, 30), stamp)
    ws.set_row(2, None, None, {"hidden": True})


def other_districts_more(c: Corpus) -> None:
    c.accepted(
        "xlsx_filtered_rows_and_times",
        "杨浦区's workbook with a row hidden by a filter (read all the same, the report names it) and 公布时间 cells "
        "holding a time of day",
        [("杨浦区名单.xlsx", workbook(_filtered_rows))],
        [
            check(
                "units",
                UNITS_CREATED,
                [["国定一村", 1, "2022-05-09"], ["国权小区", 1, "2022-05-09"], ["政立小区", 1, "2022-05-09"]],
                status="created",
            )
        ],
        encodings={"杨浦区名单.xlsx": "xlsx"},
    )
    c.accepted(
        "bom_odd_order_remark_zhaipai",
        "松江区's lists saved as CSV UTF-8 (BOM), columns in their own order; the second's 备注 says 已摘牌: revoked",
        [
            (
                "松江区第一批.csv",
                text(
                    "公布日期,小区名称,居委,街镇,区,批次\n2022-05-09,绿洲花园,绿洲居委,方松街道,松江区,1\n"
                    "2022-05-09,绿洲江南园,绿洲居委,方松街道,松江区,1\n",
                    "utf-8-sig",
                ),
            ),
            (
                "松江区摘牌.csv",
                text(
                    "公布日期,小区名称,居委,街镇,区,备注\n2022-05-15,绿洲江南园,绿洲居委,方松街道,松江区,已摘牌\n",
                    "utf-8-sig",
                ),
            ),
        ],
        [check("coverage_by_district", ["district", "created", "revoked"], [["松江区", 1, 1]])],
        encodings={"松江区第一批.csv": "utf-8-sig", "松江区摘牌.csv": "utf-8-sig"},
    )
    c.accepted(
        "makers_lines_under_the_table",
        "浦东新区's list with 所属街镇 / 所属居委 / 小区名称（全称） headers, dates 2022年5月9日, 5月9号 and "
        "2022年05月09日, and under the table 共计：3个小区 and 制表人：… 审核人：…",
        [
            (
                "浦东新区第二批名单.csv",
                text(
                    "区,所属街镇,所属居委,小区名称（全称）,批次,公布日期\n浦东新区,川沙新镇,城南居委,城南小区,第二批,2022年5月9日\n"
                    "浦东新区,川沙新镇,城南居委,城北小区,第二批,5月9号\n浦东新区,川沙新镇,城南居委,城东小区,第二批,2022年05月09日\n"
                    "共计：3个小区,,,,,\n制表人：张三,,审核人：李四,,,\n"
                ),
            )
        ],
        [
            check(
                "units",
                UNITS_CREATED,
                [["城东小区", 2, "2022-05-09"], ["城北小区", 2, "2022-05-09"], ["城南小区", 2, "2022-05-09"]],
                status="created",
            )
        ],
    )
    c.accepted(
        "model_in_remark_of_batch_list",
        "浦东新区's batch list whose 备注 says 示范 for one compound: created and model that day (the report says the "
        "creation is implied)",
        [
            (
                "浦东新区第二批.csv",
                text(
                    "浦东新区第二批无疫小区名单\n街镇,居委,小区名称,批次,公布日期,备注\n"
                    "川沙新镇,城南居委,城南小区,第二批,2022/5/9,\n川沙新镇,城南居委,城北小区,第二批,2022/5/9,示范\n"
                ),
            )
        ],
        [
            check(
                "coverage_by_district",
                ["district", "created", "model"],
                [["浦东新区", 2, 1]],
            )
        ],
    )
    c.accepted(
        "signature_under_the_table",
        "杨浦区's list ending as an official notice does: a blank line, the issuing office, the day",
        [
            (
                "杨浦区第一批.csv",
                text(
                    "杨浦区第一批无疫小区名单（2022年5月9日）\n街道,居委,小区名称\n五角场街道,政立居委,国权小区\n"
                    ",,\n五角场街道办事处,,\n2022年5月9日,,\n"
                ),
            )
        ],
        [check("units", UNITS_CREATED, [["国权小区", 1, "2022-05-09"]], status="created")],
    )
    c.accepted(
        "village_rounds_with_households",
        "青浦区's first round of villages (行政村) with 户数 for the record: a list (its title says a round), not a "
        "roster",
        [
            (
                "青浦区第一轮.csv",
                text(
                    "青浦区第一轮无疫村名单（2022年4月28日）\n街镇,行政村,户数\n朱家角镇,张马村,420\n朱家角镇,沈巷村,610\n"
                ),
            )
        ],
        [
            check(
                "batches",
                ["district", "batch", "counts_rounds", "units"],
                [["青浦区", 1, True, 2]],
            )
        ],
    )
    c.accepted(
        "district_and_town_in_one_cell",
        "闵行区's list whose 区 column says 闵行区七宝镇 (district and town in one cell) and has no 街镇 column: "
        "district 闵行区, town 七宝镇, matched to the roster",
        [
            ("闵行区名册.csv", text(QIBAO_ROSTER)),
            (
                "七宝镇名单.csv",
                text(
                    "区,居委,小区名称,批次,公布日期\n闵行区七宝镇,一居委,乙苑,1,2022-05-09\n"
                    "上海市闵行区七宝镇,一居委,丙苑,1,2022-05-09\n"
                ),
            ),
        ],
        [
            check("coverage_by_district", ["district", "total", "created"], [["闵行区", 3, 2]]),
            check("units", ["town", "name"], [["七宝镇", "丙苑"], ["七宝镇", "乙苑"]], status="created"),
        ],
    )
    c.accepted(
        "town_written_after_its_district",
        "宝山区 (no roster): batch 1 writes 友谊路街道, the revocation 上海市宝山区友谊路街道: the same town, one unit "
        "revoked (not a second town with a revocation of a unit never created)",
        [
            (
                "宝山区第一批.csv",
                text("区,街镇,居委,小区名称,批次,公布日期\n宝山区,友谊路街道,一居委,丁苑,1,2022-05-09\n"),
            ),
            (
                "宝山区撤销.csv",
                text(
                    "区,街镇,居委,小区名称,状态,公布日期\n宝山区,上海市宝山区友谊路街道,一居委,丁苑,撤销,2022-05-12\n"
                ),
            ),
        ],
        [check("coverage_by_town", ["town", "created", "revoked"], [["友谊路街道", 0, 1]])],
    )
    c.refused(
        "month_slash_day",
        "闵行区's list dated 5/9: no year, refused as no date (2022/5/9 or 5月9日 would be read)",
        [("闵行区名单.csv", text("区,街镇,居委,小区名称,批次,公布日期\n闵行区,七宝镇,一居委,甲苑,1,5/9\n"))],
        [problem("闵行区名单.csv", "not a valid date", 2, "公布日期", "5/9")],
    )


def build() -> dict[str, bytes]:
    """Relative path -> bytes, for everything the script writes."""
    corpus = Corpus()
    refused_cases(corpus)
    accepted_cases(corpus)
    unseen_refused(corpus)
    unseen_accepted(corpus)
    other_districts_refused(corpus)
    other_districts_accepted(corpus)
    other_districts_more(corpus)
    out = {f"base/{name}": data for name, data in base_files()}
    out["base/README.md"] = BASE_README.encode()
    for case, (files, expected) in corpus.cases.items():
        for name, data in files:
            out[f"{case}/{name}"] = data
        out[f"{case}/expected.json"] = (json.dumps(expected, ensure_ascii=False, indent=2) + "\n").encode()
    return out


def write(root: Path) -> list[Path]:
    files = build()
    for folder in ("base", "refused", "accepted"):
        shutil.rmtree(root / folder, ignore_errors=True)
    written = []
    for relative, data in sorted(files.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    print(f"{len(write(target))} files written under {target}")
