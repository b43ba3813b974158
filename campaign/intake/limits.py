"""Limits a file must keep to before anything parses it, so a small hostile file cannot take the machine's memory.

A workbook of 1 MB can unzip to gigabytes, a sheet of two cells (A1 and XFD1048576) makes the XLSX reader
allocate every cell between them (calamine keeps a sheet as one dense block, and aborts the process when it
cannot), a shared-strings part can claim four billion strings, a CSV line can hold a million columns or never
end. ``check`` looks at a file in chunks straight from the disk (a workbook's parts inflated a chunk at a time,
never extracted: ``campaign.intake.limits_workbook``) and names the first limit it passes; the parsers only ever see
files within every limit. Its own memory is a chunk and one line, whatever the file.

Each limit is a setting (``campaign.config``): a key in the config file or an environment variable.
"""

from __future__ import annotations

import codecs
import dataclasses
import errno
from collections.abc import Iterator
from itertools import repeat
from pathlib import Path

from campaign import config
from campaign.intake.problems import IngestRefused, Problem

CHUNK = 1 << 20  # bytes read (or inflated) at a time
HEADER_LINES = 20  # the lines the reader looks through for the header (reader.HEADER_SCAN_ROWS)


# the limits and their defaults are settings (campaign.config.FileLimits): read there, checked here
Limits = config.FileLimits


# what each limit is called in messages: (Chinese, English)
WHAT = {
    "max_file_mb": ("文件大小", "file size, MB"),
    "max_rows": ("行数", "rows"),
    "max_columns": ("列数", "columns"),
    "max_cells": ("单元格数（行数×列数）", "cells, rows x columns"),
    "max_field_chars": ("单个单元格的字符数", "characters in one field"),
    "max_line_kb": ("单行长度", "length of one line, KB"),
    "max_unzipped_mb": ("工作簿解压后大小", "workbook unzipped, MB"),
    "max_zip_ratio": ("压缩比", "compression ratio"),
}


def current(env: dict[str, str] | None = None) -> Limits:
    """The limits in force: environment, else config file, else the defaults; a value that is not a positive
    number is logged and its default used (``campaign serve --check`` refuses it: ``config.load``)."""
    return config.settings(env).limits


class Damaged(Exception):
    """A workbook the zip reader cannot open."""


class Over(Exception):
    """A limit passed: which, the value found (or a lower bound of it), and where."""

    def __init__(self, key: str, found: float | str, where: str = ""):
        super().__init__(key)
        self.key, self.found, self.where = key, found, where


def check(path: Path, name: str | None = None, limits: Limits | None = None) -> Problem | None:
    """The first limit ``path`` passes, as a problem naming the file, the limit and how to raise it; None if
    it keeps to all of them. Text files and workbooks by their suffix; a file that is not what its suffix says
    is left to the reader, which says so."""
    name = name or path.name
    limits = limits or current()
    try:
        stat = path.stat()
    except OSError as error:
        return Problem(name, f"无法读取文件 (cannot read the file): {error.strerror or error}")
    # a large run looks at each file twice (which districts it names, then its rows): scan it once
    key = (str(path.absolute()), stat.st_size, stat.st_mtime_ns, stat.st_ino, limits)
    if key not in _checked:
        if len(_checked) > 10_000:
            _checked.clear()
        _checked[key] = _check(path, stat.st_size, limits)
    found = _checked[key]
    return found if found is None or found.file == name else dataclasses.replace(found, file=name)


_checked: dict[tuple, Problem | None] = {}


def _check(path: Path, size: int, limits: Limits) -> Problem | None:
    name = path.name
    try:
        if size > limits.max_file_mb * 2**20:
            raise Over("max_file_mb", round(size / 2**20, 1))
        suffix = path.suffix.lower()
        with open(path, "rb") as handle:
            start = handle.read(4096)
            handle.seek(0)
            if suffix in (".xlsx", ".xlsm") and start[:2] == b"PK":
                from campaign.intake import limits_workbook  # which needs this module's names

                limits_workbook.check(handle, size, limits)
            elif suffix in (".csv", ".tsv", ".txt") and not _binary(start):
                _check_text(handle, suffix, limits)
    except Over as over:
        return _problem(name, over, limits)
    except Damaged as damaged:
        # the reader's words for a workbook it cannot open
        return Problem(name, f"无法读取 XLSX 工作簿 (cannot read the workbook): {damaged}")
    except OSError as error:
        return Problem(name, f"无法读取文件 (cannot read the file): {error.strerror or error}")
    return None


def _binary(start: bytes) -> bool:
    # as the reader decides (UTF-16 has NULs but a byte-order mark)
    return start[:2] not in (b"\xff\xfe", b"\xfe\xff") and (start[:2] == b"PK" or b"\x00" in start)


