"""The dashboard on a phone (issue 17, section 5) and what only a browser shows of section 4.

A phone: 390×844 CSS pixels, device scale 3, touch. On the overview, progress, towns, explorer and find
pages the cards, the charts' labels and legends fit the width; tables scroll inside their own width; the
sidebar opens and closes; the explorer's download buttons are reachable. Screenshots of each page go to
tests/artifacts/phone-*.png (gitignored) to be looked at.

On a desktop: a chart's PNG is named after it and carries its title and day; the dates under the whole-
creation chart are each written once; the services' kind cards show their whole names; Streamlit's own
uploader words are in Chinese; and the server's log stays clean of warnings in normal use.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from campaign import i18n
from tests.support import ARTIFACTS, SAMPLE_DIR
from tests.support.browser import EXCEPTION, new_tab, require_chromium, settle
from tests.support.servers import running_dashboard

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
PASSWORD = "phone-test-password"
CHART = '[data-testid="stPlotlyChart"]'
TABLE = '[data-testid="stDataFrame"]'

# page: path, what shows it has been drawn
PHONE_PAGES = {
    "overview": ("?as_of=2022-05-05", CHART),  # a day when the bars' labels are longest: "38.2% (150/393)"
    "progress": ("progress", CHART),
    "towns": ("towns", CHART),
    "explorer": ("explorer", TABLE),
    "find": ("find?q=hhxy", TABLE),
}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """The dashboard (uploads on) and the folder its log is written in."""
    require_chromium()
    folder = tmp_path_factory.mktemp("phone")
    with running_dashboard(folder, {"CAMPAIGN_ADMIN_PASSWORD": PASSWORD}) as url:
        yield url, folder


def server_log(folder: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in folder.glob("streamlit-*.log"))


@pytest.fixture
def phone(browser):
    with new_tab(browser, **PHONE, accept_downloads=True) as tab:
        yield tab


@pytest.fixture
def desktop(browser):
    with new_tab(browser, viewport={"width": 1400, "height": 1600}, accept_downloads=True) as tab:
        yield tab


def load(page, url: str, drawn: str | None = None) -> None:
    page.goto(url)
    settle(page)
    page.locator("h1").or_(page.locator(EXCEPTION)).first.wait_for()
    settle(page)
    errors = page.locator(EXCEPTION)
    assert not errors.count(), errors.first.inner_text()[:2000]
    if drawn:
        page.locator(drawn).first.wait_for()
        if drawn == CHART:
            page.locator(f"{CHART} .main-svg").first.wait_for()


# what sticks out of its box on the page: each entry names the element and by how many pixels
OVERFLOW = """(width) => {
  const out = [];
  const name = (el) => (el.getAttribute('data-testid') || el.className.baseVal || el.className || el.tagName) + '';
  const doc = document.documentElement;
  if (doc.scrollWidth > width) out.push(['page', doc.scrollWidth - width]);
  const main = document.querySelector('[data-testid="stMain"]');
  if (main && main.scrollWidth > main.clientWidth) out.push(['main', main.scrollWidth - main.clientWidth]);
  for (const el of document.querySelectorAll('[data-testid="stMetric"], [data-testid="stDataFrame"], '
      + '[data-testid="stPlotlyChart"], [data-testid="stDownloadButton"], [data-testid="stButton"]')) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.left < -1 || r.right > width + 1)) out.push([name(el), Math.round(r.right - width)]);
  }
  // a card's label and value whole, not cut with an ellipsis
  for (const el of document.querySelectorAll('[data-testid="stMetricLabel"] *, [data-testid="stMetricValue"] *')) {
    if (el.children.length === 0 && el.scrollWidth > el.clientWidth + 1) out.push(['card: ' + el.textContent,
      el.scrollWidth - el.clientWidth]);
  }
  // a chart's texts (bar labels, legend, axis labels, title) inside the chart
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    const svg = chart.querySelector('.main-svg');
    if (!svg) continue;
    const box = svg.getBoundingClientRect();
    for (const t of chart.querySelectorAll('.main-svg text')) {
      const r = t.getBoundingClientRect();
      if (!r.width || !t.textContent.trim()) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1) out.push(['chart text: ' + t.textContent,
        Math.round(Math.max(box.left - r.left, r.right - box.right))]);
    }
  }
  return out;
}"""


def keep_screenshot(page, name: str) -> None:
    """The whole page as the phone shows it, top to bottom, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"))
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"] .stMainBlockContainer').scrollHeight"
    )
    page.set_viewport_size({"width": PHONE["viewport"]["width"], "height": min(height + 100, 8000)})
    page.wait_for_timeout(500)  # no assertion rests on this: the full-length picture is for people
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}-full.png"))
    page.set_viewport_size(PHONE["viewport"])


