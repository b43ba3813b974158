"""The one-page daily brief: what the PDF says for the sample as of a day (the overview's figures), in Chinese
and English, with the CJK font embedded; the CLI; the overview's download; the message without a CJK font."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from campaign.answers import queries
from campaign.ops import cli
from campaign.outputs import brief
from tests.support.apptest import dashboard_app
from tests.support.browser import open_page
from tests.support.servers import running_dashboard

D = dt.date
A4 = (595.28, 841.89)  # points


NO_FONT_NEEDED = {"test_a_clear_message_without_a_cjk_font", "test_curves_of_many_districts_as_one_per_kind"}


@pytest.fixture(autouse=True)
def cjk_font(request) -> None:
    """The brief needs a CJK font installed (.ci/run installs fonts-noto-cjk): skip without one, except in CI."""
    if request.node.name not in NO_FONT_NEEDED:
        _need_font()


def _need_font() -> None:
    try:
        brief.find_cjk_font()
    except brief.NoCJKFont:
        if os.environ.get("CI"):
            raise
        pytest.skip("no CJK font installed (apt-get install -y fonts-noto-cjk)")


def _read(pdf: bytes) -> tuple[PdfReader, str]:
    """The reader and the page's text with all white space removed: pypdf spaces out the glyphs of fpdf2's
    CID font and puts a NUL before each (it reads the font's embedded Identity-H CMap one byte at a time;
    poppler's pdftotext and PDF viewers read the same file as plain text)."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    return reader, "".join(text.replace("\x00", "").split())


@pytest.fixture(scope="module")
def may9(sample_db) -> tuple[PdfReader, str]:
    _need_font()
    return _read(brief.build(sample_db, D(2022, 5, 9)))


def test_one_a4_page_with_the_cjk_font_embedded(may9) -> None:
    reader, _ = may9
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts.values()]
    assert descriptors, "no Type0 (CID) font"
    for d in descriptors:
        assert "NotoSansCJK" in d["/FontName"] or "/FontFile2" in d or "/FontFile3" in d
        assert any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")), "the font is embedded, not referenced"


def test_the_key_figures_as_of_may_9(sample_db, may9) -> None:
    _, text = may9
    assert "无疫小区创建进度日报" in text
    assert "数据截至2022年5月9日当天结束" in text
    snapshot = queries.run("snapshot_info", db=sample_db).item(0, "last_ingest")
    assert f"数据快照发布于{snapshot:%Y-%m-%d%H:%M}" in text
    # per district, every kind together: coverage, created / total, remaining, latest batch, new, revoked
    # (Chongming: 331 of 357, round 3 of 05-06 made 53 created, 1 revoked on 04-28 after round 2;
    #  Jinshan: 2,085 of 2,686, batch 2 of 05-09 made 448 created, nothing revoked)
    assert "崇明区第3轮·5月6日92.7%331/35726531" in text
    assert "金山区第2批·5月9日77.6%2,085/2,6866014480" in text
    # per district and kind, as the overview shows them, with the projection and its range
    assert "金山区小区65.6%258/3931350" in text
    assert "金山区村民小组79.7%1,827/2,2934660" in text
    assert "崇明区社区91.2%83/9180" in text
    assert "崇明区村93.2%248/266180" in text
    assert "5月17日（5月13日–6月15日）" in text  # Jinshan's compounds: forecast as of 05-09
    # the charts: their titles, axes, a bar's label and the curve's legend
    for label in ("各区覆盖率", "累计覆盖率", "覆盖率（%）", "公布日期", "65.6%(258/393)", "金山区·小区65.6%"):
        assert label in text, label
    assert "样例数据" in text


def test_a_revocation_and_the_day_100_percent_was_reached(sample_db) -> None:
    _, text = _read(brief.build(sample_db, D(2022, 5, 12), district="金山区"))
    # 石化湾 revoked on 05-11: 257 compounds, and the latest batch (2, of 05-09) shows it as revoked since
    assert "范围：金山区" in text and "崇明区第" not in text and "崇明区·" not in text
    assert "金山区第2批·5月9日77.6%2,084/2,6866024481" in text
    assert "金山区小区65.4%257/3931361" in text
    _, text = _read(brief.build(sample_db, D(2022, 5, 20)))
    assert "金山区小区100.0%393/393005月20日已达到" in text
    assert "崇明区村100.0%266/266005月16日已达到" in text


def test_in_english(sample_db) -> None:
    _, text = _read(brief.build(sample_db, D(2022, 5, 9), lang="en"))
    for words in (
        "Epidemic-freecompoundcampaign:dailybrief",
        "Dataasoftheendof2022-05-09",
        "Scope:Alldistricts",
        "金山区batch2·05-0977.6%2,085/2,6866014480",
        "崇明区round3·05-0692.7%331/35726531",
        "金山区Compounds65.6%258/3931350",
        "05-17(05-13–06-15)",
        "Coveragebydistrict",
        "Cumulativecoverage",
    ):
        assert words in text, words


def test_the_latest_day_by_default_and_the_file_name(sample_db) -> None:
    data = brief.gather(sample_db)
    assert data.day == D(2022, 5, 20)
    assert brief.filename(D(2022, 5, 9), "金山区") == "无疫小区日报_金山区_截至2022-05-09.pdf"
    assert brief.filename(D(2022, 5, 9), None, "en") == "daily-brief_as-of-2022-05-09.pdf"


