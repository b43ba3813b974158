"""``campaign serve``: check the configuration, then run the dashboard (Streamlit) and its health endpoint.

One process: the health endpoint answers from a thread beside Streamlit's server. Log lines go to
stderr as JSON (one object a line: ``at``, ``level``, ``logger``, ``message``, ``exc`` for a
traceback), Streamlit's own included, so journald or ``docker logs`` keep them searchable; every
ingest is also one JSON line in ``ingest-log.jsonl`` beside the database (campaign.intake.audit).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import logging
import math
import os
import sys

from campaign import config
from campaign.ops import health

ROOT = config.ROOT
DASHBOARD = ROOT / "dashboard.py"

log = logging.getLogger("campaign.ops.serve")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "at": dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        for key in ("event", "port", "health_port", "db"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        return json.dumps(line, ensure_ascii=False, default=str)


def json_logging() -> None:
    """JSON lines on stderr for the campaign package and for Streamlit's loggers (which do not propagate)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    package = logging.getLogger("campaign")
    package.handlers[:] = [handler]
    package.setLevel(logging.INFO)
    package.propagate = False

    import streamlit.logger as st_logger

    def setup_formatter(logger: logging.Logger) -> None:
        previous = getattr(logger, "streamlit_console_handler", None)
        if previous is not None:
            logger.removeHandler(previous)
        logger.streamlit_console_handler = logging.StreamHandler(sys.stderr)  # type: ignore[attr-defined]
        logger.streamlit_console_handler.setFormatter(JsonFormatter())  # type: ignore[attr-defined]
        logger.addHandler(logger.streamlit_console_handler)  # type: ignore[attr-defined]

    st_logger.setup_formatter = setup_formatter  # used by get_logger and update_formatter from now on
    st_logger.update_formatter()


def streamlit_args(settings: config.Settings) -> list[str]:
    """``streamlit run`` with the settings as flags (flags beat .streamlit/config.toml)."""
    return [
        "run",
        str(DASHBOARD),
        "--server.port",
        str(settings.port),
        "--server.address",
        settings.address,
        "--server.headless",
        "true",
        "--server.runOnSave",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.maxUploadSize",
        str(max(1, math.ceil(settings.max_upload_mb))),
        "--browser.gatherUsageStats",
        "false",
        "--browser.serverAddress",  # with a wildcard address, Streamlit would ask an outside host for ours
        "localhost",
        # an error a page did not expect shows its type, never its message or traceback (server paths): those go
        # to the log
        "--client.showErrorDetails",
        "type",
    ]


ARENAS = 2


def limit_malloc_arenas(count: int = ARENAS) -> bool:
    """At most ``count`` glibc malloc arenas from now on, as MALLOC_ARENA_MAX does; True if set here.

    glibc gives threads arenas of their own, up to 8 per core; Streamlit runs every script run in a new
    thread, and each arena keeps freed memory of its own: the server's RSS crept up over thousands of
    screen refreshes while the bytes in use stayed flat (benchmarks/screen_soak.py --trace). Effective
    before the process has 8 arenas (at start, or on the first run of dashboard.py); an operator's
    MALLOC_ARENA_MAX is left as it is.
    """
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL("libc.so.6").mallopt(-8, count) == 1  # -8: M_ARENA_MAX in <malloc.h>
    except (OSError, AttributeError):  # not glibc (musl has no arenas to limit)
        return False


def check_snapshots(db) -> None:
    """At start, every installed campaign's snapshot (the default one's is ``db``): one that cannot be read is
    logged naming its campaign, with the kept snapshot served instead."""
    from campaign.definition import DEFAULT_KEY

    for key in config.installed():
        chosen = config.campaign(key)
        check_snapshot(db if key == DEFAULT_KEY else chosen.db, f"{chosen.definition.name.zh} ({key})")


def check_snapshot(db, who: str = "") -> None:
    """At start: a published snapshot that cannot be read is logged, with the kept snapshot served instead."""
    from campaign.snapshot import store

    if not db.exists():
        return
    chosen = store.serving(db)
    where = f"{who}: " if who else ""
    if chosen.damaged and chosen.path is None:
        log.error(
            "%s没有可读的快照：请从备份恢复数据文件夹 (no snapshot reads: restore the data folder from a backup): %s",
            where,
            db,
        )
    elif chosen.damaged:
        log.error(
            "%s已发布的快照无法读取，提供保留的快照 %s；回滚 (the published snapshot cannot be read, serving the kept "
            "snapshot %s; roll back): campaign rollback --db %s %s",
            where,
            chosen.snapshot_id,
            chosen.snapshot_id,
            db,
            chosen.snapshot_id,
        )


def run(settings: config.Settings) -> int:
    """Run until stopped (SIGTERM, Ctrl-C); the caller has already checked ``settings``."""
    limit_malloc_arenas()
    json_logging()
    # the dashboard's pages, the data page and a re-read of the config all see the checked values
    os.environ.update(settings.environment())
    os.chdir(ROOT)  # .streamlit/config.toml and secrets.toml are read from here
    settings.db.parent.mkdir(parents=True, exist_ok=True)
    check_snapshots(settings.db)
    server = None
    if settings.health_port:
        host = "127.0.0.1" if settings.address in ("0.0.0.0", "::", "localhost") else settings.address
        url = f"http://{host if ':' not in host else f'[{host}]'}:{settings.port}"
        try:
            server = health.start_server(settings.address, settings.health_port, settings.db, settings.stale, url)
        except OSError as error:
            log.error("健康检查端口不可用 (health port unavailable) %s: %s", settings.health_port, error)
            return 2
    log.info(
        "启动 (starting) dashboard on %s:%s, health on %s, database %s",
        settings.address,
        settings.port,
        settings.health_port or "off",
        settings.db,
        extra={"event": "start", "port": settings.port, "health_port": settings.health_port, "db": str(settings.db)},
    )
    from streamlit.web import cli as st_cli

    from campaign.app.offline import no_outside_lookups

    no_outside_lookups()

    from campaign.app import access

    access.install()  # before the server takes its first request: uploads only from sessions logged in
    try:
        st_cli.main(args=streamlit_args(settings), prog_name="streamlit", standalone_mode=False)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        return code
    except Exception:
        log.exception("dashboard stopped with an error")
        return 1
    finally:
        if server is not None:
            server.shutdown()
        log.info("停止 (stopped)", extra={"event": "stop", "port": settings.port})
    return 0


def main_from_config(overrides: dict[str, str] | None = None) -> int:
    try:
        settings = config.load({**os.environ, **(overrides or {})})
    except config.ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    return run(settings)


if __name__ == "__main__":
    sys.exit(main_from_config())
