"""Limits a file must keep to before anything parses it, so a small hostile file cannot take the machine's memory.

A workbook of 1 MB can unzip to gigabytes, a sheet of two cells (A1 and XFD1048576) makes the XLSX reader
allocate every cell between them (calamine keeps a sheet as one dense block, and aborts the process when it
cannot), a shared-strings part can claim four billion strings, a CSV line can hold a million columns or never
end. ``check`` looks at a file in chunks straight from the disk (a workbook's parts inflated a chunk at a time,
never extracted) and names the first limit it passes; the parsers only ever see files within every limit. Its
own memory is a chunk and one line, whatever the file.

Each limit is a setting (``campaign.config``): a key in the config file or an environment variable.
"""

from __future__ import annotations

import codecs
import dataclasses
import errno
import logging
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from campaign import config
from campaign.problems import IngestRefused, Problem

log = logging.getLogger(__name__)

CHUNK = 1 << 20  # bytes read (or inflated) at a time
MAX_PARTS = 1000  # parts of a workbook: Excel writes a few dozen; each costs the zip reader an object
SMALL_PART = 1 << 20  # a part unzipping to less than this is harmless whatever its compression ratio
HEADER_LINES = 20  # the lines the reader looks through for the header (reader.HEADER_SCAN_ROWS)


