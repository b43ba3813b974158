"""预计完成 Forecast: when each district, town and kind not yet at 100% will get there, and how good
such projections have been (a backtest)."""

import polars as pl
import streamlit as st

from campaign import forecast, ui

ctx = ui.context()
ui.page_header("forecast_title")
st.caption(ui.t("forecast_method"))

projection = ui.q("forecast")
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
}
if open_rows.is_empty():
    st.success(ui.t("forecast_all_done"), icon="✅")
else:
    ui.table(open_rows.filter(pl.col("town").is_null()).drop("town"), columns)
    with st.expander(ui.t("town")):
        ui.table(open_rows.filter(pl.col("town").is_not_null()), columns)

st.subheader(ui.t("backtest_title"))
tested = forecast.backtest(district=ctx.district, as_of=ctx.as_of)
if not tested.is_empty():
    score = forecast.summary(tested)
    st.markdown(
        ui.t(
            "backtest_summary",
            n=score["projections"],
            mae=score["mean_abs_error_days"],
            share=score["within_range_share"],
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