def test_the_cli_writes_the_brief(sample_db, tmp_path, capsys) -> None:
    out = tmp_path / "brief.pdf"
    assert cli.main(["brief", "--db", str(sample_db), "--as-of", "2022-05-05", "--district", "金山区", str(out)]) == 0
    _, text = _read(out.read_bytes())
    # Jinshan's batch 1: 150 / 393 compounds, 1,487 / 2,293 village groups
    assert "金山区小区38.2%150/3932430" in text
    assert "金山区村民小组64.8%1,487/2,2938060" in text
    assert "brief written" in capsys.readouterr().out
    assert cli.main(["brief", "--db", str(tmp_path / "none.duckdb"), str(out)]) == 2


def test_a_clear_message_without_a_cjk_font(sample_db, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(brief, "FONT_CANDIDATES", ())
    monkeypatch.setattr(brief, "FONT_DIRS", (str(tmp_path),))
    monkeypatch.delenv(brief.CJK_FONT_ENV, raising=False)
    brief._find.cache_clear()
    try:
        with pytest.raises(brief.NoCJKFont, match="fonts-noto-cjk"):
            brief.build(sample_db, D(2022, 5, 9))
        assert cli.main(["brief", "--db", str(sample_db), str(tmp_path / "b.pdf")]) == 1
        assert "CAMPAIGN_CJK_FONT" in capsys.readouterr().err
        # a font file named by CAMPAIGN_CJK_FONT is used (here the Noto one, as a plain path)
        monkeypatch.setenv(brief.CJK_FONT_ENV, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
        if Path(brief.find_cjk_font().path).name == "NotoSansCJK-Regular.ttc":
            assert brief.find_cjk_font().index == 2  # the Simplified Chinese face of the collection
    finally:
        brief._find.cache_clear()


def test_the_overview_offers_the_brief(sample_db, monkeypatch, app_mode) -> None:
    import streamlit

    offered = {}
    original = streamlit.download_button

    def recording(label, data, *args, **kwargs):
        offered[label] = (data, kwargs)
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    at = dashboard_app()
    at.run()
    at.sidebar.text_input(key="as_of").input(D(2022, 5, 9).isoformat()).run()
    assert not at.exception, at.exception
    assert "下载日报（PDF，A4）" in [b.proto.label for b in at.get("download_button")]
    data, kwargs = offered["下载日报（PDF，A4）"]
    assert (kwargs["file_name"], kwargs["mime"]) == ("无疫小区日报_截至2022-05-09.pdf", "application/pdf")
    # made only on a click (a callable), for the day and language on screen
    assert callable(data)
    _, text = _read(data())
    assert "数据截至2022年5月9日当天结束" in text and "金山区小区65.6%258/3931350" in text
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    data, kwargs = offered["Download the daily brief (PDF, A4)"]
    assert kwargs["file_name"] == "daily-brief_as-of-2022-05-09.pdf"
    assert "Dataasoftheendof2022-05-09" in _read(data())[1]


def test_many_districts_stay_on_one_page(tmp_path) -> None:
    from campaign.generate.scale import SCALES, build_database

    db = tmp_path / "many.duckdb"
    build_database(SCALES["tiny"].with_(districts=12, towns=24, units=1500), db)
    reader, text = _read(brief.build(db))
    assert len(reader.pages) == 1
    districts = queries.run("district_glance", db=db).get_column("district").to_list()
    assert len(districts) == 12 and all(d in text for d in districts), "every district in the first table"
    assert "行未列出" in text, "the rows per kind that do not fit are counted"
    assert "全部区·" in text, "one curve per kind over all districts"


def test_curves_of_many_districts_as_one_per_kind() -> None:
    import polars as pl

    rows = pl.DataFrame(
        {
            "district": ["甲", "甲", "乙"],
            "kind": ["compound"] * 3,
            "published": [D(2022, 4, 1), D(2022, 4, 3), D(2022, 4, 2)],
            "created": [5, 8, 2],
            "total": [10, 10, 10],
        }
    )
    # 甲: 5, 5, 8 and 乙: 0, 2, 2 on 04-01, 04-02, 04-03, of 20
    joined = brief._per_kind(rows, "全部区")
    assert joined.select("published", "created", "coverage_pct").rows() == [
        (D(2022, 4, 1), 5, 25.0),
        (D(2022, 4, 2), 7, 35.0),
        (D(2022, 4, 3), 10, 50.0),
    ]


@pytest.mark.browser
def test_the_brief_downloads_from_a_real_browser(browser, tmp_path) -> None:
    """Served by Streamlit and clicked in Chromium: the PDF is made on the click, in the server's thread."""
    with running_dashboard(tmp_path) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1600}, accept_downloads=True)
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            open_page(page, url + "/?as_of=2022-05-09&district=金山区", "258 / 393")
            with page.expect_download() as info:
                page.get_by_role("button", name="下载日报（PDF，A4）").click()
            download = info.value
            assert download.failure() is None
            assert download.suggested_filename == "无疫小区日报_金山区_截至2022-05-09.pdf"
            _, text = _read(Path(download.path()).read_bytes())
        finally:
            context.close()
    assert "范围：金山区" in text and "金山区小区65.6%258/3931350" in text
