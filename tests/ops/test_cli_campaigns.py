"""``--campaign KEY`` on the ``campaign`` command: each campaign's own snapshot (the default's where it always was),
its own words for its files, and an unknown key refused naming the installed ones."""

from __future__ import annotations

import json

import pytest

from campaign import config
from campaign.definition import definition
from campaign.intake.reader import status_files
from campaign.ops.cli import main
from tests.support import SAMPLE_DIR

LAJI_SAMPLE = SAMPLE_DIR / "laji"


@pytest.mark.parametrize("command", ["ingest", "summary", "history", "rollback", "health", "brief", "sample"])
def test_an_unknown_campaign_is_refused_naming_the_installed_ones(data, capsys, command) -> None:
    extra = {"ingest": ["x.csv"], "rollback": ["some-id"], "brief": ["out.pdf"], "sample": ["out"]}.get(command, [])
    assert main([command, "--campaign", "lajj", *extra]) == 2
    err = capsys.readouterr().err
    assert "lajj" in err and "wuyi" in err and "laji" in err
    assert not data.exists()


def test_a_second_campaign_loads_into_its_own_snapshot_with_its_own_words(data, capsys) -> None:
    files = [str(p) for p in status_files(LAJI_SAMPLE)]
    assert main(["ingest", "--campaign", "laji", *files]) == 0
    out = capsys.readouterr().out
    assert f"已发布 (published): {data / 'laji' / 'campaign.duckdb'}" in out
    assert "已达标 +19，复查不合格 +1，示范 +1" in out  # the campaign's words for its statuses
    assert not (data / "campaign.duckdb").exists()  # the default campaign's snapshot is untouched
    assert main(["summary", "--campaign", "laji", "--format", "json"]) == 0
    rows = {(r["district"], r["kind"]): r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == {("金山区", "compound"), ("金山区", "village"), ("崇明区", "compound"), ("崇明区", "village")}
    assert (rows["金山区", "compound"]["created"], rows["金山区", "compound"]["total"]) == (11, 15)
    assert main(["summary"]) == 2  # the default campaign has no data yet
    assert "no database yet" in capsys.readouterr().err
    # the same files read with the default campaign's words are refused: 达标 is no word of it
    assert main(["ingest", *files]) == 1
    assert "达标" in capsys.readouterr().err and not (data / "campaign.duckdb").exists()
    assert main(["history", "--campaign", "laji"]) == 0
    assert str(data / "laji" / "campaign.duckdb") in capsys.readouterr().out
    assert main(["health", "--campaign", "laji", "--stale", "off"]) == 0
    assert str(data / "laji" / "campaign.duckdb") in capsys.readouterr().out
    assert main(["rollback", "--campaign", "laji", "no-such-snapshot"]) == 1


def test_a_kind_the_campaign_has_not_is_refused(data, capsys) -> None:
    assert main(["ingest", "--campaign", "laji", "--kind", "village_group", str(LAJI_SAMPLE / "金山区_名册.csv")]) == 2
    assert "compound、village" in capsys.readouterr().err


def test_the_bundled_second_sample_is_what_its_generator_writes(tmp_path, capsys) -> None:
    assert main(["sample", "--campaign", "laji", str(tmp_path / "laji")]) == 0
    written = sorted(p.name for p in (tmp_path / "laji").iterdir())
    assert written == sorted(p.name for p in LAJI_SAMPLE.iterdir())
    for name in written:
        assert (tmp_path / "laji" / name).read_bytes() == (LAJI_SAMPLE / name).read_bytes(), name
    readme = (LAJI_SAMPLE / "README.md").read_text(encoding="utf-8")
    assert "全部为合成数据" in readme and "Everything here is synthetic" in readme
    laji = definition(config.campaign("laji").definition.path)
    assert laji.name.zh == "垃圾分类达标小区"
    # its status words map onto the snapshot's statuses as docs/campaigns.md says
    assert {s.key: s.words[0] for s in laji.statuses} == {
        "created": "达标",
        "revoked": "复查不合格",
        "model": "示范",
        "applied": "申报",
    }
