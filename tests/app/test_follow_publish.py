"""An open tab follows new data (issue 17, section 1) and the 数据截至 field does what it shows (section 2).

In Chromium against a server of its own on a copy of the sample, checking for new data every 2 s
(CAMPAIGN_REFRESH): tabs left open on several pages while a revocation dated the next day is published.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from campaign import i18n
from campaign.answers import queries
from campaign.intake.ingest import ingest
from campaign.intake.reader import status_files
from tests.support import ROOT
from tests.support.browser import VIEWPORT, fail_on_exception, log_in, new_tab, open_page, require_chromium, settle
from tests.support.servers import running_dashboard

pytestmark = pytest.mark.browser

SIDEBAR_DAY = '[data-testid="stSidebar"] .st-key-as_of input'


@pytest.fixture(scope="module")
def sample_copy_source(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("follow-sample") / "campaign.duckdb"
    ingest(status_files(ROOT / "data" / "sample"), db, who="sample")
    return db


def fresh_server(source: Path, folder: Path, refresh: str = "2"):
    """A server of its own on a copy of the sample (a test that publishes changes the data for good)."""
    require_chromium()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / "campaign.duckdb")
    return running_dashboard(folder, {"CAMPAIGN_REFRESH": refresh})


def last_published(db: Path) -> dt.date:
    return queries.run("snapshot_info", db=db).item(0, "last_published")


def publish_revocation(db: Path, day: dt.date, folder: Path) -> None:
    """Publish, as an official would, a revocation of 海皓馨苑 (金山区 山阳镇) dated ``day``."""
    path = folder / "金山区_取消_新.csv"
    row = f"金山区,山阳镇,海欣居民区,海皓馨苑,取消,{day.isoformat()}"
    path.write_text(f"区,街镇,居委/村,名称,状态,公布日期\n{row}\n", "utf-8")
    report = ingest([path], db, who="test")
    assert report.changed


def header(day: dt.date) -> str:
    return f"{i18n.t('as_of')}{i18n.t('colon')}{i18n.fmt_date(day)}"


def offer(newest: dt.date, chosen: dt.date) -> str:
    return i18n.t("newer_data", day=i18n.fmt_date(newest), chosen=i18n.fmt_date(chosen))


def url_params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_open_tabs_follow_a_publish_and_a_chosen_day_stays_with_an_offer(browser, sample_copy_source, tmp_path):
    folder = tmp_path / "server"
    with fresh_server(sample_copy_source, folder) as url:
        db = folder / "campaign.duckdb"
        old = last_published(db)
        new = old + dt.timedelta(days=1)
        context = browser.new_context(viewport=VIEWPORT)
        try:
            following = {}
            for path, drawn in (
                ("", "已创建 393 / 393"),
                ("progress", header(old)),
                ("explorer", header(old)),
                ("data", i18n.t("data_title")),
            ):
                tab = context.new_page()
                tab.set_default_timeout(30_000)
                open_page(tab, f"{url}/{path}", drawn)
                expect(tab.locator(SIDEBAR_DAY)).to_have_value(old.isoformat())
                assert "as_of" not in url_params(tab), tab.url  # nobody chose a day: the URL says none
                following[path or "overview"] = tab
            chosen_day = old - dt.timedelta(days=3)
            chosen = context.new_page()
            chosen.set_default_timeout(30_000)
            open_page(chosen, f"{url}/?as_of={chosen_day.isoformat()}", header(chosen_day))
            # a shared link's older day already says newer data exists
            chosen.get_by_text(offer(old, chosen_day)).wait_for()

            publish_revocation(db, new, tmp_path)

            notice = i18n.t("new_data_published", day=i18n.fmt_date(new))
            for name, tab in following.items():
                tab.get_by_text(notice).wait_for()  # no reload: the tab's poll noticed the publish
                settle(tab)
                expect(tab.locator(SIDEBAR_DAY)).to_have_value(new.isoformat())
                if name != "data":
                    tab.get_by_text(header(new), exact=True).wait_for()
                assert "as_of" not in url_params(tab), (name, tab.url)
                fail_on_exception(tab)
            overview = following["overview"]
            overview.get_by_text("已创建 392 / 393").wait_for()  # the figures moved with the day

            # moving between pages keeps the newest day (it used to keep the old one and write it in the URL)
            overview.locator('[data-testid="stSidebarNav"]').get_by_text(i18n.t("page_towns")).click()
            # the towns page's own title first: the overview's header, still on screen while the run starts, would
            # pass for the towns page's
            overview.get_by_role("heading", name=i18n.t("towns_title")).wait_for()
            settle(overview)
            overview.get_by_text(header(new), exact=True).wait_for()
            assert "as_of" not in url_params(overview), overview.url

            # the chosen day stays, says newer data exists and offers it
            chosen.get_by_text(offer(new, chosen_day)).wait_for()
            settle(chosen)
            assert chosen.get_by_text(header(chosen_day), exact=True).count() == 1
            expect(chosen.locator(SIDEBAR_DAY)).to_have_value(chosen_day.isoformat())
            assert url_params(chosen)["as_of"] == [chosen_day.isoformat()]
            chosen.get_by_role("button", name=i18n.t("show_newest")).click()
            chosen.get_by_text(header(new), exact=True).wait_for()
            settle(chosen)
            assert chosen.get_by_text(offer(new, chosen_day)).count() == 0
            assert "as_of" not in url_params(chosen), chosen.url
            fail_on_exception(chosen)
        finally:
            context.close()


def type_day(page, text: str, key: str) -> None:
    field = page.locator(SIDEBAR_DAY)
    field.fill(text)
    field.press(key)


@pytest.fixture(scope="module")
def unchanged_server(browser, sample_copy_source, tmp_path_factory):
    # Nothing is published here, so the tab's poll is slowed: a poll's fragment run landing as a day is typed is one
    # possible cause of the one typed day CI saw lost (not reproduced; see the note on issue #17). The other: it was
    # the server's first session, whose first runs (caches, the first frame's menu) were still going on; a first
    # visit before the tests makes theirs an ordinary session.
    with fresh_server(sample_copy_source, tmp_path_factory.mktemp("unchanged"), refresh="1h") as url:
        with new_tab(browser, viewport=VIEWPORT) as page:
            open_page(page, url + "/", "已创建 393 / 393")
        yield url


@pytest.mark.parametrize("key", ["Enter", "Tab"])
def test_the_as_of_field_takes_a_typed_day_on_enter_and_on_tab(browser, unchanged_server, key):
    with new_tab(browser, viewport=VIEWPORT) as page:
        open_page(page, unchanged_server + "/", "已创建 393 / 393")
        type_day(page, "2022/5/5", key)
        page.get_by_text(header(dt.date(2022, 5, 5)), exact=True).wait_for()
        page.get_by_text("已创建 150 / 393").wait_for()
        settle(page)
        expect(page.locator(SIDEBAR_DAY)).to_have_value("2022-05-05")
        assert url_params(page)["as_of"] == ["2022-05-05"]

        # a day out of the data's range is refused with a note, not clamped in silence
        type_day(page, "2019-01-01", key)
        page.get_by_text("2019年1月1日不在数据的日期范围内").wait_for()
        settle(page)
        expect(page.locator(SIDEBAR_DAY)).to_have_value("2022-05-05")
        assert page.get_by_text(header(dt.date(2022, 5, 5)), exact=True).count() == 1
        type_day(page, "5月", key)
        page.get_by_text("「5月」不是日期，未采用").wait_for()

        # clearing the field follows the newest data again, and the URL drops the day
        type_day(page, "", key)
        page.get_by_text("已创建 393 / 393").wait_for()
        settle(page)
        assert "as_of" not in url_params(page), page.url
        fail_on_exception(page)


def test_overview_path_opens_the_overview_without_page_not_found(browser, unchanged_server):
    """/overview, a path people type, opens the overview (its filters kept), not Streamlit's "Page not found"."""
    with new_tab(browser, viewport=VIEWPORT) as page:
        open_page(
            page, unchanged_server + "/", i18n.t("overview_title")
        )  # not the server's first visitor (see dashboard.py)
        open_page(page, unchanged_server + "/overview?district=崇明区&as_of=2022-05-09", i18n.t("overview_title"))
        page.get_by_text(header(dt.date(2022, 5, 9)) + " · 崇明区").wait_for()
        settle(page)
        page.wait_for_timeout(1000)  # the pop-up, if any, comes with the run's end
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator('[role="dialog"]').count() == 0
        assert urlsplit(page.url).path == "/", page.url
        assert url_params(page) == {"district": ["崇明区"], "as_of": ["2022-05-09"]}
        nav = page.locator('[data-testid="stSidebarNav"] a[aria-current="page"]')
        assert nav.count() == 1 and i18n.t("page_overview") in nav.inner_text()
        fail_on_exception(page)


