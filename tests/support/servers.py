"""Processes a test starts: the CLI, a free port, stopping a process, the dashboard on a free port, nginx in front."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from campaign.intake.ingest import ingest
from campaign.intake.reader import status_files
from tests.support import DEPLOY, ROOT, SAMPLE_DIR
from tests.support.processes import LOCAL_HOSTS, free_port, stop


def run_cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """``campaign ARGS`` as an operator runs it: a process of its own, its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "campaign", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=timeout,
    )


def off_machine(requests: list[str]) -> list[str]:
    """The URLs of ``requests`` that go to another host than this machine (data: and blob: stay here)."""
    return [
        u for u in requests if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname not in LOCAL_HOSTS
    ]


def healthy(url: str) -> bool:
    """A Streamlit server answers ``ok`` on its health endpoint (``url``)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except OSError:  # URLError is an OSError
        return False


def wait_started(proc: subprocess.Popen, port: int, log: Path, seconds: float = 90) -> None:
    """Wait until the server ``proc`` on ``port`` is healthy; fail with the end of its ``log`` if it exits or
    takes longer than ``seconds``."""
    deadline = time.monotonic() + seconds
    while not healthy(f"http://127.0.0.1:{port}/_stcore/health"):
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"server did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.25)


@contextlib.contextmanager
def running_dashboard(folder: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """The dashboard on a free port, reading a database built from data/sample; yields the base URL."""
    db = folder / "campaign.duckdb"
    if not db.exists():
        ingest(status_files(SAMPLE_DIR), db, who="sample")
    port = free_port()
    log_path = folder / f"streamlit-{port}.log"
    env = {**os.environ, "CAMPAIGN_DB": str(db), **(extra_env or {})}
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py"]
    command += ["--server.port", str(port), "--server.headless", "true"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not healthy(f"http://127.0.0.1:{port}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                state = f"exited with {proc.returncode}" if proc.poll() is not None else "not healthy after 60 s"
                pytest.fail(f"streamlit {state}:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.25)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def require(what: str, present: bool, install: str) -> None:
    if present:
        return
    reason = f"{what} is missing ({install})"
    if os.environ.get("CI"):
        pytest.fail(f"deployment tests must run under CI, but {reason}")
    pytest.skip(reason)


def get(url: str, timeout: float = 3) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


def wait_until(check, what: str, proc: subprocess.Popen | None = None, log: Path | None = None, timeout=60):
    deadline = time.monotonic() + timeout
    while not check():
        if (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            pytest.fail(f"{what}: {'exited' if proc is not None and proc.poll() is not None else 'timed out'}\n{tail}")
        time.sleep(0.25)


def nginx_conf(folder: Path, listen: int, backends: list[int]) -> Path:
    """The shipped site config with these ports, inside a main config that keeps everything in ``folder``."""
    site = (DEPLOY / "nginx-campaign.conf").read_text()
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+ .*$", site, re.M)
    assert len(servers) == 2, servers
    lines = "\n".join(servers[0].replace("8501", str(port)) for port in backends)
    site = site.replace(servers[0] + "\n" + servers[1], lines)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    (folder / "campaign.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
{temp}
    log_format route '$campaign_route $upstream_addr $status "$request_uri"';
    access_log {folder / "access.log"} route;
    include {folder / "campaign.conf"};
}}
"""
    path = folder / "nginx.conf"
    path.write_text(main)
    return path


@contextlib.contextmanager
def running_nginx(folder: Path, backends: list[int]) -> Iterator[str]:
    nginx = nginx_binary()
    listen = free_port()
    conf = nginx_conf(folder, listen, backends)
    proc = subprocess.Popen(
        [nginx, "-p", str(folder), "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until(
            lambda: get(f"http://127.0.0.1:{listen}/_stcore/health")[0] == 200, "nginx", proc, folder / "error.log"
        )
        yield f"http://127.0.0.1:{listen}"
    finally:
        stop(proc)
