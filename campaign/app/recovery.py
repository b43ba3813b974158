"""Pages over a damaged published snapshot: a calm notice, never a traceback or a server path.

The shared reader checks each newly published file (campaign.snapshot.store.Reader); when it cannot be read, the
pages show the newest kept snapshot that can, saying so, and the data page offers the rollback. With
nothing readable at all, every page says what an administrator does instead.
"""

from __future__ import annotations

import logging

import streamlit as st

from campaign.app import ui
from campaign.snapshot import connect, store

log = logging.getLogger(__name__)


def notice() -> str:
    """``fine``; or, with a notice drawn, ``fallback`` (a kept snapshot is shown) or ``unreadable`` (nothing is)."""
    db = store.default_db()
    if not db.exists():
        return "fine"  # the first start builds it
    serving = store.serving(db)
    if serving.damaged is None:
        return "fine"
    if serving.path is None:
        st.error(ui.t("damaged_none"), icon="⚠️")
        return "unreadable"
    at = serving.kept_at.astimezone().strftime("%Y-%m-%d %H:%M") if serving.kept_at else "—"
    st.warning(ui.t("damaged_fallback", id=serving.snapshot_id, at=at), icon="⚠️")
    return "fallback"


def failed(error: Exception) -> None:
    """A page stopped on a read error: log it whole for the operator, show the viewer a calm notice, and set
    a file damaged inside aside so that the next run shows a kept snapshot."""
    log.error("页面读取数据出错 (a page could not read the data)", exc_info=error)
    text = " ".join(str(error).split())
    # a block that fails its checksum is damage for good; any other error (a file cut short, a network
    # file system's hiccup) has the file checked again, and set aside only when the check fails
    store.distrust(store.default_db(), text[:300] if connect.corrupt(error) else None)
    st.error(ui.t("damaged_query"), icon="⚠️")
