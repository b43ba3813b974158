"""The overview's town map, the grids page and the services page in a real browser, with no request off
this machine: the schematic tile map on the sample, then a true choropleth from uploaded boundaries.
Playwright driving Debian's Chromium, as tests/app/test_browser.py. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from campaign.app import townmap
from tests.support import ARTIFACTS
from tests.support.browser import VIEWPORT, fail_on_exception, open_page, require_chromium, title
from tests.support.servers import off_machine as outside
from tests.support.servers import running_dashboard

pytestmark = pytest.mark.browser
CHART = '[data-testid="stPlotlyChart"]'


def visit(browser, url: str, expected: str, shot: str, element_text: str | None = None) -> list[str]:
    """Open ``url``; screenshot the page (or the chart holding ``element_text``); return outside requests."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        open_page(page, url, expected, CHART)
        page.wait_for_timeout(1500)
        fail_on_exception(page)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        if element_text:
            chart = page.locator(CHART).filter(has_text=element_text).first
            chart.wait_for()
            chart.scroll_into_view_if_needed()
            chart.screenshot(path=str(ARTIFACTS / f"{shot}.png"))
        else:
            page.screenshot(path=str(ARTIFACTS / f"{shot}.png"))
        assert requests, "no requests recorded"
        return outside(requests)
    finally:
        context.close()


def test_schematic_map_grids_and_services_stay_local(browser, tmp_path):
    require_chromium()
    with running_dashboard(tmp_path) as url:
        # the map is the overview's second chart, behind the switch above its first (?view=map)
        assert visit(browser, url + "/?view=map", title("map_title"), "map-schematic-jinshan", "枫泾镇") == []
        assert visit(browser, url + "/?view=map", title("map_title"), "map-schematic-chongming", "陈家镇") == []
        assert visit(browser, url + "/grids", title("grids_title"), "grids") == []
        assert visit(browser, url + "/services", title("services_title"), "services") == []


def square_boundaries() -> bytes:
    """A made-up GeoJSON: each Jinshan town a square where its tile is (real boundaries cannot ship)."""
    features = []
    for town, col, row in townmap.layout("金山区").rows():
        x, y = 121.0 + 0.1 * col, 30.9 - 0.1 * row
        ring = [[x, y], [x + 0.09, y], [x + 0.09, y - 0.09], [x, y - 0.09], [x, y]]
        features.append(
            {"type": "Feature", "properties": {"name": town}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def test_uploaded_boundaries_give_a_true_choropleth_offline(browser, tmp_path):
    require_chromium()
    (tmp_path / townmap.BOUNDARIES_NAME).write_bytes(square_boundaries())
    with running_dashboard(tmp_path) as url:
        assert visit(browser, url + "/?view=map", title("map_boundaries"), "map-boundaries", "山阳镇") == []


def test_boundaries_fixture_is_valid():
    assert len(townmap.parse_boundaries(square_boundaries())) == 11
    assert Path(townmap.LAYOUT_FILE).is_file()
