"""数据质量 Data quality: checks shown to users, each with the offending rows one click away."""

import datetime as dt
import functools
from pathlib import Path

import polars as pl
import streamlit as st

from campaign import i18n
from campaign.answers import queries
from campaign.app import ui
from campaign.outputs import export
from campaign.snapshot import store

NEVER_LISTED = "check_never_listed"
EVERY_KIND = ("check_targets", "check_batch_counts")  # their rows of no kind are an official total of every kind


def labelled(frame: pl.DataFrame, columns: dict[str, str], lang: str, every_kind: bool) -> pl.DataFrame:
    out = ui.display(frame, columns, lang)
    if every_kind and "kind" in columns:
        out = out.with_columns(pl.col(i18n.t("kind", lang)).fill_null(i18n.t("all_kinds", lang)))
    return out


# The checks depend only on the snapshot and the filters, and are shared by every session: nine queries
# once a publish for each district and day looked at, not on every rerun. An entry is small for a district,
# a whole country's is bounded by never-listed's first 10,000 rows.
@st.cache_data(max_entries=256, show_spinner=False)
def findings(
    shown: store.Published, district: str | None, as_of: dt.date | None, limit: int
) -> dict[str, tuple[pl.DataFrame, int] | None]:
    """Each check's rows and how many there are, in the page's order; None for a check of data not loaded."""
    db = Path(shown.path)

    def run(name: str, **extra: object) -> pl.DataFrame:
        return queries.run(name, db=db, **ui.with_shared(name, extra, as_of, district))

    targets = run("targets_check")
    notices = run("dq_batch_counts")
    marks = run("list_marks")  # lists with 整建制 marks, cumulative lists
    whole_marks = marks.filter(marks["lists_with_marks"] > 0)
    cumulative_lists = marks.filter(marks["cumulative_lists"] > 0)
    # (what the check needs loaded, or None; its query): a check of data not loaded asks nothing
    checks = {
        "check_targets": (targets, lambda: targets.filter(targets["roster"] != targets["target"])),
        "check_batch_counts": (
            notices,
            lambda: notices.filter(notices["published_count"] != notices["listed_count"]),
        ),
        "check_created_twice": (None, lambda: run("dq_created_twice")),
        "check_model_no_creation": (None, lambda: run("dq_model_no_creation")),
        "check_revoked_not_created": (None, lambda: run("dq_revoked_not_created")),
        "check_cumulative_fell": (cumulative_lists, lambda: run("dq_cumulative_fell")),
        "check_whole_claim_missing": (whole_marks, lambda: run("dq_whole_claim_missing")),
        "check_whole_claim_denied": (whole_marks, lambda: run("dq_whole_claim_denied")),
        # before the first list every roster unit is "never listed": a country's millions, the first rows only
        NEVER_LISTED: (None, lambda: run("dq_never_listed", limit=limit)),
        "check_grid_households": (None, lambda: run("dq_grid_households")),
    }
    out: dict[str, tuple[pl.DataFrame, int] | None] = {}
    for key, (loaded, find) in checks.items():
        if loaded is not None and loaded.is_empty():
            out[key] = None
            continue
        found = find()
        total = (found.item(0, "matching") if found.height else 0) if key == NEVER_LISTED else found.height
        out[key] = (found.drop("matching", strict=False), total)
    return out


ctx = ui.context()
ui.page_header("quality_title")
st.caption(ui.t("quality_caption"))

checks = findings(ui.published(), ctx.district, ctx.as_of, ui.TABLE_ROWS_MAX)
notes = {
    "check_cumulative_fell": "check_cumulative_note",
    "check_model_no_creation": "check_model_no_creation_note",
    "check_revoked_not_created": "check_revoked_not_created_note",
}
for key, result in checks.items():
    name = ui.t(key)
    if result is None:
        st.info(f"{name} {ui.t('check_none_loaded')}", icon="➖")
        continue
    found, total = result
    if found.is_empty():
        st.success(ui.t("check_ok", name=name), icon="✅")
        continue
    # headers, kinds and statuses in the page's language, in the table and the download alike
    columns = {c: c if c in i18n.TEXT else f"col_{c}" for c in found.columns}
    if key == NEVER_LISTED:  # only its first rows are held: every row is fetched when downloaded
        every_row = functools.partial(
            ui.all_rows, "dq_never_listed", {"district": ctx.district, "as_of": ctx.as_of}, columns, ctx.lang
        )
    else:
        every_row = functools.partial(labelled, found, columns, ctx.lang, key in EVERY_KIND)
    st.warning(ui.t("check_bad", name=name, n=total), icon="⚠️")
    with st.expander(name):
        if key in notes:
            st.caption(ui.t(notes[key]))
        shown = labelled(found.head(ui.TABLE_ROWS_MAX), columns, ctx.lang, key in EVERY_KIND)
        st.dataframe(shown, hide_index=True, column_config=ui.number_config(shown), placeholder=ui.PLACEHOLDER)
        if total > ui.TABLE_ROWS_MAX:
            st.caption(ui.t("rows_shown", n=total) + ui.t("rows_first_shown", n=ui.TABLE_ROWS_MAX))
        st.download_button(
            ui.t("download_csv"),
            # made when clicked, from every row
            data=lambda every_row=every_row: export.csv_bytes(every_row()),
            file_name=export.filename(name, [ctx.district], ui.day(ctx) or dt.date.today(), ui.t("as_of_file")),
            mime="text/csv",
            key=f"dq_{key}",
            on_click="ignore",
        )
ui.sample_note()
