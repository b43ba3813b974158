"""What changed: the changes queries on the hand-checked tiny campaign, and the page on the sample."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from campaign.answers import queries
from tests.support.apptest import dashboard_app, opened

D = dt.date


def test_changes_by_date(tiny_db) -> None:
    rows = queries.run("changes_by_date", db=tiny_db)
    cols = ["district", "published", "batches", "created_new", "created_again", "revoked", "net"]
    assert rows.select(cols).rows() == [
        ("乙区", D(2022, 4, 22), [1], 1, 0, 0, 1),
        ("乙区", D(2022, 4, 25), [2], 1, 0, 0, 1),
        ("甲区", D(2022, 4, 10), [1], 4, 0, 0, 4),
        ("甲区", D(2022, 4, 15), None, 0, 0, 1, -1),
        ("甲区", D(2022, 4, 20), [2], 2, 0, 0, 2),
        ("甲区", D(2022, 4, 25), [3], 0, 1, 0, 1),
    ]
    early = queries.run("changes_by_date", db=tiny_db, as_of=D(2022, 4, 15), district="甲区")
    assert early.get_column("net").to_list() == [4, -1]


def test_revoked_open(tiny_db) -> None:
    waiting = queries.run("revoked_open", db=tiny_db, as_of=D(2022, 4, 20))
    assert waiting.select("name", "revoked_on", "days_open", "first_created").rows() == [
        ("四村", D(2022, 4, 15), 5, D(2022, 4, 10))
    ]
    assert queries.run("revoked_open", db=tiny_db).is_empty(), "四村 was created again on 2022-04-25"
    assert queries.run("revoked_open", db=tiny_db, as_of=D(2022, 4, 12)).is_empty()


def test_revoked_open_first_rows_and_count(tmp_path) -> None:
    from campaign.generate import scale

    db = tmp_path / "tiny.duckdb"
    scale.build_database(scale.SCALES["tiny"], db)  # 164 units waiting on 04-12
    every = queries.run("revoked_open", db=db, as_of=D(2022, 4, 12))
    first = queries.run("revoked_open", db=db, as_of=D(2022, 4, 12), limit=2)
    assert every.height > 2 and first.height == 2
    assert set(first["matching"]) == set(every["matching"]) == {every.height}
    assert first.drop("matching").rows() == every.drop("matching").head(2).rows()


def test_whole_over_time(tiny_db) -> None:
    rows = queries.run("whole_over_time", db=tiny_db)
    assert rows.select("district", "kind", "published", "committees", "committees_whole").rows() == [
        ("甲区", "compound", D(2022, 4, 10), 2, 0),
        ("甲区", "compound", D(2022, 4, 20), 2, 2),
        ("甲区", "village_group", D(2022, 4, 10), 1, 1),
    ]


def test_whole_over_time_reproduces_jinshan_batch_one(sample_db) -> None:
    rows = queries.run("whole_over_time", db=sample_db, as_of=D(2022, 5, 5))
    assert rows.select("kind", "committees_whole").rows() == [("compound", 43), ("village_group", 80)]


@pytest.fixture
def changes_page(sample_db, monkeypatch, app_mode) -> AppTest:
    return opened(sample_db, monkeypatch, "pages/changes.py")


def test_changes_page(changes_page: AppTest) -> None:
    at = changes_page
    assert [s.value for s in at.subheader][:2] == ["崇明区", "金山区"]
    jinshan = at.dataframe[1].value
    assert list(jinshan["净变化"]) == [1637, 448, -1, 318, 284]
    assert any("没有已取消而未重新创建的单位" in s.value for s in at.success)
    at.sidebar.text_input(key="as_of").input(D(2022, 5, 12).isoformat()).run()
    waiting = at.dataframe[2].value
    assert list(waiting["名称"]) == ["石化湾"] and list(waiting["已等待天数"]) == [1]


def test_changes_page_with_many_districts_draws_them_together(sample_db, monkeypatch, app_mode) -> None:
    import json

    from campaign.app import ui

    monkeypatch.setattr(ui, "CHARTS_PER_DISTRICT_MAX", 1)  # the sample's two districts count as many
    monkeypatch.setattr(ui, "MANY_DISTRICTS", 1)  # and too many for a chart each: summed all the same
    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    at = dashboard_app()
    at.run()
    at.switch_page("pages/changes.py").run()
    assert not at.exception, at.exception
    assert any(c.value.startswith("2 个区合计") for c in at.caption)
    assert not any("图中只画" in i.value for i in at.info), "a sum leaves no district out"
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    net = next(t for t in figure["data"] if t["type"] == "scatter")
    every = queries.run("changes_by_date", db=sample_db)
    by_date = every.group_by("published").agg(pl.col("net").sum())
    expected = dict(zip((d.isoformat() for d in by_date["published"]), by_date["net"], strict=True))
    assert dict(zip(net["x"], net["y"], strict=True)) == expected
    table = at.dataframe[0].value
    assert set(table["区"]) == {"崇明区", "金山区"} and len(table) == every.height
    assert len(at.get("plotly_chart")) == 1, "whole creation over time is the other view"
    at.segmented_control(key="changes_view").set_value("whole").run()
    assert not at.exception, at.exception
    whole = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    assert len(whole) == 2, "a curve per kind, the districts together"
    every = queries.run("whole_over_time", db=sample_db)
    for trace, kind in zip(whole, ("compound", "village_group"), strict=True):
        # the districts' counts on the last day: the sample's whole committees and villages at the end
        last = every.filter(pl.col("kind") == kind).group_by("district").agg(pl.col("committees_whole").last())
        assert trace["y"][-1] == last.get_column("committees_whole").sum()


@pytest.mark.parametrize("page", ["pages/forecast.py", "pages/quality.py"])
def test_forecast_and_quality_pages(sample_db, monkeypatch, app_mode, page) -> None:
    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    at = dashboard_app()
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    if page == "pages/quality.py":
        texts = [s.value for s in at.success]
        assert "名册总数与官方公布总数：未发现问题" in texts
        assert "未经取消而重复创建：未发现问题" in texts
        assert "名单条数与批次通知公布数：未发现问题" in texts, "Jinshan's batch 1 notice agrees with its lists"
        assert "网格户数多于名册户数的居委、村：未发现问题" in texts
    else:
        assert any("均已达到 100%" in s.value for s in at.success)
        assert any("共 14 次预测" in m.value for m in at.markdown)
        at.sidebar.text_input(key="as_of").input(D(2022, 5, 9).isoformat()).run()
        table = at.dataframe[0].value
        compound = table[(table["区"] == "金山区") & (table["类型"] == "小区")]
        assert list(compound["待创建"]) == [135]


def test_find_a_unit_by_pinyin_initials(sample_db, monkeypatch, app_mode) -> None:
    at = opened(sample_db, monkeypatch, "pages/find.py")
    at.text_input(key="find_q").input("hhxy").run()
    assert not at.exception, at.exception
    options = at.selectbox(key="find_unit").options
    assert any(o.startswith("海皓馨苑 · 海欣居民区 · 山阳镇 · 金山区") for o in options), options
    at.selectbox(key="find_unit").set_value(("金山区", "山阳镇", "海欣居民区", "海皓馨苑")).run()
    assert at.subheader[0].value == "海皓馨苑（小区）"
    assert {m.label: m.value for m in at.metric}["户数"] == "1,240"
    history = at.dataframe[0].value
    assert list(history["事件"]) == ["创建"] and list(history["批次 / 轮次"]) == ["第2批"]
    assert list(history["来源文件"]) == ["金山区_第2批.xlsx"]


def test_find_counts_every_match_and_lists_the_first(sample_db, monkeypatch, app_mode) -> None:
    at = opened(sample_db, monkeypatch, "pages/find.py")
    at.text_input(key="find_q").input("组").run()
    every = queries.run("units", db=sample_db, search="组").height
    assert every > 50
    assert f"找到 {every:,} 个单位；只列出前 50 个，请输入更多字词" in [c.value for c in at.caption]
    assert len(at.selectbox(key="find_unit").options) == 50 and not at.exception


def test_pinyin_search_in_the_units_query(sample_db) -> None:
    for query in ("hhxy", "haihaoxin", "HaiHao", "海皓"):
        names = queries.run("units", db=sample_db, search=query).get_column("name").to_list()
        assert "海皓馨苑" in names, query
    assert queries.run("units", db=sample_db, search="taoyuancun").get_column("name").to_list() == ["桃源村"]


def test_names_spelled_together_as_each_alone() -> None:
    """One pass of pypinyin over many names gives what a call per name gives: no word read across two names,
    text other than Chinese kept, the separator inside a name handled."""
    from campaign.snapshot.pinyin import _spell_alone, spell, spell_many

    names = ["长兴镇", "海皓馨苑", "5组", "10组", "A栋", "", "朝阳1期", "银行大厦", "行", "abc", "重庆路", "第3居委"]
    names += ["a\nb", "长"]
    assert spell_many(names) == [_spell_alone(n) for n in names]
    assert spell_many(names[:-2]) == [_spell_alone(n) for n in names[:-2]]
    assert spell("长兴镇") == ("changxingzhen", "cxz") and spell("5组") == ("5zu", "5z")
    assert spell_many([]) == []


def test_unit_history(tiny_db) -> None:
    rows = queries.run("unit_history", db=tiny_db, district="甲区", town="B镇", committee="四村", name="四村")
    assert rows.select("event", "batch", "published", "source_file", "source_row").rows() == [
        ("created", 1, D(2022, 4, 10), "batch1.csv", 6),
        ("revoked", None, D(2022, 4, 15), "revoked.csv", 2),
        ("created", 3, D(2022, 4, 25), "batch3.csv", 2),
    ]
    assert queries.run("unit_history", db=tiny_db, district="甲区", town="A镇", committee="x", name="y").is_empty()
