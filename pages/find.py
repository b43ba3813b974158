"""查找 Find: search any unit by name, pinyin or initials; its card with hierarchy, size and history."""

import polars as pl
import streamlit as st

from campaign import i18n, text
from campaign.app import ui

SHOWN = 50

ctx = ui.context()
ui.page_header("find_title")

ui.from_url("find_q", "q", str)
query = st.text_input(ui.t("find_search"), key="find_q").strip()
ui.to_url("q", query)
if not query:
    ui.sample_note()
    st.stop()

# "10" matches a million units of a country: all of them counted, 50 fetched
matches = ui.q("find_units", search=ui.search_text(query), limit=SHOWN)  # "hai hao" as "haihao"
found = matches.item(0, "matching") if matches.height else 0
st.caption(ui.t("find_matches", n=found) + ("；" + ui.t("find_more", n=SHOWN) if found > SHOWN else ""))
if matches.is_empty():
    st.stop()
options = matches.select("district", "town", "committee", "name").rows()
ui.from_url("find_unit", "unit", lambda text: next((o for o in options if "/".join(o) == text), None))
if st.session_state.get("find_unit") not in options:
    st.session_state["find_unit"] = options[0]
unit = st.selectbox(
    ui.t("find_pick"),
    options,
    format_func=lambda o: f"{o[3]} · {o[2]} · {o[1]} · {o[0]}" if o[2] != o[3] else f"{o[3]} · {o[1]} · {o[0]}",
    key="find_unit",
)
ui.to_url("unit", "/".join(unit))

row = matches.filter(
    (pl.col("district") == unit[0])
    & (pl.col("town") == unit[1])
    & (pl.col("committee") == unit[2])
    & (pl.col("name") == unit[3])
).row(0, named=True)
st.subheader(ui.aside(text.markdown(row["name"]), i18n.kind_label(row["kind"], ctx.lang, one=True)))
place = dict.fromkeys([row["district"], row["town"], row["committee"], row["name"]])
st.markdown(" › ".join(text.markdown(p) for p in place))
c1, c2, c3, c4 = st.columns(4)
c1.metric(ui.t("status"), i18n.status_label(row["status"], ctx.lang))
c2.metric(ui.t("households"), i18n.fmt_int(row["households"]))
c3.metric(ui.t("population"), i18n.fmt_int(row["population"]))
c4.metric(ui.t("first_created"), i18n.fmt_date(row["first_created"], ctx.lang))

st.subheader(ui.t("history"))
history = ui.q("unit_history", district=unit[0], town=unit[1], committee=unit[2], name=unit[3])
history = history.with_columns(
    pl.col("event").replace_strict({e: ui.t(f"event_{e}") for e in ("created", "revoked", "model", "applied")}),
    pl.struct("batch", "counts_rounds")
    .map_elements(lambda b: i18n.batch_label(b["batch"], b["counts_rounds"], ctx.lang), pl.String)
    .alias("batch"),
)
ui.table(
    history,
    {
        "published": "published",
        "event": "event",
        "batch": "batch",
        "source_file": "source_file",
        "source_row": "source_row",
    },
)
ui.sample_note()
