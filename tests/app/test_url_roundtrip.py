"""Every filter of every page lives in the URL (issue 17, section 2): a page opened with every parameter set
shows each in its widget, and changing each widget changes the URL. Also /find's typed pinyin and /towns'
kind control."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import dashboard_app

SHARED = {"district": "金山区", "as_of": "2022-05-09", "lang": "zh"}

# page -> (its own parameters, widget key -> the value the URL gives it, [(widget key, new value, URL expected)])
# (a URL value None: the parameter is gone; the steps run in order, each on what the one before left)
PAGES = {
    "pages/towns.py": (
        {"kind": "compound", "town": "山阳镇", "committee": "海欣居民区"},
        {"towns_kind": "compound", "towns_town": ("金山区", "山阳镇"), "towns_committee": "海欣居民区"},
        [
            ("towns_committee", "吕林居民区", {"committee": "吕林居民区"}),
            ("towns_kind", "all", {"kind": None}),
            ("towns_town", ("金山区", "朱泾镇"), {"town": "朱泾镇", "committee": None}),
        ],
    ),
    "pages/services.py": (
        {"town": "漕泾镇", "place": "翠竹村"},
        {"services_town": ("金山区", "漕泾镇"), "services_place": ("金山区", "漕泾镇", "翠竹村")},
        [
            ("services_place", ("金山区", "漕泾镇", "恒盛居民区"), {"place": "恒盛居民区"}),
            ("services_place", None, {"place": None}),
            ("services_town", ("金山区", "石化街道"), {"town": "石化街道"}),
            ("services_town", None, {"town": None}),
        ],
    ),
    "pages/explorer.py": (
        {
            "town": "山阳镇",
            "kind": "compound",
            "status": "created",
            "batch": "2",
            "q": "海",
            "dates": "2022-05-01~2022-05-09",
        },
        {"ex_town": "山阳镇", "ex_kind": "compound", "ex_status": "created", "ex_batch": 2, "ex_search": "海"},
        [
            ("ex_town", "朱泾镇", {"town": "朱泾镇"}),
            ("ex_kind", None, {"kind": None}),
            ("ex_status", "not_created", {"status": "not_created"}),
            ("ex_batch", None, {"batch": None}),
            ("ex_search", "", {"q": None}),
            ("ex_dates", (dt.date(2022, 5, 2), dt.date(2022, 5, 3)), {"dates": "2022-05-02~2022-05-03"}),
        ],
    ),
    "pages/find.py": (
        {"q": "hhxy", "unit": "金山区/山阳镇/海欣居民区/海皓馨苑"},
        {"find_q": "hhxy", "find_unit": ("金山区", "山阳镇", "海欣居民区", "海皓馨苑")},
        [("find_q", "星火", {"q": "星火", "unit": "金山区/金山卫镇/星火村/10组"})],
    ),
    "pages/progress.py": (
        {"view": "batch"},
        {"progress_view": "batch"},
        [("progress_view", "towns", {"view": "towns"})],
    ),
}


def widget(at: AppTest, key: str):
    for kind in ("selectbox", "text_input", "segmented_control", "date_input"):
        try:
            return getattr(at, kind)(key=key)
        except KeyError:
            continue
    raise KeyError(key)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_parameter_opens_in_its_widget_and_every_widget_writes_the_url(sample_db, monkeypatch, app_mode, page):
    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    own, shown, steps = PAGES[page]
    at = dashboard_app()
    for key, value in {**SHARED, **own}.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    expected = {"district": "金山区", "as_of": "2022-05-09", "lang": "zh", **shown}
    for key, value in expected.items():
        assert widget(at, key).value == value, (key, widget(at, key).value)
    url = {k: v for k, v in at.query_params.items() if k != "lang"}
    assert url == {k: v for k, v in {**SHARED, **own}.items() if k != "lang"}, url  # the URL keeps them all

    for key, value, params in steps:
        widget(at, key).set_value(value).run()
        assert not at.exception, (key, at.exception)
        for param, text in params.items():
            assert at.query_params.get(param) == text, (key, param, at.query_params)
    at.sidebar.selectbox(key="district").set_value(None).run()
    at.sidebar.text_input(key="as_of").input("").run()
    assert "district" not in at.query_params and "as_of" not in at.query_params, at.query_params


def test_a_towns_name_shared_by_two_districts_is_written_with_its_district():
    from campaign.app import ui

    towns = [("甲区", "新城镇"), ("乙区", "新城镇"), ("甲区", "老街镇")]
    assert ui.place_text(("乙区", "新城镇"), towns) == "乙区/新城镇"
    assert ui.place_text(("甲区", "老街镇"), towns) == "老街镇"
    parse = ui.place_parser(towns)
    assert parse("乙区/新城镇") == ("乙区", "新城镇")
    assert parse("老街镇") == ("甲区", "老街镇")
    assert parse("新城镇") is None  # which one? neither, rather than the wrong one
    assert parse("<script>") is None


def test_the_kind_control_shows_all_kinds_chosen(sample_db, monkeypatch, app_mode):
    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    at = dashboard_app()
    at.switch_page("pages/towns.py").run()
    control = at.segmented_control(key="towns_kind")
    assert control.value == "all" and control.format_func("all") == "全部类型"
    assert "kind" not in at.query_params


@pytest.mark.parametrize("typed", ["haihao", "hai hao", "Hai Hao", "hǎi hào", "hai3 hao4", "海皓 馨苑"])
def test_find_takes_pinyin_with_spaces_and_tones(sample_db, monkeypatch, app_mode, typed):
    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    at = dashboard_app()
    at.query_params["q"] = typed
    at.switch_page("pages/find.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="find_unit").value[3] == "海皓馨苑", typed
    assert at.query_params["q"] == typed  # the URL keeps what was typed


def test_search_text_folds_typed_pinyin_only():
    from campaign.app.ui import search_text

    assert search_text("xi'an  lü ") == "xianlv"
    assert search_text("A1") == "A1" and search_text("10") == "10"  # a building, a number: as typed
    assert search_text("海皓 馨苑") == "海皓馨苑" and search_text("1 组") == "1 组"
    assert search_text("a" * 10_000 + "!") == "a" * 10_000 + "!"
