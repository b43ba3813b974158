"""Frames for lighter charts: with many districts on a chart, a trace per district and kind costs the browser
more than the points do (45 traces of a city's 12 lowest districts took Chromium ~0.25 s a chart to draw, 12
traces ~0.07 s), so the pages draw kinds (or districts) together and leave the detail to the tables."""

from __future__ import annotations

import polars as pl

from campaign.answers.screen import district_curves

__all__ = ["batches_together", "district_curves", "whole_together"]


def batches_together(per_batch: pl.DataFrame) -> pl.DataFrame:
    """created_per_batch's rows with the kinds of each (district, batch) summed: units, committees,
    households; the batch's first publication day."""
    return (
        per_batch.group_by("district", "batch", maintain_order=True)
        .agg(
            pl.col("counts_rounds").any(),
            pl.col("published").min(),
            pl.col("units", "committees", "households").sum(),
        )
        .sort("district", "batch")
    )


def whole_together(whole: pl.DataFrame) -> pl.DataFrame:
    """whole_over_time's rows with the districts of each kind summed on every publication day: a district's
    counts carry forward to the days on which only other districts published; before its first day it has its
    committees (the roster's) and none whole."""
    if whole.is_empty():
        return whole
    days = whole.select("kind", "published").unique()
    places = whole.select("district", "kind").unique()
    return (
        days.join(places, on="kind")
        .join(whole, on=["district", "kind", "published"], how="left")
        .sort("district", "kind", "published")
        .with_columns(
            pl.col("committees").forward_fill().backward_fill().over("district", "kind"),
            pl.col("committees_whole").forward_fill().over("district", "kind").fill_null(0),
        )
        .group_by("kind", "published")
        .agg(pl.col("committees", "committees_whole").sum())
        .sort("kind", "published")
    )
