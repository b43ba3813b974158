"""Towns and committees a list writes otherwise than its district's roster: 川沙新镇人民政府 for 川沙新镇, 城南居委 for
城南居民委员会, 星火村委会 for 星火村.

Officials write a place with or without its administrative ending (人民政府, 办事处, 居民委员会, 居委会, 居民区,
村委会). A list row whose town (or committee) is not in the district's roster is read as the roster's place when
the two agree once those endings are set aside and exactly one roster place of the district (of the town) does;
each such reading is a warning the official sees before confirming. Two roster places with the same stem (星火村
and 星火居委 are told apart; 七宝镇 and 七宝街道 are not) leave the row as written, to be refused as not in the roster.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from campaign.intake.problems import Problem

# longest first: 社区居民委员会 before 居民委员会 before 居委会
_TOWN_ENDINGS = ("街道办事处", "人民政府", "办事处", "政府")
_TOWN_KINDS = ("街道", "镇", "乡")
_COMMITTEE_ENDINGS = {
    "居": ("社区居民委员会", "社区居委会", "居民委员会", "居委会", "居民区", "居委", "社区"),
    "村": ("村民委员会", "村委会", "村委", "村"),
}


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def town_key(town: str) -> str:
    """七宝镇人民政府, 七宝镇, 七宝 -> 七宝; 古美路街道办事处 -> 古美路."""
    key = _plain(town)
    for ending in _TOWN_ENDINGS:
        if key.endswith(ending) and len(key) > len(ending):
            key = key.removesuffix(ending) + ("街道" if ending == "街道办事处" else "")
            break
    for kind in _TOWN_KINDS:
        if key.endswith(kind) and len(key) > len(kind):
            return key.removesuffix(kind)
    return key


def committee_key(committee: str) -> str:
    """城南居民委员会, 城南居委, 城南居民区 -> 城南/居; 星火村委会, 星火村 -> 星火/村 (a village is not a committee)."""
    key = _plain(committee)
    for kind, endings in _COMMITTEE_ENDINGS.items():
        for ending in endings:
            if key.endswith(ending) and len(key) > len(ending):
                return f"{key.removesuffix(ending)}/{kind}"
    return key


_LABELS = {"town": ("街镇", "town"), "committee": ("居委/村", "committee or village")}


def align(rows: pl.DataFrame, units: pl.DataFrame, files: dict[int, str]) -> tuple[pl.DataFrame, list[Problem]]:
    """``rows`` (status rows: _t, _row, district, town, committee, ...) with each town, then each committee, that
    the district's roster writes otherwise read as the roster's; a warning for each place so read, in each table."""
    roster = units.filter(pl.col("in_roster"))
    warnings: list[Problem] = []
    for col, within, key in (("town", ["district"], town_key), ("committee", ["district", "town"], committee_key)):
        if col not in rows.columns or any(c not in rows.columns for c in within) or roster.is_empty():
            continue
        on = [*within, col]
        known = roster.select(on).drop_nulls().unique()
        missing = rows.select(on).drop_nulls().unique().join(known, on=on, how="anti")
        if missing.is_empty():
            continue
        stems = (
            known.with_columns(pl.col(col).map_elements(key, return_dtype=pl.String).alias("_key"))
            .group_by(*within, "_key")
            .agg(pl.col(col).first().alias("_roster"), pl.len().alias("_n"))
            .filter(pl.col("_n") == 1)
            .drop("_n")
        )
        read_as = (
            missing.with_columns(pl.col(col).map_elements(key, return_dtype=pl.String).alias("_key"))
            .join(stems, on=[*within, "_key"], how="inner")
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
                f"{zh}「{written}」按名册读作「{roster_place}」 ({en} read as the roster's {roster_place})",
                row=row,
                column=zh,
                value=written,
            )
            for t, row, written, roster_place in first.select("_t", "_row", col, "_roster").iter_rows()
        ]
        rows = rows.with_columns(pl.coalesce("_roster", col).alias(col)).drop("_roster")
    return rows, warnings
