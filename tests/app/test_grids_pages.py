"""The grids and services pages, and the overview's map, in Streamlit's AppTest on the sample data."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import opened


@pytest.fixture
def app(sample_db, monkeypatch, app_mode) -> AppTest:
    return opened(sample_db, monkeypatch)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_grids_page_opens_on_xinghuo(app: AppTest) -> None:
    app.switch_page("pages/grids.py").run()
    assert not app.exception, app.exception
    assert app.selectbox(key="grids_place").value == ("金山区", "金山卫镇", "星火村")
    metrics = _metrics(app)
    assert metrics["工作人员和志愿者"] == "287"
    assert metrics["户数"] == "1,754"
    levels = " ".join(m.value for m in app.markdown)
    assert "**总网格 1** · **子网格 4** · **微网格 20**" in levels
    assert any("星火村 1 个总网格" in i.value for i in app.info), "the grids' sample note"
    assert len(app.get("plotly_chart")) == 2


def test_grids_page_haixin_and_band(app: AppTest) -> None:
    app.switch_page("pages/grids.py").run()
    app.selectbox(key="grids_place").set_value(("金山区", "山阳镇", "海欣居民区")).run()
    assert not app.exception, app.exception
    levels = " ".join(m.value for m in app.markdown)
    assert "**大网格 7** · **小网格 26**" in levels
    app.slider(key="grids_band").set_value((0, 60)).run()
    assert not app.exception, app.exception
    assert any("低于区间 0 个" in c.value for c in app.caption)


def test_services_page_matches_the_article(app: AppTest) -> None:
    app.switch_page("pages/services.py").run()
    assert not app.exception, app.exception
    app.selectbox(key="services_town").set_value(("金山区", "金山卫镇")).run()
    app.selectbox(key="services_place").set_value(("金山区", "金山卫镇", "星火村")).run()
    assert not app.exception, app.exception
    metrics = _metrics(app)
    assert metrics["跨区转运就医"] == "32"
    assert metrics["特殊人员 / 家庭专人服务"] == "62"
    assert int(metrics["送药"].replace(",", "")) >= 1500
    assert int(metrics["开具证明"].replace(",", "")) >= 320
    assert int(metrics["物资配送"].replace(",", "")) >= 15000


def test_services_page_in_english_with_a_district(app: AppTest) -> None:
    app.sidebar.segmented_control(key="lang").set_value("en").run()
    app.sidebar.selectbox(key="district").set_value("崇明区").run()
    app.switch_page("pages/services.py").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Services to residents"
    assert _metrics(app)["Road entrances guarded"] == "28"


def test_overview_has_a_schematic_map_per_district(app: AppTest) -> None:
    assert "各街镇覆盖率地图" not in [s.value for s in app.subheader], "the coverage bars first, the map a click away"
    app.segmented_control(key="overview_chart").set_value("map").run()
    assert not app.exception, app.exception
    assert app.query_params["view"] == "map"
    assert "各街镇覆盖率地图" in [s.value for s in app.subheader]
    assert any("示意图" in c.value for c in app.caption)
    shown = " ".join(m.value for m in app.markdown)
    assert "**崇明区**" in shown and "**金山区**" in shown
