"""Two sessions looking at the same page of the same snapshot share its answers: the second session's run asks
no query the first one asked; a publish is a new snapshot, whose answers are computed anew and shown at once."""

from __future__ import annotations

import shutil

from campaign import i18n
from campaign.answers import queries, shared
from campaign.intake.ingest import ingest
from tests.support.apptest import dashboard_app

BEFORE, AFTER = "已创建 393 / 393", "已创建 392 / 393"  # Jinshan's compounds, before and after a revocation
REVOCATION = "区,街镇,居委/村,名称,状态,公布日期\n金山区,山阳镇,海欣居民区,海皓馨苑,取消,2022-05-30\n"


def _deltas(at) -> list[str]:
    return [m.delta for m in at.metric]


def test_two_sessions_share_one_computation_and_a_publish_computes_anew(
    sample_db, tmp_path, monkeypatch, app_mode
) -> None:
    db = tmp_path / "campaign.duckdb"
    shutil.copyfile(sample_db, db)
    monkeypatch.setenv("CAMPAIGN_DB", str(db))
    monkeypatch.setattr(shared, "answers", shared.Answers())
    asked: list[str] = []
    real = queries.run
    monkeypatch.setattr(queries, "run", lambda name, /, **kw: asked.append(name) or real(name, **kw))

    first = dashboard_app()
    first.run()
    assert not first.exception, first.exception
    assert BEFORE in _deltas(first)
    assert "coverage_by_district" in asked

    asked.clear()
    second = dashboard_app()  # another browser: a session of its own
    second.run()
    assert not second.exception, second.exception
    assert BEFORE in _deltas(second)
    assert asked == []  # every answer of the overview (and the sidebar's) was the first session's

    revocation = tmp_path / "金山区_取消_新.csv"
    revocation.write_text(REVOCATION, "utf-8")
    assert ingest([revocation], db, who="test").changed

    asked.clear()
    second.run()  # the same session's next run: the new snapshot's answers, computed once
    assert not second.exception, second.exception
    assert AFTER in _deltas(second) and BEFORE not in _deltas(second)
    assert asked.count("coverage_by_district") == 1
    asked.clear()
    first.run()
    assert AFTER in _deltas(first)
    assert "coverage_by_district" not in asked


def test_two_sessions_share_a_charts_figure_and_a_publish_or_a_language_builds_anew(
    sample_db, tmp_path, monkeypatch, app_mode
) -> None:
    """The changes page's charts (ui.chart): built once for both sessions; after a publish, and in English, built
    again, showing the new rows and the other language. (Counted where each new figure is styled.)"""
    from collections import OrderedDict

    from campaign.app import ui

    db = tmp_path / "campaign.duckdb"
    shutil.copyfile(sample_db, db)
    monkeypatch.setenv("CAMPAIGN_DB", str(db))
    monkeypatch.setattr(ui, "_figures", OrderedDict())
    built: list[str] = []
    real_style = ui.style
    monkeypatch.setattr(
        ui, "style", lambda fig, *a, **k: built.append(fig.layout.xaxis.title.text) or real_style(fig, *a, **k)
    )

    def changes_page():
        at = dashboard_app()
        at.run()
        built.clear()
        at.switch_page("pages/changes.py").run()
        assert not at.exception, at.exception
        return at

    def specs(at) -> list[str]:
        return [c.proto.spec for c in at.get("plotly_chart")]

    first = changes_page()
    assert built and set(built) == {i18n.t("date_axis", "zh")}  # one chart a district, Chinese axis titles
    charts = len(built)
    second = changes_page()
    assert built == []  # the first session's figures
    assert specs(second) == specs(first) and len(specs(second)) == charts

    revocation = tmp_path / "金山区_取消_新.csv"
    revocation.write_text(REVOCATION.replace("2022-05-30", "2022-06-30"), "utf-8")
    assert ingest([revocation], db, who="test").changed
    second.run()
    assert not second.exception, second.exception
    assert len(built) == charts  # a new snapshot: the charts built again, with the new date on them
    assert any("2022-06-30" in spec for spec in specs(second))

    built.clear()
    second.sidebar.segmented_control(key="lang").set_value("en").run()
    assert not second.exception, second.exception
    assert set(built) == {i18n.t("date_axis", "en")}
