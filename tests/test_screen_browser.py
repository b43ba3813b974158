"""The command-centre screen in a real browser: layout at three display settings, rotation, live data,
a server restart, and only local requests. Playwright driving Debian's Chromium, as tests/test_browser.py.

Screenshots go to tests/artifacts/screen-*.png; with UPDATE_SCREENSHOTS=1 the 1920×1080 one is also
copied to docs/screenshot-screen.png for the README.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from test_browser import (
    ARTIFACTS,
    DOCS,
    EXCEPTION,
    LOCAL_HOSTS,
    ROOT,
    free_port,
    healthy,
    require_chromium,
)

from campaign.intake.ingest import ingest
from campaign.intake.reader import status_files

pytestmark = pytest.mark.browser

SETTINGS = {
    "1920x1080": ({"width": 1920, "height": 1080}, 1),
    "3840x2160": ({"width": 3840, "height": 2160}, 1),
    "1920x1080@1.5": ({"width": 1920, "height": 1080}, 1.5),
    # what a 1920×1080 monitor at 150% OS scaling gives the page: 1280×720 CSS pixels
    "1280x720@1.5": ({"width": 1280, "height": 720}, 1.5),
}
KPI = '[data-testid="screen-kpi"]'
PANEL = '[data-testid="screen-panel"]'


def start_server(folder: Path, port: int) -> subprocess.Popen:
    db = folder / "campaign.duckdb"
    if not db.exists():
        ingest(status_files(ROOT / "data" / "sample"), db, who="sample")
    env = {**os.environ, "CAMPAIGN_DB": str(db)}
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    command += ["--server.headless", "true"]
    log = open(folder / f"streamlit-{port}.log", "ab")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log = log
    deadline = time.monotonic() + 60
    while not healthy(f"http://127.0.0.1:{port}/_stcore/health"):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_server(proc)
            log = (folder / f"streamlit-{port}.log").read_text(errors="replace")
            pytest.fail(f"streamlit did not start:\n{log[-3000:]}")
        time.sleep(0.25)
    return proc


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.log.close()


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[tuple[str, Path, int]]:
    port = free_port()
    proc = start_server(folder, port)
    try:
        yield f"http://127.0.0.1:{port}", folder, port
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    require_chromium()
    with serving(tmp_path_factory.mktemp("screen")) as (url, _, _):
        yield url


@contextlib.contextmanager
def tab(browser, viewport=None, scale: float = 1) -> Iterator:
    context = browser.new_context(viewport=viewport or {"width": 1920, "height": 1080}, device_scale_factor=scale)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    try:
        yield page
    finally:
        context.close()


def open_screen(page, url: str) -> None:
    page.goto(url)
    page.locator(KPI).or_(page.locator(EXCEPTION)).first.wait_for()
    if page.locator(EXCEPTION).count():
        pytest.fail(page.locator(EXCEPTION).first.inner_text()[:2000])
    page.locator(PANEL).first.wait_for()


def panel(page) -> str:
    return page.locator(PANEL).first.get_attribute("data-panel")


def off_machine(requests: list[str]) -> list[str]:
    return [
        u for u in requests if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname not in LOCAL_HOSTS
    ]


LAYOUT_JS = """() => {
  const W = innerWidth, H = innerHeight, doc = document.documentElement;
  const main = document.querySelector('[data-testid="stMain"]');
  const out = {scroll: [doc.scrollWidth, doc.scrollHeight, W, H,
                        main ? main.scrollWidth : 0, main ? main.scrollHeight : 0,
                        main ? main.clientWidth : 0, main ? main.clientHeight : 0],
               outside: [], cut: []};
  for (const el of document.querySelectorAll('body *')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || cs.opacity === '0') continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;  // visually hidden (the skip link)
    if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5)
      out.outside.push(`${el.tagName}.${el.className} ${[r.left, r.top, r.right, r.bottom].map(Math.round)}`);
    if (el.closest('.scr') && el.children.length === 0 && el.textContent.trim()
        && el.scrollWidth > el.clientWidth + 1 && cs.overflowX === 'hidden')  // an ellipsis: text cut
      out.cut.push(`${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 40)}`);
  }
  const bg = getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor;
  out.background = bg;
  return out;
}"""


def luminance(css: str) -> float:
    r, g, b = (float(v) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def assert_fills_the_screen(page, url: str, what: str) -> tuple[float, float]:
    """Open the screen at url: no scrollbar, nothing outside the window or cut off, a dark background.
    Returns the window's inner width and height (CSS pixels)."""
    open_screen(page, url)
    page.wait_for_timeout(800)  # fonts and the data: image settle
    layout = page.evaluate(LAYOUT_JS)
    doc_w, doc_h, w, h, main_w, main_h, main_cw, main_ch = layout["scroll"]
    assert doc_h <= h and doc_w <= w, f"{what}: the page scrolls {layout['scroll']}"
    assert main_h <= main_ch and main_w <= main_cw, f"{what}: main scrolls {layout['scroll']}"
    assert layout["outside"] == [], f"{what}: outside the viewport {layout['outside']}"
    assert layout["cut"] == [], f"{what}: text cut off {layout['cut']}"
    assert luminance(layout["background"]) < 30, layout["background"]
    return w, h


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


