"""The two bundled campaigns switch in a real browser (Debian's Chromium through Playwright): the sidebar's chooser,
``?campaign=`` carried from page to page and onto the screen, each campaign's own figures and words."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import VIEWPORT, metric_texts, new_tab, open_page, require_chromium, settle
from tests.support.servers import running_dashboard

pytestmark = pytest.mark.browser

CHOOSER = '[data-testid="stSidebar"] .st-key-campaign_pick [data-testid="stSelectbox"]'


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    with running_dashboard(tmp_path_factory.mktemp("campaigns")) as url:
        yield url


def _choose(page, name: str) -> None:
    page.locator(CHOOSER).click()
    page.get_by_role("option", name=name, exact=True).click()
    settle(page)


def test_the_bundled_campaigns_switch_in_the_browser(browser, app) -> None:
    with new_tab(browser, viewport=VIEWPORT) as page:
        open_page(page, app + "/", "已创建 393 / 393", '[data-testid="stPlotlyChart"]')
        assert "campaign=" not in page.url
        _choose(page, "垃圾分类达标小区")
        page.get_by_text("已达标 11 / 15").first.wait_for()
        assert "campaign=laji" in page.url
        assert not [m for m in metric_texts(page) if "已创建" in m]
        # another page keeps the campaign, in its figures and its URL
        page.locator('[data-testid="stSidebarNav"] a', has_text="街镇").first.click()
        settle(page)
        page.wait_for_url(re.compile(r"/towns\?.*campaign=laji"))
        page.locator('[data-testid="stMain"]').get_by_text(re.compile("已达标")).first.wait_for(state="attached")
        _choose(page, "无疫小区")
        page.wait_for_url(re.compile(r"/towns(?!.*campaign=)"))
        # the screen's URL chooses too
        open_page(page, app + "/screen?campaign=laji&panels=overview", "垃圾分类达标小区 · 指挥中心")
