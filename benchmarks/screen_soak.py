"""Soak the command-centre screen: N refresh cycles, server RSS and the tab's JS heap before and after.

A benchmark command, not a test:

    uv run python benchmarks/screen_soak.py [--cycles 300] [--tick 2] [--url http://host:port]

Without --url it starts the dashboard on a free port with a database built from data/sample in a
temporary folder. The screen is opened with refresh = --tick seconds and rotate = 1.5 × tick (so every
tick re-runs the screen and re-reads the data, and panels change), through Debian's Chromium. After a
warm-up of 10 cycles it measures, runs N cycles, measures again, and prints the figures. The JS heap is
read after a forced garbage collection (Chrome DevTools Protocol), the server's RSS from /proc.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uv run → python), in MB."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for each in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def start_server(folder: Path) -> tuple[subprocess.Popen, str]:
    from campaign.ingest import ingest
    from campaign.reader import status_files

    db = folder / "campaign.duckdb"
    ingest(status_files(ROOT / "data" / "sample"), db, who="sample")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    command += ["--server.headless", "true"]
    log = open(folder / "streamlit.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "CAMPAIGN_DB": str(db)}, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        time.sleep(0.25)
    proc.kill()
    raise SystemExit("streamlit did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=300, help="refresh cycles to run (default 300)")
    parser.add_argument("--tick", type=float, default=2.0, help="refresh period in seconds (default 2, minimum 2)")
    parser.add_argument("--url", help="an already running dashboard (server RSS then not measured)")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, for its RSS")
    args = parser.parse_args()
    tick = max(2.0, args.tick)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        proc = None
        if args.url:
            url, pid = args.url.rstrip("/"), args.pid
        else:
            proc, url = start_server(Path(tmp))
            pid = proc.pid
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                cdp = page.context.new_cdp_session(page)
                cdp.send("HeapProfiler.enable")

                def heap_mb() -> float:
                    cdp.send("HeapProfiler.collectGarbage")
                    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 2**20

                def dom_nodes() -> int:
                    return page.evaluate("() => document.getElementsByTagName('*').length")

                page.goto(f"{url}/screen?refresh={tick:g}&rotate={tick * 1.5:g}")
                page.wait_for_selector('[data-testid="screen-kpi"]', timeout=60_000)
                page.wait_for_timeout(int(10 * tick * 1000))  # warm-up: 10 cycles
                before = (rss_mb(pid) if pid else float("nan"), heap_mb(), dom_nodes())
                start = time.monotonic()
                panels = set()
                for cycle in range(args.cycles):
                    page.wait_for_timeout(int(tick * 1000))
                    panels.add(page.locator('[data-testid="screen-panel"]').first.get_attribute("data-panel"))
                    if (cycle + 1) % 50 == 0:
                        line = f"  {cycle + 1} cycles, server {rss_mb(pid) if pid else float('nan'):.1f} MB"
                        if (cycle + 1) % 250 == 0:  # a garbage collection is not free: now and then
                            line += f", tab JS heap {heap_mb():.2f} MB, DOM {dom_nodes()}"
                        print(line, flush=True)
                elapsed = time.monotonic() - start
                after = (rss_mb(pid) if pid else float("nan"), heap_mb(), dom_nodes())
                browser.close()
        finally:
            if proc:
                proc.terminate()
                proc.wait(timeout=10)

    print(f"cycles: {args.cycles} of {tick:g} s ({elapsed:.0f} s), panels shown: {sorted(panels)}")
    print(f"server RSS: {before[0]:.1f} MB -> {after[0]:.1f} MB ({after[0] - before[0]:+.1f} MB)")
    print(f"tab JS heap (after GC): {before[1]:.2f} MB -> {after[1]:.2f} MB ({after[1] - before[1]:+.2f} MB)")
    print(f"DOM elements: {before[2]} -> {after[2]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