# Every element of the panel: inside the window, inside each box that clips it (a row below the panel's body
# is hidden by the body's overflow, inside the window: the "last row cut at the bottom edge"), no text cut
# short by an ellipsis. And the board's rows with the district and rank they show, where they are.
PANEL_JS = """() => {
  const panel = document.querySelector('[data-testid="screen-panel"]');
  const out = {cut: [], rows: []};
  const inside = (r, b) => r.left >= b.left - 0.5 && r.top >= b.top - 0.5
                           && r.right <= b.right + 0.5 && r.bottom <= b.bottom + 0.5;
  const screen = {left: 0, top: 0, right: innerWidth, bottom: innerHeight};
  for (const el of [panel, ...panel.querySelectorAll('*')]) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;
    const what = `${el.tagName}.${el.className} «${el.textContent.trim().slice(0, 24)}» `
                 + [r.left, r.top, r.right, r.bottom].map(Math.round);
    if (!inside(r, screen)) out.cut.push('outside the window: ' + what);
    // an inline element's box is its font's whole content area, taller than the line it sits on: across only
    for (let a = el.parentElement; a && a !== panel.parentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      const b = a.getBoundingClientRect();
      const holds = cs.display === 'inline' ? r.left >= b.left - 0.5 && r.right <= b.right + 0.5 : inside(r, b);
      if ((s.overflowX !== 'visible' || s.overflowY !== 'visible') && !holds) {
        out.cut.push(`clipped by ${a.tagName}.${a.className}: ` + what);
        break;
      }
    }
    if (el.children.length === 0 && el.textContent.trim() && cs.overflowX === 'hidden'
        && el.scrollWidth > el.clientWidth + 1)
      out.cut.push('text cut short: ' + what);
  }
  for (const row of panel.querySelectorAll('.scr-row')) {
    const who = row.querySelector('[data-district]');
    if (!who) continue;
    const rank = row.querySelector('[data-rank]'), r = row.getBoundingClientRect();
    out.rows.push([Math.round(r.left), r.top, who.dataset.district, rank ? +rank.dataset.rank : null,
                   row.textContent.trim()]);
  }
  return out;
}"""


def reading_order(rows: list) -> list:
    """The board's rows as a reader takes them: down the leftmost column, then down the next."""
    return sorted(rows, key=lambda r: (r[0], r[1]))


def assert_reads_in_order(rows: list, what: str) -> None:
    """Each district's rows together, in the order of the data, and its ranks never going back."""
    districts = [r[2] for r in rows]
    groups = [d for i, d in enumerate(districts) if i == 0 or d != districts[i - 1]]
    assert len(groups) == len(set(groups)), f"{what}: districts interleaved {groups}"
    for before, after in zip(rows, rows[1:], strict=False):
        if before[2] == after[2] and before[3] is not None:
            assert after[3] >= before[3], f"{what}: rank {after[3]} after {before[3]} in {before[2]}: {rows}"


def walk(page, url: str, what: str) -> list[tuple[str, str, list]]:
    """Every slide of the rotation at ``url`` (pinned with start=k): each fits and reads in order.
    Returns (panel, page, rows in reading order) for each slide."""
    assert_fills_the_screen(page, f"{url}&rotate=3600&start=1", f"{what} slide 1")
    count = int(page.locator('[data-testid="screen-slide"]').inner_text().split("/")[1])
    seen = []
    for k in range(1, count + 1):
        if k > 1:
            assert_fills_the_screen(page, f"{url}&rotate=3600&start={k}", f"{what} slide {k}")
        here = f"{what} slide {k}/{count}"
        assert page.locator('[data-testid="screen-slide"]').inner_text() == f"{k} / {count}", here
        found = page.evaluate(PANEL_JS)
        assert found["cut"] == [], f"{here}: {found['cut'][:6]}"
        rows = reading_order(found["rows"])
        assert_reads_in_order(rows, here)
        box = page.locator(PANEL).first
        seen.append((box.get_attribute("data-panel"), box.get_attribute("data-page"), rows))
    return seen


def assert_boards_whole(seen: list, what: str) -> None:
    """A board on several slides: its pages follow each other in order and show every row once."""
    for name in ("overview", "towns"):
        boards = [rows for panel, _, rows in seen if panel == name]
        if not boards:
            continue
        joined = [r for rows in boards for r in rows]
        assert_reads_in_order(joined, f"{what} {name}, its pages one after the other")
        texts = [r[4] for r in joined]
        assert len(texts) == len(set(texts)), f"{what} {name}: a row shown twice"


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
