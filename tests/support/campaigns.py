"""Campaigns no code mentions, for tests that install them in a folder alone (the ``campaigns_dir`` setting): their
definition files in ``definitions/`` (平安小区 ``pingan``; 绿色社区 ``lvse``, tests/app/test_any_campaign.py), and a
few files of 平安小区."""

from __future__ import annotations

import csv
from pathlib import Path

DEFINITIONS = Path(__file__).with_name("definitions")  # campaign definition files the tests install
PINGAN = (DEFINITIONS / "pingan.toml").read_text(encoding="utf-8")

# 丙区: 3 compounds and 2 estates; certified 4, one of them decertified, one applied: 3 of 5 certified (60.0%)
PINGAN_FILES = {
    "丙区_名册.csv": (
        "区,街镇,居委,名称,类型,户数,人口\n"
        "丙区,东镇,一居委,和苑,小区,100,250\n"
        "丙区,东镇,一居委,顺苑,小区,120,300\n"
        "丙区,西镇,二居委,安苑,小区,80,200\n"
        "丙区,西镇,,科创园区,园区,0,0\n"
        "丙区,西镇,,智造园区,园区,0,0\n"
    ),
    "丙区_第1批.csv": (
        "丙区第一批平安小区名单（6月1日公布）\n"
        "区,街镇,名称,状态,批次\n"
        "丙区,东镇,和苑,挂牌,第一批\n"
        "丙区,东镇,顺苑,已挂牌,第一批\n"
        "丙区,西镇,科创园区,挂牌,第一批\n"
        "丙区,西镇,智造园区,挂牌,第一批\n"
    ),
    "丙区_变动.csv": "区,街镇,名称,状态,公布日期\n丙区,东镇,顺苑,摘牌,2021-06-10\n丙区,西镇,安苑,申请,2021-06-11\n",
}
PINGAN_CERTIFIED, PINGAN_UNITS = 3, 5


def write_pingan(folder: Path) -> Path:
    """The definition as ``folder``/pingan.toml (a folder of definitions to install), and its path."""
    return _written(folder, {"pingan.toml": PINGAN})[0]


def write_pingan_files(folder: Path) -> list[Path]:
    return _written(folder, PINGAN_FILES)


def _written(folder: Path, texts: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in texts]


def csv_rows(path: Path) -> list[dict[str, str]]:
    """A generated campaign file's rows by header, past its title line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("区,"))
    return list(csv.DictReader(lines[start:]))
