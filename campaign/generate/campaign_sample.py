"""A small synthetic sample of any campaign, from its definition alone: the bundled sample of a campaign other than
the 无疫小区 one (``data/sample/<key>/``), and a campaign's files for tests.

Over the 无疫小区 sample's two districts (金山区 in batches, 崇明区 in rounds) and a few of their towns: a roster
of every unit with its kind, official totals, status lists written with the campaign's own status words (its done
status, and where it has them its undoing, applied and model statuses), and a README saying that every name and
number is synthetic. Seeded by the campaign's key: the same bytes every time.

    from campaign.generate.campaign_sample import write_campaign_sample
    write_campaign_sample("data/sample/laji", definition("campaign/campaigns/laji.toml"))
"""

from __future__ import annotations

import csv
import io
import random
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from campaign.definition import DEFAULT_KEY, DONE_STATUS, UNDO_STATUS, Definition
from campaign.generate.sample import (
    CHONGMING,
    CHONGMING_TOWNS,
    COMPOUND_SUFFIXES,
    FIRST_SYLLABLES,
    JINSHAN,
    JINSHAN_TOWNS,
    SECOND_SYLLABLES,
    write_sample,
)

TOWNS = 3  # towns of each district
UNITS_PER_TOWN = {JINSHAN: 8, CHONGMING: 5}
ROUNDS = {JINSHAN: False, CHONGMING: True}  # 金山区 counts batches, 崇明区 rounds, as the 无疫小区 sample
OWN_COMMITTEE = ("village", "community")  # kinds that are their own committee (a roster leaves 居委/村 blank)
SOURCE = "合成数据 (synthetic)"


@dataclass(frozen=True)
class _Unit:
    district: str
    town: str
    committee: str
    name: str
    kind: str  # the kind's first word, as a roster writes it
    households: int


