"""预计完成 Forecast: when each district, town and kind not yet at 100% will get there, and how good
such projections have been (a backtest)."""

import datetime as dt
from pathlib import Path
from urllib.parse import urlencode

import polars as pl
import streamlit as st

from campaign.answers import forecast, queries
from campaign.app import ui
from campaign.snapshot import store


# These depend only on the snapshot and the filters, and are shared by every session: an official opening a
# district's page pays for its projection and backtest once a publish, not on every rerun (a language switch).
@st.cache_data(max_entries=256, show_spinner=False)
def district_count(shown: store.Published) -> int:
    return queries.run("districts", db=Path(shown.path)).height


@st.cache_data(max_entries=256, show_spinner=False)
def projected(shown: store.Published, district: str | None, as_of: dt.date | None, towns: bool) -> pl.DataFrame:
    return queries.run("forecast", db=Path(shown.path), district=district, as_of=as_of, towns=towns)


@st.cache_data(max_entries=256, show_spinner=False)
def backtested(shown: store.Published, district: str | None, as_of: dt.date | None) -> tuple[pl.DataFrame, dict]:
    tested = forecast.backtest(db=Path(shown.path), district=district, as_of=as_of)
    return tested, forecast.summary(tested)


ctx = ui.context()
ui.page_header("forecast_title")
st.caption(ui.t("forecast_method_range", claim=forecast.RANGE_CLAIM, generated=forecast.GENERATED_RANGE_CLAIM))

key = ui.published()
many = ui.many_districts(district_count(key))
projection = projected(key, ctx.district, ctx.as_of, not many)  # a whole country's towns: only with a district
open_rows = projection.filter(pl.col("remaining") > 0)
columns = {
    "district": "district",
    "town": "town",
    "kind": "kind",
    "total": "total",
    "created": "created",
    "remaining": "remaining",
    "pace14": "pace14",
    "projected": "projected",
    "earliest": "earliest",
    "latest": "latest",
    "latest_linear": "latest_linear",
}
if open_rows.is_empty():
    st.success(ui.t("forecast_all_done"), icon="✅")
else:
    ui.table(open_rows.filter(pl.col("town").is_null()).drop("town"), columns)
    # the units still missing, one click away: the explorer opened on them, same district, day and language
    shared = {"district": ctx.district, "as_of": ctx.as_of and ctx.as_of.isoformat(), "lang": ctx.lang}
    links = {
        status: "explorer?" + urlencode({k: v for k, v in {"status": status, **shared}.items() if v})
        for status in ("not_created", "revoked")
    }
    st.markdown(ui.t("forecast_missing_units", not_created=links["not_created"], revoked=links["revoked"]))
    with st.expander(ui.t("town")):
        if many:  # no town rows were asked: an empty table under the note said nothing more
            st.caption(ui.t("forecast_towns_choose_district"))
        else:
            ui.table(open_rows.filter(pl.col("town").is_not_null()), columns)

st.subheader(ui.t("backtest_title"))
if many:  # a backtest replays the forecast for every day of every district: one district at a time
    st.info(ui.t("backtest_choose_district"), icon="ℹ️")
tested, score = backtested(key, ctx.district, ctx.as_of) if not many else (pl.DataFrame(), {})
if tested.is_empty() and not many:  # the heading alone said nothing: say why there is nothing under it
    st.info(ui.t("backtest_empty"), icon="ℹ️")
elif not tested.is_empty():
    if score["mean_abs_error_days"] is None:  # every projection lacked a pace: nothing to score yet
        st.markdown(ui.t("backtest_unscored", n=score["projections"]))
    else:
        st.markdown(
            ui.t(
                "backtest_summary_range",
                n=score["projections"],
                mae=score["mean_abs_error_days"],
                bias=score["mean_error_days"] or 0.0,
                within=score["within_range"],
                share=score["within_range_share"] or 0.0,
                claim=forecast.RANGE_CLAIM,
                width=score["mean_range_days"] or 0.0,
            )
        )
    ui.table(
        tested,
        {
            "district": "district",
            "kind": "kind",
            "as_of": "as_of_short",
            "remaining": "remaining",
            "projected": "projected",
            "earliest": "earliest",
            "latest": "latest",
            "actual": "actual",
            "error_days": "error_days",
            "within_range": "within_range",
        },
    )
ui.sample_note()
