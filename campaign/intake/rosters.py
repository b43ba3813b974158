"""Rosters (名册): parsed and checked, then merged into the units, adopting the units known only from lists
of a district that now sends its roster."""

from __future__ import annotations

import polars as pl

from campaign.intake.existing import UNIT_SCHEMA
from campaign.intake.normalise import by_value, clean_text, kind_word, parse_count, parse_kind, require, word_map
from campaign.intake.problems import Problem
from campaign.intake.reader import Table
from campaign.intake.tables import (
    PLACE_COLS,
    UNIT_LEVEL_KINDS,
    Slot,
    clean_places,
    count_expr,
    missing_columns,
    stack_tables,
    with_rechecked,
)

# a roster needs its units' places and kind; households and population are welcome, never demanded
ROSTER_NEEDS = {
    "district": "区",
    "town": "街镇",
    "name": "名称",
    "kind": "类型",
}


_ROSTER_COLS = (*PLACE_COLS, "kind", "households", "population")


def parse_rosters(slots: list[Slot]) -> pl.DataFrame | None:
    """Parse and check every roster of the run at once, as ``parse_statuses`` does the status lists.

    Returns what ``parse_roster`` gives table by table, concatenated, with source_file; a table the
    checks here find anything in is parsed again on its own, for its problems (set on its slot)."""
    stacked = stack_tables(slots, "roster", lambda table: missing_columns(table, ROSTER_NEEDS), _ROSTER_COLS)
    if stacked is None:
        return None
    todo, frame = stacked
    frame = frame.with_columns(
        word_map(frame.get_column("kind"), kind_word, pl.String).alias("_kind"),
        by_value(frame.get_column("households"), count_expr).alias("_households"),
        by_value(frame.get_column("population"), count_expr).alias("_population"),
    )
    frame = frame.with_columns(committee_filled("_kind", "_t", "district", "town"))
    bad = (
        pl.any_horizontal(pl.col(*ROSTER_NEEDS).is_null())
        | (pl.col("kind").is_not_null() & pl.col("_kind").is_null())
        | (pl.col("households").is_not_null() & (pl.col("_households").is_null() | (pl.col("_households") < 0)))
        | (pl.col("population").is_not_null() & (pl.col("_population").is_null() | (pl.col("_population") < 0)))
        | (pl.col("committee").is_null() & pl.col("_kind").is_not_null())
        | (pl.len().over("_t", *PLACE_COLS) > 1)  # the same unit listed twice
    )
    flagged = set(frame.filter(bad.fill_null(False)).get_column("_t").unique().to_list())
    frame = frame.filter(~pl.col("_t").is_in(list(flagged))).select(
        "_t",
        "_row",
        *PLACE_COLS,
        *(pl.col(f"_{c}").alias(c) for c in ("kind", "households", "population")),
    )

    def parse(t: int) -> pl.DataFrame | None:
        parsed, todo[t].problems = parse_roster(todo[t].table)
        return parsed

    frame = with_rechecked(frame, flagged, parse)
    counts = dict(frame.group_by("_t").len().iter_rows())
    for t, slot in enumerate(todo):
        if not slot.problems:
            slot.rows = counts.get(t, 0)
        slot.table.frame = slot.table.frame.clear()  # the cells as read are not needed any more
    files = pl.col("_t").replace_strict(list(range(len(todo))), [slot.file for slot in todo], return_dtype=pl.String)
    return frame.with_columns(files.alias("source_file")).drop("_t")


def committee_filled(kind: str, *over: str) -> pl.Expr:
    """A village or community is its own committee; a compound or a group names its committee, or stands under the
    one above it (a merged cell left blank) within ``over``."""
    unit_level = pl.col(kind).is_in(UNIT_LEVEL_KINDS)
    merged_above = pl.when(~unit_level).then(pl.col("committee")).forward_fill().over(*over)
    return (
        pl.when(pl.col("committee").is_not_null())
        .then(pl.col("committee"))
        .when(unit_level)
        .then(pl.col("name"))
        .otherwise(merged_above)
        .alias("committee")
    )


def parse_roster(table: Table) -> tuple[pl.DataFrame | None, list[Problem]]:
    problems = missing_columns(table, ROSTER_NEEDS)
    if problems:
        return None, problems
    frame = clean_places(table, table.frame)
    frame = frame.with_columns(pl.lit(None, pl.String).alias(c) for c in ("households", "population") if c not in frame)
    frame = frame.with_columns(clean_text("kind"), clean_text("households"), clean_text("population"))
    for col, what in ROSTER_NEEDS.items():
        problems += require(table, frame, col, what)
    frame, p = parse_kind(table, frame)
    problems += p
    frame, p = parse_count(table, frame, "households", "population")
    problems += p
    if "committee" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("committee"))
    frame = frame.with_columns(committee_filled("kind", "district", "town"))
    missing = frame.filter(pl.col("committee").is_null() & pl.col("kind").is_not_null())
    problems += [
        Problem(
            table.label,
            "小区或村民小组须写明所属居委或村 (a compound or village group needs its committee or village)",
            row=r,
            column=table.headers.get("committee", "居委/村"),
        )
        for r in missing.get_column("_row").head(20)
    ]
    if problems:
        return None, problems
    frame = frame.select("_row", *PLACE_COLS, "kind", "households", "population")
    dupes = frame.filter(pl.struct(PLACE_COLS).is_duplicated())
    if dupes.height:
        first = dupes.group_by(PLACE_COLS, maintain_order=True).agg(pl.col("_row")).head(20)
        problems += [
            Problem(
                table.label,
                f"同一单位在名册中出现多次，见第 {'、'.join(map(str, rows))} 行 "
                f"(the same unit is listed more than once)",
                row=rows[0],
                column=table.headers["name"],
                value=n,
            )
            for *_, n, rows in first.iter_rows()
        ]
        return None, problems
    return frame, []


