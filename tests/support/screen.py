"""The command-centre screen in a real browser: a server of its own, a tab at a display setting, and the
checks that a slide fills the window and its boards read in order (tests/app/test_screen_browser.py,
test_screen_layout.py)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.intake.ingest import ingest
from campaign.intake.reader import status_files
from tests.support import ROOT, SAMPLE_DIR
from tests.support.browser import EXCEPTION
from tests.support.servers import free_port, healthy, stop

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
        ingest(status_files(SAMPLE_DIR), db, who="sample")
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
    stop(proc, timeout=10)
    proc.log.close()


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[tuple[str, Path, int]]:
    port = free_port()
    proc = start_server(folder, port)
    try:
        yield f"http://127.0.0.1:{port}", folder, port
    finally:
        stop_server(proc)


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
