"""Several campaigns side by side: the definition files installed (the bundled ones and a configured folder's), which
one is active, and where each keeps its snapshot (campaign.config.campaign)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from campaign import config
from campaign.definition import BUNDLED, DEFAULT_KEY, active, definition, using
from campaign.snapshot import store


def _folder(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "campaigns"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _renamed(title: str) -> str:
    """The bundled definition with another campaign's title."""
    return BUNDLED.read_text(encoding="utf-8").replace(
        'title = { zh = "无疫小区创建进度"', f'title = {{ zh = "{title}"'
    )


@pytest.fixture
def env(tmp_path, monkeypatch) -> dict[str, str]:
    config.clear_cache()
    values = {"CAMPAIGN_DB": str(tmp_path / "data" / "c.duckdb")}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("CAMPAIGN_CAMPAIGNS_DIR", raising=False)
    return values


def test_the_default_campaign_keeps_its_snapshot_where_it_was(env, tmp_path) -> None:
    assert next(iter(config.installed())) == DEFAULT_KEY == "wuyi"
    assert config.campaign().key == DEFAULT_KEY
    assert config.campaign(DEFAULT_KEY).db == tmp_path / "data" / "c.duckdb" == store.default_db()


def test_a_folder_of_definitions_is_installed_each_with_its_own_snapshot(env, tmp_path, monkeypatch) -> None:
    folder = _folder(tmp_path, **{"wenming.toml": _renamed("文明小区创建进度")})
    monkeypatch.setenv("CAMPAIGN_CAMPAIGNS_DIR", str(folder))
    assert "wenming" in config.installed()
    chosen = config.campaign("wenming")
    assert chosen.definition.title.zh == "文明小区创建进度" and chosen.key == "wenming"
    assert chosen.db == tmp_path / "data" / "wenming" / "campaign.duckdb"
    assert config.load().campaigns_dir == folder
    # the active campaign decides the snapshot every reader and writer opens by default
    assert store.default_db() == tmp_path / "data" / "c.duckdb"
    with using(chosen.definition):
        assert active() is chosen.definition and definition() is chosen.definition
        assert store.default_db() == chosen.db
    assert store.default_db() == tmp_path / "data" / "c.duckdb"


def test_an_unknown_campaign_is_refused_naming_the_installed_ones(env) -> None:
    with pytest.raises(config.UnknownCampaign) as refused:
        config.campaign("wenmign")
    assert "wenmign" in str(refused.value) and "wuyi" in str(refused.value)


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("Wen-Ming.toml", None, "the file's name is the campaign's key"),
        ("wuyi.toml", None, "is installed already"),
        ("broken.toml", "[campaign\n", "not valid TOML"),
        ("typo.toml", "[campaing]\n", "unknown key"),
    ],
)
def test_a_wrong_definition_in_the_folder_is_left_out_and_refused_at_start(
    env, tmp_path, monkeypatch, caplog, name, text, says
) -> None:
    folder = _folder(tmp_path, **{"fine.toml": _renamed("好的"), name: text or _renamed("又一个")})
    monkeypatch.setenv("CAMPAIGN_CAMPAIGNS_DIR", str(folder))
    with caplog.at_level(logging.WARNING):
        found = config.installed()
    assert "fine" in found and found["wuyi"] == BUNDLED  # one bad file never hides the others
    assert Path(name).stem not in found or Path(name).stem == "wuyi"
    assert says in caplog.text
    with pytest.raises(config.ConfigError) as refused:
        config.load()
    assert says in str(refused.value) and "CAMPAIGN_CAMPAIGNS_DIR" not in says


def test_a_missing_folder_is_refused_at_start(env, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CAMPAIGN_CAMPAIGNS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(config.ConfigError) as refused:
        config.load()
    assert "no such folder of campaign definitions" in str(refused.value)
    assert list(config.installed()) == ["wuyi", "laji"]  # the bundled ones, the default first


def test_a_relative_folder_in_the_file_is_taken_from_the_files_folder(env, tmp_path, monkeypatch) -> None:
    shutil.copy(BUNDLED, _folder(tmp_path) / "again.toml")
    (tmp_path / "campaign.toml").write_text('campaigns_dir = "campaigns"\n', encoding="utf-8")
    monkeypatch.setenv(config.CONFIG_ENV, str(tmp_path / "campaign.toml"))
    assert config.settings().campaigns_dir == tmp_path / "campaigns"
    assert "again" in config.installed()
