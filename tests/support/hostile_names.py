"""Hostile and overlong names in every field of a campaign's files (tests/app/test_hostile_names*.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from campaign.intake.normalise import NAME_MAX_CHARS

# a name in every field that Markdown, Streamlit's directives, KaTeX, Plotly or HTML would read as markup
DISTRICT = "**粗**[a](javascript:alert(1))![b](http://127.0.0.2:9/x.png)区"
DISTRICT_2 = "%{x}<script>alert(3)</script>区"
TOWN = "<img src=x onerror=alert(1)>镇"
TOWN_2 = '<a href="javascript:alert(2)">链</a>镇'
COMMITTEE = "$x$ :red[y] :material/home: 居委"
VILLAGE = "|a|b|<br>[c]: http://127.0.0.2:9/ref 村"
UNIT = "# h <b>粗</b> &lt; _i_ ~~s~~ http://127.0.0.2:9/u"
UNIT_2 = "`code` 1. <iframe src=http://127.0.0.2:9/f></iframe>苑"
LONG = "长" * NAME_MAX_CHARS  # the longest name accepted
GRID = "<b>总</b>网格"
GRID_2 = "![g](http://127.0.0.2:9/g.png)子网格"
FILE = "<img src=x onerror=alert(9)>第一批.csv"
NAMES = (DISTRICT, DISTRICT_2, TOWN, TOWN_2, COMMITTEE, VILLAGE, UNIT, UNIT_2, GRID, GRID_2)

PLACES = ["区", "街镇", "居委/村", "名称"]
HOSTILE_FILES = {
    "roster.csv": [
        [*PLACES, "类型", "户数", "人口"],
        [DISTRICT, TOWN, COMMITTEE, UNIT, "小区", 100, 250],
        [DISTRICT, TOWN, COMMITTEE, UNIT_2, "小区", 120, 300],
        [DISTRICT, TOWN_2, "", VILLAGE, "村", 500, 1200],
        [DISTRICT_2, LONG, COMMITTEE, UNIT, "小区", 80, 200],
        [DISTRICT_2, TOWN, LONG, LONG, "小区", 90, 210],
    ],
    FILE: [
        [*PLACES, "批次", "公布日期"],
        [DISTRICT, TOWN, COMMITTEE, UNIT, "第一批", "2022-04-10"],
        [DISTRICT, TOWN_2, "", VILLAGE, "第一批", "2022-04-10"],
        [DISTRICT_2, LONG, COMMITTEE, UNIT, "第一批", "2022-04-10"],
    ],
    "batch2.csv": [
        [*PLACES, "批次", "公布日期"],
        [DISTRICT, TOWN, COMMITTEE, UNIT_2, "第二批", "2022-04-20"],
        [DISTRICT_2, TOWN, LONG, LONG, "第二批", "2022-04-20"],
    ],
    "grids.csv": [
        [*PLACES[:3], "网格", "上级网格", "网格层级", "户数", "工作人员和志愿者", "每人联系户数"],
        [DISTRICT, TOWN_2, VILLAGE, GRID, "", "总网格", 500, 7, "3-5"],
        [DISTRICT, TOWN_2, VILLAGE, GRID_2, GRID, "子网格", 250, 3, "3-5"],
    ],
    "services.csv": [
        [*PLACES[:3], "日期", "服务类型", "次数"],
        [DISTRICT, TOWN_2, VILLAGE, "2022-04-01", "送药", 5],
    ],
}


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), "utf-8")
    return path


def write_hostile(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write_csv(folder / name, rows) for name, rows in HOSTILE_FILES.items()]
