"""What a table leaves unsaid, read the way the official who made it would read it.

A town's file often says its district, batch, date or kind of unit somewhere other than a column: in the title
line (闵行区首批“无疫小区”名单（2022年5月9日公布）), in the file name (闵行区_第2批.csv), in a sheet named after a town,
in the name column's header (小区名称: compounds), or not at all, because its towns belong to one district whose
roster is loaded. Each value is taken from the first hint that gives it, in this order:

- district: a column; the title; the file name; the import option (``--district``); the rosters loaded (every
  town of the table, with its committee where given, in one district only);
- kind: a column (类型); the name column's header; the title (or the file name); the import option
  (``--kind``); the one kind the district's roster already has;
- town: a column; a sheet named after a town;
- batch and date of a list: a column; the title; the file name; the import options.

Every hint used is said in the ingest report, and what stays ambiguous is refused with the choices
(``unresolved``): ``fill_stated`` takes what the file itself says, ``fill_from_places`` what the rosters say.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from campaign.definition import definition
from campaign.intake.normalise import by_value, clean_expr, kind_word, word_map
from campaign.intake.reader import Table
from campaign.intake.title import parse_title, says_cumulative, says_roster
from campaign.intake.vocabulary import fold, header_kind, title_kind, words
from campaign.snapshot import store

# what a filled column's "header" says in a problem about one of its cells: where the value came from
FROM_TITLE = "（标题 title）"
FROM_FILE_NAME = "（文件名 file name）"
FROM_OPTION = "（导入选项 import option）"
FROM_SHEET = "（工作表名 sheet name）"
FROM_ROSTER = "（名册 roster）"
FROM_HEADER = "（表头 header）"
FROM_NAME = "（名称 name）"
# a unit's kind by how its name ends, when nothing else says it (红浦村, 城桥社区, 一居委, 三组 / 第三村民小组): each
# kind's name_ending in the campaign's definition
_NAME_ENDINGS = tuple((k.name_ending, k.key) for k in definition().kinds if k.name_ending)

# 小区 compound, 村民小组 village group: how a kind is named in the ingest's messages
KIND_LABELS = {k.key: f"{k.one.zh} {k.key.replace('_', ' ')}" for k in definition().kinds}
KIND_CHOICES = "、".join(KIND_LABELS.values())


def _kind_labels() -> dict[str, str]:
    """KIND_LABELS of the active campaign (the constants above are the bundled one's)."""
    return {k.key: f"{k.one.zh} {k.key.replace('_', ' ')}" for k in definition().kinds}


# columns only totals, grids and services have: a table with none of them, and not a roster, is a list
_NOT_LIST_COLUMNS = {"target", "grid", "grid_path", "service_kind"}
_LIST_COLUMNS = {"batch", "status", "published"}
# sheet names that are no town's: Sheet1, 说明, 名单, 汇总
_TOWN_SHEET = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:镇|乡|街道|社区|工业区|园区)$")


@dataclass(frozen=True)
class Defaults:
    """What the person importing says about files that say it nowhere (CLI options, upload form)."""

    district: str | None = None
    batch: int | None = None
    counts_rounds: bool = False
    published: dt.date | None = None
    cumulative: bool = False  # the lists are cumulative (all units created so far), whatever their title says
    kind: str | None = None  # compound | village_group | village | community


def is_roster_shaped(table: Table) -> bool:
    """A roster by its title or file name (名册), else by its columns (户数, 人口 and no batch, status or date),
    unless its title, file name or sheet says a list's: a batch or round, a cumulative list, or 名单 with a day."""
    cols = set(table.headers)
    if cols & _LIST_COLUMNS or cols & {"target", "grid", "grid_path", "service_kind"}:
        return False
    stem = Path(table.file).stem
    if says_roster(table.title) or says_roster(stem):
        return True
    # a batch list that carries 户数 for the record (闵行区第三批无疫小区名单 with 户数) is a list, not households to
    # update: read as a roster, its units would not be created and nobody would be told
    return bool(cols & {"households", "population"}) and not any(
        _says_list(text) for text in (table.title, stem, table.sheet or "")
    )


