"""Traces several pages draw alike: coverage bars (the overview's districts, the towns page's towns) and step lines
over publication days (the progress page's coverage, the changes page's committees created whole)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from campaign import i18n


def coverage_bars(rows: pl.DataFrame, y: list[str], colour: str | None, name: str | None = None) -> go.Bar:
    """A horizontal bar a row of ``rows`` (coverage_pct, created, total) at ``y``, written on it as
    62.5% (5/8) and the same in its hover."""
    return go.Bar(
        name=name,
        y=y,
        x=rows.get_column("coverage_pct").to_list(),
        orientation="h",
        marker_color=colour,
        text=[
            f"{i18n.fmt_pct(p)} ({i18n.fmt_int(c)}/{i18n.fmt_int(t)})"
            for p, c, t in rows.select("coverage_pct", "created", "total").iter_rows()
        ],
        textposition="auto",
        hovertemplate="%{y}: %{text}<extra></extra>",
    )


def step_line(name: str, rows: pl.DataFrame, y: str, customdata: list, hover: str) -> go.Scatter:
    """``rows``' ``y`` over their publication days as steps (a figure holds from its day to the next), named
    ``name``; the hover opens with the name and ``hover`` follows it (a Plotly template)."""
    return go.Scatter(
        name=name,
        x=rows.get_column("published").to_list(),
        y=rows.get_column(y).to_list(),
        mode="lines+markers",
        line_shape="hv",
        customdata=customdata,
        # the trace's name by reference: a name in the template itself would be read as one ("%{y}")
        hovertemplate="%{fullData.name}<br>" + hover + "<extra></extra>",
    )
