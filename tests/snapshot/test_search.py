"""The name index (derive.sql's search_units, search_spans, found_units) answers units.sql and find_units.sql with
exactly the rows a plain scan of every unit gives: the same units, statuses, order, count and first rows, for
1-character, 2-character, pinyin, Latin, digit and hostile searches (LIKE wildcards and quotes are text, never a
pattern), with and without a status, a district and a limit.

The oracle here reads units, name_pinyin and unit_status and matches names in Polars (literal substrings), not
through the index or the queries under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import duckdb
import polars as pl
import pytest

from campaign.answers import queries
from campaign.generate.scale import SCALES, build_database
from campaign.intake.ingest import ingest
from campaign.snapshot import store
from tests.support.files import write_tiny
from tests.support.hostile_names import write_hostile

# names a user may type that SQL would read as a pattern, a quote or an escape if it were pasted into one
ODD_NAMES = ["100%花园", "a_c苑", "O'Neil小区", 'Say "hi"苑', "back\\slash苑", "ABC公寓", "12号楼", "%_组"]
TYPED = ["%", "_", "%%", "%花", "a_c", "a%c", "_c", "'", "''", '"', "\\", "\\%", "ABC", "abc", "12", "1", "9",
         "号楼", "zzzz", "", " ", "*", "(", "[", "公寓", "OʼNeil"]  # fmt: skip
STATUSES = [None, "created", "model", "revoked", "not_created"]
COLUMNS = ["district", "town", "committee", "name", "kind", "status", "batch", "status_date", "first_created",
           "times_created", "households", "population", "in_roster"]  # fmt: skip


def _odd_roster(folder: Path) -> Path:
    path = folder / "odd.csv"
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        rows = csv.writer(out)
        rows.writerow(["区", "街镇", "居委", "小区名称", "类型", "户数", "人口"])
        for i, name in enumerate(ODD_NAMES):
            rows.writerow(
                ["丁区", "C_镇" if i % 2 else "100%镇", "O'居委" if i % 3 else "五居委", name, "小区", 10, 20]
            )
    return path


@pytest.fixture(scope="module")
def ingested_db(tmp_path_factory) -> Path:
    """The tiny campaign, hostile names and odd names, through an ingest (pinyin filled as an ingest does)."""
    folder = tmp_path_factory.mktemp("search")
    db = folder / "campaign.duckdb"
    ingest([*write_tiny(folder / "tiny"), *write_hostile(folder / "hostile"), _odd_roster(folder / "odd")], db)
    return db


@pytest.fixture(scope="module")
def generated_db(tmp_path_factory) -> Path:
    """A generated campaign (build-scale tiny: 600 units, 3 districts, thousands of events)."""
    db = tmp_path_factory.mktemp("search-scale") / "campaign.duckdb"
    build_database(SCALES["tiny"], db)
    return db


def _reference(db: Path, as_of, district, search, status) -> pl.DataFrame:
    """Every matching unit with its status, in place order: names tested in Polars, literally."""
    with store.read_only(db) as con:
        units = con.sql(
            "select unit_id, district, town, committee, name, kind, status, batch, status_date, first_created, "
            "times_created, households, population, in_roster from unit_status($d::date)",
            params={"d": as_of},
        ).pl()
        spelled = con.sql("select name, pinyin, initials from name_pinyin").pl()
    if district is not None:
        units = units.filter(pl.col("district") == district)
    if search is not None:
        low = search.lower()
        hits = spelled.filter(
            pl.col("pinyin").str.contains(low, literal=True) | pl.col("initials").str.contains(low, literal=True)
        )["name"].to_list()
        units = units.filter(
            pl.col("name").str.contains(search, literal=True)
            | pl.col("committee").str.contains(search, literal=True)
            | pl.col("town").str.contains(search, literal=True)
            | pl.col("name").is_in(hits)
            | pl.col("committee").is_in(hits)
        )
    if status == "created":
        units = units.filter(pl.col("status").is_in(["created", "model"]))
    elif status is not None:
        units = units.filter(pl.col("status") == status)
    return units.sort("district", "town", "committee", "name").select(COLUMNS)


def _check(db: Path, name: str, limit, **params) -> None:
    expected = _reference(db, params.get("as_of"), params.get("district"), params.get("search"), params.get("status"))
    got = queries.run(name, db=db, limit=limit, **params)
    assert got.select(COLUMNS).rows() == (expected.head(limit) if limit is not None else expected).rows()
    if got.height:
        assert got["matching"].unique().to_list() == [expected.height]
    else:  # nothing shown: nothing matched, or the limit was 0
        assert expected.height == 0 or limit == 0


def _searches(db: Path, count: int) -> list[str]:
    """Typed names taken from the snapshot's own names: 1 and 2 characters anywhere, pinyin and initials."""
    with store.read_only(db) as con:
        names = [n for (n,) in con.sql("select distinct name from units union select committee from units").fetchall()]
        spelled = con.sql("select pinyin, initials from name_pinyin").fetchall()
    rng = random.Random(19)
    out = []
    for _ in range(count):
        text = rng.choice(names)
        start = rng.randrange(len(text))
        out += [text[start], text[start : start + 2]]
        pinyin, initials = rng.choice(spelled)
        out += [initials[:4], pinyin[1:6].upper()]
    return out