def _says_whole(table: Table) -> bool:
    """The table is a list of committees or villages created whole (整建制): its title, file name, sheet or a
    整建制 column says so."""
    named = (table.title, Path(table.file).stem, table.sheet or "")
    return "whole" in table.headers or any(w in text for text in named for w in ("整建制", "整居", "整村", "整体创建"))


def _says_list(text: str) -> bool:
    facts = parse_title(text)
    return facts.batch is not None or facts.cumulative or (facts.published is not None and "名单" in text)


def fill_stated(table: Table, defaults: Defaults) -> Table:
    """District, batch, date and town that the table lacks, from what its file says elsewhere (title, file name,
    sheet name) or, failing those, the import options. Also marks a cumulative list."""
    facts = parse_title(table.title)
    named = parse_title(Path(table.file).stem)
    roster = is_roster_shaped(table)
    is_list = not roster and not (_NOT_LIST_COLUMNS & set(table.headers))
    wanted = [("district", "区", facts.district, named.district, defaults.district)]
    if is_list:
        wanted += [
            ("batch", "批次", facts.batch, named.batch, defaults.batch),
            ("published", "公布日期", facts.published, named.published, defaults.published),
        ]
    english = {"district": "district", "batch": "batch", "published": "date"}
    frame, headers, rounds = table.frame, dict(table.headers), table.counts_rounds
    inferred = list(table.inferred)
    # cumulative: its title or file name says so (金山区累计无疫小区名单, 全部已创建名单.csv), or the importer does
    cumulative = is_list and (facts.cumulative or says_cumulative(Path(table.file).stem) or defaults.cumulative)
    for col, label, from_title, from_name, from_option in wanted:
        if col in headers:
            continue
        for value, source, said in (
            (from_title, FROM_TITLE, ("标题", "the title")),
            (from_name, FROM_FILE_NAME, ("文件名", "the file name")),
            (from_option, FROM_OPTION, ("导入选项", "the import option")),
        ):
            if value is None:
                continue
            headers[col] = source
            if col == "batch":
                rounds = {FROM_TITLE: facts, FROM_FILE_NAME: named}.get(source, defaults).counts_rounds
            frame = frame.with_columns(pl.lit(str(value)).alias(col))
            if source != FROM_OPTION:
                shown = _shown(col, value, rounds)
                inferred.append(f"{label} {shown} — 来自{said[0]} ({english[col]} {value} — from {said[1]})")
            break
    # a list with no 状态 column whose title (or file name) names a status: 示范无疫小区名单 lists models, not creations
    status = (facts.status or named.status) if is_list and "status" not in headers else None
    if status is not None:
        word = next(s.event.zh for s in definition().statuses if s.key == status)
        from_title = facts.status is not None
        source = FROM_TITLE if from_title else FROM_FILE_NAME
        said = ("标题", "the title") if from_title else ("文件名", "the file name")
        frame = frame.with_columns(pl.lit(word).alias("status"))
        headers["status"] = source
        inferred.append(f"状态 {word} — 来自{said[0]} (status {status} — from {said[1]})")
    if "town" not in headers and table.sheet and _TOWN_SHEET.match(fold(table.sheet)):
        frame = frame.with_columns(pl.lit(table.sheet.strip()).alias("town"))
        headers["town"] = FROM_SHEET
        inferred.append(
            f"街镇 {table.sheet.strip()} — 来自工作表名 (town {table.sheet.strip()} — from the sheet's name)"
        )
    return dataclasses.replace(
        table, frame=frame, headers=headers, counts_rounds=rounds, cumulative=cumulative, inferred=inferred
    )


def _kind(kind: str) -> str:
    return _kind_labels()[kind].split(" ")[0]


def _shown(col: str, value: object, rounds: bool) -> str:
    if col == "batch":
        return f"第{value}{'轮' if rounds else '批'}"
    return str(value)


