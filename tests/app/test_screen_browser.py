"""The command-centre screen in a real browser: layout at three display settings, rotation, live data,
a server restart, and only local requests. Playwright driving Debian's Chromium, as tests/app/test_browser.py.

Screenshots go to tests/artifacts/screen-*.png; with UPDATE_SCREENSHOTS=1 the 1920×1080 one is also
copied to docs/screenshot-screen.png for the README.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from campaign.intake.ingest import ingest
from tests.support import ARTIFACTS, DOCS
from tests.support.browser import EXCEPTION, require_chromium
from tests.support.processes import free_port
from tests.support.screen import (
    KPI,
    PANEL,
    SETTINGS,
    assert_boards_whole,
    assert_fills_the_screen,
    open_screen,
    panel,
    serving,
    start_server,
    stop_server,
    tab,
    walk,
)
from tests.support.servers import off_machine

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    require_chromium()
    with serving(tmp_path_factory.mktemp("screen")) as (url, _, _):
        yield url


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_fills_the_screen_at_every_display_setting(browser, server, setting):
    viewport, scale = SETTINGS[setting]
    with tab(browser, viewport, scale) as page:
        for panels in ("overview", "towns", "progress", "batch"):
            assert_fills_the_screen(page, f"{server}/screen?panels={panels}&rotate=60", f"{setting} {panels}")
            texts = [" ".join(k.inner_text().split()) for k in page.locator(KPI).all()]
            assert len(texts) == 2 and all("100.0%" in k for k in texts), texts
            assert any("已创建 2,686 / 2,686" in k for k in texts), texts
            assert page.locator('[data-testid="screen-clock"]').is_visible()
            assert "数据截至" in page.locator('[data-testid="screen-asof"]').inner_text()
            for chrome in ("stSidebar", "stToolbar", "stHeader", "stStatusWidget", "stMainMenu"):
                assert not page.locator(f'[data-testid="{chrome}"]').is_visible(), chrome
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / f"screen-{setting}-{panels}.png"
            page.screenshot(path=str(shot))
            if setting == "1920x1080" and panels == "overview" and os.environ.get("UPDATE_SCREENSHOTS"):
                DOCS.mkdir(exist_ok=True)
                shutil.copyfile(shot, DOCS / "screenshot-screen.png")
        assert page.requests and off_machine(page.requests) == [], off_machine(page.requests)[:10]


ROTATIONS = {"default": "", "step=district": "&step=district", "step=town": "&step=town"}


@pytest.mark.parametrize("rotation", list(ROTATIONS))
@pytest.mark.parametrize("setting", list(SETTINGS))
def test_every_slide_of_a_rotation_fits_and_reads_in_order(browser, server, setting, rotation):
    viewport, scale = SETTINGS[setting]
    with tab(browser, viewport, scale) as page:
        seen = walk(page, f"{server}/screen?lang=zh{ROTATIONS[rotation]}", f"{setting} {rotation}")
    panels = [p for p, _, _ in seen]
    if rotation == "step=town":
        assert panels == ["town"] * 29, panels  # the sample's towns, a card each
        return
    for_each = 1 if rotation == "default" else 2  # the sample's two districts
    assert set(panels) == {"overview", "progress", "towns", "batch"} and len(panels) >= 4 * for_each, panels
    assert_boards_whole(seen, f"{setting} {rotation}")
    towns = [r for p, _, rows in seen if p == "towns" for r in rows]
    assert len(towns) == 29, towns  # every town of the sample, once
    ranks = [r[3] for r in towns]
    assert ranks.count(1) == 2, ranks  # each district's ranking begins at 1


def test_bad_url_shows_a_note_and_defaults(browser, server):
    with tab(browser) as page:
        open_screen(page, f"{server}/screen?rotate=abc&panels=maps&district={quote('浦东新区')}")
        notes = page.locator('[data-testid="screen-notes"]').inner_text()
        assert "rotate=abc" in notes and "maps" in notes and "浦东新区" in notes, notes
        assert page.locator(KPI).count() == 2
        assert page.locator(EXCEPTION).count() == 0


def test_rotation_advances_at_the_configured_period(browser, server):
    with tab(browser) as page:
        open_screen(page, f"{server}/screen?rotate=3&panels=overview,progress,towns")
        marker = page.evaluate("() => (window.__screenTest = Math.random())")
        page.wait_for_timeout(500)  # the regions after the first one have arrived
        page.evaluate(WATCH_JS)
        seen = [(time.monotonic(), panel(page))]
        deadline = time.monotonic() + 14
        while time.monotonic() < deadline:
            now = panel(page)
            if now != seen[-1][1]:
                seen.append((time.monotonic(), now))
            page.wait_for_timeout(100)
        order = [p for _, p in seen]
        cycle = ["overview", "progress", "towns"]
        start = cycle.index(order[0])  # a slow first load may already be past the first panel
        assert len(order) >= 4 and order == [cycle[(start + i) % 3] for i in range(len(order))], order
        # the slide follows the clock: one late timer shortens the next slide, the mean period holds
        mean = (seen[-1][0] - seen[1][0]) / (len(seen) - 2)
        assert 2.5 <= mean <= 4.0, [round(b[0] - a[0], 2) for a, b in zip(seen, seen[1:], strict=False)]
        watch = page.evaluate("() => window.__screenWatch")  # a new panel replaces the old, never a gap
        assert watch["noPanel"] == 0 and watch["noKpis"] == 0 and watch["minOpacity"] == 1, watch
        assert page.evaluate("() => window.__screenTest") == marker, "the page was reloaded"


# Records, at every DOM change and every frame, whether the KPIs and the panel were all there and fully
# opaque: a region replaced by removing it and adding it back in two steps, or faded while the server
# re-runs the screen, is a blink on the wall.
WATCH_JS = """() => {
  const rec = window.__screenWatch = {samples: 0, mutations: 0, minKpis: Infinity, noKpis: 0, noPanel: 0,
                                      noHead: 0, minOpacity: 1, counts: {}};
  const opacity = (el) => {
    let o = 1;
    for (; el && el.nodeType === 1; el = el.parentElement) o *= parseFloat(getComputedStyle(el).opacity);
    return o;
  };
  const check = () => {
    rec.samples++;
    const n = document.querySelectorAll('[data-testid="screen-kpi"]').length;
    rec.minKpis = Math.min(rec.minKpis, n);
    rec.counts[n] = (rec.counts[n] || 0) + 1;
    const strip = document.querySelector('.scr-kpis');
    if (!strip || n === 0) rec.noKpis++;
    if (!document.querySelector('[data-testid="screen-panel"]')) rec.noPanel++;
    if (!document.querySelector('[data-testid="screen-head"]')) rec.noHead++;
    if (strip) rec.minOpacity = Math.min(rec.minOpacity, opacity(strip));
  };
  new MutationObserver(() => { rec.mutations++; check(); })
    .observe(document.body, {childList: true, subtree: true, attributes: true, characterData: true});
  const frame = () => { check(); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
}"""


def test_new_snapshot_appears_without_reload_or_flicker(browser, tmp_path):
    require_chromium()
    files = tmp_path / "files"
    files.mkdir()
    roster = files / "闵行区名册.csv"
    roster.write_text(
        "区,街镇,居委/村,名称,类型,户数,人口\n闵行区,江川路街道,一居委,甲苑,小区,100,250\n"
        "闵行区,江川路街道,一居委,乙苑,小区,80,200\n",
        "utf-8",
    )
    listing = files / "闵行区首批.csv"
    listing.write_text("区,街镇,居委/村,名称,批次,公布日期\n闵行区,江川路街道,一居委,甲苑,第一批,2022/5/9\n", "utf-8")
    with serving(tmp_path) as (url, folder, _), tab(browser) as page:
        open_screen(page, f"{url}/screen?refresh=3&rotate=30")
        marker = page.evaluate("() => (window.__screenTest = Math.random())")
        assert page.locator(KPI).count() == 2
        page.wait_for_timeout(3500)  # a refresh or two with nothing new: no blink either
        page.evaluate(WATCH_JS)
        ingest([roster, listing], folder / "campaign.duckdb", who="test")
        card = page.locator(f'{KPI}[data-district="闵行区"]')
        card.wait_for(timeout=10_000)  # within about one refresh period
        assert "50.0%" in card.inner_text() and "1 / 2" in " ".join(card.inner_text().split())
        page.wait_for_timeout(3500)  # and the refreshes after it
        watch = page.evaluate("() => window.__screenWatch")
        assert watch["samples"] > 50 and watch["mutations"] > 0, watch
        # from 2 districts to 3, never fewer, never a blank or faded screen
        assert watch["minKpis"] == 2 and watch["noKpis"] == 0, watch
        assert watch["noPanel"] == 0 and watch["noHead"] == 0, watch
        assert watch["minOpacity"] == 1, watch
        assert page.evaluate("() => window.__screenTest") == marker, "the page was reloaded"
        assert page.locator(EXCEPTION).count() == 0


def test_server_restart_brings_the_screen_back(browser, tmp_path):
    require_chromium()
    port = free_port()
    proc = start_server(tmp_path, port)
    try:
        with tab(browser) as page:
            open_screen(page, f"http://127.0.0.1:{port}/screen?rotate=3&panels=overview,towns")
            stop_server(proc)
            page.wait_for_timeout(3000)
            proc = start_server(tmp_path, port)
            # back by itself: the panels rotate again (the fragment's timer runs on the new server)
            first = panel(page)
            page.wait_for_function(
                f"() => document.querySelector('{PANEL}')?.dataset.panel !== {first!r}", timeout=60_000
            )
            page.wait_for_function(
                f"() => document.querySelector('{PANEL}')?.dataset.panel === {first!r}", timeout=30_000
            )
            assert page.locator(KPI).count() == 2
            assert page.locator(EXCEPTION).count() == 0
            assert off_machine(page.requests) == []
    finally:
        stop_server(proc)
