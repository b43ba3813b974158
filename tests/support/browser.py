"""Real-browser helpers: Debian's Chromium for Playwright (never a browser of Playwright's own), waiting for
Streamlit's run to finish, opening a page and failing on an exception it shows."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest

from campaign import i18n
from tests.support.processes import CHROMIUM

VIEWPORT = {"width": 1400, "height": 2000}  # tall: the main area scrolls inside its own container
EXCEPTION = '[data-testid="stException"]'


@contextlib.contextmanager
def new_tab(browser, **options: object) -> Iterator:
    """A tab in a browser context of its own (``options``: viewport, downloads, a phone's), closed after; it
    waits up to 30 s for what it is asked."""
    context = browser.new_context(**options)
    try:
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        yield tab
    finally:
        context.close()


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (apt-get install -y chromium fonts-noto-cjk fonts-noto-color-emoji)"
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run under CI, but {reason}")
    pytest.skip(reason)


def settle(page) -> None:
    """Wait until Streamlit has finished its current run (no "running" status widget)."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def fail_on_exception(page) -> None:
    errors = page.locator(EXCEPTION)
    if errors.count():
        pytest.fail(f"{page.url} shows an exception:\n{errors.first.inner_text()[:2000]}")


def open_page(page, url: str, expected: str, drawn: str | None = None) -> None:
    """Load ``url`` and wait for the run to finish, for ``expected`` text, and for ``drawn`` to render."""
    page.goto(url)
    settle(page)
    page.get_by_text(expected).or_(page.locator(EXCEPTION)).first.wait_for()
    settle(page)
    fail_on_exception(page)
    if drawn:
        page.locator(drawn).first.wait_for()
        if "PlotlyChart" in drawn:
            page.locator(f"{drawn} .main-svg").first.wait_for()


def metric_texts(page) -> list[str]:
    return [" ".join(m.inner_text().split()) for m in page.locator('[data-testid="stMetric"]').all()]


def log_in(page, url: str, password: str) -> None:
    """Open the data page of the server at ``url`` and log in with ``password``."""
    open_page(page, url + "/data", title("data_title"))
    page.locator('input[type="password"]').fill(password)
    page.keyboard.press("Enter")


def title(key: str, lang: str = "zh") -> str:
    return i18n.t(key, lang)
