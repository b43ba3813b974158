"""How a run's new events meet the units' history: a cumulative list adds a creation only for a unit not
created already, and a status that implies another (示范 implies 创建) adds the implied event."""

from __future__ import annotations

import polars as pl

from campaign.intake.existing import Existing
from campaign.intake.vocabulary import words


def implied_events(events: pl.DataFrame, existing: Existing) -> tuple[pl.DataFrame, int]:
    """A status that implies another the unit has no record of by that day (示范 implies 创建: a unit becomes a model
    only once created): the implied event too, on the same day and from the same row, so that the unit counts
    created (and model) as of that day, as the ingest report says. The data-quality page lists such units: a
    creation and a model event of one unit from one row of one file is how they are told apart."""
    added: list[pl.DataFrame] = []
    for status, implied in words().implies.items():
        rows = events.filter(pl.col("event") == status)
        if not rows.height:
            continue
        on_record = pl.concat(
            [
                existing.events.filter(pl.col("event") == implied).select("unit_id", "published"),
                events.filter(pl.col("event") == implied).select("unit_id", "published"),
            ]
        )
        first = on_record.group_by("unit_id").agg(pl.col("published").min().alias("_first"))
        missing = (
            rows.join(first, on="unit_id", how="left")
            .filter(pl.col("_first").is_null() | (pl.col("_first") > pl.col("published")))
            .sort("published", maintain_order=True)
            .unique("unit_id", keep="first", maintain_order=True)
            .drop("_first")
        )
        added.append(missing.with_columns(pl.lit(implied).alias("event"), pl.lit(False).alias("cumulative")))
    if not added:
        return events, 0
    extra = pl.concat(added)
    return pl.concat([extra, events], how="vertical_relaxed"), extra.height


def drop_known_creations(
    events: pl.DataFrame, existing: Existing, listed: pl.Expr | None = None
) -> tuple[pl.DataFrame, int]:
    """A cumulative list's row adds a creation only for a unit not created at the end of the list's day.

    A unit created already keeps the event that created it: the list repeats it, it does not create it again.
    A unit revoked earlier and listed is created again on the list's day; one revoked on that very day stays
    revoked (the revocation is the explicit news). Earlier cumulative lists of the run count as history for
    later ones, so their days are taken in order. Returns the events and how many rows added none."""
    # ``listed``: other rows read so (a 整建制 list's committee standing for its units), else a cumulative list's
    from_list = (pl.col("cumulative") if listed is None else listed) & (pl.col("event") == "created")
    lists = events.with_row_index("_k").filter(from_list)
    if not lists.height:
        return events, 0
    listed = lists.get_column("unit_id").unique().implode()
    changes = pl.col("event").is_in(["created", "revoked"]) & pl.col("unit_id").is_in(listed)
    # history in the order events get their ids: the snapshot's, then this run's by day and load order
    after = existing.max_event_id + 1
    history = pl.concat(
        [
            existing.events.filter(changes).select(
                "unit_id", "event", "published", pl.col("event_id").cast(pl.Int64).alias("_order")
            ),
            events.with_row_index("_k")
            .filter(~from_list & changes)
            .select("unit_id", "event", "published", (pl.col("_k").cast(pl.Int64) + after).alias("_order")),
        ]
    )
    kept: list[pl.DataFrame] = []
    after += events.height
    for day in lists.get_column("published").unique().sort():
        rows = lists.filter(pl.col("published") == day)
        last = (
            history.filter(pl.col("published") <= day)
            .sort("published", "_order")
            .group_by("unit_id")
            .agg(pl.col("event").last(), pl.col("published").last())
        )
        known = last.filter(
            (pl.col("event") == "created") | ((pl.col("event") == "revoked") & (pl.col("published") == day))
        ).get_column("unit_id")
        # a unit in two cumulative lists of one day is created once
        new = rows.filter(~pl.col("unit_id").is_in(known.implode()))
        new = new.unique("unit_id", keep="first", maintain_order=True)
        kept.append(new)
        history = pl.concat(
            [
                history,
                new.select(
                    "unit_id",
                    "event",
                    "published",
                    (pl.int_range(pl.len(), dtype=pl.Int64) + after).alias("_order"),
                ),
            ]
        )
        after += new.height
    keep = pl.concat(kept).get_column("_k")
    out = events.with_row_index("_k").filter(~from_list | pl.col("_k").is_in(keep.implode())).drop("_k")
    return out, lists.height - keep.len()
