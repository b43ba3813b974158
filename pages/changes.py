"""变化 Changes: per publication date, units created, created again, revoked; who waits; whole creation."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from campaign import text
from campaign.app import figures, traces, ui

ctx = ui.context()
changes = ui.opening("changes_title", "changes_by_date")

# the changes (a chart each for up to 4 districts) and whole creation over time one at a time: a district
# change redraws one chart, not two
# (whole creation only in a campaign that counts some kind whole per committee)
view = ui.view("changes_view", {"changes": "view_changes"} | ({"whole": "whole_title"} if ui.whole_kinds() else {}))
# every district counts: past CHARTS_PER_DISTRICT_MAX they are summed into one chart (as cheap to draw for 300
# as for 12), and the table lists each


def changes_figure(rows: pl.DataFrame) -> go.Figure:
    """Units newly created, created again and revoked per publication date, and the net change (ui.chart: one figure
    for every session showing the same rows)."""
    # publication dates as categories: one even bar a date, no empty days between lists
    dates = [d.strftime("%Y-%m-%d") for d in rows.get_column("published")]
    fig = go.Figure()
    for col, colour, sign in (
        ("created_new", "#28b463", 1),
        ("created_again", "#2e86c1", 1),
        ("revoked", "#c0392b", -1),
    ):
        values = [sign * v for v in rows.get_column(col)]
        fig.add_bar(name=ui.t(col), x=dates, y=values, marker_color=colour, hovertemplate="%{x}: %{y:,}")
    # the net change written above its marker while the dates leave room for it; else in the hover and the table
    labelled = len(dates) <= ui.LABELLED_POINTS_MAX
    fig.add_scatter(
        name=ui.t("net_change"),
        x=dates,
        y=rows.get_column("net").to_list(),
        mode="markers+text" if labelled else "markers",
        text=[f"{v:+,}" for v in rows.get_column("net")] if labelled else None,
        textposition="top center",
        marker={"color": "#34495e", "size": 9},
        hovertemplate="%{x}: %{y:+,}",
    )
    fig.update_layout(
        barmode="relative",
        # every date's label, tilted, took Plotly longer to lay out than the bars (against a label every few
        # dates); the hover names each bar's date
        xaxis={"title": ui.t("date_axis"), "type": "category", "nticks": None if labelled else ui.TICK_LABELS_MAX},
        yaxis={"title": ui.t("units_axis")},
    )
    if labelled:  # room above the highest bar for its label: Plotly's own range ends at the bar and cut it
        up = [a + b for a, b in zip(rows.get_column("created_new"), rows.get_column("created_again"), strict=True)]
        top = max([0, *up, *rows.get_column("net")])
        bottom = min([0, *(-v for v in rows.get_column("revoked")), *rows.get_column("net")])
        span = max(1, top - bottom)
        fig.update_yaxes(range=[bottom - 0.05 * span, top + 0.15 * span])
    return fig


def draw(rows: pl.DataFrame, district: str | None = None) -> None:
    ui.chart(changes_figure, rows, height=360, name=ui.t("view_changes"), district=district)


if view == "changes":
    st.caption(ui.t("changes_caption"))
    columns = {
        "published": "published",
        "batches": "batch",
        "created_new": "created_new",
        "created_again": "created_again",
        "revoked": "revoked",
        "net": "net_change",
    }
    changes = changes.with_columns(pl.col("batches").list.eval(pl.element().cast(pl.String)).list.join("、"))
    districts = changes.get_column("district").n_unique()
    if districts <= ui.CHARTS_PER_DISTRICT_MAX:
        for district, rows in changes.group_by("district", maintain_order=True):
            st.subheader(text.markdown(district[0]))
            draw(rows, district[0])
            ui.table(rows, columns)
    else:
        # a chart and a table a district, a dozen times over, took the browser seconds to draw: one of each
        st.caption(ui.t("changes_together", n=districts))
        summed = (
            changes.group_by("published")
            .agg(pl.col("created_new", "created_again", "revoked", "net").sum())
            .sort("published")
        )
        draw(summed)
        ui.table(changes, {"district": "district", **columns})

    st.subheader(ui.t("revoked_open_title"))
    waiting, waiting_total, every_waiting = ui.first_rows("revoked_open")
    if waiting.is_empty():
        st.success(ui.t("revoked_none"), icon="✅")
    else:
        ui.table(
            waiting,
            {
                "district": "district",
                "town": "town",
                "committee": "committee",
                "name": "name",
                "kind": "kind",
                "revoked_on": "revoked_on",
                "days_open": "days_open",
                "households": "households",
                "population": "population",
            },
            total=waiting_total,
            every_row=every_waiting,
        )

else:
    whole = ui.q("whole_over_time")
    if not whole.is_empty():
        st.subheader(ui.t("whole_title"))
        # as the changes: with more districts than get a chart each, a curve per kind (a trace per district and
        # kind was an order of magnitude slower to draw)
        together = whole.get_column("district").n_unique() > ui.CHARTS_PER_DISTRICT_MAX
        if together:
            st.caption(ui.t("whole_together", n=whole.get_column("district").n_unique()))
            whole = figures.whole_together(whole).with_columns(district=pl.lit(None, pl.String))
        fig = go.Figure()
        for (district, kind), rows in whole.group_by(["district", "kind"], maintain_order=True):
            label = ui.t("whole_" + kind) if together else f"{text.chart_short(district)} · {ui.t('whole_' + kind)}"
            committees = rows.get_column("committees").to_list()
            hover = "%{x|%Y-%m-%d}: %{y:,} / %{customdata:,}"
            fig.add_trace(traces.step_line(label, rows, "committees_whole", committees, hover))
        days = whole.get_column("published")
        fig.update_layout(
            xaxis={"title": ui.t("date_axis"), **ui.day_axis(days.min(), days.max())},
            yaxis={"title": ui.t("whole_axis")},
        )
        ui.show(fig, height=360, name=ui.t("whole_title"))
    else:
        st.info(ui.t("no_data"), icon="ℹ️")
ui.sample_note()
