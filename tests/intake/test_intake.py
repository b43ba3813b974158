"""District, batch and date from a list's title line or the import options; the preview; the log."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from campaign.answers import queries
from campaign.intake.ingest import LOG_NAME, Defaults, ingest
from campaign.intake.problems import IngestRefused
from campaign.intake.title import parse_title

ROSTER = (
    "区,街镇,居委/村,名称,类型,户数,人口\n"
    "闵行区,江川路街道,一居委,甲苑,小区,100,250\n"
    "闵行区,江川路街道,一居委,乙苑,小区,80,190\n"
)


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


@pytest.mark.parametrize(
    ("title", "district", "batch", "rounds", "published"),
    [
        ("闵行区首批“无疫小区”名单（2022年5月9日公布）", "闵行区", 1, False, dt.date(2022, 5, 9)),
        ("崇明区第二轮无疫村居名单（2022年4月25日公布）", "崇明区", 2, True, dt.date(2022, 4, 25)),
        ("上海市浦东新区第3批无疫小区名单 2022/5/12", "浦东新区", 3, False, dt.date(2022, 5, 12)),
        ("关于公布第十二批无疫小区名单的通知", None, 12, False, None),
        ("无疫小区名单", None, None, False, None),
        ("金山区第一批名单（2022年2月30日）", "金山区", 1, False, None),
    ],
)
def test_title_facts(title, district, batch, rounds, published) -> None:
    facts = parse_title(title)
    assert (facts.district, facts.batch, facts.counts_rounds, facts.published) == (district, batch, rounds, published)


def test_district_batch_and_date_from_the_title(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    roster = _write(tmp_path, "roster.csv", ROSTER)
    listing = _write(
        tmp_path,
        "list.csv",
        "闵行区首批“无疫小区”名单（2022年5月9日公布）\n街镇,居委,小区名称\n江川路街道,一居委,甲苑\n",
        "gb18030",
    )
    ingest([roster, listing], db)
    row = queries.run("coverage_by_district", db=db).row(0, named=True)
    assert (row["district"], row["created"], row["total"], row["batches_run"]) == ("闵行区", 1, 2, 1)
    units = queries.run("units", db=db, status="created")
    assert units.select("name", "batch", "status_date").row(0) == ("甲苑", 1, dt.date(2022, 5, 9))


def test_import_options_fill_what_neither_table_nor_title_says(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    roster = _write(tmp_path, "roster.csv", ROSTER)
    listing = _write(tmp_path, "list.csv", "街镇,居委,小区名称\n江川路街道,一居委,乙苑\n")
    options = Defaults(district="闵行区", batch=2, counts_rounds=True, published=dt.date(2022, 5, 14))
    ingest([roster, listing], db, defaults=options)
    units = queries.run("units", db=db, status="created")
    assert units.select("name", "batch", "status_date").row(0) == ("乙苑", 2, dt.date(2022, 5, 14))
    assert queries.run("batches", db=db).get_column("counts_rounds").to_list() == [True]


def test_the_title_wins_over_options_and_a_column_wins_over_both(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    roster = _write(tmp_path, "roster.csv", ROSTER)
    listing = _write(
        tmp_path, "list.csv", "闵行区第三批名单（2022年5月20日）\n区,名称,公布日期\n闵行区,甲苑,2022-05-21\n"
    )
    ingest([roster, listing], db, defaults=Defaults(batch=9, published=dt.date(2022, 5, 1)))
    assert queries.run("units", db=db, status="created").select("batch", "status_date").row(0) == (
        3,
        dt.date(2022, 5, 21),
    )


def test_missing_district_batch_or_date_is_refused_saying_how_to_give_it(tmp_path: Path) -> None:
    listing = _write(tmp_path, "list.csv", "名称\n甲苑\n")
    with pytest.raises(IngestRefused) as refused:
        ingest([listing], tmp_path / "c.duckdb")
    text = str(refused.value)
    assert "list.csv" in text
    assert "缺少「区」" in text and "--district" in text
    assert "缺少「公布日期」" in text and "--date" in text
    assert not (tmp_path / "c.duckdb").exists()


def test_dry_run_previews_changes_per_district_and_publishes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    roster = _write(tmp_path, "roster.csv", ROSTER)
    listing = _write(
        tmp_path, "list.csv", "区,名称,批次,公布日期\n闵行区,甲苑,1,2022-05-09\n闵行区,乙苑,1,2022-05-09\n"
    )
    report = ingest([roster, listing], db, dry_run=True)
    assert not db.exists()
    assert report.by_district == [
        {"district": "闵行区", "units_added": 2, "created": 2, "revoked": 0, "model": 0, "applied": 0}
    ]
    assert not (tmp_path / LOG_NAME).exists(), "a preview is not an ingest"
    ingest([roster, listing], db)
    assert queries.run("coverage_by_district", db=db).get_column("created").to_list() == [2]


def test_every_run_loaded_unchanged_or_refused_is_logged(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CAMPAIGN_USER", "张三")
    db = tmp_path / "c.duckdb"
    roster = _write(tmp_path, "roster.csv", ROSTER)
    bad = _write(tmp_path, "bad.csv", "区,名称,批次,公布日期\n闵行区,丙苑,1,2022-05-09\n")
    ingest([roster], db)
    ingest([roster], db)
    with pytest.raises(IngestRefused):
        ingest([bad], db)
    lines = [json.loads(line) for line in (tmp_path / LOG_NAME).read_text(encoding="utf-8").splitlines()]
    assert [r["outcome"] for r in lines] == ["loaded", "unchanged", "refused"]
    assert {r["who"] for r in lines} == {"张三"}
    assert lines[0]["files"][0]["name"] == "roster.csv" and len(lines[0]["files"][0]["sha256"]) == 64
    assert lines[0]["units_added"] == 2
    assert lines[2]["problems"] == 1 and "丙苑" in lines[2]["first_problems"][0]


def test_cli_options_and_dry_run(tmp_path: Path, capsys) -> None:
    from campaign.ops import cli

    db = tmp_path / "c.duckdb"
    roster = _write(tmp_path, "roster.csv", ROSTER)
    listing = _write(tmp_path, "list.csv", "名称\n乙苑\n")
    args = ["ingest", "--db", str(db), "--district", "闵行区", "--round", "2", "--date", "2022-05-14"]
    assert cli.main([*args, "--dry-run", str(roster), str(listing)]) == 0
    out = capsys.readouterr().out
    assert "仅检查，未载入" in out and "闵行区: 新增单位 2，已创建 +1" in out
    assert not db.exists()
    assert cli.main([*args, str(roster), str(listing)]) == 0
    assert queries.run("units", db=db, status="created").select("name", "batch").row(0) == ("乙苑", 2)
    assert queries.run("batches", db=db).get_column("counts_rounds").to_list() == [True]


def test_cli_refuses_batch_and_round_together(tmp_path: Path, capsys) -> None:
    from campaign.ops import cli

    listing = _write(tmp_path, "list.csv", "名称\n乙苑\n")
    assert cli.main(["ingest", "--db", str(tmp_path / "c.duckdb"), "--batch", "1", "--round", "1", str(listing)]) == 2
    assert "--batch" in capsys.readouterr().err


def test_lists_before_the_roster_join_the_roster_when_it_comes(tmp_path: Path) -> None:
    """Units first known from lists (roster-less) become the roster's units; their history follows."""
    listing = _write(tmp_path, "list.csv", "区,街镇,小区名称,批次,公布日期\n闵行区,江川路街道,甲苑,1,2022-05-09\n")
    revoked = _write(tmp_path, "revoked.csv", "区,小区名称,状态,公布日期\n闵行区,甲苑,取消,2022-05-12\n")
    roster = _write(tmp_path, "roster.csv", ROSTER)
    later = _write(tmp_path, "later.csv", "区,名称,批次,公布日期\n闵行区,甲苑,2,2022-05-16\n")
    one_go, two_steps = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    ingest([roster, listing, revoked, later], one_go)
    ingest([listing, revoked], two_steps)
    assert queries.run("coverage_by_district", db=two_steps).get_column("total").to_list() == [None]
    ingest([roster], two_steps)
    ingest([later], two_steps)
    for db in (one_go, two_steps):
        units = queries.run("units", db=db)
        assert units.select("name", "status", "batch", "times_created", "in_roster").rows() == [
            ("乙苑", "not_created", None, 0, True),
            ("甲苑", "created", 2, 2, True),
        ]
        row = queries.run("coverage_by_district", db=db).row(0, named=True)
        assert (row["total"], row["created"]) == (2, 1)
    as_of = queries.run("units", db=two_steps, as_of=dt.date(2022, 5, 13), status="revoked")
    assert as_of.get_column("name").to_list() == ["甲苑"]