def write_campaign_sample(out_dir: str | Path, campaign: Definition) -> list[Path]:
    """The sample of ``campaign`` in ``out_dir`` (created if missing): the bundled 无疫小区 sample for the default
    campaign, else a small synthetic one from the definition; the paths written, sorted."""
    if campaign.key == DEFAULT_KEY:
        return write_sample(out_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(zlib.crc32(campaign.key.encode()))
    start = date(campaign.year or 2023, 4, 6)
    paths: list[Path] = []
    units: dict[str, list[_Unit]] = {}
    for district, towns in ((JINSHAN, JINSHAN_TOWNS), (CHONGMING, CHONGMING_TOWNS)):
        units[district] = _units(rng, campaign, district, towns[:TOWNS])
        paths.append(_roster(out, district, units[district]))
        paths += _lists(out, rng, campaign, district, units[district], start)
    paths.append(_totals(out, campaign, units, start))
    readme = out / "README.md"
    readme.write_text(_readme(campaign, units), encoding="utf-8")
    return sorted([*paths, readme])


def _units(rng: random.Random, campaign: Definition, district: str, towns: tuple[str, ...]) -> list[_Unit]:
    used: set[str] = set()

    def name(ending: str) -> str:
        while True:
            drawn = rng.choice(FIRST_SYLLABLES) + rng.choice(SECOND_SYLLABLES) + ending
            if drawn not in used:
                used.add(drawn)
                return drawn

    out: list[_Unit] = []
    kinds = campaign.kinds
    for town in towns:
        committee = name("居委")
        for i in range(UNITS_PER_TOWN[district]):
            kind = kinds[0] if i % 3 or len(kinds) == 1 else kinds[1 + (i // 3) % (len(kinds) - 1)]
            # a kind a name's ending says (…村) gets a name so ending; another a compound's name (…花园)
            ending = kind.words[0] if kind.name_ending else rng.choice(COMPOUND_SUFFIXES)
            own = kind.key in OWN_COMMITTEE
            out.append(
                _Unit(district, town, "" if own else committee, name(ending), kind.words[0], rng.randint(80, 900))
            )
    return out


def _write(path: Path, rows: list[list[object]], title: str | None = None) -> Path:
    text = io.StringIO()
    if title:
        text.write(title + "\n")
    csv.writer(text, lineterminator="\n").writerows(rows)
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def _roster(out: Path, district: str, units: list[_Unit]) -> Path:
    rows = [["区", "街镇", "居委/村", "名称", "类型", "户数", "人口"]]
    rows += [[u.district, u.town, u.committee, u.name, u.kind, u.households, u.households * 2 + 37] for u in units]
    return _write(out / f"{district}_名册.csv", rows)


def _lists(
    out: Path, rng: random.Random, campaign: Definition, district: str, units: list[_Unit], start: date
) -> list[Path]:
    """Three batches (or rounds) taking most units, then the changes: one undone and done again, one undone for
    good, some applied among those not done, a model among those done."""
    words = {s.key: s.words[0] for s in campaign.statuses}
    rounds = ROUNDS[district]
    order = units[:]
    rng.shuffle(order)
    sizes = (len(order) // 3, len(order) // 3, len(order) // 5)
    header = ["区", "街镇", "居委/村", "名称", "状态", "轮次" if rounds else "批次", "公布日期"]
    paths, taken = [], 0
    for n, size in enumerate(sizes, start=1):
        day = start + timedelta(days=7 * n + (2 if rounds else 0))
        mark = f"第{n}{'轮' if rounds else '批'}"
        listed = order[taken : taken + size]
        rows = [[u.district, u.town, u.committee, u.name, words[DONE_STATUS], mark, day] for u in listed]
        title = f"{district}{mark}{campaign.name.zh}名单（{day.month}月{day.day}日公布）"
        paths.append(_write(out / f"{district}_{mark}.csv", [header, *rows], title))
        taken += size
    done, rest = order[:taken], order[taken:]
    changes = [["区", "街镇", "居委/村", "名称", "状态", header[5], "公布日期"]]
    last = start + timedelta(days=7 * len(sizes))
    if UNDO_STATUS in words and len(done) > 2:
        for u in done[:2]:
            changes.append([u.district, u.town, u.committee, u.name, words[UNDO_STATUS], "", last + timedelta(days=2)])
        u = done[0]  # reviewed again and passed, in the next batch (or round)
        again = f"第{len(sizes) + 1}{'轮' if rounds else '批'}"
        changes.append([u.district, u.town, u.committee, u.name, words[DONE_STATUS], again, last + timedelta(days=9)])
    for key, among in (("applied", rest[: max(1, len(rest) // 2)]), ("model", done[3:4])):
        if key in words:
            day = last + timedelta(days=5)
            changes += [[u.district, u.town, u.committee, u.name, words[key], "", day] for u in among]
    paths.append(_write(out / f"{district}_变动.csv", changes))
    return paths


def _totals(out: Path, campaign: Definition, units: dict[str, list[_Unit]], start: date) -> Path:
    rows = [["区", "类型", "官方总数", "截至日期", "来源"]]
    for district, listed in units.items():
        for kind in campaign.kinds:
            count = sum(u.kind == kind.words[0] for u in listed)
            if count:
                rows.append([district, kind.words[0], count, start + timedelta(days=30), SOURCE])
    return _write(out / "官方总数.csv", rows)


def _readme(campaign: Definition, units: dict[str, list[_Unit]]) -> str:
    counts = "；".join(f"{d} {len(u)} 个单位" for d, u in units.items())
    return f"""# 样例数据：{campaign.name.zh} / Sample data: {campaign.name.en}

本目录由 `campaign/generate/campaign_sample.py` 按活动定义 `{campaign.key}.toml` 生成
（固定随机种子，重复运行逐字节一致），请勿手工修改。
Generated by `campaign/generate/campaign_sample.py` from the campaign definition `{campaign.key}.toml`
(seeded: byte-identical on every run); do not edit by hand.

## 合成数据 / Synthetic

全部为合成数据：区和街镇的名称取自无疫小区样例，其余名称、户数、人口、批次、日期、官方总数和状态变动均为合成，
不代表任何真实的{campaign.name.zh}创建情况。{counts}。

Everything here is synthetic: the districts and towns are the 无疫小区 sample's, and every other name, household
count, population, batch, date, official total and change of status is made up; none describes a real campaign.

## 文件 / Files

- `<区>_名册.csv`: 名册，含类型 (roster, with each unit's kind)
- `<区>_第N批.csv` / `<区>_第N轮.csv`: 批次或轮次名单，状态列用本活动的词 (batch or round lists in the campaign's words)
- `<区>_变动.csv`: 复查、申报等状态变动 (later changes of status)
- `官方总数.csv`: 官方总数（合成） (official totals, synthetic)
"""
