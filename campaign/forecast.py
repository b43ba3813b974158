"""How good the "when will we finish" projection has been: project from each past publication date and
compare with the day 100% was actually reached. The projection itself is the named query ``forecast``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from campaign import queries

# The share of backtest projections on the sample history whose [earliest, latest] holds the actual day of
# 100% that the forecast page claims (13 of 14, 93%, with the slow-tail latest of queries/forecast.sql; the
# old fastest-to-slowest-pace range held 6 of 14). tests/test_forecast.py fails when the range covers less.
RANGE_CLAIM = 0.85
# The same on a history the method was not fitted to: the generated 16-district city campaign (campaign.scale,
# seeded), whose bursts and revocations are harsher: 87 of 141 (62%); 15 more had no latest date (a window
# with no progress), 18 finished before the earliest date, 14 after the latest. The page states both.
GENERATED_RANGE_CLAIM = 0.6

BACKTEST_SCHEMA = {
    "district": pl.String,
    "kind": pl.String,
    "as_of": pl.Date,
    "remaining": pl.Int64,
    "projected": pl.Date,
    "earliest": pl.Date,
    "latest": pl.Date,
    "actual": pl.Date,
    "error_days": pl.Int64,
    "within_range": pl.Boolean,
}


def backtest(db: Path | None = None, district: str | None = None, as_of: dt.date | None = None) -> pl.DataFrame:
    """One row per (district, kind, publication date before it reached 100%), up to ``as_of``.

    error_days = projected - actual (negative: too early); within_range: actual in [earliest, latest].
    """
    reached = queries.run("coverage_by_district", db=db, district=district, as_of=as_of).filter(
        pl.col("full_date").is_not_null()
    )
    curve = queries.run("progress_curve", db=db, district=district, as_of=as_of)
    rows = []
    projections: dict[dt.date, dict[tuple[str, str], dict]] = {}

    def projected_on(day: dt.date) -> dict[tuple[str, str], dict]:
        # one query per day for every district asked, not one per district, kind and day
        if day not in projections:
            frame = queries.run("forecast", db=db, district=district, as_of=day, towns=False)
            projections[day] = {(r["district"], r["kind"]): r for r in frame.iter_rows(named=True)}
        return projections[day]

    for target in reached.iter_rows(named=True):
        days = (
            curve.filter(
                (pl.col("district") == target["district"])
                & (pl.col("kind") == target["kind"])
                & (pl.col("published") < target["full_date"])
            )
            .get_column("published")
            .to_list()
        )
        for day in days:
            p = projected_on(day).get((target["district"], target["kind"]))
            if p is None or p["remaining"] == 0:  # 100% that day, lost again later: no projection to score
                continue
            actual = target["full_date"]
            error = (p["projected"] - actual).days if p["projected"] else None
            within = bool(p["earliest"] and p["latest"] and p["earliest"] <= actual <= p["latest"])
            rows.append(
                (
                    target["district"],
                    target["kind"],
                    day,
                    p["remaining"],
                    p["projected"],
                    p["earliest"],
                    p["latest"],
                    actual,
                    error,
                    within,
                )
            )
    return pl.DataFrame(rows, schema=BACKTEST_SCHEMA, orient="row")


def summary(frame: pl.DataFrame) -> dict[str, float | int | None]:
    """How many projections; mean absolute and mean signed error in days (negative: too early); how many
    and what share of actual dates fell inside the range; the mean width of the range in days."""
    scored = frame.filter(pl.col("error_days").is_not_null())
    ranged = frame.filter(pl.col("earliest").is_not_null() & pl.col("latest").is_not_null())
    widths = ranged.select((pl.col("latest") - pl.col("earliest")).dt.total_days()).to_series()
    return {
        "projections": frame.height,
        "mean_abs_error_days": float(scored.get_column("error_days").abs().mean()) if scored.height else None,
        "mean_error_days": float(scored.get_column("error_days").mean()) if scored.height else None,
        "within_range": int(frame.get_column("within_range").sum()) if frame.height else 0,
        "within_range_share": float(frame.get_column("within_range").mean()) if frame.height else None,
        "mean_range_days": float(widths.mean()) if ranged.height else None,
    }
