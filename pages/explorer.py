"""明细 Explorer: filter the units, see them, download exactly the filtered rows as CSV."""

import datetime as dt
from functools import partial

import streamlit as st

from campaign import i18n
from campaign.app import ui
from campaign.outputs import export

ctx = ui.context()
ui.page_header("explorer_title")

places = ui.q("places")
batches = ui.q("batches")

c1, c2, c3, c4 = st.columns(4)
towns = places.get_column("town").unique(maintain_order=True).to_list()
town = ui.select_one(
    c1, "town", towns, key="ex_town", param="town", every="all_towns", label_of=lambda v: v or ui.t("all_towns")
)
kinds = places.get_column("kind").unique(maintain_order=True).to_list()
kind = ui.select_one(
    c2, "kind", kinds, key="ex_kind", param="kind", every="all_kinds", label_of=lambda v: i18n.kind_label(v, ctx.lang)
)
statuses = ["created", "model", "revoked", "not_created"]
status = ui.select_one(
    c3,
    "status",
    statuses,
    key="ex_status",
    param="status",
    every="all_statuses",
    label_of=lambda v: i18n.status_label(v, ctx.lang),
)
rounds = batches.height > 0 and batches.get_column("counts_rounds").all()
batch_numbers = sorted(batches.get_column("batch").unique().to_list())
batch = ui.select_one(
    c4,
    "batch",
    batch_numbers,
    key="ex_batch",
    param="batch",
    every="all_batches",
    label_of=lambda v: i18n.batch_label(v, rounds, ctx.lang),
)
c5, c6 = st.columns(2)
ui.from_url("ex_search", "q", str)
search = c5.text_input(ui.t("search"), help=ui.t("search_help"), key="ex_search").strip() or None
ui.from_url("ex_dates", "dates", lambda text: tuple(ui.iso_date(d) for d in text.split("~", 1)))
st.session_state.setdefault("ex_dates", ())  # a range, empty until chosen; set before the widget, as the URL's
dates = c6.date_input(ui.t("date_range"), key="ex_dates", format="YYYY-MM-DD", help=ui.t("date_input_help"))
date_from: dt.date | None = dates[0] if len(dates) >= 1 else None
date_to: dt.date | None = dates[1] if len(dates) == 2 else date_from
for param, value in (("town", town), ("kind", kind), ("status", status), ("batch", batch), ("q", search)):
    ui.to_url(param, value)
ui.to_url("dates", tuple(d for d in (date_from, date_to) if d), dump=lambda ds: "~".join(d.isoformat() for d in ds))

units_in_view = places.get_column("units").sum()
if units_in_view > ui.EXPLORE_UNITS_MAX and not (town or search):
    # a country's millions of units, unfiltered, are no table to read and cost seconds to order: narrow first
    st.info(ui.t("explorer_narrow", n=units_in_view), icon="ℹ️")
    ui.sample_note()
    st.stop()

filters_set = dict(
    town=town, kind=kind, status=status, batch=batch, search=search, date_from=date_from, date_to=date_to
)
# the table shows the first rows only: a whole country's units would not fit a browser; downloads hold every row.
# Without a status, batch or date filter the first rows are picked by place before any status is looked up
# (find_units: a name over a country's 5M units matches ~400,000); those filters need every match's status.
by_status = any(v is not None for v in (status, batch, date_from, date_to))
if by_status:
    rows = ui.q("units", **filters_set, limit=ui.TABLE_ROWS_MAX)
else:
    rows = ui.q("find_units", town=town, kind=kind, search=search, limit=ui.TABLE_ROWS_MAX)
matching = rows.item(0, "matching") if rows.height else 0
caption = ui.t("rows_shown", n=matching)
if matching > rows.height:
    caption += ui.t("rows_first_shown", n=rows.height)
st.caption(caption)
columns = ui.UNIT_COLUMNS
shown = ui.display(rows, columns)
st.dataframe(shown, hide_index=True, column_config=ui.number_config(shown), height=520, placeholder=ui.PLACEHOLDER)

filters = [
    ctx.district,
    town,
    i18n.kind_label(kind, ctx.lang) if kind else None,
    i18n.status_label(status, ctx.lang) if status else None,
    i18n.batch_label(batch, rounds, ctx.lang) if batch else None,
    search,
    f"{date_from}~{date_to}" if date_from else None,
]
name = export.filename(ui.t("export_prefix"), filters, ui.day(ctx), ui.t("as_of_file"))
snapshot = ui.q("snapshot_info").row(0, named=True)
about = [
    (ui.t("filters_label"), "；".join(f for f in filters if f) or ui.t("no_filters")),
    (ui.t("as_of"), i18n.fmt_date(ui.day(ctx), ctx.lang)),
    (ui.t("snapshot_label"), f"{snapshot['last_ingest']:%Y-%m-%d %H:%M} · {snapshot['files']} · {snapshot['units']:,}"),
    (ui.t("rows_label"), f"{matching:,}"),
]
# made when clicked, outside this script run: everything they need is bound now
every_row = partial(
    ui.all_rows, "units", {**filters_set, "as_of": ctx.as_of, "district": ctx.district}, columns, ctx.lang
)
sheets = {"sheet": ui.t("sheet_rows"), "about_sheet": ui.t("sheet_about")}
d1, d2 = st.columns(2)
d1.download_button(
    ui.t("download_csv"),
    data=lambda: export.csv_bytes(every_row()),
    file_name=name,
    mime="text/csv",
    key="ex_download",
    on_click="ignore",
)
if matching <= export.XLSX_MAX_ROWS:
    d2.download_button(
        ui.t("download_xlsx"),
        data=lambda: export.xlsx_bytes(every_row(), about, **sheets),
        file_name=name.removesuffix(".csv") + ".xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="ex_download_xlsx",
        on_click="ignore",
    )
else:
    d2.caption(ui.t("xlsx_too_many", n=export.XLSX_MAX_ROWS))
ui.sample_note()
