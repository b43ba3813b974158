"""Below the unit: grid rosters (网格名册) and services logs (服务记录), read and checked.

A grid roster has one row per grid of a committee or village: its name, its parent grid (blank for
the top of a tree), its level (总网格 > 子网格 > 微网格 > 宅基网格, or 大网格 > 小网格), households, workers
and volunteers assigned to it, and the households each of them is linked to (4, or a range 3-5). A
tree that does not add up is refused: a parent named but not in the file, a grid below the top with
no parent, a cycle, or children whose households add up to more than their parent's.

A services log has one row per day, committee or village, and kind of service, with a count.

Loading a grid roster replaces every grid of the committees it covers; loading a services log
replaces the rows of the same (committee or village, day, kind) and keeps the rest
(campaign.snapshot.write: ``replace_grids``, ``replace_services``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl

from campaign.intake.normalise import (
    PATH_SEPARATOR,
    clean_text,
    parse_count,
    parse_date,
    parse_grid_level,
    parse_range,
    parse_service_kind,
    require,
)
from campaign.intake.problems import Problem
from campaign.intake.reader import Table
from campaign.intake.vocabulary import ROOT_GRID_LEVELS

PLACE = ("district", "town", "committee")
MAX_TREE_PROBLEMS = 50

GRID_SCHEMA = {
    "district": pl.String,
    "town": pl.String,
    "committee": pl.String,
    "grid": pl.String,
    "parent": pl.String,
    "level": pl.String,
    "households": pl.Int32,
    "workers": pl.Int32,
    "linked_min": pl.Int32,
    "linked_max": pl.Int32,
    "source_file": pl.String,
    "source_row": pl.Int32,
}
SERVICE_SCHEMA = {
    "district": pl.String,
    "town": pl.String,
    "committee": pl.String,
    "day": pl.Date,
    "kind": pl.String,
    "count": pl.Int32,
    "source_file": pl.String,
    "source_row": pl.Int32,
}


def _missing(table: Table, needed: dict[str, str]) -> list[Problem]:
    return [
        Problem(table.label, f"缺少「{label}」列 (missing column: {col})")
        for col, label in needed.items()
        if col not in table.headers
    ]


def _places(frame: pl.DataFrame) -> pl.DataFrame:
    """Clean district, town and committee; a blank under a merged cell takes the value above."""
    return frame.with_columns([clean_text(c) for c in PLACE]).with_columns([pl.col(c).forward_fill() for c in PLACE])


# ---------------------------------------------------------------------------------------------------
# grid rosters


# separators of a grid path: 总网格/子网格, 总网格 > 子网格, 总网格→子网格 ...
_PATH_SEPARATOR = PATH_SEPARATOR
_FOUR_LEVELS = ("总网格", "子网格", "微网格", "宅基网格")
_TWO_LEVELS = ("大网格", "小网格")


def _from_paths(table: Table) -> Table:
    """A grid roster written with one path column (星火村总网格/第1子网格/微网格3), one row per grid: the grid is
    the path's last part, its parent the part before. Without a level column, the level is the depth in a
    total > sub > micro > house-base tree, or big > small when the committee's top grids say 大 (or, not
    saying 总, its paths have at most two parts); deeper than the tree goes is refused as an unknown level."""
    frame = _places(table.frame)
    parts = (
        pl.col("grid_path")
        .str.strip_chars()
        .str.replace_all(_PATH_SEPARATOR, "/")
        .str.split("/")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
    )
    frame = frame.with_columns(parts.alias("_parts")).with_columns(
        pl.col("_parts").list.last().alias("grid"),
        pl.col("_parts").list.get(-2, null_on_oob=True).alias("parent_grid"),
        pl.col("_parts").list.len().alias("_depth"),
    )
    headers = {**table.headers, "grid": table.headers["grid_path"], "parent_grid": table.headers["grid_path"]}
    if "grid_level" not in table.headers:
        top = pl.col("_parts").list.first()
        place = list(PLACE)
        big = top.str.contains("大").any().over(place) | (
            ~top.str.contains("总").any().over(place) & (pl.col("_depth").max().over(place) <= 2)
        )

        def word(levels: tuple[str, ...]) -> pl.Expr:
            expr = pl.format("第{}层", pl.col("_depth"))
            for depth, name in reversed(list(enumerate(levels, 1))):
                expr = pl.when(pl.col("_depth") == depth).then(pl.lit(name)).otherwise(expr)
            return expr

        level = pl.when(pl.col("grid").is_null()).then(None).when(big).then(word(_TWO_LEVELS))
        frame = frame.with_columns(level.otherwise(word(_FOUR_LEVELS)).alias("grid_level"))
        headers["grid_level"] = table.headers["grid_path"]
    frame = frame.drop("_parts", "_depth", "grid_path")
    return dataclasses.replace(table, frame=frame, headers=headers)


def parse_grids(table: Table) -> tuple[pl.DataFrame | None, list[Problem]]:
    if "grid_path" in table.headers and "grid" not in table.headers:
        table = _from_paths(table)
    needed = {"district": "区", "town": "街镇", "committee": "居委/村", "grid": "网格"}
    needed |= {"grid_level": "网格层级", "households": "户数"}
    problems = _missing(table, needed)
    if problems:
        return None, problems
    frame = _places(table.frame)
    for col in ("parent_grid", "workers", "linked"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(col))
    text_cols = ("grid", "parent_grid", "grid_level", "households", "workers", "linked")
    frame = frame.with_columns([clean_text(c) for c in text_cols])
    frame = frame.with_columns(pl.col("households").alias("_households_written"))
    for col, what in (*needed.items(),):
        problems += require(table, frame, col, what)
    frame, p = parse_grid_level(table, frame)
    problems += p
    frame, p = parse_count(table, frame, "households", "workers")
    problems += p
    frame, p = parse_range(table, frame, "linked")
    problems += p
    if problems:
        return None, problems
    key = [*PLACE, "grid"]
    dupes = frame.filter(pl.struct(key).is_duplicated())
    if dupes.height:
        first = dupes.group_by(key, maintain_order=True).agg(pl.col("_row")).head(20)
        return None, [
            Problem(
                table.label,
                f"同一网格在名册中出现多次，见第 {'、'.join(map(str, rows))} 行 "
                "(the same grid is listed more than once)",
                row=rows[0],
                column=table.headers["grid"],
                value=grid,
            )
            for *_, grid, rows in first.iter_rows()
        ]
    problems = _tree_problems(table, frame)
    if problems:
        return None, problems
    return frame.select(
        *PLACE,
        "grid",
        pl.col("parent_grid").alias("parent"),
        pl.col("grid_level").alias("level"),
        "households",
        "workers",
        pl.col("linked_min"),
        pl.col("linked_max"),
        "_row",
    ), []


def _tree_problems(table: Table, frame: pl.DataFrame) -> list[Problem]:
    """A parent that is not there, a grid below the top with no parent, a cycle, children above their parent.

    Trees are small (a village has a few hundred grids): plain Python over one committee at a time.
    """
    parent_header = table.headers.get("parent_grid", "上级网格")
    households_header = table.headers["households"]
    problems: list[Problem] = []
    for _, rows in frame.group_by(list(PLACE), maintain_order=True):
        grids = {r["grid"]: r for r in rows.iter_rows(named=True)}
        committee = rows.item(0, "committee")
        for r in grids.values():
            parent = r["parent_grid"]
            if parent is None and r["grid_level"] not in ROOT_GRID_LEVELS:
                problems.append(
                    Problem(
                        table.label,
                        f"网格「{r['grid']}」没有上级网格；只有总网格或大网格可以没有上级 "
                        "(a grid with no parent: only a total or big grid may have none)",
                        row=r["_row"],
                        column=parent_header,
                        value="",
                    )
                )
            elif parent is not None and parent not in grids:
                problems.append(
                    Problem(
                        table.label,
                        f"上级网格「{parent}」不在{committee}的网格中 (the parent grid is not in this "
                        "committee's or village's grids: a grid with no parent)",
                        row=r["_row"],
                        column=parent_header,
                        value=parent,
                    )
                )
        problems += _cycles(table, grids, parent_header)
        children: dict[str, list[dict]] = {}
        for r in grids.values():
            if r["parent_grid"] in grids:
                children.setdefault(r["parent_grid"], []).append(r)
        for name, kids in children.items():
            parent = grids[name]
            total = sum(k["households"] for k in kids)
            if total > parent["households"]:
                problems.append(
                    Problem(
                        table.label,
                        f"下级网格户数合计 {total:,} 超过「{name}」的户数 {parent['households']:,} "
                        "(the children's households add up to more than the parent's)",
                        row=parent["_row"],
                        column=households_header,
                        value=parent["_households_written"],
                    )
                )
        if len(problems) >= MAX_TREE_PROBLEMS:
            break
    return problems[:MAX_TREE_PROBLEMS]


def _cycles(table: Table, grids: dict[str, dict], parent_header: str) -> list[Problem]:
    """One problem per cycle of parents, on the row of its first grid in the file."""
    problems = []
    done: set[str] = set()
    for start in grids:  # file order
        path: list[str] = []
        node: str | None = start
        while node is not None and node in grids and node not in done and node not in path:
            path.append(node)
            node = grids[node]["parent_grid"]
        if node is not None and node in path:
            loop = path[path.index(node) :]
            first = min(loop, key=lambda g: grids[g]["_row"])
            shown = " → ".join([*loop, node])
            problems.append(
                Problem(
                    table.label,
                    f"网格的上级关系成环：{shown} (the grids' parents form a cycle)",
                    row=grids[first]["_row"],
                    column=parent_header,
                    value=grids[first]["parent_grid"],
                )
            )
        done.update(path)
    return problems


# ---------------------------------------------------------------------------------------------------
# services logs


def parse_services(table: Table, today: dt.date) -> tuple[pl.DataFrame | None, list[Problem]]:
    needed = {"district": "区", "town": "街镇", "committee": "居委/村"}
    needed |= {"published": "日期", "service_kind": "服务类型", "count": "次数"}
    problems = _missing(table, needed)
    if problems:
        return None, problems
    frame = _places(table.frame)
    frame = frame.with_columns([clean_text(c) for c in ("published", "service_kind", "count")])
    for col, what in needed.items():
        problems += require(table, frame, col, what)
    frame, p = parse_service_kind(table, frame)
    problems += p
    frame, p = parse_date(table, frame, "published", today)
    problems += p
    frame, p = parse_count(table, frame, "count")
    problems += p
    if problems:
        return None, problems
    return frame.select(
        *PLACE, pl.col("published").alias("day"), pl.col("service_kind").alias("kind"), "count", "_row"
    ), []


# ---------------------------------------------------------------------------------------------------
# a run's files together, and into the snapshot


def combine(
    grids: list[pl.DataFrame], services: list[pl.DataFrame]
) -> tuple[pl.DataFrame | None, pl.DataFrame | None, list[Problem]]:
    """The run's grids (one file per committee) and services (rows of one key summed)."""
    grid_frame = service_frame = None
    if grids:
        grid_frame = pl.concat(grids, how="vertical_relaxed").rename({"_row": "source_row"})
        files = grid_frame.group_by(list(PLACE), maintain_order=True).agg(
            pl.col("source_file").unique(maintain_order=True)
        )
        twice = files.filter(pl.col("source_file").list.len() > 1)
        if twice.height:
            return (
                None,
                None,
                [
                    Problem(
                        files_[1],
                        f"{district}/{town}/{committee} 的网格出现在两份网格名册中：{'、'.join(files_)} "
                        "(one committee's grids in two grid rosters of this run)",
                        value=committee,
                    )
                    for district, town, committee, files_ in twice.head(20).iter_rows()
                ],
            )
        grid_frame = grid_frame.select(list(GRID_SCHEMA)).cast(GRID_SCHEMA)
    if services:
        rows = pl.concat(services, how="vertical_relaxed").rename({"_row": "source_row"})
        key = [*PLACE, "day", "kind"]
        service_frame = (
            rows.group_by(key, maintain_order=True)
            .agg(pl.col("count").sum(), pl.first("source_file"), pl.first("source_row"))
            .select(list(SERVICE_SCHEMA))
            .cast(SERVICE_SCHEMA)
        )
    return grid_frame, service_frame, []
