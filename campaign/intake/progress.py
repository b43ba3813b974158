"""How far a long ingest has come, for the person waiting: a bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

# how far a run has come: step ("read", "check", "match", "publish"), files read, files in the run, rows read
Progress = Callable[[str, int, int, int], None]


@dataclass
class Counter:
    """A run's progress as it goes: files read and rows, told at every step."""

    tell: Progress
    total: int
    files: int = 0
    rows: int = 0

    def step(self, step: str, *, files: int = 0, rows: int = 0) -> None:
        self.files += files
        self.rows += rows
        self.tell(step, self.files, self.total, self.rows)


STEPS = {
    "read": ("读取文件", "reading files"),
    "check": ("检查", "checking"),
    "match": ("匹配名册", "matching to the rosters"),
    "publish": ("发布", "publishing"),
}


class Printer:
    """An ``ingest`` progress callback: files done of all, rows read, time left while reading (by the files' pace).
    On a terminal one line redrawn in place; otherwise a line a step and every tenth of the files."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stderr
        self.tty = self.out.isatty()
        self.started = time.monotonic()
        self.last: tuple[str, int] | None = None

    def __call__(self, step: str, done: int, total: int, rows: int) -> None:
        zh, en = STEPS.get(step, (step, step))
        left = ""
        if step == "read" and 0 < done < total:
            seconds = (time.monotonic() - self.started) / done * (total - done)
            left = f"，约剩 {seconds:.0f} 秒 (~{seconds:.0f} s left)"
        line = f"{zh} {done}/{total} 个文件，{rows:,} 行{left} ({en}: {done}/{total} files, {rows:,} rows)"
        if self.tty:
            width = 20
            filled = width * done // max(total, 1)
            self.out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {line}\033[K")
            if step == "publish":
                self.out.write("\n")
            self.out.flush()
            return
        tenth = max(total // 10, 1)
        mark = (step, done // tenth if step == "read" else 0)
        if mark != self.last or (step == "read" and done == total):
            if mark != self.last:
                print(line, file=self.out, flush=True)
            self.last = mark