@dataclass
class Places:
    """The places known when a run is read: the published snapshot's units (asked only when a table needs them)
    and the run's own tables that name their district (gathered only when a table needs them: most files name
    their district and kind, and then nothing here is worked out)."""

    db: Path | None
    _parts: list[pl.LazyFrame] = field(default_factory=list)  # the run's tables' places, as written
    _run: pl.DataFrame | None = None  # those, cleaned: district, town, committee, kind (distinct)
    _kinds: dict[str, set[str]] = field(default_factory=dict)  # asked of the snapshot already, by district
    _expected: list[pl.Series] = field(default_factory=list)  # the districts the run's tables name

    @classmethod
    def of(cls, db: Path | None, tables: list[Table]) -> Places:
        places = cls(db if db is not None and db.exists() else None)
        for table in tables:
            places.add(table)
        return places

    def add(self, table: Table) -> None:
        """A table's places (and kinds), once it names its district and towns: a roster whose kind its header
        gave tells the run's lists their district's kind."""
        if "district" in table.frame.columns:
            self._expected.append(table.frame.get_column("district"))
        if "district" not in table.frame.columns or "town" not in table.frame.columns:
            return
        cols = [c for c in ("district", "town", "committee", "kind") if c in table.frame.columns]
        self._parts.append(
            table.frame.lazy().select(
                pl.col(c).cast(pl.String).forward_fill() if c in ("district", "town") else pl.col(c).cast(pl.String)
                for c in cols
            )
        )
        self._run = None

    @property
    def run(self) -> pl.DataFrame:
        if self._run is None:
            schema = dict.fromkeys(("district", "town", "committee", "kind"), pl.String)
            frame = pl.concat([pl.LazyFrame(schema=schema), *self._parts], how="diagonal_relaxed").unique().collect()
            frame = frame.with_columns(by_value(frame.get_column(c), clean_expr) for c in frame.columns)
            frame = frame.with_columns(
                word_map(frame.get_column("kind"), kind_word, pl.String), _without_city("district")
            )
            self._run = frame.unique()
        return self._run

    def expected(self) -> list[str]:
        if not self._expected:
            return []
        named = pl.concat([s.cast(pl.String) for s in self._expected]).unique()
        cleaned = by_value(named, clean_expr).alias("district").to_frame()
        return cleaned.select(_without_city("district")).to_series().drop_nulls().unique().to_list()

    def _published(self, sql: str, values: pl.DataFrame) -> pl.DataFrame:
        if self.db is None:
            return pl.DataFrame(schema=dict.fromkeys(("district", "town", "committee", "kind"), pl.String))
        with store.read_only(self.db) as con:
            con.register("wanted", values)
            return con.sql(sql).pl()

    def in_towns(self, towns: list[str]) -> pl.DataFrame:
        """district, town, committee of every known unit in these towns."""
        wanted = pl.DataFrame({"town": towns}, schema={"town": pl.String})
        published = self._published(
            "select distinct district, town, committee from units where town in (select town from wanted)", wanted
        )
        run = self.run.filter(pl.col("town").is_in(towns))
        cols = ["district", "town", "committee"]
        return pl.concat([published.select(cols), run.select(cols)], how="vertical_relaxed").unique()

    def districts(self) -> list[str]:
        """Every district known: the published snapshot's and the run's tables'."""
        published = []
        if self.db is not None:
            with store.read_only(self.db) as con:
                published = [d for (d,) in con.sql("select distinct district from units").fetchall()]
        run = self.run.get_column("district").drop_nulls().to_list()
        return sorted(set(published) | set(run))

    def kinds(self, districts: list[str]) -> dict[str, set[str]]:
        """The kinds of unit each district's known units have (a roster-less unit's unknown kind aside); a district
        with none is left out."""
        asked = [d for d in districts if d not in self._kinds]
        if asked:
            # every district of the run's tables at once: one look at the snapshot, not one a file
            asked = list(dict.fromkeys([*asked, *(d for d in self.expected() if d not in self._kinds)]))
            wanted = pl.DataFrame({"district": asked}, schema={"district": pl.String})
            published = self._published(
                "select distinct district, kind from units where district in (select district from wanted) "
                "and kind <> 'unknown'",
                wanted,
            )
            for d in asked:
                self._kinds[d] = set()
            for district, kind in published.iter_rows():
                self._kinds[district].add(kind)
        run = self.run.filter(pl.col("district").is_in(districts) & pl.col("kind").is_not_null())
        out = {d: set(self._kinds[d]) for d in districts}
        for district, kind in run.select("district", "kind").iter_rows():
            out[district].add(kind)
        return {d: k for d, k in out.items() if k}


