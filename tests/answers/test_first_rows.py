"""Queries that hand a page its first rows ($limit) and the count of all (matching) pick those rows from the
first districts or days only, so a country's millions are never sorted: the first rows must be exactly the
head of every row, wherever the limit falls (inside the first district or day, on its edge, past it)."""

from __future__ import annotations

import datetime as dt

import pytest

from campaign.answers import queries
from campaign.generate import scale


@pytest.fixture(scope="module")
def tiny_scale(tmp_path_factory):
    db = tmp_path_factory.mktemp("first-rows") / "tiny.duckdb"
    scale.build_database(scale.SCALES["tiny"], db)  # 3 districts, 600 units
    return db


def limits(sizes: list[int]) -> list[int]:
    """1, and every group's edge and one past it, for groups of these sizes in order."""
    edges, total = [1], 0
    for n in sizes:
        total += n
        edges += [total - 1, total, total + 1]
    return sorted({n for n in edges if n > 0})


@pytest.mark.parametrize("as_of", [None, dt.date(2022, 4, 1), dt.date(2022, 4, 12)])
def test_never_listed_first_rows_are_the_head_of_every_row(tiny_scale, as_of):
    every = queries.run("dq_never_listed", db=tiny_scale, as_of=as_of)
    sizes = every.group_by("district", maintain_order=True).len().get_column("len").to_list()
    if as_of == dt.date(2022, 4, 1):
        assert len(sizes) == 3, "before any list, every district's units are waiting"
    for limit in limits(sizes):
        first = queries.run("dq_never_listed", db=tiny_scale, as_of=as_of, limit=limit)
        assert first.drop("matching").rows() == every.drop("matching").head(limit).rows(), limit
        assert set(first["matching"]) <= {every.height}


@pytest.mark.parametrize("as_of", [dt.date(2022, 4, 12), dt.date(2022, 4, 20), None])
def test_revoked_open_first_rows_are_the_head_of_every_row(tiny_scale, as_of):
    every = queries.run("revoked_open", db=tiny_scale, as_of=as_of)
    sizes = every.group_by("revoked_on", maintain_order=True).len().get_column("len").to_list()
    if as_of == dt.date(2022, 4, 20):
        assert len(sizes) >= 2, "units revoked on more than one day are waiting"
    for limit in limits(sizes):
        first = queries.run("revoked_open", db=tiny_scale, as_of=as_of, limit=limit)
        assert first.drop("matching").rows() == every.drop("matching").head(limit).rows(), limit
        assert set(first["matching"]) <= {every.height}


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("units", {"status": "created"}),
        ("units", {"status": "not_created", "as_of": dt.date(2022, 4, 12)}),
        ("units", {"search": "村", "status": "created"}),
        ("find_units", {}),
        ("find_units", {"search": "村", "as_of": dt.date(2022, 4, 12)}),
        ("find_units", {"kind": "compound"}),
    ],
    ids=repr,
)
def test_units_first_rows_are_the_head_of_every_row(tiny_scale, name, params):
    every = queries.run(name, db=tiny_scale, **params)
    sizes = every.group_by("district", maintain_order=True).len().get_column("len").to_list()
    assert len(sizes) >= 2, "the matches lie in more than one district"
    for limit in limits(sizes):
        first = queries.run(name, db=tiny_scale, **params, limit=limit)
        assert first.drop("matching").rows() == every.drop("matching").head(limit).rows(), limit
        assert set(first["matching"]) == {every.height}
    # the explorer's two queries agree wherever both apply
    if name == "find_units":
        assert every.equals(queries.run("units", db=tiny_scale, **params))
