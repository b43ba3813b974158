"""网格 Grids: the grid tree of a committee or village, its levels, and workers against a target band."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from campaign import i18n, text
from campaign.app import ui

ctx = ui.context()
places = ui.opening("grids_title", "grid_places", "grids_none", note=True)

options = places.select("district", "town", "committee").rows()
ui.from_url("grids_place", "place", lambda text: next((o for o in options if "/".join(o) == text), None))
biggest = places.with_row_index().sort("grids", descending=True).item(0, "index")
place = st.selectbox(
    ui.t("grids_place"),
    options,
    index=biggest,
    format_func=lambda p: ui.aside(p[2], p[1], p[0]),
    key="grids_place",
)
ui.to_url("place", "/".join(place) if place else None, default="/".join(options[biggest]))
district, town, committee = place
row = places.row(options.index(place), named=True)

tree = ui.q("grid_tree", district=district, town=town, committee=committee)
levels = ui.q("grid_levels", district=district, town=town, committee=committee)

cols = st.columns(4)
cols[0].metric(ui.t("grids_count"), f"{row['grids']:,}")
cols[1].metric(ui.t("households"), i18n.fmt_int(row["households"]))
cols[2].metric(ui.t("grids_workers"), i18n.fmt_int(row["workers"]))
linked = (
    "—"
    if row["linked_min"] is None
    else f"{row['linked_min']}"
    if row["linked_min"] == row["linked_max"]
    else f"{row['linked_min']}–{row['linked_max']}"
)
per_worker = row["households"] / row["workers"] if row["workers"] else None
cols[3].metric(
    ui.t("grids_hh_per_worker"),
    "—" if per_worker is None else f"{per_worker:.1f}",
    delta=f"{ui.t('grids_linked')} {linked}",
    delta_color="off",
    delta_arrow="off",
)

# --- counts per level ------------------------------------------------------------------------------
st.subheader(ui.t("grids_levels"))
st.markdown(" · ".join(f"**{ui.t('level_' + lvl)} {n:,}**" for lvl, n in levels.select("level", "grids").iter_rows()))
ui.table(
    levels.with_columns(
        # the words looked up here, not in map_elements: Polars calls it on threads of its own, where reading
        # the session (ui.t) logged "missing ScriptRunContext" on every load
        pl.col("level").replace_strict(
            {v: ui.t("level_" + v) for v in levels.get_column("level").unique().to_list()}, return_dtype=pl.String
        ),
        pl.col("workers_per_100").round(1),
    ),
    {
        "level": "grid_level",
        "grids": "grids_count",
        "households": "households",
        "min_households": "grid_min_households",
        "max_households": "grid_max_households",
        "workers": "grids_workers",
        "workers_per_100": "workers_per_100",
    },
)

# --- the tree --------------------------------------------------------------------------------------
st.subheader(ui.t("grids_tree"))
root = f"{committee}"
ids = [root, *tree.get_column("grid").to_list()]
parents = ["", *tree.get_column("parent").fill_null(root).to_list()]
values = [int(tree.filter(pl.col("parent").is_null()).get_column("households").sum()), *tree["households"]]
per = [per_worker, *tree.get_column("households_per_worker").to_list()]
level_names = [ui.t("grids_place"), *(ui.t("level_" + v) for v in tree.get_column("level"))]
workers = [row["workers"], *tree.get_column("subtree_workers").to_list()]
fig = go.Figure(
    go.Treemap(
        ids=ids,
        labels=[text.chart(i) for i in ids],
        parents=parents,
        values=values,
        branchvalues="total",
        maxdepth=4,
        marker={
            "colors": [p if p is not None else 0 for p in per],
            "colorscale": "RdYlGn_r",
            "cmid": 8,
            "colorbar": {"title": {"text": ui.t("grids_hh_per_worker")}},
        },
        customdata=list(zip(level_names, workers, [f"{p:.1f}" if p else "—" for p in per], strict=True)),
        hovertemplate=(
            "%{label}<br>%{customdata[0]}<br>"
            + ui.t("households")
            + " %{value:,}<br>"
            + ui.t("grids_workers")
            + " %{customdata[1]}<br>"
            + ui.t("grids_hh_per_worker")
            + " %{customdata[2]}<extra></extra>"
        ),
        textinfo="label+value",
    )
)
ui.show(fig, height=560, name=f"{ui.t('grids_title')} · {committee}", district=district)

# --- workers per household against a band -----------------------------------------------------------
st.subheader(ui.t("grids_band_chart"))
present = tree.get_column("level").unique(maintain_order=True).to_list()
c1, c2 = st.columns([1, 2])
default_level = present[2] if len(present) > 2 else present[-1]
level = c1.selectbox(
    ui.t("grids_band_level"), present, index=present.index(default_level), format_func=lambda v: ui.t("level_" + v)
)
low, high = c2.slider(ui.t("grids_band"), 0, 60, (10, 35), key="grids_band")
at_level = tree.filter(pl.col("level") == level).with_columns(
    (100.0 * pl.col("subtree_workers") / pl.col("households")).alias("workers_per_100")
)
inside = at_level.filter(pl.col("workers_per_100").is_between(low, high)).height
below = at_level.filter(pl.col("workers_per_100") < low).height
st.caption(ui.t("grids_band_counts", below=below, inside=inside, above=at_level.height - inside - below))
colours = [
    "#c0392b" if v < low else "#d68910" if v > high else "#28b463" for v in at_level.get_column("workers_per_100")
]
grid_values, grid_axis = text.category_axis(at_level.get_column("grid").to_list())
band = go.Figure(
    go.Bar(
        x=grid_values,
        y=at_level.get_column("workers_per_100").to_list(),
        marker_color=colours,
        hovertemplate="%{x}: %{y:.1f}<extra></extra>",
    )
)
band.add_hrect(y0=low, y1=high, fillcolor="#28b463", opacity=0.12, line_width=0)
band.update_layout(yaxis={"title": ui.t("workers_per_100")}, xaxis=grid_axis, showlegend=False)
ui.show(band, height=380, name=f"{ui.t('grids_band_chart')} · {committee}", district=district)

st.subheader(ui.t("grids_places"))
ui.table(
    places,
    {
        "district": "district",
        "town": "town",
        "committee": "committee",
        "grids": "grids_count",
        "households": "households",
        "workers": "grids_workers",
    },
)
if ctx.from_sample:
    from campaign.i18n import GRIDS_NOTE_EN, GRIDS_NOTE_ZH

    st.info(f"**{ui.t('synthetic')}**{ui.t('colon')}{GRIDS_NOTE_EN if ctx.lang == 'en' else GRIDS_NOTE_ZH}", icon="ℹ️")
ui.sample_note()
