"""Each status row given its unit: matched to the roster by place and name (or known by its names in a
district with no roster), numbered as new events, with the list rows kept for the quality checks."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import polars as pl

from campaign.intake.existing import EVENT_SCHEMA, LIST_ROW_KEY, LIST_ROW_SCHEMA, UNIT_SCHEMA, Existing
from campaign.intake.history import drop_known_creations, implied_events
from campaign.intake.problems import Problem
from campaign.intake.rosters import with_unit_id
from campaign.intake.statuses import Statuses
from campaign.intake.vocabulary import header_column


@dataclass
class Matched:
    events: pl.DataFrame  # new events, with their unit's district (for the report)
    units: pl.DataFrame
    units_added: int = 0  # units added roster-less
    list_rows: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LIST_ROW_SCHEMA))
    already_created: int = 0  # rows of cumulative lists whose unit was already created: no event
    implied: int = 0  # events added because another status implied them
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # said before confirming: committees read as their units


def match_statuses(units: pl.DataFrame, existing: Existing, statuses: Statuses | None) -> Matched:
    """Give each status row its unit: the new events, the list rows kept for the quality checks, or problems.

    All status rows of the run are matched at once; tables with the same place columns share one join."""
    empty = pl.DataFrame(schema={**EVENT_SCHEMA, "district": pl.String})
    if statuses is None or statuses.frame.height == 0:
        return Matched(empty, units)
    rows = statuses.frame.with_row_index("_g")
    roster_districts = units.filter(pl.col("in_roster")).get_column("district").unique()
    listed = pl.col("district").is_in(roster_districts.implode())
    in_roster = rows.filter(listed)
    rosterless = rows.filter(~listed)
    by_table: dict[int, list[Problem]] = {}
    matched_parts: list[pl.DataFrame] = []
    warnings: list[Problem] = []
    if in_roster.height:
        groups: dict[tuple[str, ...], list[int]] = {}
        for t, keys in statuses.keys.items():
            groups.setdefault(tuple(keys), []).append(t)
        for keys, tables in groups.items():
            part = in_roster if len(groups) == 1 else in_roster.filter(pl.col("_t").is_in(tables))
            if not part.height:
                continue
            # a blank committee cell matches any committee: those rows are matched without it
            parts = [(part, list(keys))]
            if "committee" in keys:
                blank = pl.col("committee").is_null()
                without = [k for k in keys if k != "committee"]
                parts = [(part.filter(~blank), list(keys)), (part.filter(blank), without)]
            counts = pl.concat([_candidates(rows_, units, on) for rows_, on in parts if rows_.height])
            zero = part.join(counts.filter(pl.col("n") == 0).select("_g"), on="_g")
            whole = _whole_committees(zero, units, keys, existing.events)
            if whole.height:
                counts = counts.filter(~pl.col("_g").is_in(whole.get_column("_g").implode()))
                matched_parts.append(
                    part.join(whole.select("_g", "unit_id"), on="_g", how="inner").with_columns(
                        pl.coalesce("whole", pl.lit(True)).alias("whole"),
                        pl.lit(0).alias("_part"),
                        pl.lit(True).alias("_whole_unit"),
                    )
                )
                warnings += _whole_warnings(whole, statuses.files)
            unmatched = counts.filter(pl.col("n") != 1).sort("_g")
            unmatched = unmatched.filter(pl.int_range(pl.len()).over("_t") < 20)
            for g, t, row, n in unmatched.select("_g", "_t", "_row", "n").iter_rows():
                record = rows.row(g, named=True)
                by_table.setdefault(t, []).append(_match_problem(statuses.files[t], row, record, n, units, list(keys)))
            ok = counts.filter(pl.col("n") == 1).select("_g", "unit_id")
            matched_parts.append(part.join(ok, on="_g", how="inner").with_columns(pl.lit(0).alias("_part")))
    if by_table:
        return Matched(empty, units, problems=[p for t in sorted(by_table) for p in by_table[t]])
    added_count = 0
    if rosterless.height:
        part, added = _rosterless_units(rosterless)
        matched_parts.append(part.with_columns(pl.lit(1).alias("_part")))
        added = added.unique("unit_id", keep="first", maintain_order=True)
        fresh = added.filter(~pl.col("unit_id").is_in(units.get_column("unit_id").implode()))
        added_count = fresh.height
        units = pl.concat([units, fresh.select(list(UNIT_SCHEMA)).cast(UNIT_SCHEMA)])
    # in the order of the tables; in each, the rows matched to roster units first, then roster-less ones
    events = pl.concat(
        [
            m.select(
                "_t",
                "_part",
                "_g",
                "unit_id",
                pl.col("status").alias("event"),
                "batch",
                "counts_rounds",
                "published",
                "source_file",
                pl.col("_row").alias("source_row"),
                "district",
                "cumulative",
                "whole",
                pl.col("_whole_unit") if "_whole_unit" in m.columns else pl.lit(False).alias("_whole_unit"),
            )
            for m in matched_parts
        ],
        how="vertical_relaxed",
    ).sort("_t", "_part", "_g")
    shown = pl.col("event").is_in(["created", "model"])
    list_rows = (
        events.filter(shown & (pl.col("cumulative") | pl.col("whole").is_not_null()))
        .select(*LIST_ROW_SCHEMA)
        .cast(LIST_ROW_SCHEMA)
        # the same list sent again under another file name adds nothing
        .join(existing.list_rows, on=list(LIST_ROW_KEY), how="anti", nulls_equal=True)
    )
    # one event listed twice in a run (a workbook's 汇总 sheet repeating its towns' sheets, one list as CSV and XLSX)
    events = events.unique(["unit_id", "event", "batch", "published"], keep="first", maintain_order=True)
    events, already_created = drop_known_creations(events, existing)
    # a committee a 整建制 list names stands for its units not created by then: the others keep their creation
    events, _ = drop_known_creations(events, existing, listed=pl.col("_whole_unit"))
    # the same event already published (the same list sent again under another file name) adds nothing
    events = events.join(existing.events, on=["unit_id", "event", "batch", "published"], how="anti", nulls_equal=True)
    events, implied = implied_events(events, existing)
    events = (
        events.with_row_index("_load")
        .sort(["published", "_load"])
        .with_columns((pl.int_range(1, pl.len() + 1) + existing.max_event_id).alias("event_id"))
        .drop("_load")
    )
    # with the district of each event's unit (its list's district), for the report; dropped before publishing
    events = events.select(*EVENT_SCHEMA, "district").cast(EVENT_SCHEMA)
    return Matched(events, units, added_count, list_rows, already_created, implied, warnings=warnings)


def _whole_committees(
    rows: pl.DataFrame, units: pl.DataFrame, keys: tuple[str, ...], published: pl.DataFrame
) -> pl.DataFrame:
    """A 整建制 list names committees only (街镇, 居委; no unit name): a row matching no unit whose name column is a
    committee's, and whose committee has units in the roster, stands for every one of them (_g, unit_id, _t, _row,
    name, _name_header, n: how many), but those already standing created by the row's day (``published``: the
    snapshot's events), which keep the creation they have."""
    rows = rows.filter(
        pl.col("_name_header").map_elements(header_column, return_dtype=pl.String, skip_nulls=False) == "committee"
    )
    if not rows.height:
        return pl.DataFrame(schema={"_g": pl.UInt32, "unit_id": pl.String})
    on = [k for k in ("district", "town") if k in keys]
    members = units.filter(pl.col("in_roster")).select("unit_id", *on, pl.col("committee").alias("name"))
    found = rows.select("_g", "_t", "_row", "_name_header", *on, "name", "published").join(
        members, on=[*on, "name"], how="inner"
    )
    found = found.with_columns(pl.len().over("_g").alias("n"))
    changes = published.filter(pl.col("event").is_in(["created", "revoked"])).select(
        "unit_id", "event", pl.col("published").alias("_day"), "event_id"
    )
    standing = (
        found.select("_g", "unit_id", "published")
        .join(changes, on="unit_id", how="inner")
        .filter(pl.col("_day") <= pl.col("published"))
        .sort("_day", "event_id")
        .group_by("_g", "unit_id")
        .agg(pl.col("event").last())
        .filter(pl.col("event") == "created")
    )
    return found.join(standing.select("_g", "unit_id"), on=["_g", "unit_id"], how="anti")


