"""An ingest reads and rewrites only the districts its files name: the others stay exactly as they were."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from campaign.intake.ingest import ingest
from tests.support import SAMPLE_DIR

TODAY = dt.date(2022, 6, 30)


def rows(db: Path, table: str, district: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        if table == "units":
            return con.execute("select * from units where district = ? order by unit_id", [district]).fetchall()
        return con.execute(
            "select e.* from events e join units u using (unit_id) where u.district = ? order by event_id", [district]
        ).fetchall()
    finally:
        con.close()


def files(district: str, *, rosters: bool) -> list[Path]:
    return sorted(
        p
        for p in SAMPLE_DIR.iterdir()
        if p.name.startswith(district)
        and ("名册" in p.name) == rosters
        and not any(word in p.name for word in ("网格", "服务"))
    )


def test_other_districts_are_left_as_they_were(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    # Jinshan's and Chongming's lists before any roster: both districts' units are known from the lists only
    ingest(files("金山区", rosters=False) + files("崇明区", rosters=False), db, today=TODAY)
    jinshan = rows(db, "units", "金山区"), rows(db, "events", "金山区")
    assert jinshan[0] and jinshan[1] and not any(u[8] for u in jinshan[0])  # in_roster false
    # Chongming's roster: its listed units become roster units; Jinshan's are untouched
    report = ingest(files("崇明区", rosters=True), db, today=TODAY)
    assert report.units_added + report.units_updated == 357
    assert (rows(db, "units", "金山区"), rows(db, "events", "金山区")) == jinshan
    chongming = rows(db, "units", "崇明区")
    assert chongming and all(u[8] for u in chongming)
    # every Chongming event now belongs to a roster unit
    ids = {u[0] for u in chongming}
    assert all(e[1] in ids for e in rows(db, "events", "崇明区"))
    # Jinshan's roster later: Chongming stays as it was
    chongming_events = rows(db, "events", "崇明区")
    ingest(files("金山区", rosters=True), db, today=TODAY)
    assert (rows(db, "units", "崇明区"), rows(db, "events", "崇明区")) == (chongming, chongming_events)
    assert all(u[8] for u in rows(db, "units", "金山区"))
