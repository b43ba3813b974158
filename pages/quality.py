"""数据质量 Data quality: checks shown to users, each with the offending rows one click away."""

import datetime as dt

import streamlit as st

from campaign import export, ui

ctx = ui.context()
ui.page_header("quality_title")
st.caption(ui.t("quality_caption"))

targets = ui.q("targets_check")
notices = ui.q("dq_batch_counts")
marks = ui.q("list_marks")  # lists with 整建制 marks, cumulative lists
whole_marks = marks.filter(marks["lists_with_marks"] > 0)
cumulative_lists = marks.filter(marks["cumulative_lists"] > 0)
# before the first list every roster unit is "never listed": a country's millions, fetched only when downloaded
never_listed, never_listed_total, every_never_listed = ui.first_rows("dq_never_listed")
totals = {"check_never_listed": (never_listed_total, every_never_listed)}
checks = [
    ("check_targets", targets, targets.filter(targets["roster"] != targets["target"])),
    ("check_batch_counts", notices, notices.filter(notices["published_count"] != notices["listed_count"])),
    ("check_created_twice", None, ui.q("dq_created_twice")),
    ("check_cumulative_fell", cumulative_lists, ui.q("dq_cumulative_fell")),
    ("check_whole_claim_missing", whole_marks, ui.q("dq_whole_claim_missing")),
    ("check_whole_claim_denied", whole_marks, ui.q("dq_whole_claim_denied")),
    ("check_never_listed", None, never_listed),
    ("check_grid_households", None, ui.q("dq_grid_households")),
]
notes = {"check_cumulative_fell": "check_cumulative_note"}
for key, loaded, found in checks:
    name = ui.t(key)
    if loaded is not None and loaded.is_empty():
        st.info(f"{name} {ui.t('check_none_loaded')}", icon="➖")
        continue
    if found.is_empty():
        st.success(ui.t("check_ok", name=name), icon="✅")
        continue
    total, every_row = totals.get(key, (found.height, lambda found=found: found))
    found = found.drop("matching", strict=False)
    st.warning(ui.t("check_bad", name=name, n=total), icon="⚠️")
    with st.expander(name):
        if key in notes:
            st.caption(ui.t(notes[key]))
        st.dataframe(found.head(ui.TABLE_ROWS_MAX), hide_index=True)
        if total > ui.TABLE_ROWS_MAX:
            st.caption(ui.t("rows_shown", n=total) + ui.t("rows_first_shown", n=ui.TABLE_ROWS_MAX))
        st.download_button(
            ui.t("download_csv"),
            # made when clicked, from every row
            data=lambda every_row=every_row: export.csv_bytes(every_row().drop("matching", strict=False)),
            file_name=export.filename(name, [ctx.district], ui.day(ctx) or dt.date.today(), ui.t("as_of_file")),
            mime="text/csv",
            key=f"dq_{key}",
            on_click="ignore",
        )
ui.sample_note()