def _as_of(db: Path) -> list:
    with store.read_only(db) as con:
        first, last = con.sql("select min(published), max(published) from events").fetchall()[0]
    return [None, first, first + (last - first) / 2, first - dt.timedelta(days=1)]


@pytest.mark.parametrize("which", ["ingested_db", "generated_db"])
def test_units_match_a_scan_of_every_unit(which, request):
    db = request.getfixturevalue(which)
    days = _as_of(db)
    with store.read_only(db) as con:
        districts = [d for (d,) in con.sql("select distinct district from units order by 1").fetchall()]
    searches = [None, *TYPED, *_searches(db, 12)]
    for i, search in enumerate(searches):
        status = STATUSES[i % len(STATUSES)]
        district = None if i % 3 else districts[i % len(districts)]
        as_of = days[i % len(days)]
        limit = [None, 5, 10000, 1][i % 4]
        _check(db, "units", limit, as_of=as_of, district=district, search=search, status=status)
        _check(db, "find_units", limit, as_of=as_of, district=district, search=search)


@pytest.mark.parametrize("which", ["ingested_db", "generated_db"])
def test_newest_status_kept_beside_each_unit_answers_as_its_spans_do(which, request):
    """With no day chosen, units.sql reads each unit's status now from search_units (latest_*), not from its
    spans: every filter on it gives what the spans give as of the last publication day (the same statuses)."""
    db = request.getfixturevalue(which)
    with store.read_only(db) as con:
        last = con.sql("select max(published) from events").fetchall()[0][0]
        batches = con.sql("select distinct batch from events where batch is not null order by 1").fetchall()
        batches = [b for (b,) in batches]
        days = [d for (d,) in con.sql("select distinct published from events order by 1").fetchall()]
    middle = days[len(days) // 2]
    filters = [{}, {"batch": batches[0]}, {"batch": batches[-1]}, {"date_from": middle}, {"date_to": middle}]
    filters += [{"date_from": middle, "date_to": last, "batch": batches[len(batches) // 2]}]
    for i, where in enumerate(filters):
        for status in STATUSES:
            params = where | {"status": status, "search": [None, "1", "号"][i % 3], "limit": [None, 7][i % 2]}
            newest = queries.run("units", db=db, **params)
            on_last_day = queries.run("units", db=db, as_of=last, **params)
            assert newest.rows() == on_last_day.rows(), (where, status)


def test_wildcards_and_quotes_are_text(ingested_db):
    """A typed % or _ finds only names holding that character, never every name."""
    found = queries.run("find_units", db=ingested_db, search="%", limit=None)
    # the two names holding a %, and the units of the town 100%镇 (every other one of the odd names)
    assert set(found["name"]) == {"100%花园", "%_组", "O'Neil小区", "back\\slash苑", "12号楼"}
    assert found.height == 5
    underscore = queries.run("units", db=ingested_db, search="_", status=None, limit=None)
    assert all("_" in f"{r['name']}{r['committee']}{r['town']}" for r in underscore.iter_rows(named=True))
    assert queries.run("find_units", db=ingested_db, search="'", limit=None).height > 0
    assert queries.run("find_units", db=ingested_db, search="no such name", limit=None).is_empty()


def test_pinyin_of_a_district_derived_by_an_ingest_group(tmp_path, monkeypatch):
    """A country's first load derives a group of districts before the ingest's end: their names' pinyin is
    spelled first, so "jy" (甲苑's initials) finds 甲苑 in a run read in groups."""
    from campaign.intake import ingest as ingest_module

    monkeypatch.setattr(ingest_module, "CHUNK_BYTES", 1)  # every district a group of its own
    db = tmp_path / "campaign.duckdb"
    ingest(write_tiny(tmp_path / "files"), db)
    found = queries.run("find_units", db=db, search="jy", limit=None)
    assert "甲苑" in found["name"].to_list()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.sql("select count(*) from search_units where name_initials is null").fetchall() == [(0,)]
