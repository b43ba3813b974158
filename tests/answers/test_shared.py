"""Answers shared across sessions (campaign.answers.shared): one computation per snapshot and parameters, a new
one after a publish, bounded, and one computation for two askers at once."""

from __future__ import annotations

import shutil
import threading

import polars as pl
import pytest

from campaign.answers import queries, shared
from campaign.intake.ingest import ingest


@pytest.fixture
def counted(monkeypatch) -> list[tuple[str, dict]]:
    """Every query shared.run really runs, with a fresh shared map."""
    monkeypatch.setattr(shared, "answers", shared.Answers())
    asked: list[tuple[str, dict]] = []
    real = queries.run

    def run(name, /, **kwargs):
        asked.append((name, kwargs))
        return real(name, **kwargs)

    monkeypatch.setattr(queries, "run", run)
    return asked


@pytest.fixture
def own_db(tiny_db, tmp_path):
    db = tmp_path / "tiny.duckdb"
    shutil.copyfile(tiny_db, db)
    return db


def test_the_same_question_of_the_same_snapshot_is_answered_once(own_db, counted) -> None:
    first = shared.run("coverage_by_district", db=own_db, district=None, as_of=None)
    again = shared.run("coverage_by_district", db=own_db, as_of=None, district=None)  # the order does not matter
    assert again is first
    assert [name for name, _ in counted] == ["coverage_by_district"]
    other = shared.run("coverage_by_district", db=own_db, district="甲区", as_of=None)
    assert [name for name, _ in counted] == ["coverage_by_district"] * 2
    assert other.get_column("district").unique().to_list() == ["甲区"]


def test_a_publish_is_a_new_question_and_the_old_answers_go(own_db, counted, tmp_path) -> None:
    before = shared.run("snapshot_info", db=own_db)
    extra = tmp_path / "丁区_名单.csv"
    extra.write_text("区,街镇,小区名称,批次,公布日期\n丁区,D镇,新苑,1,2022-05-20\n", encoding="utf-8")
    assert ingest([extra], own_db, who="test").changed
    after = shared.run("snapshot_info", db=own_db)
    assert len(counted) == 2
    assert after.item(0, "units") == before.item(0, "units") + 1
    assert len(shared.answers) == 1  # the answer for the snapshot no longer published is dropped


def test_an_answer_computed_across_a_publish_is_not_kept(own_db, counted, monkeypatch, tmp_path) -> None:
    """A query that began before a publish and ended after it is shown once, never stored under a key that the
    sessions of the new snapshot would not ask for anyway (nor under the new one, which it may not be)."""
    extra = tmp_path / "丁区_名单.csv"
    extra.write_text("区,街镇,小区名称,批次,公布日期\n丁区,D镇,新苑,1,2022-05-20\n", encoding="utf-8")
    real = queries.run

    def publishing(name, /, **kwargs):
        frame = real(name, **kwargs)
        ingest([extra], own_db, who="test")
        return frame

    monkeypatch.setattr(queries, "run", publishing)
    shared.run("snapshot_info", db=own_db)
    assert len(shared.answers) == 0


def test_two_askers_at_once_wait_for_one_computation() -> None:
    answers = shared.Answers()
    started, release = threading.Event(), threading.Event()
    runs = []

    def compute() -> pl.DataFrame:
        runs.append(1)
        started.set()
        release.wait(10)
        return pl.DataFrame({"x": [1]})

    got = []
    first = threading.Thread(target=lambda: got.append(answers.get((("db", 1, 1, "db"), "q", ()), compute)))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: got.append(answers.get((("db", 1, 1, "db"), "q", ()), compute)))
    second.start()
    release.set()
    first.join(10)
    second.join(10)
    assert len(runs) == 1 and len(got) == 2 and got[0] is got[1]


def test_a_failed_computation_is_not_stored_and_is_tried_again() -> None:
    answers = shared.Answers()
    key = (("db", 1, 1, "db"), "q", ())

    def broken() -> pl.DataFrame:
        raise OSError("between a publish's steps")

    with pytest.raises(OSError):
        answers.get(key, broken)
    assert answers.get(key, lambda: pl.DataFrame({"x": [2]})).item() == 2


def test_the_map_is_bounded_by_entries_and_bytes_oldest_first() -> None:
    answers = shared.Answers(max_entries=2)
    for i in range(3):
        answers.get((("db", 1, 1, "db"), "q", (("i", i),)), lambda i=i: pl.DataFrame({"x": [i]}))
    assert len(answers) == 2
    assert answers.get((("db", 1, 1, "db"), "q", (("i", 0),)), lambda: pl.DataFrame({"x": [-1]})).item() == -1

    small = shared.Answers(max_bytes=1_000)
    big = pl.DataFrame({"x": range(10_000)})
    assert small.get((("db", 1, 1, "db"), "big", ()), lambda: big) is big
    assert len(small) == 0  # larger than the whole bound: handed out, not kept


def test_an_unknown_query_or_parameter_fails_as_queries_run_does(own_db, counted) -> None:
    with pytest.raises(TypeError, match="no parameter"):
        shared.run("snapshot_info", db=own_db, typo=1)
    with pytest.raises(KeyError):
        shared.run("no_such_query", db=own_db)
