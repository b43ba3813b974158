"""Streamlit's upload endpoint against a real server: closed to sessions that have not logged in (issue 16).

The password hides the data page's uploader, but ``PUT /_stcore/upload_file/<session>/<file>`` is
Streamlit's and took a file for any live session. A browser opens the dashboard (its session id read off
the websocket), then a plain socket plays the attacker: an XSRF token of its own (the check only compares
header and cookie), a 25 MB Content-Length, and no body sent. The refusal has to come before the body:
the server answers while waiting for bytes it was promised. Once the same session has logged in, a PUT
is taken, and the page's own uploader works.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.intake.ingest import ingest
from campaign.intake.reader import status_files
from tests.support import ROOT
from tests.support.browser import require_chromium
from tests.support.processes import free_port, stop
from tests.support.servers import nginx_binary, require, running_nginx, wait_started

pytestmark = pytest.mark.browser

PASSWORD = "上传口令-2022"


@contextlib.contextmanager
def server(folder: Path, how: str) -> Iterator[int]:
    db = folder / "data" / "campaign.duckdb"
    if not db.exists():
        ingest(status_files(ROOT / "data" / "sample"), db, who="sample")
    port = free_port()
    env = {**os.environ, "CAMPAIGN_DB": str(db), "CAMPAIGN_ADMIN_PASSWORD": PASSWORD}
    if how == "serve":
        command = [sys.executable, "-m", "campaign", "serve", "--port", str(port), "--health-port", "0"]
    else:
        command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
        command += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    log = folder / f"server-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_started(proc, port, log)
        yield port
    finally:
        stop(proc)


def session_ids(page) -> list[str]:
    """Collect the ids the server gives this page's sessions (the new_session messages on the websocket)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    found: list[str] = []

    def frame(payload) -> None:
        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:
            return
        if msg.WhichOneof("type") == "new_session" and msg.new_session.initialize.session_id not in found:
            found.append(msg.new_session.initialize.session_id)

    page.on("websocket", lambda ws: ws.on("framereceived", frame))
    return found


def put(port: int, session_id: str, body: bytes | None, promised: int | None = None, cookie: str = "") -> int:
    """A PUT to the upload endpoint on a raw socket: with ``body`` None, only headers promising ``promised``
    bytes are sent, and the status line must come back anyway."""
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    token = generate_xsrf_token_string()  # made up: the check only compares the header with the cookie
    boundary = "campaignboundary"
    if body is not None:
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + body
            + f"\r\n--{boundary}--\r\n".encode()
        )
    length = len(body) if body is not None else promised
    head = (
        f"PUT /_stcore/upload_file/{session_id}/file-1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n"
        f"X-Xsrftoken: {token}\r\nCookie: _streamlit_xsrf={token}{cookie}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(head + (body or b""))
        try:
            status = sock.recv(64).split(b" ")
        except TimeoutError:
            return 0  # no answer: the server is waiting for the body
    return int(status[1])


@pytest.mark.parametrize("how", ["serve", "streamlit-run"])
def test_anonymous_upload_is_refused_before_its_body_and_a_logged_in_one_is_taken(browser, tmp_path, how):
    require_chromium()
    with server(tmp_path, how) as port:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            ids = session_ids(page)
            page.goto(f"http://127.0.0.1:{port}/data")
            page.locator('input[type="password"]').wait_for()
            assert len(ids) == 1, ids
            session = ids[0]

            # not logged in: refused at once, 25 MB promised and none of it sent
            assert put(port, session, None, promised=25 * 2**20) == 403
            assert put(port, session, b"a,b\n1,2\n") == 403
            page.locator('input[type="password"]').fill("wrong-guess-1")
            page.keyboard.press("Enter")
            page.get_by_text("密码不正确。").wait_for()
            assert put(port, session, b"a,b\n1,2\n") == 403

            page.locator('input[type="password"]').fill(PASSWORD)
            page.keyboard.press("Enter")
            uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
            uploader.wait_for(state="attached")
            assert put(port, session, b"a,b\n1,2\n") == 204
            bad = tmp_path / "bad.csv"
            bad.write_text("区,名称,批次,公布日期\n闵行区,乙苑,第二批,2022/13/5\n", "utf-8")
            uploader.set_input_files([str(bad)])  # the page's own uploader, through the same endpoint
            page.get_by_text("文件未通过校验，未载入任何数据").wait_for()

            # a second browser session, never logged in, is still refused
            other = context.new_page()
            other_ids = session_ids(other)
            other.goto(f"http://127.0.0.1:{port}/data")
            other.locator('input[type="password"]').wait_for()
            assert other_ids and other_ids[0] != session
            assert put(port, other_ids[0], None, promised=25 * 2**20) == 403
        finally:
            context.close()


def test_behind_the_shipped_nginx_the_refusal_comes_before_the_body_too(browser, tmp_path):
    """nginx buffers a request's body before passing it on, unless told not to: the shipped config passes
    uploads on as they arrive, so the dashboard's 403 reaches an anonymous uploader before it sends a byte."""
    require_chromium()
    require("nginx", nginx_binary() is not None, "apt-get install -y nginx")
    with server(tmp_path, "serve") as port, running_nginx(tmp_path, [port]) as url:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            ids = session_ids(page)
            page.goto(url + "/data")
            page.locator('input[type="password"]').wait_for()
            route = next(c["value"] for c in context.cookies() if c["name"] == "campaign_route")
            listen = int(url.rsplit(":", 1)[1])
            assert put(listen, ids[0], None, promised=25 * 2**20, cookie=f"; campaign_route={route}") == 403
            page.locator('input[type="password"]').fill(PASSWORD)
            page.keyboard.press("Enter")
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.wait_for(state="attached")
            assert put(listen, ids[0], b"a,b\n1,2\n", cookie=f"; campaign_route={route}") == 204
        finally:
            context.close()
