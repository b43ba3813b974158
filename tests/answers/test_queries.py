"""Every named query against the tiny campaign of tests.support.files.TINY_FILES, with answers worked out by hand.

The tiny campaign:
  甲区 roster: compounds 甲苑, 乙苑 (A镇/一居委) and 丙苑 (B镇/三居委); village groups 1组, 2组 (A镇/二村);
  village 四村 (B镇, its own committee).
  batch 1 on 04-10: 甲苑, 1组, 2组, 四村.  四村 revoked 04-15.  batch 2 on 04-20: 乙苑, 丙苑.
  batch 3 on 04-25: 四村 again.  甲苑 made a model compound 04-26.
  乙区 has no roster: 东村 round 1 on 04-22, 西村 round 2 on 04-25.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from campaign.answers import queries
from campaign.intake.ingest import ingest
from tests.support.files import write_tiny

D = dt.date
ALL_QUERIES = {
    "batches",
    "committees_in_town",
    "coverage_by_district",
    "coverage_by_town",
    "changes_by_date",
    "created_per_batch",
    "dq_batch_counts",
    "dq_created_twice",
    "dq_cumulative_fell",
    "dq_grid_households",
    "dq_model_no_creation",
    "dq_never_listed",
    "dq_revoked_not_created",
    "dq_whole_claim_denied",
    "dq_whole_claim_missing",
    "district_glance",
    "districts",
    "files",
    "find_units",
    "forecast",
    "grid_levels",
    "grid_places",
    "grid_tree",
    "ingests",
    "list_marks",
    "places",
    "revoked_open",
    "services_by_kind",
    "services_by_place",
    "services_trend",
    "progress_curve",
    "snapshot_info",
    "targets_check",
    "town_batch_matrix",
    "towns_ranked",
    "unit_history",
    "units",
    "whole_committees",
    "whole_over_time",
}


def keyed(frame: pl.DataFrame, *keys: str) -> dict:
    """Rows of ``frame`` as dicts, keyed by the values of ``keys``."""
    return {tuple(r[k] for k in keys): r for r in frame.to_dicts()}


def pick(row: dict, *cols: str) -> tuple:
    """The values of ``cols``; percentages to two decimals, whether or not the query rounds them."""
    return tuple(round(row[c], 2) if isinstance(row[c], float) else row[c] for c in cols)


def names(frame: pl.DataFrame) -> list[str]:
    return frame.get_column("name").to_list()


def test_every_query_file_is_covered_here():
    # a new query must get hand-checked answers in this file (or in tests/answers/test_changes.py,
    # tests/answers/test_quality.py for the changes and data-quality queries)
    assert set(queries.names()) == ALL_QUERIES


# ------------------------------------------------------------------------------ the query files ---
@pytest.mark.parametrize("path", sorted(queries.QUERIES_DIR.glob("*.sql")), ids=lambda p: p.stem)
def test_query_file_opens_with_a_comment_naming_grain_and_parameters(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].startswith("--"), f"{path.name} must open with a -- comment"
    header = []
    for line in lines:
        if not line.startswith("--"):
            break
        header.append(line)
    header_text = "\n".join(header)
    assert "Grain" in header_text, path.name
    assert "Parameters" in header_text, path.name
    # the opening comment is the query's documentation: every parameter it takes is named there
    declared = queries.parameters(path.stem)
    for param in declared:
        assert f"${param}" in header_text, f"{path.name}: ${param} not documented"
    if not declared:
        assert "Parameters: none" in header_text, path.name


def test_unknown_parameter_is_a_type_error(tiny_db):
    with pytest.raises(TypeError, match="twon"):
        queries.run("units", db=tiny_db, twon="A镇")
    with pytest.raises(TypeError, match="as_of"):
        queries.run("places", db=tiny_db, as_of=D(2022, 4, 12))


def test_unknown_query_name(tiny_db):
    with pytest.raises(KeyError, match="no_such_query"):
        queries.run("no_such_query", db=tiny_db)


@pytest.mark.parametrize("name", queries.names())
def test_every_query_runs_on_the_sample_without_parameters(sample_db, name):
    frame = queries.run(name, db=sample_db)
    assert isinstance(frame, pl.DataFrame)
    # checks that find nothing wrong in the clean sample, and nothing revoked at its end, are empty
    empty_on_clean_sample = {"dq_created_twice", "dq_grid_households", "dq_never_listed", "revoked_open"}
    empty_on_clean_sample.add("dq_model_no_creation")  # its model list names created units only
    empty_on_clean_sample.add("dq_revoked_not_created")  # it revokes created units only
    empty_on_clean_sample.add("unit_history")  # without a unit named, no unit's history
    # the sample's 整建制 marks agree with its history, and it has no cumulative list (tests/answers/test_quality.py)
    empty_on_clean_sample |= {"dq_whole_claim_missing", "dq_whole_claim_denied", "dq_cumulative_fell"}
    assert (frame.height == 0) == (name in empty_on_clean_sample)


# ------------------------------------------------------------------------ coverage_by_district ---
COVERAGE_COLUMNS = [
    "district",
    "kind",
    "total",
    "created",
    "model",
    "revoked",
    "coverage_pct",
    "remaining",
    "target",
    "batches_run",
    "counts_rounds",
    "latest_published",
    "full_date",
]
FIGURES = ("total", "created", "model", "revoked", "coverage_pct", "remaining", "full_date")


def test_coverage_by_district_latest(tiny_db):
    frame = queries.run("coverage_by_district", db=tiny_db)
    assert frame.columns == COVERAGE_COLUMNS
    assert frame.select("district", "kind").rows() == [
        ("乙区", "village"),
        ("甲区", "compound"),
        ("甲区", "village"),
        ("甲区", "village_group"),
    ]
    rows = keyed(frame, "district", "kind")
    assert pick(rows["甲区", "compound"], *FIGURES) == (3, 3, 1, 0, 100.0, 0, D(2022, 4, 20))
    # 四村 was full on 04-10, dropped out on 04-15 and came back on 04-25: the last climb counts
    assert pick(rows["甲区", "village"], *FIGURES) == (1, 1, 0, 0, 100.0, 0, D(2022, 4, 25))
    assert pick(rows["甲区", "village_group"], *FIGURES) == (2, 2, 0, 0, 100.0, 0, D(2022, 4, 10))
    # no roster: counts, but no total, coverage, remainder or full date
    assert pick(rows["乙区", "village"], *FIGURES) == (None, 2, 0, 0, None, None, None)

    for kind in ("compound", "village", "village_group"):
        row = rows["甲区", kind]
        assert pick(row, "batches_run", "counts_rounds", "latest_published", "target") == (
            3,
            False,
            D(2022, 4, 25),
            None,
        )
    assert pick(rows["乙区", "village"], "batches_run", "counts_rounds", "latest_published") == (
        2,
        True,
        D(2022, 4, 25),
    )


def test_coverage_by_district_after_the_first_batch(tiny_db):
    rows = keyed(queries.run("coverage_by_district", db=tiny_db, as_of=D(2022, 4, 12)), "district", "kind")
    assert pick(rows["甲区", "compound"], *FIGURES) == (3, 1, 0, 0, 33.33, 2, None)
    assert pick(rows["甲区", "village"], *FIGURES) == (1, 1, 0, 0, 100.0, 0, D(2022, 4, 10))
    assert pick(rows["甲区", "village_group"], *FIGURES) == (2, 2, 0, 0, 100.0, 0, D(2022, 4, 10))
    assert pick(rows["甲区", "compound"], "batches_run", "latest_published") == (1, D(2022, 4, 10))
    # 乙区 had published nothing yet
    assert pick(rows["乙区", "village"], "total", "created", "batches_run", "latest_published") == (None, 0, 0, None)


def test_coverage_by_district_on_the_day_of_the_revocation(tiny_db):
    rows = keyed(queries.run("coverage_by_district", db=tiny_db, as_of=D(2022, 4, 15)), "district", "kind")
    assert pick(rows["甲区", "village"], *FIGURES) == (1, 0, 0, 1, 0.0, 1, None)
    # the other kinds are untouched by 四村's revocation
    assert pick(rows["甲区", "village_group"], "created", "revoked") == (2, 0)


def test_coverage_by_district_model_counts_from_its_publication_day(tiny_db):
    before = keyed(queries.run("coverage_by_district", db=tiny_db, as_of=D(2022, 4, 25)), "district", "kind")
    on = keyed(queries.run("coverage_by_district", db=tiny_db, as_of=D(2022, 4, 26)), "district", "kind")
    assert before["甲区", "compound"]["model"] == 0
    assert on["甲区", "compound"]["model"] == 1
    assert on["甲区", "compound"]["created"] == 3  # a model compound is still a created one


def test_coverage_by_district_filter(tiny_db):
    frame = queries.run("coverage_by_district", db=tiny_db, district="乙区")
    assert frame.select("district", "kind", "created").rows() == [("乙区", "village", 2)]


# ----------------------------------------------------------------------------- district_glance ---
GLANCE = (
    "total",
    "created",
    "revoked",
    "coverage_pct",
    "remaining",
    "batches_run",
    "counts_rounds",
    "latest_batch",
    "latest_published",
    "latest_new",
    "latest_revoked",
)


def test_district_glance_latest(tiny_db):
    frame = queries.run("district_glance", db=tiny_db)
    assert frame.columns == ["district", *GLANCE]
    rows = keyed(frame, "district")
    # 甲区, every kind together: 6 units, all created; batch 3 (04-25) re-created 四村; nothing revoked since 04-20
    assert pick(rows[("甲区",)], *GLANCE) == (6, 6, 0, 100.0, 0, 3, False, 3, D(2022, 4, 25), 1, 0)
    # 乙区 has no roster: counts only; round 2 created 西村
    assert pick(rows[("乙区",)], *GLANCE) == (None, 2, 0, None, None, 2, True, 2, D(2022, 4, 25), 1, 0)


def test_district_glance_over_time(tiny_db):
    def jia(as_of):
        return pick(
            queries.run("district_glance", db=tiny_db, as_of=as_of, district="甲区").row(0, named=True), *GLANCE
        )

    # before anything was published: nothing created, no latest batch
    assert jia(D(2022, 4, 9)) == (6, 0, 0, 0.0, 6, 0, False, None, None, 0, 0)
    # batch 1 (04-10) made 甲苑, 1组, 2组 and 四村 created: 4 of 6
    assert jia(D(2022, 4, 12)) == (6, 4, 0, 66.67, 2, 1, False, 1, D(2022, 4, 10), 4, 0)
    # 四村 revoked on 04-15: counted against batch 1, the latest, with no batch before it
    assert jia(D(2022, 4, 15)) == (6, 3, 1, 50.0, 3, 1, False, 1, D(2022, 4, 10), 4, 1)
    # batch 2 (04-20): 乙苑 and 丙苑 new; 四村's revocation came after batch 1, so it is batch 2's news too
    assert jia(D(2022, 4, 20)) == (6, 5, 1, 83.33, 1, 2, False, 2, D(2022, 4, 20), 2, 1)
    assert queries.run("district_glance", db=tiny_db, district="乙区").height == 1


# ---------------------------------------------------------------------------- coverage_by_town ---
def test_coverage_by_town(tiny_db):
    cols = ("total", "created", "model", "revoked", "coverage_pct")
    latest = queries.run("coverage_by_town", db=tiny_db)
    assert latest.columns == ["district", "town", "kind", *cols]
    rows = keyed(latest, "district", "town", "kind")
    assert {k: pick(r, *cols) for k, r in rows.items()} == {
        ("乙区", "C镇", "village"): (None, 2, 0, 0, None),
        ("甲区", "A镇", "compound"): (2, 2, 1, 0, 100.0),
        ("甲区", "A镇", "village_group"): (2, 2, 0, 0, 100.0),
        ("甲区", "B镇", "compound"): (1, 1, 0, 0, 100.0),
        ("甲区", "B镇", "village"): (1, 1, 0, 0, 100.0),
    }
    rows = keyed(queries.run("coverage_by_town", db=tiny_db, as_of=D(2022, 4, 15)), "district", "town", "kind")
    assert pick(rows["甲区", "A镇", "compound"], *cols) == (2, 1, 0, 0, 50.0)
    assert pick(rows["甲区", "B镇", "compound"], *cols) == (1, 0, 0, 0, 0.0)
    assert pick(rows["甲区", "B镇", "village"], *cols) == (1, 0, 0, 1, 0.0)
    only = queries.run("coverage_by_town", db=tiny_db, district="甲区")
    assert set(only.get_column("district")) == {"甲区"} and only.height == 4


# -------------------------------------------------------------------------------- towns_ranked ---
RANKED = ("town", "total", "created", "revoked", "remaining", "coverage_pct", "committees", "rank")


def test_towns_ranked_latest_ties_broken_by_units_created(tiny_db):
    frame = queries.run("towns_ranked", db=tiny_db)
    assert [pick(r, "district", *RANKED) for r in frame.to_dicts()] == [
        ("乙区", "C镇", None, 2, 0, None, None, 2, 1),
        # both towns are at 100%: A镇, with 4 units created, ranks above B镇 with 2
        ("甲区", "A镇", 4, 4, 0, 0, 100.0, 2, 1),
        ("甲区", "B镇", 2, 2, 0, 0, 100.0, 2, 2),
    ]


def test_towns_ranked_on_the_day_of_the_revocation(tiny_db):
    frame = queries.run("towns_ranked", db=tiny_db, as_of=D(2022, 4, 15), district="甲区")
    assert [pick(r, *RANKED) for r in frame.to_dicts()] == [
        ("A镇", 4, 3, 0, 1, 75.0, 2, 1),
        ("B镇", 2, 0, 1, 2, 0.0, 2, 2),
    ]


def test_towns_ranked_by_coverage_not_by_count(tiny_db):
    # compounds on 04-20: A镇 2 of 2, B镇 1 of 1 -> both 100%, A镇 first on count;
    # on 04-12: A镇 1 of 2 (50%), B镇 0 of 1
    frame = queries.run("towns_ranked", db=tiny_db, as_of=D(2022, 4, 12), district="甲区", kind="compound")
    assert [pick(r, "town", "total", "created", "coverage_pct", "committees", "rank") for r in frame.to_dicts()] == [
        ("A镇", 2, 1, 50.0, 1, 1),
        ("B镇", 1, 0, 0.0, 1, 2),
    ]
    villages = queries.run("towns_ranked", db=tiny_db, kind="village", district="甲区")
    assert villages.select("town", "total", "created", "rank").rows() == [("B镇", 1, 1, 1)]


# -------------------------------------------------------------------------- committees_in_town ---
COMMITTEE = ("committee", "kind", "total", "created", "coverage_pct", "whole", "last_created")


def test_committees_in_town_after_the_first_batch(tiny_db):
    frame = queries.run("committees_in_town", db=tiny_db, as_of=D(2022, 4, 12), district="甲区", town="A镇")
    # best covered first
    assert [pick(r, *COMMITTEE) for r in frame.to_dicts()] == [
        ("二村", "village_group", 2, 2, 100.0, True, D(2022, 4, 10)),
        ("一居委", "compound", 2, 1, 50.0, False, D(2022, 4, 10)),
    ]
    rows = keyed(frame, "committee")
    assert pick(rows[("一居委",)], "households", "population") == (300, 730)
    assert pick(rows[("二村",)], "households", "population") == (70, 180)


def test_committees_in_town_whole_flag_follows_revocation(tiny_db):
    def b_town(as_of):
        frame = queries.run("committees_in_town", db=tiny_db, as_of=as_of, district="甲区", town="B镇")
        return {r["committee"]: (r["created"], r["whole"]) for r in frame.to_dicts()}

    assert b_town(D(2022, 4, 12)) == {"三居委": (0, False), "四村": (1, True)}
    assert b_town(D(2022, 4, 15)) == {"三居委": (0, False), "四村": (0, False)}
    assert b_town(None) == {"三居委": (1, True), "四村": (1, True)}


def test_committees_in_town_every_town_of_a_district(tiny_db):
    frame = queries.run("committees_in_town", db=tiny_db, district="甲区")
    assert sorted(frame.select("town", "committee").rows()) == [
        ("A镇", "一居委"),
        ("A镇", "二村"),
        ("B镇", "三居委"),
        ("B镇", "四村"),
    ]
    assert frame.get_column("whole").to_list() == [True] * 4


def test_committees_in_town_without_roster_has_no_total_and_no_whole(tiny_db):
    frame = queries.run("committees_in_town", db=tiny_db, district="乙区")
    assert [pick(r, *COMMITTEE) for r in frame.to_dicts()] == [
        ("东村", "village", None, 1, None, None, D(2022, 4, 22)),
        ("西村", "village", None, 1, None, None, D(2022, 4, 25)),
    ]


# ---------------------------------------------------------------------------- whole_committees ---
def test_whole_committees(tiny_db):
    def whole(as_of):
        frame = queries.run("whole_committees", db=tiny_db, as_of=as_of)
        return {
            (r["district"], r["kind"]): pick(r, "committees", "committees_with_created", "committees_whole")
            for r in frame.to_dicts()
        }

    # only the kinds below a committee or village; 乙区's villages are their own committees
    assert whole(D(2022, 4, 9)) == {("甲区", "compound"): (2, 0, 0), ("甲区", "village_group"): (1, 0, 0)}
    # 甲苑 created, 乙苑 not yet: 一居委 has a creation but is not whole; 二村's two groups make it whole
    assert whole(D(2022, 4, 12)) == {("甲区", "compound"): (2, 1, 0), ("甲区", "village_group"): (1, 1, 1)}
    assert whole(D(2022, 4, 20)) == {("甲区", "compound"): (2, 2, 2), ("甲区", "village_group"): (1, 1, 1)}
    assert whole(None) == whole(D(2022, 4, 20))
    assert queries.run("whole_committees", db=tiny_db, district="乙区").height == 0


# ------------------------------------------------------------------------------ progress_curve ---
CURVE = ("published", "batches", "net", "created", "total", "coverage_pct")


def curve(frame: pl.DataFrame, district: str, kind: str) -> list[tuple]:
    rows = frame.filter((pl.col("district") == district) & (pl.col("kind") == kind))
    return [pick(r, *CURVE) for r in rows.to_dicts()]


def test_progress_curve(tiny_db):
    frame = queries.run("progress_curve", db=tiny_db)
    assert curve(frame, "甲区", "village") == [
        (D(2022, 4, 10), [1], 1, 1, 1, 100.0),
        (D(2022, 4, 15), None, -1, 0, 1, 0.0),
        (D(2022, 4, 25), [3], 1, 1, 1, 100.0),
    ]
    assert curve(frame, "甲区", "compound") == [
        (D(2022, 4, 10), [1], 1, 1, 3, 33.33),
        (D(2022, 4, 20), [2], 2, 3, 3, 100.0),
    ]
    assert curve(frame, "甲区", "village_group") == [(D(2022, 4, 10), [1], 2, 2, 2, 100.0)]
    assert curve(frame, "乙区", "village") == [
        (D(2022, 4, 22), [1], 1, 1, None, None),
        (D(2022, 4, 25), [2], 1, 2, None, None),
    ]
    # the model listing of 04-26 is not a creation: no point on that day
    assert D(2022, 4, 26) not in frame.get_column("published").to_list()


def test_progress_curve_as_of_and_district(tiny_db):
    frame = queries.run("progress_curve", db=tiny_db, as_of=D(2022, 4, 20), district="甲区")
    assert set(frame.get_column("district")) == {"甲区"}
    assert curve(frame, "甲区", "village") == [
        (D(2022, 4, 10), [1], 1, 1, 1, 100.0),
        (D(2022, 4, 15), None, -1, 0, 1, 0.0),
    ]
    assert frame.get_column("published").max() == D(2022, 4, 20)


# --------------------------------------------------------------------------- created_per_batch ---
def test_created_per_batch(tiny_db):
    frame = queries.run("created_per_batch", db=tiny_db)
    got = {
        pick(r, "district", "kind", "batch"): pick(r, "units", "committees", "households", "published", "counts_rounds")
        for r in frame.to_dicts()
    }
    assert got == {
        ("乙区", "village", 1): (1, 1, None, D(2022, 4, 22), True),
        ("乙区", "village", 2): (1, 1, None, D(2022, 4, 25), True),
        ("甲区", "compound", 1): (1, 1, 100, D(2022, 4, 10), False),
        ("甲区", "compound", 2): (2, 2, 500, D(2022, 4, 20), False),
        # 四村 is counted in batch 1 and again, after its revocation, in batch 3
        ("甲区", "village", 1): (1, 1, 500, D(2022, 4, 10), False),
        ("甲区", "village", 3): (1, 1, 500, D(2022, 4, 25), False),
        ("甲区", "village_group", 1): (2, 1, 70, D(2022, 4, 10), False),
    }


def test_created_per_batch_as_of_and_district(tiny_db):
    frame = queries.run("created_per_batch", db=tiny_db, as_of=D(2022, 4, 20), district="甲区")
    assert frame.select("kind", "batch", "units").rows() == [
        ("compound", 1, 1),
        ("compound", 2, 2),
        ("village", 1, 1),
        ("village_group", 1, 2),
    ]


# --------------------------------------------------------------------------- town_batch_matrix ---
def test_town_batch_matrix(tiny_db):
    frame = queries.run("town_batch_matrix", db=tiny_db)
    assert frame.columns == ["district", "town", "batch", "units", "town_total", "share_pct"]
    assert frame.rows() == [
        ("乙区", "C镇", 1, 1, None, None),
        ("乙区", "C镇", 2, 1, None, None),
        ("甲区", "A镇", 1, 3, 4, 75.0),
        ("甲区", "A镇", 2, 1, 4, 25.0),
        ("甲区", "B镇", 1, 1, 2, 50.0),
        ("甲区", "B镇", 2, 1, 2, 50.0),
        ("甲区", "B镇", 3, 1, 2, 50.0),
    ]


def test_town_batch_matrix_as_of_and_district(tiny_db):
    frame = queries.run("town_batch_matrix", db=tiny_db, as_of=D(2022, 4, 12), district="甲区")
    assert frame.select("town", "batch", "units", "share_pct").rows() == [("A镇", 1, 3, 75.0), ("B镇", 1, 1, 50.0)]


# ------------------------------------------------------------------------------------- units ---
def test_units_latest(tiny_db):
    frame = queries.run("units", db=tiny_db)
    assert frame.columns == [
        "district",
        "town",
        "committee",
        "name",
        "kind",
        "status",
        "batch",
        "status_date",
        "first_created",
        "times_created",
        "households",
        "population",
        "in_roster",
        "matching",
    ]
    assert frame.get_column("matching").unique().to_list() == [8]
    rows = {r["name"]: r for r in frame.to_dicts()}
    assert names(frame) == ["东村", "西村", "乙苑", "甲苑", "1组", "2组", "丙苑", "四村"]
    cols = ("status", "batch", "status_date", "first_created", "times_created")
    assert pick(rows["甲苑"], *cols) == ("model", 1, D(2022, 4, 10), D(2022, 4, 10), 1)
    assert pick(rows["四村"], *cols) == ("created", 3, D(2022, 4, 25), D(2022, 4, 10), 2)
    assert pick(rows["四村"], "committee", "kind", "households", "population", "in_roster") == (
        "四村",
        "village",
        500,
        1200,
        True,
    )
    assert pick(rows["东村"], "committee", "kind", "households", "in_roster") == ("东村", "village", None, False)


def test_units_limit_keeps_the_matching_count(tiny_db):
    frame = queries.run("units", db=tiny_db, limit=3)
    assert names(frame) == ["东村", "西村", "乙苑"]  # the first rows in the full order
    assert frame.get_column("matching").to_list() == [8, 8, 8]
    frame = queries.run("units", db=tiny_db, district="甲区", kind="compound", limit=2)
    assert frame.height == 2 and frame.item(0, "matching") == 3


def test_units_on_the_day_of_the_revocation(tiny_db):
    frame = queries.run("units", db=tiny_db, as_of=D(2022, 4, 15))
    status = {r["name"]: (r["status"], r["batch"]) for r in frame.to_dicts()}
    assert status == {
        "甲苑": ("created", 1),  # the model listing comes later
        "1组": ("created", 1),
        "2组": ("created", 1),
        "四村": ("revoked", None),  # a revoked unit has no current batch
        "乙苑": ("not_created", None),
        "丙苑": ("not_created", None),
        "东村": ("not_created", None),
        "西村": ("not_created", None),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"district": "乙区"}, ["东村", "西村"]),
        ({"town": "A镇"}, ["乙苑", "甲苑", "1组", "2组"]),
        ({"committee": "二村"}, ["1组", "2组"]),
        ({"kind": "village"}, ["东村", "西村", "四村"]),
        ({"kind": "compound", "town": "B镇"}, ["丙苑"]),
        ({"status": "model"}, ["甲苑"]),
        # created includes the model compound
        ({"status": "created", "district": "甲区"}, ["乙苑", "甲苑", "1组", "2组", "丙苑", "四村"]),
        ({"status": "created", "as_of": D(2022, 4, 15)}, ["甲苑", "1组", "2组"]),
        ({"status": "revoked", "as_of": D(2022, 4, 15)}, ["四村"]),
        ({"status": "revoked"}, []),
        ({"status": "not_created", "as_of": D(2022, 4, 15), "district": "甲区"}, ["乙苑", "丙苑"]),
        ({"batch": 1}, ["东村", "甲苑", "1组", "2组"]),
        ({"batch": 3}, ["四村"]),
        ({"batch": 1, "as_of": D(2022, 4, 12)}, ["甲苑", "1组", "2组", "四村"]),
        ({"date_from": D(2022, 4, 20), "date_to": D(2022, 4, 22)}, ["东村", "乙苑", "丙苑"]),
        ({"date_from": D(2022, 4, 25)}, ["西村", "四村"]),
        ({"date_to": D(2022, 4, 10)}, ["甲苑", "1组", "2组"]),
        ({"search": "苑"}, ["乙苑", "甲苑", "丙苑"]),  # the unit's name
        ({"search": "一居"}, ["乙苑", "甲苑"]),  # its committee's name
        ({"search": "B镇"}, ["丙苑", "四村"]),  # its town's name
        ({"search": "没有这个"}, []),
    ],
    ids=lambda v: repr(v) if isinstance(v, dict) else None,
)
def test_units_filters(tiny_db, params, expected):
    assert names(queries.run("units", db=tiny_db, **params)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"search": "苑"}, ["乙苑", "甲苑", "丙苑"]),  # the unit's name
        ({"search": "一居"}, ["乙苑", "甲苑"]),  # its committee's name
        ({"search": "B镇"}, ["丙苑", "四村"]),  # its town's name
        ({"search": "jiay"}, ["甲苑"]),  # the pinyin of its name
        ({"search": "苑", "district": "乙区"}, []),
        ({"search": "没有这个"}, []),
        # the explorer's place and kind filters, with or without a name
        ({}, ["东村", "西村", "乙苑", "甲苑", "1组", "2组", "丙苑", "四村"]),  # by district, town, committee, name
        ({"district": "甲区", "town": "A镇"}, ["乙苑", "甲苑", "1组", "2组"]),
        ({"district": "甲区", "town": "A镇", "committee": "一居委"}, ["乙苑", "甲苑"]),
        ({"district": "甲区", "town": "A镇", "committee": "一居"}, []),  # a committee is named whole
        ({"kind": "village"}, ["东村", "西村", "四村"]),
        ({"kind": "compound", "search": "丙"}, ["丙苑"]),
        ({"district": "乙区", "as_of": D(2022, 4, 15)}, ["东村", "西村"]),
    ],
    ids=lambda v: repr(v) if isinstance(v, dict) else None,
)
def test_find_units(tiny_db, params, expected):
    found = queries.run("find_units", db=tiny_db, **params)
    assert names(found) == expected
    # the same units, columns and statuses as the explorer's query gives for the same filters
    assert found.equals(queries.run("units", db=tiny_db, **params))


def test_find_units_first_rows_span_districts(tiny_db):
    # the first rows are sorted within the districts they lie in only: a limit past the first district's units
    every = queries.run("find_units", db=tiny_db)
    for limit in range(1, every.height + 1):
        first = queries.run("find_units", db=tiny_db, limit=limit)
        assert first.drop("matching").rows() == every.drop("matching").head(limit).rows(), limit
        assert set(first["matching"]) == {every.height}


def test_find_units_first_rows_and_count(tiny_db):
    every = queries.run("find_units", db=tiny_db, search="苑")
    first = queries.run("find_units", db=tiny_db, search="苑", limit=2)
    assert first.drop("matching").rows() == every.drop("matching").head(2).rows()
    assert set(first["matching"]) == {3}
    # the status of the day asked: 甲苑 created on 04-10 (a model later), 乙苑 and 丙苑 not yet on 04-15
    early = queries.run("find_units", db=tiny_db, search="苑", as_of=D(2022, 4, 15))
    statuses = dict(early.select("name", "status").rows())
    assert statuses == {"甲苑": "created", "乙苑": "not_created", "丙苑": "not_created"}


# ------------------------------------------------------------------------------------ places ---
def test_districts(tiny_db):
    # 乙区 has no roster: its units are known from lists only, none counts towards a total
    assert queries.run("districts", db=tiny_db).rows() == [("乙区", 2, 0, 1), ("甲区", 6, 6, 2)]


def test_places(tiny_db):
    frame = queries.run("places", db=tiny_db)
    assert frame.rows() == [
        ("乙区", "C镇", "village", 2, False),
        ("甲区", "A镇", "compound", 2, True),
        ("甲区", "A镇", "village_group", 2, True),
        ("甲区", "B镇", "compound", 1, True),
        ("甲区", "B镇", "village", 1, True),
    ]
    assert frame.columns == ["district", "town", "kind", "units", "in_roster"]
    assert queries.run("places", db=tiny_db, district="乙区").rows() == [("乙区", "C镇", "village", 2, False)]


# ----------------------------------------------------------------------------------- batches ---
def test_batches(tiny_db):
    frame = queries.run("batches", db=tiny_db)
    assert frame.columns == ["district", "batch", "published", "counts_rounds", "units"]
    assert frame.rows() == [
        ("乙区", 1, D(2022, 4, 22), True, 1),
        ("乙区", 2, D(2022, 4, 25), True, 1),
        ("甲区", 1, D(2022, 4, 10), False, 4),
        ("甲区", 2, D(2022, 4, 20), False, 2),
        ("甲区", 3, D(2022, 4, 25), False, 1),
    ]
    assert queries.run("batches", db=tiny_db, district="甲区").get_column("batch").to_list() == [1, 2, 3]


# ----------------------------------------------------------------------------- targets_check ---
def test_targets_check_without_targets(tiny_db):
    frame = queries.run("targets_check", db=tiny_db)
    assert frame.height == 0
    assert frame.columns == ["district", "kind", "target", "target_date", "source", "roster"]


def test_targets_check(tmp_path):
    db = tmp_path / "tiny.duckdb"
    targets = tmp_path / "targets.csv"
    # 甲区: 3 compounds, 6 units of every kind; 乙区 has no roster to reconcile with
    targets.write_text(
        "区,类型,官方总数,截至日期\n甲区,小区,3,2022-04-30\n甲区,村居,6,\n乙区,村,5,\n", encoding="utf-8"
    )
    ingest([*write_tiny(tmp_path / "files"), targets], db)
    frame = queries.run("targets_check", db=db)
    assert frame.select("district", "kind", "target", "target_date", "roster").rows() == [
        ("乙区", "village", 5, None, 0),
        ("甲区", "compound", 3, D(2022, 4, 30), 3),
        ("甲区", None, 6, None, 6),
    ]
    assert queries.run("targets_check", db=db, district="甲区").height == 2
    # the per-kind target also shows in coverage_by_district
    rows = keyed(queries.run("coverage_by_district", db=db), "district", "kind")
    assert rows["甲区", "compound"]["target"] == 3
    assert rows["甲区", "village"]["target"] is None


# ----------------------------------------------------------------------------- snapshot_info ---
def test_snapshot_info(tiny_db):
    frame = queries.run("snapshot_info", db=tiny_db)
    assert frame.height == 1
    row = frame.row(0, named=True)
    # 6 roster units + 2 known only from 乙区's lists; 4 + 1 + 2 + 1 + 1 + 2 status rows; 7 files
    assert pick(row, "units", "events", "files", "first_published", "last_published", "from_sample") == (
        8,
        11,
        7,
        D(2022, 4, 10),
        D(2022, 4, 26),
        False,
    )
    assert isinstance(row["last_ingest"], dt.datetime)


def test_snapshot_info_marks_the_sample(sample_db):
    assert queries.run("snapshot_info", db=sample_db).item(0, "from_sample") is True


# ----------------------------------------------------------------------------- ingests, files ---
def test_ingests_and_files_record_every_load(tmp_path):
    db = tmp_path / "two-runs.duckdb"
    paths = write_tiny(tmp_path / "files")
    ingest(paths[:1], db, who="甲")
    ingest(paths[1:3], db, who="乙")
    history = queries.run("ingests", db=db)
    assert history.select("ingest_id", "who", "files", "rows", "outcome").rows() == [
        (2, "乙", 2, 5, "loaded"),
        (1, "甲", 1, 6, "loaded"),
    ]
    assert history.get_column("file_names").to_list() == ["batch1.csv、revoked.csv", "roster.csv"]
    files = queries.run("files", db=db)
    assert files.select("file_id", "ingest_id", "name", "role", "rows").rows() == [
        (3, 2, "revoked.csv", "status", 1),
        (2, 2, "batch1.csv", "status", 4),
        (1, 1, "roster.csv", "roster", 6),
    ]
    assert all(len(h) == 64 for h in files.get_column("sha256"))


# ------------------------------------------------------------------- grids and services (issue 6) ---
# 丙村 (C镇): 总 (60 households, 2 workers) > 子1 (35, 3) > 微1 (20, 4) and 微2 (15, 0); 子2 (25, 1).
#   subtree workers: 总 2+3+4+0+1 = 10, 子1 3+4+0 = 7; households per worker 总 60/10 = 6, 子1 35/7 = 5,
#   微2 none (no workers: null). 丁居委 (C镇): 大1 (40, 2) > 小1 (40, 5).
# Services: 丙村 medicine 3 on 04-01 (Fri, week of 03-28) and 4 on 04-04 (Mon); parcel 10 on 04-04;
#   丁居委 medicine 5 on 04-05. As of 04-03 only the first row counts.
GRID_FILES = {
    "grids.csv": (
        "区,街镇,居委/村,网格,上级网格,网格层级,户数,工作人员和志愿者,每人联系户数\n"
        "丙区,C镇,丙村,总,,总网格,60,2,3-5\n"
        "丙区,C镇,丙村,子1,总,子网格,35,3,3-5\n"
        "丙区,C镇,丙村,微1,子1,微网格,20,4,4\n"
        "丙区,C镇,丙村,微2,子1,微网格,15,0,\n"
        "丙区,C镇,丙村,子2,总,子网格,25,1,3-5\n"
        "丙区,C镇,丁居委,大1,,大网格,40,2,10-20\n"
        "丙区,C镇,丁居委,小1,大1,小网格,40,5,10-20\n"
    ),
    "services.csv": (
        "区,街镇,居委/村,日期,服务类型,次数\n"
        "丙区,C镇,丙村,2022-04-01,送药,3\n"
        "丙区,C镇,丙村,2022-04-04,送药,4\n"
        "丙区,C镇,丙村,2022-04-04,物资配送,10\n"
        "丙区,C镇,丁居委,2022-04-05,送药,5\n"
    ),
}


@pytest.fixture(scope="module")
def grid_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grids")
    paths = []
    for name, text in GRID_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    db = folder / "grids.duckdb"
    ingest(paths, db, today=D(2022, 5, 23))
    return db


def test_grid_places(grid_db):
    frame = queries.run("grid_places", db=grid_db)
    assert frame.select("committee", "grids", "households", "workers", "linked_min", "linked_max").rows() == [
        ("丁居委", 2, 40, 7, 10, 20),
        ("丙村", 5, 60, 10, 3, 5),
    ]
    assert queries.run("grid_places", db=grid_db, district="甲区").is_empty()


def test_grid_tree(grid_db):
    tree = queries.run("grid_tree", db=grid_db, district="丙区", town="C镇", committee="丙村")
    assert tree.select("grid", "parent", "depth", "households", "workers", "subtree_workers").rows() == [
        ("总", None, 0, 60, 2, 10),
        ("子1", "总", 1, 35, 3, 7),
        ("子2", "总", 1, 25, 1, 1),
        ("微1", "子1", 2, 20, 4, 4),
        ("微2", "子1", 2, 15, 0, 0),
    ]
    assert tree.get_column("households_per_worker").to_list() == [6.0, 5.0, 25.0, 5.0, None]
    every = queries.run("grid_tree", db=grid_db)
    assert every.select("committee", "grid", "subtree_workers").rows()[:2] == [
        ("丁居委", "大1", 7),
        ("丁居委", "小1", 5),
    ]
    assert every.height == 7


def test_grid_levels(grid_db):
    frame = queries.run("grid_levels", db=grid_db, committee="丙村")
    assert frame.select("level", "grids", "households", "min_households", "max_households", "workers").rows() == [
        ("total", 1, 60, 60, 60, 2),
        ("sub", 2, 60, 25, 35, 4),
        ("micro", 2, 35, 15, 20, 4),
    ]
    assert [round(v, 2) for v in frame.get_column("workers_per_100")] == [3.33, 6.67, 11.43]
    every = queries.run("grid_levels", db=grid_db)
    assert every.get_column("level").to_list() == ["total", "sub", "micro", "big", "small"]


def test_services_by_kind(grid_db):
    frame = queries.run("services_by_kind", db=grid_db)
    assert frame.select("kind", "total", "places", "first_day", "last_day").rows() == [
        ("medicine", 12, 2, D(2022, 4, 1), D(2022, 4, 5)),
        ("parcel", 10, 1, D(2022, 4, 4), D(2022, 4, 4)),
    ]
    early = queries.run("services_by_kind", db=grid_db, as_of=D(2022, 4, 3))
    assert early.select("kind", "total").rows() == [("medicine", 3)]
    one = queries.run("services_by_kind", db=grid_db, committee="丁居委")
    assert one.select("kind", "total").rows() == [("medicine", 5)]


def test_services_trend(grid_db):
    frame = queries.run("services_trend", db=grid_db)
    assert frame.rows() == [
        (D(2022, 3, 28), "medicine", 3),
        (D(2022, 4, 4), "medicine", 9),
        (D(2022, 4, 4), "parcel", 10),
    ]


def test_services_by_place(grid_db):
    frame = queries.run("services_by_place", db=grid_db, district="丙区")
    assert frame.select("committee", "kind", "total", "last_day").rows() == [
        ("丁居委", "medicine", 5, D(2022, 4, 5)),
        ("丙村", "medicine", 7, D(2022, 4, 4)),
        ("丙村", "parcel", 10, D(2022, 4, 4)),
    ]
