"""The command-centre screen with many districts (16, a city) in a real browser: the KPI tiles fill the
strip without a scrollbar, and every numeral and line on them reads across a room at every display setting.

The 16-district database is built in code (campaign.generate.scale, a few seconds); the server and the page are
driven as in tests/app/test_screen_browser.py.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from campaign.answers import screen
from campaign.generate.scale import SCALES, build_database
from tests.support import ARTIFACTS
from tests.support.browser import require_chromium
from tests.support.screen import (
    KPI,
    SETTINGS,
    assert_boards_whole,
    assert_fills_the_screen,
    open_screen,
    serving,
    tab,
    walk,
)

pytestmark = pytest.mark.browser

CITY = SCALES["tiny"].with_(name="city16", districts=16, towns=32, units=1600)
MIN_PX = 14  # CSS pixels at 1920×1080; in proportion at other sizes

TEXT_JS = """(selector) => {
  const out = [];
  for (const el of document.querySelectorAll(selector + ', ' + selector + ' *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!own) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    out.push([el.className, parseFloat(cs.fontSize), el.textContent.trim().slice(0, 30)]);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Iterator[str]:
    require_chromium()
    folder = tmp_path_factory.mktemp("screen-city")
    build_database(CITY, folder / "campaign.duckdb")
    with serving(folder) as (url, _, _):
        yield url


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_sixteen_districts_fill_the_screen_and_read_across_a_room(browser, city, setting):
    viewport, scale = SETTINGS[setting]
    factor = min(viewport["width"] / 1920, viewport["height"] / 1080)
    with tab(browser, viewport, scale) as page:
        for panels in ("overview", "progress", "batch"):
            w, h = assert_fills_the_screen(page, f"{city}/screen?panels={panels}&rotate=60", f"{setting} {panels}")

            kpis = page.locator(KPI)
            assert kpis.count() == 16
            for box in (kpis.nth(i).bounding_box() for i in range(16)):
                assert box["x"] >= 0 and box["y"] >= 0, box
                assert box["x"] + box["width"] <= w + 0.5 and box["y"] + box["height"] <= h + 0.5, box
            texts = page.evaluate(TEXT_JS, ".scr-kpis")
            numerals = [x for x in texts if "scr-big" in x[0]]
            assert len(numerals) == 16 and all(x[2].endswith("%") for x in numerals), numerals
            small = [x for x in texts if x[1] < MIN_PX * factor - 0.01]
            assert small == [], f"{setting}: text under {MIN_PX * factor:.1f} px: {small[:8]}"
            # every tile says more than its name and numeral: created / total at least
            lines = [x for x in texts if "scr-sub" in x[0]]
            assert len(lines) >= 16, lines
            if panels != "progress":  # the progress chart is an image: its words are checked by size below
                board = page.evaluate(TEXT_JS, '[data-testid="screen-panel"]')
                assert [x for x in board if x[1] < MIN_PX * factor - 0.01] == [], board[:8]
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"screen-city-{setting}-{panels}.png"))


def test_the_progress_panel_draws_the_lowest_districts_only(browser, city):
    with tab(browser) as page:
        open_screen(page, f"{city}/screen?panels=progress&rotate=60")
        title = page.locator('[data-testid="screen-panel"] .scr-panel-title').inner_text()
        assert "覆盖率最低的 8 个区" in title
        src = page.locator('[data-testid="screen-panel"] img').get_attribute("src")
        svg = base64.b64decode(src.split(",", 1)[1]).decode()
        assert svg.count("<polyline") == screen.PROGRESS_MAX


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_every_slide_of_the_citys_rotation_fits_and_reads_in_order(browser, city, setting):
    """A row per district and kind is more than one panel holds: the overview takes pages, a slide each, every
    row whole on one of them, in order (a board that scrolled cut a row at each edge)."""
    viewport, scale = SETTINGS[setting]
    with tab(browser, viewport, scale) as page:
        seen = walk(page, f"{city}/screen?lang=zh", setting)
    panels = [p for p, _, _ in seen]
    assert panels.count("overview") >= 2 and {"progress", "towns", "batch"} <= set(panels), panels
    assert_boards_whole(seen, setting)
    overview = [r for p, _, rows in seen if p == "overview" for r in rows]
    assert len({r[2] for r in overview}) == 16, overview  # every district's rows, across the pages
    towns = [r for p, _, rows in seen if p == "towns" for r in rows]
    assert len(towns) == CITY.towns, towns