def fill_from_places(table: Table, defaults: Defaults, places: Places, roster: bool) -> Table:
    """The district from the rosters loaded, then the kind, for a table that still lacks them (``fill_stated``
    first). What no hint settles goes into ``unresolved``, with the choices, for the refusal."""
    frame, headers = table.frame, dict(table.headers)
    inferred, unresolved = list(table.inferred), dict(table.unresolved)
    if "district" in frame.columns:
        frame, said = _districts_as_known(frame, places)
        inferred += said
        if "town" in frame.columns and "town" not in headers:  # 闵行区七宝镇 in the 区 column: its town
            headers["town"] = headers["district"]
    if "district" not in headers:
        district, why = _district_from_places(frame, headers, places)
        if district is None:
            unresolved["district"] = why
        else:
            frame = frame.with_columns(pl.lit(district).alias("district"))
            headers["district"] = FROM_ROSTER
            inferred.append(why)
    # a list of villages or communities names them in the place column (村名, 行政村, 社区): those are its units
    units_table = not ({"target", "grid", "grid_path", "service_kind"} & set(headers))
    if not units_table:
        return dataclasses.replace(table, frame=frame, headers=headers, inferred=inferred, unresolved=unresolved)
    # so does a 整建制 list of committees (街镇, 居委, no unit name): matching reads each as its roster units
    if "name" not in headers and "kind" not in headers and "committee" in headers:
        kind = header_kind(headers["committee"])
        if kind in ("village", "community") or (not roster and _says_whole(table)):
            frame = frame.rename({"committee": "name"})
            headers["name"] = headers.pop("committee")
    if "kind" not in headers and "name" in headers:
        kind, why = _kind_hint(table, headers, defaults)
        if kind is None and "district" in frame.columns:
            districts = by_value(frame.get_column("district"), clean_expr).drop_nulls().unique().to_list()
            known = places.kinds(districts) if districts else {}
            single = {d: next(iter(k)) for d, k in known.items() if len(k) == 1}
            if districts and all(d in single for d in districts) and len(set(single[d] for d in districts)) == 1:
                kind = single[districts[0]]
                where = "、".join(districts)
                why = f"类型 {_kind(kind)} — 来自{where}名册中唯一的类型 (kind {kind} — the only kind its roster has)"
        needed = kind is None and (roster or _rosterless(frame, places))
        by_name = _kinds_by_name(frame) if needed else None
        if kind is not None:
            frame = frame.with_columns(pl.lit(kind).alias("kind"))
            headers["kind"] = FROM_HEADER if why else FROM_OPTION
            if why:
                inferred.append(why)
        elif by_name is not None:
            frame = frame.with_columns(by_name.alias("kind"))
            headers["kind"] = FROM_NAME
            inferred.append(
                "类型 — 来自各单位名称的末尾：…村 为村，…社区、…居委 为社区，…组 为村民小组 "
                "(kind — from how each name ends: …村 village, …社区 / …居委 community, …组 village group)"
            )
        elif needed:
            unresolved["kind"] = (
                f"无法确定单位类型：表中没有「类型」列，表头「{headers['name']}」和标题都未说明；请加「类型」列，"
                f"或导入时用 --kind（数据页上传表单的「类型」）指定，可选 {'、'.join(_kind_labels().values())} "
                f"(cannot tell the kind of unit: add a 类型 column or give --kind)"
            )
    return dataclasses.replace(table, frame=frame, headers=headers, inferred=inferred, unresolved=unresolved)


# the city's districts: a roster or list writing 上海市青浦区 or 青浦 before any roster of 青浦区 is loaded names
# it, not a district of its own
SHANGHAI_DISTRICTS = (
    "黄浦区",
    "徐汇区",
    "长宁区",
    "静安区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "浦东新区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
)


