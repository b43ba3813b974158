"""The dashboard's frame: page config, shared filters, navigation. Pages live in pages/."""

import streamlit as st

from campaign.app import access, campaigns, pages_folder, recovery, ui
from campaign.snapshot import connect, store

access.install()  # Streamlit's upload endpoint: only sessions logged in on the data page (campaign/app/access.py)

pages_folder.leave()  # the pages/ folder beside this file puts Streamlit in its old mode: left here, before any widget

campaigns.choose()  # ?campaign=: the snapshot, the words and the sample below are the chosen campaign's

st.set_page_config(page_title=f"{ui.i18n.t('app_title')} · Campaign progress", page_icon="🏘️", layout="wide")

# a published snapshot that cannot be read: a notice, and the newest kept one that can (campaign/app/recovery.py);
# nothing is upgraded or topped up from a damaged file
shown = recovery.notice()
if shown == "unreadable":
    st.stop()
if shown == "fine" and not ui.ensure_database():
    st.error(ui.t("no_db"))
    st.stop()

# The overview is served at / (as the default page); /overview, a path people type, switches to it rather than
# meet Streamlit's "Page not found". The alias takes the path, so the default page's own path is another one.
overview = st.Page("pages/overview.py", title=ui.t("page_overview"), icon="📊", url_path="home", default=True)


def overview_alias() -> None:
    st.switch_page(overview, query_params=st.query_params.to_dict())


pages = [
    overview,
    st.Page("pages/progress.py", title=ui.t("page_progress"), icon="📈", url_path="progress"),
    st.Page("pages/towns.py", title=ui.t("page_towns"), icon="🏙️", url_path="towns"),
    st.Page("pages/grids.py", title=ui.t("page_grids"), icon="🧩", url_path="grids"),
    st.Page("pages/services.py", title=ui.t("page_services"), icon="🤝", url_path="services"),
    st.Page("pages/changes.py", title=ui.t("page_changes"), icon="🔁", url_path="changes"),
    st.Page("pages/forecast.py", title=ui.t("page_forecast"), icon="🗓️", url_path="forecast"),
    st.Page("pages/quality.py", title=ui.t("page_quality"), icon="🩺", url_path="quality"),
    st.Page("pages/explorer.py", title=ui.t("page_explorer"), icon="🔎", url_path="explorer"),
    st.Page("pages/find.py", title=ui.t("page_find"), icon="🧭", url_path="find"),
    st.Page("pages/data.py", title=ui.t("page_data"), icon="🗂️", url_path="data"),
    st.Page("pages/screen.py", title=ui.t("page_screen"), icon="🖥️", url_path="screen"),
    st.Page(overview_alias, title=ui.t("page_overview"), url_path="overview", visibility="hidden"),
]
page = st.navigation(pages, position="sidebar")
# The command-centre screen is configured by its URL alone and hides all chrome (pages/screen.py).
# Widgets drawn here, before page.run(), keep the same ids on every page.
try:
    if page.url_path != "screen":
        campaigns.chooser()
        ui.sidebar_context()
    page.run()
except (*connect.ERRORS, store.Unreadable) as error:  # a damaged snapshot: a notice, never a traceback
    recovery.failed(error)