def test_the_uploaders_own_tab_shows_the_day_it_published(browser, sample_copy_source, tmp_path):
    """The official who publishes on /data sees the new day at once, on the data page and the next one."""
    require_chromium()
    folder = tmp_path / "server"
    folder.mkdir()
    shutil.copyfile(sample_copy_source, folder / "campaign.duckdb")
    new = last_published(folder / "campaign.duckdb") + dt.timedelta(days=1)
    upload = tmp_path / "金山区_取消_新.csv"
    row = f"金山区,山阳镇,海欣居民区,海皓馨苑,取消,{new.isoformat()}"
    upload.write_text(f"区,街镇,居委/村,名称,状态,公布日期\n{row}\n", "utf-8")
    with (
        running_dashboard(folder, {"CAMPAIGN_ADMIN_PASSWORD": "口令-123456"}) as url,
        new_tab(browser, viewport=VIEWPORT) as page,
    ):
        log_in(page, url, "口令-123456")
        settle(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files([str(upload)])
        page.get_by_role("button", name=i18n.t("confirm")).click()
        page.get_by_text(i18n.t("new_data_published", day=i18n.fmt_date(new))).wait_for()
        settle(page)
        expect(page.locator(SIDEBAR_DAY)).to_have_value(new.isoformat())
        page.locator('[data-testid="stSidebarNav"]').get_by_text(i18n.t("page_overview")).click()
        page.get_by_text(header(new), exact=True).wait_for()
        page.get_by_text("已创建 392 / 393").wait_for()
        settle(page)
        assert "as_of" not in url_params(page), page.url
        fail_on_exception(page)
