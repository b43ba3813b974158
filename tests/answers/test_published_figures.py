"""The published figures, read back through the named queries from the bundled sample once ingested.

Sources (see campaign.generate.sample): Jinshan 393 compounds and 2,293 village groups, all created by 2022-05-23;
its first batch (2022-05-05) 150 compounds in 76 residents' committees, 43 of them whole, and 1,487
village groups in 80 villages, every one whole; 海皓馨苑 (山阳镇 海欣居民区) in batch 2. Chongming 357
villages and communities, all created by 2022-05-23 in four rounds, round 1 on 2022-04-22 (桃源村 in it)
and round 2 on 2022-04-25 (米洪村 in it).
"""

from __future__ import annotations

import datetime as dt

import pytest

from campaign.answers import queries

D = dt.date
AS_OF = D(2022, 5, 23)
BATCH_1 = D(2022, 5, 5)


def coverage(db, as_of, district):
    frame = queries.run("coverage_by_district", db=db, as_of=as_of, district=district)
    return {r["kind"]: r for r in frame.to_dicts()}


def one_unit(db, **params):
    frame = queries.run("units", db=db, **params)
    assert frame.height == 1, frame
    return frame.row(0, named=True)


# ------------------------------------------------------------------------------------ 金山 ---
def test_jinshan_all_created_by_may_23(sample_db):
    rows = coverage(sample_db, AS_OF, "金山区")
    assert set(rows) == {"compound", "village_group"}
    for kind, total in (("compound", 393), ("village_group", 2293)):
        row = rows[kind]
        assert (row["total"], row["created"], row["coverage_pct"], row["remaining"]) == (total, total, 100.0, 0)
        assert row["revoked"] == 0  # the revoked compound was created again in batch 4
        assert row["batches_run"] == 4 and row["counts_rounds"] is False


def test_jinshan_targets_reconcile(sample_db):
    rows = coverage(sample_db, AS_OF, "金山区")
    assert rows["compound"]["target"] == rows["compound"]["total"] == 393
    assert rows["village_group"]["target"] == rows["village_group"]["total"] == 2293
    checked = {r["kind"]: (r["target"], r["roster"]) for r in queries.run("targets_check", db=sample_db).to_dicts()}
    assert checked == {"compound": (393, 393), "village_group": (2293, 2293), None: (357, 357)}


def test_jinshan_first_batch_notice_matches_its_lists(sample_db):
    # the batch 1 notice's counts are loaded as targets with a batch, and the lists agree with them
    rows = {
        r["kind"]: (r["batch"], r["published_count"], r["listed_count"])
        for r in queries.run("dq_batch_counts", db=sample_db).to_dicts()
    }
    assert rows == {"compound": (1, 150, 150), "village_group": (1, 1487, 1487)}


def test_jinshan_first_batch(sample_db):
    rows = coverage(sample_db, BATCH_1, "金山区")
    assert (rows["compound"]["created"], rows["village_group"]["created"]) == (150, 1487)
    assert rows["compound"]["batches_run"] == 1
    assert rows["compound"]["latest_published"] == BATCH_1
    whole = {
        r["kind"]: (r["committees_with_created"], r["committees_whole"])
        for r in queries.run("whole_committees", db=sample_db, as_of=BATCH_1, district="金山区").to_dicts()
    }
    assert whole == {"compound": (76, 43), "village_group": (80, 80)}


def test_jinshan_first_batch_marks_its_whole_committees(sample_db):
    # the batch 1 list says which committees and villages were created whole, as the notice did: 43 of 76
    # committees, all 80 villages; the marks agree with the history, so both checks on them find nothing
    marks = queries.run("list_marks", db=sample_db, as_of=BATCH_1, district="金山区")
    cols = ["kind", "lists_with_marks", "committees_marked_whole", "committees_marked_not_whole"]
    assert marks.select(cols).rows() == [
        ("compound", 1, 43, 33),
        ("village_group", 1, 80, 0),
    ]
    assert queries.run("dq_whole_claim_missing", db=sample_db).is_empty()
    assert queries.run("dq_whole_claim_denied", db=sample_db).is_empty()


def test_jinshan_first_batch_list(sample_db):
    batches = {r["batch"]: r for r in queries.run("batches", db=sample_db, district="金山区").to_dicts()}
    assert batches[1]["published"] == BATCH_1
    assert batches[1]["units"] == 150 + 1487
    per_batch = queries.run("created_per_batch", db=sample_db, district="金山区", as_of=BATCH_1)
    assert per_batch.select("kind", "batch", "units", "committees").rows() == [
        ("compound", 1, 150, 76),
        ("village_group", 1, 1487, 80),
    ]


def test_haihaoxinyuan_in_batch_two(sample_db):
    unit = one_unit(sample_db, search="海皓馨苑")
    assert (unit["district"], unit["town"], unit["committee"], unit["kind"]) == (
        "金山区",
        "山阳镇",
        "海欣居民区",
        "compound",
    )
    assert (unit["status"], unit["batch"], unit["first_created"]) == ("created", 2, D(2022, 5, 9))
    before = one_unit(sample_db, search="海皓馨苑", as_of=BATCH_1)
    assert before["status"] == "not_created"


# ------------------------------------------------------------------------------------ 崇明 ---
def test_chongming_all_created_by_may_23(sample_db):
    rows = coverage(sample_db, AS_OF, "崇明区")
    assert set(rows) == {"village", "community"}
    assert sum(r["total"] for r in rows.values()) == 357
    assert sum(r["created"] for r in rows.values()) == 357
    for row in rows.values():
        assert row["coverage_pct"] == 100.0
        assert row["batches_run"] == 4
        assert row["counts_rounds"] is True


def test_chongming_rounds(sample_db):
    rounds = queries.run("batches", db=sample_db, district="崇明区")
    assert rounds.get_column("batch").to_list() == [1, 2, 3, 4]
    assert rounds.get_column("counts_rounds").to_list() == [True] * 4
    published = dict(rounds.select("batch", "published").rows())
    assert (published[1], published[2]) == (D(2022, 4, 22), D(2022, 4, 25))


@pytest.mark.parametrize(
    ("name", "town", "batch", "as_of"),
    [("桃源村", "堡镇", 1, D(2022, 4, 22)), ("米洪村", "庙镇", 2, D(2022, 4, 30))],
)
def test_chongming_named_villages(sample_db, name, town, batch, as_of):
    unit = one_unit(sample_db, district="崇明区", search=name, as_of=as_of)
    assert (unit["town"], unit["name"], unit["kind"]) == (town, name, "village")
    assert unit["status"] == "created"
    assert unit["batch"] == batch


def test_miaozhen_mihong_not_yet_in_round_one(sample_db):
    unit = one_unit(sample_db, district="崇明区", search="米洪村", as_of=D(2022, 4, 22))
    assert unit["status"] == "not_created"
