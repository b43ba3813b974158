"""Seeded, deterministic generator of the bundled sample data.

The dashboard ships with sample files shaped like the ones towns really send
(mixed encodings, title rows, Chinese date spellings, XLSX date cells, a few
typing blemishes) so that the ingest is exercised on realistic input.

The headline figures are published (see ``SYNTHETIC_NOTE_EN``); every other name
and number is synthetic but consistent with them.  Output is byte-for-byte
reproducible: seeded RNGs, no clock, no iteration over sets, and XLSX files
written in memory with a fixed creation date.

    from campaign.generate.sample import write_sample
    write_sample("data/sample")
"""

from __future__ import annotations

import csv
import io
import math
import os
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from campaign.i18n import GRIDS_NOTE_EN, GRIDS_NOTE_ZH, SYNTHETIC_NOTE_EN, SYNTHETIC_NOTE_ZH

SEED = 2022
AS_OF = date(2022, 5, 23)
SOURCE = "人民网上海频道 2022-05-23"
BATCH1_NOTICE = "金山区第一批无疫小区公示 2022-05-05"
# A fixed creation date keeps docProps/core.xml (and so the zip bytes) stable.
XLSX_CREATED = datetime(2022, 5, 23)

JINSHAN = "金山区"
CHONGMING = "崇明区"
COMPOUND, GROUP, VILLAGE, COMMUNITY = "小区", "村民小组", "村", "社区"
REVOKED, MODEL = "取消", "示范"
CN_ORDINAL = {1: "一", 2: "二", 3: "三", 4: "四"}

# ---------------------------------------------------------------- Jinshan ---
JINSHAN_TOWNS = (
    "枫泾镇", "朱泾镇", "亭林镇", "漕泾镇", "山阳镇", "金山卫镇",
    "张堰镇", "廊下镇", "吕巷镇", "石化街道", "高新区社区",
)  # fmt: skip
# Synthetic split of 110 residents' committees and 124 villages over the towns.
JINSHAN_COMMITTEES = {
    "枫泾镇": 12, "朱泾镇": 16, "亭林镇": 9, "漕泾镇": 6, "山阳镇": 14, "金山卫镇": 13,
    "张堰镇": 7, "廊下镇": 3, "吕巷镇": 4, "石化街道": 20, "高新区社区": 6,
}  # fmt: skip
JINSHAN_VILLAGES = {
    "枫泾镇": 21, "朱泾镇": 18, "亭林镇": 17, "漕泾镇": 10, "山阳镇": 8, "金山卫镇": 13,
    "张堰镇": 11, "廊下镇": 12, "吕巷镇": 11, "石化街道": 0, "高新区社区": 3,
}  # fmt: skip

JINSHAN_BATCH_DATES = {1: date(2022, 5, 5), 2: date(2022, 5, 9), 3: date(2022, 5, 14), 4: date(2022, 5, 20)}
JINSHAN_REVOKE_DATE = date(2022, 5, 11)
JINSHAN_MODEL_DATE = date(2022, 5, 20)

# Published.
JINSHAN_COMPOUNDS = 393
JINSHAN_GROUPS = 2293
BATCH1_COMPOUNDS = 150
BATCH1_COMMITTEES = 76
BATCH1_WHOLE_COMMITTEES = 43
BATCH1_GROUPS = 1487
BATCH1_VILLAGES = 80
HAIXIN_TOWN, HAIXIN_COMMITTEE = "山阳镇", "海欣居民区"
# Published: the committee's two compounds total 2,800 households and 5,400 people.
# The split between the two compounds is synthetic.
HAIXIN_COMPOUNDS = (("海欣家园", 1560, 3010), ("海皓馨苑", 1240, 2390))
XINGHUO_TOWN, XINGHUO_VILLAGE, XINGHUO_POPULATION = "金山卫镇", "星火村", 4100

# Synthetic: compounds in committees created whole in batch 1, and the later
# (post-batch-1) part of the 33 partly created committees.
WHOLE_COMMITTEE_COMPOUNDS = 80
PARTIAL_LATER_COMPOUNDS = 80
LATER_BATCH_COMPOUNDS = {2: 105, 3: 85}  # batch 4 takes the rest
LATER_BATCH_VILLAGES = {2: 18, 3: 15}  # batch 4 takes the rest
XINGHUO_GROUPS = 24  # enough groups for 4,100 people at 15-90 households each
MODEL_COUNT = 12

# -------------------------------------------------------------- Chongming ---
CHONGMING_TOWNS = (
    "城桥镇", "堡镇", "新河镇", "庙镇", "竖新镇", "向化镇", "三星镇", "港沿镇", "中兴镇",
    "陈家镇", "绿华镇", "港西镇", "建设镇", "新海镇", "东平镇", "长兴镇", "新村乡", "横沙乡",
)  # fmt: skip
# Synthetic split of 266 villages and 91 communities; communities cluster in the town seats.
CHONGMING_VILLAGES = {
    "城桥镇": 15, "堡镇": 17, "新河镇": 19, "庙镇": 24, "竖新镇": 21, "向化镇": 14,
    "三星镇": 17, "港沿镇": 17, "中兴镇": 14, "陈家镇": 22, "绿华镇": 4, "港西镇": 13,
    "建设镇": 13, "新海镇": 2, "东平镇": 4, "长兴镇": 23, "新村乡": 6, "横沙乡": 21,
}  # fmt: skip
CHONGMING_COMMUNITIES = {
    "城桥镇": 24, "堡镇": 10, "新河镇": 5, "庙镇": 3, "竖新镇": 3, "向化镇": 2,
    "三星镇": 2, "港沿镇": 3, "中兴镇": 3, "陈家镇": 11, "绿华镇": 1, "港西镇": 2,
    "建设镇": 2, "新海镇": 2, "东平镇": 4, "长兴镇": 10, "新村乡": 1, "横沙乡": 3,
}  # fmt: skip
CHONGMING_ROUND_DATES = {
    1: date(2022, 4, 22),
    2: date(2022, 4, 25),
    3: date(2022, 5, 6),
    4: date(2022, 5, 16),
}
CHONGMING_REVOKE_DATE = date(2022, 4, 28)
CHONGMING_UNITS = 357  # published
CHONGMING_ROUND_SIZES = {1: 193, 2: 86, 3: 52, 4: 26}  # synthetic; first creations per round
# Published villages: (town, name, round or None for "any").
TAOYUAN = ("堡镇", "桃源村", 1)
MIHONG = ("庙镇", "米洪村", 2)
JIBANG = ("中兴镇", "汲浜村", None)
TAOYUAN_POPULATION = 2960

