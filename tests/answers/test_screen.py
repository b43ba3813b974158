"""The command-centre screen: its URL parsing and schedule (pure), and the page in AppTest on the sample.

Fragment timers never fire in AppTest; the rotation, live refresh and layout are tested in a real browser
(tests/app/test_screen_browser.py).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from campaign.answers import screen
from campaign.answers.screen import PANELS, Config, Slide
from campaign.app import pages_folder
from campaign.snapshot import store
from tests.support import ROOT
from tests.support.apptest import dashboard_app

# ------------------------------------------------------------------------------------ the URL ---


def test_defaults_from_an_empty_url():
    config, notes = screen.parse({})
    assert notes == []
    assert config == Config()
    assert config.panels == ("overview", "progress", "towns", "batch")
    assert (config.rotate, config.refresh, config.step, config.lang) == (20.0, 60.0, "none", "zh")
    assert config.stale_after == dt.timedelta(hours=24)
    assert config.tick == 20.0


def test_the_issues_bookmark():
    config, notes = screen.parse(
        {"district": "崇明区", "rotate": "20", "refresh": "60", "panels": "overview,progress,towns", "lang": "zh"}
    )
    assert notes == []
    assert config.districts == ("崇明区",)
    assert config.panels == ("overview", "progress", "towns")
    assert (config.rotate, config.refresh) == (20.0, 60.0)


def test_lists_durations_and_ages():
    config, notes = screen.parse(
        {
            "district": "崇明区，金山区,崇明区",
            "town": "堡镇、庙镇",
            "panels": "Towns, batch",
            "rotate": "1.5m",
            "refresh": "10s",
            "step": "TOWN",
            "stale": "2d",
            "lang": "EN",
        }
    )
    assert notes == []
    assert config.districts == ("崇明区", "金山区")  # duplicates dropped, order kept
    assert config.towns == ("堡镇", "庙镇")
    assert config.panels == ("towns", "batch")
    assert (config.rotate, config.refresh, config.step, config.lang) == (90.0, 10.0, "town", "en")
    assert config.stale_after == dt.timedelta(days=2)
    assert config.tick == 10.0
    assert screen.parse({"stale": "90m"})[0].stale_after == dt.timedelta(minutes=90)
    assert screen.parse({"stale": "36"})[0].stale_after == dt.timedelta(hours=36)  # bare number: hours
    assert screen.parse({"stale": "off"})[0].stale_after is None
    assert screen.parse({"rotate": ["5", "7"]})[0].rotate == 7.0  # a repeated parameter: the last wins


@pytest.mark.parametrize(
    ("params", "param", "default"),
    [
        ({"rotate": "abc"}, "rotate", 20.0),
        ({"rotate": "1"}, "rotate", 20.0),  # below 3 s
        ({"rotate": "-5"}, "rotate", 20.0),
        ({"rotate": "nan"}, "rotate", 20.0),
        ({"refresh": "1e9"}, "refresh", 60.0),
        ({"refresh": ""}, "refresh", 60.0),
    ],
)
def test_bad_durations_fall_back_with_a_note(params, param, default):
    config, notes = screen.parse(params)
    assert getattr(config, param) == default
    assert [(n.param, n.instead) for n in notes] == [(param, f"{default:g}")]
    assert param in notes[0].text("zh") and "无效" in notes[0].text("zh")
    assert "not valid" in notes[0].text("en")


def test_bad_values_of_every_other_parameter():
    config, notes = screen.parse(
        {"panels": "overview,maps,towns", "step": "sideways", "stale": "soon", "lang": "fr", "rotaet": "20"}
    )
    assert config.panels == ("overview", "towns")
    assert (config.step, config.lang, config.stale_after) == ("none", "zh", dt.timedelta(hours=24))
    assert {(n.param, n.value, n.reason) for n in notes} == {
        ("rotaet", "20", "unknown_param"),
        ("lang", "fr", "invalid"),
        ("panels", "maps", "unknown_value"),
        ("step", "sideways", "invalid"),
        ("stale", "soon", "invalid"),
    }
    texts = " ".join(n.text("zh") for n in notes)
    assert "未知网址参数 rotaet=20" in texts and "「maps」不存在" in texts
    # nothing usable in panels: every panel
    config, notes = screen.parse({"panels": "maps"})
    assert config.panels == PANELS and [n.param for n in notes] == ["panels"]
    config, notes = screen.parse({"panels": ",,"})
    assert config.panels == PANELS and [n.param for n in notes] == ["panels"]
    # Streamlit's own parameters are not ours to complain about
    assert screen.parse({"embed": "true"})[1] == []


def test_resolve_districts_and_towns():
    towns = {"崇明区": ["堡镇", "庙镇"], "金山区": ["朱泾镇"]}
    known = ["崇明区", "金山区"]
    config, _ = screen.parse({"district": "崇明区,浦东新区", "town": "堡镇,朱泾镇"})
    districts, chosen, notes = screen.resolve(config, known, towns)
    assert districts == ["崇明区"]
    assert chosen == ["堡镇"]  # 朱泾镇 is not in 崇明区
    assert [(n.param, n.value) for n in notes] == [("district", "浦东新区"), ("town", "朱泾镇")]
    assert "已改用 崇明区" in notes[0].text("zh")
    config, _ = screen.parse({"district": "浦东新区"})
    districts, _, notes = screen.resolve(config, known, towns)
    assert districts == known and "全部区" in notes[0].text("zh")


def test_schedule_and_slide_index():
    config, _ = screen.parse({"panels": "overview,towns"})
    assert screen.schedule(config, ["甲区", "乙区"], []) == [Slide("overview"), Slide("towns")]
    config, _ = screen.parse({"panels": "overview,towns", "step": "district"})
    assert screen.schedule(config, ["甲区", "乙区"], []) == [
        Slide("overview", "甲区"),
        Slide("towns", "甲区"),
        Slide("overview", "乙区"),
        Slide("towns", "乙区"),
    ]
    config, _ = screen.parse({"step": "town"})
    pairs = [("甲区", "A镇"), ("甲区", "B镇")]
    assert screen.schedule(config, ["甲区"], pairs) == [Slide("town", "甲区", "A镇"), Slide("town", "甲区", "B镇")]
    assert screen.schedule(config, ["甲区"], []) == [Slide(p) for p in PANELS]  # no towns: the panels

    # timers fire a little late (or a hair early): each tick shows the next slide, none twice
    assert [screen.slide_index(k * 20 + jitter, 20, 3) for k, jitter in enumerate([0, 0.3, -0.2, 1.5, 0.01])] == [
        0,
        1,
        2,
        0,
        1,
    ]
    # a tick shorter than the rotation (refresh 7 s, rotate 20 s): the slide changes every 20 s
    assert [screen.slide_index(t, 20, 4, tick=7) for t in (0, 7, 14, 21, 28, 35, 42)] == [0, 0, 0, 1, 1, 1, 2]
    assert screen.slide_index(5, 20, 0) == 0


def test_stale_and_age():
    now = dt.datetime(2022, 5, 23, 12, 0)
    assert screen.stale(now - dt.timedelta(hours=25), now, dt.timedelta(hours=24))
    assert not screen.stale(now - dt.timedelta(hours=23), now, dt.timedelta(hours=24))
    assert not screen.stale(now - dt.timedelta(days=99), now, None)
    assert not screen.stale(None, now, dt.timedelta(hours=1))
    assert screen.fmt_age(dt.timedelta(hours=26, minutes=5), "zh") == "1 天 2 小时"
    assert screen.fmt_age(dt.timedelta(minutes=95), "en") == "1 h 35 min"
    assert screen.fmt_age(dt.timedelta(seconds=20), "zh") == "0 分钟"


def test_fetch_reads_one_snapshot(sample_db):
    data = screen.fetch(sample_db)
    assert data.key == store.published(sample_db)
    assert data.districts == ["崇明区", "金山区"]
    jinshan = data.glance.filter(data.glance["district"] == "金山区").row(0, named=True)
    assert (jinshan["total"], jinshan["created"], jinshan["batches_run"]) == (393 + 2293, 393 + 2293, 4)
    assert len(data.towns_of()["崇明区"]) == 18


def test_fetch_asks_a_districts_towns_when_it_is_shown(sample_db, monkeypatch):
    """The towns by kind and by batch are asked for one district, when a slide shows it, once for every screen
    sharing the figures (not every district's towns at each publish: 40,000 at national scale)."""
    from campaign.answers import queries

    real_run, asked = queries.run, []

    def run(name, /, **params):
        asked.append((name, params.get("district")))
        return real_run(name, **params)

    monkeypatch.setattr(queries, "run", run)
    data = screen.fetch(sample_db)
    assert not {"coverage_by_town", "town_batch_matrix"} & {name for name, _ in asked}
    asked.clear()
    kinds, batches = data.town_kinds("金山区"), data.town_batches("金山区")
    assert data.town_kinds("金山区") is kinds and data.town_batches("金山区") is batches  # asked once
    assert asked == [("coverage_by_town", "金山区"), ("town_batch_matrix", "金山区")]
    for one, name in ((kinds, "coverage_by_town"), (batches, "town_batch_matrix")):
        every = real_run(name, db=sample_db)
        assert set(one["district"]) == {"金山区"}
        assert one.rows() == every.filter(every["district"] == "金山区").rows()


def publish_midway(sample_db, tmp_path, monkeypatch) -> tuple[Path, list[bool]]:
    """A copy of the sample whose first fetch publishes a revocation of 海皓馨苑 halfway (before towns_ranked)."""
    import shutil

    from campaign.answers import queries
    from campaign.snapshot import store

    db = tmp_path / "c.duckdb"
    shutil.copyfile(sample_db, db)
    real_run, published = queries.run, []

    def revoke(con):
        con.execute(
            "insert into events select (select max(event_id) + 1 from events), unit_id, 'revoked', null, false,"
            " date '2022-05-21', 'mid.csv', 2 from units where name = '海皓馨苑'"
        )

    def run(name, /, **params):
        if name == "towns_ranked" and not published:
            with store.writer_lock(db):
                store.publish(db, revoke, districts=["金山区"])
            published.append(True)
        return real_run(name, **params)

    monkeypatch.setattr(queries, "run", run)
    return db, published


def test_fetch_is_one_snapshot_when_another_is_published_mid_fetch(sample_db, tmp_path, monkeypatch):
    """A publish between two of the screen's queries: it fetches again, so its figures never mix snapshots."""
    db, published = publish_midway(sample_db, tmp_path, monkeypatch)
    data = screen.fetch(db)
    assert published and data.key == store.published(db)
    jinshan = data.glance.filter(data.glance["district"] == "金山区").row(0, named=True)
    assert (jinshan["created"], jinshan["revoked"]) == (393 + 2293 - 1, 1)
    towns = data.towns.filter(data.towns["district"] == "金山区")
    assert towns.get_column("created").sum() == jinshan["created"]  # the same snapshot as the glance


# ------------------------------------------------------------------------------------ AppTest ---


@pytest.fixture
def screen_app(sample_db, monkeypatch):
    """AppTest of dashboard.py, switched to the screen with the given URL parameters."""
    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    monkeypatch.setattr(PagesManager, "__init__", pages_folder.staying_off(PagesManager.__init__))

    def open_screen(**params: str) -> AppTest:
        at = dashboard_app()
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page("pages/screen.py").run()  # straight to the screen, as its bookmark does
        assert not at.exception, at.exception
        return at

    return open_screen


def screen_html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_screen_shows_every_districts_kpis(screen_app):
    at = screen_app()
    body = screen_html(at)
    assert 'data-testid="screen-kpi" data-district="崇明区"' in body
    assert 'data-testid="screen-kpi" data-district="金山区"' in body
    assert "已创建 <b>357</b> / 357" in body
    assert "已创建 <b>2,686</b> / 2,686" in body
    assert "已开展轮次 <b>4</b>" in body and "已公布批次 <b>4</b>" in body
    assert "最新 第4轮 5月16日" in body and "新增 <b>26</b>" in body
    assert "最新 第4批 5月20日" in body and "新增 <b>284</b>" in body
    assert "数据截至 <b>2022年5月20日</b>" in body
    assert 'data-panel="overview"' in body  # the first slide
    assert "2,293 / 2,293" in body
    assert not at.sidebar.selectbox, "the screen draws no sidebar widgets"


def test_screen_for_one_district_in_english(screen_app):
    at = screen_app(district="崇明区", panels="towns,overview", lang="en")
    body = screen_html(at)
    assert 'data-district="崇明区"' in body and 'data-district="金山区"' not in body
    assert 'data-panel="towns"' in body
    assert "Rounds run <b>4</b>" in body
    assert "堡镇" in body and "朱泾镇" not in body
    assert "Data as of <b>2022-05-20</b>" in body


def test_screen_bad_url_values_give_notes_not_tracebacks(screen_app):
    at = screen_app(district="浦东新区", rotate="fast", panels="maps", step="up", lang="xx", stale="never")
    assert not at.exception
    body = screen_html(at)
    for text in ("rotate=fast", "「maps」不存在", "step=up", "lang=xx", "stale=never", "「浦东新区」不存在"):
        assert text in body, text
    assert 'data-district="崇明区"' in body and 'data-district="金山区"' in body  # the defaults: all
    assert 'data-panel="overview"' in body


def test_screen_no_stale_warning_for_fresh_data(screen_app):
    # the sample was ingested when the test session began, minutes ago at most on a loaded machine;
    # when the warning shows is tested in test_stale_and_age
    for stale in ("2h", "off"):
        assert 'data-testid="screen-stale"' not in screen_html(screen_app(stale=stale))


@pytest.mark.parametrize("panel", ["progress", "towns", "batch"])
def test_each_panel_renders(screen_app, panel):
    at = screen_app(panels=panel)
    body = screen_html(at)
    assert f'data-panel="{panel}"' in body
    if panel == "progress":
        assert "data:image/svg+xml;base64," in body
    if panel == "batch":
        assert "第4批" in body and "284" in body


def test_step_through_towns(screen_app):
    at = screen_app(step="town", district="金山区", town="朱泾镇")
    body = screen_html(at)
    assert 'data-panel="town"' in body and "朱泾镇" in body
    assert "1 / 1" in body


# ------------------------------------------------------------------- the operator's defaults ---


def test_server_defaults_come_from_the_config(tmp_path):
    assert screen.server_defaults({}) == screen.Defaults()
    env = {"CAMPAIGN_REFRESH": "5m", "CAMPAIGN_STALE": "off", "CAMPAIGN_LANG": "en"}
    assert screen.server_defaults(env) == screen.Defaults(refresh=300.0, stale_after=None, lang="en")
    file = tmp_path / "campaign.toml"
    file.write_text('refresh = "30s"\nstale = "2h"\n', encoding="utf-8")
    defaults = screen.server_defaults({"CAMPAIGN_CONFIG": str(file)})
    assert defaults == screen.Defaults(refresh=30.0, stale_after=dt.timedelta(hours=2), lang="zh")
    # a wrong value stops `campaign serve`; a screen keeps the built-in defaults
    assert screen.server_defaults({"CAMPAIGN_REFRESH": "often"}) == screen.Defaults()


def test_the_url_wins_over_the_operators_defaults():
    defaults = screen.Defaults(refresh=300.0, stale_after=dt.timedelta(hours=2), lang="en")
    config, notes = screen.parse({}, defaults)
    assert notes == []
    assert (config.refresh, config.stale_after, config.lang) == (300.0, dt.timedelta(hours=2), "en")
    config, notes = screen.parse({"refresh": "60", "stale": "off", "lang": "zh"}, defaults)
    assert (config.refresh, config.stale_after, config.lang) == (60.0, None, "zh")
    config, notes = screen.parse({"refresh": "x", "stale": "never", "lang": "xx"}, defaults)
    assert (config.refresh, config.stale_after, config.lang) == (300.0, dt.timedelta(hours=2), "en")
    assert [(n.param, n.instead) for n in notes] == [("lang", "en"), ("refresh", "300"), ("stale", "2h")]


def test_screen_takes_its_stale_limit_and_language_from_the_config(screen_app, monkeypatch):
    import time

    monkeypatch.setenv("CAMPAIGN_STALE", "1s")
    monkeypatch.setenv("CAMPAIGN_LANG", "en")
    time.sleep(1.1)  # the sample snapshot is now older than the limit, however fast this ran
    body = screen_html(screen_app())
    assert 'data-testid="screen-stale"' in body
    assert "Data as of" in body
    monkeypatch.setenv("CAMPAIGN_STALE", "off")
    assert 'data-testid="screen-stale"' not in screen_html(screen_app())


def test_one_fetch_reads_one_snapshot_even_without_a_second_try(sample_db, tmp_path, monkeypatch):
    """The fetch's own connection holds the snapshot it attached: a publish halfway changes none of its figures."""
    db, published = publish_midway(sample_db, tmp_path, monkeypatch)
    data = screen.fetch(db, attempts=1)
    assert published and data.key != store.published(db)  # the old snapshot's figures, all of them
    jinshan = data.glance.filter(data.glance["district"] == "金山区").row(0, named=True)
    assert (jinshan["created"], jinshan["revoked"]) == (393 + 2293, 0)
    towns = data.towns.filter(data.towns["district"] == "金山区")
    assert towns.get_column("created").sum() == jinshan["created"]


def test_screens_share_one_fetch_per_snapshot(sample_db, tmp_path, monkeypatch):
    """Every screen of a process shows the figures of one fetch while the snapshot is the same (a country's take
    seconds); a publish makes the next tick fetch again, once."""
    import shutil

    from campaign.snapshot import store

    db = tmp_path / "c.duckdb"
    shutil.copyfile(sample_db, db)
    fetches = []
    real_fetch = screen.fetch
    monkeypatch.setattr(screen, "fetch", lambda path: fetches.append(path) or real_fetch(path))
    first, second = {}, {}
    data = screen.current_data(first, db)
    assert screen.current_data(second, db) is data and screen.current_data(first, db) is data
    assert len(fetches) == 1

    def forget_jinshan(con):
        con.execute("delete from events where unit_id like '金山区/%'")

    with store.writer_lock(db):
        store.publish(db, forget_jinshan, districts=["金山区"])
    new = screen.current_data(first, db)
    assert new is not data and new.key == store.published(db) and len(fetches) == 2
    assert "金山区" not in new.coverage.filter(new.coverage["created"] > 0)["district"].to_list()
    assert screen.current_data(second, db) is new and len(fetches) == 2


def test_a_failed_fetch_keeps_the_figures_on_screen(sample_db, tmp_path, monkeypatch):
    import shutil

    from campaign.snapshot import store

    db = tmp_path / "c.duckdb"
    shutil.copyfile(sample_db, db)
    state = {}
    data = screen.current_data(state, db)
    with store.writer_lock(db):
        store.publish(db, lambda con: None, districts=["金山区"])

    def broken(path):
        raise OSError("disk gone")

    monkeypatch.setattr(screen, "fetch", broken)
    assert screen.current_data(state, db) is data
    assert state["error"] == "OSError: disk gone"
    monkeypatch.undo()
    assert screen.current_data(state, db).key == store.published(db) and "error" not in state


def test_fetch_leaves_the_shared_reader_alone(sample_db, monkeypatch):
    # the shared reader's connection keeps memory for every query it runs: the screen uses its own
    from campaign.snapshot import store

    monkeypatch.setattr(store, "reader", lambda *args, **kwargs: pytest.fail("the shared reader was used"))
    assert screen.fetch(sample_db).districts == ["崇明区", "金山区"]


def test_fetch_without_a_database(tmp_path):
    with pytest.raises(FileNotFoundError):
        screen.fetch(tmp_path / "none.duckdb")


# ------------------------------------------------------------------------ many districts ---


def test_kpi_layout_cards_for_a_few_tiles_for_many():
    assert [screen.kpi_layout(n).compact for n in (1, 2, 3, 4)] == [False] * 4
    for n in (5, 8, 9, 12, 16):
        layout = screen.kpi_layout(n)
        assert layout.compact and layout.rows * layout.cols >= n
        assert layout.detail >= screen.KPI_MIN_TEXT and layout.lines >= 1, layout
        assert layout.big > 2 * layout.detail  # the numeral stays the thing to read
        # the numeral fits its tile: "100.0%"
        assert screen.text_width("100.0%", layout.big) <= layout.width
    assert (screen.kpi_layout(8).rows, screen.kpi_layout(9).rows, screen.kpi_layout(16).cols) == (1, 2, 8)


def test_kpi_pages_for_more_than_sixteen():
    sixteen = [f"区{i}" for i in range(16)]
    assert screen.kpi_pages(sixteen) == [sixteen]
    twenty = [f"区{i}" for i in range(20)]
    pages = screen.kpi_pages(twenty)
    assert [len(p) for p in pages] == [10, 10] and sum(pages, []) == twenty
    national = screen.kpi_pages([str(i) for i in range(300)])
    assert len(national) == 19 and max(len(p) for p in national) == 16 and min(len(p) for p in national) >= 12
    # the slide's district's page; else the next page with every slide
    assert screen.kpi_page(pages, "区15", turn=0) == 1
    assert [screen.kpi_page(pages, None, turn) for turn in range(4)] == [0, 1, 0, 1]
    assert screen.slide_turn(41, 20, 20) == 2 and screen.slide_index(41, 20, 2, 20) == 0


def test_fitting_takes_the_richest_line_that_fits():
    variants = ["已创建 2,686 / 2,686 · 待创建 0", "已创建 2,686 / 2,686", "2,686 / 2,686"]
    assert screen.fitting(variants, 1.5, 40) == variants[0]
    assert screen.fitting(variants, 1.5, 18) == variants[1]
    assert screen.fitting(variants, 1.5, 12) == variants[2]
    assert screen.fitting(variants, 1.5, 5) is None


def test_district_curves_sum_the_kinds(sample_db):
    import polars as pl

    data = screen.fetch(sample_db)
    curves = screen.district_curves(data.curve.filter(pl.col("total").is_not_null()))
    last = curves.sort("published").group_by("district").agg(pl.all().last()).sort("district")
    glance = data.glance.sort("district")
    assert last.get_column("created").to_list() == glance.get_column("created").to_list()
    assert last.get_column("total").to_list() == glance.get_column("total").to_list()
    # one row per district and day
    assert curves.select("district", "published").is_unique().all()
    assert screen.lowest_districts(curves, 1) == [glance.sort("coverage_pct").row(0, named=True)["district"]]


# ------------------------------------------------------------------------------ the server ---

ARENAS_PROBE = """
import ctypes, os, re, sys, tempfile, threading
from campaign.ops import serve

limited = serve.limit_malloc_arenas() if sys.argv[1] == "limit" else False
ready = threading.Barrier(12)

def work():
    keep = [bytearray(4096) for _ in range(200)]  # over 512 bytes: from malloc, not Python's own allocator
    ready.wait()

threads = [threading.Thread(target=work) for _ in range(12)]
for t in threads:
    t.start()
for t in threads:
    t.join()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
path = os.path.join(tempfile.mkdtemp(), "malloc.xml")
fp = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, fp)
libc.fclose(fp)
print(limited, len(re.findall("<heap nr=", open(path).read())))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc arenas")
def test_the_server_limits_glibcs_malloc_arenas():
    """Threads that allocate at once get arenas of their own, each keeping freed memory: the server keeps two."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}

    def arenas(mode: str) -> tuple[str, int]:
        out = subprocess.run(
            [sys.executable, "-c", ARENAS_PROBE, mode], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        limited, count = out.stdout.split()
        return limited, int(count)

    assert arenas("limit") == ("True", 2)
    assert arenas("free")[1] > 2  # what it would be otherwise (8 per core)
    env["MALLOC_ARENA_MAX"] = "3"  # the operator's own setting is left alone
    assert arenas("limit") == ("False", 3)


def test_a_board_keeps_every_row_whole_in_pages_of_readable_rows():
    assert screen.towns_board(20) == screen.Board(20, 2, 10, 5.0, 1, 20)  # two columns of 10 at full height
    b = screen.towns_board(29)  # the sample's towns: lower rows, one page, no scrolling
    assert (b.cols, b.per_col, b.pages) == (2, 15, 1) and b.row * b.per_col <= screen.BOARD_HEIGHT
    b = screen.towns_board(200)  # a city's: pages as even as can be, rows never below reading size
    assert b.pages == 7 and b.size == 29 and b.row >= screen.BOARD_MIN_ROW
    assert [len(b.page(list(range(200)), i)) for i in range(b.pages)] == [29] * 6 + [26]
    assert screen.overview_board(8).cols == 1 and screen.overview_board(9).cols == 2
    config, _ = screen.parse({"panels": "overview,towns"})
    slides = screen.schedule(config, ["甲区"], [], lambda panel, _: 3 if panel == "towns" else 1)
    assert slides == [
        Slide("overview"),
        Slide("towns", page=0, pages=3),
        Slide("towns", page=1, pages=3),
        Slide("towns", page=2, pages=3),
    ]


def test_start_picks_the_first_slide_and_a_bad_one_says_so():
    assert screen.parse({"start": "3"})[0].start == 3
    config, notes = screen.parse({"start": "0"})
    assert config.start == 1 and [n.param for n in notes] == ["start"]
    assert screen.parse({})[0].start == 1


def test_the_screens_stylesheet_and_clock_are_the_files_in_the_package(screen_app):
    """campaign/app/screen.css and screen.js, as the page sends them: every rule with its colours filled in, the
    clock's script whole, and nothing of the files' opening comments."""
    root = ROOT / "campaign" / "app"
    css = (root / "screen.css").read_text(encoding="utf-8")
    js = (root / "screen.js").read_text(encoding="utf-8")
    body = screen_html(screen_app())
    rules = css.split("*/\n", 1)[1]
    fixed = [line for line in rules.splitlines() if line.strip() and "$" not in line]
    assert len(fixed) > 50 and all(line in body for line in fixed)
    assert "html, body { overflow: hidden !important; background: #050b17 !important; }" in body  # $BG
    assert ".scr-stale { background: #ff5a5f; color: #fff;" in body  # $BAD
    assert js.split("*/\n", 1)[1].strip() in body
    assert "$" not in body.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "campaign/app/screen_assets.py" not in body  # the files' own comments stay out
