"""Grid rosters and services logs: accepted variants, refused trees, the published figures of the sample,
an old snapshot without the new tables, and the schematic map's fallback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from campaign.answers import queries
from campaign.app import townmap
from campaign.intake.ingest import ingest
from campaign.intake.problems import IngestRefused
from campaign.snapshot import store

TODAY = dt.date(2022, 5, 23)
GRID_HEADER = "区,街镇,居委/村,网格,上级网格,网格层级,户数,工作人员和志愿者,每人联系户数\n"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def refused(paths: list[Path], db: Path) -> list[tuple]:
    with pytest.raises(IngestRefused) as caught:
        ingest(paths, db, today=TODAY)
    assert not db.exists(), "a refused run creates no database"
    return sorted((p.file, p.row, p.column, p.value, p.message.split(" (")[0]) for p in caught.value.problems)


# ------------------------------------------------------------------------------------ accepted ---
def test_grid_roster_as_one_path_column(tmp_path):
    """网格路径: grid, parent and (without a level column) level from the path."""
    paths = write(
        tmp_path,
        "网格路径.csv",
        "区,街镇,村,网格路径,户数,网格员\n"
        "甲区,A镇,二村,二村总网格,70,2\n"
        ",,,二村总网格/第1子网格,40,3\n"
        ",,,二村总网格 > 第2子网格,30,1\n"
        ",,,二村总网格/第1子网格/微网格1,25,1\n"
        "甲区,A镇,一居委,甲苑一大网格,100,1\n"
        ",,,甲苑一大网格／甲苑一大网格1小网格,60,2\n",
    )
    db = tmp_path / "db.duckdb"
    report = ingest([paths], db, today=TODAY)
    assert [f.role for f in report.files] == ["grids"] and report.grids_loaded == 6
    village = queries.run("grid_tree", db=db, district="甲区", town="A镇", committee="二村")
    assert sorted(village.select("depth", "grid", "parent", "level").rows()) == [
        (0, "二村总网格", None, "total"),
        (1, "第1子网格", "二村总网格", "sub"),
        (1, "第2子网格", "二村总网格", "sub"),
        (2, "微网格1", "第1子网格", "micro"),
    ]
    compound = queries.run("grid_tree", db=db, district="甲区", town="A镇", committee="一居委")
    assert compound.select("grid", "level").rows() == [("甲苑一大网格", "big"), ("甲苑一大网格1小网格", "small")]


def test_grid_paths_that_do_not_make_a_tree_are_refused(tmp_path):
    header = "区,街镇,村,网格路径,户数\n甲区,A镇,二村,二村总网格,70\n"
    orphan = write(tmp_path, "缺上级.csv", header + ",,,二村总网格/第1子网格/微网格1,25\n")  # no 第1子网格 row
    problems = refused([orphan], tmp_path / "db.duckdb")
    assert [p[:4] for p in problems] == [("缺上级.csv", 3, "网格路径", "第1子网格")], problems
    deep = write(tmp_path, "太深.csv", header + ",,,二村总网格/a/b/c/d,1\n")  # deeper than a village's four levels
    problems = refused([deep], tmp_path / "db.duckdb")
    assert [p[:4] for p in problems] == [("太深.csv", 3, "网格路径", "第5层")], problems
    assert problems[0][4].startswith("无法识别的网格层级")


def test_grid_roster_accepted_with_merged_cells_english_headers_and_gbk(tmp_path):
    chinese = write(
        tmp_path,
        "网格.csv",
        GRID_HEADER
        + "甲区,A镇,二村,二村总网格,,总网格,70,2,3-5\n"
        + ",,,第1子网格,二村总网格,子网格,40,3,3～5\n"
        + ",,,第2子网格,二村总网格,子网格,30,1,4\n",
        "gb18030",
    )
    english = write(
        tmp_path,
        "grids.csv",
        "district,town,committee,grid,parent,level,households,workers\n"
        "甲区,A镇,一居委,甲苑一大网格,,big,100,1\n"
        "甲区,A镇,一居委,甲苑一大网格1小网格,甲苑一大网格,small,60,2\n",
    )
    db = tmp_path / "db.duckdb"
    report = ingest([chinese, english], db, today=TODAY)
    assert [f.role for f in report.files] == ["grids", "grids"]
    assert report.grids_loaded == 5 and report.changed
    import json

    from campaign.intake.ingest import LOG_NAME

    logged = json.loads((tmp_path / LOG_NAME).read_text(encoding="utf-8").splitlines()[-1])
    assert (logged["grids_loaded"], logged["services_loaded"]) == (5, 0)
    tree = queries.run("grid_tree", db=db, district="甲区", town="A镇", committee="二村")
    assert tree.select("grid", "parent", "depth", "households", "subtree_workers").rows() == [
        ("二村总网格", None, 0, 70, 6),
        ("第1子网格", "二村总网格", 1, 40, 3),
        ("第2子网格", "二村总网格", 1, 30, 1),
    ]
    assert tree.select("linked_min", "linked_max").rows() == [(3, 5), (3, 5), (4, 4)]
    # a new roster of the committee replaces its grids
    again = write(tmp_path, "网格2.csv", GRID_HEADER + "甲区,A镇,二村,新总网格,,总网格,80,4,\n")
    ingest([again], db, today=TODAY)
    assert queries.run("grid_tree", db=db, district="甲区", town="A镇", committee="二村")["grid"].to_list() == [
        "新总网格"
    ]
    assert queries.run("grid_places", db=db)["committee"].to_list() == ["一居委", "二村"]


def test_services_log_accepted_summed_and_replaced(tmp_path):
    log = write(
        tmp_path,
        "服务.csv",
        "区,街镇,居委/村,日期,服务类型,次数\n"
        "甲区,A镇,二村,2022/4/1,送药,12\n"
        "甲区,A镇,二村,2022年4月1日,配药,3\n"
        "甲区,A镇,二村,2022-04-02,道口值守,28\n",
    )
    db = tmp_path / "db.duckdb"
    report = ingest([log], db, today=TODAY)
    assert report.files[0].role == "services" and report.services_loaded == 2
    totals = queries.run("services_by_kind", db=db)
    assert totals.select("kind", "total").rows() == [("medicine", 15), ("road_guard", 28)]
    fix = write(
        tmp_path, "更正.csv", "district,town,village,date,service,count\n甲区,A镇,二村,2022-04-01,medicine,20\n"
    )
    ingest([fix], db, today=TODAY)
    assert queries.run("services_by_kind", db=db).select("kind", "total").rows() == [
        ("medicine", 20),
        ("road_guard", 28),
    ]


# ------------------------------------------------------------------------------------- refused ---
def test_trees_that_do_not_add_up_are_refused(tmp_path):
    bad = write(
        tmp_path,
        "网格.csv",
        GRID_HEADER
        + "甲区,A镇,二村,总,,总网格,50,2,\n"  # row 2: children add up to 70
        + "甲区,A镇,二村,子1,总,子网格,40,3,\n"
        + "甲区,A镇,二村,子2,总,子网格,30,1,\n"
        + "甲区,A镇,二村,微1,微2,微网格,5,1,\n"  # rows 5-6: a cycle
        + "甲区,A镇,二村,微2,微1,微网格,5,1,\n"
        + "甲区,A镇,二村,微3,,微网格,5,1,\n"  # row 7: no parent
        + "甲区,A镇,二村,微4,子9,微网格,5,1,\n",  # row 8: a parent that is not there
    )
    assert refused([bad], tmp_path / "db.duckdb") == [
        ("网格.csv", 2, "户数", "50", "下级网格户数合计 70 超过「总」的户数 50"),
        ("网格.csv", 5, "上级网格", "微2", "网格的上级关系成环：微1 → 微2 → 微1"),
        ("网格.csv", 7, "上级网格", "", "网格「微3」没有上级网格；只有总网格或大网格可以没有上级"),
        ("网格.csv", 8, "上级网格", "子9", "上级网格「子9」不在二村的网格中"),
    ]


def test_bad_cells_in_grids_and_services_are_refused(tmp_path):
    grids = write(
        tmp_path, "网格.csv", GRID_HEADER + "甲区,A镇,二村,总,,顶级网格,-5,x,3-5\n甲区,A镇,二村,总,,总网格,10,1,5-3\n"
    )
    log = write(tmp_path, "服务.csv", "区,街镇,居委/村,日期,服务类型,次数\n甲区,A镇,二村,2022/13/1,理发,两次\n")
    problems = refused([grids, log], tmp_path / "db.duckdb")
    assert [(f, r, c, v) for f, r, c, v, _ in problems] == [
        ("服务.csv", 2, "日期", "2022/13/1"),
        ("服务.csv", 2, "服务类型", "理发"),
        ("服务.csv", 2, "次数", "两次"),
        ("网格.csv", 2, "工作人员和志愿者", "x"),
        ("网格.csv", 2, "户数", "-5"),
        ("网格.csv", 2, "网格层级", "顶级网格"),
        ("网格.csv", 3, "每人联系户数", "5-3"),
    ]


def test_one_committee_in_two_grid_rosters_is_refused(tmp_path):
    a = write(tmp_path, "a.csv", GRID_HEADER + "甲区,A镇,二村,总,,总网格,50,2,\n")
    b = write(tmp_path, "b.csv", GRID_HEADER + "甲区,A镇,二村,总2,,总网格,50,2,\n")
    [(file, row, column, value, message)] = refused([a, b], tmp_path / "db.duckdb")
    assert (file, value) == ("b.csv", "二村") and "两份网格名册" in message


# ------------------------------------------------------------------------ the snapshot and sample ---
def test_an_old_snapshot_without_the_new_tables_still_publishes(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    schema = store.SCHEMA.read_text(encoding="utf-8")
    con.execute(schema)
    con.execute("drop table grids")
    con.execute("drop table services")
    con.execute("insert into ingests values (1, current_localtimestamp(), 'old', 0, 0, 'loaded')")
    con.close()
    grids = write(tmp_path, "网格.csv", GRID_HEADER + "甲区,A镇,二村,总,,总网格,50,2,\n")
    ingest([grids], db, today=TODAY)
    assert queries.run("grid_places", db=db).select("committee", "grids").rows() == [("二村", 1)]
    assert queries.run("ingests", db=db).height == 2


def test_published_grid_and_service_figures_from_the_sample(sample_db):
    places = {r["committee"]: r for r in queries.run("grid_places", db=sample_db).to_dicts()}
    xinghuo = places["星火村"]
    assert (xinghuo["town"], xinghuo["district"], xinghuo["workers"]) == ("金山卫镇", "金山区", 287)
    assert (xinghuo["linked_min"], xinghuo["linked_max"]) == (3, 5)
    levels = queries.run("grid_levels", db=sample_db, committee="星火村")
    by_level = {r["level"]: r for r in levels.to_dicts()}
    assert [(lvl, by_level[lvl]["grids"]) for lvl in ("total", "sub", "micro")] == [
        ("total", 1),
        ("sub", 4),
        ("micro", 20),
    ]
    assert (by_level["house"]["min_households"], by_level["house"]["max_households"]) >= (5, 5)
    assert by_level["house"]["max_households"] <= 15
    # the grid tree and the roster agree on 星火村's households
    roster = queries.run("committees_in_town", db=sample_db, district="金山区", town="金山卫镇")
    assert roster.filter(roster["committee"] == "星火村")["households"].item() == xinghuo["households"]
    haixin = {
        r["level"]: r["grids"] for r in queries.run("grid_levels", db=sample_db, committee="海欣居民区").to_dicts()
    }
    assert haixin == {"big": 7, "small": 26}

    services = dict(queries.run("services_by_kind", db=sample_db, committee="星火村").select("kind", "total").rows())
    assert services["medicine"] >= 1500 and services["certificate"] >= 320 and services["parcel"] >= 15000
    assert (services["transfer"], services["special"]) == (32, 62)
    jibang = queries.run("services_by_kind", db=sample_db, district="崇明区", town="中兴镇", committee="汲浜村")
    assert jibang.select("kind", "total").rows() == [("road_guard", 28)]


# ------------------------------------------------------------------------------------- the map ---
def test_tile_layouts_cover_the_sample_towns():
    from campaign.generate import sample

    assert set(townmap.layout("金山区")["town"]) == set(sample.JINSHAN_TOWNS)
    assert set(townmap.layout("崇明区")["town"]) == set(sample.CHONGMING_TOWNS)
    cells = townmap.layout("崇明区").select("col", "row").rows()
    assert len(set(cells)) == len(cells), "one tile per cell"


def test_a_district_with_no_layout_gets_an_ordered_grid():
    positions, laid_out = townmap.tile_positions("甲区", ["C镇", "A镇", "B镇", "D镇", "E镇"])
    assert not laid_out
    assert positions.rows() == [("A镇", 0, 0), ("B镇", 1, 0), ("C镇", 2, 0), ("D镇", 0, 1), ("E镇", 1, 1)]
    # a town the layout lacks goes below it
    positions, laid_out = townmap.tile_positions("金山区", ["枫泾镇", "新设镇"])
    assert laid_out and positions.rows() == [("枫泾镇", 0, 0), ("新设镇", 0, 2)]


def test_boundaries_are_read_and_drawn_without_geo_traces():
    import json

    import polars as pl

    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "A镇"},
                "geometry": {"type": "Polygon", "coordinates": [[[121, 30], [121.1, 30], [121.1, 30.1], [121, 30]]]},
            },
            {
                "type": "Feature",
                "properties": {"town": "B镇"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[[121.2, 30], [121.3, 30], [121.3, 30.1], [121.2, 30]]]],
                },
            },
        ],
    }
    shapes = townmap.parse_boundaries(json.dumps(doc).encode())
    assert sorted(shapes) == ["A镇", "B镇"]
    towns = pl.DataFrame({"town": ["A镇", "B镇", "C镇"], "coverage_pct": [50.0, 100.0, None]})
    fig, missing = townmap.shape_figure(towns, shapes, "覆盖率")
    assert missing == ["C镇"]
    assert {t.type for t in fig.data} == {"scatter"}
    with pytest.raises(ValueError, match="no features"):
        townmap.parse_boundaries(b'{"type": "FeatureCollection", "features": []}')