# Syllables for synthetic names; two of them make a plausible place-name stem.
FIRST_SYLLABLES = "金枫朱亭漕卫张廊吕石海龙荣康锦华新嘉瑞东西南北银盛恒丰安和永泰福兴梅桂兰春翠宏民建育文光明红胜"
SECOND_SYLLABLES = "阳林泾湾浦港桥塘园庄华星欣兴盛丰泰安和平新明光景岭乐丽秀源河泉桂松竹荷"
COMPOUND_SUFFIXES = (
    "新苑", "花园", "佳苑", "家园", "小区", "公寓", "新村", "雅苑", "华庭",
    "名邸", "景苑", "丽苑", "嘉园", "一村", "二村", "苑", "城", "湾",
)  # fmt: skip
COMMITTEE_SUFFIXES = ("居民区", "居民区", "居民区", "社区")  # mostly 居民区, some 社区


# ------------------------------------------------------------------ model ---
@dataclass(frozen=True)
class Unit:
    """One creation unit.  ``parent`` is the 居委 or 村 in Jinshan and empty in
    Chongming, where the village or community itself is the unit."""

    district: str
    town: str
    parent: str
    name: str
    kind: str  # 小区 / 村民小组 / 村 / 社区
    households: int
    population: int

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.district, self.town, self.parent, self.name)


@dataclass(frozen=True)
class Listing:
    """A unit named in a batch (Jinshan) or round (Chongming) notice."""

    unit: Unit
    batch: int
    date: date


@dataclass(frozen=True)
class StatusChange:
    unit: Unit
    status: str  # 取消 or 示范
    date: date


@dataclass(frozen=True)
class District:
    units: tuple[Unit, ...]
    listings: tuple[Listing, ...]
    changes: tuple[StatusChange, ...]


@dataclass(frozen=True)
class Model:
    jinshan: District
    chongming: District


def order_key(unit: Unit) -> tuple:
    """Town (official order), committee/village, then name; village groups numerically."""
    towns = JINSHAN_TOWNS if unit.district == JINSHAN else CHONGMING_TOWNS
    number = int(unit.name.removesuffix("组")) if unit.kind == GROUP else 0
    return (towns.index(unit.town), unit.parent, number, unit.name)


def split_total(rng: random.Random, total: int, n: int, lo: int, hi: int) -> list[int]:
    """``n`` integers in ``[lo, hi]`` summing exactly to ``total``, unevenly spread."""
    if not n * lo <= total <= n * hi:
        raise ValueError(f"cannot split {total} into {n} parts within [{lo}, {hi}]")
    weights = [rng.random() + 0.25 for _ in range(n)]
    scale = total / sum(weights)
    parts = [min(hi, max(lo, round(w * scale))) for w in weights]
    # Rounding and clamping leave a small residue; nudge random parts until exact.
    while (diff := total - sum(parts)) != 0:
        step = 1 if diff > 0 else -1
        movable = [i for i, p in enumerate(parts) if lo <= p + step <= hi]
        parts[rng.choice(movable)] += step
    return parts


def _population(rng: random.Random, households: int) -> int:
    return round(households * rng.uniform(1.9, 2.6))


def _households_for(rng: random.Random, population: int, lo: int, hi: int) -> int:
    """Households for a fixed population, keeping 1.9-2.6 people per household."""
    guess = round(population / rng.uniform(1.9, 2.6))
    return max(lo, math.ceil(population / 2.6), min(hi, math.floor(population / 1.9), guess))


def _short_town(town: str) -> str:
    for suffix in ("街道", "区社区", "镇", "乡"):
        if town.endswith(suffix):
            return town.removesuffix(suffix)
    return town


class _Namer:
    """Draws names unique within one district; published names are reserved up front."""

    def __init__(self, rng: random.Random, reserved: tuple[str, ...]) -> None:
        self._rng = rng
        self._used = set(reserved)  # membership only, never iterated

    def draw(self, suffixes: tuple[str, ...], town_prefix: str = "") -> str:
        while True:
            if town_prefix and self._rng.random() < 0.35:
                stem = town_prefix  # e.g. 枫泾新苑 in 枫泾镇
            else:
                stem = self._rng.choice(FIRST_SYLLABLES) + self._rng.choice(SECOND_SYLLABLES)
                if stem[0] == stem[1]:
                    continue
            name = stem + self._rng.choice(suffixes)
            if name not in self._used:
                self._used.add(name)
                return name


