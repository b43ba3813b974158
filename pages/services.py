"""为民服务 Services: totals and weekly trends per kind of service, by town and by committee or village."""

import polars as pl
import streamlit as st
from plotly.subplots import make_subplots

from campaign.app import ui

WEEK_MS = 6 * 24 * 3600 * 1000

ctx = ui.context()
everywhere = ui.opening("services_title", "services_by_place", "services_none", note=True)


def kind_name(kind: str) -> str:
    return ui.t(f"service_{kind}") if f"service_{kind}" in ui.i18n.TEXT else kind


towns = everywhere.select("district", "town").unique(maintain_order=True).rows()
c1, c2 = st.columns(2)
ui.from_url("services_town", "town", ui.place_parser(towns))
town = c1.selectbox(
    ui.t("town"),
    [None, *towns],
    format_func=lambda t: ui.t("all_towns") if t is None else ui.aside(t[1], t[0]),
    key="services_town",
)
in_town = (
    everywhere if town is None else everywhere.filter((pl.col("district") == town[0]) & (pl.col("town") == town[1]))
)
ui.to_url("town", ui.place_text(town, towns) if town else None)
committees = in_town.select("district", "town", "committee").unique(maintain_order=True).rows()
ui.from_url("services_place", "place", ui.place_parser(committees))
if st.session_state.get("services_place") not in (None, *committees):  # a village of the town left
    st.session_state["services_place"] = None
place = c2.selectbox(
    ui.t("committee"),
    [None, *committees],
    format_func=lambda p: ui.t("all_places") if p is None else ui.aside(p[2], p[1]),
    key="services_place",
)
ui.to_url("place", ui.place_text(place, committees) if place else None)
where = {}
if place is not None:
    where = {"district": place[0], "town": place[1], "committee": place[2]}
elif town is not None:
    where = {"district": town[0], "town": town[1]}

totals = ui.q("services_by_kind", **where)
# three cards a row: six in one row cut a long kind's name (特殊人员 / 家庭专人服务) to "特殊人员 / 家…"
PER_ROW = 3
cols = [c for _ in range(0, totals.height, PER_ROW) for c in st.columns(PER_ROW)]
for col, (kind, total, places) in zip(cols, totals.select("kind", "total", "places").iter_rows(), strict=False):
    col.metric(
        kind_name(kind), f"{total:,}", delta=f"{places:,} {ui.t('committee')}", delta_color="off", delta_arrow="off"
    )

st.subheader(ui.t("services_trend"))
trend = ui.q("services_trend", **where)
kinds = totals.get_column("kind").to_list()
fig = make_subplots(rows=len(kinds), cols=1, shared_xaxes=True, subplot_titles=[kind_name(k) for k in kinds])
for i, kind in enumerate(kinds, start=1):
    rows = trend.filter(pl.col("kind") == kind)
    fig.add_bar(
        x=rows.get_column("week").to_list(),
        y=rows.get_column("total").to_list(),
        name=kind_name(kind),
        marker_color="#c0392b",
        width=[WEEK_MS] * rows.height,  # a kind logged in one week only still gets a week-wide bar
        hovertemplate="%{x|%Y-%m-%d}: %{y:,}<extra></extra>",
        row=i,
        col=1,
    )
fig.update_layout(showlegend=False)
weeks = trend.get_column("week").n_unique() if trend.height else 1
# ticks on the weeks' Mondays (the caption says weeks start on Monday; Plotly's own fall on Sundays), at most
# about eight; as 03-28, not Plotly's English month names (Mar 27)
fig.update_xaxes(tickformat="%m-%d", tick0="2022-03-28", dtick=7 * 24 * 3600 * 1000 * -(-weeks // 8))
# the first kind's title sits above the plot, where the chart's subtitle is: room for both
ui.show(fig, height=max(300, 170 * len(kinds)), name=ui.t("services_trend"), top=24)
st.caption(ui.t("week"))


def pivot(frame: pl.DataFrame, index: list[str]) -> pl.DataFrame:
    wide = frame.group_by([*index, "kind"], maintain_order=True).agg(pl.col("total").sum())
    wide = wide.pivot(on="kind", index=index, values="total").fill_null(0)
    present = [k for k in kinds if k in wide.columns]
    return wide.select(*index, *present).rename({k: kind_name(k) for k in present})


scope = in_town if place is None else in_town.filter(pl.col("committee") == place[2])
st.subheader(ui.t("services_by_town"))
by_town = pivot(scope, ["district", "town"]).rename({"district": ui.t("district"), "town": ui.t("town")})
st.dataframe(by_town, hide_index=True, column_config=ui.number_config(by_town), placeholder=ui.PLACEHOLDER)
st.subheader(ui.t("services_by_place"))
by_place = pivot(scope, ["district", "town", "committee"]).rename(
    {"district": ui.t("district"), "town": ui.t("town"), "committee": ui.t("committee")}
)
st.dataframe(by_place, hide_index=True, column_config=ui.number_config(by_place), placeholder=ui.PLACEHOLDER)

if ctx.from_sample:
    from campaign.i18n import GRIDS_NOTE_EN, GRIDS_NOTE_ZH

    st.info(f"**{ui.t('synthetic')}**{ui.t('colon')}{GRIDS_NOTE_EN if ctx.lang == 'en' else GRIDS_NOTE_ZH}", icon="ℹ️")
ui.sample_note()
