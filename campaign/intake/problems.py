"""What ingest says when it refuses something: which file, row, column, value, and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: int | None = None  # as the user sees it in Excel or a text editor: 1-based, title lines counted
    column: str | None = None  # the header as written in the file
    value: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"第{self.row}行 (row {self.row})")
        if self.column is not None:
            where.append(f"列「{self.column}」")
        if self.value is not None:
            where.append(f"值「{self.value}」")
        return ", ".join(where) + ": " + self.message


class IngestRefused(Exception):
    """The whole run was refused; nothing was loaded."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... 另有 {len(problems) - 50} 个问题 ({len(problems) - 50} more)" if len(problems) > 50 else ""
        super().__init__(f"导入被拒绝，未载入任何数据 (ingest refused, nothing loaded):\n{shown}{more}")
