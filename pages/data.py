"""数据 Data: upload status files (preview, then confirm), the validation report, ingest history, templates."""

import datetime as dt
import hashlib

import polars as pl
import streamlit as st

from campaign import text
from campaign.app import access, login, ui
from campaign.intake import uploads
from campaign.intake.ingest import Defaults, ingest
from campaign.intake.problems import IngestRefused
from campaign.outputs import export
from campaign.snapshot import store

ctx = ui.context()
st.title(ui.t("data_title"))

info = ui.q("snapshot_info").row(0, named=True)
last = info["last_ingest"].strftime("%Y-%m-%d %H:%M") if info["last_ingest"] else "—"
st.caption(ui.t("data_now", units=info["units"], events=info["events"], files=info["files"], last=last))

# --- upload: administrators only ---------------------------------------------------------------------
st.header(ui.t("upload_title"))
try:
    secrets = st.secrets
except Exception:  # no secrets file: the environment variable is the other way to set the password
    secrets = None
expected = uploads.admin_password(secrets)
if expected is None:
    st.info(ui.t("upload_short" if uploads.password_too_short(secrets) else "upload_off"), icon="🔒")
    admin = False
else:
    st.text_input(ui.t("col_who"), key="data_who", max_chars=40)
    given = st.text_input(ui.t("password"), type="password", key="data_password")
    admin = False
    if given:
        # each new guess is checked once (a rerun keeps the field's value), and only when no wait is due
        tried = hashlib.sha256(f"{given}\0{expected}".encode()).hexdigest()
        seen, done = st.session_state.get("data_login", (None, None))
        if seen != tried:
            done = None
        if done is None:
            done = login.attempt(
                given,
                expected,
                access.current_session() or "",
                who=st.session_state.get("data_who") or None,
                address=st.context.ip_address,
                db=store.default_db(),
            )
            if done.outcome != "locked":
                st.session_state["data_login"] = (tried, done)
        admin = done.admin
        if done.outcome == "locked":
            st.error(ui.t("password_wait", s=done.wait))
        elif not admin:
            st.error(ui.t("password_wrong"))
# Streamlit's upload endpoint takes files only for a session let in here (campaign.app.access)
(access.allow if admin else access.deny)(access.current_session())

if admin:
    flash = st.session_state.pop("data_flash", None)
    if flash:
        st.success(flash)
    # a new key after each load empties the uploader, so a loaded file is not offered again
    upload_round = st.session_state.setdefault("data_upload_round", 0)
    files = st.file_uploader(
        ui.t("upload_files"),
        # no type list: with one, Streamlit raises before this page runs on a name holding a NUL or another
        # extension (a traceback); uploads.save_upload refuses other types with a message instead
        type=None,
        accept_multiple_files=True,
        key=f"data_files_{upload_round}",
    )
    with st.expander(ui.t("upload_options")):
        c1, c2, c3, c4 = st.columns(4)
        opt_district = c1.text_input(ui.t("opt_district"), key="data_opt_district").strip() or None
        opt_batch = c2.number_input(ui.t("opt_batch"), min_value=1, step=1, value=None, key="data_opt_batch")
        opt_rounds = c3.checkbox(ui.t("opt_rounds"), key="data_opt_rounds")
        opt_cumulative = c3.checkbox(
            ui.t("opt_cumulative"), help=ui.t("opt_cumulative_help"), key="data_opt_cumulative"
        )
        # Streamlit draws the empty field's yyyy-mm-dd and the picker's screen-reader words in English, with no
        # option for another language: the help says it in the reader's
        opt_date = c4.date_input(
            ui.t("opt_date"),
            value=None,
            max_value=dt.date.today(),
            format="YYYY-MM-DD",
            help=ui.t("date_input_help"),
            key="data_opt_date",
        )
        opt_kind = c1.selectbox(
            ui.t("opt_kind"),
            [None, *(k.key for k in ui.i18n.definition().kinds)],  # the chosen campaign's kinds
            format_func=lambda k: ui.t("opt_kind_none") if k is None else ui.t(f"kind_{k}"),
            key="data_opt_kind",
        )
    defaults = Defaults(
        opt_district, int(opt_batch) if opt_batch else None, opt_rounds, opt_date, opt_cumulative, opt_kind
    )

    saved, refused_uploads = [], []
    for upload in files or []:
        kept = uploads.save_upload(upload.name, upload.getvalue(), uploads.uploads_folder())
        (saved if isinstance(kept, uploads.SavedUpload) else refused_uploads).append(kept)

    def run_ingest(dry_run: bool):
        # the steps as they happen (reading, checking, matching, publishing): a country's files take minutes
        with st.status(ui.t("step_start"), expanded=False) as status:

            def tell(step: str, done: int, total: int, rows: int) -> None:
                status.update(label=ui.t(f"step_{step}", done=done, total=total, rows=f"{rows:,}"))

            result = ingest(
                [s.path for s in saved],
                names=[s.name for s in saved],
                defaults=defaults,
                dry_run=dry_run,
                who=st.session_state.get("data_who") or None,
                progress=tell,
            )
            status.update(label=ui.t("step_checked" if dry_run else "step_done"), state="complete")
        return result

    if files:
        problems = list(refused_uploads)
        report = None
        if not problems:
            try:
                report = run_ingest(dry_run=True)
            except IngestRefused as refused:
                problems = refused.problems
        if problems:
            st.error(ui.t("refused", n=len(problems)))
            frame = uploads.problems_frame(problems)
            ui.text_table(frame)
            st.download_button(
                ui.t("download_report"),
                data=export.csv_bytes(frame),
                file_name=export.filename("校验报告_validation-report", [], dt.date.today(), ""),
                mime="text/csv",
                key="data_report",
                on_click="ignore",
            )
        elif report is not None:
            st.subheader(ui.t("preview_title"))
            ui.text_table(
                pl.DataFrame(
                    [(f.name, ui.i18n.role_label(f.role, ctx.lang), f.rows, f.note) for f in report.files],
                    schema=[ui.t("col_file"), ui.t("col_role"), ui.t("col_rows"), ui.t("col_note")],
                    orient="row",
                )
            )
            if report.by_district:
                changes = pl.DataFrame(report.by_district).rename(
                    {
                        "district": ui.t("district"),
                        "units_added": ui.t("col_units_added"),
                        "created": ui.t("created"),
                        "revoked": ui.t("revoked"),
                        "model": ui.t("model"),
                        "applied": ui.t("applied"),
                    }
                )
                ui.text_table(changes)
            if report.implied:
                st.warning(ui.t("preview_implied", n=report.implied), icon="⚠️")
            if report.warnings:
                # what the data-quality page will flag once published: the official confirms knowingly, or not
                st.warning(ui.t("preview_warnings", n=len(report.warnings)), icon="⚠️")
                st.dataframe(uploads.problems_frame(report.warnings), hide_index=True, placeholder=ui.PLACEHOLDER)
            if report.grids_loaded or report.services_loaded:
                st.caption(ui.t("preview_grids_services", grids=report.grids_loaded, services=report.services_loaded))
            if not report.changed:
                st.info(ui.t("preview_nothing"))
            elif st.button(ui.t("confirm"), type="primary", key="data_confirm"):
                try:
                    done = run_ingest(dry_run=False)
                except IngestRefused as refused:  # the data changed between preview and confirm
                    st.error(ui.t("refused", n=len(refused.problems)))
                    ui.text_table(uploads.problems_frame(refused.problems))
                else:
                    st.session_state["data_flash"] = ui.t("loaded", units=done.units_added, events=done.events_added)
                    st.session_state["data_upload_round"] = upload_round + 1
                    st.rerun()

