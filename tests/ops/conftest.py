"""Fixtures of the operations' tests."""

from __future__ import annotations

import pytest

from campaign import config


@pytest.fixture
def data(tmp_path, monkeypatch):
    """The data folder of a fresh install: the default campaign's snapshot in it, the bundled campaigns only."""
    config.clear_cache()
    monkeypatch.setenv("CAMPAIGN_DB", str(tmp_path / "data" / "campaign.duckdb"))
    monkeypatch.delenv("CAMPAIGN_CAMPAIGNS_DIR", raising=False)
    yield tmp_path / "data"
    config.clear_cache()
