"""Pinyin for unit names, so 海皓馨苑 is found by "haihaoxinyuan" or its initials "hhxy".

Kept in the snapshot's ``name_pinyin`` table, one row per distinct name, filled for names it lacks
whenever a snapshot is published by ingest or upgraded.
"""

from __future__ import annotations

import polars as pl

from campaign.snapshot import write
from campaign.snapshot.connect import Connection


def spell(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no spaces: 长兴镇 -> ("changxingzhen", "cxz")."""
    return spell_many([name])[0]


_NOT_HAN = "\x00"  # marks what pypinyin hands back as it was (digits, letters, the separator)
_SEPARATOR = "\n"


def spell_many(names: list[str]) -> list[tuple[str, str]]:
    """``spell`` of every name, in one pass of pypinyin over the names joined by a separator: a call per name
    has a fixed cost, which a whole country's millions of names turn into most of an hour.

    The separator is no Chinese character, so no word is read across two names; the initials are each
    syllable's first letter (as pypinyin's FIRST_LETTER style gives), text other than Chinese kept whole.
    """
    if not names:
        return []
    # imported when a name is spelled: reading its dictionaries costs every command that imports this module
    # (an ingest whose names are all spelled already) a noticeable part of its start
    from pypinyin import lazy_pinyin

    if any(_SEPARATOR in n or _NOT_HAN in n for n in names):  # cannot be split back: one name at a time
        return [_spell_alone(n) for n in names]
    spelled: list[tuple[list[str], list[str]]] = [([], [])]
    for piece in lazy_pinyin(_SEPARATOR.join(names), errors=lambda text: [_NOT_HAN + text]):
        if not piece.startswith(_NOT_HAN):
            spelled[-1][0].append(piece)
            spelled[-1][1].append(piece[:1])
            continue
        for i, part in enumerate(piece[1:].split(_SEPARATOR)):
            if i:  # past a separator: the next name
                spelled.append(([], []))
            spelled[-1][0].append(part)
            spelled[-1][1].append(part)
    return [(_tidy("".join(full)), _tidy("".join(initials))) for full, initials in spelled]


def _tidy(text: str) -> str:
    return text.lower().replace(" ", "")


def _spell_alone(name: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin

    full = "".join(lazy_pinyin(name, errors="default"))
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default"))
    return _tidy(full), _tidy(initials)


def fill_missing(con: Connection, districts: list[str] | None = None) -> int:
    """Add pinyin for every unit, committee and town name the table lacks (of ``districts``' units only, when
    given); returns how many were added."""
    scope = "units" if districts is None else "(select * from units where district in (select unnest($d::varchar[])))"
    missing = [
        name
        for (name,) in con.execute(
            f"select distinct n from (select name as n from {scope} union select committee from {scope} "
            f"union select town from {scope}) where n is not null and n not in (select name from name_pinyin)",
            {} if districts is None else {"d": districts},
        ).fetchall()
    ]
    if not missing:
        return 0
    rows = [(name, *spelled) for name, spelled in zip(missing, spell_many(missing), strict=True)]
    frame = pl.DataFrame(rows, schema=["name", "pinyin", "initials"], orient="row")
    write.insert(con, "name_pinyin", frame)
    return len(rows)