def _without_city(col: str) -> pl.Expr:
    """上海市青浦区 -> 青浦区: the run's tables' districts as ``_districts_as_known`` will read them (with no other
    青浦 district known), so that a roster writing the city does not make two candidate districts."""
    return pl.col(col).str.replace(r"^上海市?(.+[区县])$", "$1")


# a district as officials shorten it: 浦东 for 浦东新区, 嘉定 for 嘉定区, 崇明县 (its name before 2016) for 崇明区
_DISTRICT_ENDING = re.compile(r"^(?:上海市|上海)?(.+?)(?:新区|区|县)?$")


def district_key(district: str) -> str:
    """浦东新区, 浦东区, 浦东, 上海市浦东新区 -> 浦东; 崇明县, 崇明区 -> 崇明."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", district))
    m = _DISTRICT_ENDING.match(key)
    return m.group(1) if m else key


def _districts_as_known(frame: pl.DataFrame, places: Places) -> tuple[pl.DataFrame, list[str]]:
    """The district column with each district written short (浦东 in every row, 崇明县) read as the one known district
    (a roster's, the snapshot's) that is the same once 新区 / 区 / 县 and 上海市 are set aside; said in the report.

    A district written so would otherwise be a district of its own, with no roster, and its units counted there."""
    raw = frame.get_column("district").cast(pl.String)
    written = by_value(raw, clean_expr)
    # only a short form is read otherwise: a district written in full (…区) stays as written, whatever others write
    odd = [d for d in written.drop_nulls().unique().to_list() if not d.endswith("区") or d.startswith("上海")]
    if not odd:
        return frame, []
    known = [k for k in places.districts() if k.endswith("区") and not k.startswith("上海")]
    known += [k for k in SHANGHAI_DISTRICTS if k not in known]
    said, mapping, towns = [], {}, {}
    for d in odd:
        same = [k for k in known if k != d and district_key(k) == district_key(d)]
        if not same and d.startswith("上海") and d.endswith(("区", "县")):
            same = [re.sub(r"^上海市?", "", d)]  # the city written before a district no roster names yet
        if len(same) == 1:
            mapping[d] = same[0]
            said.append(
                f"区「{d}」按已知的区读作「{same[0]}」 (district {d} read as {same[0]}, the one known so named)"
            )
        elif not same and (town := _district_and_town(d, known)):
            # 闵行区七宝镇: the district and the town in one cell (a town's own way of saying where it is)
            mapping[d], towns[d] = town
            said.append(
                f"区「{d}」读作 区「{town[0]}」、街镇「{town[1]}」 (district {d} read as {town[0]}, town {town[1]})"
            )
    if not mapping:
        return frame, []
    fixed = written.replace_strict(mapping, default=written, return_dtype=pl.String)
    frame = frame.with_columns(pl.when(written.is_in(list(mapping))).then(fixed).otherwise(raw).alias("district"))
    if towns and "town" not in frame.columns:
        frame = frame.with_columns(written.replace_strict(towns, default=None, return_dtype=pl.String).alias("town"))
    return frame, said


def _district_and_town(written: str, known: list[str]) -> tuple[str, str] | None:
    """闵行区七宝镇, 上海市浦东新区川沙新镇 -> (闵行区, 七宝镇): a known district, then a town's name; else None."""
    bare = re.sub(r"^上海市?", "", written)
    found = [(k, bare[len(k) :]) for k in known if bare.startswith(k) and _TOWN_SHEET.match(bare[len(k) :])]
    return max(found, key=lambda kt: len(kt[0])) if found else None


