"""Every page finished for its reader (issue 17, section 4): words in the reader's language, not codes; a
unit's kind singular in English; a backtest that has nothing to show says why; a chart titled with its
district and day, its PNG named after them; the town card on the screen titled by its town."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from campaign import i18n
from tests.support.apptest import dashboard_app


@pytest.fixture
def open_page(sample_db, monkeypatch, app_mode):
    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))

    def run(page: str, **params: str) -> AppTest:
        at = dashboard_app()
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    return run


def test_outcomes_and_roles_are_words_in_both_languages():
    assert i18n.outcome_label("loaded", "zh") == "已导入"
    assert i18n.outcome_label("unchanged", "en") == "Unchanged"
    assert i18n.outcome_label("rollback to snapshot 20220521-0930", "zh") == "回滚到快照 20220521-0930"
    assert i18n.outcome_label("something new", "zh") == "something new"  # an unknown record shown as kept
    for role in ("roster", "status", "targets", "grids", "services", "skipped"):
        zh, en = i18n.role_label(role, "zh"), i18n.role_label(role, "en")
        assert zh != role and en != role and not zh.isascii()


def test_the_ingest_history_says_its_outcome_in_chinese(open_page):
    at = open_page("pages/data.py")
    history = at.dataframe[0].value
    outcomes = set(history[i18n.t("col_outcome")])
    assert "已导入" in outcomes and "loaded" not in outcomes, outcomes


def test_a_single_units_kind_is_singular_in_english(open_page):
    explorer = open_page("pages/explorer.py", lang="en", kind="compound")
    kinds = set(explorer.dataframe[0].value["Kind"])
    assert kinds == {"Compound"}
    find = open_page("pages/find.py", lang="en", q="hhxy")
    assert find.subheader[0].value.endswith(" (Compound)"), find.subheader[0].value
    # a group of units keeps the plural: the overview's cards
    overview = open_page("pages/overview.py", lang="en")
    assert any(m.label.startswith("Compounds ·") for m in overview.metric)


def test_a_backtest_with_nothing_to_show_says_why(open_page):
    early = open_page("pages/forecast.py", as_of="2022-05-05")  # no district's kind at 100% yet
    assert any(i.value == i18n.t("backtest_empty", "zh") for i in early.info)
    later = open_page("pages/forecast.py")
    assert not any(i.value == i18n.t("backtest_empty", "zh") for i in later.info)


def _charts(at: AppTest) -> list[tuple[dict, dict]]:
    return [(json.loads(c.proto.spec), json.loads(c.proto.config)) for c in at.get("plotly_chart")]


@pytest.mark.parametrize(
    ("page", "params", "name", "where"),
    [
        ("pages/progress.py", {"as_of": "2022-05-09"}, "累计覆盖率", "全部区"),
        ("pages/overview.py", {"district": "金山区", "as_of": "2022-05-09"}, "各区覆盖率", "金山区"),
        ("pages/changes.py", {"as_of": "2022-05-09"}, "每个公布日的变化", "金山区"),
    ],
)
def test_a_chart_carries_its_title_and_day_and_its_png_is_named_after_them(open_page, page, params, name, where):
    at = open_page(page, **params)
    charts = _charts(at)
    assert charts
    spec, config = next((s, c) for s, c in charts if where in s["layout"]["title"]["subtitle"]["text"])
    title = spec["layout"]["title"]
    assert name in title["text"] and "2022年5月9日" in title["subtitle"]["text"], title
    image = config["toImageButtonOptions"]
    assert image["format"] == "png"
    assert image["filename"] == f"{name}_{where}_截至2022-05-09", image


def test_a_chart_title_shows_a_district_name_as_written(open_page):
    from campaign.app import ui

    assert ui._plain("<b>甲</b>区") == "&lt;b&gt;甲&lt;/b&gt;区"


def test_the_screens_town_card_is_titled_by_its_town(open_page):
    at = open_page("pages/screen.py", step="town", district="金山区", town="朱泾镇")
    body = "\n".join(h.proto.body for h in at.get("html"))
    start = body.index('data-testid="screen-town-title"')
    title = body[start : body.index("</div>", start)]
    assert title.split(">", 1)[1].startswith("朱泾镇<small"), title
    assert "金山区</small>" in title


def test_the_screens_town_ranking_reads_down_each_column_in_order(open_page):
    """The board's grid places its rows across, then down: they are handed to it so that the towns read down
    the first column, then down the second, each district's in rank order, not interleaved."""
    import re

    at = open_page("pages/screen.py", panels="towns")
    body = "\n".join(h.proto.body for h in at.get("html"))
    board = body[body.index('data-panel="towns"') :]
    rows = board.split('<div class="scr-row"')[1:]
    if "scr-scroll" in board:  # a scrolling board holds its rows twice, for its loop
        rows = rows[: len(rows) // 2]
    ranks = [int(m.group(1)) if (m := re.search(r'scr-num scr-muted">(\d+)<', r)) else None for r in rows]
    cols = 2
    reading = [rank for c in range(cols) for rank in ranks[c::cols] if rank is not None]
    assert len(reading) == 29  # the sample's towns: 18 of 崇明区, 11 of 金山区
    restarts = [i for i in range(1, len(reading)) if reading[i] < reading[i - 1]]
    assert restarts == [18], reading  # once, where 金山区 begins


def test_a_date_field_says_in_chinese_how_to_type_a_day(open_page):
    """Streamlit 1.67's date field shows yyyy-mm-dd and has no option for another language: the field's help
    says it in the reader's, and the field uses the order it describes."""
    field = open_page("pages/explorer.py").date_input(key="ex_dates")
    assert field.proto.format == "YYYY-MM-DD"
    assert "年-月-日" in field.help and "2022-05-20" in field.help, field.help


def test_the_changes_charts_leave_room_above_the_highest_bar_for_its_label(open_page):
    for spec, _ in _charts(open_page("pages/changes.py")):
        bars = [t for t in spec["data"] if t["type"] == "bar" and "y" in t]
        net = next(t for t in spec["data"] if t["type"] == "scatter")
        assert "text" in net["mode"]
        highest = max(sum(v for t in bars for v in [t["y"][i]] if v > 0) for i in range(len(bars[0]["y"])))
        low, high = spec["layout"]["yaxis"]["range"]
        assert high >= 1.1 * highest and low < 0, (low, high, highest)


def test_the_services_weeks_are_dated_in_numbers_and_their_titles_clear_the_subtitle(open_page):
    (spec, _), *_ = _charts(open_page("pages/services.py"))
    axes = [v for k, v in spec["layout"].items() if k.startswith("xaxis")]
    assert axes and all(a.get("tickformat") == "%m-%d" for a in axes), axes
    # ticks on Mondays, where the weeks start (Plotly's own fell on Sundays), a whole number of weeks apart
    week = 7 * 24 * 3600 * 1000
    assert all(dt.date.fromisoformat(a["tick0"][:10]).weekday() == 0 and a["dtick"] % week == 0 for a in axes), axes
    # the first kind's title, above the plot, below the chart's subtitle (they overlapped on a phone)
    assert spec["layout"]["margin"]["t"] > 100, spec["layout"]["margin"]


def test_a_place_named_with_where_it_is_reads_in_the_pages_language(open_page):
    """星火村（金山卫镇，金山区） in Chinese; in English the brackets and comma are English ones."""
    for lang, opened, closed in (("zh", "（", "）"), ("en", " (", ")")):
        towns = open_page("pages/towns.py", lang=lang)
        labels = list(towns.selectbox(key="towns_town").options)
        labels += open_page("pages/grids.py", lang=lang).selectbox(key="grids_place").options
        assert labels and all(opened in label and label.endswith(closed) for label in labels), labels[:3]
        if lang == "en":
            assert not any("（" in label or "，" in label for label in labels), labels[:3]
