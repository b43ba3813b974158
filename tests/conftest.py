"""Fixtures built in code: a tiny hand-checked campaign, and the bundled sample ingested once."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from campaign.intake.ingest import ingest
from campaign.intake.reader import status_files

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "data" / "sample"

# 甲区 has a roster; 乙区 sends lists only (roster-less). Hand-checked figures are in test_queries.py.
TINY_FILES = {
    "roster.csv": (
        "区,街镇,居委/村,名称,类型,户数,人口\n"
        "甲区,A镇,一居委,甲苑,小区,100,250\n"
        "甲区,A镇,一居委,乙苑,小区,200,480\n"
        "甲区,A镇,二村,1组,村民小组,30,80\n"
        "甲区,A镇,二村,2组,村民小组,40,100\n"
        "甲区,B镇,三居委,丙苑,小区,300,700\n"
        "甲区,B镇,,四村,村,500,1200\n"
    ),
    "batch1.csv": (
        "甲区第一批无疫小区名单\n"
        "区,街镇,居委/村,名称,批次,公布日期\n"
        "甲区,A镇,一居委,甲苑,第一批,2022/4/10\n"
        "甲区,A镇,二村,1组,第一批,2022/4/10\n"
        "甲区,A镇,二村,2组,第一批,2022/4/10\n"
        "甲区,B镇,,四村,第一批,2022/4/10\n"
    ),
    "revoked.csv": "区,街镇,名称,状态,公布日期\n甲区,B镇,四村,取消,2022年4月15日\n",
    "batch2.csv": (
        "区,街镇,居委/村,名称,批次,公布日期\n甲区,A镇,一居委,乙苑,2,2022-04-20\n甲区,B镇,三居委,丙苑,2,2022-04-20\n"
    ),
    "batch3.csv": "区,街镇,名称,批次,公布日期\n甲区,B镇,四村,第3批,2022-04-25\n",
    "model.csv": "区,名称,状态,公布日期\n甲区,甲苑,示范,2022-04-26\n",
    "yi.csv": (
        "区,街镇,名称,类型,轮次,公布日期\n乙区,C镇,东村,村,第一轮,2022-04-22\n乙区,C镇,西村,村,第二轮,2022-04-25\n"
    ),
}


def write_tiny(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in TINY_FILES.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    db = folder / "tiny.duckdb"
    ingest(write_tiny(folder / "files"), db)
    return db


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


# Real-browser tests: Debian's Chromium driven by Playwright; never a browser of Playwright's own.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (apt-get install -y chromium fonts-noto-cjk fonts-noto-color-emoji)"
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run under CI, but {reason}")
    pytest.skip(reason)


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate a server started by a test, killing it if it will not go."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def healthy(url: str) -> bool:
    """A Streamlit server answers ``ok`` on its health endpoint (``url``)."""
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except OSError:  # URLError is an OSError
        return False
