"""Deployment: `campaign serve` and its health endpoint, nginx in front of two processes, the offline bundle.

The two-process test starts two `campaign serve` processes on loopback and Debian's nginx with the
shipped deploy/nginx-campaign.conf (ports rewritten), opens browser sessions through nginx, publishes
a new snapshot and sees both processes serve it, then stops one and sees new sessions go to the other.
Without nginx or Chromium it is skipped, except under CI (`CI` set), where it must run.

The offline-bundle test builds the bundle (~200 MB of wheels, from uv's cache when it has them) and
installs it with the package index unreachable: a few minutes; CAMPAIGN_SKIP_BUNDLE=1 skips it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.intake.ingest import ingest
from campaign.intake.reader import status_files
from tests.support import ARTIFACTS, DEPLOY, ROOT
from tests.support.browser import CHROMIUM, settle
from tests.support.processes import CHROMIUM_ARGS, free_port, stop
from tests.support.servers import get, nginx_binary, nginx_conf, require, run_cli, running_nginx, wait_until

pytestmark = pytest.mark.slow

BEFORE, AFTER = "已创建 393 / 393", "已创建 392 / 393"  # Jinshan's compounds, before and after a revocation
REVOCATION = "区,街镇,居委/村,名称,状态,公布日期\n金山区,山阳镇,海欣居民区,海皓馨苑,取消,2022-05-30\n"


@contextlib.contextmanager
def serving(
    folder: Path, db: Path, command: list[str] | None = None, env: dict[str, str] | None = None
) -> Iterator[tuple[int, int, subprocess.Popen, Path]]:
    """`campaign serve` on free ports; yields (port, health port, process, its log)."""
    port, health_port = free_port(), free_port()
    log = folder / f"serve-{port}.log"
    command = command or [sys.executable, "-m", "campaign"]
    args = [*command, "serve", "--port", str(port), "--health-port", str(health_port)]
    full_env = {**(os.environ if env is None else env), "CAMPAIGN_DB": str(db)}
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, cwd=folder, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: get(f"http://127.0.0.1:{port}/_stcore/health")[0] == 200, f"serve on {port}", proc, log, 90)
        wait_until(lambda: get(f"http://127.0.0.1:{health_port}/health")[0] != 0, "health", proc, log)
        yield port, health_port, proc, log
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def sample_db_file(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("deploy-db") / "campaign.duckdb"
    ingest(status_files(ROOT / "data" / "sample"), db, who="sample")
    return db


# ---------------------------------------------------------------------------------------------------
# one process: serve, health, logs


def test_serve_answers_health_with_the_snapshot_age_and_logs_json(tmp_path):
    db = tmp_path / "data" / "campaign.duckdb"
    with serving(tmp_path, db) as (port, health_port, proc, log):
        status, body = get(f"http://127.0.0.1:{health_port}/health")
        assert status == 503 and json.loads(body)["status"] == "no-data"

        ingest(status_files(ROOT / "data" / "sample"), db, who="deploy-test")
        status, body = get(f"http://127.0.0.1:{health_port}/health")
        answer = json.loads(body)
        assert status == 200 and answer["status"] == "ok", answer
        assert answer["dashboard"] == {"url": f"http://127.0.0.1:{port}", "answers": True}
        snap = answer["snapshot"]
        assert snap["last_ingest_id"] == 1 and 0 <= snap["age_seconds"] < 120 and snap["stale"] is False
        assert snap["stale_after_seconds"] == 86400

        # the CLI gives the same answer: exit 0 ok, 1 stale, 2 no data or down
        done = run_cli("health", "--db", str(db), "--url", f"http://127.0.0.1:{port}")
        assert done.returncode == 0 and json.loads(done.stdout)["status"] == "ok"
        time.sleep(2.1)  # older than the 1 s limit below, however fast the steps above were
        done = run_cli("health", "--db", str(db), "--stale", "1s")
        assert done.returncode == 1 and json.loads(done.stdout)["status"] == "stale"
        assert get(f"http://127.0.0.1:{health_port}/nothing")[0] == 404
    assert proc.returncode is not None

    lines = [line for line in log.read_text(errors="replace").splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert any(r.get("event") == "start" and r["port"] == port for r in records), lines[:5]
    assert all({"at", "level", "logger", "message"} <= set(r) for r in records)
    assert any(r["logger"].startswith("streamlit") for r in records)
    # every ingest is a JSON line beside the database
    ingest_log = [json.loads(line) for line in db.with_name("ingest-log.jsonl").read_text().splitlines()]
    assert ingest_log[-1]["who"] == "deploy-test" and ingest_log[-1]["outcome"] == "loaded"


def test_health_says_down_when_the_dashboard_does_not_answer(tmp_path, sample_db_file):
    done = run_cli("health", "--db", str(sample_db_file), "--url", f"http://127.0.0.1:{free_port()}")
    assert done.returncode == 2 and json.loads(done.stdout)["status"] == "down"


def test_deploy_files_are_consistent():
    unit = (DEPLOY / "campaign-dashboard@.service").read_text()
    assert "ExecStart=/opt/campaign/bin/campaign serve" in unit and "CAMPAIGN_PORT=%i" in unit
    docker = (DEPLOY / "Dockerfile").read_text()
    assert docker.startswith("#") and re.search(r'^CMD \["python", "-m", "campaign", "serve"\]', docker, re.M)
    example = (DEPLOY / "campaign.example.toml").read_text()
    import tomllib

    from campaign import config

    assert set(tomllib.loads(example)) <= set(config.ENV)
    for key in config.ENV:
        assert key in example, key


# ---------------------------------------------------------------------------------------------------
# nginx in front of several processes


def test_the_shipped_nginx_config_is_valid(tmp_path):
    nginx = nginx_binary()
    require("nginx", nginx is not None, "apt-get install -y nginx")
    conf = nginx_conf(tmp_path, free_port(), [free_port(), free_port()])
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def access_log(folder: Path) -> list[tuple[str, str, str]]:
    """(route key, the backend that answered, request uri) of every request nginx has finished."""
    rows = []
    for line in (folder / "access.log").read_text().splitlines():
        found = re.match(r'(\S+) (.+) (\d{3}) "(.*)"$', line)
        if found:
            rows.append((found.group(1), found.group(2).split(",")[-1].strip(), found.group(4)))
    return rows


def shows(page, text: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.get_by_text(text).first.wait_for()
    except PlaywrightTimeout:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "deploy-failure.png"))
        pytest.fail(f"{page.url} does not show {text!r}:\n{page.inner_text('body')[:3000]}")
    settle(page)
    errors = page.locator('[data-testid="stException"]')
    if errors.count():
        pytest.fail(f"{page.url} shows an exception:\n{errors.first.inner_text()[:3000]}")


class Session:
    def __init__(self, browser, base: str, folder: Path, expected: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 2000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(90_000)
        self.page.goto(base + "/")
        settle(self.page)
        shows(self.page, expected)
        self.key = next(c["value"] for c in self.context.cookies() if c["name"] == "campaign_route")
        self.folder = folder

    def backends(self) -> set[str]:
        return {backend for key, backend, _ in access_log(self.folder) if key == self.key}

    def reload(self, expected: str) -> None:
        self.page.reload()
        settle(self.page)
        shows(self.page, expected)

    def close(self) -> None:
        self.context.close()


@pytest.mark.browser
def test_two_processes_behind_nginx_share_one_snapshot(tmp_path):
    nginx = nginx_binary()
    require("nginx", nginx is not None, "apt-get install -y nginx")
    require(str(CHROMIUM), CHROMIUM.exists(), "apt-get install -y chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    db = tmp_path / "shared" / "campaign.duckdb"
    ingest(status_files(ROOT / "data" / "sample"), db, who="sample")
    web = tmp_path / "nginx"
    web.mkdir()
    with (
        serving(tmp_path, db) as (port_a, _, proc_a, _),
        serving(tmp_path, db) as (port_b, _, _, _),
        running_nginx(web, [port_a, port_b]) as base,
        sync_playwright() as p,
    ):
        a, b = f"127.0.0.1:{port_a}", f"127.0.0.1:{port_b}"
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # fresh sessions spread over both processes; each stays on its own (sticky cookie)
            sessions: dict[str, Session] = {}
            started = time.monotonic()
            for _ in range(24):
                session = Session(browser, base, web, BEFORE)
                print(f"{time.monotonic() - started:.0f}s session {session.key[:8]} on {session.backends()}")
                (backend,) = session.backends()
                if backend in sessions:
                    session.close()
                else:
                    sessions[backend] = session
                if len(sessions) == 2:
                    break
            assert set(sessions) == {a, b}, f"sessions only reached {set(sessions)}"

            # one ingest (the single writer) publishes a new snapshot; both processes serve it
            news = tmp_path / "金山区_取消.csv"
            news.write_text(REVOCATION, encoding="utf-8")
            report = ingest([news], db, who="deploy-test")
            assert report.events_added == 1
            for backend, session in sessions.items():
                session.reload(AFTER)
                assert session.backends() == {backend}

            # the websocket (/_stcore/stream) of each session went to that session's process too
            for session in sessions.values():
                session.close()
            wait_until(
                lambda: all(
                    any(key == s.key and uri.startswith("/_stcore/stream") for key, _, uri in access_log(web))
                    for s in sessions.values()
                ),
                "websocket lines in the access log",
            )
            for backend, session in sessions.items():
                streams = {be for key, be, uri in access_log(web) if key == session.key and "stream" in uri}
                assert streams == {backend}

            # stop process A: new sessions all go to B, with the new figures
            print(f"{time.monotonic() - started:.0f}s stopping {a}")
            stop(proc_a)
            for _ in range(4):
                session = Session(browser, base, web, AFTER)
                assert session.backends() == {b}, session.backends()
                session.close()
        finally:
            browser.close()


# ---------------------------------------------------------------------------------------------------
# the offline bundle (fetches ~200 MB of wheels, from uv's cache when it has them; a few minutes)


@pytest.mark.skipif(bool(os.environ.get("CAMPAIGN_SKIP_BUNDLE")), reason="CAMPAIGN_SKIP_BUNDLE is set")
def test_offline_bundle_installs_and_runs_without_the_network(tmp_path):
    out = tmp_path / "bundle"
    subprocess.run([sys.executable, str(DEPLOY / "make_bundle.py"), str(out)], check=True, cwd=ROOT, timeout=1800)
    assert (out / "install.py").is_file() and (out / "campaign-dashboard" / "dashboard.py").is_file()
    assert (out / "campaign-dashboard" / "data" / "sample").is_dir()
    assert not list((out / "campaign-dashboard").rglob("*.duckdb"))

    # a clean environment: no virtual environment, the package index unreachable, no pip cache
    offline = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "PIP_INDEX_URL": "http://127.0.0.1:9/",
        "PIP_NO_CACHE_DIR": "1",
        "LANG": "C.UTF-8",
    }
    python = getattr(sys, "_base_executable", sys.executable)
    prefix = tmp_path / "opt"
    subprocess.run([python, str(out / "install.py"), "--prefix", str(prefix)], check=True, env=offline, timeout=1800)
    campaign = prefix / "bin" / "campaign"
    assert campaign.is_file()

    data = tmp_path / "var"
    env = {**offline, "CAMPAIGN_DATA_DIR": str(data)}
    bundled = prefix / "campaign-dashboard" / "data" / "sample"
    sample = sorted(str(p) for p in bundled.iterdir() if p.suffix in (".csv", ".xlsx"))  # not laji/, another campaign
    subprocess.run([str(campaign), "ingest", *sample], check=True, env=env, timeout=300)
    with serving(tmp_path, data / "campaign.duckdb", command=[str(campaign)], env=env) as (port, health_port, _, _):
        status, body = get(f"http://127.0.0.1:{health_port}/health")
        assert status == 200 and json.loads(body)["status"] == "ok", body
        status, page = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and b"<html" in page.lower()
