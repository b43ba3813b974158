"""Configuration: one TOML file and CAMPAIGN_* variables (these win); wrong values refused at start."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign import config
from campaign.intake import uploads
from campaign.ops import cli
from campaign.snapshot import store
from tests.support import ROOT

VARIABLES = [config.CONFIG_ENV, *config.ENV.values()]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    config.clear_cache()


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_file_or_environment():
    settings = config.load({})
    assert settings.file is None or settings.file == config.DEFAULT_FILE
    assert (settings.port, settings.address, settings.health_port) == (8501, "127.0.0.1", 9501)
    assert settings.db == (ROOT / "data" / "campaign.duckdb")
    assert settings.admin_password is None
    assert settings.refresh == 60.0
    assert settings.stale == dt.timedelta(hours=24)
    assert (settings.language, settings.keep_snapshots, settings.max_upload_mb) == ("zh", 10, 50.0)


def test_every_key_from_the_file_and_relative_paths_from_its_folder(tmp_path):
    path = write_config(
        tmp_path,
        'port = 8600\naddress = "0.0.0.0"\nhealth_port = 9700\ndata_dir = "var"\n'
        'admin_password = "correct horse"\nrefresh = "5m"\nstale = "2d"\nlanguage = "en"\n'
        "keep_snapshots = 3\nmax_upload_mb = 20\n",
    )
    settings = config.load({config.CONFIG_ENV: str(path)})
    assert settings.file == path
    assert (settings.port, settings.address, settings.health_port) == (8600, "0.0.0.0", 9700)
    assert settings.db == tmp_path / "var" / "campaign.duckdb"
    assert settings.data_dir == tmp_path / "var"
    assert settings.admin_password == "correct horse"
    assert settings.refresh == 300.0
    assert settings.stale == dt.timedelta(days=2)
    assert (settings.language, settings.keep_snapshots, settings.max_upload_mb) == ("en", 3, 20.0)
    assert "correct horse" not in json.dumps(settings.public())


def test_environment_wins_over_the_file(tmp_path):
    path = write_config(tmp_path, 'port = 8600\nlanguage = "en"\ndb = "file.duckdb"\nstale = "2d"\n')
    env = {
        config.CONFIG_ENV: str(path),
        "CAMPAIGN_PORT": "8700",
        "CAMPAIGN_LANG": "zh",
        "CAMPAIGN_DATA_DIR": str(tmp_path / "env"),
        "CAMPAIGN_STALE": "off",
    }
    settings = config.load(env)
    assert (settings.port, settings.health_port, settings.language) == (8700, 9700, "zh")
    assert settings.db == tmp_path / "env" / "campaign.duckdb"
    assert settings.stale is None
    assert config.default_db(env) == tmp_path / "env" / "campaign.duckdb"
    env["CAMPAIGN_DB"] = str(tmp_path / "exact.duckdb")
    assert config.load(env).db == tmp_path / "exact.duckdb"
    assert config.default_db(env) == tmp_path / "exact.duckdb"


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("CAMPAIGN_PORT", "http", "CAMPAIGN_PORT = 'http'"),
        ("CAMPAIGN_PORT", "70000", "1–65535"),
        ("CAMPAIGN_PORT", "0", "1–65535"),
        ("CAMPAIGN_HEALTH_PORT", "-1", "0–65535"),
        ("CAMPAIGN_HEALTH_PORT", "8501", "port of its own"),
        ("CAMPAIGN_ADDRESS", "every interface", "IP address"),
        ("CAMPAIGN_ADMIN_PASSWORD", "short", "8 characters"),
        ("CAMPAIGN_REFRESH", "1", "between 2 seconds and a day"),
        ("CAMPAIGN_REFRESH", "often", "between 2 seconds and a day"),
        ("CAMPAIGN_STALE", "soon", "a duration"),
        ("CAMPAIGN_LANG", "fr", "zh or en"),
        ("CAMPAIGN_KEEP_SNAPSHOTS", "-1", "0 or more"),
        ("CAMPAIGN_KEEP_SNAPSHOTS", "ten", "0 or more"),
        ("CAMPAIGN_MAX_UPLOAD_MB", "0", "above 0"),
        ("CAMPAIGN_MAX_UPLOAD_MB", "lots", "above 0"),
    ],
)
def test_each_wrong_environment_value_is_refused_with_a_clear_message(variable, value, says):
    with pytest.raises(config.ConfigError) as refused:
        config.load({variable: value})
    assert len(refused.value.problems) == 1, refused.value.problems
    assert says in refused.value.problems[0]
    assert variable in refused.value.problems[0]
    assert "configuration refused" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("port = 8501.5\n", "1–65535"),
        ('port = "8501"\n', None),  # a quoted number is accepted
        ("language = 1\n", "zh or en"),
        ("db = 42\n", "a path"),
        ("keep_snapshots = true\n", "0 or more"),
        ("admin_password = 12345678\n", "must be a string"),
        ("prot = 8501\n", "unknown keys) prot"),
        ("port = \n", "not valid TOML"),
    ],
)
def test_each_wrong_file_value_is_refused(tmp_path, text, says):
    env = {config.CONFIG_ENV: str(write_config(tmp_path, text))}
    if says is None:
        assert config.load(env).port == 8501
        return
    with pytest.raises(config.ConfigError) as refused:
        config.load(env)
    assert says in str(refused.value)
    assert str(tmp_path / "campaign.toml") in str(refused.value)


def test_every_problem_is_listed_at_once():
    with pytest.raises(config.ConfigError) as refused:
        config.load({"CAMPAIGN_PORT": "x", "CAMPAIGN_LANG": "fr", "CAMPAIGN_STALE": "x"})
    assert len(refused.value.problems) == 3


def test_a_missing_config_file_is_refused(tmp_path):
    with pytest.raises(config.ConfigError, match="config file not found"):
        config.load({config.CONFIG_ENV: str(tmp_path / "nowhere.toml")})


def test_a_data_folder_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "plain").write_text("x")
    with pytest.raises(config.ConfigError, match="not a folder"):
        config.load({"CAMPAIGN_DATA_DIR": str(tmp_path / "plain")})


def test_the_library_reads_the_file_where_it_read_the_environment(tmp_path, monkeypatch):
    path = write_config(
        tmp_path, 'data_dir = "d"\nadmin_password = "from the file"\nkeep_snapshots = 4\nmax_upload_mb = 2\n'
    )
    monkeypatch.setenv(config.CONFIG_ENV, str(path))
    assert store.default_db() == tmp_path / "d" / "campaign.duckdb"
    assert uploads.admin_password() == "from the file"
    assert store.keep_count() == 4
    assert uploads.max_upload_bytes() == 2 * 1024 * 1024
    # the environment still wins, exactly as before
    monkeypatch.setenv("CAMPAIGN_DB", str(tmp_path / "env.duckdb"))
    monkeypatch.setenv("CAMPAIGN_ADMIN_PASSWORD", "from env")
    monkeypatch.setenv("CAMPAIGN_KEEP_SNAPSHOTS", "7")
    monkeypatch.setenv("CAMPAIGN_MAX_UPLOAD_MB", "3")
    assert store.default_db() == tmp_path / "env.duckdb"
    assert uploads.admin_password() == "from env"
    assert store.keep_count() == 7
    assert uploads.max_upload_bytes() == 3 * 1024 * 1024


def test_a_broken_file_never_breaks_the_library_lookups(tmp_path, monkeypatch):
    monkeypatch.setenv(config.CONFIG_ENV, str(write_config(tmp_path, "port = \n")))
    assert store.default_db() == ROOT / "data" / "campaign.duckdb"
    assert store.keep_count() == store.KEEP_DEFAULT
    assert uploads.admin_password() is None


def test_serve_check_prints_the_settings(tmp_path, capsys):
    path = write_config(tmp_path, f'data_dir = "{tmp_path / "data"}"\nadmin_password = "long enough"\n')
    assert cli.main(["serve", "--check", "--config", str(path), "--port", "8600"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["port"] == 8600 and shown["health_port"] == 9600
    assert shown["db"] == str(tmp_path / "data" / "campaign.duckdb")
    assert shown["admin_password"] == "(set)"


def test_serve_refuses_wrong_values_before_starting_as_a_process(tmp_path):
    path = write_config(tmp_path, 'language = "fr"\nport = 99999\n')
    env = {"PATH": "/usr/bin:/bin", config.CONFIG_ENV: str(path)}
    done = subprocess.run(
        [sys.executable, "-m", "campaign", "serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "configuration refused" in done.stderr
    assert "zh or en" in done.stderr and "1–65535" in done.stderr
    assert "Streamlit" not in done.stdout


def test_durations():
    assert [config.duration(v) for v in ("90", "90s", "10m", "24h", "2d", 5, "1.5h")] == [
        90,
        90,
        600,
        86400,
        172800,
        5,
        5400,
    ]
    assert config.duration("soon") is None and config.duration(True) is None


def test_one_duration_reads_alike_in_the_settings_and_the_screens_url():
    """``stale`` = 36 is 36 hours in campaign.toml, in CAMPAIGN_STALE and in /screen?stale=36 (it was 36 seconds in
    the settings); how-often values without a unit stay seconds."""
    from campaign.answers import screen

    assert config.duration("36", bare="h") == config.duration("36h") == 36 * 3600
    assert config.duration(90) == config.duration("1.5m") == config.duration("1.5min") == 90
    assert config.duration("2d") == 2 * 86400 and config.duration("soon") is None
    settings = config.load({"CAMPAIGN_STALE": "36"})
    shown, notes = screen.parse({"stale": "36"})
    assert settings.stale == shown.stale_after == dt.timedelta(hours=36) and not notes
    assert screen.parse({"rotate": "90"})[0].rotate == 90 == config.duration("90")


def test_the_settings_handed_to_a_child_read_back_the_same():
    """``campaign serve`` hands its settings on as environment variables: a stale limit keeps its unit."""
    settings = config.load({"CAMPAIGN_STALE": "36", "CAMPAIGN_REFRESH": "90"})
    again = config.load(
        {k: v for k, v in settings.environment().items() if k in ("CAMPAIGN_STALE", "CAMPAIGN_REFRESH")}
    )
    assert again.stale == settings.stale == dt.timedelta(hours=36) and again.refresh == settings.refresh == 90


def test_settings_never_raise_read_once_and_say_once_what_they_cannot_use(tmp_path, monkeypatch, caplog):
    """What every module asks while running: a wrong value is its default, logged once (never a password), and a
    changed variable or file is seen on the next call."""
    monkeypatch.setenv("CAMPAIGN_REFRESH", "often")
    monkeypatch.setenv("CAMPAIGN_PORT", "http")
    monkeypatch.setenv("CAMPAIGN_ADMIN_PASSWORD", "tiny-pw")
    first = config.settings()
    assert (first.refresh, first.port, first.admin_password) == (60.0, 8501, None) and first.password_too_short
    assert config.settings() is first  # remembered
    said = [r.getMessage() for r in caplog.records]
    assert sum("'often'" in m for m in said) == 1 and sum("'http'" in m for m in said) == 1
    assert "tiny-pw" not in caplog.text
    monkeypatch.setenv("CAMPAIGN_REFRESH", "5m")
    assert config.settings().refresh == 300.0 and config.settings().port == 8501
    path = write_config(tmp_path, 'language = "en"\nkeep_snapshots = 3\n')
    monkeypatch.setenv(config.CONFIG_ENV, str(path))
    assert (config.settings().language, config.settings().keep_snapshots) == ("en", 3)
    path.write_text('language = "fr"\nkeep_snapshots = 4\n', encoding="utf-8")
    later = path.stat().st_mtime_ns + 10**9
    os.utime(path, ns=(later, later))
    assert (config.settings().language, config.settings().keep_snapshots) == ("zh", 4)
    assert "language = 'fr'" in caplog.text


def test_one_list_of_languages_and_the_defaults_only_in_settings():
    from campaign import i18n
    from campaign.answers import screen
    from campaign.intake import limits

    assert config.LANGUAGES is i18n.LANGS and screen.LANGS is i18n.LANGS
    built_in = config.Settings()
    assert screen.Defaults() == screen.Defaults(built_in.refresh, built_in.stale, built_in.language)
    assert config.Settings.keep_snapshots == store.KEEP_DEFAULT == 10
    assert limits.Limits is config.FileLimits and config.settings({}).limits == config.FileLimits()


def test_the_briefs_font_and_the_ingest_logs_user_are_settings_too(tmp_path, monkeypatch):
    """Read by the brief and the ingest log through ``settings()``, like every other value: from the file (a font
    path relative to its folder) or the environment (which wins), handed on to a child unchanged."""
    path = write_config(tmp_path, 'cjk_font = "fonts/黑体.ttc"\nuser = "区防控办"\n')
    settings = config.load({config.CONFIG_ENV: str(path)})
    assert (settings.cjk_font, settings.user) == (tmp_path / "fonts" / "黑体.ttc", "区防控办")
    again = config.load(settings.environment())
    assert (again.cjk_font, again.user) == (settings.cjk_font, settings.user)
    env = {config.CONFIG_ENV: str(path), "CAMPAIGN_USER": "张三", "CAMPAIGN_CJK_FONT": "/opt/f.otf"}
    assert (config.load(env).user, config.load(env).cjk_font) == ("张三", Path("/opt/f.otf"))
    assert config.load({}).user is None and config.load({}).cjk_font is None
    with pytest.raises(config.ConfigError, match="user"):
        config.load({config.CONFIG_ENV: str(write_config(tmp_path, "user = 3\n"))})
    from campaign.intake import audit

    monkeypatch.setenv("CAMPAIGN_USER", "李四")
    assert audit.current_user() == "李四"
