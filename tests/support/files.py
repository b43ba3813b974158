"""Small files written by tests: the tiny hand-checked campaign, a one-unit roster, a damaged snapshot."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

# 甲区 has a roster; 乙区 sends lists only (roster-less). Hand-checked figures are in tests/answers/test_queries.py.
TINY_FILES = {
    "roster.csv": (
        "区,街镇,居委/村,名称,类型,户数,人口\n"
        "甲区,A镇,一居委,甲苑,小区,100,250\n"
        "甲区,A镇,一居委,乙苑,小区,200,480\n"
        "甲区,A镇,二村,1组,村民小组,30,80\n"
        "甲区,A镇,二村,2组,村民小组,40,100\n"
        "甲区,B镇,三居委,丙苑,小区,300,700\n"
        "甲区,B镇,,四村,村,500,1200\n"
    ),
    "batch1.csv": (
        "甲区第一批无疫小区名单\n"
        "区,街镇,居委/村,名称,批次,公布日期\n"
        "甲区,A镇,一居委,甲苑,第一批,2022/4/10\n"
        "甲区,A镇,二村,1组,第一批,2022/4/10\n"
        "甲区,A镇,二村,2组,第一批,2022/4/10\n"
        "甲区,B镇,,四村,第一批,2022/4/10\n"
    ),
    "revoked.csv": "区,街镇,名称,状态,公布日期\n甲区,B镇,四村,取消,2022年4月15日\n",
    "batch2.csv": (
        "区,街镇,居委/村,名称,批次,公布日期\n甲区,A镇,一居委,乙苑,2,2022-04-20\n甲区,B镇,三居委,丙苑,2,2022-04-20\n"
    ),
    "batch3.csv": "区,街镇,名称,批次,公布日期\n甲区,B镇,四村,第3批,2022-04-25\n",
    "model.csv": "区,名称,状态,公布日期\n甲区,甲苑,示范,2022-04-26\n",
    "yi.csv": (
        "区,街镇,名称,类型,轮次,公布日期\n乙区,C镇,东村,村,第一轮,2022-04-22\n乙区,C镇,西村,村,第二轮,2022-04-25\n"
    ),
}


def write_tiny(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in TINY_FILES.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# one district, one compound: a file that changes the tiny campaign by exactly one unit
# 甲区: two compounds called 甲苑, in different towns and committees (the ingest's tests and the corpus's base)
JIA_ROSTER = (
    "区,街镇,居委/村,名称,类型,户数,人口\n"
    "甲区,A镇,一居委,甲苑,小区,100,250\n"
    "甲区,A镇,一居委,乙苑,小区,200,480\n"
    "甲区,A镇,二村,1组,村民小组,30,80\n"
    "甲区,B镇,三居委,甲苑,小区,300,700\n"
    "甲区,B镇,三居委,丙苑,小区,150,320\n"
)
JIA_LIST_HEADER = "区,街镇,居委/村,名称,批次,公布日期\n"
JIA_FIRST_LIST = JIA_LIST_HEADER + "甲区,A镇,一居委,甲苑,第一批,2022-05-05\n"
ONE_UNIT = "区,街镇,居委,小区名称,类型,户数,人口\n丙区,D镇,五居委,丁苑,小区,10,20\n"


def ingested(folder: Path, write: Callable[[Path], list[Path]]) -> Path:
    """A snapshot in ``folder`` of the files ``write`` puts in ``folder/files``."""
    from campaign.intake.ingest import ingest

    db = folder / "campaign.duckdb"
    ingest(write(folder / "files"), db)
    return db


def damage(db: Path, how: str) -> None:
    """Replace the published file by a damaged copy of itself (a new inode, as a bad copy or restore would)."""
    data = db.read_bytes()
    bad = {
        "truncated": data[: len(data) // 2],
        "zeroed": b"\0" * len(data),
        "random": os.urandom(len(data)),
    }[how]
    aside = db.with_name("damaged.tmp")
    aside.write_bytes(bad)
    os.replace(aside, db)


def private_copy(db: Path, tmp_path: Path) -> Path:
    """A copy of the snapshot ``db`` at tmp_path/db/campaign.duckdb, for one test to change or not."""
    path = tmp_path / "db" / "campaign.duckdb"
    path.parent.mkdir()
    shutil.copyfile(db, path)
    return path
