"""The first visitor after a start sees the dashboard's own menu from the first frame, never Streamlit's
page list of file names (dashboard, changes, data ...).

A folder named pages/ beside dashboard.py puts a fresh Streamlit server into its old pages-folder mode:
the first run of the first session draws a menu of the folder's file names before dashboard.py leaves
that mode and draws its own. Each test starts its own server, so that its visitor is the first one, and
records the menu's link texts at every change of the page and every animation frame from the first load.
"""

from __future__ import annotations

import json

import pytest

from campaign import i18n
from tests.support import ROOT
from tests.support.servers import running_dashboard

pytestmark = pytest.mark.browser

FILE_NAMES = {p.stem for p in (ROOT / "pages").glob("*.py")} | {"dashboard"}

RECORD_JS = """
window.__menus = [];
const record = () => {
  const nav = document.querySelector('[data-testid="stSidebarNav"]');
  const links = nav ? [...nav.querySelectorAll('a')].map((a) => a.textContent.trim()) : [];
  const key = JSON.stringify(links);
  if (window.__menus[window.__menus.length - 1] !== key) window.__menus.push(key);
};
new MutationObserver(record).observe(document, {childList: true, subtree: true, characterData: true});
const frame = () => { record(); requestAnimationFrame(frame); };
requestAnimationFrame(frame);
"""


@pytest.mark.parametrize("path", ["", "changes"])
def test_the_first_visitor_sees_the_dashboards_menu_from_the_first_frame(browser, tmp_path, path):
    menu = [i18n.t(f"page_{name}", "zh") for name in ("overview", "progress", "towns")]
    with running_dashboard(tmp_path) as url:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.add_init_script(RECORD_JS)
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{url}/{path}")
            nav = page.locator('[data-testid="stSidebarNav"]')
            for title in menu:
                nav.get_by_text(title).wait_for()
            page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')")
            menus = [json.loads(m) for m in page.evaluate("() => window.__menus")]
        finally:
            context.close()
    shown = [m for m in menus if m]
    assert shown, menus
    bare = sorted({text for m in shown for text in m if text.strip().lower() in FILE_NAMES})
    assert bare == [], f"Streamlit's page list of file names was shown: {shown}"
    assert all(title in " ".join(shown[0]) for title in menu), shown[0]  # the first menu drawn is the dashboard's
