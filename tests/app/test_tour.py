"""A tour of every page in Chinese (issue 17, section 4), reading what a reader reads: titles, markdown,
captions, notes, cards, buttons and labels, table headers and cells. It fails on a raw `None`, `nan` or
`null`, and on an English word that is not in the allowed list (names of file formats, units, the
language switch's own "English")."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import dashboard_app

PAGES = [
    ("pages/overview.py", {}),
    ("pages/overview.py", {"as_of": "2022-05-09"}),
    ("pages/progress.py", {}),
    ("pages/progress.py", {"view": "batch"}),
    ("pages/towns.py", {}),
    ("pages/grids.py", {}),
    ("pages/services.py", {}),
    ("pages/changes.py", {}),
    ("pages/changes.py", {"view": "whole"}),
    ("pages/forecast.py", {"as_of": "2022-05-09"}),
    ("pages/forecast.py", {"as_of": "2022-05-05"}),
    ("pages/quality.py", {}),
    ("pages/explorer.py", {}),
    ("pages/find.py", {"q": "hhxy"}),
    ("pages/data.py", {}),
]

# English a Chinese reader meets on purpose: file formats and units, the language switch, the README, the
# CLI, pinyin initials given as an example (hhxy), the GeoJSON property names to write (name, town)
ALLOWED = {
    "csv", "tsv", "txt", "xlsx", "xls", "excel", "pdf", "png", "geojson", "json", "utf", "mb", "kb", "gb",
    "a4", "url", "id", "english", "language", "readme", "campaign", "ingest", "file", "cli", "duckdb", "hhxy",
    "name", "town",
}  # fmt: skip
RAW = re.compile(r"(?<![\w.])(None|nan|NaN|null|NaT)(?![\w.])")
WORD = re.compile(r"[A-Za-z]{2,}")


def texts(at: AppTest) -> list[str]:
    """What the reader reads on the page and in the sidebar."""
    found: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        found += [str(e.value) for e in at.get(kind)]
    for metric in at.metric:
        found += [metric.label, str(metric.value), str(metric.delta or "")]
    for button in at.button:
        found.append(button.label)
    for widget in (*at.selectbox, *at.text_input, *at.segmented_control, *at.multiselect):
        found.append(widget.label)
    for widget in at.selectbox:
        found += [str(o) for o in widget.options]
    for frame in at.dataframe:
        value = frame.value
        found += [str(c) for c in value.columns]
        found += [str(v) for v in value.astype("string").fillna("").to_numpy().ravel()]
    return found


def english_words(text: str) -> set[str]:
    # a link's target, a code span and a URL are not read as words
    # nor is an identifier an administrator types (CAMPAIGN_ADMIN_PASSWORD, .streamlit/secrets.toml)
    text = re.sub(r"\]\([^)]*\)|`[^`]*`|https?://\S+|\b\w+\?[\w=&%.-]+|[\w./-]*[_.][\w./-]+", " ", text)
    return {w for w in WORD.findall(text) if w.lower() not in ALLOWED}


@pytest.mark.parametrize(("page", "params"), PAGES, ids=[f"{p[6:-3]}-{'-'.join(q.values())}" for p, q in PAGES])
def test_a_page_in_chinese_shows_no_raw_values_and_no_english(sample_db, monkeypatch, app_mode, page, params):
    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    at = dashboard_app()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert shown
    raw = [t for t in shown if RAW.search(t)]
    assert not raw, f"raw values on {page}: {raw[:5]}"
    english = {w: t for t in shown for w in english_words(t)}
    assert not english, f"English on {page}: {dict(list(english.items())[:8])}"


def test_the_tour_sees_what_it_must_fail_on():
    assert RAW.search("批次 None") and RAW.search("nan") and not RAW.search("Nonexistent")
    assert english_words("已导入 loaded") == {"loaded"}
    assert not english_words("下载 CSV（[链接](explorer?status=created)）")
    assert not english_words("设置 CAMPAIGN_ADMIN_PASSWORD，或在 .streamlit/secrets.toml 中")


CJK = re.compile(r"[\u3400-\u9fff]+")


@pytest.fixture(scope="module")
def names(sample_db) -> set[str]:
    """Every place, unit, service place and file name in the data: Chinese a reader of English reads as data."""
    import duckdb

    found: set[str] = set()
    with duckdb.connect(str(sample_db), read_only=True) as con:
        for (table,) in con.sql("select table_name from information_schema.tables").fetchall():
            for column, dtype, *_ in con.sql(f"describe {table}").fetchall():
                if dtype.startswith("VARCHAR"):
                    values = con.sql(f'select distinct "{column}" from {table} limit 20000').fetchall()
                    found |= {v for (value,) in values if value for v in CJK.findall(str(value))}
    return found


@pytest.mark.parametrize(("page", "params"), PAGES, ids=[f"{p[6:-3]}-{'-'.join(q.values())}" for p, q in PAGES])
def test_a_page_in_english_shows_no_chinese_but_the_datas(sample_db, monkeypatch, app_mode, names, page, params):
    from campaign.intake import uploads

    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    at = dashboard_app()
    for key, value in {**params, "lang": "en"}.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    # data: names in the data, the templates' file names, the language switch's 中文
    allowed = names | {c for name in uploads.TEMPLATES for c in CJK.findall(name)} | {"中文", "语言", "街镇"}
    chinese = {c: t for t in texts(at) for c in CJK.findall(t) if c not in allowed}
    assert not chinese, f"Chinese on {page} in English: {dict(list(chinese.items())[:8])}"