def test_a_roster_missing_a_listed_unit_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    ingest([_write(tmp_path, "list.csv", "区,小区名称,批次,公布日期\n闵行区,丁苑,1,2022-05-09\n")], db)
    before = db.read_bytes()
    with pytest.raises(IngestRefused) as refused:
        ingest([_write(tmp_path, "roster.csv", ROSTER)], db)
    assert "丁苑" in str(refused.value) and "新名册中没有" in str(refused.value)
    assert db.read_bytes() == before


def test_unknown_columns_are_kept_aside_and_named_in_the_report(tmp_path: Path) -> None:
    roster = _write(tmp_path, "roster.csv", ROSTER.replace("人口\n", "人口,联系人,备注\n", 1))
    report = ingest([roster], tmp_path / "c.duckdb")
    assert report.files[0].note == "未使用的列 (columns not used): 联系人、备注"
    assert report.units_added == 2


def test_a_sample_database_takes_sample_files_added_later(tmp_path: Path) -> None:
    from campaign.intake.ingest import SAMPLE_DIR, top_up_sample
    from campaign.intake.reader import status_files

    files = status_files(SAMPLE_DIR)
    db = tmp_path / "sample.duckdb"
    ingest([f for f in files if "网格" not in f.name], db, who="sample")  # as an older version built it
    assert top_up_sample(db) is True
    assert top_up_sample(db) is False, "nothing new the second time"
    names = set(queries.run("files", db=db).get_column("name"))
    assert {f.name for f in files} <= names
    real = tmp_path / "real.duckdb"
    ingest([_write(tmp_path, "roster.csv", ROSTER)], real)
    assert top_up_sample(real) is False, "a database of real data is left alone"
