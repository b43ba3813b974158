"""Hostile names in every field, every page in Chromium: names show as the characters they are, create no element,
make no request off this machine and fire no dialog; the layout holds (no exception, the page's content drawn).

One server on a snapshot of tests/app/test_hostile_names.py's files (districts, towns, committees, units, grids and a
file name written as Markdown, HTML, directives, maths and Plotly templates)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from campaign.text import JOINER
from tests.support.browser import EXCEPTION, VIEWPORT, fail_on_exception, new_tab, require_chromium, settle
from tests.support.files import ingested
from tests.support.hostile_names import (
    COMMITTEE,
    DISTRICT,
    DISTRICT_2,
    FILE,
    GRID_2,
    TOWN,
    TOWN_2,
    UNIT,
    UNIT_2,
    VILLAGE,
    write_hostile,
)
from tests.support.processes import LOCAL_HOSTS
from tests.support.servers import running_dashboard

pytestmark = pytest.mark.browser


CHART = '[data-testid="stPlotlyChart"] .main-svg'
TABLE = '[data-testid="stDataFrame"]'
SCREEN = '[data-testid="screen-panel"]'

# path -> (names that page must show as written in its main area's text, what it draws last)
PAGES = {
    "": ([DISTRICT, DISTRICT_2], CHART),
    "?view=map": ([DISTRICT], CHART),
    f"?district={quote(DISTRICT)}": ([DISTRICT], CHART),
    "progress": ([], CHART),
    "progress?view=batch": ([], CHART),
    f"progress?view=towns&district={quote(DISTRICT)}": ([], CHART),
    "towns": ([], TABLE),
    "changes": ([DISTRICT, DISTRICT_2], f"{TABLE} >> nth=1"),
    "changes?view=whole": ([], CHART),
    "forecast": ([], '[data-testid="stHeading"] >> nth=1'),
    "quality": ([], '[data-testid="stAlert"] >> nth=7'),
    "explorer": ([], '[data-testid="stDownloadButton"]'),
    "find?q=code": ([UNIT_2, COMMITTEE, TOWN, DISTRICT], TABLE),
    f"find?q={quote('ref')}": ([VILLAGE, TOWN_2], TABLE),
    "grids": ([], f"{TABLE} >> nth=1"),
    "services": ([], f"{TABLE} >> nth=1"),
    "data": ([], '[data-testid="stDownloadButton"]'),
    "screen?panels=overview": ([DISTRICT, DISTRICT_2], SCREEN),
    "screen?panels=progress": ([], SCREEN),
    "screen?panels=towns": ([TOWN, TOWN_2], SCREEN),
    "screen?panels=batch": ([], SCREEN),
    "screen?step=town": ([], SCREEN),
}

# Elements the names would create if read as markup: found anywhere, by what they are or what they point to
CREATED = r"""() => {
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), v = attr.value || '';
      // names as attribute values (an input's value, data-district) are text; what loads, links or runs is not
      const loads = ['href', 'src', 'srcset', 'action', 'formaction', 'poster', 'xlink:href', 'background', 'style'];
      if ((loads.includes(name) && /127\.0\.0\.2|javascript:/i.test(v)) || (name.startsWith('on') && /alert/.test(v))) {
        found.push(`${el.tagName} ${name}=${v.slice(0, 80)}`);
      }
    }
    if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED'].includes(el.tagName) && /alert|127\.0\.0\.2/.test(el.outerHTML)) {
      found.push(el.outerHTML.slice(0, 120));
    }
  }
  // markup made of a name's pieces: **粗**, <b>粗</b>, _i_, ~~s~~, `code`, $x$, :red[y], # h, <b>总</b>, <a>链</a>
  const pieces = new Set(['粗', 'i', 's', 'code', 'x', 'y', 'h', '总', '链', 'a', 'b', 'c', 'home']);
  const markup = 'strong, b, em, i, del, s, code, h1, h2, h4, h5, h6, li, table, a, .katex, '
    + '[data-testid="stMarkdownContainer"] span[style*="color"], [data-testid="stIconMaterial"], '
    + 'tspan[style*="bold"], tspan[style*="italic"]';
  for (const el of document.querySelectorAll(markup)) {
    const t = (el.textContent || '').trim();
    if (pieces.has(t)) found.push(`${el.tagName}.${el.className} "${t}"`);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> Iterator[str]:
    require_chromium()
    db = ingested(tmp_path_factory.mktemp("hostile-browser"), write_hostile)
    with running_dashboard(db.parent) as url:
        yield url


def watch(page) -> None:
    """Keep the URLs ``page`` requests and the dialogs it opens (dismissed) for check()."""
    page.requests, page.dialogs = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))


@pytest.fixture
def tab(browser):
    with new_tab(browser, viewport=VIEWPORT) as page:
        watch(page)
        yield page


