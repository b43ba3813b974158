"""Read a status file as towns send it into tables of text cells with canonical column names.

A file may have title lines above its header, several sheets (XLSX), any of the usual encodings.
Every cell comes back as text (or null); typing and validation happen in ``normalise``.
Each table keeps ``_row``: the row number the user sees in Excel or a text editor.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from campaign.intake.problems import Problem
from campaign.intake.title import parse_title
from campaign.intake.vocabulary import (
    COMMITTEE_OR_NAME,
    HEADER_SPELLINGS,
    header_column,
    header_exact,
    header_match,
    says_rounds,
)
from campaign.text import short

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
HEADER_SCAN_ROWS = 20


@dataclass
class Table:
    file: str  # the file's name as the user gave it
    sheet: str | None
    frame: pl.DataFrame  # canonical columns (text) + _row
    headers: dict[str, str]  # canonical column -> header as written
    extra: list[str] = field(default_factory=list)  # headers kept aside, not understood
    counts_rounds: bool = False  # the batch column says 轮次 (round), not 批次
    title: str = ""  # the text of any lines above the header, e.g. 金山区第一批“无疫小区”名单（2022年5月5日公布）
    cumulative: bool = False  # a cumulative list (累计名单): its title or file name says so (set by ingest)
    inferred: list[str] = field(default_factory=list)  # what ingest read from other hints than a column, and whence
    unresolved: dict[str, str] = field(default_factory=dict)  # canonical column -> why no hint gave it (ingest)
    skipped: list[str] = field(default_factory=list)  # rows read as totals or notes, not records: "第9行「合计」"

    @property
    def label(self) -> str:
        return f"{self.file} [{self.sheet}]" if self.sheet else self.file


def status_files(folder: Path) -> list[Path]:
    """The files in a folder that ingest can read, in name order."""
    return sorted(
        p
        for p in Path(folder).iterdir()
        if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | EXCEL_SUFFIXES and not p.name.startswith(".")
    )


def read_tables(
    path: Path, display_name: str | None = None, *, data: bytes | None = None, only: frozenset[str] | None = None
) -> tuple[list[Table], list[Problem]]:
    """All tables of one file, or the problems that make it unreadable (``data``: its bytes, if read already).

    ``only``: a quick look (which districts a large run's files name): a text file's table then holds only these
    canonical columns, though its headers name them all, and keeps its blank lines; XLSX is read in full."""
    name = display_name or path.name
    suffix = path.suffix.lower()
    data = path.read_bytes() if data is None else data
    if not data.strip():
        return [], [Problem(name, "文件是空的 (the file is empty)")]
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, data, name)
    if suffix in TEXT_SUFFIXES:
        return _read_text(data, name, suffix, only)
    return [], [Problem(name, f"不支持的文件类型「{suffix}」，请提供 CSV、TSV 或 XLSX (unsupported file type)")]


def decode(data: bytes) -> str | None:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312); None if neither."""
    return _decode(data)[0]


def _decode(data: bytes) -> tuple[str | None, bool]:
    """``decode``, and whether the bytes were UTF-8."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding == "utf-8-sig"
        except UnicodeDecodeError:
            continue
    return None, False


def _read_text(
    data: bytes, name: str, suffix: str, only: frozenset[str] | None = None
) -> tuple[list[Table], list[Problem]]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # Excel's "Unicode text" (Unicode 文本): tab-separated UTF-16 with a byte-order mark
        data = data.decode("utf-16").encode("utf-8")
    if data[:2] == b"PK" or b"\x00" in data[:4096]:
        return [], [Problem(name, "文件内容不是文本，扩展名与内容不符 (not a text file, whatever its extension says)")]
    text, utf8 = _decode(data)
    if text is None:
        return [], [Problem(name, "无法识别文件编码，请存为 UTF-8 或 GBK (encoding not UTF-8 or GBK/GB18030)")]
    # when lines end in \n or \r\n only, split off the first lines, not all of them (a file can have millions)
    plain = not any(sep in text for sep in _OTHER_LINE_BREAKS)
    crlf = b"\r" in data  # \r is no part of any other character in UTF-8 or GB18030
    if plain and crlf:
        unix = text.replace("\r\n", "\n")
        plain = "\r" not in unix
        text = unix if plain else text
    if plain:
        parts = text.split("\n", HEADER_SCAN_ROWS)
        head = parts[:HEADER_SCAN_ROWS] if len(parts) > HEADER_SCAN_ROWS else text.splitlines()
    else:
        lines = text.splitlines()
        head = lines[:HEADER_SCAN_ROWS]
    # commas, tabs, or semicolons (Excel's CSV where the comma is the decimal mark): the one whose lines give a header
    counts = {",": _count_commas(head), "\t": _count_tabs(head), ";": sum(line.count(";") for line in head)}
    order = (
        ["\t"] if suffix == ".tsv" else sorted((d for d in counts if counts[d] or d == ","), key=lambda d: -counts[d])
    )
    found = None
    for delimiter in order:
        try:
            rows = list(csv.reader(head, delimiter=delimiter))
        except csv.Error as error:  # e.g. a field over the csv module's 131,072 characters (limits allowing it)
            return [], [Problem(name, f"无法按 CSV 读取文件开头 (cannot read the first lines as CSV): {error}")]
        if (found := _find_header(rows)) is not None:
            break
    if found is None:
        delimiter = order[0]
        rows = list(csv.reader(head, delimiter=delimiter))
    if found is None:
        return [], [_no_header_problem(name, rows)]
    header_at = found
    if plain:
        # the same text as "\n".join(text.splitlines()[header_at:]); UTF-8 files as they are, not re-encoded
        raw = data.removeprefix(codecs.BOM_UTF8) if utf8 else text.encode("utf-8")
        raw = raw.replace(b"\r\n", b"\n") if crlf else raw
        start = 0
        for _ in range(header_at):
            start = raw.index(b"\n", start) + 1
        body = raw[start:-1] if raw.endswith(b"\n") else raw[start:]
    else:
        body = "\n".join(lines[header_at:]).encode("utf-8")
    title = _title(rows[:header_at])
    wanted = _wanted_columns(rows[header_at], only)
    try:
        frame = pl.read_csv(
            io.BytesIO(body),
            separator=delimiter,
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=True,
            quote_char='"',
            columns=wanted,
        )
    except pl.exceptions.PolarsError as error:
        return [], [Problem(name, f"无法按 CSV 读取 (cannot read the file as CSV): {error}")]
    if wanted is not None:
        return _glance_table(frame, rows[header_at], name, title)
    # one row per line is assumed for row numbers; quoted line breaks are rare in town files
    return _make_table(frame, header_at + 1, name, None, title)


def _wanted_columns(header: list[str], only: frozenset[str] | None) -> list[int] | None:
    """The positions of ``only``'s columns in ``header``; None (read every column) without ``only``, or when
    two columns mean the same (the full read says so)."""
    if only is None:
        return None
    canonical = [header_column(c) if c and c.strip() else None for c in header]
    wanted = [k for k, c in enumerate(canonical) if c in only]
    return wanted if wanted and len({canonical[k] for k in wanted}) == len(wanted) else None


def _glance_table(frame: pl.DataFrame, header: list[str], name: str, title: str) -> tuple[list[Table], list[Problem]]:
    """``read_tables(only=...)``'s table: headers of every column, frame of the wanted ones (and no _row)."""
    headers: dict[str, str] = {}
    for written in header:
        canonical = header_column(written) if written and written.strip() else None
        if canonical is not None:
            headers.setdefault(canonical, written.strip())
    body = frame.slice(1).rename({c: header_column(frame.item(0, c)) for c in frame.columns})
    counts_rounds = says_rounds(headers.get("batch", ""))
    return [Table(name, None, body, headers, [], counts_rounds, title)], []


# what str.splitlines() also takes for the end of a line, besides \n and \r\n
_OTHER_LINE_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _count_tabs(lines: list[str]) -> int:
    return sum(line.count("\t") for line in lines)


def _count_commas(lines: list[str]) -> int:
    return sum(line.count(",") for line in lines)


def _read_excel(path: Path, data: bytes, name: str) -> tuple[list[Table], list[Problem]]:
    if data[:2] != b"PK":
        return [], [Problem(name, "文件不是有效的 XLSX 工作簿，扩展名与内容不符 (not an XLSX workbook)")]
    try:
        sheets = pl.read_excel(
            path,
            sheet_id=0,
            has_header=False,
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
        first_rows, hidden, merges, hidden_rows = _sheet_first_rows(path)
    except Exception as exc:  # a damaged workbook raises whatever its parser raises
        # the parser's words may hold the server's path to the upload: say the user's file name instead
        why = str(exc).replace(str(path), name)
        return [], [Problem(name, f"无法读取 XLSX 工作簿 (cannot read the workbook): {why}")]
    tables: list[Table] = []
    skipped: list[tuple[str, list[list[str]]]] = []
    left_out: list[str] = []
    for sheet, frame in sheets.items():
        if frame.height == 0:
            continue
        if sheet in hidden:
            # what the official sees is what they send: a hidden sheet holds old lists or workings, not this list
            left_out.append(sheet)
            continue
        frame = frame.select(pl.all().cast(pl.String))
        rows = [list(r) for r in frame.head(HEADER_SCAN_ROWS).iter_rows()]
        found = _find_header(rows)
        if found is None:
            skipped.append((sheet, rows))  # an instruction sheet, or a table nobody can read
            continue
        first = first_rows.get(sheet, 1)
        if sheet in merges:
            frame = _fill_merged(frame, *merges[sheet], first, first + found)
        made, problems = _make_table(frame.slice(found), first + found, name, sheet, _title(rows[:found]))
        if problems:
            return [], problems
        for table in made:
            # rows a filter or the official hid are read all the same (they are in the file), and said: the official
            # may not know they are there
            if folded := sorted(hidden_rows.get(sheet, set()) & set(table.frame.get_column("_row").to_list())):
                shown = "、".join(map(str, folded[:10])) + ("等" if len(folded) > 10 else "")
                table.inferred.append(
                    f"第{shown}行在 Excel 中是隐藏的（筛选或隐藏），仍作数据读取，共 {len(folded)} 行 "
                    f"({len(folded)} rows hidden in Excel, by a filter or by hand, read all the same: rows {shown})"
                )
        tables.extend(made)
    if not tables:
        if left_out and not skipped:
            shown = "、".join(left_out)
            return [], [
                Problem(
                    name,
                    f"只有隐藏的工作表（{shown}）有数据：请在 Excel 中取消隐藏要导入的工作表 "
                    "(only hidden sheets hold data: unhide the sheet to load)",
                )
            ]
        rows = skipped[0][1] if skipped else []
        return [], [_no_header_problem(name, rows)]
    if left_out:
        shown = "、".join(left_out)
        tables[0].inferred.append(f"隐藏的工作表未读取：{shown} (hidden sheets not read: {shown})")
    return tables, []


def _sheet_first_rows(path: Path) -> tuple[dict[str, int], set[str], dict[str, tuple[int, list]], dict[str, set[int]]]:
    """Sheet name -> the Excel row number of its first non-empty row (the reader skips leading blanks); the
    sheets hidden in Excel (hidden or very hidden); and, for a sheet small enough to be read here whole, its first
    non-empty column (the reader skips leading blank columns too), its merged ranges and its hidden rows."""
    out: dict[str, int] = {}
    merges: dict[str, tuple[int, list]] = {}
    hidden_rows: dict[str, set[int]] = {}
    with zipfile.ZipFile(path) as zf:
        workbook = zf.read("xl/workbook.xml").decode("utf-8")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        targets = dict(re.findall(r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
        targets |= {k: v for v, k in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
        hidden = {
            _unescape(m.group(1))
            for tag in re.findall(r"<sheet [^>]*>", workbook)
            if re.search(r'\sstate="(?:hidden|veryHidden)"', tag) and (m := re.search(r'\sname="([^"]+)"', tag))
        }
        for sheet_name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', workbook):
            target = targets.get(rid, "")
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            try:
                # only the first rows are wanted: unzip the sheet's head, not a whole sheet
                with zf.open(member) as sheet:
                    xml = sheet.read(2_000_000).decode("utf-8", "replace")
                    whole = not sheet.read(1)
            except KeyError:
                continue
            ranges = [tuple(_cell_at(a) + _cell_at(b)) for a, b in _MERGE.findall(xml)] if whole else []
            ranges = [r for r in ranges if r[2] > r[0]]  # merged down over rows: what a fill needs
            if whole and (folded := {int(n) for n in _HIDDEN_ROW.findall(xml)}):
                hidden_rows[_unescape(sheet_name)] = folded
            if ranges:
                columns = [
                    _column_number(c) for c, content in _VALUE_CELL.findall(xml) if "<v>" in content or "<t" in content
                ]
                merges[_unescape(sheet_name)] = (min(columns, default=1), ranges)
            for row in _ROW.finditer(xml):  # the first rows only: not all rows of a sheet
                number, content = row.groups()
                if "<v>" in content or "<t" in content:
                    out[_unescape(sheet_name)] = int(number)
                    break
    return out, hidden, merges, hidden_rows


_HIDDEN_ROW = re.compile(r'<row (?=[^>]*\shidden="(?:1|true)")[^>]*?\br="(\d+)"')
_MERGE = re.compile(r'<mergeCell ref="([A-Z]+\d+):([A-Z]+\d+)"')
_VALUE_CELL = re.compile(r'<c r="([A-Z]+)\d+"[^>]*?(?:/>|>(.*?)</c>)', flags=re.S)


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _cell_at(ref: str) -> tuple[int, int]:
    """E12 -> (row 12, column 5)."""
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters) :]), _column_number(letters)


def _fill_merged(frame: pl.DataFrame, first_col: int, ranges: list, first_row: int, header_row: int) -> pl.DataFrame:
    """The blanks of cells merged down below the header (批次 or 公布日期 merged over a town's rows) given the value
    Excel shows in them, the merge's top cell. ``first_row`` / ``first_col``: the Excel row and column of the
    frame's first."""
    columns = {c: frame.get_column(c).to_list() for c in frame.columns}
    names = frame.columns
    for top, left, bottom, right in ranges:
        if top <= header_row:
            continue  # a header merged over two rows is read as one by _make_table
        i, j = top - first_row, left - first_col
        if not (0 <= i < frame.height and 0 <= j < len(names)):
            continue
        value = columns[names[j]][i]
        for c in range(j, min(right - first_col + 1, len(names))):
            cells = columns[names[c]]
            for r in range(i, min(bottom - first_row + 1, frame.height)):
                if cells[r] is None or not str(cells[r]).strip():
                    cells[r] = value
    return pl.DataFrame(columns, schema=frame.schema)


_ROW = re.compile(r'<row [^>]*?r="(\d+)"[^>]*>(.*?)</row>', flags=re.S)


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def _find_header(rows: list[list[str | None]]) -> int | None:
    """The first row in which at least two cells are known headers, one of them a name or place named exactly (a
    title line holding 小区 is no header)."""
    places = {"name", "district", "town", "committee"}
    for i, row in enumerate(rows):
        found = [header_match(c) for c in row if c and c.strip()]
        known = [col for col, _ in found if col]
        if len(known) >= 2 and any(exact and col in places for col, exact in found):
            return i
        if known == ["name"] and ("name", True) in found and len(found) <= 3:
            return i  # a bare list of names whose title says the rest, perhaps numbered (序号, 名称, 备注)
    return None


def _no_header_problem(name: str, rows: list[list[str | None]]) -> Problem:
    seen = next((r for r in rows if any(r)), [])
    shown = "、".join(c for c in seen if c)[:80]
    return Problem(
        name,
        "找不到表头：需要「区」「街镇」「居委/村」「名称」等列名 (no header row found: expected columns such "
        f"as 区, 街镇, 居委/村, 名称){'; 首行为 (first row): ' + shown if shown else ''}",
    )


def _title(rows: list[list[str | None]]) -> str:
    return " ".join(c.strip() for row in rows for c in row if c and c.strip())


def _make_table(
    frame: pl.DataFrame, header_row_number: int, name: str, sheet: str | None, title: str = ""
) -> tuple[list[Table], list[Problem]]:
    """frame's first row is the header; header_row_number is its row number as the user sees it."""
    header = [c if c is None else str(c) for c in frame.row(0)]
    body = frame.slice(1)
    if body.height and (merged := _two_row_header(header, [c if c is None else str(c) for c in body.row(0)])):
        header, body, header_row_number = merged, body.slice(1), header_row_number + 1
    headers: dict[str, str] = {}
    rename: dict[str, str] = {}
    extra: list[str] = []
    label = f"{name} [{sheet}]" if sheet else name
    named: dict[str, list[tuple[str, str, bool]]] = {}  # canonical -> (source column, header, exactly named)
    noted: list[str] = []  # what the report says of the header: a second date column kept aside
    for source_col, written in zip(frame.columns, header, strict=True):
        if written is None or not written.strip():
            if body.get_column(source_col).drop_nulls().len() == 0:
                continue
            extra.append(source_col)
            continue
        canonical, exact = header_match(written)
        if canonical is None:
            extra.append(written.strip())
            rename[source_col] = "extra:" + written.strip()
            continue
        named.setdefault(canonical, []).append((source_col, written.strip(), exact))
    _committee_beside_name(named)
    for canonical, columns in named.items():
        # a header naming a column exactly wins over one that only holds its word (小区名称 over 小区地址名): those go
        # aside; two headers naming it alike could each be it, so the file is refused naming both
        exact = [c for c in columns if c[2]]
        chosen = exact or columns
        if len(chosen) > 1 and canonical == "published":
            chosen, said = _publication_date(chosen)
            noted += said
        if len(chosen) > 1:
            return [], [
                Problem(
                    label,
                    f"两列都表示同一含义：「{chosen[0][1]}」和「{chosen[1][1]}」，请删去或改名其中一列 "
                    "(two columns mean the same thing: remove or rename one)",
                    row=header_row_number,
                )
            ]
        source_col, written, _ = chosen[0]
        headers[canonical] = written
        rename[source_col] = canonical
        for other_col, other, _ in columns:
            if other_col != source_col:
                extra.append(other)
                rename[other_col] = "extra:" + other
    rename = {c: rename[c] for c in frame.columns if c in rename}  # in the file's order
    first = header_row_number + 1
    lazy = body.lazy().select(
        *[pl.col(c).alias(n) for c, n in rename.items()],
        _row=pl.int_range(first, first + pl.len(), dtype=pl.Int64),
    )
    # blank lines between and after records are not records
    data_cols = list(rename.values())
    if data_cols:
        lazy = lazy.filter(
            pl.any_horizontal([pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != "") for c in data_cols])
        )
    body, repeated, second = _without_repeated_headers(lazy.collect(), data_cols)
    if second is not None:
        row, text = second
        return [], [
            Problem(
                label,
                f"第{row}行起是另一张表（标题「{short(text, 40)}」）：请把每张表放在单独的工作表或文件中 "
                f"(a second table starts at row {row}, under its own title: put each table on its own sheet or in "
                "its own file)",
                row=row,
            )
        ]
    body, skipped = _without_totals_and_notes(body, data_cols)
    skipped = sorted([*repeated, *skipped], key=lambda said: int(re.match(r"第(\d+)行", said).group(1)))
    counts_rounds = says_rounds(headers.get("batch", ""))
    title = _with_header_date(title, header)
    table = Table(name, sheet, body, headers, extra, counts_rounds, title, inferred=noted, skipped=skipped)
    return [table], []


# the words that make a date column the list's publication day, beside another date (创建时间, 验收日期)
_PUBLISHED_WORDS = ("公布", "发布", "公示", "published", "publication")


def _publication_date(columns: list[tuple[str, str, bool]]) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """Of several date columns, the one saying 公布 (公布日期 beside 创建时间): a list is dated by its publication, the
    other days are the record's (kept aside, said in the report). Without exactly one such column, all of them."""
    said = [c for c in columns if any(w in _folded(c[1]) for w in _PUBLISHED_WORDS)]
    if len(said) != 1:
        return columns, []
    others = "、".join(f"「{c[1]}」" for c in columns if c is not said[0])
    return said, [
        f"公布日期 — 取自「{said[0][1]}」列；{others}列未作公布日期，仅作记录 "
        f"(the date is the {said[0][1]} column's, the list's publication; {others} kept aside, for the record)"
    ]


def _with_header_date(title: str, header: list[str | None]) -> str:
    """A date written in the header row rather than above it (a cell 2022年5月9日公布 beside the headers, 小区名称
    （2022年5月9日公布）) is the title's, when the title says no day: the list's publication date."""
    if parse_title(title).published is not None:
        return title
    dated = [c.strip() for c in header if c and c.strip() and parse_title(c).published is not None]
    return " ".join([title, *dated]).strip() if dated else title


def _committee_beside_name(named: dict[str, list[tuple[str, str, bool]]]) -> None:
    """村居 (村居名称) names a village or community list's units, but beside a unit name column (小区名称) and no other
    committee column it is the committee each unit is in."""
    names = named.get("name", [])
    if "committee" in named or len(names) != 2:
        return
    either = [c for c in names if header_column(c[1]) == "name" and _folded(c[1]) in COMMITTEE_OR_NAME]
    if len(either) == 1:
        names.remove(either[0])
        named["committee"] = either


def _two_row_header(top: list[str | None], below: list[str | None]) -> list[str | None] | None:
    """A header of two rows (基本情况 merged over 户数 and 人口): the one header they make, else None.

    The row below the header is a second header row when each of its cells is a known header word standing under
    a cell that names nothing known (a group's title, or the blank that a merged cell leaves)."""
    filled = [k for k, c in enumerate(below) if c and c.strip()]
    if not filled:
        return None
    for k in filled:
        above = top[k]
        if header_match(below[k])[0] is None or (above and above.strip() and header_match(above)[0] is not None):
            return None
    return [below[k] if k in filled else top[k] for k in range(len(top))]


# A 合计 / 小计 row sums the rows above it; a line under the table (注：…, 填报人：…, 以上排名不分先后) is a note.
TOTALS_WORDS = frozenset({"合计", "总计", "小计", "共计", "总数", "合计数", "total", "totals", "subtotal", "sum"})
_NOTE = re.compile(
    r"^(?:注|备注|说明|附注|附件|附表|填报|填表|制表|审核|联系|负责人|签字|签名|盖章|数据来源|来源|以上|本表"
    r"|共计|合计|总计|共\s*\d|note|source|total)|[:：]"
    # the signature under an official list: who issued it (…街道办事处, …镇人民政府) and the day, alone in its line
    r"|(?:人民政府|办事处|指挥部|办公室|领导小组|委员会)(?:[(（]盖章[)）])?$"
    r"|^(?:\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月"
    r"[一二三四五六七八九十]{1,3}日)$",
    re.IGNORECASE,
)
# a totals row's count where a name would be (小计, …, 2 / 2个 / 共2个)
_COUNT = re.compile(r"^共?\d+\s*[个户人]?$")
# the columns a record is about: the one that names it, else the first of its places
_RECORD_COLUMNS = ("name", "grid", "grid_path", "committee", "town", "district")


def _without_totals_and_notes(body: pl.DataFrame, data_cols: list[str]) -> tuple[pl.DataFrame, list[str]]:
    """Drop totals rows (anywhere) and note lines under the table, each said by row.

    A totals row holds a totals word alone in a cell and names no unit (or the word is its name). A note line
    comes after the table's last record, every cell of it text that opens with a note word or holds a colon.
    Anything else that looks unfinished stays, for normalise to name it.

    Only the rows that can be either are looked at one by one: those naming no unit or named by a totals word, and
    the table's tail (a country's lists have millions of named rows, each a record).
    """
    if body.is_empty() or not data_cols:
        return body, []
    key = next((c for c in _RECORD_COLUMNS if c in body.columns), None)
    cells = body.select(data_cols)
    if key:
        names = body.get_column(key)
        # a name of white space alone names nothing; Python's str.strip (the rule's) also takes \x1c-\x1f for it
        named = names.str.contains(r"[^\s\x1c-\x1f]").fill_null(False)
        # a totals word is short: the names that could be one, each folded once
        brief = names.filter(named & (names.str.strip_chars().str.len_chars() <= 40)).unique().to_list()
        # (or the count a totals row holds where a name would be: 小计, …, 2个)
        totals = [n for n in brief if _folded(n) in TOTALS_WORDS or _COUNT.match(_folded(n))]
        look = (~named | names.is_in(totals)).arg_true().to_list()
        named_at = named.arg_true().to_list()
    else:
        names, look, named_at = None, range(body.height), []

    def filled(k: int) -> list[str]:
        return [c.strip() for c in cells.row(k) if c is not None and c.strip()]

    def note(k: int) -> bool:
        return bool(row := filled(k)) and all(_NOTE.search(c) for c in row)

    drop: dict[int, str] = {}
    for k in look:
        totals = [c for c in filled(k) if _folded(c) in TOTALS_WORDS]
        name = names[k] if names is not None else None
        if totals and (not name or _folded(name) in TOTALS_WORDS or _COUNT.match(_folded(name))):
            drop[k] = totals[0]
    last = next((k for k in reversed(named_at) if k not in drop and not note(k)), -1)
    drop |= {k: filled(k)[0] for k in range(last + 1, body.height) if k not in drop and note(k)}
    if not drop:
        return body, []
    at = body.get_column("_row").to_list()
    said = [f"第{at[k]}行「{short(drop[k], 16)}」" for k in sorted(drop)]
    return body.filter(~pl.Series(range(body.height)).is_in(list(drop))), said


def _without_repeated_headers(
    body: pl.DataFrame, data_cols: list[str]
) -> tuple[pl.DataFrame, list[str], tuple[int, str] | None]:
    """Drop the header written again below the table's first (on every printed page of a list made in Word), each
    said by row. A header again right under a line of one cell (a title) starts a second table: its row and title
    come back for the refusal, as the rows under it are another list's (another batch, another day).

    A row is the header again when at least two of its cells name their own column (街镇 under 街镇) and no cell
    of a known column says anything else."""
    known = [c for c in data_cols if not c.startswith("extra:")]
    if body.is_empty() or len(known) < 2:
        return body, [], None
    same = []
    for c in known:
        values = body.get_column(c)
        distinct = values.drop_nulls().unique()
        if distinct.len() > _FEW:  # a column of names: the few that may be headers, picked column-wise
            distinct = distinct.filter(_could_be_header(distinct, c))
        own = [v for v in distinct.to_list() if header_exact(v) == c]  # 城南小区 holds 小区 but is a name
        same.append(values.is_in(own).fill_null(False).alias(c) if own else pl.Series(c, [False] * body.height))
    if not any(s.any() for s in same):
        return body, [], None
    filled = body.select(
        pl.sum_horizontal(pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != "") for c in known)
    )
    matching = pl.DataFrame(same).select(pl.sum_horizontal(pl.all())).to_series()
    headers = (matching >= 2) & (matching == filled.to_series())
    if not headers.any():
        return body, [], None
    at = body.get_column("_row").to_list()
    counts = filled.to_series().to_list()
    for k in [k for k, h in enumerate(headers.to_list()) if h]:
        if k > 0 and counts[k - 1] == 1 and not headers[k - 1]:
            title = next(v for v in body.select(known).row(k - 1) if v is not None and v.strip()).strip()
            facts = parse_title(title)
            if facts.district or facts.batch or facts.published or "名单" in title or "名册" in title:
                return body, [], (at[k - 1], title)
    said = [f"第{at[k]}行「表头重复」" for k, h in enumerate(headers.to_list()) if h]
    return body.filter(~headers), said, None


_FEW = 200  # distinct texts of a column read one by one; more are narrowed down first


def _could_be_header(values: pl.Series, column: str) -> pl.Series:
    """Whether each text of ``values`` may be a header naming ``column`` exactly (``header_exact``), decided
    column-wise so that only those few need it: a text of printable ASCII and common Han characters with no bracket
    folds by dropping its spaces and lowering its case, and names the column only as one of its spellings; any
    other text may (NFKC, brackets)."""
    plain = values.str.contains(r"^[\x20-\x7e\u4e00-\u9fff]*$") & ~values.str.contains(r"[()\[\]<>{}]")
    folded = values.str.replace_all(" ", "", literal=True).str.to_lowercase()
    return (~plain | folded.is_in(HEADER_SPELLINGS.get(column, []))).fill_null(False)


def _folded(text: str) -> str:
    return "".join(text.split()).casefold()
