"""A workbook's zip, looked at before any reader opens it: its parts counted, their declared sizes and ratios,
then each part inflated a chunk at a time (never extracted) for its true size, the rows and columns its sheets
span, its shared strings' declared count and its longest run of text. See ``campaign.intake.limits``."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from itertools import repeat
from operator import itemgetter

from campaign.intake.limits import CHUNK, Damaged, Limits, Over

MAX_PARTS = 1000  # parts of a workbook: Excel writes a few dozen; each costs the zip reader an object
SMALL_PART = 1 << 20  # a part unzipping to less than this is harmless whatever its compression ratio


def check(handle, size: int, limits: Limits) -> None:
    """Every part's sizes as the directory declares them, then each part inflated a chunk at a time (the
    declared sizes can lie): the true unzipped sizes, and in the sheets the rows and columns they span."""
    _count_parts(handle, size)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, ValueError, struct.error) as error:
        raise Damaged(str(error)) from None
    with archive:
        infos = archive.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_unzipped_mb * 2**20:
            raise Over("max_unzipped_mb", round(declared / 2**20, 1))
        for info in infos:
            if info.file_size > SMALL_PART and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
                raise Over("max_zip_ratio", round(info.file_size / max(info.compress_size, 1)), info.filename)
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
                    raise Over("max_unzipped_mb", f"> {limits.max_unzipped_mb:g}")
                if gap is not None:
                    gap.feed(piece)
                if scan is not None:
                    scan.feed(piece)
                if strings is not None:
                    strings.feed(piece)
            if scan is not None:
                cells += scan.finish()
                if cells > limits.max_cells:
                    raise Over("max_cells", f"> {limits.max_cells:,}")


def _count_parts(handle, size: int) -> None:
    """The number of parts from the end record, before the zip reader makes an object for each."""
    tail = min(size, 22 + 65535)
    handle.seek(size - tail)
    end = handle.read(tail)
    at = end.rfind(b"PK\x05\x06")
    if at < 0 or len(end) < at + 22:
        raise Damaged("no end of central directory")
    (entries,) = struct.unpack("<H", end[at + 10 : at + 12])
    if entries > MAX_PARTS:  # 0xFFFF: a ZIP64 directory, which a workbook never needs
        raise Damaged(f"{entries} parts (a workbook has a few dozen)")
    handle.seek(0)


def _inflate(handle, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes as a reader of the workbook gets them: its compressed bytes inflated up to the end of
    the deflate stream, whatever size the directory declares."""
    if info.flag_bits & 0x1:
        raise Damaged(f"{info.filename}: encrypted")
    handle.seek(info.header_offset)
    head = handle.read(30)
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise Damaged(f"{info.filename}: bad local header")
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
        raise Damaged(f"{info.filename}: compression method {info.compress_type} (Excel uses deflate)")
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
        raise Damaged(f"{info.filename}: {error}") from None


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
            raise Over("max_field_chars", chars, self.member)


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
                raise Over("max_cells", int(value), "xl/sharedStrings.xml")


_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
# as every writer places a cell; any other form is read tag by tag
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_REF = re.compile(rb'\br\s*=\s*["\']([A-Za-z]*)(\d*)["\']')
_PLACED = (b"r=", b"r ", b"r\t", b"r\n", b"r\r")  # an r attribute however spaced (or text that looks like one)


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
        # every tag whose name starts with c, unprefixed: cells, and in a sheet's first and last chunk <cols>,
        # <conditionalFormatting> and the like, which send that chunk tag by tag
        tags = data.count(b"<c", 0, cut)
        prefixed = any(data.find(mark, 0, cut) >= 0 for mark in (b":c", b":row"))
        refs = _CELL_REF.findall(data, 0, cut)
        if refs and not prefixed and len(refs) == tags:
            self._every_cell_placed(refs)  # as every writer does: fast, no Python work a tag
        elif not prefixed and tags == _cells_in(data, cut) and not any(data.find(m, 0, cut) >= 0 for m in _PLACED):
            self._none_placed(data[:cut])  # rows and cells one after the other: a row's work, not a tag's
        else:
            self._tag_by_tag(data, cut)  # anything else the XML allows
        self._check()

    def _every_cell_placed(self, refs: list[tuple[bytes, bytes]]) -> None:
        numbers = list(map(int, map(itemgetter(1), refs)))
        columns = [_column_number(letters) for letters in set(map(itemgetter(0), refs))]
        self._span(min(numbers), max(numbers), min(columns), max(columns))
        self.row, self.column = numbers[-1], _column_number(refs[-1][0])

    def _none_placed(self, data: bytes) -> None:
        # every tag here starting with <c is a cell (the caller made sure): one count a row
        counts = list(map(bytes.count, data.split(b"<row"), repeat(b"<c")))
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
            raise Over("max_rows", rows, self.member)
        if columns > self.limits.max_columns:
            raise Over("max_columns", columns, self.member)
        if rows * columns > self.limits.max_cells:
            raise Over("max_cells", rows * columns, self.member)

    def finish(self) -> int:
        if self.rows is None or self.columns is None:
            return 0
        return (self.rows[1] - self.rows[0] + 1) * (self.columns[1] - self.columns[0] + 1)


def _cells_in(data: bytes, end: int) -> int:
    return data.count(b"<c>", 0, end) + data.count(b"<c ", 0, end) + data.count(b"<c/>", 0, end)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number
