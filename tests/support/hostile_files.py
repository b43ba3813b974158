"""Hostile files, small on disk, for the limits' tests: zip-bomb workbooks, very wide and never-ending CSV."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HEADER = "区,街镇,居委,小区名称,类型,户数,人口"
ROW = "金山区,山阳镇,海欣居民区,海皓馨苑,小区,1240,2390"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{sst}</Types>"
)
_SST_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>{sst}</Relationships>'
)
_SST_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def column_letters(n: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def row_xml(number: int, values: Iterable[str], first_column: int = 1) -> str:
    cells = "".join(
        f'<c r="{column_letters(first_column + k)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for k, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


@dataclass
class Part:
    """A zip member: its deflated bytes as stored, their CRC-32 and unzipped size (``declared``: what the
    directory says instead, to lie about it)."""

    name: str
    raw: bytes
    crc: int
    size: int
    declared: int | None = None


def deflated(name: str, text: str | bytes) -> Part:
    data = text.encode() if isinstance(text, str) else text
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Part(name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def repeated(name: str, head: bytes, block: bytes, times: int, tail: bytes) -> Part:
    """``head + block * times + tail`` deflated without ever being made: ``block`` is deflated once and its
    bytes repeated (a full flush makes each copy stand alone), as a zip bomb is built."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    one = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return Part(name, first + one * times + last, crc, len(head) + len(block) * times + len(tail))


def write_zip(path: Path, parts: list[Part]) -> Path:
    """A zip of deflated parts, written by hand so that parts can be bombs and sizes can lie."""
    out = bytearray()
    directory = bytearray()
    for part in parts:
        name = part.name.encode()
        size = part.size if part.declared is None else part.declared
        fixed = (20, 0x800, 8, 0, 0x21, part.crc, len(part.raw), size, len(name))
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fixed, 0, 0, 0, 0, 0, len(out)) + name
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fixed, 0) + name + part.raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), len(out), 0)
    path.write_bytes(bytes(out + directory + end))
    return path


def workbook_parts(sheet: Part, shared_strings: str | None = None) -> list[Part]:
    sst = shared_strings is not None
    parts = [
        deflated("[Content_Types].xml", _CONTENT_TYPES.format(sst=_SST_TYPE if sst else "")),
        deflated("_rels/.rels", _RELS),
        deflated("xl/workbook.xml", _WORKBOOK),
        deflated("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(sst=_SST_REL if sst else "")),
    ]
    if sst:
        parts.append(deflated("xl/sharedStrings.xml", shared_strings))
    return [*parts, sheet]


def sheet_head(dimension: str | None = None) -> bytes:
    return _SHEET_HEAD.format(dimension=f'<dimension ref="{dimension}"/>' if dimension else "").encode()


SHEET = "xl/worksheets/sheet1.xml"
SHEET_TAIL = _SHEET_TAIL.encode()


def write_xlsx(
    path: Path, rows: Iterable[str], *, dimension: str | None = None, shared_strings: str | None = None
) -> Path:
    """A one-sheet workbook of these rows (XML of <row> elements)."""
    sheet = deflated(SHEET, sheet_head(dimension) + "".join(rows).encode() + SHEET_TAIL)
    return write_zip(path, workbook_parts(sheet, shared_strings))


def bomb_xlsx(path: Path, unzipped: int, *, lie: bool = False) -> Path:
    """A workbook whose sheet, a header and the same roster row again and again without row numbers, unzips to
    about ``unzipped`` bytes (``lie``: the directory says it unzips to a few kB)."""

    def unplaced(values: list[str]) -> str:  # a row and cells without references, as the specification allows
        return "<row>" + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values) + "</row>"

    block = (unplaced(ROW.split(",")) * 30_000).encode()
    head = sheet_head() + unplaced(HEADER.split(",")).encode()
    sheet = repeated(SHEET, head, block, max(1, unzipped // len(block)), SHEET_TAIL)
    if lie:
        sheet.declared = 4096
    return write_zip(path, workbook_parts(sheet))


def roster_rows(n: int, start: int = 1) -> Iterable[str]:
    """A header then ``n`` roster rows, as sheet XML."""
    yield row_xml(start, HEADER.split(","))
    values = ROW.split(",")
    for k in range(1, n + 1):
        yield row_xml(start + k, [*values[:3], f"{values[3]}{k}", *values[4:]])


def write_csv_chunks(path: Path, chunks: Iterable[bytes]) -> Path:
    with open(path, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return path
