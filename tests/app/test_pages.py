"""Every page rendered by Streamlit's AppTest on the sample data, showing its key numbers."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import dashboard_app, opened

PAGES = [
    "pages/overview.py",
    "pages/progress.py",
    "pages/towns.py",
    "pages/changes.py",
    "pages/explorer.py",
    "pages/data.py",
]


@pytest.fixture
def app(sample_db, monkeypatch, app_mode) -> AppTest:
    return opened(sample_db, monkeypatch)


def _metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def _set_as_of(at: AppTest, day: dt.date) -> None:
    at.sidebar.text_input(key="as_of").input(day.isoformat()).run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(app: AppTest, page: str) -> None:
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert app.title, "each page has a title"
    assert any("样例数据" in i.value for i in app.info), "the sample-data note is on screen"


def test_overview_shows_published_totals(app: AppTest) -> None:
    metrics = _metrics(app)
    assert metrics["小区 · 覆盖率"] == ("100.0%", "已创建 393 / 393")
    assert metrics["村民小组 · 覆盖率"] == ("100.0%", "已创建 2,293 / 2,293")
    assert metrics["村 · 覆盖率"][0] == "100.0%"
    assert metrics["社区 · 覆盖率"][0] == "100.0%"
    subheaders = [s.value for s in app.subheader]
    assert "崇明区 · 已开展轮次 4" in subheaders
    assert "金山区 · 已公布批次 4" in subheaders
    assert any("官方公布总数 393" in s.value for s in app.success)


def test_overview_as_of_batch_one(app: AppTest) -> None:
    _set_as_of(app, dt.date(2022, 5, 5))
    metrics = _metrics(app)
    assert metrics["小区 · 覆盖率"] == ("38.2%", "已创建 150 / 393")
    assert metrics["村民小组 · 覆盖率"] == ("64.8%", "已创建 1,487 / 2,293")  # 64.849…%, not 64.85 rounded twice
    text = " ".join(m.value for m in app.markdown)
    assert "43 个居委整体创建（76 个有单位创建，共 110 个）" in text
    assert "80 个村整体创建（80 个有单位创建，共 124 个）" in text
    assert "金山区 · 已公布批次 1" in [s.value for s in app.subheader]


def test_overview_in_english(app: AppTest) -> None:
    app.sidebar.segmented_control(key="lang").set_value("en").run()
    assert not app.exception
    # the navigation's page titles follow in the same run, not one run later
    assert app.session_state["campaign_context"].lang == "en"
    metrics = _metrics(app)
    assert metrics["Compounds · Coverage"] == ("100.0%", "Created 393 / 393")
    assert app.title[0].value == "Creation by district"


def test_district_filter_limits_overview(app: AppTest) -> None:
    app.sidebar.selectbox(key="district").set_value("崇明区").run()
    labels = set(_metrics(app))
    assert labels == {"村 · 覆盖率", "社区 · 覆盖率"}


def test_progress_page_tables(app: AppTest) -> None:
    # one chart at a time (a district change redraws only that one in the browser), each a click away
    app.switch_page("pages/progress.py").run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 1 and not app.dataframe, "the curve alone by default"
    curves = json.loads(app.get("plotly_chart")[0].proto.spec)["data"]
    # Plotly's hover templates take a percent sign as it is: "%%" would show twice
    assert all("%%" not in c["hovertemplate"] and "%（" in c["hovertemplate"] for c in curves)
    app.segmented_control(key="progress_view").set_value("batch").run()
    assert app.query_params["view"] == "batch"
    per_batch = app.dataframe[0].value
    jinshan_first = per_batch[(per_batch["区"] == "金山区") & (per_batch["批次 / 轮次"] == 1)]
    assert dict(zip(jinshan_first["类型"], jinshan_first["单位数"], strict=True)) == {"小区": 150, "村民小组": 1487}
    assert len(app.get("plotly_chart")) == 1
    app.segmented_control(key="progress_view").set_value("towns").run()
    heatmap = json.loads(app.get("plotly_chart")[0].proto.spec)["data"]
    assert [t["type"] for t in heatmap] == ["heatmap"] and not app.exception


def test_towns_drill_down(app: AppTest) -> None:
    app.switch_page("pages/towns.py").run()
    ranked = app.dataframe[0].value
    assert set(ranked["区"]) == {"金山区", "崇明区"}
    assert ranked["总数"].sum() == 393 + 2293 + 357
    app.selectbox(key="towns_town").set_value(("金山区", "山阳镇")).run()
    committees = app.dataframe[1].value
    assert "海欣居民区" in set(committees["居委 / 村"])
    app.selectbox(key="towns_committee").set_value("海欣居民区").run()
    units = app.dataframe[2].value
    assert sorted(units["名称"]) == ["海欣家园", "海皓馨苑"]
    assert set(units["批次 / 轮次"]) == {2}
    assert not app.exception


def test_towns_chart_draws_the_lowest_towns_when_there_are_many(app: AppTest, monkeypatch) -> None:
    from campaign.app import ui

    monkeypatch.setattr(ui, "TOWN_BARS_MAX", 5)
    app.switch_page("pages/towns.py").run()
    _set_as_of(app, dt.date(2022, 5, 9))
    ranked = app.dataframe[0].value
    assert len(ranked) == 29  # the table lists every town
    labels = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]["y"]
    drawn = {label.split("（")[0] for label in labels}
    assert len(drawn) == 5
    coverage = dict(zip(ranked["街镇"], ranked["覆盖率"], strict=True))
    assert max(coverage[t] for t in drawn) <= min(c for t, c in coverage.items() if t not in drawn)
    assert min(coverage.values()) < 100
    assert "5" in app.caption[0].value and not app.exception
    # many districts: the drill-down offers the drawn towns, not every town of the country
    monkeypatch.setattr(ui, "MANY_DISTRICTS", 1)
    app.run()
    assert {o.split("（")[0] for o in app.selectbox(key="towns_town").options} == drawn


def test_explorer_asks_to_narrow_a_country_of_units_first(app: AppTest, monkeypatch) -> None:
    from campaign.app import ui

    monkeypatch.setattr(ui, "EXPLORE_UNITS_MAX", 1_000)  # the sample's 3,043 units count as too many
    app.switch_page("pages/explorer.py").run()
    assert "3,043" in app.info[0].value and not app.dataframe and not app.get("download_button")
    app.text_input(key="ex_search").input("hhxy").run()
    assert "海皓馨苑" in list(app.dataframe[0].value["名称"])
    app.text_input(key="ex_search").input("").run()
    app.selectbox(key="ex_town").set_value("山阳镇").run()
    assert set(app.dataframe[0].value["街镇"]) == {"山阳镇"} and not app.exception


def test_long_tables_show_their_first_rows_and_offer_every_row(app: AppTest, monkeypatch) -> None:
    from campaign.app import ui

    monkeypatch.setattr(ui, "TABLE_ROWS_MAX", 5)
    app.switch_page("pages/towns.py").run()
    assert len(app.dataframe[0].value) == 5
    assert "共 29 条，表中显示前 5 条，下载包含全部" in [c.value for c in app.caption]
    assert [b.label for b in app.get("download_button")] == ["下载 CSV（所筛选的全部行）"] and not app.exception


def test_forecast_links_the_units_still_missing_to_the_explorer(sample_db, monkeypatch, app_mode) -> None:
    from urllib.parse import parse_qsl, urlsplit

    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    at = dashboard_app()
    at.run()
    at.switch_page("pages/forecast.py").run()
    _set_as_of(at, dt.date(2022, 5, 9))
    text = " ".join(m.value for m in at.markdown)
    links = dict(re.findall(r"\[([^]]+)\]\((explorer\?[^)]+)\)", text))
    assert set(links) == {"未创建", "已取消、尚未重新创建"}, text
    query = dict(parse_qsl(urlsplit(links["未创建"]).query))
    assert query == {"status": "not_created", "as_of": "2022-05-09", "lang": "zh"}

    # the link opens the explorer on exactly the units the forecast counts as remaining
    remaining = at.dataframe[0].value["待创建"].sum()
    explorer = dashboard_app()
    for key, value in query.items():
        explorer.query_params[key] = value
    explorer.switch_page("pages/explorer.py").run()
    revoked = dict(parse_qsl(urlsplit(links["已取消、尚未重新创建"]).query))["status"]
    not_created = int(next(c.value for c in explorer.caption if c.value.startswith("共")).split()[1].replace(",", ""))
    explorer.selectbox(key="ex_status").set_value(revoked).run()
    still_revoked = int(next(c.value for c in explorer.caption if c.value.startswith("共")).split()[1].replace(",", ""))
    assert not_created + still_revoked == remaining and not explorer.exception


def test_progress_numbers_on_the_bars_only_while_they_are_few(app: AppTest, monkeypatch) -> None:
    from campaign.app import ui

    def per_batch_texts() -> list:
        app.switch_page("pages/progress.py").run()
        app.segmented_control(key="progress_view").set_value("batch").run()
        figure = json.loads(app.get("plotly_chart")[0].proto.spec)
        return [t.get("text") for t in figure["data"]]

    assert all(per_batch_texts())  # the sample's bars carry their numbers
    monkeypatch.setattr(ui, "LABELLED_BARS_MAX", 3)
    assert not any(per_batch_texts()) and not app.exception


def test_progress_with_many_districts_draws_their_kinds_together(app: AppTest, sample_db, monkeypatch) -> None:
    """More districts than get a chart each: a curve and a bar series per district (not per district and kind),
    whose figures are the kinds summed; the table still lists each kind."""
    from campaign.app import ui

    monkeypatch.setattr(ui, "CHARTS_PER_DISTRICT_MAX", 1)  # the sample's two districts count as many
    app.switch_page("pages/progress.py").run()
    assert not app.exception, app.exception
    assert any(c.value.startswith("2 个区：每区一条曲线") for c in app.caption)
    curves = json.loads(app.get("plotly_chart")[0].proto.spec)["data"]
    assert [c["name"] for c in curves] == ["崇明区", "金山区"]
    _set_as_of(app, dt.date(2022, 5, 5))  # Jinshan's batch 1: 150 + 1,487 of 393 + 2,293
    jinshan = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][1]
    assert jinshan["customdata"][-1] == [150 + 1487, 393 + 2293]
    assert jinshan["y"][-1] == pytest.approx(100 * 1637 / 2686)
    app.segmented_control(key="progress_view").set_value("batch").run()
    bars = json.loads(app.get("plotly_chart")[0].proto.spec)["data"]
    assert [b["name"] for b in bars] == ["崇明区", "金山区"] and bars[1]["y"][0] == 1637
    assert set(app.dataframe[0].value["类型"]) >= {"小区", "村民小组"}


def test_explorer_filters(app: AppTest) -> None:
    app.switch_page("pages/explorer.py").run()
    assert app.caption[-1].value == "共 3,043 条" or "共 3,043 条" in [c.value for c in app.caption]
    app.selectbox(key="ex_kind").set_value("compound").run()
    _set_as_of(app, dt.date(2022, 5, 5))
    app.selectbox(key="ex_status").set_value("created").run()
    assert "共 150 条" in [c.value for c in app.caption]
    table = app.dataframe[0].value
    assert len(table) == 150
    assert set(table["类型"]) == {"小区"}
    app.text_input(key="ex_search").input("海皓").run()
    assert "共 0 条" in [c.value for c in app.caption], "海皓馨苑 was created in batch 2, after 2022-05-05"


def test_explorer_shows_the_first_rows_and_downloads_them_all(app: AppTest, monkeypatch) -> None:
    from campaign.app import ui

    monkeypatch.setattr(ui, "TABLE_ROWS_MAX", 100)
    app.switch_page("pages/explorer.py").run()
    assert "共 3,043 条，表中显示前 100 条，下载包含全部" in [c.value for c in app.caption]
    assert len(app.dataframe[0].value) == 100
    # the downloads are made when clicked, from every matching row, in the table's language and order
    every_row = ui.all_rows("units", {"as_of": None}, {"name": "name", "kind": "kind", "status": "status"}, "zh")
    assert every_row.height == 3043 and every_row.columns == ["名称", "类型", "状态"]
    assert list(every_row["名称"][:100]) == list(app.dataframe[0].value["名称"])
    assert set(every_row["类型"]) == {"小区", "村民小组", "村", "社区"}


def test_cli_summary_agrees_with_the_overview(app: AppTest, sample_db, capsys) -> None:
    import json

    from campaign import i18n
    from campaign.ops import cli

    _set_as_of(app, dt.date(2022, 5, 5))
    metrics = _metrics(app)
    assert cli.main(["summary", "--db", str(sample_db), "--as-of", "2022-05-05", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(metrics) == 4
    for row in rows:
        value, delta = metrics[f"{i18n.kind_label(row['kind'])} · 覆盖率"]
        assert delta == f"已创建 {row['created']:,} / {row['total']:,}"
        assert value == i18n.fmt_pct(row["coverage_pct"])


def test_the_default_language_comes_from_the_configuration(sample_db, monkeypatch, app_mode) -> None:
    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    monkeypatch.setenv("CAMPAIGN_LANG", "en")
    at = dashboard_app()
    at.run()
    assert at.title[0].value == "Creation by district"
    at.sidebar.segmented_control(key="lang").set_value("zh").run()
    assert at.title[0].value == "各区创建总览"


def test_wrong_settings_never_stop_a_page(sample_db, monkeypatch, app_mode) -> None:
    """A dashboard started without ``campaign serve``'s check: each wrong value is its default, and pages run."""
    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    for name, value in {"CAMPAIGN_LANG": "fr", "CAMPAIGN_REFRESH": "often", "CAMPAIGN_STALE": "soon"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CAMPAIGN_KEEP_SNAPSHOTS", "-1")
    at = dashboard_app()
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "各区创建总览"  # the default language
    at.switch_page("pages/screen.py").run()
    assert not at.exception, at.exception


def test_overview_with_many_districts_shows_a_table_not_a_card_and_map_each(app: AppTest, monkeypatch) -> None:
    from campaign.app import ui

    monkeypatch.setattr(ui, "MANY_DISTRICTS", 1)  # the sample's two districts count as many
    app.run()
    assert not app.exception, app.exception
    assert any("共 2 个区" in i.value for i in app.info)
    assert not app.metric, "no cards until a district is chosen"
    assert any("3 / 3 项官方总数与名册一致" in s.value for s in app.success)
    app.segmented_control(key="overview_chart").set_value("map").run()  # the map: the other chart of the page
    assert any("在侧栏选择一个区" in c.value for c in app.caption)
    assert "崇明区" in set(app.dataframe[0].value["区"])


@pytest.mark.parametrize("page", ["pages/progress.py", "pages/forecast.py"])
def test_pages_with_many_districts_draw_the_lowest_only(app: AppTest, monkeypatch, page) -> None:
    from campaign.app import ui

    monkeypatch.setattr(ui, "MANY_DISTRICTS", 1)  # the sample's two districts count as many
    app.switch_page(page).run()
    assert not app.exception, app.exception
    notes = [i.value for i in app.info]
    if page == "pages/forecast.py":
        assert any("查看它的回测" in n for n in notes), notes
        # the towns' projections wait for a district too: the query is asked for the district rows alone
        _set_as_of(app, dt.date(2022, 5, 9))
        assert any("显示其街镇的预计" in c.value for c in app.caption)
        assert all("街镇" not in d.value.columns or d.value["街镇"].isna().all() for d in app.dataframe)
    else:
        assert any("图中只画覆盖率最低的 1 个" in n for n in notes), notes
        # both at 100% at the end: the lowest by coverage, then by name (崇明区 sorts before 金山区)
        import json

        drawn = " ".join(json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in app.get("plotly_chart"))
        drawn += " ".join(h.value for h in app.subheader)
        assert "崇明区" in drawn and "金山区" not in drawn
