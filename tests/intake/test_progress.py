"""A long ingest says how far it has come: steps in order, files done of all, rows; the CLI's printer."""

from __future__ import annotations

import io
from pathlib import Path

from campaign.intake.ingest import ingest
from campaign.intake.progress import Printer

ROSTER = "区,街镇,居委,小区名称,类型\n丙区,A镇,一居委,甲苑,小区\n"
LIST = "区,街镇,居委,小区名称,批次,公布日期\n丙区,A镇,一居委,甲苑,1,2022-05-10\n"


def _files(tmp_path: Path) -> list[Path]:
    (tmp_path / "名册.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "名单.csv").write_text(LIST, encoding="utf-8")
    return [tmp_path / "名册.csv", tmp_path / "名单.csv"]


def test_an_ingest_tells_its_steps_files_and_rows(tmp_path: Path) -> None:
    told: list[tuple[str, int, int, int]] = []
    ingest(_files(tmp_path), tmp_path / "c.duckdb", progress=lambda *step: told.append(step))
    assert [t[0] for t in told] == ["read", "read", "check", "match", "publish"]
    assert told[1] == ("read", 2, 2, 2) and told[-1] == ("publish", 2, 2, 2)
    told.clear()
    ingest(_files(tmp_path), tmp_path / "d.duckdb", progress=lambda *step: told.append(step), dry_run=True)
    assert "publish" not in [t[0] for t in told], "a preview publishes nothing and does not say it does"


def test_the_printer_writes_plain_lines_off_a_terminal(tmp_path: Path) -> None:
    out = io.StringIO()
    ingest(_files(tmp_path), tmp_path / "c.duckdb", progress=Printer(out))
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("读取文件 1/2 个文件，1 行") and "~" in lines[0]  # time left while reading
    assert any(line.startswith("发布 2/2 个文件，2 行") for line in lines)
    assert "\r" not in out.getvalue()


def test_an_upload_on_the_data_page_shows_its_steps(tmp_path: Path, monkeypatch, app_mode) -> None:
    """The upload's status box is told each step as it happens; after the preview it says checked, after the
    confirm published."""
    import campaign.intake.ingest as ingest_module
    from campaign import i18n
    from tests.support.apptest import Upload, data_page_with
    from tests.support.files import ONE_UNIT, write_tiny

    steps: list[str] = []
    real = ingest_module.ingest

    def watched(*args, progress=None, **kwargs):
        def tell(step, done, total, rows):
            steps.append(step)
            progress(step, done, total, rows)

        return real(*args, progress=tell, **kwargs)

    monkeypatch.setattr(ingest_module, "ingest", watched)  # the page imports it on every run
    real(write_tiny(tmp_path / "files"), tmp_path / "c.duckdb")
    at = data_page_with(tmp_path, monkeypatch, [Upload("丙区名册.csv", ONE_UNIT.encode())])
    assert not at.exception, at.exception
    assert steps[:2] == ["read", "check"] and "publish" not in steps
    assert [s.label for s in at.status] == [i18n.t("step_checked", "zh")]
    at.button(key="data_confirm").click().run()
    assert "publish" in steps
