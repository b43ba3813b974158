"""The reader's table-edge checks (totals rows, notes under the table, a header written again) look at the few rows
and texts that can be one of them, picked column by column, so that a country's millions of named rows cost no
Python each. These properties hold them to the rules as stated row by row: the same rows dropped, the same words
said, whatever the cells."""

from __future__ import annotations

import os

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.intake import reader
from campaign.intake.vocabulary import HEADER_LOOKUP, header_exact

EXAMPLES = int(os.environ.get("CAMPAIGN_HYPOTHESIS_EXAMPLES", "200"))
COLUMNS = sorted(set(HEADER_LOOKUP.values()))

# pieces towns write: header words and their 所属 / 名称 around them, totals and note words, names, brackets of both
# widths, spaces of both widths, full-width letters, a control character
PIECES = st.sampled_from(
    [
        *list(HEADER_LOOKUP)[::7],
        "所属",
        "名称",
        "合计",
        "小计",
        "Total",
        "注：",
        "以上",
        "城南",
        "小区",
        "一期",
        "(",
        ")",
        "（",
        "）",
        "【",
        "】",
        " ",
        "\u3000",
        "\t",
        "\x1c",
        "ＮＡＭＥ",
        "Name",
        "1",
        "１",
        ":",
    ]
)
TEXTS = st.lists(PIECES, min_size=0, max_size=5).map("".join)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=30), st.sampled_from(COLUMNS))
def test_the_texts_left_to_read_one_by_one_hold_every_header(texts: list[str], column: str) -> None:
    picked = reader._could_be_header(pl.Series(texts, dtype=pl.String), column).to_list()
    for text, kept in zip(texts, picked, strict=True):
        if header_exact(text) == column:
            assert kept, text


def _by_row(body: pl.DataFrame, data_cols: list[str]) -> tuple[list[int], list[str]]:
    """The rule as stated, row by row: the rows (by _row) a totals word or a trailing note drops, and the words."""
    key = next((c for c in reader._RECORD_COLUMNS if c in body.columns), None)
    rows = [[c.strip() for c in cells if c is not None and c.strip()] for cells in body.select(data_cols).rows()]
    names = body.get_column(key).to_list() if key else [None] * len(rows)
    drop: dict[int, str] = {}
    for k, (filled, name) in enumerate(zip(rows, names, strict=True)):
        totals = [c for c in filled if reader._folded(c) in reader.TOTALS_WORDS]
        counted = name and reader._COUNT.match(reader._folded(name))  # 小计, …, 2个: its count where a name would be
        if totals and (not name or reader._folded(name) in reader.TOTALS_WORDS or counted):
            drop[k] = totals[0]

    def note(filled: list[str]) -> bool:
        return bool(filled) and all(reader._NOTE.search(c) for c in filled)

    last = max((k for k, n in enumerate(names) if n and n.strip() and k not in drop and not note(rows[k])), default=-1)
    drop |= {k: rows[k][0] for k in range(last + 1, len(rows)) if k not in drop and note(rows[k])}
    at = body.get_column("_row").to_list()
    return [at[k] for k in sorted(drop)], [drop[k] for k in sorted(drop)]


CELLS = st.one_of(
    st.none(),
    st.sampled_from(
        ["", " ", "合计", "合 计", "小计：", "total", "注：以上名单", "填报人：张三", "甲苑", "城南小区", "2"]
    ),
    TEXTS,
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.lists(st.tuples(CELLS, CELLS, CELLS), min_size=1, max_size=25),
    st.sampled_from([("town", "name", "batch"), ("district", "town", "households"), ("extra:备注", "x", "y")]),
)
def test_totals_and_notes_are_the_rows_the_rule_names(cells: list[tuple], columns: tuple[str, str, str]) -> None:
    body = pl.DataFrame(
        {**{c: [row[i] for row in cells] for i, c in enumerate(columns)}, "_row": range(3, 3 + len(cells))},
        schema={**dict.fromkeys(columns, pl.String), "_row": pl.Int64},
    )
    kept, said = reader._without_totals_and_notes(body, list(columns))
    dropped, words = _by_row(body, list(columns))
    assert [r for r in body.get_column("_row") if r not in dropped] == kept.get_column("_row").to_list()
    assert said == [f"第{r}行「{reader.short(w, 16)}」" for r, w in zip(dropped, words, strict=True)]
