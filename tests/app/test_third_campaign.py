"""A third campaign no code mentions, 平安小区, installed as a definition file alone in a ``campaigns_dir`` folder: its
files generated from that definition, loaded with ``campaign ingest --campaign pingan``, and its figures checked in
``campaign summary``, on the overview and the screen, and every page run over it (AppTest)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from campaign import config
from campaign.definition import definition
from campaign.generate.campaign_sample import write_campaign_sample
from campaign.ops.cli import main
from tests.support.apptest import dashboard_app
from tests.support.campaigns import csv_rows, write_pingan

PAGES = [
    "pages/overview.py",
    "pages/progress.py",
    "pages/towns.py",
    "pages/grids.py",
    "pages/services.py",
    "pages/changes.py",
    "pages/forecast.py",
    "pages/quality.py",
    "pages/explorer.py",
    "pages/find.py",
    "pages/data.py",
    "pages/screen.py",
]


def expected(files: Path) -> dict[tuple[str, str], tuple[int, int]]:
    """(district, kind word) -> (certified, units), worked out from the files as a reader of them would: the roster
    counts the units; each list, in date order, certifies (挂牌) or decertifies (摘牌) a unit."""
    kinds: dict[tuple[str, str], str] = {}
    for roster in files.glob("*_名册.csv"):
        kinds |= {(r["区"], r["名称"]): r["类型"] for r in csv_rows(roster)}
    events = [r for path in files.glob("*.csv") if "状态" in path.read_text(encoding="utf-8") for r in csv_rows(path)]
    certified: dict[tuple[str, str], bool] = {}
    for r in sorted(events, key=lambda r: r["公布日期"]):
        if r["状态"] in ("挂牌", "摘牌"):
            certified[r["区"], r["名称"]] = r["状态"] == "挂牌"
    units = Counter((d, kind) for (d, _), kind in kinds.items())
    done = Counter((d, kinds[d, n]) for (d, n), yes in certified.items() if yes)
    return {key: (done[key], units[key]) for key in units}


@pytest.fixture
def pingan(tmp_path, monkeypatch, app_mode):
    config.clear_cache()
    folder = tmp_path / "campaigns"
    monkeypatch.setenv("CAMPAIGN_CAMPAIGNS_DIR", str(folder))
    monkeypatch.setenv("CAMPAIGN_DB", str(tmp_path / "data" / "campaign.duckdb"))
    files = tmp_path / "files"
    written = write_campaign_sample(files, definition(write_pingan(folder)))
    assert main(["ingest", "--campaign", "pingan", *(str(p) for p in written if p.suffix == ".csv")]) == 0
    assert (tmp_path / "data" / "pingan" / "campaign.duckdb").exists()
    assert not (tmp_path / "data" / "campaign.duckdb").exists()
    return expected(files)


def test_its_figures_in_the_summary(pingan, capsys) -> None:
    capsys.readouterr()
    assert main(["summary", "--campaign", "pingan", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    words = {"compound": "小区", "estate": "园区"}
    got = {(r["district"], words[r["kind"]]): (r["created"], r["total"]) for r in rows}
    assert got == pingan and len(got) == 4  # two districts, each with compounds and estates


def _opened(page: str | None = None) -> AppTest:
    at = dashboard_app()
    at.query_params["campaign"] = "pingan"
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_its_figures_and_words_on_the_overview(pingan) -> None:
    at = _opened()
    assert "平安小区" in at.sidebar.selectbox(key="campaign_pick").options
    cards = {(m.label, m.value, m.delta) for m in at.metric}
    for (district, kind), (done, total) in pingan.items():
        shown = f"{100 * done / total:.1f}%"
        assert (f"{kind} · 覆盖率", shown, f"已挂牌 {done} / {total}") in cards, (district, kind)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_over_it(pingan, page) -> None:
    at = _opened(page)
    assert at.query_params["campaign"] == "pingan"
    text = " ".join(str(e.value) for e in [*at.markdown, *at.title, *at.caption, *at.info, *at.warning])
    text += " ".join(h.proto.body for h in at.get("html"))  # the screen draws itself as HTML
    assert "无疫" not in text, page  # no word of the bundled campaign's own
    if page == "pages/screen.py":
        assert "平安小区 · 指挥中心" in text
        (district, kind), (done, total) = sorted(pingan.items())[0]
        assert f"{100 * done / total:.1f}%" in text and "已挂牌" in text
