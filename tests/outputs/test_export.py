"""The CSV download's bytes: BOM, exactly the rows given, formula-like cells neutralised, the name."""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl

from campaign import i18n
from campaign.answers import queries
from campaign.outputs import export


def _read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM first, so Excel reads Chinese"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


def test_bom_header_and_rows() -> None:
    frame = pl.DataFrame({"名称": ["海皓馨苑", "星火村"], "户数": [1240, 900], "日期": [dt.date(2022, 5, 9)] * 2})
    rows = _read(export.csv_bytes(frame))
    assert rows == [["名称", "户数", "日期"], ["海皓馨苑", "1240", "2022-05-09"], ["星火村", "900", "2022-05-09"]]


def test_formula_cells_are_neutralised() -> None:
    frame = pl.DataFrame({"名称": ["=1+1", "+86", "-x", "@SUM(A1)", "\tcmd", "a=b", "正常"], "n": [-1] * 7})
    rows = _read(export.csv_bytes(frame))
    assert [r[0] for r in rows[1:]] == ["'=1+1", "'+86", "'-x", "'@SUM(A1)", "'\tcmd", "a=b", "正常"]
    assert {r[1] for r in rows[1:]} == {"-1"}, "numbers are numbers, not formulas"


def test_filename_states_filters_and_day() -> None:
    name = export.filename("无疫小区明细", ["金山区", None, "小区", "a/b:c"], dt.date(2022, 5, 5), "截至")
    assert name == "无疫小区明细_金山区_小区_a-b-c_截至2022-05-05.csv"


def test_download_holds_exactly_the_filtered_rows(sample_db) -> None:
    rows = queries.run(
        "units", db=sample_db, district="金山区", kind="compound", status="created", as_of=dt.date(2022, 5, 5)
    )
    data = _read(export.csv_bytes(rows))
    assert len(data) - 1 == 150
    assert {r[data[0].index("kind")] for r in data[1:]} == {"compound"}


def test_percent_never_rounds_to_a_false_100_or_0() -> None:
    assert i18n.fmt_pct(99.96) == "99.9%"
    assert i18n.fmt_pct(100.0) == "100.0%"
    assert i18n.fmt_pct(0.04) == "0.1%"
    assert i18n.fmt_pct(64.8495) == "64.8%"
    assert i18n.fmt_pct(None) == "—"


def test_xlsx_has_the_rows_and_a_sheet_stating_what_they_are(tmp_path) -> None:
    frame = pl.DataFrame(
        {"名称": ["海皓馨苑", "=HYPERLINK(1)"], "户数": [1240, None], "日期": [dt.date(2022, 5, 9), None]}
    )
    about = [("筛选条件", "金山区；小区"), ("数据截至", "2022年5月5日")]
    path = tmp_path / "x.xlsx"
    path.write_bytes(export.xlsx_bytes(frame, about))
    sheets = pl.read_excel(path, sheet_id=0, has_header=False, infer_schema_length=0)
    assert list(sheets) == ["明细", "说明"]
    rows = sheets["明细"].rows()
    assert rows[0] == ("名称", "户数", "日期")
    assert rows[1][0] == "海皓馨苑" and rows[1][1] in ("1240", "1240.0") and rows[1][2].startswith("2022-05-09")
    assert rows[2][0] == "=HYPERLINK(1)", "a formula-like text stays text"
    assert sheets["说明"].rows() == [("筛选条件", "金山区；小区"), ("数据截至", "2022年5月5日")]
    import zipfile

    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml, "no cell is a formula"
