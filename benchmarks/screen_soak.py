"""Soak the command-centre screen: N refresh cycles, server RSS and the tab's JS heap before and after.

A benchmark command, not a test:

    uv run python benchmarks/screen_soak.py [--cycles 300] [--tick 2] [--url http://host:port]
        [--tabs 1] [--server-env MALLOC_ARENA_MAX=2] [--trace] [--tracemalloc 8] [--every 250]

Without --url it starts the dashboard on a free port with a database built from data/sample in a
temporary folder. The screen is opened with refresh = --tick seconds and rotate = 1.5 × tick (so every
tick re-runs the screen and re-reads the data, and panels change), through Debian's Chromium. After a
warm-up of 10 cycles it measures, runs N cycles, measures again, and prints the figures. The JS heap is
read after a forced garbage collection (Chrome DevTools Protocol), the server's RSS from /proc.

To find where the server's memory goes: with ``--trace`` the server reports, every ``--every`` cycles,
its RSS, glibc's malloc figures (mallinfo2: bytes in use, bytes free inside the arenas, the number of
arenas) and the Python object types that grew since the first report; ``--tracemalloc N`` also runs it
under tracemalloc (N frames; slow, several times the memory) and adds the Python heap and the
allocation sites that grew. Bytes in use that grow are a leak (Python's, if the Python heap grows with
them; a library's, if not); RSS that grows while the bytes in use stay flat is the allocator keeping
freed memory (fragmentation). ``--tabs`` opens
several screens at once (more cycles per minute on the server); ``--server-env`` sets variables for
the server only, e.g. ``MALLOC_ARENA_MAX=2`` to compare.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.processes import CHROMIUM, CHROMIUM_ARGS, free_port, rss_mb, tree  # noqa: E402  (shared with the tests)

# Runs in the server process (python -c) before Streamlit: on SIGUSR1 a thread writes one report.
TRACER = r"""
import collections, ctypes, gc, os, re, signal, sys, threading, tracemalloc

out = os.environ["SOAK_TRACE_OUT"]
frames = int(os.environ.get("SOAK_TRACE_FRAMES", "0"))
if frames:
    tracemalloc.start(frames)
libc = ctypes.CDLL("libc.so.6")


class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


libc.mallinfo2.restype = MallInfo2
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
wake = threading.Event()
state = {"n": 0}


def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024


def arenas():
    path = (out + ".malloc").encode()
    fp = libc.fopen(path, b"w")
    libc.malloc_info(0, fp)
    libc.fclose(fp)
    return len(re.findall(r"<heap nr=", open(path).read()))


def types():
    return collections.Counter(type(o).__qualname__ for o in gc.get_objects())


def report():
    gc.collect()
    info = libc.mallinfo2()
    mb = 2 ** 20
    now_types = types()
    heap = f"python heap (tracemalloc) {tracemalloc.get_traced_memory()[0] / mb:.1f} MB; " if frames else ""
    lines = [
        f"report {state['n']}: rss {rss_mb():.1f} MB; {heap}malloc in use {info.uordblks / mb:.1f} MB, "
        f"free in arenas {info.fordblks / mb:.1f} MB, mmapped {info.hblkhd / mb:.1f} MB, "
        f"arenas {arenas()}; gc objects {sum(now_types.values())}; threads {threading.active_count()}"
    ]
    snap = None
    if frames:
        snap = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<unknown>")])
    if "types" not in state:
        state["base"], state["types"] = snap, now_types
    else:
        if snap is not None:
            lines.append("  grown since report 0 (allocation site: size, count):")
            for stat in snap.compare_to(state["base"], "lineno")[:12]:
                where = f"{stat.traceback[0].filename}:{stat.traceback[0].lineno}"
                lines.append(f"    {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} {where}")
            for stat in snap.compare_to(state["base"], "traceback")[:3]:
                lines.append(f"    {stat.size_diff / 1024:+9.1f} KiB traceback:")
                lines += [f"        {f.filename}:{f.lineno}" for f in stat.traceback[-6:]]
        grown = sorted(((now_types[k] - state["types"].get(k, 0), k) for k in now_types), reverse=True)[:10]
        lines.append("  object types grown: " + (", ".join(f"{k} {d:+d}" for d, k in grown if d) or "none"))
    state["n"] += 1
    with open(out, "a") as f:
        f.write("\n".join(lines) + "\n")


def loop():
    while True:
        wake.wait()
        wake.clear()
        try:
            report()
        except Exception as error:
            with open(out, "a") as f:
                f.write(f"report failed: {error!r}\n")


