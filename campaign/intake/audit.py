"""The ingest log beside the database (``ingest-log.jsonl``): one JSON line per run, loaded or refused, with
who ran it and each file's checksum; and who that is."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from pathlib import Path

from campaign import config
from campaign.intake.report import IngestReport

LOG_NAME = "ingest-log.jsonl"


def record(
    db: Path,
    who: str,
    paths: list[Path],
    names: list[str],
    outcome: str,
    *,
    report: IngestReport | None = None,
    problems: list[str] | None = None,
    digests: dict[int, str] | None = None,
) -> None:
    """One JSON line per run, loaded or refused, beside the database: the audit trail outlives rollbacks.

    ``digests``: the checksums already worked out, by the file's position (the others are read here)."""
    files = []
    for i, (path, name) in enumerate(zip(paths, names, strict=True)):
        try:
            if not (digest := (digests or {}).get(i)):
                with open(path, "rb") as handle:  # a file refused for its size is not read whole here either
                    digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            digest = None
        files.append({"name": name, "sha256": digest})
    line = {
        "at": dt.datetime.now().isoformat(timespec="seconds"),
        "who": who,
        "database": Path(db).name,
        "outcome": outcome,
        "files": files,
    }
    if report is not None:
        line |= report.changes()
    if problems is not None:
        line |= {"problems": len(problems), "first_problems": problems[:20]}
    try:
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        with open(Path(db).with_name(LOG_NAME), "a", encoding="utf-8") as log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")
    except OSError:
        pass  # a read-only data folder must not turn a good ingest into a failure


def current_user() -> str:
    """Who runs an ingest or rollback, for the record: the setting ``user`` ($CAMPAIGN_USER), else the login name."""
    given = config.settings().user
    if given:
        return given
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"
