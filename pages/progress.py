"""创建进度 Progress: cumulative coverage over publication dates, units per batch, town x batch."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from campaign import i18n, text
from campaign.app import figures, traces, ui

ctx = ui.context()
curve = ui.opening("progress_title", "progress_curve")

# one chart at a time: three charts drawn on every district change took Chromium most of a second
view = ui.view("progress_view", {"curve": "view_curve", "batch": "per_batch_title", "towns": "heatmap_title"})
focus = ui.districts_to_draw() if view != "towns" else None
together = False
if view != "towns":
    curve = curve.filter(pl.col("total").is_not_null())
    if focus is not None:
        curve = curve.filter(pl.col("district").is_in(focus))
    # a curve and a bar series per district and kind is dozens of traces for a city, slow for the browser to draw
    # (BENCHMARKS.md, "Browser"); with more districts than get a chart each elsewhere, one per district, its
    # kinds together
    together = curve.get_column("district").n_unique() > ui.CHARTS_PER_DISTRICT_MAX
    if together:
        st.caption(ui.t("progress_kinds_together", n=curve.get_column("district").n_unique()))


def curve_figure(curve: pl.DataFrame, together: bool) -> go.Figure:
    """Coverage over publication dates, a curve a district and kind, or a district (ui.chart: one figure for every
    session showing the same curves)."""
    fig = go.Figure()
    for (district, kind), rows in curve.group_by(["district", "kind"], maintain_order=True):
        label = text.chart_short(district) + ("" if together else f" · {i18n.kind_label(kind, ctx.lang)}")
        hover = "%{x|%Y-%m-%d}<br>" + ui.aside("%{y:.1f}%", "%{customdata[0]:,} / %{customdata[1]:,}")
        fig.add_trace(traces.step_line(label, rows, "coverage_pct", rows.select("created", "total").rows(), hover))
    fig.update_layout(
        yaxis={"title": ui.t("percent_axis"), "range": [0, 105], "ticksuffix": "%"},
        xaxis={
            "title": ui.t("date_axis"),
            **ui.day_axis(curve.get_column("published").min(), curve.get_column("published").max()),
        },
    )
    return fig


if view == "curve":
    st.caption(ui.t("progress_caption"))
    if together:
        curve = figures.district_curves(curve)
    ui.chart(curve_figure, curve, together)

elif view == "batch":
    st.subheader(ui.t("per_batch_title"))
    per_batch = ui.q("created_per_batch")
    if focus is not None:
        per_batch = per_batch.filter(pl.col("district").is_in(focus))
    drawn = figures.batches_together(per_batch).with_columns(kind=pl.lit(None)) if together else per_batch
    fig = go.Figure()
    ticks: dict[str, list[str]] = {"tickvals": [], "ticktext": []}
    # numbers on the bars while they are few: fitting text into a city's hundreds of bars takes the browser seconds
    labelled = drawn.height <= ui.LABELLED_BARS_MAX
    for (district, kind), rows in drawn.group_by(["district", "kind"], maintain_order=True):
        # the bars' categories are the whole names (escaped); the axis shows them cut
        batches = [i18n.batch_label(b, r, ctx.lang) for b, r in rows.select("batch", "counts_rounds").iter_rows()]
        labels = [text.chart(f"{district} {b}") for b in batches]
        ticks["tickvals"] += labels
        ticks["ticktext"] += [text.chart(f"{text.short(district)} {b}") for b in batches]
        fig.add_bar(
            name=text.chart_short(district) + ("" if together else f" · {i18n.kind_label(kind, ctx.lang)}"),
            x=labels,
            y=rows.get_column("units").to_list(),
            marker_color=None if together else ui.kind_colours().get(kind),
            text=[f"{u:,}" for u in rows.get_column("units")] if labelled else None,
            customdata=[i18n.fmt_date(d, ctx.lang) for d in rows.get_column("published")],
            hovertemplate="%{x}<br>%{customdata}<br>%{y:,}<extra></extra>",
        )
    # a label under every bar of a city (hundreds, tilted) cost Plotly more than the bars: one every few
    xaxis = {"nticks": None if labelled else 2 * ui.TICK_LABELS_MAX}
    if ticks["tickvals"] != ticks["ticktext"]:  # a long district name: the labels cut, as few as nticks gives
        cut = dict(zip(ticks["tickvals"], ticks["ticktext"], strict=True))
        step = 1 if labelled else max(1, len(cut) // (2 * ui.TICK_LABELS_MAX))
        xaxis = {"tickmode": "array", "tickvals": list(cut)[::step], "ticktext": list(cut.values())[::step]}
    fig.update_layout(barmode="stack", yaxis={"title": ui.t("units_axis")}, xaxis=xaxis)
    if labelled:
        fig.update_layout(uniformtext_minsize=9, uniformtext_mode="hide")
    ui.show(fig, name=ui.t("per_batch_title"))
    ui.table(
        per_batch,
        {
            "district": "district",
            "kind": "kind",
            "batch": "batch",
            "published": "published",
            "units": "units",
            "committees": "committees",
            "households": "households",
        },
    )

else:
    st.subheader(ui.t("heatmap_title"))
    districts = [ctx.district] if ctx.district else ui.q("districts").get_column("district").to_list()
    shown = districts[0] if len(districts) == 1 else st.selectbox(ui.t("heatmap_district"), districts)
    rows = ui.q("town_batch_matrix", district=shown) if shown else pl.DataFrame()  # one district's towns, not all
    if not rows.is_empty():
        rounds = ui.q("batches", district=shown).get_column("counts_rounds").any()
        batches = sorted(rows.get_column("batch").unique().to_list())
        towns = rows.get_column("town").unique(maintain_order=True).to_list()
        cells = {(tn, b): u for tn, b, u in rows.select("town", "batch", "units").iter_rows()}
        z = [[cells.get((tn, b), 0) for b in batches] for tn in towns]
        town_values, town_axis = text.category_axis(towns)
        fig = go.Figure(
            go.Heatmap(
                z=z,
                x=[i18n.batch_label(b, rounds, ctx.lang) for b in batches],
                y=town_values,
                colorscale="Reds",
                text=[[f"{v:,}" if v else "" for v in row] for row in z],
                texttemplate="%{text}",
                hovertemplate="%{y} · %{x}: %{z:,}<extra></extra>",
                colorbar={"title": ui.t("units")},
            )
        )
        fig.update_layout(yaxis={"autorange": "reversed", **town_axis})
        ui.show(fig, height=max(320, 28 * len(towns) + 80), name=ui.t("heatmap_title"), district=shown)
ui.sample_note()
