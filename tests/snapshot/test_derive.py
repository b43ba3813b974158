"""The derived tables (campaign/snapshot/derive.sql) against a direct replay of the status history, day by day.

The replay below is the definition the precomputed tables must keep: the latest creation or revocation
up to the day decides a unit's status; a model listing on or after it makes a created unit a model.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from campaign.answers import queries
from campaign.generate import scale
from campaign.snapshot import store

REPLAY = """
create temp macro replay(as_of) as table
with upto as (
    select *, epoch(published)::hugeint * 10_000_000_000 + event_id as event_order
    from events where published <= as_of
), latest as (
    select unit_id, arg_max(event, event_order) as event, arg_max(batch, event_order) as batch,
           max(published) as status_date
    from upto where event in ('created', 'revoked') group by unit_id
), models as (
    select unit_id, max(published) as model_date from upto where event = 'model' group by unit_id
), firsts as (
    select unit_id, min(published) as first_created, count(*) as times_created
    from upto where event = 'created' group by unit_id
)
select
    u.unit_id, u.district, u.town, u.kind, u.in_roster,
    case
        when l.event = 'created' and m.model_date >= l.status_date then 'model'
        when l.event = 'created' then 'created'
        when l.event = 'revoked' then 'revoked'
        else 'not_created'
    end as status,
    case when l.event = 'created' then l.batch end as batch,
    l.status_date, f.first_created, coalesce(f.times_created, 0) as times_created
from units as u
left join latest as l using (unit_id)
left join models as m using (unit_id)
left join firsts as f using (unit_id)
"""


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    db = tmp_path_factory.mktemp("derive") / "tiny.duckdb"
    scale.build_database(scale.SCALES["tiny"], db)
    return db


def _days(con) -> list[dt.date]:
    ((first, last),) = con.sql("select min(published), max(published) from events").fetchall()
    return [first - dt.timedelta(days=1)] + [first + dt.timedelta(days=i) for i in range((last - first).days + 2)]


@pytest.mark.parametrize("which", ["sample", "scaled"])
def test_every_day_matches_a_replay_of_the_history(which, sample_db, scaled):
    db = sample_db if which == "sample" else scaled
    con = duckdb.connect()
    con.execute(f"attach '{db}' as s (read_only)")
    con.execute("use s")
    con.execute(REPLAY)
    cols = "unit_id, status, batch, status_date, first_created, times_created"
    checked = 0
    for day in _days(con):
        params = {"d": day}
        differ = con.sql(
            f"(select {cols} from unit_status($d::date) except all select {cols} from replay($d::date)) union all "
            f"(select {cols} from replay($d::date) except all select {cols} from unit_status($d::date))",
            params=params,
        ).fetchall()
        assert differ == [], (day, differ[:5])
        # the per-day coverage the pages read equals counting the replay
        expected = con.sql(
            "select district, town, kind, count(*) filter (where status in ('created', 'model')) as created,"
            " count(*) filter (where status = 'model') as model, count(*) filter (where status = 'revoked') as revoked"
            " from replay($d::date) group by all order by all",
            params=params,
        ).fetchall()
        got = queries.run("coverage_by_town", db=db, as_of=day).select(
            "district", "town", "kind", "created", "model", "revoked"
        )
        assert got.sort("district", "town", "kind").rows() == expected, day
        checked += 1
    con.close()
    assert checked > 10


def test_derived_tables_are_rebuilt_not_copied(tmp_path, sample_db):
    """A publish that adds events recomputes the derived tables from all of them."""
    import shutil

    db = tmp_path / "c.duckdb"
    shutil.copyfile(sample_db, db)

    def revoke_one(con):
        con.execute(
            "insert into events select (select max(event_id) + 1 from events), unit_id, 'revoked', null, false,"
            " date '2022-05-21', 'test.csv', 2 from units where name = '海皓馨苑'"
        )

    before = queries.run("coverage_by_district", db=db, district="金山区").row(0, named=True)
    with store.writer_lock(db):
        store.publish(db, revoke_one)
    after = queries.run("coverage_by_district", db=db, district="金山区").row(0, named=True)
    assert (before["kind"], after["kind"]) == ("compound", "compound")
    assert after["created"] == before["created"] - 1 and after["revoked"] == before["revoked"] + 1
    assert (
        queries.run("coverage_by_district", db=db, district="金山区", as_of=dt.date(2022, 5, 20)).row(0, named=True)[
            "created"
        ]
        == before["created"]
    )


def _revoke_haihao(con):
    con.execute(
        "insert into events select (select max(event_id) + 1 from events), unit_id, 'revoked', null, false,"
        " date '2022-05-21', 'test.csv', 2 from units where name = '海皓馨苑'"
    )


def _attach_all(paths: dict[str, object]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for key, path in paths.items():
        con.execute(f"attach '{path}' as {key} (read_only)")
    return con


def _assert_same_rows(con: duckdb.DuckDBPyConnection, a: str, b: str) -> None:
    """Every table of snapshot a holds the rows of snapshot b's (order aside)."""
    for table in (*store.TABLES, *store.DERIVED_TABLES, "event_range", "derived_meta"):
        rows_a, rows_b = (con.sql(f"select * from {k}.{table} order by all").fetchall() for k in (a, b))
        assert rows_a == rows_b, table


