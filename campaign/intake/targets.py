"""Official totals (官方总数): a district's, a kind's or a batch notice's target, parsed and checked."""

from __future__ import annotations

import datetime as dt

import polars as pl

from campaign.intake.normalise import clean_text, parse_batch, parse_count, parse_date, parse_kind, require
from campaign.intake.problems import Problem
from campaign.intake.reader import Table
from campaign.intake.tables import missing_columns


def parse_targets(table: Table, today: dt.date) -> tuple[pl.DataFrame | None, list[Problem]]:
    problems = missing_columns(table, {"district": "区", "target": "官方总数"})
    if problems:
        return None, problems
    frame = table.frame.with_columns(clean_text("district"), clean_text("target"))
    if "kind" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("kind"))
    frame = frame.with_columns(clean_text("kind"))
    problems += require(table, frame, "district", "区") + require(table, frame, "target", "官方总数")
    frame, p = parse_kind(table, frame, targets=True)
    problems += p
    frame, p = parse_count(table, frame, "target")
    problems += p
    if "target_date" in frame.columns:
        frame = frame.with_columns(clean_text("target_date"))
        frame, p = parse_date(table, frame, "target_date", today)
        problems += p
    else:
        frame = frame.with_columns(pl.lit(None, pl.Date).alias("target_date"))
    if "source" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("source"))
    # with a batch column, a row is what a batch notice published: "batch 1: 150 compounds"
    if "batch" in frame.columns:
        frame = frame.with_columns(clean_text("batch"))
        frame, p = parse_batch(table, frame)
        problems += p
    else:
        frame = frame.with_columns(pl.lit(None, pl.Int32).alias("batch"))
    if problems:
        return None, problems
    return frame.select("district", "kind", "batch", "target", "target_date", "source"), []
