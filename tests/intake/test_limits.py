"""Files that would take the machine's memory are refused before parsing, naming the limit and how to raise it;
files at a legitimate scale pass; a refused file of any shape keeps an ingest's memory bounded."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from campaign import config
from campaign.intake import limits
from campaign.intake.ingest import ingest
from campaign.intake.problems import IngestRefused
from campaign.intake.reader import status_files
from tests.support import ROOT, SAMPLE_DIR
from tests.support.files import write_tiny
from tests.support.hostile_files import (
    HEADER,
    ROW,
    SHEET,
    SHEET_TAIL,
    bomb_xlsx,
    repeated,
    roster_rows,
    row_xml,
    sheet_head,
    workbook_parts,
    write_csv_chunks,
    write_xlsx,
    write_zip,
)

pytestmark = pytest.mark.slow

MB = 2**20
MEMORY_BOUND = 1024 * MB  # the peak stated for an ingest refusing any of these files
SAFETY_NET = 4096 * MB  # address space the child may take, so that a regression fails instead of swapping


def roster_csv(path: Path, rows: int, encoding: str = "utf-8", separator: str = ",") -> Path:
    values = ROW.split(",")
    lines = [HEADER.replace(",", separator)]
    lines += [separator.join([*values[:3], f"{values[3]}{k}", *values[4:]]) for k in range(rows)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


# ---------------------------------------------------------------------------------------------------
# hostile files, small on disk


def zip_bomb(folder: Path) -> Path:
    """1.2 GB of sheet in ~5 MB: the report's 1.2 MB workbook that took the CLI to 9.7 GB, as near as deflate of
    whole rows allows."""
    return bomb_xlsx(folder / "bomb.xlsx", 1_200 * 10**6)


def lying_bomb(folder: Path) -> Path:
    """The same bomb, its directory saying the sheet unzips to 4 kB (the reader inflates it all the same)."""
    return bomb_xlsx(folder / "lying.xlsx", 1_200 * 10**6, lie=True)


def many_rows_xlsx(folder: Path) -> Path:
    """1.5 million short rows of 8 cells: within every size, over the rows (the report's 4.5 MB workbook of many
    rows at 2.9 GB)."""
    head = sheet_head() + row_xml(1, ["名称", "区", *"abcdef"]).encode()
    block = (b'<row><c t="inlineStr"><is><t>x</t></is></c>' + b"<c><v>2</v></c>" * 7 + b"</row>") * 10_000
    sheet = repeated(SHEET, head, block, 150, SHEET_TAIL)
    return write_zip(folder / "many-rows.xlsx", workbook_parts(sheet))


def far_cell_xlsx(folder: Path) -> Path:
    """Two cells, A1 and XFD1048576: the XLSX reader lays out every cell between them (and aborts the process)."""
    rows = [*roster_rows(3), row_xml(1_048_576, ["x"], first_column=16_384)]
    return write_xlsx(folder / "far-cell.xlsx", rows)


def wide_xlsx(folder: Path) -> Path:
    """One row of 16,384 columns."""
    return write_xlsx(folder / "wide.xlsx", [row_xml(1, HEADER.split(",") + ["x"] * 16_377)])


def shared_strings_xlsx(folder: Path) -> Path:
    """A shared-strings part that claims four billion strings: the reader reserves room for them all."""
    sst = (
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'count="4000000000" uniqueCount="4000000000"><si><t>a</t></si></sst>'
    )
    return write_xlsx(folder / "shared-strings.xlsx", roster_rows(3), shared_strings=sst)


def long_cell_xlsx(folder: Path) -> Path:
    return write_xlsx(folder / "long-cell.xlsx", [*roster_rows(2), row_xml(4, ["名" * 40_000])])


def wide_csv(folder: Path) -> Path:
    """12 MB of lines of 100,000 columns (the report's million columns on one line are over the line's length
    first)."""
    line = b",".join([HEADER.encode()] + [b"1"] * 100_000) + b"\n"
    return write_csv_chunks(folder / "wide.csv", [line] * 60)


def million_columns_csv(folder: Path) -> Path:
    """The report's 12 MB CSV of a million columns: its lines are over the line's length first."""
    line = b",".join([HEADER.encode()] + [b"1"] * 1_000_000) + b"\n"
    return write_csv_chunks(folder / "million-columns.csv", [line] * 6)


def endless_csv(folder: Path) -> Path:
    """The report's 49 MB CSV without a line break."""
    return write_csv_chunks(folder / "endless.csv", [HEADER.encode(), b","] + [b"x" * MB] * 49)


