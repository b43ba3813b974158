"""Load: N concurrent sessions on P dashboard processes (behind nginx when P > 1) at city scale, with a publish
midway.

A benchmark command, not a test (timings are never asserted in tests):

    uv run python benchmarks/load.py --sessions 10
    uv run python benchmarks/load.py --ramp 1,5,10,20,30,50 [--steps 4] [--client ws] [--json out.json]
    uv run python benchmarks/load.py --client ws --processes 1,2 --ramp 10,20,50

It builds (or reuses) a city-scale snapshot (`campaign build-scale city`) in --work (default
/tmp/campaign-load) and unpacks the committed code (git HEAD) there, so the server runs a fixed copy
while others edit the working tree (--code DIR serves another folder). Then for each P and N it starts P
`campaign serve` processes on the snapshot (CAMPAIGN_DB), as operators run them (docs/operations.md), and with
more than one (or --proxy) Debian's nginx in front with the shipped deploy/nginx-campaign.conf (its upstream
listing their ports; sticky by cookie, so each websocket stays on one process). Each process first runs every
page once, not measured (a server runs for days; its first run of a page imports what the page needs). Then N
sessions run concurrently:

- ``--client browser`` (default): N contexts of one Debian Chromium (Playwright, async);
- ``--client ws``: N clients of Streamlit's own websocket protocol (BackMsg/ForwardMsg), which make the
  server do all its work without drawing anything.

Each session makes --steps page visits over overview, progress, towns, changes, forecast, explorer (in
a per-session order): every third one (the first included) opens the page by its URL, i.e. a new
Streamlit session, every other time with `?as_of=`; the others follow the sidebar's link (same
session). Each visit is followed by a change of the sidebar's district (a widget: a rerun). A step is
timed from the action until Streamlit's script run has finished (the websocket's `script_finished`,
decoded) and, in the browser, the page is drawn (no running indicator, the page's chart or table
present, every Plotly chart's SVG present).

When half the steps are done, a new snapshot (build-scale with another seed) is published into the
served file through the normal atomic publish, in a child process, while the sessions go on.

Errors recorded: exceptions (message and traceback from the websocket; in the browser also an
exception element shown), page errors (uncaught JS), console errors, HTTP errors, crashed pages, step
time-outs (with what the page showed), any request not to 127.0.0.1/localhost (other hosts are also
made unresolvable in Chromium). Streamlit's own 404 probes of /PAGE/_stcore/... are counted apart as
benign. Printed: a table and JSON per N (steps, errors, p50/p95/max step time in all and per kind, for
the steps that overlapped the publish, the server processes' RSS and CPU (summed; CPU a step too), Chromium's RSS,
the load average at start and end); with --ramp, for each P the largest N whose p95 stays at or below --target (2 s).

Client and server share the machine: the browser's drawing competes with the server for the same
cores, so browser figures are an upper bound on what the server alone needs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.processes import (  # noqa: E402  (shared with the tests)
    CHROMIUM,
    LOCAL_HOSTS,
    free_port,
    rss_mb,
    stop,
    tree,
)
from tests.support.processes import CHROMIUM_ARGS as PLAIN_ARGS  # noqa: E402

CHROMIUM_ARGS = [
    *PLAIN_ARGS,
    "--disable-renderer-backgrounding",  # contexts are background tabs; keep them running at full speed
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    # only this machine is reachable: every other host name fails to resolve
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
VIEWPORT = {"width": 1400, "height": 1000}

# url path, the element that shows the page's content is drawn
PAGES = {
    "overview": ("", '[data-testid="stPlotlyChart"]'),
    "progress": ("progress", '[data-testid="stPlotlyChart"]'),
    "towns": ("towns", '[data-testid="stPlotlyChart"]'),
    "changes": ("changes", '[data-testid="stPlotlyChart"]'),
    "forecast": ("forecast", '[data-testid="stDataFrame"]'),
    "explorer": ("explorer", '[data-testid="stDataFrame"]'),
}
OPEN_EVERY = 3  # every third page is opened by its URL (new session), the others by the sidebar's link
AS_OF_DAYS = ["2022-04-20", "2022-05-01", "2022-05-15", "2022-06-01"]
EXCEPTION = '[data-testid="stException"]'
# Opening /PAGE, Streamlit's frontend first looks for its server under /PAGE/_stcore/... (404), then /:
# expected, counted apart as "benign", not as errors.
PROBE = re.compile(r"/[a-z]+/_stcore/(host-config|health)$")

DRAWN = """(marker) => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (document.querySelector('[data-testid="stException"]')) return true;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || !main.querySelector(marker)) return false;
  return [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].every(e => e.querySelector('.main-svg'));
}"""


STATE = """(marker) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  return {
    url: location.href,
    status: status ? status.innerText.slice(0, 80) : null,
    marker: main ? main.querySelectorAll(marker).length : null,
    charts: main ? main.querySelectorAll('[data-testid="stPlotlyChart"]').length : null,
    drawn: main ? main.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg').length : null,
    dialog: (document.querySelector('[role="dialog"]') || {}).innerText || null,
  };
}"""


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ms(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# ---------------------------------------------------------------------------------------------------
# processes: RSS and CPU from /proc


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------------
# the snapshot and the server


def build(db: Path, code: Path, seed: int | None = None) -> float:
    command = [sys.executable, "-m", "campaign", "build-scale", "city", "--db", str(db)]
    if seed is not None:
        command += ["--seed", str(seed)]
    started = time.perf_counter()
    subprocess.run(command, cwd=code, env=code_env(code), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def frozen_code(work: Path) -> tuple[Path, str]:
    """The committed app (git HEAD) unpacked into ``work``: the server runs a fixed copy of the code, not the
    working tree, which may change (and which Streamlit would reload) during a run."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    folder = work / f"code-{commit}"
    if not (folder / "dashboard.py").exists():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder, commit


