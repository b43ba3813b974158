"""An ingest reads its files with the chosen campaign's words (campaign.intake.ingest, ``campaign=``), not always the
bundled campaign's: a campaign no code mentions loads its files into its own snapshot, and the bundled one refuses
the same files naming its own words."""

from __future__ import annotations

import pytest

from campaign.answers import queries
from campaign.definition import active, definition
from campaign.intake import ingest as ingest_module
from campaign.intake.ingest import ingest
from campaign.intake.problems import IngestRefused
from tests.support.campaigns import PINGAN_CERTIFIED, PINGAN_UNITS, write_pingan, write_pingan_files


@pytest.mark.parametrize("chunks", [False, True], ids=["one pass", "a group of districts at a time"])
def test_a_campaigns_files_load_with_its_own_words(tmp_path, monkeypatch, chunks) -> None:
    if chunks:  # the groups are read in a worker thread: the campaign must go with them
        monkeypatch.setattr(ingest_module, "CHUNK_BYTES", 1)
    pingan = definition(write_pingan(tmp_path / "campaigns"))
    paths = write_pingan_files(tmp_path / "files")
    db = tmp_path / "pingan.duckdb"
    report = ingest(paths, db, who="test", campaign=pingan)
    assert report.changed and active().key == "wuyi"  # the campaign was active for the run only
    units = queries.run("units", db=db, status=None).to_dicts()
    kinds = {u["name"]: u["kind"] for u in units}
    estates = dict.fromkeys(("科创园区", "智造园区"), "estate")
    assert kinds == dict.fromkeys(("和苑", "顺苑", "安苑"), "compound") | estates
    status = {u["name"]: u["status"] for u in units}
    assert status["顺苑"] == "revoked" and status["安苑"] == "not_created" and status["和苑"] == "created"
    glance = queries.run("district_glance", db=db).row(0, named=True)
    assert (glance["created"], glance["total"]) == (PINGAN_CERTIFIED, PINGAN_UNITS)


def test_the_bundled_campaign_refuses_another_campaigns_words(tmp_path) -> None:
    with pytest.raises(IngestRefused) as refused:
        ingest(write_pingan_files(tmp_path / "files"), tmp_path / "wuyi.duckdb", who="test")
    said = str(refused.value)
    assert "园区" in said and "挂牌" in said and "已创建" in said  # the unknown words, with the bundled ones listed
    assert not (tmp_path / "wuyi.duckdb").exists()
