"""Health and start-up over every installed campaign: ``campaign health`` (and ``campaign serve``'s /health) check each
campaign's snapshot, naming a campaign whose snapshot is missing, stale or damaged; ``campaign serve`` logs a damaged
one at start naming it; ``build-scale`` refuses a campaign other than the one its generator makes."""

from __future__ import annotations

import json

import pytest

from campaign.intake.reader import status_files
from campaign.ops import health, serve
from campaign.ops.cli import main
from tests.support import SAMPLE_DIR
from tests.support.files import damage

LAJI = "垃圾分类达标小区 (laji)"


def _health(capsys, *args: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["health", "--stale", "off", *args])
    return code, json.loads(capsys.readouterr().out)


def _load(campaign: str, folder) -> None:
    assert main(["ingest", "--campaign", campaign, *(str(p) for p in status_files(folder))]) == 0


def test_health_checks_every_installed_campaign_naming_each(data, capsys) -> None:
    _load("wuyi", SAMPLE_DIR)
    code, body = _health(capsys)
    # the second campaign has no snapshot yet: said, naming it, and not held against the whole
    assert code == 0 and body["status"] == "ok"
    assert body["campaigns"]["wuyi"]["status"] == "ok" and body["campaigns"]["laji"]["status"] == "empty"
    assert [p for p in body["problems"] if p.startswith(LAJI) and "尚无快照" in p and "no snapshot yet" in p]

    _load("laji", SAMPLE_DIR / "laji")
    code, body = _health(capsys)
    assert code == 0 and body["problems"] == [] and body["campaigns"]["laji"]["status"] == "ok"
    assert body["campaigns"]["laji"]["database"] == str(data / "laji" / "campaign.duckdb")

    damage(data / "laji" / "campaign.duckdb", "zeroed")  # the default campaign stays fine
    code, body = _health(capsys)
    assert code == 2 and body["status"] == "no-data" and body["campaigns"]["wuyi"]["status"] == "ok"
    (said,) = body["problems"]
    assert said.startswith(LAJI) and "快照无法读取" in said and "cannot be read" in said
    # one campaign's own check, as before
    assert _health(capsys, "--campaign", "wuyi")[0] == 0 and "campaigns" not in _health(capsys, "--campaign", "wuyi")[1]


def test_a_stale_campaign_makes_the_whole_stale_naming_it(data, capsys, monkeypatch) -> None:
    _load("wuyi", SAMPLE_DIR)
    _load("laji", SAMPLE_DIR / "laji")
    real = health.snapshot

    def laji_old(db, stale_after, now=None):
        info = real(db, stale_after, now)
        if "laji" in str(db):  # its last ingest two days ago
            info["stale"] = True
        return info

    monkeypatch.setattr(health, "snapshot", laji_old)
    status, body = health.check_all(data / "campaign.duckdb", None)
    assert status == "stale" and health.EXIT[status] == 1
    assert [p for p in body["problems"] if p.startswith(LAJI) and "数据已过期" in p and "no new data since" in p]


def test_serve_logs_a_damaged_campaign_at_start_naming_it(data, caplog) -> None:
    _load("laji", SAMPLE_DIR / "laji")
    damage(data / "laji" / "campaign.duckdb", "zeroed")
    with caplog.at_level("ERROR", logger="campaign"):
        serve.check_snapshots(data / "campaign.duckdb")  # the default one has no snapshot: nothing to say of it
    said = [r.getMessage() for r in caplog.records if r.name == "campaign.ops.serve"]
    assert said and all(m.startswith(LAJI + ": ") for m in said), said


@pytest.mark.parametrize("key", ["laji"])
def test_build_scale_refuses_another_campaign_saying_why(data, capsys, key) -> None:
    assert main(["build-scale", "tiny", "--db", str(data / "x.duckdb"), "--campaign", key]) == 2
    err = capsys.readouterr().err
    assert "只生成无疫小区活动" in err and "generates the wuyi campaign only" in err
    assert f"campaign sample --campaign {key}" in err
    assert not (data / "x.duckdb").exists()
    assert main(["sample", "--scale", "tiny", "--campaign", key, str(data / "out")]) == 2
    assert "--scale" in capsys.readouterr().err