# --- history and rollback --------------------------------------------------------------------------
st.header(ui.t("history_title"))
ui.table(
    ui.q("ingests"),
    {
        "ingest_id": "col_ingest",
        "loaded_at": "col_loaded_at",
        "who": "col_who",
        "files": "col_files",
        "rows": "col_rows",
        "outcome": "col_outcome",
        "file_names": "col_file",
    },
)

kept = store.snapshots(store.default_db())
if kept:
    st.subheader(ui.t("snapshots_title"))
    st.dataframe(
        pl.DataFrame(
            [
                (s.id, s.kept_at.astimezone().strftime("%Y-%m-%d %H:%M"), s.last_ingest_id, s.units, s.events, s.files)
                for s in kept
            ],
            schema=[
                ui.t("rollback_choose"),
                ui.t("col_loaded_at"),
                ui.t("col_ingest"),
                ui.t("units"),
                ui.t("col_events"),
                ui.t("col_files"),
            ],
            orient="row",
        ),
        hide_index=True,
        placeholder=ui.PLACEHOLDER,
    )
    if admin:
        choice = st.selectbox(
            ui.t("rollback_choose"), [s.id for s in kept], index=None, placeholder=ui.t("choose"), key="data_snap"
        )
        if choice and st.button(ui.t("rollback"), key="data_rollback"):
            store.rollback(store.default_db(), choice, who=st.session_state.get("data_who") or "dashboard")
            st.session_state["data_flash"] = ui.t("rolled_back", id=choice)
            st.rerun()

# --- templates -------------------------------------------------------------------------------------
st.header(ui.t("templates_title"))
st.caption(ui.t("templates_caption"))
cols = st.columns(3)  # three a row: the names are long
for i, name in enumerate(uploads.TEMPLATES):
    cols[i % 3].download_button(
        name, data=export.template_bytes(name), file_name=name, mime="text/csv", key=f"tpl_{name}", on_click="ignore"
    )

# --- town boundaries for the overview's map (administrators upload; everyone sees the map) ---------
st.header(ui.t("boundaries_title"))
st.caption(ui.t("boundaries_caption"))
if admin:
    from campaign.app import townmap

    target = townmap.boundaries_path(store.default_db())
    geojson = st.file_uploader("GeoJSON", type=["geojson", "json"], key="data_boundaries")
    if geojson is not None:
        try:
            found = townmap.parse_boundaries(geojson.getvalue())
        except ValueError as error:
            st.error(ui.t("boundaries_bad", why=text.markdown(error)))
        else:
            target.write_bytes(geojson.getvalue())
            st.success(ui.t("boundaries_saved", n=len(found)))
    if target.exists() and st.button(ui.t("boundaries_remove"), key="data_boundaries_remove"):
        target.unlink(missing_ok=True)
        st.rerun()
ui.sample_note()
