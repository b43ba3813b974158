"""Streamlit's old pages-folder mode, handled here and nowhere else.

The layout users asked for keeps a folder named pages/ beside dashboard.py. Streamlit takes such a folder
for its old multipage mode until the first run of dashboard.py leaves it (``PagesManager`` sets a class
flag once per process, when the first session starts): a fresh server's first run would list the folder's
file names in the sidebar, give the sidebar's widgets other ids than every later run (dropping the user's
first change), and serve a page's own URL without dashboard.py. `.streamlit/config.toml` starts with the
sidebar's page list off, so that first run draws no file names; :func:`leave` turns the app's own menu on
and leaves the mode; a page run without dashboard.py runs again through it (:func:`run_through_dashboard`).
AppTest resets the flag before every run: :func:`staying_off` keeps it off there, as a server does.
Tests: tests/app/test_pages_folder.py, tests/app/test_first_frame.py, test_browser's first visitor.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def on() -> bool:
    return bool(PagesManager.uses_pages_directory)


def leave() -> None:
    """dashboard.py, before any widget: the app's menu on, the mode off; a run begun in the mode starts again."""
    st.set_option("client.showSidebarNavigation", True)
    if on():
        run_through_dashboard()


def run_through_dashboard() -> None:
    """A page that ran without dashboard.py (served in the mode): leave the mode and run again, through it."""
    PagesManager.uses_pages_directory = False
    st.rerun()


def staying_off(init: Callable[..., None]) -> Callable[..., None]:
    """``PagesManager.__init__`` that leaves the mode off (for AppTest, which resets the flag before each run)."""

    def wrapped(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    return wrapped
