"""Text files are split into lines without splitting every line of the file: the tables must be exactly
what splitting every line gives (str.splitlines, then one "\\n" between lines), whatever the line ends."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from campaign.intake import reader

BODY = [
    "区,街镇,居委/村,名称,批次,公布日期",
    "金山区,山阳镇,海欣居民区,海皓馨苑,第二批,2022-05-09",
    "金山区,,,金豪苑,2,2022/5/9",
]
QUOTED = '金山区,山阳镇,海欣居民区,"海皓{}馨苑",2,2022-05-09'
TITLE = ["金山区第二批“无疫小区”名单（2022年5月9日公布）", ""]


def reference(data: bytes, name: str, suffix: str) -> tuple[list[reader.Table], list]:
    """The reader as it was: every line split off with str.splitlines()."""
    text = reader.decode(data)
    lines = text.splitlines()
    head = lines[: reader.HEADER_SCAN_ROWS]
    delimiter = "\t" if suffix == ".tsv" or (head and reader._count_tabs(head) > reader._count_commas(head)) else ","
    rows = list(csv.reader(head, delimiter=delimiter))
    header_at = reader._find_header(rows)
    body = "\n".join(lines[header_at:])
    frame = pl.read_csv(
        io.BytesIO(body.encode("utf-8")),
        separator=delimiter,
        has_header=False,
        infer_schema=False,
        truncate_ragged_lines=True,
        quote_char='"',
    )
    return reader._make_table(frame, header_at + 1, name, None, reader._title(rows[:header_at]))


def variants() -> list[tuple[str, bytes]]:
    out = []
    many = BODY + [f"金山区,山阳镇,海欣居民区,单位{i},2,2022-05-09" for i in range(40)]
    for label, lines in (("short", BODY), ("titled", TITLE + BODY), ("long", TITLE + many), ("bare", many)):
        for end_label, end in (("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")):
            for tail in ("", end, end + end, end + " " + end):
                text = end.join(lines) + tail
                for enc in ("utf-8", "utf-8-sig", "gb18030"):
                    out.append((f"{label}-{end_label}-{len(tail)}-{enc}", text.encode(enc)))
    odd = [*TITLE, *BODY[:2], "金山区,山阳镇,,金豪\x0c苑,2,2022-05-09", "金山区,山阳镇,,a\u2028b,2,2022-05-09"]
    out.append(("formfeed-and-line-separator", "\n".join(odd).encode("utf-8")))
    out.append(("cr-cr-lf", ("\r\r\n".join(TITLE + BODY)).encode("utf-8")))
    out.append(("mixed", ("\r\n".join(TITLE) + "\n" + "\r\n".join(BODY) + "\n\n").encode("utf-8")))
    out.append(("blank-lines-between", "\n".join([*TITLE, BODY[0], "", BODY[1], " ", BODY[2], ""]).encode("utf-8")))
    out.append(("quoted-newline", "\n".join([BODY[0], QUOTED.format("\n"), BODY[2]]).encode()))
    out.append(("quoted-crlf", "\r\n".join([BODY[0], QUOTED.format("\r\n"), BODY[2]]).encode()))
    tsv = "\n".join(line.replace(",", "\t") for line in TITLE + BODY)
    out.append(("tsv", tsv.encode("utf-8")))
    return out


@pytest.mark.parametrize(("label", "data"), variants(), ids=[v[0] for v in variants()])
def test_same_tables_as_splitting_every_line(label: str, data: bytes) -> None:
    suffix = ".tsv" if label == "tsv" else ".csv"
    got, got_problems = reader._read_text(data, "x" + suffix, suffix)
    want, want_problems = reference(data, "x" + suffix, suffix)
    assert got_problems == want_problems
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert (g.headers, g.extra, g.title, g.counts_rounds) == (w.headers, w.extra, w.title, w.counts_rounds)
        assert_frame_equal(g.frame, w.frame)
