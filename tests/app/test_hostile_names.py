"""Hostile and overlong names: shown as text wherever they appear, refused at ingest past NAME_MAX_CHARS, cut on
charts and the screen without losing the figure beside them. The real-browser tour is test_hostile_names_browser."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from campaign import text
from campaign.answers import screen
from campaign.intake.ingest import ingest
from campaign.intake.normalise import NAME_MAX_CHARS
from campaign.intake.problems import IngestRefused
from tests.support.apptest import dashboard_app, opened
from tests.support.files import ingested
from tests.support.hostile_names import (
    COMMITTEE,
    DISTRICT,
    DISTRICT_2,
    LONG,
    NAMES,
    PLACES,
    UNIT,
    UNIT_2,
    VILLAGE,
    write_csv,
    write_hostile,
)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    return ingested(tmp_path_factory.mktemp("hostile"), write_hostile)


# ------------------------------------------------------------------------------------ the helpers ---


def test_markdown_escapes_every_special_character():
    escaped = text.markdown(DISTRICT)
    assert escaped.startswith(r"\*\*粗\*\*\[a\]\(javascript\:alert\(1\)\)\!\[b\]")
    assert text.markdown("a\nb\r\n# c") == r"a b \# c"  # no new block from a line break
    assert text.markdown(COMMITTEE) == r"\$x\$ \:red\[y\] \:material\/home\: 居委"
    assert text.markdown(None) == ""
    # bare addresses, which GitHub Markdown links after escapes are undone, get an invisible joiner
    assert text.markdown("http://h www.h a@h").replace("\\", "") == "http\u2060://h www\u2060.h a@\u2060h"
    # nothing special is left unescaped: every ASCII punctuation character comes after a backslash
    for name in NAMES:
        out = text.markdown(name)
        unescaped = [c for i, c in enumerate(out) if c in "*_[]()#<>`$:!|~&" and (i == 0 or out[i - 1] != "\\")]
        assert unescaped == [], (name, out)


def test_chart_text_escapes_tags_and_entities():
    assert text.chart(UNIT) == "# h &lt;b&gt;粗&lt;/b&gt; &amp;lt; _i_ ~~s~~ http://127.0.0.2:9/u"
    assert text.chart("a\nb") == "a b"


def test_short_cuts_with_an_ellipsis():
    assert text.short("金山区") == "金山区"
    assert text.short(LONG) == "长" * (text.LABEL_CHARS - 1) + "…"
    assert len(text.short("x" * 5000, 10)) == 10
    values, axis = text.category_axis(["甲", LONG, LONG[:-1] + "乙"])
    assert len(set(values)) == 3, "two long names that start alike stay two categories"
    assert axis["tickvals"] == values and all(len(t) <= text.LABEL_CHARS for t in axis["ticktext"])
    assert text.category_axis(["甲", "乙"])[1] == {}


def test_screen_legend_cuts_the_name_never_the_figure():
    label = screen.fit_name(LONG, " · 小区 87.5%", 30, 356)
    assert label.endswith("… · 小区 87.5%"), label
    assert screen.text_width(label, 30) <= 356
    assert screen.fit_name("金山区", " 100.0%", 30, 356) == "金山区 100.0%"


# ------------------------------------------------------------------------------------ ingest limit ---


@pytest.mark.parametrize("column", PLACES)
def test_ingest_refuses_a_name_over_the_limit_naming_file_row_and_column(tmp_path, column):
    row = {"区": "甲区", "街镇": "A镇", "居委/村": "一居委", "名称": "甲苑"}
    row[column] = "名" * (NAME_MAX_CHARS + 1)
    header = [*PLACES, "批次", "公布日期"]
    path = write_csv(
        tmp_path / "名单.csv",
        [header, ["甲区", "A镇", "一居委", "乙苑", 1, "2022-04-10"], [*row.values(), 1, "2022-04-10"]],
    )
    with pytest.raises(IngestRefused) as refused:
        ingest([path], tmp_path / "db.duckdb")
    long = [p for p in refused.value.problems if "名称过长" in p.message]
    assert len(long) == 1, refused.value.problems
    problem = long[0]
    assert (problem.file, problem.row, problem.column) == ("名单.csv", 3, column)
    assert f"{NAME_MAX_CHARS + 1} 个字符" in problem.message and f"at most {NAME_MAX_CHARS}" in problem.message
    assert len(problem.value) <= 40, "the problem quotes the start of the name, not all of it"
    assert not (tmp_path / "db.duckdb").exists(), "nothing published"


def test_ingest_refuses_a_long_grid_in_a_path_and_many_long_names_in_brief(tmp_path):
    grids = write_csv(
        tmp_path / "网格.csv",
        [[*PLACES[:3], "网格路径", "户数"], ["甲区", "A镇", "一居委", "总网格/" + "格" * (NAME_MAX_CHARS + 1), 10]],
    )
    many = write_csv(
        tmp_path / "名单.csv",
        [[*PLACES, "批次", "公布日期"]]
        + [["甲区", "A镇", "一居委", f"{i}" + "名" * 300, 1, "2022-04-10"] for i in range(30)],
    )
    with pytest.raises(IngestRefused) as refused:
        ingest([grids, many], tmp_path / "db.duckdb")
    problems = [p for p in refused.value.problems if "名称过长" in p.message or "more like this" in p.message]
    assert [p.row for p in problems if p.file == "网格.csv"] == [2]
    listed = [p for p in problems if p.file == "名单.csv"]
    assert len(listed) == 21 and "10 more like this" in listed[-1].message, listed[-1]


def test_ingest_accepts_names_of_the_limit_and_hostile_characters(hostile_db):
    from campaign.answers import queries

    units = queries.run("find_units", db=hostile_db, limit=100)  # a parameter left out is no filter
    names = set(units.get_column("name").to_list())
    assert {UNIT, UNIT_2, VILLAGE, LONG} <= names
    assert set(units.get_column("district").to_list()) == {DISTRICT, DISTRICT_2}


# ------------------------------------------------------------------------------------ pages in AppTest ---


@pytest.fixture
def app(hostile_db, monkeypatch, app_mode) -> AppTest:
    return opened(hostile_db, monkeypatch)


def test_towns_chart_cuts_long_names_and_keeps_every_figure(app):
    import json

    app.switch_page("pages/towns.py").run()
    assert not app.exception, app.exception
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    bar = figure["data"][0]
    axis = figure["layout"]["yaxis"]
    assert len(bar["y"]) == len(set(bar["y"])) == 4, "a bar a town, the long one too"
    shown = [html.unescape(t) for t in axis["ticktext"]]  # as Plotly draws them: town (up to 24)（district, 12）
    assert max(len(t) for t in shown) <= text.LABEL_CHARS + 2 + 12, shown
    assert any("…" in t for t in axis["ticktext"])
    assert all(t for t in bar["text"]), "each bar keeps its figure"
    assert all("<" not in y for y in bar["y"]), "the categories are escaped for Plotly"


def test_pages_put_names_into_markdown_escaped(app):
    app.run()
    subheaders = [s.value for s in app.subheader]
    assert any(s.startswith(text.markdown(DISTRICT)) for s in subheaders), subheaders
    assert not any(DISTRICT in s for s in subheaders), "the raw name never reaches Markdown"
    app.switch_page("pages/find.py")
    app.query_params["q"] = "code"
    app.run()
    assert not app.exception, app.exception
    crumbs = [m.value for m in app.markdown if "›" in m.value]
    assert crumbs and text.markdown(DISTRICT) in crumbs[0] and DISTRICT not in crumbs[0], crumbs


def test_screen_shows_names_as_text(hostile_db, monkeypatch, app_mode):
    monkeypatch.setenv("CAMPAIGN_DB", str(hostile_db))
    for panels in ("overview", "progress", "towns", "batch"):
        at = dashboard_app()
        at.query_params["panels"] = panels
        at.switch_page("pages/screen.py").run()
        assert not at.exception, at.exception
        body = "\n".join(h.proto.body for h in at.get("html"))
        assert "<script>alert" not in body and "<img src=x" not in body and '<a href="javascript' not in body
        assert "&lt;script&gt;alert(3)&lt;/script&gt;" in body or panels == "progress", panels