def _kinds_by_name(frame: pl.DataFrame) -> pl.Series | None:
    """Each row's kind by how its unit's name ends (村 village, 社区 / 居委 community, 组 village group); None unless
    every named row ends so (a compound's name, 海皓馨苑, says nothing)."""
    names = by_value(frame.get_column("name"), clean_expr)
    kind = pl.lit(None, pl.String)
    endings = [(k.name_ending, k.key) for k in definition().kinds if k.name_ending]  # the active campaign's
    for pattern, value in reversed(endings):
        kind = pl.when(pl.col("name").str.contains(pattern)).then(pl.lit(value)).otherwise(kind)
    kinds = pl.DataFrame({"name": names}).select(kind.alias("kind")).to_series()
    named = names.is_not_null()
    if not named.any() or kinds.filter(named).null_count():
        return None
    return kinds


def _rosterless(frame: pl.DataFrame, places: Places) -> bool:
    """A list some of whose districts have no units of a known kind: its units' kind must come from the list."""
    if "district" not in frame.columns:
        return False  # refused for its district already
    districts = by_value(frame.get_column("district"), clean_expr).drop_nulls().unique().to_list()
    known = places.kinds(districts) if districts else {}
    return any(d not in known for d in districts)


def _kind_hint(table: Table, headers: dict[str, str], defaults: Defaults) -> tuple[str | None, str]:
    kind = header_kind(headers["name"])
    if kind is not None:
        return kind, f"类型 {_kind(kind)} — 来自表头「{headers['name']}」 (kind {kind} — from the header)"
    kind = title_kind(table.title)
    if kind is not None:
        return kind, f"类型 {_kind(kind)} — 来自标题 (kind {kind} — from the title)"
    kind = title_kind(Path(table.file).stem)
    if kind is not None:
        return kind, f"类型 {_kind(kind)} — 来自文件名 (kind {kind} — from the file name)"
    if defaults.kind in words().kinds:
        return defaults.kind, ""
    return None, ""


def _district_from_places(frame: pl.DataFrame, headers: dict[str, str], places: Places) -> tuple[str | None, str]:
    """The one district whose known units hold every town of the table (and committee, where given)."""
    no_hint = (
        "缺少「区」：表中没有此列，标题行和文件名中也没有；导入时可用 --district 指定（数据页：上传表单的「区」） "
        "(missing district: no column, not in the title or the file name either; give it with --district)"
    )
    if "town" not in frame.columns:
        return None, no_hint
    towns = by_value(frame.get_column("town"), clean_expr).forward_fill()
    town_list = towns.drop_nulls().unique().sort().to_list()
    if not town_list:
        return None, no_hint
    known = places.in_towns(town_list)
    per_district = known.group_by("district").agg(pl.col("town").n_unique().alias("n"))
    candidates = per_district.filter(pl.col("n") == len(town_list)).get_column("district").sort().to_list()
    if len(candidates) > 1 and "committee" in frame.columns:
        committees = by_value(frame.get_column("committee"), clean_expr)
        pairs = pl.DataFrame({"town": towns, "committee": committees}).drop_nulls().unique()
        if pairs.height:
            held = known.join(pairs, on=["town", "committee"], how="inner")
            fits = held.group_by("district").agg(pl.struct("town", "committee").n_unique().alias("n"))
            narrowed = fits.filter(pl.col("n") == pairs.height).get_column("district").sort().to_list()
            candidates = narrowed if narrowed else candidates
    shown = "、".join(town_list[:5]) + ("等" if len(town_list) > 5 else "")
    if len(candidates) == 1:
        return candidates[0], (
            f"区 {candidates[0]} — 来自名册：{shown} 只属于{candidates[0]} "
            f"(district {candidates[0]} — from the rosters: these towns are in {candidates[0]} only)"
        )
    if candidates:
        return None, (
            f"缺少「区」：表中没有此列，标题和文件名中也没有；名册中 {shown} 同时属于 {'、'.join(candidates)}，"
            f"请加「区」列或用 --district 指定 (missing district: these towns are in several districts: "
            f"{', '.join(candidates)}; add a 区 column or give --district)"
        )
    return None, (
        f"缺少「区」：表中没有此列，标题和文件名中也没有，已导入的名册中也没有包含 {shown} 的区；"
        f"请加「区」列或用 --district 指定 (missing district: no column, title or file name says it, and no "
        f"roster loaded has these towns; add a 区 column or give --district)"
    )
