"""总览 Overview: per district and kind, how far creation has come."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from campaign import i18n, text
from campaign.app import townmap, traces, ui
from campaign.outputs import brief
from campaign.snapshot import store

ctx = ui.context()
coverage = ui.opening("overview_title", "coverage_by_district")
whole = ui.q("whole_committees", whole_kinds=ui.whole_kinds())

# the one-page daily brief (A4 PDF) of this day and district, made only when the button is pressed
try:
    brief.find_cjk_font()
except brief.NoCJKFont:
    st.warning(ui.t("brief_no_font"), icon="⚠️")
else:
    brief_day, brief_db = ui.day(ctx), store.default_db()
    st.download_button(
        ui.t("brief_download"),
        data=lambda: brief.build(brief_db, brief_day, ctx.district, ctx.lang),
        file_name=brief.filename(brief_day, ctx.district, ctx.lang),
        mime="application/pdf",
        key="overview_brief",
        help=ui.t("brief_download_help"),
        on_click="ignore",
    )

# a city or a country has too many districts for a card and a map each: a table, the lowest bars, and a
# district chosen in the sidebar for its cards and map
districts_shown = coverage.get_column("district").n_unique()
many = ui.many_districts(districts_shown)
if many:
    st.info(ui.t("many_districts", n=districts_shown), icon="ℹ️")
for district, rows in [] if many else coverage.group_by("district", maintain_order=True):
    first = rows.row(0, named=True)
    runs = "rounds_run" if first["counts_rounds"] else "batches_run"
    st.subheader(f"{text.markdown(district[0])} · {ui.t(runs)} {first['batches_run']}")
    cols = st.columns(len(rows) + 1)
    for col, row in zip(cols, rows.iter_rows(named=True), strict=False):
        label = i18n.kind_label(row["kind"], ctx.lang)
        if row["total"] is None:
            col.metric(label, i18n.fmt_int(row["created"]), help=ui.t("no_roster"))
            continue
        # no sparkline of the curve in the card: it loaded Vega and drew four charts on a district change (the
        # curves per kind are the progress page's first chart)
        col.metric(
            f"{label} · {ui.t('coverage')}",
            i18n.fmt_pct(row["coverage_pct"]),
            f"{ui.t('created')} {i18n.fmt_int(row['created'])} / {i18n.fmt_int(row['total'])}",
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
    district_whole = whole.filter(pl.col("district") == district[0])
    lines = []
    for row in district_whole.iter_rows(named=True):
        unit = ui.t("whole_within_" + row["kind"])
        lines.append(
            f"**{ui.t('whole_' + row['kind'])}**{ui.t('colon')}"
            + ui.t(
                "whole_detail",
                whole=row["committees_whole"],
                touched=row["committees_with_created"],
                total=row["committees"],
                unit=unit,
            )
        )
    with cols[-1]:
        for line in lines:
            st.markdown(line)

st.subheader(ui.t("overview_table"))
ui.table(
    coverage,
    {
        "district": "district",
        "kind": "kind",
        "total": "total",
        "created": "created",
        "coverage_pct": "coverage",
        "remaining": "remaining",
        "model": "model",
        "revoked": "revoked",
        "batches_run": "batches_run",
        "full_date": "full_date",
    },
)
targets = ui.q("targets_check")
if many:  # only what does not reconcile, one line each; the rest counted
    agreeing = targets.filter(pl.col("roster") == pl.col("target")).height
    if agreeing:
        st.success(ui.t("targets_agree", n=agreeing, of=targets.height), icon="✅")
    targets = targets.filter(pl.col("roster") != pl.col("target"))
for row in targets.iter_rows(named=True):
    scope = ui.t("all_kinds_together") if row["kind"] is None else i18n.kind_label(row["kind"], ctx.lang)
    line = ui.t(
        "target_line", district=text.markdown(row["district"]), kind=scope, target=row["target"], roster=row["roster"]
    )
    if row["roster"] == row["target"]:
        st.success(line, icon="✅")
    else:
        st.warning(line + ui.t("target_mismatch", diff=row["roster"] - row["target"]), icon="⚠️")


def coverage_figure(with_roster: pl.DataFrame) -> go.Figure:
    """Coverage bars, one per district and kind (ui.chart: one figure for every session showing the same rows)."""
    fig = go.Figure()
    ticks: dict[str, list[str]] = {"tickvals": [], "ticktext": []}
    for kind, rows in with_roster.group_by("kind", maintain_order=True):
        # one bar per (district, kind): grouping by district would leave empty slots for kinds it lacks; a long
        # district name is cut on the axis (the hover has it whole) so the bars keep their width
        bars = [f"{d} · {i18n.kind_label(kind[0], ctx.lang)}" for d in rows.get_column("district")]
        shown = [f"{text.short(d)} · {i18n.kind_label(kind[0], ctx.lang)}" for d in rows.get_column("district")]
        ticks["tickvals"] += [text.chart(b) for b in bars]
        ticks["ticktext"] += [text.chart(s) for s in shown]
        fig.add_trace(
            traces.coverage_bars(
                rows, [text.chart(b) for b in bars], ui.kind_colours().get(kind[0]), i18n.kind_label(kind[0], ctx.lang)
            )
        )
    fig.update_layout(
        xaxis={"title": ui.t("percent_axis"), "range": [0, 105]},
        yaxis={"autorange": "reversed", "tickmode": "array", **ticks},
        uniformtext_minsize=10,
        uniformtext_mode="hide",
    )
    return fig


# the coverage bars and the town map one at a time: a district change redraws one chart, not two
chart = ui.view("overview_chart", {"coverage": "coverage_chart", "map": "map_title"})
if chart == "coverage":
    st.subheader(ui.t("coverage_chart"))
    with_roster = coverage.filter(pl.col("total").is_not_null())
    if many:
        with_roster = with_roster.sort("coverage_pct", "district").head(2 * ui.MANY_DISTRICTS)
        st.caption(ui.t("lowest_bars", n=with_roster.height))
    ui.chart(coverage_figure, with_roster, height=max(240, 60 * with_roster.height + 80), name=ui.t("coverage_chart"))

else:
    # --- towns on a map: uploaded boundaries, else schematic tiles (no map server either way) -------------
    st.subheader(ui.t("map_title"))
    if many:  # a map per district of a whole country: none until one is chosen (and its 40,000 towns not asked for)
        st.caption(ui.t("map_choose_district"))
        by_town = pl.DataFrame(schema={"district": pl.String})
    else:
        by_town = ui.q("towns_ranked", kind=None)
    shapes = townmap.read_boundaries(store.default_db())
    for (district,), towns in by_town.group_by("district", maintain_order=True):
        if shapes:
            fig, missing = townmap.shape_figure(towns, shapes, ui.t("coverage"))
            if len(missing) < towns.height:
                st.markdown(f"**{text.markdown(district)}** · {ui.t('map_boundaries')}")
                if missing:
                    st.caption(ui.t("map_unmatched", towns="、".join(text.markdown(m) for m in missing)))
                ui.show(fig, height=520, name=ui.t("map_title"), district=district)
                continue
        fig, laid_out = townmap.tile_figure(towns, district, ui.t("coverage"))
        positions, _ = townmap.tile_positions(district, towns.get_column("town").to_list())
        st.markdown(f"**{text.markdown(district)}**{'' if laid_out else ' ' + ui.t('map_ordered')}")
        ui.show(fig, height=townmap.figure_height(positions), name=ui.t("map_title"), district=district)
    st.caption(ui.t("map_schematic"))
ui.sample_note()
