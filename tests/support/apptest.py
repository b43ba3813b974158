"""The dashboard in Streamlit's AppTest, and the data page with chosen uploads (AppTest cannot upload)."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from campaign.intake import uploads
from tests.support import ROOT


def dashboard_app(timeout: float = 60) -> AppTest:
    """dashboard.py in AppTest, by its absolute path (a relative one is taken from the calling file)."""
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)


def opened(db, monkeypatch, page: str | None = None) -> AppTest:
    """The dashboard on ``db``, run and, given ``page``, switched to it, having raised nothing."""
    monkeypatch.setenv("CAMPAIGN_DB", str(db))
    at = dashboard_app()
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


class Upload:
    """What st.file_uploader returns for one file."""

    def __init__(self, name: str, data: bytes):
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


def data_page_with(tmp_path, monkeypatch, chosen: list[Upload]) -> AppTest:
    """The data page, logged in, with ``chosen`` in its uploader (AppTest cannot upload)."""
    monkeypatch.setenv("CAMPAIGN_DB", str(tmp_path / "c.duckdb"))
    monkeypatch.setenv(uploads.PASSWORD_ENV, "pw-for-tests")
    real = st.file_uploader

    def uploader(label, *args, **kwargs):
        real(label, *args, **kwargs)
        return chosen if str(kwargs.get("key", "")).startswith("data_files") else None

    monkeypatch.setattr(st, "file_uploader", uploader)
    at = dashboard_app()
    at.run()
    at.switch_page("pages/data.py").run()
    at.text_input(key="data_password").input("pw-for-tests").run()
    return at
