"""A campaign whose kinds and status words no code mentions, 绿色社区 (key ``lvse``: 楼组 counted whole per
committee, 绿道 not; 验收 done, 退出 undoing it), defined in a file alone in a ``campaigns_dir`` folder: its files
generated from the definition, loaded with ``campaign ingest --campaign lvse``, and its figures checked on every
page (AppTest) and on the screen, with the colours and whole-committee figures its definition gives."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from campaign import config
from campaign.definition import PALETTE, definition
from campaign.generate.campaign_sample import write_campaign_sample
from campaign.ops.cli import main
from tests.support import ROOT
from tests.support.apptest import dashboard_app
from tests.support.campaigns import DEFINITIONS, csv_rows

LVSE = (DEFINITIONS / "lvse.toml").read_text(encoding="utf-8")

PAGES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))  # every page
# the 无疫小区 campaign's own words: none may show in another campaign's pages
WUYI_WORDS = (
    "无疫",
    "已创建",
    "首次创建",
    "创建次数",
    "新创建",
    "重新创建",
    "已取消",
    "整居创建",
    "整村",
    "阳性",
    "村民小组",
)


def expected(files: Path) -> dict:
    """The figures a reader of the files works out: (district, kind word) -> (accepted, units), and per district the
    committees of 楼组, those with any accepted, those with every one accepted (整居验收)."""
    roster = {(r["区"], r["名称"]): r for path in files.glob("*_名册.csv") for r in csv_rows(path)}
    events = [r for path in files.glob("*.csv") if "状态" in path.read_text(encoding="utf-8") for r in csv_rows(path)]
    done: dict[tuple[str, str], bool] = {}
    for r in sorted(events, key=lambda r: r["公布日期"]):
        if r["状态"] in ("验收", "退出"):
            done[r["区"], r["名称"]] = r["状态"] == "验收"
    units = Counter((d, r["类型"]) for (d, _), r in roster.items())
    accepted = Counter((d, roster[d, n]["类型"]) for (d, n), yes in done.items() if yes)
    committees: dict[tuple[str, str, str], list[bool]] = {}
    for (d, n), r in roster.items():
        if r["类型"] == "楼组":
            committees.setdefault((d, r["街镇"], r["居委/村"]), []).append(done.get((d, n), False))
    whole = {}
    for (d, _, _), flags in committees.items():
        total, touched, full = whole.get(d, (0, 0, 0))
        whole[d] = (total + 1, touched + any(flags), full + all(flags))
    return {"cards": {k: (accepted[k], units[k]) for k in units}, "whole": whole}


@pytest.fixture
def lvse(tmp_path, monkeypatch, app_mode):
    config.clear_cache()
    folder = tmp_path / "campaigns"
    folder.mkdir()
    (folder / "lvse.toml").write_text(LVSE, encoding="utf-8")
    monkeypatch.setenv("CAMPAIGN_CAMPAIGNS_DIR", str(folder))
    monkeypatch.setenv("CAMPAIGN_DB", str(tmp_path / "data" / "campaign.duckdb"))
    files = tmp_path / "files"
    written = write_campaign_sample(files, definition(folder / "lvse.toml"))
    assert main(["ingest", "--campaign", "lvse", *(str(p) for p in written if p.suffix == ".csv")]) == 0
    yield expected(files)
    config.clear_cache()


def _opened(page: str | None = None, lang: str = "zh", **params: str) -> AppTest:
    at = dashboard_app()
    at.query_params.update({"campaign": "lvse", **({"lang": lang} if lang != "zh" else {}), **params})
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    shown = [*at.markdown, *at.title, *at.subheader, *at.caption, *at.info, *at.warning, *at.success]
    text = " ".join(str(e.value) for e in shown)
    text += " ".join(f"{m.label} {m.value} {m.delta}" for m in at.metric)
    text += " ".join(" ".join(map(str, df.value.columns)) for df in at.dataframe)
    return text + " ".join(h.proto.body for h in at.get("html"))  # the screen draws itself as HTML


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_its_figures_colours_and_whole_committees_on_the_overview(lvse) -> None:
    at = _opened()
    cards = {(m.label, m.value, m.delta) for m in at.metric}
    for (district, kind), (done, total) in lvse["cards"].items():
        assert (f"{kind} · 覆盖率", f"{100 * done / total:.1f}%", f"已验收 {done} / {total}") in cards, district
    # the whole-committee figure of the district shown (the first; the sidebar starts on every district)
    district = at.sidebar.selectbox(key="district").options[1] if len(lvse["whole"]) > 1 else None
    if district:
        at.sidebar.selectbox(key="district").set_value(district).run()
    text = _text(at)
    for name, (total, touched, full) in lvse["whole"].items():
        if district in (None, name):
            assert f"**整居验收**：{full} 个居委整体验收（{touched} 个有单位验收，共 {total} 个）" in text
    # the coverage bars in the palette's colours, by the kinds' order
    bars = {t["name"]: t["marker"]["color"] for c in _charts(at) for t in c["data"] if t.get("type") == "bar"}
    assert bars["楼组"] == PALETTE[0] and bars["绿道"] == PALETTE[1]


def test_its_whole_committees_over_time_on_the_changes_page(lvse) -> None:
    at = _opened()
    at.query_params["view"] = "whole"  # as a copied URL chooses the view
    at.switch_page("pages/changes.py").run()
    assert "整居验收进展" in [s.value for s in at.subheader]
    lines = [t for c in _charts(at) for t in c["data"]]
    last = {t["name"]: t["y"][-1] for t in lines}
    # every district's whole committees on its last day (kinds counted whole: 楼组 alone)
    for district, (_, _, full) in lvse["whole"].items():
        assert [v for name, v in last.items() if district in name] == [full]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_its_own_words_and_figures(lvse, page) -> None:
    at = _opened(page)
    text = _text(at)
    assert not [w for w in WUYI_WORDS if w in text], page
    (district, kind), (done, total) = sorted(lvse["cards"].items())[0]
    if page in ("pages/overview.py", "pages/screen.py"):
        assert f"{100 * done / total:.1f}%" in text
    if page == "pages/screen.py":
        assert "绿色社区 · 指挥中心" in text and "已验收" in text
        if any(done < total for done, total in lvse["cards"].values()):  # a bar short of 100% in its kind's colour
            assert "#ff7b6b" in text or "#5ab8ff" in text  # the screen's dark palette, by the kinds' order
    if page == "pages/explorer.py":
        statuses = {v for df in at.dataframe if "状态" in df.value.columns for v in df.value["状态"]}
        assert statuses <= {"已验收", "已退出", "未验收"} and "已验收" in statuses
        assert any("首次验收" in df.value.columns for df in at.dataframe)
    if page == "pages/data.py":
        chosen = [s for s in at.selectbox if s.key == "data_opt_kind"]
        assert not chosen or chosen[0].options[1:] == ["楼组", "绿道"]


def test_its_words_in_english_are_its_own(lvse) -> None:
    at = _opened("pages/changes.py", lang="en")
    text = _text(at)
    assert "Newly accepted" in text or "accepted again" in text, text[:400]
    assert "created" not in text.lower().replace("created by", ""), text[:400]


def test_an_unknown_campaign_is_said_on_the_screen_in_both_languages(lvse) -> None:
    at = dashboard_app()
    at.query_params.update({"campaign": "nope<b>x</b>", "panels": "overview"})
    at.switch_page("pages/screen.py").run()
    assert not at.exception, at.exception
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "没有名为“nope&lt;b&gt;x&lt;/b&gt;”的创建活动" in html and "There is no campaign “nope&lt;b&gt;x" in html
    assert "wuyi" in html and "lvse" in html and "<b>x</b>" not in html


HOSTILE = "**粗**[点我](javascript:alert(1))"


@pytest.fixture
def hostile(tmp_path, monkeypatch, app_mode):
    """绿色社区 with its name, a kind's label and its done status's label written to be read as Markdown."""
    config.clear_cache()
    folder = tmp_path / "campaigns"
    folder.mkdir()
    text = LVSE.replace('name = { zh = "绿色社区"', f'name = {{ zh = "{HOSTILE}"')
    text = text.replace('label = { zh = "楼组"', f'label = {{ zh = "楼组{HOSTILE}"')
    text = text.replace('label = { zh = "已验收"', f'label = {{ zh = "已验收{HOSTILE}"')
    text = text.replace('event = { zh = "验收"', f'event = {{ zh = "验收{HOSTILE}"')
    (folder / "lvse.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("CAMPAIGN_CAMPAIGNS_DIR", str(folder))
    monkeypatch.setenv("CAMPAIGN_DB", str(tmp_path / "data" / "campaign.duckdb"))
    written = write_campaign_sample(tmp_path / "files", definition(folder / "lvse.toml"))
    assert main(["ingest", "--campaign", "lvse", *(str(p) for p in written if p.suffix == ".csv")]) == 0
    yield
    config.clear_cache()


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/changes.py", "pages/progress.py", "pages/quality.py"])
def test_a_campaigns_labels_are_shown_as_text_where_markdown_is_read(hostile, page) -> None:
    at = _opened(page)
    shown = [*at.title, *at.subheader, *at.markdown, *at.caption, *at.warning, *at.info, *at.success]
    read = [str(e.value) for e in shown] + [m.label for m in at.metric] + [str(m.delta) for m in at.metric]
    assert not [t for t in read if "**粗**" in t or "](javascript" in t], page
    if page == "pages/overview.py":
        assert [t for t in read if r"\*\*粗\*\*" in t], read  # its words are there, escaped
