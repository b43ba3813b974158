"""The data page (AppTest) and what it relies on: password, safe upload storage, report, templates."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from campaign.answers import queries
from campaign.intake import uploads
from campaign.intake.ingest import ingest
from campaign.intake.problems import Problem
from campaign.outputs import export
from tests.support.apptest import dashboard_app, opened
from tests.support.files import write_tiny


@pytest.fixture
def data_page(sample_db, monkeypatch, app_mode):
    monkeypatch.delenv(uploads.PASSWORD_ENV, raising=False)

    def open_page() -> AppTest:
        return opened(sample_db, monkeypatch, "pages/data.py")

    return open_page


def test_viewing_needs_no_password_and_uploads_are_off_without_one(data_page) -> None:
    at = data_page()
    assert any("上传与回滚已关闭" in i.value for i in at.info)
    assert not at.get("file_uploader")
    history = at.dataframe[0].value
    assert list(history["编号"]) == [1] and list(history["操作人"]) == ["样例数据"]  # the sample, named in words


def test_uploads_need_the_right_password(data_page, monkeypatch) -> None:
    monkeypatch.setenv(uploads.PASSWORD_ENV, "s3cret-口令")
    at = data_page()
    assert not at.get("file_uploader")
    at.text_input(key="data_password").input("wrong").run()
    assert [e.value for e in at.error] == ["密码不正确。"]
    assert not at.get("file_uploader")
    at.text_input(key="data_password").input("s3cret-口令").run()
    assert not at.error
    assert [u.key for u in at.get("file_uploader")][0] == "data_files_0"
    # the import options, for files that do not say it themselves; cumulative lists among them
    assert {"data_opt_rounds", "data_opt_cumulative"} <= {c.key for c in at.checkbox}


def test_password_comparison() -> None:
    assert uploads.password_ok("abcdefgh", "abcdefgh")
    assert not uploads.password_ok("abcdefgi", "abcdefgh")
    assert not uploads.password_ok("", "")
    assert not uploads.password_ok("abcdefgh", None)
    assert not uploads.password_ok("abc", "abc")  # shorter than the minimum: never a match


def test_uploads_are_stored_by_content_inside_the_data_folder(tmp_path) -> None:
    folder = tmp_path / "data" / "uploads"
    kept = uploads.save_upload("../../etc/passwd.csv", b"a,b\n", folder)
    assert isinstance(kept, uploads.SavedUpload)
    assert kept.path.parent == folder and kept.path.suffix == ".csv" and len(kept.path.stem) == 64
    assert kept.name == "passwd.csv"
    assert kept.path.read_bytes() == b"a,b\n"
    assert sorted(p.name for p in folder.iterdir()) == [kept.path.name]


def test_uploads_of_other_types_or_too_large_are_refused(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "uploads"
    refused = uploads.save_upload("list.exe", b"MZ", folder)
    assert isinstance(refused, Problem) and "不支持的文件类型" in refused.message
    monkeypatch.setenv(uploads.MAX_UPLOAD_MB_ENV, "0.001")
    too_big = uploads.save_upload("list.csv", b"x" * 2000, folder)
    assert isinstance(too_big, Problem) and "上限" in too_big.message
    assert not folder.exists() or not any(folder.iterdir())


def test_validation_report_has_a_row_per_problem() -> None:
    frame = uploads.problems_frame([Problem("a.csv", "不是有效日期", row=4, column="公布日期", value="2022/13/5")])
    assert frame.rows() == [("a.csv", 4, "公布日期", "2022/13/5", "不是有效日期")]


def test_templates_are_files_that_ingest_accepts(tmp_path) -> None:
    paths = []
    for name in uploads.TEMPLATES:
        path = tmp_path / name
        path.write_bytes(export.template_bytes(name))
        paths.append(path)
    db = tmp_path / "t.duckdb"
    report = ingest(paths, db)
    assert {f.role for f in report.files} == {"roster", "status", "targets", "grids", "services"}
    units = queries.run("units", db=db)
    assert units.select("name", "status", "batch").rows() == [("海皓馨苑", "revoked", None)]
    assert queries.run("targets_check", db=db).select("target", "roster").row(0) == (393, 1)
    assert queries.run("grid_places", db=db).height == 1
    assert queries.run("services_by_kind", db=db).height == 1


def test_rollback_from_the_page(tmp_path, monkeypatch, app_mode) -> None:
    db = tmp_path / "c.duckdb"
    paths = write_tiny(tmp_path / "files")
    ingest(paths[:2], db, who="甲")
    ingest(paths[2:], db, who="乙")
    monkeypatch.setenv("CAMPAIGN_DB", str(db))
    monkeypatch.setenv(uploads.PASSWORD_ENV, "pw-long-enough")
    at = dashboard_app()
    at.run()
    at.switch_page("pages/data.py").run()
    assert "乙区" in at.selectbox(key="district").options
    at.text_input(key="data_password").input("pw-long-enough").run()
    snapshot_ids = at.selectbox(key="data_snap").options
    assert len(snapshot_ids) == 1 and snapshot_ids[0].endswith("-ingest1")
    at.selectbox(key="data_snap").set_value(snapshot_ids[0]).run()
    at.button(key="data_rollback").click().run()
    assert not at.exception, at.exception
    assert any("已回滚到快照" in s.value for s in at.success)
    history = at.dataframe[0].value
    assert list(history["结果"])[0] == f"回滚到快照 {snapshot_ids[0]}"  # the recorded outcome, in words
    # the sidebar, whose figures are kept per published file, shows the snapshot rolled back to at once
    assert "乙区" not in at.selectbox(key="district").options
    assert queries.run("ingests", db=db).get_column("ingest_id").to_list() == [3, 1]