@pytest.mark.parametrize("name", list(PHONE_PAGES))
def test_a_page_fits_a_phone(phone, served, name):
    url, _ = served
    path, drawn = PHONE_PAGES[name]
    load(phone, f"{url}/{path}", drawn)
    try:
        width = PHONE["viewport"]["width"]
        assert phone.evaluate(OVERFLOW, width) == []
        # a table wider than the phone scrolls inside its own box, the page does not
        for table in phone.locator(TABLE).all():
            box = table.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    finally:
        keep_screenshot(phone, name)


def test_the_sidebar_opens_and_closes_on_a_phone(phone, served):
    url, _ = served
    load(phone, url + "/progress", CHART)
    sidebar = phone.locator('[data-testid="stSidebar"]')
    district = sidebar.get_by_text(i18n.t("district"), exact=True)
    assert not district.is_visible() or sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 1
    phone.locator('[data-testid="stExpandSidebarButton"]').tap()
    district.wait_for(state="visible")
    # it slides in: wait until it is in place
    phone.wait_for_function(
        "() => document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect().left >= -1"
    )
    box = sidebar.bounding_box()
    assert box["x"] >= -1 and box["x"] + box["width"] <= PHONE["viewport"]["width"] + 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone-sidebar-open.png"))
    phone.locator('[data-testid="stSidebarCollapseButton"] button').tap()
    phone.wait_for_function(
        "() => { const r = document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect();"
        " return r.right <= 1 || r.width === 0; }"
    )


def test_the_explorers_downloads_are_reachable_on_a_phone(phone, served):
    url, _ = served
    load(phone, url + "/explorer?kind=compound", TABLE)
    for key in ("download_csv", "download_xlsx"):
        button = phone.get_by_role("button", name=i18n.t(key))
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]
        with phone.expect_download() as info:
            button.tap()
        assert info.value.failure() is None
        assert info.value.suggested_filename.endswith((".csv", ".xlsx"))


def test_a_charts_png_is_named_after_it_and_carries_its_title_and_day(desktop, served):
    url, _ = served
    load(desktop, url + "/progress?district=金山区&as_of=2022-05-09", CHART)
    chart = desktop.locator(CHART).first
    drawn = " ".join(
        chart.locator(".main-svg .gtitle, .main-svg .gtitle-subtitle").evaluate_all(
            "(els) => els.map((el) => el.textContent)"
        )
    )
    assert "累计覆盖率" in drawn and "金山区" in drawn and "2022年5月9日" in drawn, drawn
    chart.hover()
    with desktop.expect_download() as info:
        chart.locator('.modebar-btn[data-title*="png" i]').first.click()
    assert info.value.suggested_filename == "累计覆盖率_金山区_截至2022-05-09.png"


@pytest.mark.parametrize("query", ["", "&district=金山区&as_of=2022-05-09"])
def test_each_date_once_under_the_whole_creation_chart(desktop, served, query):
    url, _ = served
    load(desktop, f"{url}/changes?view=whole{query}", CHART)
    ticks = desktop.locator(f"{CHART} .xtick text").evaluate_all("(els) => els.map((el) => el.textContent)")
    assert len(ticks) >= 2 and len(ticks) == len(set(ticks)), ticks
    assert all(re.fullmatch(r"\d\d-\d\d", t) for t in ticks), ticks


def test_the_services_cards_show_whole_kind_names(desktop, served):
    url, _ = served
    load(desktop, url + "/services", CHART)
    assert desktop.locator('[data-testid="stMetric"]').count() > 3
    assert desktop.evaluate(OVERFLOW, 1400) == []