# ---------------------------------------------------------- Jinshan model ---
def _jinshan_parents(namer: _Namer) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(town, committee) and (town, village) pairs in town order, published names included."""
    committees, villages = [], []
    for town in JINSHAN_TOWNS:
        for i in range(JINSHAN_COMMITTEES[town]):
            fixed = town == HAIXIN_TOWN and i == 0
            committees.append((town, HAIXIN_COMMITTEE if fixed else namer.draw(COMMITTEE_SUFFIXES)))
        for i in range(JINSHAN_VILLAGES[town]):
            fixed = town == XINGHUO_TOWN and i == 0
            villages.append((town, XINGHUO_VILLAGE if fixed else namer.draw(("村",))))
    return committees, villages


def _committee_plan(rng: random.Random, committees: list[tuple[str, str]]) -> dict:
    """(town, committee) -> (compounds in batch 1, compounds in later batches).

    43 committees are created whole in batch 1, 33 only partly (at least one
    compound each side), and the rest -- 海欣居民区 among them -- only later.
    """
    pool = [c for c in committees if c[1] != HAIXIN_COMMITTEE]
    rng.shuffle(pool)
    n_partial = BATCH1_COMMITTEES - BATCH1_WHOLE_COMMITTEES
    whole = pool[:BATCH1_WHOLE_COMMITTEES]
    partial = pool[BATCH1_WHOLE_COMMITTEES:BATCH1_COMMITTEES]
    later = pool[BATCH1_COMMITTEES:]
    later_total = JINSHAN_COMPOUNDS - BATCH1_COMPOUNDS - PARTIAL_LATER_COMPOUNDS - len(HAIXIN_COMPOUNDS)
    whole_n = split_total(rng, WHOLE_COMMITTEE_COMPOUNDS, len(whole), 1, 4)
    partial_b1 = split_total(rng, BATCH1_COMPOUNDS - WHOLE_COMMITTEE_COMPOUNDS, n_partial, 1, 4)
    partial_later = split_total(rng, PARTIAL_LATER_COMPOUNDS, n_partial, 1, 5)
    later_n = split_total(rng, later_total, len(later), 2, 9)
    plan = {c: (n, 0) for c, n in zip(whole, whole_n, strict=True)}
    plan.update({c: (b, n) for c, b, n in zip(partial, partial_b1, partial_later, strict=True)})
    plan.update({c: (0, n) for c, n in zip(later, later_n, strict=True)})
    return plan


def _jinshan_compounds(
    rng: random.Random, namer: _Namer, committees: list[tuple[str, str]]
) -> tuple[list[Unit], list[Unit], list[Unit]]:
    """Returns (batch-1 compounds, later compounds, 海欣居民区's compounds)."""
    plan = _committee_plan(rng, committees)
    batch1, later = [], []
    for town, committee in committees:
        if committee == HAIXIN_COMMITTEE:
            continue
        n_b1, n_later = plan[(town, committee)]
        for i in range(n_b1 + n_later):
            # Skewed towards smaller compounds, as in the real rosters.
            households = 80 + int(1920 * rng.random() ** 2)
            name = namer.draw(COMPOUND_SUFFIXES, _short_town(town))
            unit = Unit(JINSHAN, town, committee, name, COMPOUND, households, _population(rng, households))
            (batch1 if i < n_b1 else later).append(unit)
    haixin = [
        Unit(JINSHAN, HAIXIN_TOWN, HAIXIN_COMMITTEE, name, COMPOUND, hh, pop) for name, hh, pop in HAIXIN_COMPOUNDS
    ]
    return batch1, later, haixin


def _village_groups(rng: random.Random, town: str, village: str, n: int) -> list[Unit]:
    if village == XINGHUO_VILLAGE:
        # Published population: fix the groups' populations first, then fit households.
        pops = split_total(rng, XINGHUO_POPULATION, n, 60, 220)
        sizes = [(_households_for(rng, p, 15, 90), p) for p in pops]
    else:
        sizes = []
        for _ in range(n):
            households = rng.randint(15, 90)
            sizes.append((households, _population(rng, households)))
    return [Unit(JINSHAN, town, village, f"{k}组", GROUP, hh, pop) for k, (hh, pop) in enumerate(sizes, start=1)]


def _jinshan_village_batches(rng: random.Random, villages: list[tuple[str, str]]) -> list[list[Unit]]:
    """Village groups per batch (index 1-4); every village is created whole in one batch."""
    xinghuo = (XINGHUO_TOWN, XINGHUO_VILLAGE)
    others = [v for v in villages if v != xinghuo]
    first = rng.sample(others, BATCH1_VILLAGES - 1)
    chosen = set(first)  # membership only
    rest = [v for v in others if v not in chosen]
    rng.shuffle(rest)

    first_sizes = split_total(rng, BATCH1_GROUPS - XINGHUO_GROUPS, len(first), 8, 30)
    rest_sizes = split_total(rng, JINSHAN_GROUPS - BATCH1_GROUPS, len(rest), 8, 30)
    later_batch = _later_batches(len(rest), LATER_BATCH_VILLAGES)

    batches: list[list[Unit]] = [[], [], [], [], []]
    batches[1] += _village_groups(rng, *xinghuo, XINGHUO_GROUPS)
    for (town, village), n in zip(first, first_sizes, strict=True):
        batches[1] += _village_groups(rng, town, village, n)
    for (town, village), n, b in zip(rest, rest_sizes, later_batch, strict=True):
        batches[b] += _village_groups(rng, town, village, n)
    return batches


def _later_batches(n: int, sizes: dict[int, int]) -> list[int]:
    """Batch numbers for ``n`` shuffled items: sizes[2] in batch 2, sizes[3] in 3, rest in 4."""
    return [2] * sizes[2] + [3] * sizes[3] + [4] * (n - sizes[2] - sizes[3])


def _build_jinshan(rng: random.Random) -> District:
    reserved = (HAIXIN_COMMITTEE, XINGHUO_VILLAGE) + tuple(name for name, _, _ in HAIXIN_COMPOUNDS)
    namer = _Namer(rng, reserved)
    committees, villages = _jinshan_parents(namer)
    batch1, later, haixin = _jinshan_compounds(rng, namer, committees)

    listings = [Listing(u, 1, JINSHAN_BATCH_DATES[1]) for u in batch1]
    listings += [Listing(u, 2, JINSHAN_BATCH_DATES[2]) for u in haixin]
    rng.shuffle(later)
    # The first later compound is created in batch 2, revoked, then listed again in batch 4.
    revoked, later = later[0], later[1:]
    listings += [Listing(revoked, 2, JINSHAN_BATCH_DATES[2]), Listing(revoked, 4, JINSHAN_BATCH_DATES[4])]
    for unit, b in zip(later, _later_batches(len(later), LATER_BATCH_COMPOUNDS), strict=True):
        listings.append(Listing(unit, b, JINSHAN_BATCH_DATES[b]))

    for b, groups in enumerate(_jinshan_village_batches(rng, villages)):
        listings += [Listing(u, b, JINSHAN_BATCH_DATES[b]) for u in groups]

    # Model compounds must already be created on the model date, so draw from batches 1-3.
    candidates = sorted(
        (x.unit for x in listings if x.unit.kind == COMPOUND and x.batch <= 3 and x.unit != revoked),
        key=order_key,
    )
    changes = [StatusChange(revoked, REVOKED, JINSHAN_REVOKE_DATE)]
    changes += [StatusChange(u, MODEL, JINSHAN_MODEL_DATE) for u in rng.sample(candidates, MODEL_COUNT)]

    units = batch1 + haixin + [revoked] + later + [x.unit for x in listings if x.unit.kind == GROUP]
    return _district(units, listings, changes)


def _district(units: list[Unit], listings: list[Listing], changes: list[StatusChange]) -> District:
    return District(
        units=tuple(sorted(units, key=order_key)),
        listings=tuple(sorted(listings, key=lambda x: (x.batch, order_key(x.unit)))),
        changes=tuple(sorted(changes, key=lambda x: (x.date, x.status, order_key(x.unit)))),
    )


# -------------------------------------------------------- Chongming model ---
def _chongming_units(rng: random.Random) -> list[Unit]:
    # Published villages take the first village slot of their town (one per town).
    published = {town: name for town, name, _ in (TAOYUAN, MIHONG, JIBANG)}
    namer = _Namer(rng, (TAOYUAN[1], MIHONG[1], JIBANG[1]))
    units = []
    for town in CHONGMING_TOWNS:
        for i in range(CHONGMING_VILLAGES[town]):
            name = published[town] if i == 0 and town in published else namer.draw(("村",))
            if name == TAOYUAN[1]:
                pop = TAOYUAN_POPULATION
                households = _households_for(rng, pop, 400, 1600)
            else:
                households = rng.randint(400, 1600)
                pop = _population(rng, households)
            units.append(Unit(CHONGMING, town, "", name, VILLAGE, households, pop))
        for _ in range(CHONGMING_COMMUNITIES[town]):
            households = rng.randint(800, 4000)
            name = namer.draw(("社区",))
            units.append(Unit(CHONGMING, town, "", name, COMMUNITY, households, _population(rng, households)))
    return units


def _build_chongming(rng: random.Random) -> District:
    units = _chongming_units(rng)
    pinned = {(TAOYUAN[0], TAOYUAN[1]): TAOYUAN[2], (MIHONG[0], MIHONG[1]): MIHONG[2]}
    rounds = {}
    pool = []
    for u in units:
        if (u.town, u.name) in pinned:
            rounds[u.key] = pinned[(u.town, u.name)]
        else:
            pool.append(u)
    rng.shuffle(pool)
    # Fill each round up to its size, counting the pinned units already in it.
    remaining = dict(CHONGMING_ROUND_SIZES)
    for r in pinned.values():
        remaining[r] -= 1
    labels = [r for r in sorted(remaining) for _ in range(remaining[r])]
    for u, r in zip(pool, labels, strict=True):
        rounds[u.key] = r

    listings = [Listing(u, rounds[u.key], CHONGMING_ROUND_DATES[rounds[u.key]]) for u in units]
    # One round-2 village is revoked, then listed again in round 3.
    round2 = [u for u in units if rounds[u.key] == 2 and u.kind == VILLAGE and u.name != MIHONG[1]]
    revoked = rng.choice(round2)
    listings.append(Listing(revoked, 3, CHONGMING_ROUND_DATES[3]))
    changes = [StatusChange(revoked, REVOKED, CHONGMING_REVOKE_DATE)]
    return _district(units, listings, changes)


def build_model() -> Model:
    """The whole sample as plain rows; each district has its own seeded RNG so that
    changing one district's recipe leaves the other's output untouched."""
    return Model(
        jinshan=_build_jinshan(random.Random(f"{SEED}:{JINSHAN}")),
        chongming=_build_chongming(random.Random(f"{SEED}:{CHONGMING}")),
    )


# ---------------------------------------------------------------- writers ---
def _slash(d: date) -> str:
    return f"{d.year}/{d.month}/{d.day}"


def _chinese(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _write_csv(path: Path, rows: list[list], *, encoding: str = "utf-8", crlf: bool = False) -> Path:
    """Encode explicitly and write bytes, so the platform never translates newlines."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))  # "utf-8-sig" adds the BOM
    return path


def _workbook(path: Path) -> xlsxwriter.Workbook:
    # in_memory pins every zip member's timestamp to 1980-01-01; the temp-file path
    # would stamp them via the local time zone instead.
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True})
    workbook.set_properties({"created": XLSX_CREATED, "author": "campaign sample", "comments": SYNTHETIC_NOTE_EN})
    return workbook


def _write_sheet(workbook, sheet, start_row: int, rows: list[list], date_format=None) -> None:
    """Strings as text, ints as numbers, dates as real Excel date cells."""
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)


def _listed(district: District, batch: int) -> list[Listing]:
    return [x for x in district.listings if x.batch == batch]


BATCH_HEADER = ["区", "街镇", "居委/村", "名称", "类型", "批次", "公布日期"]
# batch 1's notice says which committees and villages it created as a whole: its list marks them
WHOLE_HEADER = "是否整建制"
ROUND_HEADER = ["区", "街镇", "村居名称", "轮次", "公布日期"]


def _batch_rows(district: District, batch: int, label, fmt) -> list[list]:
    return [
        [x.unit.district, x.unit.town, x.unit.parent, x.unit.name, x.unit.kind, label, fmt(x.date)]
        for x in _listed(district, batch)
    ]


def _whole_marks(district: District, batch: int) -> dict[tuple[str, str, str], str]:
    """(town, committee or village, kind) -> 是 when the batch lists every one of its units (with those of
    earlier batches), else 否: what the batch's notice says of each committee and village it touches."""
    units = Counter((u.town, u.parent, u.kind) for u in district.units)
    listed_by_then = sorted({x.unit for x in district.listings if x.batch <= batch}, key=order_key)
    created = Counter((u.town, u.parent, u.kind) for u in listed_by_then)
    listed = {(x.unit.town, x.unit.parent, x.unit.kind) for x in _listed(district, batch)}
    return {k: "是" if created[k] == units[k] else "否" for k in sorted(listed)}


def _round_rows(district: District, rnd: int, fmt) -> list[list]:
    label = f"第{CN_ORDINAL[rnd]}轮"
    return [[x.unit.district, x.unit.town, x.unit.name, label, fmt(x.date)] for x in _listed(district, rnd)]


def _write_totals(out: Path) -> Path:
    rows = [["区", "类型", "官方总数", "截至日期", "来源", "批次"]]
    for district, kind, total in (
        (JINSHAN, COMPOUND, JINSHAN_COMPOUNDS),
        (JINSHAN, GROUP, JINSHAN_GROUPS),
        (CHONGMING, "村居", CHONGMING_UNITS),
    ):
        rows.append([district, kind, total, AS_OF.isoformat(), SOURCE, ""])
    # what Jinshan's batch 1 notice published: the quality page checks the lists against it
    for kind, count in ((COMPOUND, BATCH1_COMPOUNDS), (GROUP, BATCH1_GROUPS)):
        rows.append([JINSHAN, kind, count, JINSHAN_BATCH_DATES[1].isoformat(), BATCH1_NOTICE, "第1批"])
    return _write_csv(out / "官方总数.csv", rows)


def _write_jinshan_roster(out: Path, district: District) -> Path:
    path = out / "金山区_创建单位名册.xlsx"
    workbook = _workbook(path)
    notes = workbook.add_worksheet("填表说明")
    notes.set_column(0, 0, 90)
    for r, line in enumerate(
        (
            "金山区“无疫小区”创建单位名册 填表说明",
            "1. “小区”表每行一个小区，“村民小组”表每行一个村民小组，请勿合并单元格。",
            "2. 居委名称以“居民区”或“社区”结尾，村名以“村”结尾，与街镇上报名称一致。",
            "3. 户数、人口填写整数，不带单位。",
            f"4. 本表为样例数据：{SYNTHETIC_NOTE_ZH}",
        )
    ):
        notes.write_string(r, 0, line)
    for sheet_name, parent_col, name_col, kind in (
        ("小区", "居委", "小区名称", COMPOUND),
        ("村民小组", "村", "村民小组", GROUP),
    ):
        sheet = workbook.add_worksheet(sheet_name)
        sheet.set_column(0, 6, 14)
        rows = [["区", "街镇", parent_col, name_col, "类型", "户数", "人口"]]
        rows += [
            [u.district, u.town, u.parent, u.name, u.kind, u.households, u.population]
            for u in district.units
            if u.kind == kind
        ]
        _write_sheet(workbook, sheet, 0, rows)
    workbook.close()
    return path


def _write_jinshan_batches(out: Path, district: District) -> list[Path]:
    d1 = JINSHAN_BATCH_DATES[1]
    title = f"金山区第一批“无疫小区”名单（{_chinese(d1)}公布）"
    marks = _whole_marks(district, 1)
    rows = [[*r, marks[(r[1], r[2], r[4])]] for r in _batch_rows(district, 1, "第一批", _slash)]
    batch1 = [[title], [*BATCH_HEADER, WHOLE_HEADER], *rows]
    paths = [_write_csv(out / "金山区_第1批.csv", batch1, encoding="utf-8-sig", crlf=True)]

    path = out / "金山区_第2批.xlsx"
    workbook = _workbook(path)
    sheet = workbook.add_worksheet("第二批")
    sheet.set_column(0, 6, 14)
    date_format = workbook.add_format({"num_format": "yyyy/m/d"})
    _write_sheet(workbook, sheet, 0, [BATCH_HEADER, *_batch_rows(district, 2, 2, lambda d: d)], date_format)
    workbook.close()
    paths.append(path)

    batch3 = [BATCH_HEADER, *_batch_rows(district, 3, "第3批", _chinese)]
    paths.append(_write_csv(out / "金山区_第3批.csv", batch3, encoding="gb18030", crlf=True))
    batch4 = [BATCH_HEADER, *_batch_rows(district, 4, "4", date.isoformat)]
    paths.append(_write_csv(out / "金山区_第4批.csv", batch4))
    return paths


def _write_jinshan_changes(out: Path, district: District) -> list[Path]:
    def rows(status: str) -> list[list]:
        return [
            [c.unit.district, c.unit.town, c.unit.parent, c.unit.name, c.status, c.date.isoformat()]
            for c in district.changes
            if c.status == status
        ]

    revoked = [["区", "街镇", "居委/村", "名称", "状态", "公布日期"], *rows(REVOKED)]
    model = [["区", "街镇", "居委", "小区名称", "状态", "公布日期"], *rows(MODEL)]
    return [
        _write_csv(out / "金山区_取消名单.csv", revoked, encoding="utf-8-sig", crlf=True),
        _write_csv(out / "金山区_示范无疫小区.csv", model, encoding="utf-8-sig", crlf=True),
    ]


def _write_chongming_roster(out: Path, district: District) -> Path:
    rows = [["区", "街镇", "村居名称", "类型", "户数", "人口"]]
    rows += [[u.district, u.town, u.name, u.kind, u.households, u.population] for u in district.units]
    return _write_csv(out / "崇明区_村居名册.csv", rows, encoding="gb18030", crlf=True)


def _blemish_round2(rows: list[list]) -> None:
    """Typing slips a reader forgives and the ingest must normalise: a padded
    name and full-width digits in a date.  Fixed rows keep output stable."""
    rows[len(rows) // 3][2] = f" {rows[len(rows) // 3][2]}  "
    date_text = rows[2 * len(rows) // 3][4]
    rows[2 * len(rows) // 3][4] = date_text.replace("2022", "２０２２")


def _write_chongming_rounds(out: Path, district: District) -> list[Path]:
    path = out / "崇明区_第1轮.xlsx"
    workbook = _workbook(path)
    sheet = workbook.add_worksheet("第一轮")
    sheet.set_column(0, 4, 14)
    title = f"崇明区第一轮无疫村居名单（{_chinese(CHONGMING_ROUND_DATES[1])}公布）"
    sheet.write_string(0, 0, title, workbook.add_format({"bold": True}))
    date_format = workbook.add_format({"num_format": "yyyy/m/d"})
    _write_sheet(workbook, sheet, 1, [ROUND_HEADER, *_round_rows(district, 1, lambda d: d)], date_format)
    workbook.close()
    paths = [path]

    round2 = _round_rows(district, 2, _slash)
    _blemish_round2(round2)
    paths.append(_write_csv(out / "崇明区_第2轮.csv", [ROUND_HEADER, *round2], encoding="gb18030", crlf=True))
    for rnd in (3, 4):
        rows = [ROUND_HEADER, *_round_rows(district, rnd, date.isoformat)]
        paths.append(_write_csv(out / f"崇明区_第{rnd}轮.csv", rows))

    revoked = [["区", "街镇", "村居名称", "状态", "公布日期"]]
    revoked += [[c.unit.district, c.unit.town, c.unit.name, c.status, c.date.isoformat()] for c in district.changes]
    paths.append(_write_csv(out / "崇明区_取消名单.csv", revoked, encoding="utf-8-sig", crlf=True))
    return paths


# (file, 中文说明, English description) -- rendered as the README's file table.
FILE_NOTES = (
    ("官方总数.csv", "各区官方总数及金山第一批公示数", "official totals; Jinshan batch 1 notice counts"),
    ("金山区_创建单位名册.xlsx", "小区、村民小组名册及填表说明", "roster of compounds and village groups"),
    (
        "金山区_第1批.csv",
        "第一批；UTF-8 带 BOM，首行为标题；“是否整建制”列标出整居、整村创建的居委和村",
        "batch 1; UTF-8 with BOM, title line first; 是否整建制 marks the committees and villages created whole",
    ),
    ("金山区_第2批.xlsx", "第二批；批次为数字，Excel 日期", "batch 2; numeric batch, Excel date cells"),
    ("金山区_第3批.csv", "第三批；GB18030，中文日期", "batch 3; GB18030, Chinese dates"),
    (
        "金山区_第4批.csv",
        "第四批；UTF-8，含一个重新创建的小区",
        "batch 4; UTF-8, re-lists one revoked compound",
    ),
    ("金山区_取消名单.csv", "取消名单", "revocations"),
    ("金山区_示范无疫小区.csv", "示范无疫小区", "model compounds"),
    ("崇明区_村居名册.csv", "村、社区名册；GB18030", "roster of villages and communities; GB18030"),
    ("崇明区_第1轮.xlsx", "第一轮；第1行标题，第2行表头", "round 1; title in row 1, header in row 2"),
    (
        "崇明区_第2轮.csv",
        "第二轮；GB18030，故意留一处多余空格、一处全角数字",
        "round 2; GB18030, one padded name, one full-width date on purpose",
    ),
    ("崇明区_第3轮.csv", "第三轮；UTF-8，含一个重新创建的村", "round 3; UTF-8, re-lists one revoked village"),
    ("崇明区_第4轮.csv", "第四轮；UTF-8", "round 4; UTF-8"),
    ("崇明区_取消名单.csv", "取消名单", "revocations"),
    (
        "金山区_网格名册.csv",
        "网格名册；UTF-8 带 BOM，区、街镇、村居只在每棵网格树的首行填写",
        "grid roster; UTF-8 with BOM, district, town and village only on each tree's first row",
    ),
    ("崇明区_网格名册.csv", "网格名册；GB18030", "grid roster; GB18030"),
    ("金山区_服务记录.csv", "为民服务记录；UTF-8 带 BOM", "services log; UTF-8 with BOM"),
    ("崇明区_服务记录.csv", "为民服务记录；UTF-8，英文表头", "services log; UTF-8, English headers"),
)

README_HEAD = """# 样例数据 / Sample data

本目录由 `campaign/generate/sample.py` 生成（固定随机种子，重复运行逐字节一致），请勿手工修改。
Generated by `campaign/generate/sample.py` (fixed seed, byte-identical on every run); do not edit by hand.

## 文件 / Files

| 文件 / File | 内容 | Contents |
|---|---|---|
"""

README_FIGURES = """
## 公开数字 / Published figures

来源：人民网上海频道 2022-05-23（转载《解放日报》报道）及两区公布的批次名单。
Source: People's Daily Online, Shanghai channel, 2022-05-23 (from Jiefang Daily),
and the districts' batch notices.

- 金山区：393 个小区、2,293 个村民小组，截至 2022-05-23 全部创建。
  第一批（2022-05-05）150 个小区，涉及 76 个居委，其中 43 个整建制创建；
  1,487 个村民小组，涉及 80 个村，均整村创建。
  山阳镇海欣居民区（海欣家园、海皓馨苑）共 2,800 户、5,400 人，第二批创建；金山卫镇星火村 4,100 人。
- Jinshan: 393 compounds and 2,293 village groups, all created by 2022-05-23.
  Batch 1 (2022-05-05): 150 compounds in 76 committees, 43 of them whole;
  1,487 village groups in 80 villages, all whole.
  海欣居民区 in 山阳镇 (海欣家园, 海皓馨苑): 2,800 households, 5,400 people, batch 2.
  星火村 in 金山卫镇: 4,100 people.
- 崇明区：357 个村居，截至 2022-05-23 全部创建；第一轮 2022-04-22、第二轮 2022-04-25 公布。
  堡镇桃源村（2,960 人）第一轮，庙镇米洪村第二轮，中兴镇汲浜村已创建。
- Chongming: 357 villages and communities, all created by 2022-05-23;
  round 1 published 2022-04-22, round 2 2022-04-25.
  桃源村 (堡镇, 2,960 people) in round 1, 米洪村 (庙镇) in round 2, 汲浜村 (中兴镇) created.

## 合成数据 / Synthetic

"""

README_SYNTHETIC = """
具体包括：除海欣居民区、海欣家园、海皓馨苑、星火村、桃源村、米洪村、汲浜村外的全部名称；
除上述数字外的全部户数和人口（海欣居民区两个小区之间的分配也是合成的）；各街镇分布；
金山区第二至四批日期（2022-05-09、05-14、05-20）；崇明区第三、四轮日期（2022-05-06、05-16）；
取消名单和示范名单。

In detail: every name except 海欣居民区, 海欣家园, 海皓馨苑, 星火村, 桃源村, 米洪村 and 汲浜村;
every household and population figure except those above (the split between 海欣居民区's
two compounds is synthetic too); all per-town splits; Jinshan batch 2-4 dates
(2022-05-09, 05-14, 05-20); Chongming round 3-4 dates (2022-05-06, 05-16);
the revocations and the model list.
"""


def _readme() -> str:
    table = "".join(f"| {name} | {zh} | {en} |\n" for name, zh, en in FILE_NOTES)
    notes = f"{SYNTHETIC_NOTE_ZH}\n\n{SYNTHETIC_NOTE_EN}\n"
    return README_HEAD + table + README_FIGURES + notes + README_SYNTHETIC + README_GRIDS


def write_sample(out_dir: str | os.PathLike) -> list[Path]:
    """Write every sample file into ``out_dir`` (created if missing); return the paths, sorted."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = build_model()
    paths = [
        _write_totals(out),
        _write_jinshan_roster(out, model.jinshan),
        *_write_jinshan_batches(out, model.jinshan),
        *_write_jinshan_changes(out, model.jinshan),
        _write_chongming_roster(out, model.chongming),
        *_write_chongming_rounds(out, model.chongming),
        *_write_grids(out, model),
        *_write_services(out, model),
    ]
    readme = out / "README.md"
    readme.write_bytes(_readme().encode("utf-8"))
    paths.append(readme)
    return sorted(paths)


# ------------------------------------------------------ grids and services ---
# Published (the campaign's published sources): 星火村 has 1 total grid, 4 sub-grids, 20 micro-grids and
# house-base grids of 5-15 households; 287 workers and volunteers, each linked to 3-5 households; since
# the outbreak it delivered medicine 1,500+ times, issued 320+ medical certificates, arranged 32
# cross-district hospital transfers, delivered 15,000+ supply parcels and gave 62 special persons or
# households a service officer. 海欣家园 is split into 7 big grids and 26 small grids. 汲浜村 guarded its
# 28 road entrances. Everything else below (other trees, the split of households and workers over
# grids, days, other places' services, the exact figure behind each "+") is synthetic.
XINGHUO_SUBGRIDS, XINGHUO_MICRO_PER_SUB = 4, 5
XINGHUO_WORKERS = 287
XINGHUO_LINKED = "3-5"
HOUSE_GRID_HOUSEHOLDS = (5, 15)
HAIXIN_GARDEN = "海欣家园"
HAIXIN_BIG, HAIXIN_SMALL = 7, 26
# "1,500+", "320+", "15,000+": synthetic exact figures just above the published ones
XINGHUO_SERVICES = {"送药": 1518, "开具证明": 324, "跨区转运就医": 32, "物资配送": 15236, "特殊人群服务": 62}
JIBANG_ROAD_ENTRANCES = 28
JIBANG_GUARD_DAY = date(2022, 4, 1)  # synthetic day
SERVICES_FROM = date(2022, 3, 28)  # synthetic: the log starts with the lockdown
GRID_SAMPLE_PLACES = 4  # synthetic trees: this many more villages and committees per district


README_GRIDS = f"""
## 网格与服务 / Grids and services

{GRIDS_NOTE_ZH}

{GRIDS_NOTE_EN}

“1500 余次”等带“余”的数字，样例中取略高于公布数的合成整数（1,518、324、15,236）。
Where the source says "+" the sample holds a synthetic figure just above it (1,518, 324, 15,236).
"""

GRID_HEADER = ["区", "街镇", "居委/村", "网格", "上级网格", "网格层级", "户数", "工作人员和志愿者", "每人联系户数"]


@dataclass(frozen=True)
class Grid:
    district: str
    town: str
    committee: str
    name: str
    parent: str  # "" for the top of a tree
    level: str  # 总网格 / 子网格 / 微网格 / 宅基网格 / 大网格 / 小网格
    households: int
    workers: int
    linked: str


def _village_tree(
    rng: random.Random, place: tuple[str, str, str], households: int, subs: int, micro: int, workers: int, linked: str
) -> list[Grid]:
    """总网格 > 子网格 > 微网格 > 宅基网格 (5-15 households each); workers split over the levels."""
    district, town, village = place
    lo, hi = HOUSE_GRID_HOUSEHOLDS
    top = f"{village}总网格"
    sub_households = split_total(rng, households, subs, households // subs // 2, households)
    # micro-grids first, so that every one can be cut into house-base grids of 5-15 households
    micro_households = [split_total(rng, h, micro, lo, h) for h in sub_households]
    house_counts = [[rng.randint(math.ceil(m / hi), m // lo) for m in row] for row in micro_households]
    house_total = sum(sum(row) for row in house_counts)
    # workers: the village's leaders at the top, a few per sub- and micro-grid, the rest in house-base grids
    at_top, per_sub, per_micro = 7, 5, 3
    rest = workers - at_top - per_sub * subs - per_micro * subs * micro
    house_workers = split_total(rng, rest, house_total, 0, 3)
    grids = [Grid(district, town, village, top, "", "总网格", households, at_top, linked)]
    w = iter(house_workers)
    for i, (sh, row, counts) in enumerate(zip(sub_households, micro_households, house_counts, strict=True), start=1):
        sub = f"第{i}子网格"
        grids.append(Grid(district, town, village, sub, top, "子网格", sh, per_sub, linked))
        for j, (mh, n) in enumerate(zip(row, counts, strict=True), start=1):
            name = f"第{i}-{j}微网格"
            grids.append(Grid(district, town, village, name, sub, "微网格", mh, per_micro, linked))
            for k, hh in enumerate(split_total(rng, mh, n, lo, hi), start=1):
                grids.append(Grid(district, town, village, f"{name}宅基{k}", name, "宅基网格", hh, next(w), linked))
    return grids


def _compound_tree(
    rng: random.Random, place: tuple[str, str, str], prefix: str, households: int, big: int, small: int
) -> list[Grid]:
    """大网格 > 小网格 for one compound; the tops carry the compound's name."""
    district, town, committee = place
    big_households = split_total(rng, households, big, households // big // 2, households)
    small_counts = split_total(rng, small, big, 1, small)
    grids = []
    for i, (bh, n) in enumerate(zip(big_households, small_counts, strict=True), start=1):
        top = f"{prefix}第{i}大网格"
        grids.append(Grid(district, town, committee, top, "", "大网格", bh, rng.randint(1, 2), "20-40"))
        for j, sh in enumerate(split_total(rng, bh, n, 1, bh), start=1):
            grids.append(
                Grid(district, town, committee, f"{top}{j}小网格", top, "小网格", sh, rng.randint(2, 6), "15-30")
            )
    return grids


def _places_with_households(district: District) -> dict[tuple[str, str, str], int]:
    """(district, town, committee or village) -> households, in roster order."""
    out: dict[tuple[str, str, str], int] = {}
    for u in district.units:
        key = (u.district, u.town, u.parent or u.name)
        out[key] = out.get(key, 0) + u.households
    return out


def build_grids(model: Model) -> tuple[list[Grid], list[Grid]]:
    """(Jinshan's grids, Chongming's grids); a separate seeded RNG leaves the older files untouched."""
    rng = random.Random(f"{SEED}:grids")
    jinshan = _places_with_households(model.jinshan)
    xinghuo = (JINSHAN, XINGHUO_TOWN, XINGHUO_VILLAGE)
    grids = _village_tree(
        rng, xinghuo, jinshan[xinghuo], XINGHUO_SUBGRIDS, XINGHUO_MICRO_PER_SUB, XINGHUO_WORKERS, XINGHUO_LINKED
    )
    haixin = (JINSHAN, HAIXIN_TOWN, HAIXIN_COMMITTEE)
    garden = next(hh for name, hh, _ in HAIXIN_COMPOUNDS if name == HAIXIN_GARDEN)
    grids += _compound_tree(rng, haixin, HAIXIN_GARDEN, garden, HAIXIN_BIG, HAIXIN_SMALL)
    villages = [k for k in jinshan if k[2].endswith("村") and k != xinghuo]
    committees = [k for k in jinshan if not k[2].endswith("村") and k != haixin]
    for place in rng.sample(villages, GRID_SAMPLE_PLACES):
        hh = jinshan[place]
        grids += _village_tree(rng, place, hh, rng.randint(2, 4), rng.randint(2, 4), hh // 6 + 60, "3-6")
    for place in rng.sample(committees, GRID_SAMPLE_PLACES):
        grids += _compound_tree(rng, place, place[2], jinshan[place], rng.randint(3, 6), rng.randint(8, 16))
    chongming = _places_with_households(model.chongming)
    jibang = (CHONGMING, JIBANG[0], JIBANG[1])
    picked = [jibang] + rng.sample([k for k in chongming if k != jibang and k[2].endswith("村")], GRID_SAMPLE_PLACES)
    cm_grids = []
    for place in picked:
        hh = chongming[place]
        cm_grids += _village_tree(rng, place, hh, rng.randint(2, 4), rng.randint(2, 4), hh // 6 + 60, "4-8")
    return grids, cm_grids


def _grid_rows(grids: list[Grid], *, blank_repeats: bool) -> list[list]:
    rows, last = [GRID_HEADER], None
    for g in grids:
        place = [g.district, g.town, g.committee]
        shown = ["", "", ""] if blank_repeats and place == last else place
        last = place
        rows.append([*shown, g.name, g.parent, g.level, g.households, g.workers, g.linked])
    return rows


def _write_grids(out: Path, model: Model) -> list[Path]:
    jinshan, chongming = build_grids(model)
    return [
        _write_csv(out / "金山区_网格名册.csv", _grid_rows(jinshan, blank_repeats=True), encoding="utf-8-sig"),
        _write_csv(
            out / "崇明区_网格名册.csv", _grid_rows(chongming, blank_repeats=False), encoding="gb18030", crlf=True
        ),
    ]


@dataclass(frozen=True)
class Service:
    district: str
    town: str
    committee: str
    day: date
    kind: str  # as the log writes it: 送药, 开具证明, 跨区转运就医, 物资配送, 特殊人群服务, 道口值守
    count: int


def _days(first: date, last: date) -> list[date]:
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


def build_services(model: Model) -> list[Service]:
    """星火村 day by day (published totals), 汲浜村's road entrances, synthetic weeks elsewhere."""
    rng = random.Random(f"{SEED}:services")
    days = _days(SERVICES_FROM, AS_OF)
    out = []
    for kind, total in XINGHUO_SERVICES.items():
        hi = max(1, math.ceil(3 * total / len(days)))
        for day, n in zip(days, split_total(rng, total, len(days), 0, hi), strict=True):
            if n:
                out.append(Service(JINSHAN, XINGHUO_TOWN, XINGHUO_VILLAGE, day, kind, n))
    out.append(Service(CHONGMING, JIBANG[0], JIBANG[1], JIBANG_GUARD_DAY, "道口值守", JIBANG_ROAD_ENTRANCES))
    weeks = days[::7]
    for district in (model.jinshan, model.chongming):
        places = [k for k in _places_with_households(district) if k[2] not in (XINGHUO_VILLAGE, JIBANG[1])]
        for place in rng.sample(places, 12):
            for day in weeks:
                for kind, lo, hi in (("送药", 5, 60), ("开具证明", 0, 15), ("物资配送", 50, 900)):
                    if n := rng.randint(lo, hi):
                        out.append(Service(*place, day, kind, n))
    return out


def _write_services(out: Path, model: Model) -> list[Path]:
    services = build_services(model)
    jinshan = [["区", "街镇", "居委/村", "日期", "服务类型", "次数"]]
    jinshan += [
        [s.district, s.town, s.committee, s.day.isoformat(), s.kind, s.count] for s in services if s.district == JINSHAN
    ]
    english = {"送药": "medicine", "开具证明": "certificate", "物资配送": "parcel", "道口值守": "road guard"}
    chongming = [["district", "town", "village", "date", "service", "count"]]
    chongming += [
        [s.district, s.town, s.committee, _slash(s.day), english[s.kind], s.count]
        for s in services
        if s.district == CHONGMING
    ]
    return [
        _write_csv(out / "金山区_服务记录.csv", jinshan, encoding="utf-8-sig", crlf=True),
        _write_csv(out / "崇明区_服务记录.csv", chongming),
    ]