def _problem(name: str, over: Over, limits: Limits) -> Problem:
    zh, en = WHAT[over.key]
    limit = getattr(limits, over.key)
    shown = f"{limit:g}" if isinstance(limit, float) else f"{limit:,}"
    found = f"{over.found:,}" if isinstance(over.found, int) else str(over.found)
    where = f"{over.where}: " if over.where else ""
    return Problem(
        name,
        f"{where}{zh}超过上限 {shown}（本文件 {found}），未读取 ({en} over the limit {shown}: {found}; not read). "
        f"如确属正常文件，可调高上限：配置文件的 {over.key} 或环境变量 {config.ENV[over.key]} "
        f"(to take such a file, raise {over.key} in the config file or ${config.ENV[over.key]})",
    )


# ---------------------------------------------------------------------------------------------------
# text files


def _text_chunks(handle) -> Iterator[bytes]:
    """The file's bytes a chunk at a time; UTF-16 (Excel's "Unicode text") as UTF-8, as the reader reads it."""
    first = handle.read(CHUNK)
    if first[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        yield first
        yield from iter(lambda: handle.read(CHUNK), b"")
        return
    decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
    chunk = first
    while chunk:
        yield decoder.decode(chunk).encode("utf-8")
        chunk = handle.read(CHUNK)
    yield decoder.decode(b"", final=True).encode("utf-8")


def _check_text(handle, suffix: str, limits: Limits) -> None:
    """Lines (\\n, \\r\\n or \\r), the longest line, fields and the longest field, a chunk at a time. The delimiter
    is the reader's: tab for .tsv or when the first lines hold more tabs than commas. Delimiters inside quotes
    count as such: an upper bound on columns, close enough for a limit."""
    max_line = int(limits.max_line_kb * 1024)
    lines = 0
    commas = tabs = 0  # the most of each on one line
    first_commas = first_tabs = 0  # in the first lines, which decide the delimiter
    carry = b""
    for chunk in _text_chunks(handle):
        buffer = carry + chunk
        # a \r at the end may be half of a \r\n
        cut = len(buffer) - 1 if buffer.endswith(b"\r") and chunk else len(buffer)
        work = buffer[:cut].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        parts = work.split(b"\n")
        carry = parts.pop() + buffer[cut:]
        if len(carry) > max_line:
            raise Over("max_line_kb", f"> {len(carry) // 1024:,}", _line_at(lines + 1))
        if parts and max(map(len, parts)) > max_line:
            k, line = next((k, line) for k, line in enumerate(parts) if len(line) > max_line)
            raise Over("max_line_kb", f"{len(line) // 1024:,}", _line_at(lines + k + 1))
        _fields(parts, lines, limits)
        if lines < HEADER_LINES:
            first_commas += sum(p.count(b",") for p in parts[: HEADER_LINES - lines])
            first_tabs += sum(p.count(b"\t") for p in parts[: HEADER_LINES - lines])
        if parts:
            commas = max(commas, max(map(bytes.count, parts, repeat(b","))))
            tabs = max(tabs, max(map(bytes.count, parts, repeat(b"\t"))))
        lines += len(parts)
        columns = 1 + (tabs if suffix == ".tsv" or first_tabs > first_commas else commas)
        if lines > limits.max_rows:
            raise Over("max_rows", f"> {limits.max_rows:,}")
        if columns > limits.max_columns:
            raise Over("max_columns", columns)
        if lines * columns > limits.max_cells:
            raise Over("max_cells", f"> {limits.max_cells:,}")
    if carry:
        _fields([carry], lines, limits)


def _line_at(number: int) -> str:
    return f"第{number}行 (line {number})"


def _fields(lines: list[bytes], before: int, limits: Limits) -> None:
    """A line no longer than the field limit (in bytes: a character is at least one) cannot hold a longer
    field; a longer line is split on its more frequent delimiter and the long pieces counted in characters."""
    most = limits.max_field_chars
    if not lines or max(map(len, lines)) <= most:
        return
    for k, line in enumerate(lines):
        if len(line) <= most:
            continue
        sep = b"\t" if line.count(b"\t") > line.count(b",") else b","
        for piece in line.split(sep):
            if len(piece) > most:
                chars = len(_decode(piece))
                if chars > most:
                    raise Over("max_field_chars", chars, _line_at(before + k + 1))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


# ---------------------------------------------------------------------------------------------------
# a full disk


def disk_full(error: BaseException, db: Path) -> IngestRefused | None:
    """An ingest that ran out of disk space, as a refusal that says so; None for any other error. DuckDB says it
    in words (an IOException), the file system by errno."""
    if isinstance(error, OSError):
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
    else:
        text = str(error).lower()
        full = "no space left" in text or "disk quota exceeded" in text or "disk is full" in text
    if not full:
        return None
    return IngestRefused(
        [
            Problem(
                str(Path(db).parent),
                "磁盘空间不足，导入未完成，未载入任何数据，已发布的数据未改变；请腾出空间后重新导入 "
                "(the disk is full: the ingest did not finish, nothing was loaded and the published data is as "
                f"it was; free some space and run it again). {error}",
            )
        ]
    )
