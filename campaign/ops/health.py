"""Health: is the dashboard answering, and how old is the published snapshot?

``check`` gives one JSON-ready dict and a status:

- ``ok``: a snapshot is published, newer than the stale limit, and the dashboard (when asked) answers;
- ``stale``: as ok, but the last ingest is older than the stale limit (no new data for too long);
- ``no-data``: there is no published snapshot, or it cannot be read;
- ``down``: the dashboard does not answer its own health check (``/_stcore/health``).

``check_all`` does so for every installed campaign, each one's snapshot (the worst status is the whole's, and
``problems`` says what is wrong naming the campaign). ``campaign health`` prints it (``check`` alone for ``--db`` or
``--campaign``) and exits 0 (ok), 1 (stale) or 2 (no-data, down). ``campaign serve`` also answers
``check_all`` over HTTP on the health port (``GET /health``): 200 for ok and stale (the process is fine, the data
is old), 503 for no-data and down. Streamlit 1.67's own server has no custom routes we can
rely on (``st.App`` is experimental), so the endpoint is a small server of its own beside it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from campaign.snapshot import connect

EXIT = {"ok": 0, "stale": 1, "no-data": 2, "down": 2}
HTTP = {"ok": 200, "stale": 200, "no-data": 503, "down": 503}

log = logging.getLogger(__name__)


def snapshot(db: Path, stale_after: dt.timedelta | None, now: dt.datetime | None = None) -> dict:
    """The published snapshot: when it was published, its last ingest, its age and whether it is stale."""
    # not at import: campaign.ops.serve limits malloc's arenas before Polars starts threads
    from campaign.snapshot import lookup, store

    db = Path(db)
    now = now or dt.datetime.now()
    try:
        published = store.published(db)
    except OSError:
        published = None
    info: dict = {"database": str(db), "exists": published is not None}
    info["stale_after_seconds"] = stale_after.total_seconds() if stale_after else None
    if published is None:
        return info
    why = store.damage(db)
    if why is not None:  # the dashboard serves the newest kept snapshot that reads, if any, until a rollback
        found = store.newest_readable(db)
        info |= {"error": why, "damaged": True, "serving_kept_snapshot": found[0] if found else None}
        info["rollback"] = f"campaign rollback --db {db} {found[0] if found else 'SNAPSHOT_ID'}"
        return info
    try:
        info["published_at"] = dt.datetime.fromtimestamp(published.mtime_ns / 1e9).isoformat(timespec="seconds")
        figures = lookup.counts(db)
    except (*connect.ERRORS, OSError) as error:
        info["error"] = str(error)
        return info
    info["units"], info["events"] = figures.units, figures.events
    if figures.last_ingest:
        ingest_id, loaded_at, outcome = figures.last_ingest
        age = (now - loaded_at).total_seconds()  # loaded_at is local time, as the ingests table keeps it
        info |= {
            "last_ingest_id": ingest_id,
            "last_ingest_at": loaded_at.isoformat(timespec="seconds"),
            "last_ingest_outcome": outcome,
            "age_seconds": round(age, 1),
            "stale": bool(stale_after and age > stale_after.total_seconds()),
        }
    return info


def dashboard_answers(url: str, timeout: float = 3.0) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/_stcore/health", timeout=timeout) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError, ValueError):
        return False


def check(db: Path, stale_after: dt.timedelta | None, dashboard_url: str | None = None) -> tuple[str, dict]:
    info = {"checked_at": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
    info["snapshot"] = snap = snapshot(db, stale_after)
    if dashboard_url:
        info["dashboard"] = {"url": dashboard_url, "answers": dashboard_answers(dashboard_url)}
    if dashboard_url and not info["dashboard"]["answers"]:
        status = "down"
    elif not snap["exists"] or "error" in snap or "last_ingest_id" not in snap:
        status = "no-data"
    elif snap.get("stale"):
        status = "stale"
    else:
        status = "ok"
    return status, {"status": status, **info}


RANK = ("ok", "stale", "no-data", "down")  # the worse of two statuses is the later


def _said(key: str, name: str, status: str, snap: dict) -> str | None:
    """What is wrong with one campaign's snapshot, naming the campaign, Chinese first; None when nothing is."""
    who = f"{name} ({key})"
    if status == "empty":
        return (
            f"{who}: 尚无快照（有样例的活动在首次选择时建立，否则用 campaign ingest --campaign {key} 导入）"
            f" (no snapshot yet: one with a sample is built when first chosen; else load with campaign ingest)"
        )
    if "error" in snap:
        return f"{who}: 快照无法读取 (the snapshot cannot be read): {snap['error']}"
    if status == "no-data":
        return f"{who}: 尚未导入数据 (no data loaded): {snap['database']}"
    if status == "stale":
        at = snap.get("last_ingest_at")
        return f"{who}: 最近导入于 {at}，数据已过期 (no new data since {at})"
    return None


def _status(snap: dict) -> str:
    if not snap["exists"] or "error" in snap or "last_ingest_id" not in snap:
        return "no-data"
    return "stale" if snap.get("stale") else "ok"


def check_all(db: Path, stale_after: dt.timedelta | None, dashboard_url: str | None = None) -> tuple[str, dict]:
    """``check`` of the default campaign's snapshot ``db``, then of every other installed campaign's: the status is
    the worst of them, each campaign is listed by key with its name and status, and what is wrong is said naming
    it (``problems``). Another campaign with no snapshot yet is ``empty``: said, not counted against the whole."""
    from campaign import config
    from campaign.definition import DEFAULT_KEY

    status, body = check(db, stale_after, dashboard_url)
    listed, problems = {}, []
    for key in config.installed():
        chosen = config.campaign(key)
        snap = body["snapshot"] if key == DEFAULT_KEY else snapshot(chosen.db, stale_after)
        own = _status(snap)
        if key != DEFAULT_KEY and not snap["exists"]:
            own = "empty"
        elif RANK.index(own) > RANK.index(status):
            status = own
        name = chosen.definition.name.zh
        listed[key] = {"name": name, "status": own, "database": snap["database"]}
        if key != DEFAULT_KEY:
            listed[key]["snapshot"] = snap
        said = _said(key, name, own, snap)
        if said:
            problems.append(said)
    return status, {**body, "status": status, "campaigns": listed, "problems": problems}


class _Handler(BaseHTTPRequestHandler):
    server: HealthServer

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        if self.path.split("?")[0] not in ("/", "/health", "/healthz"):
            self.send_error(404)
            return
        try:
            status, body = check_all(self.server.db, self.server.stale_after, self.server.dashboard_url)
        except Exception as error:  # the endpoint must answer whatever happens
            log.exception("health check failed")
            status, body = "down", {"status": "down", "error": str(error)}
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(HTTP[status])
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # monitors poll often; their requests are not worth a log line


class HealthServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: str, port: int, db: Path, stale_after: dt.timedelta | None, dashboard_url: str):
        super().__init__((address, port), _Handler)
        self.db, self.stale_after, self.dashboard_url = Path(db), stale_after, dashboard_url


def start_server(
    address: str, port: int, db: Path, stale_after: dt.timedelta | None, dashboard_url: str
) -> HealthServer:
    """Answer ``GET /health`` on ``address:port`` from a daemon thread; returns the server (``shutdown()``)."""
    server = HealthServer(address, port, db, stale_after, dashboard_url)
    threading.Thread(target=server.serve_forever, name="campaign-health", daemon=True).start()
    return server