def with_unit_id(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.concat_str([pl.col(c) for c in PLACE_COLS], separator="/").alias("unit_id"))


def merge_rosters(
    units: pl.DataFrame, rosters: list[pl.DataFrame]
) -> tuple[pl.DataFrame, int, int, pl.DataFrame, list[Problem]]:
    """New roster rows become units; a unit already known takes the new households and population.

    Also returns old -> new unit ids for units known only from lists that the roster now holds."""
    empty = pl.DataFrame(schema=REMAP_SCHEMA)
    if not rosters:
        return units, 0, 0, empty, []
    new = with_unit_id(pl.concat(rosters, how="diagonal_relaxed"))
    dupes = new.filter(pl.col("unit_id").is_duplicated())
    if dupes.height:
        return (
            units,
            0,
            0,
            empty,
            [
                Problem(f, "同一单位出现在两份名册中 (the same unit is in two rosters of this run)", row=r, value=n)
                for f, r, n in dupes.select("source_file", "_row", "name").head(20).iter_rows()
            ],
        )
    new = (
        new.rename({"_row": "source_row"})
        .with_columns(pl.lit(True).alias("in_roster"))
        .select(list(UNIT_SCHEMA))
        .cast(UNIT_SCHEMA)
    )
    remap, problems = _adopt_listed_units(units, new)
    if problems:
        return units, 0, 0, remap, problems
    known = set(units.get_column("unit_id").to_list())
    updated = new.filter(pl.col("unit_id").is_in(list(known))).height
    replaced = pl.concat([new.get_column("unit_id"), remap.get_column("old")])
    merged = pl.concat([units.filter(~pl.col("unit_id").is_in(replaced.implode())), new])
    return merged, new.height - updated, updated, remap, []


REMAP_SCHEMA = {"old": pl.String, "new": pl.String}


def _adopt_listed_units(units: pl.DataFrame, roster: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """Units known only from lists, in a district that now sends its roster, become roster units.

    Each is found in the roster by name, narrowed by town and then committee where the lists gave them;
    its events move to the roster unit (old unit_id -> new). One the roster lacks, or matches twice,
    refuses the roster: its district's history would otherwise split in two.
    """
    listed = units.filter(
        ~pl.col("in_roster") & pl.col("district").is_in(roster.get_column("district").unique().implode())
    )
    if not listed.height:
        return pl.DataFrame(schema=REMAP_SCHEMA), []
    # for each listed unit at once: the roster units of its name, narrowed by town when several, then by
    # committee when still several
    found = pl.col("_new").is_not_null()
    narrow_town = pl.col("town").fill_null("").ne("") & (found.sum().over("_i") > 1)
    found = found & (~narrow_town | (pl.col("_town") == pl.col("town")))
    narrow_committee = found.sum().over("_i") > 1
    found = found & (~narrow_committee | (pl.col("_committee") == pl.col("committee")).fill_null(False))
    matches = (
        listed.with_row_index("_i")
        .join(
            roster.select(
                "district",
                "name",
                pl.col("town").alias("_town"),
                pl.col("committee").alias("_committee"),
                pl.col("unit_id").alias("_new"),
            ),
            on=["district", "name"],
            how="left",
        )
        .with_columns(found.alias("_found"))
        .group_by("_i", maintain_order=True)
        .agg(
            pl.first("unit_id", "district", "town", "committee", "name"),
            pl.col("_found").sum().alias("n"),
            pl.col("_new").filter(pl.col("_found")).first(),
        )
        .sort("_i")
    )
    pairs = matches.filter(pl.col("n") == 1).select(pl.col("unit_id").alias("old"), pl.col("_new").alias("new"))
    problems = []
    for unit in matches.filter(pl.col("n") != 1).head(50).iter_rows(named=True):
        where = " / ".join(v for v in (unit["district"], unit["town"], unit["committee"], unit["name"]) if v)
        why = (
            "见于此前导入的名单，但新名册中没有 (listed before, but not in this roster)"
            if unit["n"] == 0
            else f"见于此前导入的名单，对应新名册中 {unit['n']} 个单位 (listed before; matches several units)"
        )
        problems.append(Problem(roster.item(0, "source_file"), f"「{where}」{why}", value=unit["name"]))
    return pairs, problems
