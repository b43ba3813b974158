"""The data page's administrator login: failed attempts slowed down and locked out, every attempt logged.

A guess is checked only when the wait its session's failures and everyone's failures impose has passed;
until then it is refused unchecked. Waits grow exponentially past a few free failures, up to a lock:

- per session: 3 failures free, then 1, 2, 4 ... s, at most 5 minutes;
- all sessions of the process together (a new session is free to open, so this is the one that counts
  against a guesser): 20 failures free, then 1, 2, 4 ... s, at most 15 minutes.

Failures are forgotten an hour after they happened; a success clears its session's. The counts live in
the process: with several processes behind nginx each counts its own, and a restart clears them.

Every attempt, right, wrong or refused unchecked, is one JSON line in the ingest log beside the database
(``event``: ``login``, ``outcome``: ``ok``, ``wrong password`` or ``locked``, ``who`` when given).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from campaign.intake import uploads
from campaign.intake.audit import LOG_NAME  # the audit trail of who changed what
from campaign.snapshot import store

WINDOW = 3600.0


@dataclass
class Throttle:
    free: int  # failures with no wait after them
    cap: float  # the longest wait, seconds: a lock
    base: float = 1.0  # the first wait, seconds
    window: float = WINDOW
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def wait(self, key: str, now: float | None = None) -> float:
        """Seconds until an attempt under ``key`` is checked (0: now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._recent(key, now)
            if len(times) < self.free:
                return 0.0
            delay = min(self.cap, self.base * 2.0 ** (len(times) - self.free))
            return max(0.0, times[-1] + delay - now)

    def failed(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._recent(key, now)
            self._failures.setdefault(key, []).append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


PER_SESSION = Throttle(free=3, cap=300.0)
EVERYONE = Throttle(free=20, cap=900.0)
_ALL = "*"


@dataclass(frozen=True)
class Outcome:
    admin: bool
    outcome: str  # ok, wrong password, locked
    wait: int = 0  # seconds, when locked


def attempt(
    given: str,
    expected: str | None,
    session: str,
    *,
    who: str | None = None,
    address: str | None = None,
    db: Path | None = None,
    now: float | None = None,
) -> Outcome:
    """Check one login attempt of ``session``, unless its or everyone's failures say wait; log it."""
    wait = max(PER_SESSION.wait(session, now), EVERYONE.wait(_ALL, now))
    if wait > 0:
        done = Outcome(False, "locked", int(wait) + 1)
    elif uploads.password_ok(given, expected):
        PER_SESSION.clear(session)
        done = Outcome(True, "ok")
    else:
        PER_SESSION.failed(session, now)
        EVERYONE.failed(_ALL, now)
        done = Outcome(False, "wrong password")
    log(done, who=who, address=address, db=db)
    return done


def log(done: Outcome, *, who: str | None, address: str | None, db: Path | None) -> None:
    record = {
        "at": dt.datetime.now().isoformat(timespec="seconds"),
        "event": "login",
        "who": who or None,
        "from": address if isinstance(address, str) else None,  # None on localhost
        "outcome": done.outcome,
    }
    if done.wait:
        record["wait_seconds"] = done.wait
    path = Path(db) if db else store.default_db()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(LOG_NAME), "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError:
        pass  # a read-only data folder must not stop a login
