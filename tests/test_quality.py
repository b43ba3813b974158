"""Data-quality checks: each triggered by a crafted fixture, and silent on the clean sample."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from campaign import queries
from campaign.ingest import ingest

D = dt.date
ROSTER = (
    "区,街镇,居委/村,名称,类型,户数,人口\n"
    "丙区,G镇,七居委,甲苑,小区,100,250\n"
    "丙区,G镇,七居委,乙苑,小区,80,190\n"
    "丙区,G镇,八村,1组,村民小组,30,80\n"
)


def _load(tmp_path: Path, **files: str) -> Path:
    paths = []
    for name, text in {"roster.csv": ROSTER, **files}.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    db = tmp_path / "q.duckdb"
    ingest(paths, db)
    return db


@pytest.mark.parametrize("query", ["dq_created_twice", "dq_never_listed", "dq_grid_households"])
def test_silent_on_the_clean_sample(sample_db, query) -> None:
    assert queries.run(query, db=sample_db).is_empty()


def test_batch_notice_counts_agree_on_the_clean_sample(sample_db) -> None:
    rows = queries.run("dq_batch_counts", db=sample_db)
    assert rows.height == 2  # Jinshan's batch 1 notice: compounds and village groups
    assert (rows["published_count"] == rows["listed_count"]).all()


def test_created_twice_without_a_revocation(tmp_path) -> None:
    db = _load(
        tmp_path,
        **{
            "b1.csv": "区,名称,批次,公布日期\n丙区,甲苑,1,2022-05-05\n丙区,乙苑,1,2022-05-05\n",
            "gone.csv": "区,名称,状态,公布日期\n丙区,乙苑,取消,2022-05-07\n",
            "b2.csv": "区,名称,批次,公布日期\n丙区,甲苑,2,2022-05-09\n丙区,乙苑,2,2022-05-09\n",
        },
    )
    rows = queries.run("dq_created_twice", db=db)
    cols = ["name", "first_batch", "first_published", "again_batch", "again_published", "again_file", "again_row"]
    # 乙苑 was revoked in between: created again, rightly; 甲苑 was not
    assert rows.select(cols).rows() == [("甲苑", 1, D(2022, 5, 5), 2, D(2022, 5, 9), "b2.csv", 2)]
    assert queries.run("dq_created_twice", db=db, as_of=D(2022, 5, 8)).is_empty()


def test_units_never_listed(tmp_path) -> None:
    db = _load(tmp_path, **{"b1.csv": "区,名称,批次,公布日期\n丙区,甲苑,1,2022-05-05\n"})
    rows = queries.run("dq_never_listed", db=db)
    assert rows.select("name", "source_file", "source_row").rows() == [
        ("乙苑", "roster.csv", 3),
        ("1组", "roster.csv", 4),
    ]
    assert queries.run("dq_never_listed", db=db, as_of=D(2022, 5, 4)).height == 3


def test_batch_notice_counts_against_the_lists(tmp_path) -> None:
    db = _load(
        tmp_path,
        **{
            "b1.csv": "区,名称,批次,公布日期\n丙区,甲苑,1,2022-05-05\n丙区,乙苑,1,2022-05-05\n丙区,1组,1,2022-05-05\n",
            "notices.csv": (
                "区,类型,批次,官方总数,来源\n丙区,小区,第一批,3,丙区第一批通知\n丙区,村民小组,1,1,丙区第一批通知\n"
            ),
        },
    )
    rows = queries.run("dq_batch_counts", db=db)
    assert rows.select("kind", "batch", "published_count", "listed_count").rows() == [
        ("compound", 1, 3, 2),
        ("village_group", 1, 1, 1),
    ]
    # batch notices are not official totals: the roster reconciliation ignores them
    assert queries.run("targets_check", db=db).is_empty()


def test_grids_holding_more_households_than_the_roster(tmp_path) -> None:
    # 七居委's units hold 180 households; its grids 200 (too many). 八村's grids cover 20 of its 30: fine
    grids = (
        "区,街镇,居委/村,网格,上级网格,网格层级,户数\n"
        "丙区,G镇,七居委,七居委一大网格,,大网格,120,\n"
        "丙区,G镇,七居委,七居委二大网格,,大网格,80,\n"
        "丙区,G镇,八村,八村总网格,,总网格,20\n"
    )
    db = _load(tmp_path, **{"grids.csv": grids})
    rows = queries.run("dq_grid_households", db=db)
    assert rows.select("committee", "grid_households", "roster_households", "units", "top_grids").rows() == [
        ("七居委", 200, 180, 2, 2)
    ]
    assert queries.run("dq_grid_households", db=db, district="乙区").is_empty()


def test_forecast_on_the_tiny_campaign(tiny_db) -> None:
    rows = queries.run("forecast", db=tiny_db, as_of=D(2022, 4, 12), district="甲区")
    compound = rows.filter(rows["town"].is_null() & (rows["kind"] == "compound")).row(0, named=True)
    # 1 of 3 created, all on 04-10: pace 1/7, 1/14, 1/28 a day; 2 remaining
    assert (compound["created"], compound["remaining"]) == (1, 2)
    assert (compound["projected"], compound["earliest"], compound["latest"]) == (
        D(2022, 5, 10),  # 2 / (1/14) = 28 days
        D(2022, 4, 26),  # 2 / (1/7) = 14 days
        D(2022, 6, 7),  # 2 / (1/28) = 56 days
    )
    done = rows.filter(rows["town"].is_null() & (rows["kind"] == "village_group")).row(0, named=True)
    assert (done["remaining"], done["projected"]) == (0, None)
    a_town = rows.filter((rows["town"] == "B镇") & (rows["kind"] == "compound")).row(0, named=True)
    assert (a_town["total"], a_town["created"], a_town["projected"]) == (1, 0, None), "no progress: no date"


def test_forecast_backtest_on_the_sample(sample_db, capsys) -> None:
    from campaign import forecast

    tested = forecast.backtest(sample_db)
    score = forecast.summary(tested)
    with capsys.disabled():
        print(f"\nforecast backtest on the sample: {score}")
    # every district-kind reached 100% after several publication dates: each date is projected once
    assert score["projections"] == tested.height == 14
    assert set(tested.get_column("actual")) == {D(2022, 5, 16), D(2022, 5, 20)}
    jinshan = tested.filter((tested["kind"] == "compound") & (tested["as_of"] == D(2022, 5, 9))).row(0, named=True)
    assert (jinshan["projected"], jinshan["error_days"], jinshan["within_range"]) == (D(2022, 5, 17), -3, True)
    assert 0 < score["mean_abs_error_days"] < 30