def code_env(code: Path) -> dict[str, str]:
    """The environment that imports ``campaign`` from ``code`` (before the installed, editable one)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")]))}


class Server:
    """One dashboard process as operators run it (`campaign serve`: the app in ``code``) on a free port, reading
    ``db``: Streamlit in the same process, so its pid's CPU is the server's."""

    def __init__(self, db: Path, log_path: Path, code: Path = ROOT):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "campaign", "serve", "--port", str(self.port), "--address", "127.0.0.1"]
        command += ["--health-port", "0"]
        env = {**code_env(code), "CAMPAIGN_DB": str(db)}
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(command, cwd=code, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait(self.url + "/_stcore/health", lambda: self.proc.poll() is not None)

    def wait(self, url: str, exited) -> None:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(url, timeout=2).status == 200:
                    return
            if exited() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{url} did not answer:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.25)

    def stop(self) -> None:
        stop(self.proc)
        self.log.close()

    def log_errors(self) -> list[str]:
        """Lines of the server's log that look like errors or tracebacks."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        return [
            line
            for line in lines
            if "Traceback" in line or "Error" in line or "Exception" in line or '"level": "error"' in line
        ]


NGINX = "/usr/sbin/nginx"


class Proxy(Server):
    """Debian's nginx with the shipped deploy/nginx-campaign.conf (its upstream listing ``backends``, sticky by
    cookie), on a free port, everything it writes in ``folder``."""

    def __init__(self, backends: list[Server], folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        folder.mkdir(parents=True, exist_ok=True)
        site = (ROOT / "deploy" / "nginx-campaign.conf").read_text()
        servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+ .*\n", site, re.M)
        lines = "".join(servers[0].replace(":8501", f":{b.port}") for b in backends)
        site = site.replace("".join(servers), lines).replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        (folder / "campaign.conf").write_text(site)
        temp = "".join(f"{kind}_temp_path {folder / kind}; " for kind in ("client_body", "proxy", "fastcgi", "uwsgi"))
        main = ("user root; " if os.geteuid() == 0 else "") + "worker_processes 1; daemon off; "
        main += f"pid {folder / 'nginx.pid'}; error_log {folder / 'error.log'} warn;\n"
        main += "events { worker_connections 4096; }\n"
        main += (
            f"http {{ {temp}scgi_temp_path {folder / 'scgi'}; access_log off; include {folder / 'campaign.conf'}; }}\n"
        )
        (folder / "nginx.conf").write_text(main)
        self.log_path = folder / "error.log"
        self.log = open(folder / "nginx.out", "wb")  # noqa: SIM115 - closed in stop()
        command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
        self.proc = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait(self.url + "/_stcore/health", lambda: self.proc.poll() is not None)


# ---------------------------------------------------------------------------------------------------
# the sessions


@dataclass
class Step:
    session: int
    index: int
    kind: str  # "open" (the page's URL), "nav" (the sidebar's link) or "change" (the sidebar's district)
    page: str
    url: str
    started: float  # monotonic
    seconds: float | None = None  # until drawn
    run_seconds: float | None = None  # until the script run finished (the server's part, plus the transport)
    error: str | None = None


@dataclass
class Run:
    base: str
    steps_per_session: int
    timeout: float
    steps: list[Step] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    exceptions: dict[str, str] = field(default_factory=dict)  # message -> traceback (first seen)
    outside: list[str] = field(default_factory=list)
    done_steps: int = 0
    half: asyncio.Event = field(default_factory=asyncio.Event)
    publish: dict = field(default_factory=dict)
    began: float = field(default_factory=time.monotonic)

    def error(self, session: int, kind: str, message: str, url: str = "") -> None:
        self.errors.append({"session": session, "kind": kind, "message": message[:2000], "url": url})


class Session:
    def __init__(self, run: Run, number: int, context):
        self.run = run
        self.number = number
        self.context = context
        self.finished = 0  # successful script runs seen on the websocket
        self.changed = asyncio.Event()
        self.page = None

    def where(self) -> str:
        return self.page.url

    def on_frame(self, payload):
        """Count finished runs and record exceptions from one websocket frame; returns the message."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if isinstance(payload, str):
            return None
        try:
            msg = ForwardMsg.FromString(payload)
        except Exception as error:  # noqa: BLE001 - a frame we cannot read is reported, not fatal
            self.run.error(self.number, "websocket", f"undecodable frame: {error}")
            return None
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                self.finished += 1
                self.changed.set()
            elif msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.run.error(self.number, "script", "script finished with a compile error", self.where())
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "exception" and not element.exception.is_warning:
                text = f"{element.exception.type}: {element.exception.message}"
                self.run.exceptions.setdefault(text, "\n".join(element.exception.stack_trace))
                self.run.error(self.number, "exception", text, self.where())
        elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
            self.run.error(self.number, "script", str(msg.session_event.script_compilation_exception), self.where())
        elif kind == "page_not_found":
            self.run.error(self.number, "script", f"page not found: {msg.page_not_found.page_name}", self.where())
        return msg

    def on_websocket(self, ws) -> None:
        ws.on("framereceived", self.on_frame)
        ws.on("socketerror", lambda error: self.run.error(self.number, "websocket", str(error), ws.url))

    def on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob") and parts.hostname not in LOCAL_HOSTS:
            self.run.outside.append(request.url)

    async def open(self) -> None:
        page = await self.context.new_page()
        page.set_default_timeout(self.run.timeout * 1000)
        page.on("websocket", self.on_websocket)
        page.on("request", self.on_request)
        page.on("pageerror", lambda error: self.run.error(self.number, "pageerror", str(error), page.url))
        page.on("crash", lambda _: self.run.error(self.number, "crash", "page crashed", page.url))

        def console(message) -> None:
            if message.type == "error":
                where = (message.location or {}).get("url", "")
                kind = "benign" if PROBE.search(where) else "console"
                self.run.error(self.number, kind, f"{message.text} ({where})", page.url)

        page.on("console", console)

        def response(r) -> None:
            if r.status >= 400:
                kind = "benign" if r.status == 404 and PROBE.search(r.url) else "http"
                self.run.error(self.number, kind, f"{r.status} {r.url}", page.url)

        page.on("response", response)
        self.page = page

    async def ran(self, before: int, step: Step) -> float:
        """Wait for a successful script run after ``before`` runs; the deadline left for what follows."""
        deadline = time.monotonic() + self.run.timeout
        while self.finished <= before:
            self.changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no finished script run")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)
        step.run_seconds = time.monotonic() - step.started
        return deadline

    async def settled(self, before: int, marker: str, step: Step) -> None:
        """Wait for a successful script run after ``before`` runs, then for the page to be drawn."""
        deadline = await self.ran(before, step)
        # polled by time, not by animation frame: a starved or background tab may not draw frames for long
        await self.page.wait_for_function(
            DRAWN, arg=marker, polling=250, timeout=max(deadline - time.monotonic(), 0.1) * 1000
        )

    async def step(self, step: Step, action, marker: str) -> None:
        before = self.finished
        step.started = time.monotonic()
        try:
            await action()
            await self.settled(before, marker, step)
            step.seconds = time.monotonic() - step.started
            await self.check_shown(step)
        except Exception as error:  # noqa: BLE001 - a failed step is an error of the run, not of the benchmark
            step.error = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            with contextlib.suppress(Exception):
                step.error += await self.state(step, marker)
            self.run.error(self.number, "step", step.error, step.url)
        self.run.steps.append(step)
        self.run.done_steps += 1
        if self.run.done_steps >= self.run.steps_per_session * self.sessions_total:
            self.run.half.set()

    async def check_shown(self, step: Step) -> None:
        """An exception the page shows fails the step."""
        shown = self.page.locator(EXCEPTION)
        if await shown.count():
            step.error = "exception shown: " + (await shown.first.inner_text())[:500]
            self.run.error(self.number, "exception-shown", step.error, self.page.url)

    async def state(self, step: Step, marker: str) -> str:
        """What a failed step leaves to see: did the run finish, what the page holds."""
        page = json.dumps(await self.page.evaluate(STATE, marker), ensure_ascii=False)
        return f" [script run finished: {step.run_seconds is not None}; page: {page}]"

    sessions_total = 1

    async def loop(self) -> None:
        rng = random.Random(self.number)
        names = list(PAGES)
        rng.shuffle(names)
        await asyncio.sleep(rng.uniform(0, 1.0))  # don't start every session in the same millisecond
        for i in range(self.run.steps_per_session):
            if self.page.is_closed():
                self.run.error(self.number, "crash", "page closed", "")
                break
            name = names[i % len(names)]
            path, marker = PAGES[name]
            if i % OPEN_EVERY == 0:  # open the page by its URL (a new session), with an as-of day or none
                query = f"?as_of={rng.choice(AS_OF_DAYS)}" if (i // OPEN_EVERY + self.number) % 2 == 0 else ""
                url = f"{self.run.base}/{path}{query}"
                visit = Step(self.number, i, "open", name, url, 0.0)
                await self.step(visit, lambda url=url: self.page.goto(url, wait_until="commit"), marker)
            else:  # the sidebar's link to the page (same session, as a user moves between pages)
                url = f"{self.run.base}/{path}"
                link = self.page.locator(f'[data-testid="stSidebarNav"] a[href="{url}"]')
                visit = Step(self.number, i, "nav", name, url, 0.0)
                await self.step(visit, link.click, marker)
            if visit.error:
                continue
            # the sidebar's district: open the list, then time from the click on an option
            change = Step(self.number, i, "change", name, self.page.url, 0.0)
            try:
                await self.page.locator('[data-testid="stSidebar"] .st-key-district [data-testid=stSelectbox]').click()
                options = self.page.get_by_role("option")
                await options.first.wait_for()
                count = await options.count()
                option = options.nth(rng.randrange(1, count) if count > 1 else 0)
            except Exception as error:  # noqa: BLE001
                change.error = f"opening the district list: {type(error).__name__}: {str(error).splitlines()[0]}"
                self.run.error(self.number, "step", change.error, change.url)
                self.run.steps.append(change)
                self.run.done_steps += 1
                continue
            await self.step(change, option.click, marker)


class WsSession(Session):
    """A session without a browser: Streamlit's own websocket protocol, as the frontend speaks it.

    Open = a new websocket (a new server session) and a run for the page and query string; nav = a run
    for another page's script hash on the same websocket; change = a run with the district selectbox's
    new value. Each step is timed until the server's `script_finished`: the server's work and the
    transport, without any drawing.
    """

    def __init__(self, run: Run, number: int):
        super().__init__(run, number, None)
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.url = ""
        self.query = ""
        self.hashes: dict[str, str] = {}  # url path -> page script hash
        self.current_hash = ""
        self.district_id: str | None = None
        self.district_options: list[str] = []
        self.widgets: dict[str, object] = {}  # widget id -> WidgetState we send back

    def where(self) -> str:
        """The page, and the state a browser's URL would show (query string, chosen district)."""
        district = self.widgets.get(self.district_id) if self.district_id else None
        extra = [self.query] if self.query else []
        if district is not None:
            extra.append(f"district={district.string_value}")
        return self.url.split("?")[0] + (f"?{'&'.join(extra)}" if extra else "")

    def on_frame(self, payload):
        msg = super().on_frame(payload)
        if msg is None:
            return None
        kind = msg.WhichOneof("type")
        if kind == "navigation":
            for page in msg.navigation.app_pages:
                self.hashes[page.url_pathname] = page.page_script_hash
                if page.is_default:
                    self.hashes[""] = page.page_script_hash
            self.current_hash = msg.navigation.page_script_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "selectbox" and element.selectbox.id.endswith("-district"):
                self.district_id = element.selectbox.id
                self.district_options = list(element.selectbox.options)
        return msg

    async def read(self) -> None:
        import websockets

        try:
            async for payload in self.ws:
                self.on_frame(payload)
        except websockets.ConnectionClosed as closed:
            if closed.rcvd is None or closed.rcvd.code not in (1000, 1001):
                self.run.error(self.number, "websocket", f"closed: {closed}", self.url)

    async def connect(self) -> None:
        import websockets

        await self.close()
        uri = self.run.base.replace("http://", "ws://") + "/_stcore/stream"
        # as a browser: no client-side keepalive pings (a busy server answers them late), a patient handshake
        self.ws = await websockets.connect(
            uri,
            subprotocols=["streamlit"],
            origin=self.run.base,
            max_size=None,
            ping_interval=None,
            open_timeout=self.run.timeout,
        )
        self.reader = asyncio.create_task(self.read())
        self.widgets = {}
        self.district_id = None

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            with contextlib.suppress(Exception):
                await self.reader
            self.ws = None

    async def rerun(self, page_name: str = "", page_hash: str = "") -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_name = page_name
        state.page_script_hash = page_hash
        for widget in self.widgets.values():
            state.widget_states.widgets.append(widget)
        await self.ws.send(msg.SerializeToString())

    async def settled(self, before: int, marker: str, step: Step) -> None:
        await self.ran(before, step)  # no page to draw: the run's end is the step's end

    async def check_shown(self, step: Step) -> None:
        """No page to look at: exceptions come in the websocket's frames (on_frame records them)."""

    async def state(self, step: Step, marker: str) -> str:
        return ""

    async def loop(self) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        rng = random.Random(self.number)
        names = list(PAGES)
        rng.shuffle(names)
        await asyncio.sleep(rng.uniform(0, 1.0))
        try:
            for i in range(self.run.steps_per_session):
                name = names[i % len(names)]
                path, marker = PAGES[name]
                lost = self.ws is None or self.ws.state.name != "OPEN" or not self.hashes
                if i % OPEN_EVERY == 0 or lost:  # (after a failed open, open again rather than navigate)
                    as_of = (i // OPEN_EVERY + self.number) % 2 == 0
                    self.query = f"as_of={rng.choice(AS_OF_DAYS)}" if as_of else ""
                    self.url = f"{self.run.base}/{path}" + (f"?{self.query}" if self.query else "")
                    visit = Step(self.number, i, "open", name, self.url, 0.0)

                    async def open_page(path=path) -> None:
                        await self.connect()
                        await self.rerun(page_name=path)

                    await self.step(visit, open_page, marker)
                else:
                    self.url = f"{self.run.base}/{path}"
                    visit = Step(self.number, i, "nav", name, self.url, 0.0)
                    target = self.hashes.get(path, "")

                    async def nav(path=path, target=target) -> None:
                        if not target:
                            raise RuntimeError(f"no page script hash for {path!r} (pages: {sorted(self.hashes)})")
                        await self.rerun(page_hash=target)

                    await self.step(visit, nav, marker)
                if visit.error:
                    continue
                change = Step(self.number, i, "change", name, self.url, 0.0)

                async def choose() -> None:
                    if not self.district_id or not self.district_options:
                        raise RuntimeError("no district selectbox seen")
                    widget = WidgetState(id=self.district_id, string_value=rng.choice(self.district_options[1:]))
                    self.widgets[self.district_id] = widget
                    await self.rerun(page_hash=self.current_hash)

                await self.step(change, choose, marker)
        finally:
            await self.close()


async def publish_midway(run: Run, db: Path, seed: int, code: Path) -> None:
    await run.half.wait()
    run.publish["started"] = time.monotonic()
    run.publish["load_before"] = load_average()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "campaign", "build-scale", "city", "--db", str(db), "--seed", str(seed),
        cwd=code, env=code_env(code), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await proc.communicate()
    run.publish["ended"] = time.monotonic()
    run.publish["seed"] = seed
    run.publish["returncode"] = proc.returncode
    if proc.returncode:
        run.publish["stderr"] = stderr.decode(errors="replace")[-2000:]


async def sample_server(servers: list[Server], until: asyncio.Event, out: dict, chromium_pid: int | None) -> None:
    pids = [server.proc.pid for server in servers]
    out["server_rss_max_mb"] = out["chromium_rss_max_mb"] = 0.0
    while not until.is_set():
        out["server_rss_max_mb"] = max(out["server_rss_max_mb"], rss_mb(pids))
        if chromium_pid:
            out["chromium_rss_max_mb"] = max(out["chromium_rss_max_mb"], rss_mb(tree(chromium_pid)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(until.wait(), 1.0)


async def warm(server: Server, timeout: float) -> None:
    """Every page once on a fresh process, not measured: a server runs for days, and its first run of each page
    imports what that page needs (pandas, Plotly's chart types, fonts) once."""
    run = Run(server.url, len(PAGES), timeout)
    session = WsSession(run, -1)
    try:
        await session.connect()
        for path, _ in PAGES.values():
            before = session.finished
            await session.rerun(page_name=path)
            await session.settled(before, "", Step(-1, 0, "open", path, server.url, time.monotonic()))
    finally:
        await session.close()


async def measure(n: int, args: argparse.Namespace, db: Path, seed: int, processes: int = 1) -> dict:
    servers = [
        Server(db, args.work / f"serve-{args.client}-{processes}x{n}-{i}.log", args.code) for i in range(processes)
    ]
    proxy = Proxy(servers, args.work / f"nginx-{processes}x{n}") if processes > 1 or args.proxy else None
    result: dict = {
        "sessions": n,
        "processes": processes,
        "proxy": proxy is not None,
        "client": args.client,
        "load_start": load_average(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    run = Run((proxy or servers[0]).url, args.steps, args.timeout)
    Session.sessions_total = n
    timing: dict = {}

    def cpu() -> float:
        return sum(cpu_seconds(server.proc.pid) for server in servers)

    async def drive(sessions: list[Session], chromium_pid: int | None) -> None:
        each_before = [cpu_seconds(server.proc.pid) for server in servers]
        cpu_before = cpu()
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_server(servers, stop, result, chromium_pid))
        publisher = asyncio.create_task(publish_midway(run, db, seed, args.code))
        started = run.began = time.monotonic()
        await asyncio.gather(*(s.loop() for s in sessions))
        timing["wall"] = time.monotonic() - started
        timing["cpu"] = cpu() - cpu_before
        # how the proxy spread the work
        result["server_cpu_s_each"] = [
            round(cpu_seconds(s.proc.pid) - b, 1) for s, b in zip(servers, each_before, strict=True)
        ]
        run.half.set()  # a run too short to reach half still publishes, after the sessions
        await publisher
        stop.set()
        await sampler
        result["server_rss_end_mb"] = round(rss_mb([server.proc.pid for server in servers]))

    try:
        for server in servers:
            await warm(server, args.timeout)
        if args.client == "ws":
            await drive([WsSession(run, i) for i in range(n)], None)
        else:
            from playwright.async_api import async_playwright

            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                chromium_pid = None
                with contextlib.suppress(Exception):
                    # the browser process: the first chromium under the Playwright driver
                    chromium_pid = min(
                        (
                            pid
                            for pid in tree(os.getpid())
                            if Path(f"/proc/{pid}/comm").read_text().strip() == "chromium"
                        ),
                        default=None,
                    )
                sessions = []
                for i in range(n):
                    session = Session(run, i, await browser.new_context(viewport=VIEWPORT))
                    await session.open()
                    sessions.append(session)
                await drive(sessions, chromium_pid)
                for session in sessions:
                    with contextlib.suppress(Exception):
                        await session.context.close()
                await browser.close()
    finally:
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()
    wall, cpu_s = timing.get("wall", 0.0), timing.get("cpu", 0.0)
    result["load_end"] = load_average()
    result["wall_s"] = round(wall, 1)
    result["server_cpu_s"] = round(cpu_s, 1)
    result["server_cpu_pct"] = round(100 * cpu_s / wall) if wall else None
    result["server_cpu_ms_per_step"] = round(1000 * cpu_s / len(run.steps)) if run.steps else None
    result["server_rss_max_mb"] = round(result.get("server_rss_max_mb", 0))
    result["chromium_rss_max_mb"] = round(result.get("chromium_rss_max_mb", 0))
    return summarise(run, result, servers)


def figures(seconds: list[float]) -> dict:
    return {
        "count": len(seconds),
        "p50_ms": ms(percentile(seconds, 50)),
        "p95_ms": ms(percentile(seconds, 95)),
        "max_ms": ms(max(seconds) if seconds else None),
    }


def summarise(run: Run, result: dict, servers: list[Server]) -> dict:
    timed = [s for s in run.steps if s.seconds is not None and not s.error]
    result["steps"] = len(run.steps)
    result["steps_failed"] = sum(1 for s in run.steps if s.error)
    result["all"] = figures([s.seconds for s in timed])
    for kind in ("open", "nav", "change"):
        result[kind] = figures([s.seconds for s in timed if s.kind == kind])
    result["script_run"] = figures([s.run_seconds for s in timed])
    result["per_page"] = {
        name: figures([s.seconds for s in timed if s.page == name and s.kind != "change"]) for name in PAGES
    }
    pub = run.publish
    if "ended" in pub:
        during = [s.seconds for s in timed if s.started < pub["ended"] and s.started + s.seconds > pub["started"]]
        result["publish"] = {
            "at_s": round(pub["started"] - run.began, 1),
            "seconds": round(pub["ended"] - pub["started"], 1),
            "returncode": pub["returncode"],
            "steps_overlapping": len(during),
            **{k: v for k, v in figures(during).items() if k != "count"},
            **({"stderr": pub["stderr"]} if "stderr" in pub else {}),
        }
    benign = [e for e in run.errors if e["kind"] == "benign"]
    result["benign"] = len(benign)
    run.errors = [e for e in run.errors if e["kind"] != "benign"]
    by_kind: dict[str, int] = {}
    for error in run.errors:
        by_kind[error["kind"]] = by_kind.get(error["kind"], 0) + 1
    result["errors"] = len(run.errors)
    result["errors_by_kind"] = by_kind
    distinct: dict[str, dict] = {}
    for error in run.errors:
        key = f"{error['kind']}: {error['message'][:300]}"
        distinct.setdefault(key, {"count": 0, "first": error})["count"] += 1
    result["distinct_errors"] = [
        {"error": k, "count": v["count"], "url": v["first"]["url"]} for k, v in distinct.items()
    ]
    result["exceptions"] = run.exceptions
    result["step_list"] = [
        {
            "session": s.session,
            "i": s.index,
            "kind": s.kind,
            "page": s.page,
            "url": s.url,
            "t": round(s.started - run.began, 1),
            "ms": ms(s.seconds),
            "run_ms": ms(s.run_seconds),
            **({"error": s.error} if s.error else {}),
        }
        for s in run.steps
    ]
    result["requests_off_machine"] = run.outside[:20]
    result["server_log_errors"] = [line for server in servers for line in server.log_errors()][:40]
    return result


# ---------------------------------------------------------------------------------------------------
# the command


def print_row(r: dict) -> None:
    def p95(key: str) -> int:
        return (r.get(key) or {}).get("p95_ms") or 0

    a = r["all"]
    cells = [r["processes"], r["sessions"], r["steps"], r["steps_failed"], r["errors"], a["p50_ms"] or 0]
    cells += [a["p95_ms"] or 0, a["max_ms"] or 0, p95("open"), p95("nav"), p95("change"), p95("script_run")]
    cells += [p95("publish"), r["server_rss_max_mb"], f"{r['server_cpu_pct']}%", r["server_cpu_ms_per_step"]]
    cells += [r["chromium_rss_max_mb"]]
    print(
        " ".join(f"{c:>{w}}" for c, w in zip(cells, WIDTHS, strict=True)), f" {r['load_start'][0]}→{r['load_end'][0]}"
    )


COLUMNS = [
    "P",
    "N",
    "steps",
    "fail",
    "errors",
    "p50",
    "p95",
    "max",
    "open95",
    "nav95",
    "chg95",
    "run95",
    "pub95",
    "srv_MB",
    "cpu",
    "ms/step",
    "chrom_MB",
]
WIDTHS = [2, 4, 6, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 7, 8]
HEADER = (
    " ".join(f"{c:>{w}}" for c, w in zip(COLUMNS, WIDTHS, strict=True))
    + "  load (1 min)\n(P = server processes, N = sessions; times in ms; ms/step = server CPU a step, all processes; "
    "p95 of: open = page by URL, nav = sidebar link, chg = district change, run = until the script run finished, "
    "pub = steps overlapping the publish)"
)


def interrupted(*_: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--client", choices=["browser", "ws"], default="browser", help="Chromium contexts, or websocket clients"
    )
    parser.add_argument("--sessions", type=int, default=5, help="concurrent sessions (without --ramp)")
    parser.add_argument(
        "--processes",
        default="1",
        help="comma-separated numbers of server processes, each ramp run for each; more than one: behind nginx "
        "with deploy/nginx-campaign.conf (default 1)",
    )
    parser.add_argument("--proxy", action="store_true", help="nginx in front of a single process too")
    parser.add_argument("--ramp", help="comma-separated session counts, run in turn, e.g. 5,10,20,30,50")
    parser.add_argument(
        "--steps", type=int, default=6, help="page visits per session, each followed by a district change (default 6)"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a step counts as failed")
    parser.add_argument("--target", type=float, default=2.0, help="p95 target in seconds")
    parser.add_argument("--work", type=Path, default=Path("/tmp/campaign-load"), help="folder for the snapshot")
    parser.add_argument("--rebuild", action="store_true", help="build the snapshot even if it exists")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--code", type=Path, help="serve the app from this folder (default: git HEAD unpacked into --work)"
    )
    args = parser.parse_args()
    # SIGTERM as Ctrl-C: the sessions are cancelled and the server and Chromium stopped on the way out
    signal.signal(signal.SIGTERM, interrupted)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (apt-get install -y chromium)", file=sys.stderr)
        return 2
    counts = [int(x) for x in args.ramp.split(",")] if args.ramp else [args.sessions]
    processes = [int(x) for x in args.processes.split(",")]
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / "city.duckdb"
    out: dict = {"load_start": load_average(), "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    if args.code is None:
        args.code, out["commit"] = frozen_code(args.work)
    else:
        out["commit"] = f"working tree {args.code}"
    if args.rebuild or not db.exists():
        out["build_s"] = round(build(db, args.code), 1)
        print(f"built {db} in {out['build_s']} s", flush=True)
    out["cpus"] = os.cpu_count()
    out["runs"] = []
    print(HEADER, flush=True)
    if (any(p > 1 for p in processes) or args.proxy) and not Path(NGINX).exists():
        print(f"{NGINX} is missing (apt-get install -y nginx)", file=sys.stderr)
        return 2
    for k in processes:
        for i, n in enumerate(counts):
            result = asyncio.run(measure(n, args, db, seed=2023 + i, processes=k))
            out["runs"].append(result)
            print_row(result)
            if args.json:
                args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1))
    out["load_end"] = load_average()
    held, held_clean = {}, {}
    for r in out["runs"]:
        within = r["all"]["p95_ms"] is not None and r["all"]["p95_ms"] <= args.target * 1000
        if within:
            held[r["processes"]] = max(held.get(r["processes"], 0), r["sessions"])
            if r["errors"] == 0 and r["steps_failed"] == 0:
                held_clean[r["processes"]] = max(held_clean.get(r["processes"], 0), r["sessions"])
    out["largest_n_p95_within_target"] = held  # processes -> sessions
    out["largest_n_p95_within_target_no_errors"] = held_clean
    shown = {**out, "runs": [{k: v for k, v in r.items() if k != "step_list"} for r in out["runs"]]}
    print(json.dumps(shown, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1))
    for k in processes:
        print(
            f"{k} process(es): largest N with p95 <= {args.target} s: {held.get(k)} (and no errors: "
            f"{held_clean.get(k)})"
        )
    print(f"load {out['load_start']} → {out['load_end']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
