"""街镇 Towns: towns ranked by coverage; drill down to committees and villages, then their units."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from campaign import i18n, text
from campaign.app import traces, ui

ctx = ui.context()
ui.page_header("towns_title")

ALL = "all"  # the kind control's first option, shown selected: None would show no option chosen
kinds = ui.q("places")
kind_options = [ALL, *kinds.get_column("kind").unique(maintain_order=True).to_list()]
ui.from_url("towns_kind", "kind", ui.one_of(kind_options))
if st.session_state.get("towns_kind") not in kind_options:  # first run, or a kind the new district lacks
    st.session_state["towns_kind"] = ALL
kind = st.segmented_control(
    ui.t("kind"),
    kind_options,
    format_func=lambda k: ui.t("all_kinds") if k == ALL else i18n.kind_label(k, ctx.lang),
    key="towns_kind",
    required=True,
)
ui.to_url("kind", kind, ALL)
kind = None if kind in (ALL, None) else kind

ranked = ui.q("towns_ranked", kind=kind)
if ranked.is_empty():
    st.warning(ui.t("no_data"))
    st.stop()

order = ranked.sort(["coverage_pct", "created"], descending=[False, False], nulls_last=False)
if order.height > ui.TOWN_BARS_MAX:  # a bar per town of a whole country would be a chart no one can read
    order = order.head(ui.TOWN_BARS_MAX)
    st.caption(ui.t("lowest_bars", n=order.height))


def towns_figure(order: pl.DataFrame, several: bool) -> go.Figure:
    """The towns' coverage bars (ui.chart: one figure for every session showing the same towns)."""
    # a bar a town, named whole in the hover; on the axis a long name is cut, so the bars and their figures keep
    # their width (two towns that start alike stay two bars: the categories are the whole names)
    labels = [ui.aside(tn, d) if several else tn for d, tn in order.select("district", "town").iter_rows()]
    shown = [
        ui.aside(text.short(tn), text.short(d, 12)) if several else text.short(tn)
        for d, tn in order.select("district", "town").iter_rows()
    ]
    fig = go.Figure(traces.coverage_bars(order, [text.chart(label) for label in labels], "#c0392b"))
    fig.update_layout(
        xaxis={"title": ui.t("percent_axis"), "range": [0, 105]},
        yaxis={
            "tickmode": "array",
            "tickvals": [text.chart(label) for label in labels],
            "ticktext": [text.chart(s) for s in shown],
        },
        showlegend=False,
    )
    return fig


ui.chart(towns_figure, order, ctx.district is None, height=max(360, 24 * order.height + 80))
ui.table(
    ranked,
    {
        "rank": "rank",
        "district": "district",
        "town": "town",
        "total": "total",
        "created": "created",
        "coverage_pct": "coverage",
        "remaining": "remaining",
        "revoked": "revoked",
        "committees": "committees",
    },
)

towns = ranked.select("district", "town").rows()
if ui.many_districts(ranked.get_column("district").n_unique()):
    # a country's 40,000 towns in one list are no choice: the drawn ones, or any once a district is chosen
    towns = order.select("district", "town").rows()
    st.caption(ui.t("drill_choose_district"))
ui.from_url("towns_town", "town", ui.place_parser(towns))
if st.session_state.get("towns_town") not in (None, *towns):  # a town of another district, or one now unlisted
    st.session_state["towns_town"] = None
town = st.selectbox(
    ui.t("drill_town"),
    towns,
    format_func=lambda dt: ui.aside(dt[1], dt[0]),
    index=None,
    key="towns_town",
    placeholder=ui.t("choose"),
)
ui.to_url("town", ui.place_text(town, towns) if town else None)
if not town:
    ui.to_url("committee", None)
else:
    district, town_name = town
    st.subheader(ui.t("committees_of", town=text.markdown(town_name)))
    committees = ui.q("committees_in_town", district=district, town=town_name)
    if kind:
        committees = committees.filter(pl.col("kind") == kind)
    ui.table(
        committees,
        {
            "committee": "committee",
            "kind": "kind",
            "total": "total",
            "created": "created",
            "coverage_pct": "coverage",
            "whole": "whole",
            "last_created": "status_date",
            "households": "households",
            "population": "population",
        },
    )
    names = committees.get_column("committee").unique(maintain_order=True).to_list()
    ui.from_url("towns_committee", "committee", ui.one_of(names))
    if st.session_state.get("towns_committee") not in (None, *names):
        st.session_state["towns_committee"] = None
    committee = st.selectbox(
        ui.t("drill_committee"), names, index=None, key="towns_committee", placeholder=ui.t("choose")
    )
    ui.to_url("committee", committee)
    if committee:
        st.subheader(ui.t("units_of", committee=text.markdown(committee)))
        units = ui.q("find_units", district=district, town=town_name, committee=committee, kind=kind)
        ui.table(
            units,
            {k: v for k, v in ui.UNIT_COLUMNS.items() if k not in ("district", "town", "committee")},
        )
ui.sample_note()