def many_lines_csv(folder: Path) -> Path:
    return write_csv_chunks(folder / "many-lines.csv", [HEADER.encode() + b"\n", b"a,b\n" * 1_000_100])


def long_field_csv(folder: Path, chars: int = 40_000) -> Path:
    """A long note (备注), not a long name: names have a limit of their own (200 characters, normalise)."""
    text = f"{HEADER},备注\n{ROW},\n金山区,山阳镇,海欣居民区,海欣苑二期,小区,1,2,{'长' * chars}\n"
    return write_csv_chunks(folder / f"long-field-{chars}.csv", [text.encode()])


HOSTILE = {
    # file maker -> the limit it passes first
    zip_bomb: "max_unzipped_mb",
    lying_bomb: "max_rows",
    many_rows_xlsx: "max_zip_ratio",
    far_cell_xlsx: "max_rows",
    wide_xlsx: "max_columns",
    shared_strings_xlsx: "max_cells",
    long_cell_xlsx: "max_field_chars",
    wide_csv: "max_columns",
    million_columns_csv: "max_line_kb",
    endless_csv: "max_line_kb",
    many_lines_csv: "max_rows",
    long_field_csv: "max_field_chars",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {make.__name__: make(folder) for make in HOSTILE}


@pytest.mark.parametrize("make", list(HOSTILE), ids=[m.__name__ for m in HOSTILE])
def test_hostile_files_are_refused_naming_the_limit_and_how_to_raise_it(hostile, make) -> None:
    path = hostile[make.__name__]
    assert path.stat().st_size < 60 * MB
    problem = limits.check(path, "town.file")
    assert problem is not None, path
    key = HOSTILE[make]
    assert problem.file == "town.file"
    assert key in problem.message and config.ENV[key] in problem.message, problem.message
    assert "超过上限" in problem.message and "over the limit" in problem.message


def test_more_rows_than_the_limit_also_in_a_lying_workbook(hostile) -> None:
    """With the ratio allowed, the many-rows workbook is still refused for its rows, counted as inflated."""
    problem = limits.check(hostile["many_rows_xlsx"], limits=limits.Limits(max_zip_ratio=10_000))
    assert problem is not None and "max_rows" in problem.message


@pytest.mark.parametrize(
    "far",
    [
        '<c r="XFD1048576"><v>1</v></c>',
        '<x:c r="XFD1048576"><x:v>1</x:v></x:c>',  # a namespace prefix, as the XML allows
        '<c\n r="XFD1048576"><v>1</v></c>',  # a line break in the tag
        '<c t="n"  r = "XFD1048576"><v>1</v></c>',  # the reference not first, spaced
    ],
)
def test_a_far_cell_is_found_however_it_is_written(tmp_path, far) -> None:
    rows = [*roster_rows(3), f'<row r="5"><c r="A5"><v>1</v></c>{far}</row>']
    problem = limits.check(write_xlsx(tmp_path / "far.xlsx", rows))
    assert problem is not None and "max_rows" in problem.message


def test_files_of_a_districts_scale_pass(tmp_path) -> None:
    """The sample, and a roster of 100,000 rows (a district's) as CSV in UTF-8, GB18030, UTF-16 TSV, and XLSX."""
    for path in status_files(SAMPLE_DIR):
        assert limits.check(path) is None, path
    files = [
        roster_csv(tmp_path / "roster.csv", 100_000),
        roster_csv(tmp_path / "roster-gbk.csv", 100_000, "gb18030"),
        roster_csv(tmp_path / "roster-utf16.tsv", 100_000, "utf-16", "\t"),
        write_xlsx(tmp_path / "roster.xlsx", roster_rows(100_000)),
    ]
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(roster_csv(tmp_path / "x.csv", 10).read_bytes().replace(b"\n", b"\r\n"))
    old_mac = tmp_path / "cr.csv"  # lines ended by \r alone are lines, not one long line
    old_mac.write_bytes(roster_csv(tmp_path / "y.csv", 50_000).read_bytes().replace(b"\n", b"\r"))
    for path in [*files, crlf, old_mac]:
        assert limits.check(path) is None, path


def test_each_limit_counts_what_it_says(tmp_path) -> None:
    csv = roster_csv(tmp_path / "r.csv", 99)  # 100 lines of 7 columns
    assert limits.check(csv, limits=limits.Limits(max_rows=100)) is None
    assert "max_rows" in limits.check(csv, limits=limits.Limits(max_rows=99)).message
    assert limits.check(csv, limits=limits.Limits(max_columns=7)) is None
    assert "max_columns" in limits.check(csv, limits=limits.Limits(max_columns=6)).message
    assert limits.check(csv, limits=limits.Limits(max_cells=700)) is None
    assert "max_cells" in limits.check(csv, limits=limits.Limits(max_cells=699)).message
    assert "max_file_mb" in limits.check(csv, limits=limits.Limits(max_file_mb=0.001)).message
    book = write_xlsx(tmp_path / "r.xlsx", roster_rows(99))  # rows 1-100, columns A-G
    assert limits.check(book, limits=limits.Limits(max_rows=100, max_columns=7, max_cells=700)) is None
    assert "max_rows" in limits.check(book, limits=limits.Limits(max_rows=99)).message
    assert "max_columns" in limits.check(book, limits=limits.Limits(max_columns=6)).message
    assert "max_cells" in limits.check(book, limits=limits.Limits(max_cells=699)).message
    # a sheet starting lower down spans from its first row, as the reader lays it out
    low = write_xlsx(tmp_path / "low.xlsx", roster_rows(99, start=501))
    assert limits.check(low, limits=limits.Limits(max_rows=100)) is None
    # a field in characters, not bytes: 30,000 Chinese characters are 90,000 bytes of UTF-8
    field = long_field_csv(tmp_path, 30_000)
    assert limits.check(field) is None
    assert "max_field_chars" in limits.check(field, limits=limits.Limits(max_field_chars=29_999)).message


def test_limits_are_settings_from_the_environment_or_the_config_file(tmp_path, monkeypatch, caplog) -> None:
    monkeypatch.delenv("CAMPAIGN_CONFIG", raising=False)
    assert limits.current({}) == limits.Limits()
    assert limits.current({"CAMPAIGN_MAX_ROWS": "2000000", "CAMPAIGN_MAX_LINE_KB": "64"}).max_rows == 2_000_000
    assert limits.current({"CAMPAIGN_MAX_LINE_KB": "64"}).max_line_kb == 64.0
    assert limits.current({"CAMPAIGN_MAX_ROWS": "many"}).max_rows == 1_000_000  # logged, the default used
    assert "max_rows = 'many'" in caplog.text
    toml = tmp_path / "campaign.toml"
    toml.write_text("max_columns = 500\nmax_zip_ratio = 50\n", encoding="utf-8")
    env = {"CAMPAIGN_CONFIG": str(toml), "CAMPAIGN_DB": str(tmp_path / "c.duckdb")}
    assert limits.current(env).max_columns == 500 and limits.current(env).max_zip_ratio == 50.0
    settings = config.load(env)
    assert settings.public()["max_columns"] == 500 and settings.public()["max_rows"] == 1_000_000
    assert settings.environment()["CAMPAIGN_MAX_COLUMNS"] == "500"
    with pytest.raises(config.ConfigError) as refused:
        config.load({**env, "CAMPAIGN_MAX_ROWS": "0", "CAMPAIGN_MAX_CELLS": "1.5"})
    assert "$CAMPAIGN_MAX_ROWS" in str(refused.value) and "$CAMPAIGN_MAX_CELLS" in str(refused.value)


def test_a_raised_limit_lets_the_file_through(tmp_path, monkeypatch) -> None:
    db = tmp_path / "c.duckdb"
    path = long_field_csv(tmp_path, 40_000)
    with pytest.raises(IngestRefused) as refused:
        ingest([path], db)
    assert "CAMPAIGN_MAX_FIELD_CHARS" in str(refused.value)
    monkeypatch.setenv("CAMPAIGN_MAX_FIELD_CHARS", "50000")
    assert ingest([path], db).units_added == 2


def test_a_field_over_the_csv_modules_limit_is_a_message_not_a_traceback(tmp_path, monkeypatch, capsys) -> None:
    """With the limits raised past the csv module's 131,072 characters, the reader says so itself."""
    from campaign.ops.cli import main

    monkeypatch.setenv("CAMPAIGN_MAX_FIELD_CHARS", "1000000")
    monkeypatch.setenv("CAMPAIGN_MAX_LINE_KB", "4096")
    path = long_field_csv(tmp_path, 140_000)
    assert main(["ingest", "--db", str(tmp_path / "c.duckdb"), str(path)]) == 1
    err = capsys.readouterr().err
    assert path.name in err and "131072" in err and "Traceback" not in err
    log = (tmp_path / "ingest-log.jsonl").read_text(encoding="utf-8")
    assert '"outcome": "refused"' in log and path.name in log


# ---------------------------------------------------------------------------------------------------
# memory: the command as an operator runs it, each in a process of its own


# the child says its own peak as it exits: VmHWM is its address space's high-water mark since exec. (The kernel's
# ru_maxrss of a child forked from pytest starts at pytest's own size, which in a full run is well over a GB.)
_PEAK_SAYING = """
import atexit, sys
def _peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    sys.stderr.write(f"\\nPEAK_KB {kb}\\n")
atexit.register(_peak)
from campaign.ops.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _ingest_process(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, int]:
    """``campaign ingest`` ARGS in a child: exit code, stderr, peak resident memory in bytes (0 when the child
    died before it could say)."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (SAFETY_NET, SAFETY_NET))

    child = subprocess.Popen(
        [sys.executable, "-c", _PEAK_SAYING, "ingest", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=cap,
    )
    err = child.stderr.read().decode("utf-8", "replace")
    child.wait()
    said = re.findall(r"PEAK_KB (\d+)", err)
    return child.returncode, err, int(said[-1]) * 1024 if said else 0


HOLD_MARK = "memory allocation of"  # what a Rust reader prints when it aborts the process


@pytest.mark.parametrize("make", list(HOSTILE), ids=[m.__name__ for m in HOSTILE])
def test_refusing_a_hostile_file_stays_within_the_memory_bound(hostile, tmp_path, make) -> None:
    path = hostile[make.__name__]
    code, err, peak = _ingest_process(["--dry-run", "--db", str(tmp_path / "c.duckdb"), str(path)])
    assert code == 1, err[-2000:]
    assert "Traceback" not in err and HOLD_MARK not in err
    assert path.name in err and HOSTILE[make] in err, err[-2000:]
    assert 0 < peak <= MEMORY_BOUND, f"{peak / MB:.0f} MB"


def test_a_run_with_a_hostile_file_among_good_ones_loads_nothing(hostile, tmp_path) -> None:
    db = tmp_path / "c.duckdb"
    good = write_tiny(tmp_path / "files")
    with pytest.raises(IngestRefused) as refused:
        ingest([*good, hostile["far_cell_xlsx"], hostile["endless_csv"]], db)
    assert {p.file for p in refused.value.problems} == {"far-cell.xlsx", "endless.csv"}
    assert not db.exists()
