"""No None, nan or 4-decimal floats in a table or download (issue 17, section 4): an empty cell shows —, a
pace one decimal (4.9/天), a percentage as i18n.fmt_pct rounds it."""

from __future__ import annotations

import json
import math

import polars as pl
import pytest

from tests.support.apptest import dashboard_app

# page, as-of day, the column that holds empty cells there, the column (if any) that holds a pace
CASES = [
    ("pages/overview.py", "2022-05-09", "达到 100% 日期", None),  # not yet at 100%
    ("pages/changes.py", None, "批次 / 轮次", None),  # a day with revocations only has no batch
    ("pages/forecast.py", "2022-05-09", None, "近14天速度（个/天）"),
]


@pytest.mark.parametrize(("page", "as_of", "empty_column", "pace_column"), CASES)
def test_tables_show_a_dash_for_empty_cells_and_one_decimal(
    sample_db, monkeypatch, app_mode, page, as_of, empty_column, pace_column
):
    monkeypatch.setenv("CAMPAIGN_DB", str(sample_db))
    at = dashboard_app()
    if as_of:
        at.query_params["as_of"] = as_of
    at.switch_page(page).run()
    assert not at.exception, at.exception
    first = at.dataframe[0]
    frame = first.value
    if empty_column:
        assert frame[empty_column].isna().any(), "the case needs an empty cell to check"
    for table in at.dataframe:
        assert table.proto.placeholder == "—"  # st.dataframe writes "None" in an empty cell otherwise
    if pace_column:
        config = json.loads(first.proto.columns)
        assert config[pace_column]["type_config"]["format"] == "%.1f"
        paces = [p for p in frame[pace_column] if not math.isnan(p)]
        assert paces and all(round(p, 1) == p for p in paces), paces


def test_downloads_hold_figures_as_people_read_them():
    from campaign.app import ui

    frame = pl.DataFrame(
        {"pace14": [4.928571, 0.071, None], "coverage_pct": [99.96, 0.01, 65.648855], "total": [1, 2, 3]}
    )
    shown = ui.display(frame, {"pace14": "pace14", "coverage_pct": "coverage", "total": "total"}, "zh")
    assert shown.rows() == [(4.9, 99.9, 1), (0.1, 0.1, 2), (None, 65.6, 3)]
    csv = shown.write_csv()
    assert "None" not in csv and "nan" not in csv.lower() and "4.928" not in csv
