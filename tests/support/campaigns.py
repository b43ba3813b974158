"""A third campaign no code mentions, 平安小区 (key ``pingan``): its definition file and a few files of it, written
by tests that install it in a folder alone (the ``campaigns_dir`` setting)."""

from __future__ import annotations

from pathlib import Path

PINGAN = """
[campaign]
name = { zh = "平安小区", en = "Safe compounds" }
title = { zh = "平安小区创建进度", en = "Safe compound campaign" }
screen_title = { zh = "平安小区 · 指挥中心", en = "Safe compounds · Command centre" }
brief_title = { zh = "平安小区创建日报", en = "Safe compound campaign: daily brief" }
export_name = { zh = "平安小区明细", en = "safe-units" }
brief_name = { zh = "平安小区日报", en = "safe-brief" }
year = 2021
stem = "平安"
title_words = ["平安小区", "平安园区"]

[levels]
district = { zh = "区", en = "District" }
town = { zh = "街镇", en = "Town" }
committee = { zh = "居委", en = "Committee" }

[batches]
batch = { zh = "第{n}批", en = "batch {n}" }
round = { zh = "第{n}轮", en = "round {n}" }

[not_done]
label = { zh = "未挂牌", en = "Not yet certified" }

[[kinds]]
key = "compound"
label = { zh = "小区", en = "Compounds" }
one = { zh = "小区", en = "Compound" }
words = ["小区"]
header_words = ["小区"]
title_words = ["小区"]

[[kinds]]
key = "estate"
label = { zh = "园区", en = "Estates" }
one = { zh = "园区", en = "Estate" }
words = ["园区", "产业园区"]
header_words = ["园区"]
title_words = ["园区"]
name_ending = "园区$"

[[statuses]]
key = "created"
label = { zh = "已挂牌", en = "Certified" }
event = { zh = "挂牌", en = "certified" }
words = ["挂牌", "已挂牌"]
done = true

[[statuses]]
key = "revoked"
label = { zh = "已摘牌", en = "Decertified" }
event = { zh = "摘牌", en = "decertified" }
words = ["摘牌", "已摘牌"]
undoes = "created"

[[statuses]]
key = "applied"
label = { zh = "已申请", en = "Applied" }
event = { zh = "申请", en = "applied" }
words = ["申请", "已申请"]
"""

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