@dataclass(frozen=True)
class Limits:
    """Defaults let the largest legitimate files through with room to spare: a district's roster of ~100,000
    rows, a country's files of one district each (``campaign.scale``)."""

    max_file_mb: float = 256.0  # a file's size on disk
    max_rows: int = 1_000_000  # lines of a text file; rows a sheet spans
    max_columns: int = 200  # fields of a line; columns a sheet spans
    max_cells: int = 10_000_000  # rows x columns of a text file; of a workbook, its sheets together
    max_field_chars: int = 32_767  # one field or cell (Excel's own limit for a cell)
    max_line_kb: float = 1024.0  # one line of a text file
    max_unzipped_mb: float = 1024.0  # a workbook's parts unzipped, together
    max_zip_ratio: float = 200.0  # a workbook part's unzipped size over its compressed size

    def describe(self) -> dict[str, float | int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


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
    env = os.environ if env is None else env
    given: dict[str, float | int] = {}
    for f in fields(Limits):
        raw = env.get(config.ENV[f.name], "").strip() or config.file_value(f.name, env)
        if raw in (None, ""):
            continue
        value = parse(f.name, raw)
        if value is None:
            log.warning(
                "限值无效，使用默认值 (a limit that is not a positive number; the default is used): %s = %r",
                f.name,
                raw,
            )
            continue
        given[f.name] = value
    return Limits(**given)


WHOLE = frozenset(f.name for f in fields(Limits) if f.type == "int")


def parse(key: str, raw: object) -> float | int | None:
    """``raw`` as the limit ``key`` takes (a positive number; whole for counts), or None."""
    if isinstance(raw, bool):
        return None
    whole = key in WHOLE
    try:
        value = float(str(raw).replace("_", "").strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        return None
    if not value > 0 or value == float("inf") or (whole and value != int(value)):
        return None
    return int(value) if whole else value


class _Over(Exception):
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
            raise _Over("max_file_mb", round(size / 2**20, 1))
        suffix = path.suffix.lower()
        with open(path, "rb") as handle:
            start = handle.read(4096)
            handle.seek(0)
            if suffix in (".xlsx", ".xlsm") and start[:2] == b"PK":
                _check_workbook(handle, size, limits)
            elif suffix in (".csv", ".tsv", ".txt") and not _binary(start):
                _check_text(handle, suffix, limits)
    except _Over as over:
        return _problem(name, over, limits)
    except _Damaged as damaged:
        # the reader's words for a workbook it cannot open
        return Problem(name, f"无法读取 XLSX 工作簿 (cannot read the workbook): {damaged}")
    except OSError as error:
        return Problem(name, f"无法读取文件 (cannot read the file): {error.strerror or error}")
    return None


def _binary(start: bytes) -> bool:
    # as the reader decides (UTF-16 has NULs but a byte-order mark)
    return start[:2] not in (b"\xff\xfe", b"\xfe\xff") and (start[:2] == b"PK" or b"\x00" in start)


def _problem(name: str, over: _Over, limits: Limits) -> Problem:
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
            raise _Over("max_line_kb", f"> {len(carry) // 1024:,}", _line_at(lines + 1))
        if parts and max(map(len, parts)) > max_line:
            k, line = next((k, line) for k, line in enumerate(parts) if len(line) > max_line)
            raise _Over("max_line_kb", f"{len(line) // 1024:,}", _line_at(lines + k + 1))
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
            raise _Over("max_rows", f"> {limits.max_rows:,}")
        if columns > limits.max_columns:
            raise _Over("max_columns", columns)
        if lines * columns > limits.max_cells:
            raise _Over("max_cells", f"> {limits.max_cells:,}")
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
                    raise _Over("max_field_chars", chars, _line_at(before + k + 1))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


# ---------------------------------------------------------------------------------------------------
# workbooks


class _Damaged(Exception):
    pass


def _check_workbook(handle, size: int, limits: Limits) -> None:
    """Every part's sizes as the directory declares them, then each part inflated a chunk at a time (the
    declared sizes can lie): the true unzipped sizes, and in the sheets the rows and columns they span."""
    _count_parts(handle, size)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, ValueError, struct.error) as error:
        raise _Damaged(str(error)) from None
    with archive:
        infos = archive.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_unzipped_mb * 2**20:
            raise _Over("max_unzipped_mb", round(declared / 2**20, 1))
        for info in infos:
            if info.file_size > SMALL_PART and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
                raise _Over("max_zip_ratio", round(info.file_size / max(info.compress_size, 1)), info.filename)
        total = 0
        cells = 0
        for info in infos:
            if info.is_dir():
                continue
            scan = _SheetScan(info.filename, limits) if _is_sheet(info.filename) else None
            strings = _SharedStrings(limits) if info.filename.endswith("sharedStrings.xml") else None
            gap = _TextGap(info.filename, limits) if info.filename.endswith(".xml") else None
            for piece in _inflate(handle, info):
                total += len(piece)
                if total > limits.max_unzipped_mb * 2**20:
                    raise _Over("max_unzipped_mb", f"> {limits.max_unzipped_mb:g}")
                if gap is not None:
                    gap.feed(piece)
                if scan is not None:
                    scan.feed(piece)
                if strings is not None:
                    strings.feed(piece)
            if scan is not None:
                cells += scan.finish()
                if cells > limits.max_cells:
                    raise _Over("max_cells", f"> {limits.max_cells:,}")


def _count_parts(handle, size: int) -> None:
    """The number of parts from the end record, before the zip reader makes an object for each."""
    tail = min(size, 22 + 65535)
    handle.seek(size - tail)
    end = handle.read(tail)
    at = end.rfind(b"PK\x05\x06")
    if at < 0 or len(end) < at + 22:
        raise _Damaged("no end of central directory")
    (entries,) = struct.unpack("<H", end[at + 10 : at + 12])
    if entries > MAX_PARTS:  # 0xFFFF: a ZIP64 directory, which a workbook never needs
        raise _Damaged(f"{entries} parts (a workbook has a few dozen)")
    handle.seek(0)


def _inflate(handle, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes as a reader of the workbook gets them: its compressed bytes inflated up to the end of
    the deflate stream, whatever size the directory declares."""
    if info.flag_bits & 0x1:
        raise _Damaged(f"{info.filename}: encrypted")
    handle.seek(info.header_offset)
    head = handle.read(30)
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise _Damaged(f"{info.filename}: bad local header")
    name_length, extra_length = struct.unpack("<HH", head[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        while left > 0:
            raw = handle.read(min(CHUNK, left))
            if not raw:
                break
            left -= len(raw)
            yield raw
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _Damaged(f"{info.filename}: compression method {info.compress_type} (Excel uses deflate)")
    inflater = zlib.decompressobj(-15)
    try:
        while left > 0 and not inflater.eof:
            raw = handle.read(min(CHUNK, left))
            if not raw:
                break
            left -= len(raw)
            while raw and not inflater.eof:
                piece = inflater.decompress(raw, CHUNK)
                if piece:
                    yield piece
                raw = inflater.unconsumed_tail
    except zlib.error as error:
        raise _Damaged(f"{info.filename}: {error}") from None


def _is_sheet(member: str) -> bool:
    return member.startswith("xl/worksheets/") and member.endswith(".xml")


class _TextGap:
    """The longest run of text between two of '<' and '>' in a part: a cell's text (or an attribute) is such a
    run. Runs are found by their bytes (a character takes at least one) and counted in characters only when
    long enough to matter."""

    def __init__(self, member: str, limits: Limits):
        self.member, self.most = member, limits.max_field_chars
        self.tail = b""  # from the last '<' or '>' fed so far

    def feed(self, piece: bytes) -> None:
        data = self.tail + piece
        half = max(self.most // 2, 1)
        # a run longer than the limit leaves a block of half its length with neither: look closer only there
        for k in range(0, len(data), half):
            if data.find(b"<", k, k + half) < 0 and data.find(b">", k, k + half) < 0:
                start = max(data.rfind(b"<", 0, k), data.rfind(b">", 0, k)) + 1
                ends = [e for e in (data.find(b"<", k), data.find(b">", k)) if e >= 0]
                if not ends:
                    break  # the run goes on into the next piece: the tail holds it
                self._run(data[start : min(ends)])
        last = max(data.rfind(b"<"), data.rfind(b">"))
        self.tail = data[last:] if last >= 0 else data
        if len(self.tail) > self.most:
            self._run(self.tail.lstrip(b"<>"))

    def _run(self, run: bytes) -> None:
        if len(run) <= self.most:
            return
        # an entity (&amp; &#x540D;) is one character; no character takes more than 16 bytes however written
        text = run.decode("utf-8", "replace")
        chars = len(text) - sum(len(e) - 1 for e in re.findall(r"&#?\w{1,12};", text))
        if chars > self.most or len(run) > 16 * self.most:
            raise _Over("max_field_chars", chars, self.member)


class _SharedStrings:
    """The count the shared strings' root element declares: the XLSX reader reserves room for that many."""

    def __init__(self, limits: Limits):
        self.limits, self.head, self.done = limits, b"", False

    def feed(self, piece: bytes) -> None:
        if self.done:
            return
        self.head += piece[:4096]
        found = re.search(rb"<(?:\w+:)?sst\b[^>]*>", self.head)
        if found is None and len(self.head) < 8192:
            return
        self.done = True
        for value in re.findall(rb'\b(?:uniqueCount|count)\s*=\s*["\'](\d+)', found.group(0) if found else b""):
            if int(value) > self.limits.max_cells:
                raise _Over("max_cells", int(value), "xl/sharedStrings.xml")


_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
# as every writer places a cell; any other form is read tag by tag
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_REF = re.compile(rb'\br\s*=\s*["\']([A-Za-z]*)(\d*)["\']')


class _SheetScan:
    """The rows and columns a sheet spans, as the reader will lay it out: from the first to the last row and
    column holding a cell (a row or cell without a reference follows the one before)."""

    def __init__(self, member: str, limits: Limits):
        self.member, self.limits = member, limits
        self.carry = b""
        self.row = 0
        self.column = 0
        self.rows: tuple[int, int] | None = None  # first and last row with a cell
        self.columns: tuple[int, int] | None = None

    def feed(self, piece: bytes) -> None:
        data = self.carry + piece
        cut = data.rfind(b"<")
        if cut < 0 or data.find(b">", cut) >= 0:
            cut = len(data)  # the last tag is complete
        self.carry = data[cut:]
        refs = _CELL_REF.findall(data, 0, cut)
        if refs and len(refs) == data.count(b"<c ", 0, cut) + data.count(b"<c>", 0, cut) + data.count(b"<c/>", 0, cut):
            self._every_cell_placed(refs)  # as every writer does: fast, no Python work a tag
        elif not any(data.find(mark, 0, cut) >= 0 for mark in (b"r=", b"r =", b":c ", b":c>", b":row")):
            self._none_placed(data[:cut])  # rows and cells one after the other: a row's work, not a tag's
        else:
            self._tag_by_tag(data, cut)
        self._check()

    def _every_cell_placed(self, refs: list[tuple[bytes, bytes]]) -> None:
        numbers = list(map(int, map(itemgetter(1), refs)))
        columns = [_column_number(letters) for letters in set(map(itemgetter(0), refs))]
        self._span(min(numbers), max(numbers), min(columns), max(columns))
        self.row, self.column = numbers[-1], _column_number(refs[-1][0])

    def _none_placed(self, data: bytes) -> None:
        counts = list(map(_cells_in, data.split(b"<row")))
        if counts[0]:  # the rest of the row going on from the last piece
            self.column += counts[0]
            self._span(max(self.row, 1), max(self.row, 1), 1, self.column)
        later = counts[1:]
        if later:
            filled = [number for number, cells in enumerate(later, start=self.row + 1) if cells]
            if filled:
                self._span(filled[0], filled[-1], 1, max(later))
            self.row += len(later)
            self.column = later[-1]

    def _tag_by_tag(self, data: bytes, cut: int) -> None:
        for match in _TAG.finditer(data, 0, cut):
            kind, attributes = match.groups()
            ref = _REF.search(attributes)
            if kind == b"row":
                self.row = int(ref.group(2)) if ref and ref.group(2) else self.row + 1
                self.column = 0
                continue
            if ref and ref.group(1):
                self.column = _column_number(ref.group(1))
                self.row = int(ref.group(2)) if ref.group(2) else self.row
            else:
                self.column += 1
            self._span(self.row, self.row, self.column, self.column)

    def _span(self, first_row: int, last_row: int, first_column: int, last_column: int) -> None:
        if self.rows is None or self.columns is None:
            self.rows, self.columns = (first_row, last_row), (first_column, last_column)
            return
        self.rows = (min(self.rows[0], first_row), max(self.rows[1], last_row))
        self.columns = (min(self.columns[0], first_column), max(self.columns[1], last_column))

    def _check(self) -> None:
        if self.rows is None or self.columns is None:
            return
        rows = self.rows[1] - self.rows[0] + 1
        columns = self.columns[1] - self.columns[0] + 1
        if rows > self.limits.max_rows:
            raise _Over("max_rows", rows, self.member)
        if columns > self.limits.max_columns:
            raise _Over("max_columns", columns, self.member)
        if rows * columns > self.limits.max_cells:
            raise _Over("max_cells", rows * columns, self.member)

    def finish(self) -> int:
        if self.rows is None or self.columns is None:
            return 0
        return (self.rows[1] - self.rows[0] + 1) * (self.columns[1] - self.columns[0] + 1)


def _cells_in(row: bytes) -> int:
    return row.count(b"<c>") + row.count(b"<c ") + row.count(b"<c/>")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


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