def test_the_uploaders_own_words_are_chinese(desktop, served):
    url, _ = served
    load(desktop, url + "/data")
    desktop.locator('input[type="password"]').fill(PASSWORD)
    desktop.keyboard.press("Enter")
    dropzone = desktop.locator('[data-testid="stFileUploaderDropzone"]').first
    dropzone.wait_for()
    shown = dropzone.evaluate(
        """(zone) => {
          const span = zone.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
          const button = zone.querySelector('button:has([data-testid="stMarkdownContainer"])');
          const word = button.querySelector('[data-testid="stMarkdownContainer"]');
          return {hint: getComputedStyle(span, '::after').content, hintSize: getComputedStyle(span).fontSize,
                  button: getComputedStyle(button, '::after').content,
                  english: word ? getComputedStyle(word).display : 'none'};
        }"""
    )
    assert shown["hintSize"] == "0px" and shown["english"] == "none", shown
    assert "每个文件不超过" in shown["hint"] and "MB" in shown["hint"], shown
    assert shown["button"] == '"选择文件"', shown
    # with a file chosen, its delete button and the add-more "+" keep their own icons, no word over them
    template = SAMPLE_DIR
    chosen = next(template.glob("*.csv"))
    desktop.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files([str(chosen)])
    desktop.wait_for_function(
        "() => document.querySelector('[data-testid=\"stFileUploaderDropzone\"]').querySelectorAll('button').length > 1"
    )
    others = dropzone.evaluate(
        """(zone) => [...zone.querySelectorAll('button')]
            .filter((b) => !b.querySelector('[data-testid="stMarkdownContainer"]'))
            .map((b) => getComputedStyle(b, '::after').content)"""
    )
    assert others and all(c in ("none", "normal") for c in others), others


def test_the_server_log_stays_clean_in_normal_use(desktop, served):
    url, folder = served
    for path, drawn in (("grids", CHART), ("grids?lang=en", CHART), ("?lang=en", CHART), ("towns?lang=en", CHART)):
        load(desktop, f"{url}/{path}", drawn)
    log = server_log(folder)
    assert "missing ScriptRunContext" not in log
    assert "default value but also had its value set" not in log
    assert "Traceback" not in log


def test_the_date_picker_speaks_the_browsers_language_and_offers_no_english_ranges(browser, served):
    """Streamlit draws the calendar in the browser's language (it takes no language from the app): a Chinese
    browser shows Chinese months and weekdays. Its quick ranges, English and counted from today, are hidden."""
    url, _ = served
    context = browser.new_context(viewport={"width": 1400, "height": 1200}, locale="zh-CN")
    try:
        tab = context.new_page()
        load(tab, url + "/explorer", TABLE)
        tab.locator('[data-testid="stDateInputCalendarButton"]').first.click()
        calendar = tab.locator('[data-testid="stDateInputCalendar"]')
        calendar.wait_for()
        text = calendar.inner_text()
        # (its screen-reader hints stay English: Streamlit's own, out of sight)
        english = re.search(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)", text)
        assert "月" in text and "一" in text and not english, text
        quick = tab.locator('[data-testid="stDateInputQuickSelect"]')
        assert quick.count() == 0 or not quick.first.is_visible()
    finally:
        context.close()


# each table's toolbar against what stands above the table: [toolbar's top, bottom of the element above, its end]
TOOLBARS = """() => [...document.querySelectorAll('[data-testid="stElementToolbar"]')].flatMap((bar) => {
  const above = bar.closest('[data-testid="stElementContainer"]')?.previousElementSibling;
  const r = bar.getBoundingClientRect();
  return above && r.height ? [[r.top, above.getBoundingClientRect().bottom, above.textContent.slice(-20)]] : [];
})"""


@pytest.mark.parametrize("path", ["towns", "forecast", "grids"])
def test_a_tables_toolbar_leaves_the_line_above_the_table_whole(phone, served, path):
    """On a touch screen a table's toolbar is always shown, just above the table: it covered the end of the
    line above (the towns chart's axis title, the forecast's backtest sentence, the grids' level counts)."""
    url, _ = served
    load(phone, f"{url}/{path}", TABLE)
    # the page's rules and the chart above may still be laid out after the run ends: give the layout time to settle
    with contextlib.suppress(PlaywrightTimeout):
        phone.wait_for_function(
            f"() => ({TOOLBARS})().every(([top, bottom]) => top >= bottom - 0.5)", polling=250, timeout=10_000
        )
    bars = phone.evaluate(TOOLBARS)
    assert bars and all(top >= bottom - 0.5 for top, bottom, _ in bars), bars