def _whole_warnings(whole: pl.DataFrame, files: dict[int, str]) -> list[Problem]:
    each = whole.group_by("_g", maintain_order=True).agg(pl.first("_t", "_row", "_name_header", "name", "n"))
    return [
        Problem(
            files[t],
            f"整建制：「{name}」按名册计为该居委/村的全部 {n} 个单位已创建 "
            f"(a whole committee or village: read as all its {n} roster units created)",
            row=row,
            column=header,
            value=name,
        )
        for t, row, header, name, n in each.select("_t", "_row", "_name_header", "name", "n").iter_rows()
    ]


def _candidates(rows: pl.DataFrame, units: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """For each status row (_g): how many units have its place and name (n), and the unit if one does."""
    cand = rows.select("_g", "_t", "_row", *on).join(units.select("unit_id", *on), on=on, how="left")
    if cand.height == rows.height:  # no row has two units: no need to count them
        n = pl.col("unit_id").is_not_null().cast(pl.UInt32).alias("n")
        return cand.select("_g", n, "unit_id", "_row", "_t")
    return cand.group_by("_g").agg(
        pl.col("unit_id").drop_nulls().n_unique().alias("n"),
        pl.col("unit_id").drop_nulls().first(),
        pl.first("_row"),
        pl.first("_t"),
    )


def _match_problem(file: str, row: int, record: dict, n: int, units: pl.DataFrame, keys: list[str]) -> Problem:
    where = " / ".join(str(record[k]) for k in keys if record.get(k))
    if n > 1:
        return Problem(
            file,
            f"「{where}」对应名册中 {n} 个单位，无法确定是哪一个；请补充街镇或居委/村 "
            f"(matches {n} roster units: add town or committee)",
            row=row,
            column=record.get("_name_header"),
            value=record["name"],
        )
    pool = units.filter(pl.col("district") == record["district"])
    elsewhere = pool.filter(pl.col("name") == record["name"])
    if elsewhere.height:  # the name is in the roster, under another town or committee than the list says
        places = "、".join(" / ".join(p for p in place if p) for place in elsewhere.select("town", "committee").rows())
        return Problem(
            file,
            f"「{where}」不在{record['district']}的名册中；名册中的「{record['name']}」在 {places}，"
            f"请核对街镇和居委/村 (not in the district's roster: the roster has this name in {places}; "
            "check town and committee)",
            row=row,
            column=record.get("_name_header"),
            value=record["name"],
        )
    if header_column(record.get("_name_header") or "") == "committee" and record["name"] not in set(
        pool.get_column("committee").to_list()
    ):
        return Problem(
            file,
            f"名册中{record['district']}没有居委/村「{where}」的单位，无法按整建制计入 "
            "(no roster unit in this committee or village: cannot read it as created whole)",
            row=row,
            column=record.get("_name_header"),
            value=record["name"],
        )
    if record.get("town"):
        in_town = pool.filter(pl.col("town") == record["town"])
        pool = in_town if in_town.height else pool
    names = difflib.get_close_matches(record["name"], pool.get_column("name").unique().to_list(), n=3, cutoff=0.4)
    hint = f"；最接近的名称 (nearest): {'、'.join(names)}" if names else ""
    return Problem(
        file,
        f"「{where}」不在{record['district']}的名册中 (not in the district's roster){hint}",
        row=row,
        column=record.get("_name_header"),
        value=record["name"],
    )


def _rosterless_units(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A district with no roster: each listed unit is known by the names the list gives."""
    frame = frame.with_columns(
        pl.col("town").fill_null(""), pl.col("kind").fill_null("unknown"), pl.col("committee").fill_null(pl.col("name"))
    )
    frame = with_unit_id(frame)
    new_units = (
        frame.with_columns(households=None, population=None, in_roster=False, source_row=pl.col("_row"))
        .select(list(UNIT_SCHEMA))
        .cast(UNIT_SCHEMA)
    )
    return frame, new_units