def check(page, expected: list[str]) -> None:
    """Nothing the names could make, no request away from this machine, no dialog, no exception; ``expected``
    names shown as written."""
    page.wait_for_timeout(800)  # late fetches (an image a name made) and chart drawing arrive
    fail_on_exception(page)
    created = page.evaluate(CREATED)
    assert created == [], f"{page.url}: the names made markup: {created[:10]}"
    outside = [
        u
        for u in page.requests
        if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname not in LOCAL_HOSTS
    ]
    assert outside == [], f"{page.url} made requests off this machine: {outside[:10]}"
    assert page.dialogs == [], f"{page.url} fired dialogs: {page.dialogs}"
    shown = page.locator('[data-testid="stMain"]').inner_text()
    shown = " ".join(shown.replace(JOINER, "").split())  # the invisible joiner that keeps bare addresses text
    for name in expected:
        assert name in shown, f"{page.url} does not show {name!r} as written:\n{shown[:1500]}"


def visit(page, url: str, drawn: str = CHART) -> None:
    """Open ``url`` and wait until the page has drawn ``drawn`` (the last of its content) and finished its run."""
    page.goto(url)
    page.locator(drawn).or_(page.locator(EXCEPTION)).first.wait_for(timeout=90_000)
    settle(page)


@pytest.mark.parametrize("path", list(PAGES))
def test_hostile_names_show_as_text(tab, hostile_server, path):
    expected, drawn = PAGES[path]
    visit(tab, f"{hostile_server}/{path}", drawn)
    check(tab, expected)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` (its text as shown, a substring) in the main area's select box labelled ``label``."""
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text=label).click()
    page.get_by_role("option").filter(has_text=option).first.click()
    settle(page)


def test_towns_drill_down_shows_names_as_text(tab, hostile_server):
    from campaign import i18n

    visit(tab, f"{hostile_server}/towns", TABLE)
    check(tab, [])
    choose(tab, i18n.t("drill_town", "zh"), f"{TOWN}（{DISTRICT[:5]}")
    tab.locator(TABLE).nth(1).wait_for()
    check(tab, [i18n.t("committees_of", "zh", town=TOWN)])
    choose(tab, i18n.t("drill_committee", "zh"), COMMITTEE[:6])
    tab.locator('[data-testid="stDataFrame"]').nth(2).wait_for()
    check(tab, [i18n.t("units_of", "zh", committee=COMMITTEE)])


def test_a_long_town_leaves_the_towns_chart_its_width(tab, hostile_server):
    """A town of 200 characters: its name is cut on the axis, the bars keep most of the chart's width and show
    their figures."""
    visit(tab, f"{hostile_server}/towns", TABLE)
    chart = tab.locator('[data-testid="stPlotlyChart"]').first
    share = chart.evaluate(
        "(c) => { const w = (s) => c.querySelector(s).getBoundingClientRect().width;"
        " return w('.nsewdrag') / w('.main-svg'); }"
    )
    assert share > 0.5, f"the plot area is {share:.0%} of the chart"
    figures = chart.locator(".bartext").all_text_contents()
    assert len(figures) == 4 and all("%" in f for f in figures), figures


def test_grid_names_show_as_text(tab, hostile_server):
    visit(tab, f"{hostile_server}/grids", f"{TABLE} >> nth=1")
    check(tab, [])
    labels = " ".join(tab.locator('[data-testid="stPlotlyChart"] .main-svg').first.all_text_contents())
    assert GRID_2 in labels and "<b>总</b>网格" in labels, labels  # the treemap's labels, as written


def test_a_hostile_upload_is_shown_as_text_in_the_preview_and_the_report(browser, tmp_path):
    """The data page's preview and refusal tables (Markdown tables) show file names and values as written."""
    from campaign import i18n

    files = tmp_path / "files"
    roster, good = write_hostile(files)[:2]  # the list with the hostile file name, and the roster it needs
    bad = files / "**坏**![b](http:⁄⁄127.0.0.2:9⁄b.png).csv"
    bad.write_text(f"区,名称,批次,公布日期\n{DISTRICT},{UNIT.replace('&', '')},第二批,2022/13/5\n", "utf-8")
    with (
        running_dashboard(tmp_path, {"CAMPAIGN_ADMIN_PASSWORD": "口令-12345"}) as url,
        new_tab(browser, viewport=VIEWPORT) as page,
    ):
        watch(page)
        visit(page, url + "/data", '[data-testid="stDownloadButton"]')
        page.locator('input[type="password"]').fill("口令-12345")
        page.keyboard.press("Enter")
        settle(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files([str(roster), str(good)])
        page.get_by_text(i18n.t("preview_title", "zh")).wait_for()
        page.locator('[data-testid="stTable"]').nth(1).wait_for()
        settle(page)
        check(page, [FILE, DISTRICT])

        visit(page, url + "/data", '[data-testid="stDownloadButton"]')
        page.locator('input[type="password"]').fill("口令-12345")
        page.keyboard.press("Enter")
        settle(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files([str(bad)])
        page.get_by_text("文件未通过校验").wait_for()
        page.locator('[data-testid="stTable"]').first.wait_for()
        settle(page)
        check(page, [bad.name])


def test_expected_names_are_distinct_from_their_markup():
    # the tour's positive checks would pass on a page that dropped the markup characters: they are all there
    for name in (DISTRICT, TOWN, COMMITTEE, UNIT, Path(FILE).stem):
        assert any(c in name for c in "*<$#[")
