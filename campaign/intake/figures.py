"""Per district, the figures a run changes (units, created, revoked, model on the latest day, applications),
counted from units and events as the pages count them, before the run and after it."""

from __future__ import annotations

import polars as pl

_FIGURES = ("units", "created", "revoked", "model")


def district_figures(units: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Per district: its units, and those created, revoked and model after all ``events``, as the pages count them on
    the latest day (derive.sql's unit_spans): a unit's last creation or revocation (by day, then load order) decides
    created or revoked (revoked only once created by then); it is a model when created and listed as a model on or
    after that day."""
    changes = (
        events.filter(pl.col("event").is_in(["created", "revoked"]))
        .sort("published", "event_id")
        .group_by("unit_id")
        .agg(
            pl.col("event").last().alias("_last"),
            pl.col("published").last().alias("_day"),
            pl.col("published").filter(pl.col("event") == "created").min().alias("_first"),
        )
    )
    models = (
        events.filter(pl.col("event") == "model").group_by("unit_id").agg(pl.col("published").max().alias("_model"))
    )
    created = (pl.col("_last") == "created").fill_null(False)
    return (
        units.select("unit_id", "district")
        .join(changes, on="unit_id", how="left")
        .join(models, on="unit_id", how="left")
        .group_by("district")
        .agg(
            pl.len().alias("units"),
            created.sum().alias("created"),
            # a revocation of a unit never created by then takes away nothing: not revoked (the report warns)
            ((pl.col("_last") == "revoked") & (pl.col("_first") <= pl.col("_day")))
            .fill_null(False)
            .sum()
            .alias("revoked"),
            (created & (pl.col("_model") >= pl.col("_day")).fill_null(False)).sum().alias("model"),
        )
        .with_columns(pl.col(*_FIGURES).cast(pl.Int64))  # a change can be negative
    )


def changes_by_district(before: pl.DataFrame, after: pl.DataFrame, events: pl.DataFrame) -> list[dict]:
    """Per district the run touches: how its figures change (units, created, revoked, model on the latest day: what
    ``campaign summary`` and the pages will show less what they show now), and its applications (申报) added."""
    applied = (
        events.filter(pl.col("event") == "applied").group_by("district").agg(pl.len().cast(pl.Int64).alias("applied"))
    )
    touched = pl.concat([after.get_column("district"), events.get_column("district")]).unique()
    with_events = events.get_column("district").unique().implode()
    table = (
        pl.DataFrame({"district": touched})
        .join(after, on="district", how="left")
        .join(before, on="district", how="left", suffix="_before")
        .join(applied, on="district", how="left")
        .fill_null(0)
        .select(
            "district",
            (pl.col("units") - pl.col("units_before")).alias("units_added"),
            *[(pl.col(c) - pl.col(f"{c}_before")).alias(c) for c in _FIGURES[1:]],
            pl.col("applied"),
        )
        .filter(pl.any_horizontal(pl.exclude("district") != 0) | pl.col("district").is_in(with_events))
        .sort("district")
    )
    return table.to_dicts()
