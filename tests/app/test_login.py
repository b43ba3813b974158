"""The administrator password: a minimum length wherever it is read, guesses slowed down and locked out,
every login attempt in the ingest log (issue 16, item 5)."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from campaign.app import login
from campaign.intake import uploads
from tests.support.apptest import opened

PASSWORD = "correct-horse-口令"


@pytest.fixture(autouse=True)
def fresh_counts():
    for throttle in (login.PER_SESSION, login.EVERYONE):
        throttle._failures.clear()
    yield
    for throttle in (login.PER_SESSION, login.EVERYONE):
        throttle._failures.clear()


def log_lines(db) -> list[dict]:
    path = db.with_name(login.LOG_NAME)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    return [line for line in lines if line.get("event") == "login"]


def test_a_short_password_opens_nothing(monkeypatch) -> None:
    monkeypatch.setenv(uploads.PASSWORD_ENV, "1")
    assert uploads.admin_password() is None and uploads.password_too_short()
    assert not uploads.password_ok("1", "1")
    monkeypatch.setenv(uploads.PASSWORD_ENV, "12345678")
    assert uploads.admin_password() == "12345678" and not uploads.password_too_short()
    assert uploads.password_ok("12345678", "12345678")


def test_waits_grow_after_the_free_failures_and_stop_at_the_cap() -> None:
    throttle = login.Throttle(free=3, cap=300.0)
    now = 1000.0
    for _ in range(3):
        assert throttle.wait("s", now) == 0
        throttle.failed("s", now)
    assert throttle.wait("s", now) == 1.0
    throttle.failed("s", now)
    assert throttle.wait("s", now) == 2.0 and throttle.wait("s", now + 2.0) == 0
    for _ in range(20):
        throttle.failed("s", now)
    assert throttle.wait("s", now) == 300.0  # locked, not longer
    assert throttle.wait("other", now) == 0  # per key
    assert throttle.wait("s", now + login.WINDOW + 1) == 0  # forgotten after the window
    throttle.failed("s", now)
    throttle.clear("s")
    assert throttle.wait("s", now) == 0


def test_guesses_from_many_sessions_lock_everyone_out(tmp_path) -> None:
    db = tmp_path / "campaign.duckdb"
    now = 5000.0
    for i in range(login.EVERYONE.free):
        assert login.attempt("guess", PASSWORD, f"session-{i}", db=db, now=now).outcome == "wrong password"
    # a fresh session, the right password: not even checked while everyone waits
    done = login.attempt(PASSWORD, PASSWORD, "fresh", db=db, now=now)
    assert (done.admin, done.outcome, done.wait) == (False, "locked", 2)
    assert login.attempt(PASSWORD, PASSWORD, "fresh", db=db, now=now + 1.0).admin
    outcomes = [line["outcome"] for line in log_lines(db)]
    assert outcomes == ["wrong password"] * login.EVERYONE.free + ["locked", "ok"]


def test_a_session_that_guesses_waits_and_the_right_password_then_works(tmp_path) -> None:
    db = tmp_path / "campaign.duckdb"
    for _ in range(3):
        assert login.attempt("guess", PASSWORD, "s", who="张三", address="10.0.0.9", db=db, now=0.0).outcome == (
            "wrong password"
        )
    assert login.attempt(PASSWORD, PASSWORD, "s", who="张三", db=db, now=0.5).outcome == "locked"
    done = login.attempt(PASSWORD, PASSWORD, "s", who="张三", db=db, now=1.0)
    assert done.admin and done.outcome == "ok"
    assert login.PER_SESSION.wait("s", 1.0) == 0  # a success clears the session's failures
    first, *_, last = log_lines(db)
    assert first["who"] == "张三" and first["from"] == "10.0.0.9" and first["outcome"] == "wrong password"
    assert last["who"] == "张三" and last["outcome"] == "ok"
    assert PASSWORD not in db.with_name(login.LOG_NAME).read_text(encoding="utf-8")


@pytest.fixture
def data_page(sample_db, monkeypatch, app_mode):

    def open_page() -> AppTest:
        return opened(sample_db, monkeypatch, "pages/data.py")

    return open_page


def test_the_page_says_a_short_password_keeps_uploads_off(data_page, monkeypatch) -> None:
    monkeypatch.setenv(uploads.PASSWORD_ENV, "short")
    at = data_page()
    assert any("少于 8 个字符" in i.value for i in at.info)
    assert not at.get("file_uploader")
    assert not [t for t in at.text_input if t.key == "data_password"]


def test_the_page_slows_guesses_and_logs_who_logged_in(data_page, monkeypatch, sample_db) -> None:
    monkeypatch.setenv(uploads.PASSWORD_ENV, PASSWORD)
    monkeypatch.setattr(login, "PER_SESSION", login.Throttle(free=3, cap=900.0, base=600.0))  # still waiting below
    before = len(log_lines(sample_db))
    at = data_page()
    at.text_input(key="data_who").input("李四").run()
    for i in range(3):
        at.text_input(key="data_password").input(f"guess-{i}").run()
        assert [e.value for e in at.error] == ["密码不正确。"]
    at.run()  # a rerun with the same guess in the field is not another attempt
    at.text_input(key="data_password").input(PASSWORD).run()
    assert [e.value for e in at.error] == [f"密码错误次数过多，请 {int(at.error[0].value.split()[1])} 秒后再试。"]
    assert 500 < int(at.error[0].value.split()[1]) <= 601
    assert not at.get("file_uploader")
    login.PER_SESSION._failures.clear()  # the wait has passed
    at.run()
    assert not at.error and at.get("file_uploader")
    lines = log_lines(sample_db)[before:]
    assert [line["outcome"] for line in lines] == ["wrong password"] * 3 + ["locked", "ok"]
    assert {line["who"] for line in lines} == {"李四"}


def test_logins_go_to_the_ingest_log() -> None:
    from campaign.intake import ingest

    assert login.LOG_NAME == ingest.LOG_NAME
