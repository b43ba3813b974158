"""Real-browser tests: the dashboard served by Streamlit, driven by Playwright through Debian's Chromium.

One Streamlit server (on the bundled sample, built into a temporary folder) and one browser for the
module. Without /usr/bin/chromium the tests are skipped, except under CI, where they must run.
Screenshots go to tests/artifacts/ (gitignored); with UPDATE_SCREENSHOTS=1 the overview and progress
shots are also copied to docs/ for the README.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support import ARTIFACTS, DOCS
from tests.support.browser import (
    VIEWPORT,
    fail_on_exception,
    log_in,
    metric_texts,
    new_tab,
    open_page,
    require_chromium,
    settle,
    title,
)
from tests.support.processes import LOCAL_HOSTS
from tests.support.servers import running_dashboard

pytestmark = pytest.mark.browser


# path, page-title key, the element that shows the page's content has been drawn
PAGES = {
    "overview": ("", "overview_title", '[data-testid="stPlotlyChart"]'),
    "progress": ("progress", "progress_title", '[data-testid="stPlotlyChart"]'),
    "towns": ("towns", "towns_title", '[data-testid="stPlotlyChart"]'),
    "changes": ("changes", "changes_title", '[data-testid="stPlotlyChart"]'),
    "forecast": ("forecast", "forecast_title", '[data-testid="stDataFrame"]'),
    "quality": ("quality", "quality_title", '[data-testid="stAlert"]'),
    "find": ("find?q=hhxy", "find_title", '[data-testid="stDataFrame"]'),
    "data": ("data", "data_title", '[data-testid="stDataFrame"]'),
    "explorer": ("explorer", "explorer_title", '[data-testid="stDataFrame"]'),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    require_chromium()
    with running_dashboard(tmp_path_factory.mktemp("browser")) as url:
        yield url


@pytest.fixture(scope="module")
def app(server, browser) -> str:
    """The base URL of a freshly started server that nobody has visited yet.

    The first test below is that first visitor on purpose: on a fresh server Streamlit's pages-folder
    mode used to give the sidebar widgets other ids in the first run than in the next, dropping the
    first change a user made (dashboard.py now leaves that mode before drawing any widget).
    """
    return server


@pytest.fixture
def page(browser):
    with new_tab(browser, viewport=VIEWPORT, accept_downloads=True) as tab:
        yield tab


def test_overview_figures_and_as_of_date(page, app):
    """First visitor of a fresh server: the published figures, then batch 1 as of 2022-05-05."""
    open_page(page, app + "/", "已创建 393 / 393", '[data-testid="stPlotlyChart"]')
    metrics = metric_texts(page)
    for figure in ("已创建 393 / 393", "已创建 2,293 / 2,293", "已创建 91 / 91", "已创建 266 / 266"):
        assert any(figure in m for m in metrics), (figure, metrics)
    fail_on_exception(page)

    # Move the sidebar's as-of day to 2022-05-05: type it, then leave the field (Enter and Tab: test_follow_publish)
    page.locator('[data-testid="stSidebar"] .st-key-as_of input').fill("2022-05-05")
    page.locator('[data-testid="stMain"] h1').first.click()
    # the page's caption (a chart's subtitle says it too, once drawn: the caption alone, or the wait sees two)
    page.get_by_test_id("stCaptionContainer").get_by_text("数据截至：2022年5月5日").wait_for()
    settle(page)

    jinshan = page.locator(
        '[data-testid="stElementContainer"]:has([data-testid="stHeading"]:has-text("金山区"))'
        ' + [data-testid="stLayoutWrapper"] [data-testid="stMetric"]'
    )
    compound = jinshan.filter(has_text=re.compile(r"^\s*小区 · "))
    compound.get_by_text("已创建 150 / 393").wait_for()
    assert compound.count() == 1
    fail_on_exception(page)


def test_english_from_url(page, app):
    open_page(page, app + "/?lang=en", title("overview_title", "en"), '[data-testid="stPlotlyChart"]')
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert "Overview" in nav.inner_text()
    labels = [" ".join(m.inner_text().split()) for m in page.locator('[data-testid="stMetricLabel"]').all()]
    assert any("Coverage" in label for label in labels), labels
    fail_on_exception(page)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_locally_with_screenshot(page, app, name):
    """Each page: no exception, its chart or table drawn, every request to this machine; a screenshot."""
    path, title_key, drawn = PAGES[name]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    open_page(page, f"{app}/{path}", title(title_key), drawn)
    fail_on_exception(page)
    assert page.locator(drawn).count() >= 1, f"{name} shows no {drawn}"
    page.wait_for_timeout(1000)  # charts and grids finish drawing; late fetches (fonts, images) arrive
    fail_on_exception(page)

    assert requests, "no requests recorded"
    outside = [
        url
        for url in requests
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname not in LOCAL_HOSTS
    ]
    assert outside == [], f"{name} made requests off this machine: {outside[:10]}"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(shot))
    if name in ("overview", "progress") and os.environ.get("UPDATE_SCREENSHOTS"):
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS / f"screenshot-{name}.png")


def test_explorer_download_matches_rows_shown(page, app):
    open_page(page, app + "/explorer", "共 ", '[data-testid="stDataFrame"]')
    caption = page.get_by_text(re.compile(r"共 [\d,]+ 条")).first.inner_text()
    shown = int(re.search(r"共 ([\d,]+) 条", caption).group(1).replace(",", ""))
    assert shown > 0

    with page.expect_download() as info:
        page.get_by_role("button", name=title("download_csv")).click()
    download = info.value
    assert download.failure() is None
    name = download.suggested_filename
    assert name.endswith(".csv"), name
    assert "截至" in name, name
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), data[:16]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) - 1 == shown, (len(rows) - 1, shown, rows[0])

    with page.expect_download() as info:
        page.get_by_role("button", name=title("download_xlsx")).click()
    workbook = info.value
    assert workbook.suggested_filename == name.removesuffix(".csv") + ".xlsx"
    assert Path(workbook.path()).read_bytes()[:2] == b"PK"


def test_first_visitor_of_a_fresh_server_may_land_on_any_page(browser, tmp_path):
    """A bookmarked page opened first after a restart is served through dashboard.py, not bare."""
    require_chromium()
    with running_dashboard(tmp_path) as url:
        context = browser.new_context(viewport=VIEWPORT)
        try:
            page = context.new_page()
            open_page(page, url + "/towns", title("towns_title"), '[data-testid="stPlotlyChart"]')
            fail_on_exception(page)
            nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
            assert "街镇" in nav and "towns" not in nav, nav
        finally:
            context.close()


def test_upload_preview_confirm_and_a_refused_file(browser, tmp_path):
    """The data page: password, upload two files, preview per district, confirm; then a bad file."""
    require_chromium()
    files = tmp_path / "files"
    files.mkdir()
    roster = files / "闵行区名册.csv"
    roster.write_text("区,街镇,居委/村,名称,类型,户数,人口\n闵行区,江川路街道,一居委,甲苑,小区,100,250\n", "utf-8")
    listing = files / "闵行区首批.csv"
    listing.write_text(
        "闵行区首批“无疫小区”名单（2022年5月9日公布）\n街镇,居委,小区名称\n江川路街道,一居委,甲苑\n", "gb18030"
    )
    bad = files / "闵行区第二批.csv"
    bad.write_text("区,名称,批次,公布日期\n闵行区,乙苑,第二批,2022/13/5\n", "utf-8")

    with (
        running_dashboard(tmp_path, {"CAMPAIGN_ADMIN_PASSWORD": "口令-12345678"}) as url,
        new_tab(browser, viewport=VIEWPORT) as page,
    ):
        log_in(page, url, "口令-12345678")
        settle(page)
        uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first  # then GeoJSON
        uploader.set_input_files([str(roster), str(listing)])
        page.get_by_text(title("preview_title")).wait_for()
        settle(page)
        preview = page.locator('[data-testid="stTable"]').nth(1).inner_text()
        assert "闵行区" in preview, preview
        page.get_by_role("button", name=title("confirm")).click()
        page.get_by_text("已导入并发布：新增单位 1，新增状态记录 1。").wait_for()
        settle(page)

        open_page(page, url + "/", "闵行区 · 已公布批次 1")
        page.get_by_text("已创建 1 / 1").wait_for()

        log_in(page, url, "口令-12345678")
        settle(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files([str(bad)])
        page.get_by_text("文件未通过校验，未载入任何数据").wait_for()
        settle(page)
        report = page.locator('[data-testid="stTable"]').first.inner_text()
        assert "2022/13/5" in report, report
        with page.expect_download() as info:
            page.get_by_role("button", name=title("download_report")).click()
        assert Path(info.value.path()).read_bytes().startswith(b"\xef\xbb\xbf")
        fail_on_exception(page)


def test_filters_live_in_the_url(page, app):
    """A copied URL opens the same view; changing a filter changes the URL."""
    query = "district=金山区&as_of=2022-05-05&kind=compound&status=created&dates=2022-05-05~2022-05-05"
    open_page(page, f"{app}/explorer?{query}", "共 150 条", '[data-testid="stDataFrame"]')
    assert page.locator('[data-testid="stSidebar"] .st-key-as_of input').input_value() == "2022-05-05"
    fail_on_exception(page)

    open_page(page, f"{app}/?as_of=2022-05-05", "已创建 150 / 393")
    page.locator('[data-testid="stSidebar"] .st-key-district [data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="崇明区").click()
    settle(page)
    page.wait_for_function("() => decodeURIComponent(location.search).includes('district=崇明区')")
    assert "as_of=2022-05-05" in page.url


def test_switching_language_renames_the_navigation_at_once(page, app):
    open_page(page, app + "/", title("overview_title"))
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.get_by_text(title("overview_title", "en")).wait_for()
    settle(page)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Overview" in nav and "总览" not in nav, nav


# Two different Chinese characters of one SVG text of a chart, as boxes on the exported PNG: where the
# text's characters lie (SVG's per-character extents, in the figure's pixels).
CHAR_BOXES = """(chart) => {
  const svg = chart.querySelector('.main-svg');
  const origin = svg.getBoundingClientRect();
  for (const text of chart.querySelectorAll('text')) {
    const chars = [...text.textContent];
    const han = chars.map((c, i) => [c, i]).filter(([c]) => /\\p{Script=Han}/u.test(c));
    const other = han.find(([c]) => c !== han[0]?.[0]);
    if (!han.length || !other) continue;
    const box = (i) => {
      const e = text.getExtentOfChar(i), m = text.getScreenCTM();
      const a = new DOMPoint(e.x, e.y).matrixTransform(m);
      const b = new DOMPoint(e.x + e.width, e.y + e.height).matrixTransform(m);
      return [a.x - origin.left, a.y - origin.top, b.x - origin.left, b.y - origin.top];
    };
    return {text: text.textContent, chars: [han[0][0], other[0]], boxes: [box(han[0][1]), box(other[1])],
            width: origin.width, height: origin.height};
  }
  return null;
}"""


def test_a_chart_exports_as_png_with_its_chinese_text_drawn(page, app):
    """Plotly's own "download as PNG" button, offline: the PNG is the chart, and two different Chinese
    characters of its text come out as two different glyphs (missing CJK fonts draw the same empty box)."""
    from PIL import Image, ImageChops

    open_page(page, app + "/progress", title("progress_title"), '[data-testid="stPlotlyChart"]')
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    found = chart.evaluate(CHAR_BOXES)
    assert found, "no chart text with two different Chinese characters"
    chart.hover()
    with page.expect_download() as info:
        chart.locator('.modebar-btn[data-title*="png" i]').first.click()
    download = info.value
    assert download.failure() is None and download.suggested_filename.endswith(".png")
    image = Image.open(download.path()).convert("L")
    scale = image.width / found["width"]
    assert image.height == pytest.approx(found["height"] * scale, abs=2)
    crops = []
    for left, top, right, bottom in found["boxes"]:
        box = [round(v * scale) for v in (left, top, right, bottom)]
        crop = image.crop(box)
        assert crop.getextrema()[0] < 160, (found, box)  # ink there: the character was drawn
        crops.append(crop)
    width, height = min(c.width for c in crops), min(c.height for c in crops)
    first, second = (c.crop((0, 0, width, height)) for c in crops)
    differing = ImageChops.difference(first, second).point(lambda v: 255 if v > 64 else 0).histogram()[255]
    assert differing > 0.05 * width * height, (found["text"], found["chars"], differing, width * height)
