"""The quick start (`streamlit run dashboard.py` with the shipped .streamlit/config.toml) and `campaign serve`
contact no host but this machine: at start, on a page's first run, and for a websocket opened from another origin.

Each server runs with an audit hook (sitecustomize.py on PYTHONPATH) that writes down every address the process
resolves, connects or sends to; the test then requires each to be this machine. It runs on any network: nothing
has to fail for the hook to see the attempt."""

from __future__ import annotations

import base64
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.intake.ingest import ingest
from campaign.intake.reader import status_files
from tests.support import ROOT
from tests.support.browser import CHROMIUM
from tests.support.processes import CHROMIUM_ARGS, free_port, stop
from tests.support.servers import wait_started

# every name looked up, address connected or sent to, by any Python code of the server process
AUDIT_HOOK = """
import os, sys
_out = open(os.environ["CAMPAIGN_TEST_NET_LOG"], "a", buffering=1)
def _hook(event, args):
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"):
        _out.write(f"{event}\\t{args[0]!r}\\n")
    elif event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        _out.write(f"{event}\\t{args[1]!r}\\n")
sys.addaudithook(_hook)
"""
LOCAL = ("127.", "::1", "localhost", "0.0.0.0", "::")


def outside(log: Path) -> list[str]:
    """The lines of ``log`` naming anything but this machine (a socket file path is this machine too)."""
    found = []
    for line in log.read_text().splitlines() if log.exists() else []:
        event, target = line.split("\t", 1)
        value = eval(target, {})  # noqa: S307  (written by the hook above: a repr of a str, bytes or tuple)
        host = value[0] if isinstance(value, tuple) else value
        if isinstance(host, bytes):
            host = host.decode(errors="replace")
        if host is None or (isinstance(host, str) and (host.startswith(LOCAL) or host.startswith("/"))):
            continue
        found.append(line)
    return found


@contextlib.contextmanager
def started(tmp_path: Path, command: list[str], env: dict[str, str], port: int) -> Iterator[tuple[Path, Path]]:
    """``command`` run from the app folder with the audit hook; yields (its network log, its output log)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(AUDIT_HOOK)
    net_log, out_log = tmp_path / "net.log", tmp_path / "out.log"
    full_env = {
        **os.environ,
        **env,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")])),
        "CAMPAIGN_TEST_NET_LOG": str(net_log),
    }
    with open(out_log, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_started(proc, port, out_log)
        yield net_log, out_log
    finally:
        stop(proc)


def cross_origin_websocket(port: int) -> bytes:
    """Open the app's websocket as a page of another site would (its Origin is not this server): Streamlit checks
    such an origin against this machine's addresses. Returns the first bytes of the answer."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://intranet-portal.example\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        try:
            return sock.recv(200)
        except OSError:
            return b""


def first_page_run(browser, port: int) -> None:
    """A browser session on the server: dashboard.py runs once, and with it the app's own code."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
    finally:
        context.close()


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("offline")
    ingest(status_files(ROOT / "data" / "sample"), folder / "campaign.duckdb", who="sample")
    return folder


def test_quick_start_contacts_no_outside_host(tmp_path, sample_folder):
    """`streamlit run dashboard.py` as the README's quick start gives it: no address, no flags but the port. At
    start (the shipped config); then, once a first visitor has run the app, for a websocket from another origin."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    env = {"CAMPAIGN_DB": str(sample_folder / "campaign.duckdb")}
    with started(tmp_path, command, env, port) as (net_log, out_log):
        time.sleep(2)  # what the start looks up is done by then (Streamlit prints its URLs as it starts)
        printed = out_log.read_text(errors="replace")
        assert "Did not auto detect external IP" not in printed, printed
        assert "External URL" not in printed and "Network URL" not in printed, printed
        assert outside(net_log) == [], outside(net_log)

        if not CHROMIUM.exists():
            return  # the rest needs a browser session (the test suite under CI always has one)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                first_page_run(browser, port)
            finally:
                browser.close()
        assert cross_origin_websocket(port), "the server answered the websocket request"
        time.sleep(1)
        printed = out_log.read_text(errors="replace")
        assert "Did not auto detect external IP" not in printed, printed
        assert "External URL" not in printed and "Network URL" not in printed, printed
        assert outside(net_log) == [], outside(net_log)


def test_campaign_serve_on_every_interface_contacts_no_outside_host(tmp_path, sample_folder):
    """`campaign serve` on 0.0.0.0 (the LAN set-up): Streamlit's wildcard address is the case that looks itself up;
    and a websocket from another origin after the app has run once."""
    port, health_port = free_port(), free_port()
    command = [sys.executable, "-m", "campaign", "serve", "--port", str(port), "--health-port", str(health_port)]
    env = {"CAMPAIGN_DB": str(sample_folder / "campaign.duckdb"), "CAMPAIGN_ADDRESS": "0.0.0.0"}
    with started(tmp_path, command, env, port) as (net_log, out_log):
        time.sleep(2)
        assert cross_origin_websocket(port), "the server answered the websocket request"
        time.sleep(1)
        printed = out_log.read_text(errors="replace")
        assert "Did not auto detect external IP" not in printed, printed
        assert outside(net_log) == [], outside(net_log)
