"""How good the "when will we finish" projection has been: project from each past publication date and
compare with the day 100% was actually reached. The projection itself is the named query ``forecast``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from campaign import queries

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
            projection = queries.run("forecast", db=db, district=target["district"], as_of=day).filter(
                pl.col("town").is_null() & (pl.col("kind") == target["kind"])
            )
            if projection.is_empty():
                continue
            p = projection.row(0, named=True)
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
    """Mean absolute error in days, the share of actual dates inside the range, and how many projections."""
    scored = frame.filter(pl.col("error_days").is_not_null())
    return {
        "projections": frame.height,
        "mean_abs_error_days": float(scored.get_column("error_days").abs().mean()) if scored.height else None,
        "within_range_share": float(frame.get_column("within_range").mean()) if frame.height else None,
    }
