"""Fixtures built in code: a tiny hand-checked campaign, and the bundled sample ingested once."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.intake.ingest import ingest
from campaign.intake.reader import status_files
from tests.support import SAMPLE_DIR
from tests.support.browser import CHROMIUM, require_chromium
from tests.support.files import ingested, write_tiny
from tests.support.processes import CHROMIUM_ARGS


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory) -> Path:
    return ingested(tmp_path_factory.mktemp("tiny"), write_tiny)


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "campaign.duckdb"
    ingest(status_files(SAMPLE_DIR), db, who="sample")
    return db


@pytest.fixture
def app_mode(monkeypatch) -> None:
    """Keep Streamlit in st.navigation's mode across AppTest runs, as a server does.

    AppTest resets Streamlit's pages-folder flag before every run, and with the flag on it reruns a page
    without dashboard.py (no sidebar, no context). A server keeps the flag off once dashboard.py has
    turned it off (see there).
    """
    from streamlit.runtime.pages_manager import PagesManager

    from campaign.app import pages_folder

    monkeypatch.setattr(PagesManager, "__init__", pages_folder.staying_off(PagesManager.__init__))


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
