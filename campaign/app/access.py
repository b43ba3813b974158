"""Who may upload: Streamlit's upload endpoint, closed to sessions that have not logged in.

The administrator password only hides the data page's file uploader; Streamlit's own endpoint
(``PUT /_stcore/upload_file/<session>/<file>``) takes a file for any live session, logged in or not, and
keeps it in memory. ``install`` makes it refuse (403) a session the data page has not let in, before the
request's body is read, and makes the upload store drop a file of such a session should a later Streamlit
reach it another way.

The data page calls ``allow`` for its session when the right password was given and ``deny`` otherwise.
``install`` runs before the server starts under ``campaign serve`` and on every run of dashboard.py (the
only hook ``streamlit run`` offers; until a first page view there is nothing installed, so serve the
dashboard with ``campaign serve``, as the service and the container do).
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

_allowed: set[str] = set()
_lock = threading.Lock()
_installed = False


def allow(session_id: str | None) -> None:
    if session_id:
        with _lock:
            _allowed.add(session_id)


def deny(session_id: str | None) -> None:
    with _lock:
        _allowed.discard(session_id or "")


def allowed(session_id: str) -> bool:
    with _lock:
        return session_id in _allowed


def current_session() -> str | None:
    """The id of the session this script run belongs to (None outside a run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def install() -> bool:
    """Close the upload endpoint to sessions not let in; True when installed by this call (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return False
        _installed = True
    from starlette.exceptions import HTTPException
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.runtime import Runtime

    active = Runtime.is_active_session
    add_file = MemoryUploadedFileManager.add_file

    # the upload route asks this first, before it reads a byte of the body; nothing else in Streamlit does
    def is_active_session(self, session_id: str) -> bool:
        if not active(self, session_id):
            return False
        if not allowed(session_id):
            log.warning("拒绝未登录会话的上传 (upload refused: session not logged in as administrator)")
            raise HTTPException(status_code=403, detail="log in on the data page to upload")
        return True

    def guarded_add_file(self, session_id: str, file) -> None:
        if not allowed(session_id):
            log.warning("丢弃未登录会话的上传 (upload dropped: session not logged in as administrator)")
            raise HTTPException(status_code=403, detail="log in on the data page to upload")
        add_file(self, session_id, file)

    Runtime.is_active_session = is_active_session
    MemoryUploadedFileManager.add_file = guarded_add_file
    return True