threading.Thread(target=loop, name="soak-tracer", daemon=True).start()
signal.signal(signal.SIGUSR1, lambda *_: wake.set())
from streamlit.web import cli
sys.argv = ["streamlit", *sys.argv[1:]]
cli.main()
"""


def server_mb(pid: int) -> float:
    """Resident memory of the server and its children (uv run → python), in MB."""
    return rss_mb(tree(pid))


def start_server(folder: Path, env: dict[str, str], trace: Path | None) -> tuple[subprocess.Popen, str]:
    from campaign.intake.ingest import ingest
    from campaign.intake.reader import status_files

    db = folder / "campaign.duckdb"
    ingest(status_files(ROOT / "data" / "sample"), db, who="sample")
    port = free_port()
    command = [sys.executable, "-c", TRACER] if trace else [sys.executable, "-m", "streamlit"]
    command += ["run", "dashboard.py", "--server.port", str(port), "--server.headless", "true"]
    env = {**os.environ, "CAMPAIGN_DB": str(db), **env}
    if trace:
        env["SOAK_TRACE_OUT"] = str(trace)
    log = open(folder / "streamlit.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        time.sleep(0.25)
    proc.kill()
    raise SystemExit("streamlit did not start")


def trace_report(pid: int, trace: Path, count: int) -> str:
    """Ask the server for its next report and wait for it (a tracemalloc snapshot can take a minute)."""
    os.kill(pid, signal.SIGUSR1)
    for _ in range(600):
        text = trace.read_text() if trace.exists() else ""
        reports = text.split("report ")[1:]
        if len(reports) > count:
            return "report " + reports[count].rstrip()
        time.sleep(0.25)
    return "report: none from the server"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=300, help="refresh cycles to run (default 300)")
    parser.add_argument("--tick", type=float, default=2.0, help="refresh period in seconds (default 2, minimum 2)")
    parser.add_argument("--url", help="an already running dashboard (server RSS then not measured)")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, for its RSS")
    parser.add_argument("--tabs", type=int, default=1, help="screens open at once (default 1)")
    parser.add_argument("--every", type=int, default=250, help="cycles between readings of the heaps (default 250)")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE", help="for the server")
    parser.add_argument("--trace", action="store_true", help="the server reports its malloc figures and objects")
    parser.add_argument("--tracemalloc", type=int, default=0, metavar="FRAMES", help="with --trace: Python heap too")
    args = parser.parse_args()
    tick = max(2.0, args.tick)
    server_env = dict(item.split("=", 1) for item in args.server_env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: the server it started goes too

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        proc = None
        trace = Path(tmp) / "trace.txt" if (args.trace or args.tracemalloc) and not args.url else None
        if args.tracemalloc:
            server_env["SOAK_TRACE_FRAMES"] = str(args.tracemalloc)
        if args.url:
            url, pid = args.url.rstrip("/"), args.pid
        else:
            proc, url = start_server(Path(tmp), server_env, trace)
            pid = proc.pid
        reports: list[str] = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                pages = []
                for _ in range(max(1, args.tabs)):
                    # a context each: no tab is a hidden background tab with throttled timers
                    context = browser.new_context(viewport={"width": 1920, "height": 1080})
                    pages.append(context.new_page())
                page = pages[0]
                cdp = page.context.new_cdp_session(page)
                cdp.send("HeapProfiler.enable")

                def heap_mb() -> float:
                    cdp.send("HeapProfiler.collectGarbage")
                    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 2**20

                def dom_nodes() -> int:
                    return page.evaluate("() => document.getElementsByTagName('*').length")

                for each in pages:
                    each.goto(f"{url}/screen?refresh={tick:g}&rotate={tick * 1.5:g}")
                for each in pages:
                    each.wait_for_selector('[data-testid="screen-kpi"]', timeout=300_000)  # slow under tracemalloc
                page.wait_for_timeout(int(10 * tick * 1000))  # warm-up: 10 cycles
                before = (server_mb(pid) if pid else float("nan"), heap_mb(), dom_nodes())
                if trace:
                    reports.append(trace_report(pid, trace, 0))
                    print(reports[-1].splitlines()[0], flush=True)
                start = time.monotonic()
                panels = set()
                for cycle in range(args.cycles):
                    page.wait_for_timeout(int(tick * 1000))
                    panels.add(page.locator('[data-testid="screen-panel"]').first.get_attribute("data-panel"))
                    if (cycle + 1) % 50 == 0:
                        line = f"  {cycle + 1} cycles, server {server_mb(pid) if pid else float('nan'):.1f} MB"
                        if (cycle + 1) % args.every == 0:  # a garbage collection is not free: now and then
                            line += f", tab JS heap {heap_mb():.2f} MB, DOM {dom_nodes()}"
                        print(line, flush=True)
                    if trace and (cycle + 1) % args.every == 0:
                        reports.append(trace_report(pid, trace, len(reports)))
                        print("  " + reports[-1].splitlines()[0], flush=True)
                elapsed = time.monotonic() - start
                after = (server_mb(pid) if pid else float("nan"), heap_mb(), dom_nodes())
                browser.close()
        finally:
            if proc:
                proc.terminate()
                proc.wait(timeout=10)

    print(
        f"cycles: {args.cycles} of {tick:g} s ({elapsed:.0f} s) in {len(pages)} tab(s), panels shown: {sorted(panels)}"
    )
    if server_env:
        print("server environment: " + " ".join(f"{k}={v}" for k, v in server_env.items()))
    print(f"server RSS: {before[0]:.1f} MB -> {after[0]:.1f} MB ({after[0] - before[0]:+.1f} MB)")
    print(f"tab JS heap (after GC): {before[1]:.2f} MB -> {after[1]:.2f} MB ({after[1] - before[1]:+.2f} MB)")
    print(f"DOM elements: {before[2]} -> {after[2]}")
    if reports:
        print("\n" + reports[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
