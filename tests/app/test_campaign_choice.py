"""Several campaigns in the app: ``?campaign=`` chooses (the screen's URL too), the sidebar offers the installed ones
by name (none when one is installed), each campaign shows its own snapshot, words and sample, and a key no campaign
has is said with the installed ones."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from campaign import config
from campaign.answers import queries
from campaign.definition import BUNDLED
from campaign.intake import uploads
from tests.support import SAMPLE_DIR
from tests.support.apptest import Upload, dashboard_app
from tests.support.files import private_copy


@pytest.fixture
def db(sample_db, tmp_path, monkeypatch, app_mode):
    config.clear_cache()
    copy = private_copy(sample_db, tmp_path)
    monkeypatch.setenv("CAMPAIGN_DB", str(copy))
    monkeypatch.delenv("CAMPAIGN_CAMPAIGNS_DIR", raising=False)
    return copy


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_the_sidebar_offers_the_installed_campaigns_and_switches(db) -> None:
    at = _run(dashboard_app())
    chooser = at.sidebar.selectbox(key="campaign_pick")
    assert chooser.options == ["无疫小区", "垃圾分类达标小区"] and chooser.value == "wuyi"
    assert "campaign" not in at.query_params  # the default campaign leaves the URL alone
    assert _metrics(at)["小区 · 覆盖率"] == ("100.0%", "已创建 393 / 393")
    chooser.set_value("laji")
    _run(at)
    # the second campaign's snapshot, built from its own bundled sample on first choice, beside the first
    assert (db.parent / "laji" / "campaign.duckdb").exists()
    assert at.query_params["campaign"] == "laji"
    cards = [(m.label, m.value, m.delta) for m in at.metric]
    # the figures of its sample (tests/ops/test_cli_campaigns.py has them from the CLI): 金山区 11 of 15, 崇明区 7 of 9
    assert ("小区 · 覆盖率", "73.3%", "已达标 11 / 15") in cards and ("小区 · 覆盖率", "77.8%", "已达标 7 / 9") in cards
    assert not [c for c in cards if c[0].startswith("村民小组")]
    assert any("合成数据" in i.value and "393" not in i.value for i in at.info)  # its own sample note
    at.sidebar.selectbox(key="campaign_pick").set_value("wuyi")
    _run(at)
    assert _metrics(at)["小区 · 覆盖率"] == ("100.0%", "已创建 393 / 393") and "campaign" not in at.query_params


def test_the_url_chooses_the_campaign_on_every_page(db) -> None:
    at = dashboard_app()
    at.query_params["campaign"] = "laji"
    _run(at)
    assert at.sidebar.selectbox(key="campaign_pick").value == "laji"
    assert ("小区 · 覆盖率", "73.3%", "已达标 11 / 15") in [(m.label, m.value, m.delta) for m in at.metric]
    for page in ("pages/progress.py", "pages/towns.py", "pages/explorer.py", "pages/data.py", "pages/screen.py"):
        at.switch_page(page)
        _run(at)
        assert at.query_params["campaign"] == "laji", page  # carried in the URL, the screen's too
    at.switch_page("pages/explorer.py")
    _run(at)
    statuses = {v for df in at.dataframe if "状态" in df.value.columns for v in df.value["状态"]}
    assert statuses == {"已达标", "复查不合格", "未达标", "示范"}  # its own status words


def test_a_campaign_no_one_installed_is_said_with_the_installed_ones(db) -> None:
    at = dashboard_app()
    at.query_params["campaign"] = "**nope**"
    _run(at)
    said = " ".join(w.value for w in at.warning)
    assert "`**nope**`" in said and "wuyi" in said and "laji" in said
    assert at.sidebar.selectbox(key="campaign_pick").value == "wuyi"
    assert "campaign" not in at.query_params


def test_one_campaign_installed_shows_no_chooser(db, monkeypatch) -> None:
    monkeypatch.setattr(config, "installed", lambda env=None: {"wuyi": BUNDLED})
    at = _run(dashboard_app())
    assert not [s for s in at.sidebar.selectbox if s.key == "campaign_pick"]
    assert _metrics(at)["小区 · 覆盖率"] == ("100.0%", "已创建 393 / 393")


def test_the_data_page_uploads_into_the_chosen_campaign(db, monkeypatch) -> None:
    monkeypatch.setenv(uploads.PASSWORD_ENV, "pw-for-tests")
    listed = (SAMPLE_DIR / "laji" / "金山区_第2批.csv").read_text(encoding="utf-8").splitlines()[2].split(",")
    district, town, committee, name = listed[:4]
    text = f"区,街镇,居委/村,名称,状态,公布日期\n{district},{town},{committee},{name},复查不合格,2020-06-01\n"
    real = st.file_uploader

    def uploader(label, *args, **kwargs):
        real(label, *args, **kwargs)
        return [Upload("复查.csv", text.encode())] if str(kwargs.get("key", "")).startswith("data_files") else None

    monkeypatch.setattr(st, "file_uploader", uploader)
    before = db.stat()
    at = dashboard_app()
    at.query_params["campaign"] = "laji"
    _run(at)
    at.switch_page("pages/data.py")
    _run(at)
    at.text_input(key="data_password").input("pw-for-tests")
    _run(at)
    at.button(key="data_confirm").click()
    _run(at)
    assert any("新增状态记录 1" in s.value for s in at.success)
    laji = db.parent / "laji" / "campaign.duckdb"
    units = queries.run("units", db=laji, search=name).to_dicts()
    assert [(u["name"], u["status"]) for u in units] == [(name, "revoked")]
    assert (db.parent / "laji" / "uploads").is_dir()
    after = db.stat()  # the default campaign's snapshot is untouched
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
