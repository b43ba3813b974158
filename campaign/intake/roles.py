"""What a table is, from its headers (roster, status list, totals, grids, services), and its rows parsed as
that."""

from __future__ import annotations

import datetime as dt

import polars as pl

from campaign.intake.grids import parse_grids, parse_services
from campaign.intake.infer import is_roster_shaped
from campaign.intake.problems import Problem
from campaign.intake.reader import Table
from campaign.intake.rosters import parse_roster
from campaign.intake.statuses import parse_status_rows
from campaign.intake.targets import parse_targets


def role_of(table: Table) -> str:
    """What a table is, from its headers: "" for one with no data rows."""
    if table.frame.height == 0:
        return ""
    cols = set(table.headers)
    if cols & {"grid", "grid_path"}:
        return "grids"
    if "service_kind" in cols:
        return "services"
    if "target" in cols:
        return "targets"
    if is_roster_shaped(table):
        return "roster"
    # anything else is a list of units: a bare list of names is refused below for what it lacks
    return "status"


def parse_table(table: Table, today: dt.date) -> tuple[str, pl.DataFrame | None, list[Problem]]:
    role = role_of(table)
    if role == "":
        # a header with nothing under it is a truncated or wrongly exported file, not "no news"
        return "", None, [Problem(table.label, "只有表头，没有数据行 (no data rows)")]
    if role == "grids":
        return role, *parse_grids(table)
    if role == "services":
        return role, *parse_services(table, today)
    if role == "targets":
        return role, *parse_targets(table, today)
    if role == "roster":
        return role, *parse_roster(table)
    return role, *parse_status_rows(table, today)