def _spy(function, calls):
    def spied(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    return spied


def test_a_publish_for_the_changed_districts_equals_a_full_one(tmp_path, sample_db, monkeypatch):
    import shutil

    paths = {k: tmp_path / f"{k}.duckdb" for k in ("part", "whole", "wrong")}
    for path in paths.values():
        shutil.copyfile(sample_db, path)
    updated, built = [], []
    monkeypatch.setattr(store, "_update_copy", _spy(store._update_copy, updated))
    monkeypatch.setattr(store, "_build", _spy(store._build, built))
    for key, districts in (("part", ["金山区"]), ("whole", None), ("wrong", ["崇明区"])):
        with store.writer_lock(paths[key]):
            store.publish(paths[key], _revoke_haihao, districts=districts)
    # named districts: the published file copied and updated in place; none named: built afresh
    assert (len(updated), len(built)) == (2, 1)
    con = _attach_all(paths)
    _assert_same_rows(con, "part", "whole")
    # only the named districts are recomputed: told the wrong one, Jinshan's rows are the old snapshot's
    wrong = con.sql("select * from wrong.unit_spans order by all").fetchall()
    assert wrong != con.sql("select * from whole.unit_spans order by all").fetchall()
    con.close()
    original = queries.run("coverage_by_district", db=sample_db, district="金山区").row(0, named=True)
    assert queries.run("coverage_by_district", db=paths["wrong"], district="金山区").row(0, named=True) == original
    assert queries.run("coverage_by_district", db=paths["part"], district="金山区").row(0, named=True)["revoked"] == 1


def test_a_snapshot_derived_by_another_version_is_recomputed_in_full(tmp_path, sample_db, monkeypatch):
    import shutil

    db = tmp_path / "c.duckdb"
    shutil.copyfile(sample_db, db)
    monkeypatch.setattr(store, "DERIVE_VERSION", "another")
    built = []
    monkeypatch.setattr(store, "_build", _spy(store._build, built))
    with store.writer_lock(db):
        store.publish(db, _revoke_haihao, districts=["崇明区"])  # the wrong district: ignored, all recomputed
    assert len(built) == 1
    assert queries.run("coverage_by_district", db=db, district="金山区").row(0, named=True)["revoked"] == 1


def test_a_publish_that_changes_no_district_copies_every_derived_row(tmp_path, sample_db):
    """Grids, services or targets alone: nothing to derive, every derived row comes from the previous snapshot."""
    import shutil

    db = tmp_path / "c.duckdb"
    shutil.copyfile(sample_db, db)
    with store.writer_lock(db):
        store.publish(db, lambda con: None, districts=[])
    con = duckdb.connect()
    con.execute(f"attach '{sample_db}' as old (read_only)")
    con.execute(f"attach '{db}' as new (read_only)")
    empty = set()
    for table in store.DERIVED_TABLES:
        old, new = (con.sql(f"select * from {k}.{table} order by all").fetchall() for k in ("old", "new"))
        assert old == new, table
        if not old:
            empty.add(table)
    # the sample has no repeated creation and no model listing without its creation: every other table is checked
    assert empty <= {"created_twice", "model_no_creation"}


def test_a_snapshot_derived_by_another_derive_sql_is_upgraded_on_first_use(tmp_path, sample_db):
    import shutil

    db = tmp_path / "c.duckdb"
    shutil.copyfile(sample_db, db)
    con = duckdb.connect(str(db))
    con.execute("update derived_meta set version = 'older'")
    con.execute("drop macro table status_day")  # a macro the older script did not have
    con.close()
    assert store.upgrade(db) is True
    assert queries.run("coverage_by_town", db=db).height == queries.run("coverage_by_town", db=sample_db).height
    assert store.upgrade(db) is False


@pytest.mark.parametrize("ahead", [False, True], ids=["copied at publish", "copied ahead"])
def test_an_update_in_place_that_fails_leaves_the_published_snapshot_as_it_was(tmp_path, sample_db, ahead):
    """Also on the copy an ingest begins ahead (store.copy_ahead): the published file as it was, nothing else left."""
    import contextlib
    import shutil

    db = tmp_path / "c.duckdb"
    shutil.copyfile(sample_db, db)
    before = db.read_bytes()

    def half_then_fail(con):
        _revoke_haihao(con)
        con.execute("delete from units where district = '金山区'")
        raise RuntimeError("a file turned out bad")

    copy = store.copy_ahead(db) if ahead else contextlib.nullcontext()
    with store.writer_lock(db), copy as made, pytest.raises(RuntimeError):
        store.publish(db, half_then_fail, districts=["金山区"], ahead=made)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.duckdb", "c.duckdb.lock"]


@pytest.mark.parametrize("districts", [None, ["金山区"]], ids=["built afresh", "updated in place"])
def test_a_fill_that_derives_its_districts_itself_equals_a_full_publish(tmp_path, sample_db, monkeypatch, districts):
    """store.derive_districts inside a fill (a chunked ingest, group by group): the build derives only the districts
    fill did not (built afresh from the sample, Chongming; updated in place, none) and gives the same snapshot."""
    import shutil

    paths = {k: tmp_path / f"{k}.duckdb" for k in ("itself", "whole")}
    for path in paths.values():
        shutil.copyfile(sample_db, path)
    scopes = []
    monkeypatch.setattr(store, "derive", _spy(store.derive, scopes))

    def revoke_and_derive(con):
        _revoke_haihao(con)
        store.derive_districts(con, ["金山区"])

    with store.writer_lock(paths["itself"]):
        store.publish(paths["itself"], revoke_and_derive, districts=districts)
    rest = [["崇明区"]] if districts is None else [[]]
    first = [[]] if districts is None else []  # a new file: the empty derived tables to add to
    assert [list(args[1]) for args in scopes if len(args) > 1] == [*first, ["金山区"], *rest]
    with store.writer_lock(paths["whole"]):
        store.publish(paths["whole"], _revoke_haihao)
    con = _attach_all(paths)
    _assert_same_rows(con, "itself", "whole")
    if districts is None:  # built afresh: the tables stored in an order across districts sorted again, as in one pass
        assert set(store.WHOLE_ORDERS) == {"revoked_spans", "roster_first_listed"}
        for table in store.WHOLE_ORDERS:
            assert (
                con.sql(f"select * from itself.{table}").fetchall()
                == con.sql(f"select * from whole.{table}").fetchall()
            ), table
    con.close()
    assert queries.run("coverage_by_district", db=paths["itself"], district="金山区").row(0, named=True)["revoked"] == 1
