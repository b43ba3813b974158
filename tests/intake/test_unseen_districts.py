"""Districts no test has seen, their files written in the shapes towns use, chosen at random (Hypothesis).

Each example makes a district (its towns, committees, units of one kind, batches, revocations, model listings),
writes its roster (or none: roster-less) and its lists as a town would (header synonyms, column order, extra
columns, title lines carrying district / batch / date in their written forms, merged-cell blanks, the district only
in the file name or only in the roster, the kind only in the header or the names, stray spaces, UTF-8 / BOM /
GB18030 / UTF-16 / XLSX with an instruction sheet, a cumulative list; and as reviewers found them: a district written
上海市X区, batches 批次：N and （第N批）, 创建时间 / 验收日期 / 验收时间, days in Chinese numerals, 村居 as the
committee beside the name, a 是否创建成功 column with no-rows, a revocation said only in 备注, revocations of units
never created, 整建制 lists naming committees only, a workbook's batch or date merged down), ingests them and
checks the published figures against the generator's truth as of every date. CI runs a few hundred derandomised
examples; more:

    CAMPAIGN_HYPOTHESIS_EXAMPLES=3000 uv run pytest tests/intake/test_unseen_districts.py

A failure found here becomes a case in tests/corpus/ before it is fixed.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.answers import queries
from campaign.intake.ingest import Defaults, ingest
from campaign.snapshot import store

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("CAMPAIGN_HYPOTHESIS_EXAMPLES", "200"))
TODAY = dt.date(2026, 12, 3)
# characters of made-up place names: none makes 区 / 县 / 镇 / 村 / 组 part of a name, nor a word ingest reads
NAME_CHARS = "东西南北安宁和平康泰嘉兴瑞丰青云金银玉华光明春秋松竹梅兰桂荷清溪河湖江海山林田泉石"
CN_NUM = "零一二三四五六七八九十"
KIND_WORD = {"compound": "小区", "village_group": "村民小组", "village": "村", "community": "社区"}


@dataclass
class Unit:
    town: str
    committee: str
    name: str
    created: dt.date | None = None  # with its batch
    batch: int | None = None
    revoked: dt.date | None = None  # a revocation listed; of a unit never created, it changes no figure
    model: dt.date | None = None  # a model listing (implies created when there is no creation)


@dataclass
class District:
    name: str
    kind: str
    units: list[Unit]
    batch_days: list[dt.date]
    rounds: bool
    events_days: list[dt.date] = field(default_factory=list)

    def state(self, day: dt.date) -> dict[str, int]:
        created = revoked = model = 0
        for u in self.units:
            first = u.created if u.created is not None else u.model
            if first is None or first > day:
                continue
            if u.revoked is not None and u.revoked <= day:
                revoked += 1
                continue
            created += 1
            if u.model is not None and u.model <= day:
                model += 1
        return {"created": created, "revoked": revoked, "model": model}


def _name(draw, n: int, used: set[str], suffix: str) -> str:
    while True:
        text = "".join(draw(st.sampled_from(NAME_CHARS)) for _ in range(n)) + suffix
        if text not in used:
            used.add(text)
            return text


@st.composite
def districts(draw) -> District:
    used: set[str] = set()
    name = _name(draw, 2, used, "区")
    kind = draw(st.sampled_from(list(KIND_WORD)))
    units: list[Unit] = []
    for _ in range(draw(st.integers(1, 3))):
        town = _name(draw, 2, used, draw(st.sampled_from(["镇", "街道"])))
        for _ in range(draw(st.integers(1, 2))):
            if kind == "compound":
                committee = _name(draw, 2, used, "居委")
                names = [_name(draw, 2, used, "苑") for _ in range(draw(st.integers(1, 3)))]
            elif kind == "village_group":
                committee = _name(draw, 2, used, "村")
                names = [f"{committee}{k + 1}组" for k in range(draw(st.integers(1, 3)))]
            else:  # a village or community is its own committee
                committee = _name(draw, 2, used, "村" if kind == "village" else "社区")
                names = [committee]
            units += [Unit(town, committee, n) for n in names]
    start = dt.date(2022, 4, 20) + dt.timedelta(days=draw(st.integers(0, 10)))
    gaps = draw(st.lists(st.integers(1, 6), min_size=1, max_size=3))
    days = [start]
    for gap in gaps[1:]:
        days.append(days[-1] + dt.timedelta(days=gap))
    later = days[-1] + dt.timedelta(days=draw(st.integers(1, 5)))
    for u in units:
        fate = draw(
            st.sampled_from(
                ["created", "created", "created", "never", "revoked", "model", "model_only", "revoked_only"]
            )
        )
        if fate not in ("never", "model_only", "revoked_only"):
            u.batch = draw(st.integers(1, len(days)))
            u.created = days[u.batch - 1]
        if fate in ("revoked", "revoked_only"):
            u.revoked = later
        elif fate in ("model", "model_only"):
            u.model = later
    if not any(u.created or u.model for u in units):
        units[0].created, units[0].batch = days[0], 1  # a district that has begun: one unit listed at least
    return District(name, kind, units, days, draw(st.booleans()))


# ------------------------------------------------------------------------------------- writing files ---
def batch_word(draw, b: int, rounds: bool) -> str:
    unit = "轮" if rounds else "批"
    forms = [f"第{b}{unit}", f"第{CN_NUM[b]}{unit}", str(b), f"批次：{b}", f"（第{b}{unit}）"]
    if b == 1:
        forms.append(f"首{unit}")
    return draw(st.sampled_from(forms))


def title_batch(draw, b: int, rounds: bool) -> str:
    unit = "轮" if rounds else "批"
    return draw(st.sampled_from([f"第{b}{unit}", f"第{CN_NUM[b]}{unit}"] + ([f"首{unit}"] if b == 1 else [])))


def date_word(draw, day: dt.date, *, in_title: bool = False) -> str:
    forms = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        chinese_day(day),  # 二〇二二年五月九日, as a notice dates itself
    ]
    if in_title:
        forms.append(f"{day.month}月{day.day}日")  # the campaign's year
    return draw(st.sampled_from(forms))


def chinese_day(day: dt.date) -> str:
    """2022-05-09 -> 二〇二二年五月九日 (the year digit by digit; month and day as numbers: 十二, 二十九, 三十一)."""
    digits = "〇一二三四五六七八九"

    def number(n: int) -> str:
        tens, ones = divmod(n, 10)
        return ("" if tens < 2 else digits[tens]) + ("十" if tens else "") + (digits[ones] if ones else "")

    return "".join(digits[int(c)] for c in str(day.year)) + f"年{number(day.month)}月{number(day.day)}日"


FULL_WIDTH = str.maketrans("0123456789/.-", "０１２３４５６７８９／．－")


def full_width(draw, text: str) -> str:
    """Digits as a Chinese input method may type them: ２０２２／５／９."""
    return text.translate(FULL_WIDTH) if draw(st.integers(0, 5)) == 0 else text


def spaced(draw, text: str) -> str:
    """Stray spaces as people type them: around a cell, between its characters."""
    if draw(st.integers(0, 4)) == 0 and len(text) > 1:
        text = text[0] + " " + text[1:]
    if draw(st.integers(0, 4)) == 0:
        text = f" {text} "
    return text


HEADERS = {
    "district": ["区", "所属区", "区名", "district"],
    "town": ["街镇", "街道", "乡镇", "街道/镇", "街道（镇）", "所属街镇", "town"],
    "committee": ["居委", "居委会", "居民区", "居委/村", "所属村居委会", "村居", "committee"],
    "kind": ["类型", "单位类型", "kind"],
    "households": ["户数", "户数（户）", "households"],
    "population": ["人口", "常住人口", "population"],
    "batch": ["批次", "创建批次", "batch"],
    "status": ["状态", "status"],
    "published": ["公布日期", "日期", "发布日期", "创建时间", "验收日期", "验收时间", "公示日期", "date"],
}
GENERIC_NAME = ["名称", "单位名称", "name"]
KIND_NAME = {
    "compound": ["小区名称", "小区", "小区名称（全称）"],
    "village_group": ["村民小组", "村组", "村民小组名称"],
    "village": ["村名", "行政村"],
    "community": ["社区", "社区名称"],
}
KIND_CELLS = {
    "compound": ["小区", "compound"],
    "village_group": ["村民小组", "村组"],
    "village": ["村", "行政村"],
    "community": ["社区", "community"],
}


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list[str]]


FOOTERS = [
    ["合计"],
    ["注：以上排名不分先后"],
    ["填报人：王某", "联系电话：021-12345678"],
    ["共12个单位"],
    ["制表日期：2022年5月9日"],
]


def _footers(draw, sheet: Sheet) -> Sheet:
    """What towns write around a table: a 合计 row, notes under it (tests/intake/test_table_edges.py has more)."""
    width = len(sheet.header)
    extra = draw(st.lists(st.sampled_from(FOOTERS), max_size=2))
    padded = [(line + [""] * width)[:width] for line in extra]
    return Sheet(sheet.title, sheet.header, sheet.rows + padded)


# a workbook's batch or date column may be one cell merged down over every row, as towns lay a list out
MERGEABLE = {*HEADERS["batch"], *HEADERS["published"], "轮次", "round"}


def _merged_columns(draw, sheet: Sheet) -> list[int]:
    """Columns of a batch or date that is the same in every record, to be written as one merged cell."""
    if len(sheet.rows) < 2:
        return []
    same = [
        c
        for c, h in enumerate(sheet.header)
        if h in MERGEABLE and sheet.rows[0][c] != "" and all(row[c] == sheet.rows[0][c] for row in sheet.rows)
    ]
    return [c for c in same if draw(st.booleans())]


def _write(draw, folder: Path, stem: str, sheet: Sheet) -> Path:
    records = len(sheet.rows)
    merged = _merged_columns(draw, sheet)
    sheet = _footers(draw, sheet)
    form = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "xlsx"]))
    if form == "xlsx":
        path = folder / f"{stem}.xlsx"
        book = xlsxwriter.Workbook(path)
        if draw(st.booleans()):
            book.add_worksheet("填表说明").write(0, 0, "请勿修改表头；每行一个单位")
        ws = book.add_worksheet("名单")
        r = 0
        if sheet.title:
            ws.write(0, 0, sheet.title)
            r = 1
        for k, line in enumerate([sheet.header, *sheet.rows]):
            for c, cell in enumerate(line):
                if cell != "" and not (c in merged and 1 <= k <= records):
                    ws.write_string(r + k, c, cell)
        for c in merged:
            ws.merge_range(r + 1, c, r + records, c, sheet.rows[0][c])
        book.close()
        return path
    sep = "\t" if form == "utf-16" else ","
    lines = ([sheet.title] if sheet.title else []) + [sep.join(line) for line in [sheet.header, *sheet.rows]]
    text = "\r\n".join(lines) + "\r\n"
    path = folder / f"{stem}.{'txt' if form == 'utf-16' else 'csv'}"
    path.write_bytes(text.encode("utf-16") if form == "utf-16" else text.encode(form))
    return path


def _layout(draw, cols: list[str], rows: list[dict], names: dict[str, str], merged: bool) -> tuple[list, list]:
    """Columns in a random order with extra ones, rows as cells; district and town blank under merged cells."""
    order = draw(st.permutations(cols))
    extra = [e for e in draw(st.sampled_from([[], ["序号"], ["备注"], ["序号", "备注"]])) if e not in names.values()]
    header = [names[c] for c in order] + extra
    out, above = [], {}
    for k, row in enumerate(rows):
        cells = []
        for c in order:
            value = row[c]
            if merged and c in ("district", "town") and above.get(c) == value and row.get("town") == above.get("town"):
                cells.append("")
            else:
                cells.append(spaced(draw, value) if c in ("town", "committee", "name") else value)
        above = {c: row[c] for c in ("district", "town") if c in row}
        cells += [str(k + 1) if e == "序号" else "" for e in extra]
        out.append(cells)
    return header, out


def write_files(draw, d: District, folder: Path) -> tuple[list[Path], Defaults]:
    files: list[Path] = []
    defaults = Defaults()
    roster = draw(st.integers(0, 4)) > 0
    kind_hint_needed = True
    if roster:
        cols = ["town", "name"]
        if d.kind in ("compound", "village_group"):
            cols.append("committee")
        how_district = draw(st.sampled_from(["column", "title", "file"]))
        if how_district == "column":
            cols.append("district")
        how_kind = draw(st.sampled_from(["column", "header"]))
        if how_kind == "column":
            cols.append("kind")
        cols += [c for c in ("households", "population") if draw(st.booleans())]
        names = {c: draw(st.sampled_from(HEADERS[c])) for c in cols if c != "name"}
        names["name"] = draw(st.sampled_from(GENERIC_NAME if how_kind == "column" else KIND_NAME[d.kind]))
        if d.kind == "village_group" and "committee" in names:
            names["committee"] = draw(st.sampled_from(["村", "居委/村", "村委会"]))
        kind_cell = draw(st.sampled_from(KIND_CELLS[d.kind]))
        district_cell = draw(st.sampled_from([d.name, f"上海市{d.name}"]))
        rows = [
            {
                "district": district_cell,
                "town": u.town,
                "committee": u.committee,
                "name": u.name,
                "kind": kind_cell,
                "households": str(draw(st.integers(1, 3000))),
                "population": str(draw(st.integers(1, 9000))),
            }
            for u in d.units
        ]
        header, cells = _layout(draw, cols, rows, names, merged=draw(st.booleans()))
        title = f"{d.name}{KIND_WORD[d.kind]}名册" if how_district == "title" else ""
        stem = f"{d.name}_名册" if how_district == "file" else "名册"
        files.append(_write(draw, folder, stem, Sheet(title, header, cells)))
        kind_hint_needed = False

    def a_list(
        units: list[Unit],
        status: str | None,
        day: dt.date,
        batch: int | None,
        stem: str,
        cumulative: bool = False,
        never: list[Unit] = (),
    ) -> None:
        nonlocal defaults
        # a 整建制 list names committees only: each stands for its roster units, all of them created in this batch
        whole = (
            roster
            and batch is not None
            and d.kind in ("compound", "village_group")
            and all(v.batch == batch for u in units for v in d.units if v.committee == u.committee)
            and draw(st.integers(0, 2)) == 0
        )
        if whole:
            units = list({u.committee: u for u in units}.values())
        # a yes/no column (是否创建成功): the units created say 是, some never created are listed 否
        outcome = status is None and not cumulative and not whole and draw(st.integers(0, 3)) == 0
        cols = ["name"]
        # without a roster a unit is known by the places its lists give: each gives its town
        if d.kind in ("compound", "village_group") or not roster or draw(st.booleans()):
            cols.append("town")
        if d.kind in ("compound", "village_group"):
            cols.append("committee")
        # the district: a column, the title, the file name, or (with a roster and a town column) the roster
        ways = ["column", "title", "file"] + (["roster"] if roster and "town" in cols else [])
        how_district = draw(st.sampled_from(ways))
        if how_district == "column":
            cols.append("district")
        how_date = draw(st.sampled_from(["column", "title"]))
        if how_date == "column":
            cols.append("published")
        how_batch = None
        if batch is not None:
            how_batch = draw(st.sampled_from(["column", "title"]))
            if how_batch == "column":
                cols.append("batch")
        if status is not None or outcome:
            cols.append("status")
        how_kind = "roster" if not kind_hint_needed else draw(st.sampled_from(["column", "header", "names"]))
        if how_kind == "names" and d.kind == "compound":
            how_kind = "header"  # a compound's name says no kind
        if how_kind == "column":
            cols.append("kind")
        if draw(st.integers(0, 3)) == 0:
            cols.append("households")  # a list may carry 户数 for the record: still a list
        names = {c: draw(st.sampled_from(HEADERS[c])) for c in cols if c != "name"}
        if batch is not None and "batch" in names and d.rounds:
            names["batch"] = draw(st.sampled_from(["轮次", "round"]))
        names["name"] = draw(
            st.sampled_from(KIND_NAME[d.kind] if how_kind == "header" else GENERIC_NAME + ["村居名称"])
        )
        if d.kind == "village_group" and "committee" in names:
            names["committee"] = draw(st.sampled_from(["村", "居委/村", "村委会"]))
        if names.get("committee") == "村居" and names["name"] == "村居名称":
            names["name"] = "名称"  # two headers saying 村居: which is the committee? (refused, rightly)
        if outcome:
            names["status"] = draw(st.sampled_from(["是否创建成功", "创建结果"]))
        elif status == "revoked" and draw(st.integers(0, 2)) == 0:
            names["status"] = "备注"  # the revocation said only in the remarks
        status_word = {"revoked": draw(st.sampled_from(["取消", "已取消", "摘牌"])), "model": "示范"}.get(
            status or "", ""
        )
        yes, no = draw(st.sampled_from([("是", "否"), ("通过", "未通过")]))
        if outcome:
            status_word = yes
        kind_cell = draw(st.sampled_from(KIND_CELLS[d.kind]))
        district_cell = draw(st.sampled_from([d.name, f"上海市{d.name}"]))
        listed = [(u, status_word) for u in units] + ([(u, no) for u in never] if outcome else [])
        rows = [
            {
                "district": district_cell,
                "town": u.town,
                "committee": u.committee,
                "name": u.name,
                "published": full_width(draw, date_word(draw, day)),
                "batch": full_width(draw, batch_word(draw, batch, d.rounds)) if batch is not None else "",
                "status": word,
                "kind": kind_cell,
                "households": str(draw(st.integers(1, 3000))),
            }
            for u, word in sorted(listed, key=lambda uw: (uw[0].town, uw[0].committee, uw[0].name))
        ]
        if whole:
            cols.remove("name")
            names["committee"] = draw(
                st.sampled_from(["居委", "居委会", "村委会"] if d.kind == "compound" else ["村", "村委会"])
            )
        header, cells = _layout(draw, cols, rows, names, merged=draw(st.booleans()))
        parts = []
        if how_district == "title":
            parts.append(d.name)
        if how_batch == "title":
            parts.append(title_batch(draw, batch, d.rounds))
        what = {"revoked": "取消名单", "model": "示范无疫小区名单"}.get(status or "", "无疫小区名单")
        parts.append(("累计" if cumulative else "") + what)
        if how_date == "title":
            parts.append(f"（{date_word(draw, day, in_title=True)}公布）")
        hints_in_title = cumulative or "title" in (how_district, how_batch, how_date)
        title = "".join(parts) if hints_in_title or draw(st.booleans()) else ""
        stem = f"整建制{stem}" if whole else stem
        file_stem = f"2022{d.name}{stem}" if how_district == "file" else stem
        files.append(_write(draw, folder, file_stem, Sheet(title, header, cells)))

    for b, day in enumerate(d.batch_days, start=1):
        units = [u for u in d.units if u.batch == b]
        if units:
            never = [u for u in d.units if u.created is None and u.model is None]
            a_list(units, None, day, b, f"名单{b}", never=never)
    if draw(st.booleans()):
        # a cumulative list on the last batch's day: every unit created so far, in no batch; it adds nothing
        last = d.batch_days[-1]
        so_far = [u for u in d.units if u.created is not None and u.created <= last]
        if so_far:
            a_list(so_far, None, last, None, "全部", cumulative=True)
    revoked = [u for u in d.units if u.revoked]
    if revoked:
        a_list(revoked, "revoked", revoked[0].revoked, None, "变化一")
    models = [u for u in d.units if u.model]
    if models:
        a_list(models, "model", models[0].model, None, "变化二")
    return files, defaults


# ------------------------------------------------------------------------------------------- checks ---
def published_figures(con, day: dt.date) -> dict[str, int]:
    frame = queries.run("coverage_by_district", con=con, as_of=day)
    sums = frame.select(pl.col("created", "revoked", "model").sum()).row(0, named=True)
    return {k: int(v or 0) for k, v in sums.items()}


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_an_unseen_district_loads_right_the_first_time(data) -> None:
    d = data.draw(districts())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files, defaults = write_files(data.draw, d, folder)
        db = folder / "c.duckdb"
        report = ingest(files, db, today=TODAY, defaults=defaults, who="hypothesis")
        # a connection of its own, closed with the example: the shared readers are kept per path, for good
        with store.read_only(db) as con:
            check(d, files, report, con)


def check(d: District, files: list[Path], report, con) -> None:
    """The published figures as of every date, the kinds and the totals, and the report, against the truth."""
    kinds = queries.run("coverage_by_district", con=con)
    assert kinds.get_column("kind").to_list() == [d.kind], "every unit of the kind the files say"
    assert kinds.get_column("district").to_list() == [d.name]
    total = kinds.item(0, "total")
    roster = any("名册" in f.name for f in files)
    assert total == (len(d.units) if roster else None)
    days = sorted({u.created for u in d.units if u.created} | {u.revoked for u in d.units if u.revoked})
    days += sorted({u.model for u in d.units if u.model} - set(days))
    for day in [days[0] - dt.timedelta(days=1), *sorted(days)]:
        assert published_figures(con, day) == d.state(day), f"as of {day}"
    # the report says what the pages show
    end = d.state(max(days))
    said = {row["district"]: row for row in report.by_district}[d.name]
    assert {k: said[k] for k in ("created", "revoked", "model")} == end
