"""Places, village groups and unit names a list writes otherwise than its district's roster: 川沙新镇人民政府 for
川沙新镇, 城南居委 for 城南居民委员会, 星火村委会 for 星火村, 第一组 or 和欣村2组 for 1组 and 2组, 华夏一村小区 for
华夏一村.

Officials write a place with or without its administrative ending (人民政府, 办事处, 居民委员会, 居委会, 居民区,
村委会). A list row whose town (or committee) is not in the district's roster is read as the roster's place when
the two agree once those endings are set aside and exactly one roster place of the district (of the town) does (a
district with no roster: the places and groups its earlier lists gave). A village group is its number within its
village: 第一组, 1组, 01组, 第1村民小组 and 和欣村1组 are one group of 和欣村. A unit's name is its name with or without
小区, brackets and a phase's number in words or digits (汤臣豪园（二期） for 汤臣豪园2期), against a roster only. Each
reading is a warning the official sees before confirming, and only when exactly one roster place, group or unit
agrees: two with the same stem (七宝镇 and 七宝街道; 城南 and 城南小区) leave the row as written, to be refused as not
in the roster (星火村 and 星火居委 are told apart: a village is not a committee).
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from campaign.intake.infer import SHANGHAI_DISTRICTS
from campaign.intake.problems import Problem
from campaign.intake.vocabulary import chinese_number

# longest first: 社区居民委员会 before 居民委员会 before 居委会
_TOWN_ENDINGS = ("街道办事处", "人民政府", "办事处", "政府")
_TOWN_KINDS = ("街道", "镇", "乡")
_DISTRICTS = tuple(f"{city}{d}" for d in SHANGHAI_DISTRICTS for city in ("上海市", "上海", ""))
_COMMITTEE_ENDINGS = {
    "居": ("社区居民委员会", "社区居委会", "居民委员会", "居委会", "居民区", "居委", "社区"),
    "村": ("村民委员会", "村委会", "村委", "村"),
}


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def town_key(town: str) -> str:
    """七宝镇人民政府, 七宝镇, 七宝 -> 七宝; 古美路街道办事处 -> 古美路."""
    key = _plain(town)
    # 闵行区七宝镇, 上海市闵行区七宝镇: the town written after its district
    for district in _DISTRICTS:
        if key.startswith(district) and len(key) > len(district) + 1:
            key = key.removeprefix(district)
            break
    for ending in _TOWN_ENDINGS:
        if key.endswith(ending) and len(key) > len(ending):
            key = key.removesuffix(ending) + ("街道" if ending == "街道办事处" else "")
            break
    for kind in _TOWN_KINDS:
        if key.endswith(kind) and len(key) > len(kind):
            return key.removesuffix(kind)
    return key


def committee_key(committee: str) -> str:
    """城南居民委员会, 城南居委, 城南居民区 -> 城南/居; 星火村委会, 星火村村委会, 星火村 -> 星火/村 (a village is not a
    committee)."""
    key = _plain(committee)
    for kind, endings in _COMMITTEE_ENDINGS.items():
        for ending in endings:
            if key.endswith(ending) and len(key) > len(ending):
                stem = key.removesuffix(ending)
                if kind == "村" and stem.endswith("村") and len(stem) > 1:
                    stem = stem.removesuffix("村")  # 杨王村村委会 is 杨王村's committee: 杨王村
                return f"{stem}/{kind}"
    return key


_GROUP = re.compile(r"^第?([0-9]+|[零一二三四五六七八九十]+)(?:村民小组|小组|组|生产队|队)$")


def group_key(name: str, committee: str | None = None) -> str | None:
    """第一组, 1组, 01组, 第1村民小组, 和欣村1组 (of 和欣村) -> 1组; None for a name that is no numbered group."""
    key = _plain(name)
    if committee:
        village = _plain(committee)
        stem = committee_key(committee).partition("/")[0]
        for prefix in (village, stem):
            if prefix and key.startswith(prefix) and len(key) > len(prefix):
                key = key.removeprefix(prefix)
                break
    m = _GROUP.match(key)
    if not m:
        return None
    number = int(m.group(1)) if m.group(1).isdigit() else chinese_number(m.group(1))
    return None if number is None else f"{number}组"


_LABELS = {"town": ("街镇", "town"), "committee": ("居委/村", "committee or village")}


def align(rows: pl.DataFrame, units: pl.DataFrame, files: dict[int, str]) -> tuple[pl.DataFrame, list[Problem]]:
    """``rows`` (status rows: _t, _row, district, town, committee, ...) with each town, then each committee, that
    the district's roster (or, for a district with none, its earlier lists) writes otherwise read as it writes them;
    a warning for each place so read, in each table."""
    roster = units  # a district with no roster: the units its earlier lists gave
    if _all_known(rows, roster):  # the usual run: every row names a known unit as the roster writes it
        return rows, []
    with_roster = set(units.filter(pl.col("in_roster")).get_column("district").unique().to_list())
    warnings: list[Problem] = []
    for col, within, key in (("town", ["district"], town_key), ("committee", ["district", "town"], committee_key)):
        if col not in rows.columns or any(c not in rows.columns for c in within):
            continue
        on = [*within, col]
        known = roster.select(on).drop_nulls().unique()
        missing = rows.select(on).drop_nulls().unique().join(known, on=on, how="anti")
        if missing.is_empty():
            continue
        keyed = known.with_columns(pl.col(col).map_elements(key, return_dtype=pl.String).alias("_key"))
        stems = (
            keyed.group_by(*within, "_key")
            .agg(pl.col(col).first().alias("_roster"), pl.len().alias("_n"))
            .filter(pl.col("_n") == 1)
            .drop("_n")
        )
        # a district with no roster, whose lists of this run write one place two ways (南桥镇 in its batch list,
        # 南桥镇人民政府 in its revocations): the plainest spelling of the run, where no earlier list gives one
        spelt = (
            missing.join(rows.filter(~pl.col("district").is_in(list(with_roster))).select(on).unique(), on=on)
            .with_columns(pl.col(col).map_elements(key, return_dtype=pl.String).alias("_key"))
            .join(keyed.select(*within, "_key").unique(), on=[*within, "_key"], how="anti")
            .sort(pl.col(col).str.len_chars(), col)
            .group_by(*within, "_key", maintain_order=True)
            .agg(pl.col(col).first().alias("_roster"))
        )
        stems = pl.concat([stems, spelt.select(stems.columns)], how="vertical_relaxed")
        read_as = (
            missing.with_columns(pl.col(col).map_elements(key, return_dtype=pl.String).alias("_key"))
            .join(stems, on=[*within, "_key"], how="inner")
            .filter(pl.col(col) != pl.col("_roster"))
            .drop("_key")
        )
        if read_as.is_empty():
            continue
        rows = rows.join(read_as, on=on, how="left", nulls_equal=False, maintain_order="left")
        first = (
            rows.filter(pl.col("_roster").is_not_null())
            .sort("_t", "_row")
            .unique(["_t", col, "_roster"], keep="first", maintain_order=True)
        )
        zh, en = _LABELS[col]
        warnings += [
            Problem(
                files[t],
                f"{zh}「{written}」按{_whence(district, with_roster)}读作「{roster_place}」 "
                f"({en} read as {_whence(district, with_roster, 'en')} {roster_place})",
                row=row,
                column=zh,
                value=written,
            )
            for t, row, district, written, roster_place in first.select(
                "_t", "_row", "district", col, "_roster"
            ).iter_rows()
        ]
        rows = rows.with_columns(pl.coalesce("_roster", col).alias(col)).drop("_roster")
    if _all_known(rows, roster):  # the places were all it took
        return rows, warnings
    rows, groups = _align_groups(rows, roster, files, with_roster)
    # unit names only against a roster: a district with none knows its units by the names its lists give
    rows, names = _align_names(rows, roster.filter(pl.col("in_roster")), files)
    return rows, warnings + groups + names


_UNIT_KEY = ("district", "town", "committee", "name")


def _all_known(rows: pl.DataFrame, units: pl.DataFrame) -> bool:
    """Every row's place and name is a known unit's, compared by a hash of the four (a row with a column blank or
    missing is not known). A collision could only skip the passes below for a row they would have read otherwise:
    that row is then refused as not in the roster, never matched wrongly."""
    if units.is_empty() or any(c not in rows.columns for c in _UNIT_KEY):
        return False

    def hashed(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select(pl.struct([pl.col(c).cast(pl.String) for c in _UNIT_KEY]).hash(seed=0).alias("_h"))

    return hashed(rows).join(hashed(units).unique(), on="_h", how="anti").is_empty()


_PHASE = re.compile(r"第?([0-9]+|[零一二三四五六七八九十]+)(期|区|号|弄|幢|街坊|坊|村)")


def name_key(name: str) -> str:
    """A unit's name as two lists may write it otherwise: 汤臣豪园(二期), 汤臣豪园二期, 汤臣豪园2期 -> 汤臣豪园2期;
    华夏一村小区 and 华夏一村 -> 华夏一村 (the 小区 that one list adds and the roster leaves out, or the other way)."""
    key = re.sub(r"[()\[\]【】（）{}<>《》\s·.]", "", _plain(name))

    def digits(m: re.Match[str]) -> str:
        n = m.group(1) if m.group(1).isdigit() else chinese_number(m.group(1))
        return f"{int(n)}{m.group(2)}" if n is not None else m.group(0)

    key = _PHASE.sub(digits, key)
    return key.removesuffix("小区") if len(key) > 3 and key.endswith("小区") else key


def _align_names(rows: pl.DataFrame, roster: pl.DataFrame, files: dict[int, str]) -> tuple[pl.DataFrame, list[Problem]]:
    """Unit names a list writes otherwise than the roster (小区 added or left out, 二期 for (二期) or 2期), within the
    row's committee (its town, where the row names no committee): read as the roster's name when exactly one
    roster unit there agrees; one warning a table."""
    if any(c not in rows.columns for c in ("district", "town", "name")) or roster.is_empty():
        return rows, []
    has_committee = "committee" in rows.columns
    out_rows, warnings = rows, []
    scopes = (["district", "town", "committee"], ["district", "town"]) if has_committee else (["district", "town"],)
    for scope in scopes:
        on = [*scope, "name"]
        picked = out_rows.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in on))
        if has_committee and len(scope) == 2:
            picked = picked.filter(pl.col("committee").is_null())
        missing = picked.select(on).unique().join(roster.select(on).unique(), on=on, how="anti")
        if missing.is_empty():
            continue

        def keyed(frame: pl.DataFrame) -> pl.DataFrame:
            return frame.with_columns(pl.col("name").map_elements(name_key, return_dtype=pl.String).alias("_key"))

        pool = keyed(roster.select(on).unique().join(missing.select(scope).unique(), on=scope))
        unique = (
            pool.group_by(*scope, "_key")
            .agg(pl.col("name").first().alias("_roster"), pl.len().alias("_n"))
            .filter(pl.col("_n") == 1)
            .drop("_n")
        )
        read_as = keyed(missing).join(unique, on=[*scope, "_key"], how="inner").drop("_key")
        if read_as.is_empty():
            continue
        read_as = read_as.with_columns(pl.lit(True).alias("_scope"))
        if len(scope) == 2 and has_committee:
            read_as = read_as.with_columns(pl.lit(None, pl.String).alias("committee"))
        out_rows = out_rows.join(read_as, on=on, how="left", nulls_equal=True, maintain_order="left")
        so_read = out_rows.filter(pl.col("_roster").is_not_null()).sort("_t", "_row")
        warnings += [
            Problem(
                files[t],
                f"名称「{written}」按名册读作「{roster_name}」，本表共 {n} 行如此 "
                f"(name read as the roster's {roster_name}; {n} rows of this table read so)",
                row=row,
                column=header,
                value=written,
            )
            for t, row, written, roster_name, header, n in so_read.group_by("_t", maintain_order=True)
            .agg(pl.first("_row"), pl.first("name"), pl.first("_roster"), pl.first("_name_header"), pl.len())
            .iter_rows()
        ]
        out_rows = out_rows.with_columns(pl.coalesce("_roster", "name").alias("name")).drop("_roster", "_scope")
    return out_rows, warnings


def _whence(district: str, with_roster: set[str], lang: str = "zh") -> str:
    if district in with_roster:
        return "名册" if lang == "zh" else "the roster's"
    return "此前的名单" if lang == "zh" else "the earlier lists'"


def _align_groups(
    rows: pl.DataFrame, roster: pl.DataFrame, files: dict[int, str], with_roster: set[str]
) -> tuple[pl.DataFrame, list[Problem]]:
    """Village groups named otherwise than the roster names them, in a village of the roster: one warning a table."""
    on = ["district", "town", "committee", "name"]
    if any(c not in rows.columns for c in on) or roster.is_empty():
        return rows, []
    missing = rows.select(on).drop_nulls().unique().join(roster.select(on).unique(), on=on, how="anti")
    if missing.is_empty():
        return rows, []

    def keyed(frame: pl.DataFrame) -> pl.DataFrame:
        keys = [group_key(name, committee) for committee, name in frame.select("committee", "name").iter_rows()]
        return frame.with_columns(pl.Series("_key", keys, dtype=pl.String)).filter(pl.col("_key").is_not_null())

    groups = keyed(roster.select(on).unique().join(missing.select(on[:3]).unique(), on=on[:3]))
    numbered = (
        groups.group_by(*on[:3], "_key")
        .agg(pl.col("name").first().alias("_roster"), pl.len().alias("_n"))
        .filter(pl.col("_n") == 1)
        .drop("_n")
    )
    read_as = keyed(missing).join(numbered, on=[*on[:3], "_key"], how="inner").drop("_key")
    if read_as.is_empty():
        return rows, []
    rows = rows.join(read_as, on=on, how="left", maintain_order="left")
    so_read = rows.filter(pl.col("_roster").is_not_null()).sort("_t", "_row")
    warnings = [
        Problem(
            files[t],
            f"村民小组「{written}」按{_whence(district, with_roster)}读作「{roster_name}」，本表共 {n} 行如此 "
            f"(village group read as {_whence(district, with_roster, 'en')} {roster_name}; "
            f"{n} rows of this table read so)",
            row=row,
            column=header,
            value=written,
        )
        for t, row, district, written, roster_name, header, n in so_read.group_by("_t", maintain_order=True)
        .agg(
            pl.first("_row"),
            pl.first("district"),
            pl.first("name"),
            pl.first("_roster"),
            pl.first("_name_header"),
            pl.len(),
        )
        .iter_rows()
    ]
    return rows.with_columns(pl.coalesce("_roster", "name").alias("name")).drop("_roster"), warnings
