"""A campaign as a definition file: its name, unit kinds, statuses and their words, read from TOML and checked.

The 无疫小区 campaign ships as ``campaign/campaigns/wuyi.toml`` and is the default one; ``definition(path)`` reads
any other file the same way. A file that is wrong is refused whole with a ``DefinitionError`` naming the file, the
key and why, never half-read. Only the standard library is imported here: the shared base (``i18n``) and every layer
read the definition.

Several campaigns are installed side by side (``campaign.config.campaign`` says which files, and where each one's
snapshot is); one is *active* while something runs for it: ``definition()`` without a path is that one. An ingest
or a CLI command makes its campaign active with ``using``; the app registers a ``resolver`` that answers from the
browser session (its ``?campaign=``), since Streamlit runs a page's fragments outside the run that chose it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

BUNDLED_DIR = Path(__file__).resolve().parent / "campaigns"
DEFAULT_KEY = "wuyi"  # the 无疫小区 campaign: the default, whose snapshot is the configured ``db`` itself
BUNDLED = BUNDLED_DIR / f"{DEFAULT_KEY}.toml"

# the statuses the snapshot keeps (campaign/snapshot/derive.sql): a definition names its statuses with these keys
# until the figures follow the definition's own (docs/campaigns.md, "Not built yet")
SNAPSHOT_STATUSES = ("created", "revoked", "model", "applied")
DONE_STATUS = "created"  # the one the figures count as done
UNDO_STATUS = "revoked"  # the one that undoes it
LEVELS = ("district", "town", "committee")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_RESERVED_KINDS = ("unknown",)  # a unit whose kind nothing said
# kinds' chart colours on a light page, in the kinds' order, when a definition gives none (the first four: the
# 无疫小区 kinds' own)
PALETTE = ("#c0392b", "#2e86c1", "#28b463", "#d68910", "#8e44ad", "#16a085", "#d35400", "#7d6608")
UNKNOWN_COLOUR = "#7f8c8d"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class DefinitionError(ValueError):
    """A definition file that cannot be used: the message names the file, the key and why."""


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def __call__(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Kind:
    key: str
    label: Label  # a group of units (a legend, a card): plural in English
    one: Label  # one unit (a table's cell)
    words: tuple[str, ...]  # in a 类型 column
    header_words: tuple[str, ...]  # in a name column's header (小区名称); a one-character word only as the whole
    title_words: tuple[str, ...]  # in a title line or a file name
    name_ending: str | None  # a regular expression a unit's name ends with (…村), None when a name says nothing
    colour: str | None = None  # its colour in charts (#rrggbb); None: the palette's, by the kind's order
    whole: Label | None = None  # units of it counted whole per committee (整居); None: not counted so
    within: Label | None = None  # with ``whole``: the committees that hold them (居委 / residents' committees)


@dataclass(frozen=True)
class Status:
    key: str
    label: Label  # a unit's status
    event: Label  # an event in a unit's history
    words: tuple[str, ...]  # in a 状态 column
    done: bool = False
    undoes: str | None = None
    implies: str | None = None  # the status a unit must have had first (示范 implies 创建)
    noun: Label | None = None  # the event as a noun where a phrase needs one (creation); None: the event itself
    note: Label | None = None  # why it happens, where the pages explain it (出现新增阳性后); None: nothing said


@dataclass(frozen=True)
class Definition:
    path: str
    key: str  # the file's name without .toml: the campaign's key (?campaign=, --campaign)
    name: Label
    title: Label
    screen_title: Label
    brief_title: Label
    export_name: Label
    brief_name: Label
    year: int | None
    stem: str
    title_words: tuple[str, ...]
    several_kinds: tuple[str, ...]
    levels: tuple[tuple[str, Label], ...]
    batch: Label
    round: Label
    not_done: Label
    kinds: tuple[Kind, ...]
    statuses: tuple[Status, ...]

    def kind(self, key: str) -> Kind | None:
        return next((k for k in self.kinds if k.key == key), None)

    def status(self, key: str) -> Status | None:
        return next((s for s in self.statuses if s.key == key), None)

    def level(self, key: str) -> Label:
        return dict(self.levels)[key]

    def colours(self, palette: tuple[str, ...] = PALETTE, own: bool = True) -> dict[str, str]:
        """kind -> its chart colour: the file's (``own``), else the palette's by the kind's order; ``unknown`` grey."""
        out = {k.key: (k.colour if own and k.colour else palette[i % len(palette)]) for i, k in enumerate(self.kinds)}
        return {**out, "unknown": UNKNOWN_COLOUR}

    def whole_kinds(self) -> tuple[Kind, ...]:
        """The kinds counted whole per committee (整居 / 整村), in the file's order."""
        return tuple(k for k in self.kinds if k.whole is not None)


def fold(text: str) -> str:
    """How a word is compared: NFKC, no spaces, lower case (as campaign.intake.vocabulary.fold)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def definition(path: str | Path | None = None) -> Definition:
    """The campaign defined in ``path``, read once per file; without one, the active campaign (``active``)."""
    return _load(str(Path(path).resolve())) if path is not None else active()


_active: contextvars.ContextVar[Definition | None] = contextvars.ContextVar("campaign_definition", default=None)
_resolver: list[Callable[[], Definition | None]] = []


def active() -> Definition:
    """The campaign something runs for now: the one ``using`` set, else the registered resolver's answer, else the
    bundled 无疫小区 campaign."""
    chosen = _active.get()
    if chosen is None and _resolver:
        chosen = _resolver[0]()
    return chosen if chosen is not None else _load(str(BUNDLED))


@contextlib.contextmanager
def using(campaign: Definition) -> Iterator[Definition]:
    """Make ``campaign`` the active one for what runs inside (in this thread and what it hands a copied context)."""
    token = _active.set(campaign)
    try:
        yield campaign
    finally:
        _active.reset(token)


def set_resolver(resolve: Callable[[], Definition | None] | None) -> None:
    """Who answers ``active()`` when ``using`` has not: the app's session. None: nobody (the bundled campaign)."""
    _resolver[:] = [resolve] if resolve is not None else []


def valid_key(key: str) -> bool:
    """Whether ``key`` can name a campaign (and so a definition file, and a folder of its snapshot)."""
    return bool(_KEY.match(key))


@functools.lru_cache(maxsize=16)
def _load(path: str) -> Definition:
    where = Path(path)
    try:
        data = tomllib.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DefinitionError(f"{path}: 找不到活动定义文件 (no such campaign definition file)") from None
    except UnicodeDecodeError:
        raise DefinitionError(f"{path}: 文件须为 UTF-8 编码 (the file must be UTF-8)") from None
    except tomllib.TOMLDecodeError as e:
        raise DefinitionError(f"{path}: 不是有效的 TOML：{e} (not valid TOML: {e})") from None
    return _Reader(path).read(data)


class _Reader:
    """Turns a parsed file into a Definition, raising at the first key that is wrong."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, key: str, zh: str, en: str) -> DefinitionError:
        return DefinitionError(f"{self.path}: {key}: {zh} ({en})")

    def table(self, data: object, key: str, allowed: tuple[str, ...], required: tuple[str, ...]) -> dict:
        if not isinstance(data, dict):
            raise self.fail(key, "应为一个表", "must be a table")
        unknown = [k for k in data if k not in allowed]
        if unknown:
            raise self.fail(
                f"{key}.{unknown[0]}" if key else unknown[0],
                f"未知的键，可用的键为 {'、'.join(allowed)}",
                f"unknown key; the keys are {', '.join(allowed)}",
            )
        for k in required:
            if k not in data:
                raise self.fail(f"{key}.{k}" if key else k, "缺少此键", "missing")
        return data

    def text(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "应为非空文字", "must be non-empty text")
        return value.strip()

    def label(self, value: object, key: str) -> Label:
        if not isinstance(value, dict):
            raise self.fail(key, '应写成 { zh = "…", en = "…" }', 'must be { zh = "…", en = "…" }')
        for lang in ("zh", "en"):
            if lang not in value:
                raise self.fail(f"{key}.{lang}", "缺少此语言的文字：中文和英文都要有", "missing: both zh and en")
        self.table(value, key, ("zh", "en"), ())
        return Label(self.text(value["zh"], f"{key}.zh"), self.text(value["en"], f"{key}.en"))

    def words(self, value: object, key: str, *, empty: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list) or (not value and not empty):
            raise self.fail(key, "应为词的列表，至少一个", "must be a list of words, at least one")
        out = tuple(self.text(w, f"{key}[{i}]") for i, w in enumerate(value))
        seen: dict[str, str] = {}
        for w in out:
            if fold(w) in seen:
                raise self.fail(key, f"「{w}」重复", f"“{w}” is listed twice")
            seen[fold(w)] = w
        return out

    def key_of(self, value: object, key: str) -> str:
        text = self.text(value, key)
        if not _KEY.match(text):
            raise self.fail(key, f"「{text}」应为小写英文字母、数字和 _", f"“{text}” must be lower-case a-z, 0-9 and _")
        return text

    def read(self, data: dict) -> Definition:
        needed = ("campaign", "levels", "batches", "not_done", "kinds", "statuses")
        top = self.table(data, "", ("several_kinds", *needed), needed)
        labels = ("name", "title", "screen_title", "brief_title", "export_name", "brief_name")
        camp = self.table(top["campaign"], "campaign", (*labels, "year", "stem", "title_words"), (*labels, "stem"))
        year = camp.get("year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2100):
            raise self.fail("campaign.year", "应为年份，如 2022", "must be a year such as 2022")
        levels = self.table(top["levels"], "levels", LEVELS, LEVELS)
        batches = self.table(top["batches"], "batches", ("batch", "round"), ("batch", "round"))
        batch, rnd = self.label(batches["batch"], "batches.batch"), self.label(batches["round"], "batches.round")
        for name, label in (("batch", batch), ("round", rnd)):
            for lang in ("zh", "en"):
                if "{n}" not in getattr(label, lang):
                    raise self.fail(f"batches.{name}.{lang}", "须含 {n}（批次号）", "must hold {n}, the number")
        not_done = self.table(top["not_done"], "not_done", ("label",), ("label",))
        kinds = self.kinds(top["kinds"])
        statuses = self.statuses(top["statuses"])
        several = self.words(top.get("several_kinds", []), "several_kinds", empty=True)
        self.unique_words([(f"kinds.{k.key}.words", k.words) for k in kinds] + [("several_kinds", several)])
        return Definition(
            path=self.path,
            key=Path(self.path).stem,
            **{k: self.label(camp[k], f"campaign.{k}") for k in labels},
            year=year,
            stem=self.text(camp["stem"], "campaign.stem"),
            title_words=self.words(camp.get("title_words", []), "campaign.title_words", empty=True),
            several_kinds=several,
            levels=tuple((k, self.label(levels[k], f"levels.{k}")) for k in LEVELS),
            batch=batch,
            round=rnd,
            not_done=self.label(not_done["label"], "not_done.label"),
            kinds=kinds,
            statuses=statuses,
        )

    def unique_words(self, lists: list[tuple[str, tuple[str, ...]]]) -> None:
        """A word may mean one thing only: the same word in two lists would make a cell's meaning a guess."""
        owner: dict[str, str] = {}
        for key, words in lists:
            for w in words:
                other = owner.setdefault(fold(w), key)
                if other != key:
                    raise self.fail(key, f"「{w}」已用于 {other}：一个词只能有一种意思", f"“{w}” is in {other} too")

    def entries(
        self, value: object, name: str, allowed: tuple[str, ...], required: tuple[str, ...]
    ) -> Iterator[tuple[str, str, dict]]:
        """Each [[name]] table checked for its keys: its key, how messages name it (kinds.compound; kinds[0]
        when it has no key), the table."""
        if not isinstance(value, list) or not value or not all(isinstance(e, dict) for e in value):
            raise self.fail(name, f"应为一个或多个 [[{name}]] 表", f"must be one or more [[{name}]] tables")
        for i, entry in enumerate(value):
            if "key" not in entry:
                raise self.fail(f"{name}[{i}].key", "缺少此键", "missing")
            key = self.key_of(entry["key"], f"{name}[{i}].key")
            self.table(entry, f"{name}.{key}", ("key", *allowed), required)
            yield key, f"{name}.{key}", entry

    def kinds(self, value: object) -> tuple[Kind, ...]:
        out: list[Kind] = []
        allowed = ("label", "one", "words", "header_words", "title_words", "name_ending", "colour", "whole", "within")
        for key, at, entry in self.entries(value, "kinds", allowed, ("label", "one", "words")):
            if key in _RESERVED_KINDS or any(k.key == key for k in out):
                raise self.fail(f"{at}.key", "重复或保留的类型", "a kind listed twice, or reserved")
            ending = entry.get("name_ending")
            if ending is not None:
                ending = self.text(ending, f"{at}.name_ending")
                try:
                    re.compile(ending)
                except re.error as e:
                    why = f"不是有效的正则表达式：{e}", f"not a regular expression: {e}"
                    raise self.fail(f"{at}.name_ending", *why) from None
            out.append(
                Kind(
                    key,
                    self.label(entry["label"], f"{at}.label"),
                    self.label(entry["one"], f"{at}.one"),
                    self.words(entry["words"], f"{at}.words"),
                    self.words(entry.get("header_words", []), f"{at}.header_words", empty=True),
                    self.words(entry.get("title_words", []), f"{at}.title_words", empty=True),
                    ending,
                    self.colour(entry.get("colour"), f"{at}.colour"),
                    *self.whole(entry, at),
                )
            )
        self.unique_words([(f"kinds.{k.key}.header_words", k.header_words) for k in out])
        self.unique_words([(f"kinds.{k.key}.title_words", k.title_words) for k in out])
        return tuple(out)

    def colour(self, value: object, key: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not _COLOUR.match(value):
            raise self.fail(key, "应为 #rrggbb 形式的颜色，如 #c0392b", "must be a colour as #rrggbb, such as #c0392b")
        return value.lower()

    def whole(self, entry: dict, at: str) -> tuple[Label | None, Label | None]:
        """A kind counted whole per committee names the count (整居) and the committees (居委): both, or neither."""
        if ("whole" in entry) != ("within" in entry):
            missing = "within" if "whole" in entry else "whole"
            raise self.fail(f"{at}.{missing}", "whole 与 within 须同时给出", "whole and within go together")
        if "whole" not in entry:
            return None, None
        return self.label(entry["whole"], f"{at}.whole"), self.label(entry["within"], f"{at}.within")

    def statuses(self, value: object) -> tuple[Status, ...]:
        out: list[Status] = []
        allowed = ("label", "event", "words", "done", "undoes", "implies", "noun", "note")
        for key, at, entry in self.entries(value, "statuses", allowed, ("label", "event", "words")):
            if key not in SNAPSHOT_STATUSES:
                raise self.fail(
                    f"{at}.key",
                    f"目前状态只能是 {'、'.join(SNAPSHOT_STATUSES)} 之一（快照只记录这几种）",
                    f"for now a status is one of {', '.join(SNAPSHOT_STATUSES)}, the ones the snapshot keeps",
                )
            if any(s.key == key for s in out):
                raise self.fail(f"{at}.key", "重复的状态", "a status listed twice")
            done = entry.get("done", False)
            if not isinstance(done, bool):
                raise self.fail(f"{at}.done", "应为 true 或 false", "must be true or false")
            refs = {r: entry.get(r) for r in ("undoes", "implies")}
            for r, target in refs.items():
                if target is not None and not isinstance(target, str):
                    raise self.fail(f"{at}.{r}", "应为一个状态的键", "must be a status's key")
            out.append(
                Status(
                    key,
                    self.label(entry["label"], f"{at}.label"),
                    self.label(entry["event"], f"{at}.event"),
                    self.words(entry["words"], f"{at}.words"),
                    done,
                    refs["undoes"],
                    refs["implies"],
                    self.label(entry["noun"], f"{at}.noun") if "noun" in entry else None,
                    self.label(entry["note"], f"{at}.note") if "note" in entry else None,
                )
            )
        self.unique_words([(f"statuses.{s.key}.words", s.words) for s in out])
        keys = [s.key for s in out]
        for s in out:
            for r in ("undoes", "implies"):
                target = getattr(s, r)
                if target is None:
                    continue
                if target not in keys:
                    raise self.fail(
                        f"statuses.{s.key}.{r}",
                        f"未知的状态「{target}」，已定义的有 {'、'.join(keys)}",
                        f"unknown status “{target}”; the statuses are {', '.join(keys)}",
                    )
                if target == s.key:
                    raise self.fail(f"statuses.{s.key}.{r}", "不能指向自身", "cannot name the status itself")
        self.snapshot_rules(out)
        return tuple(out)

    def snapshot_rules(self, statuses: list[Status]) -> None:
        """What the snapshot's figures do with each status, which a definition must agree with for now."""
        done = [s.key for s in statuses if s.done]
        if done != [DONE_STATUS]:
            raise self.fail(
                "statuses",
                f"须有且只有「{DONE_STATUS}」标为 done = true（覆盖率按它计算）",
                f"exactly one status, “{DONE_STATUS}”, must be done = true (coverage counts it)",
            )
        for s in statuses:
            wanted = DONE_STATUS if s.key == UNDO_STATUS else None
            if s.undoes != wanted:
                raise self.fail(
                    f"statuses.{s.key}.undoes",
                    f"目前只有「{UNDO_STATUS}」可以撤销，且撤销的是「{DONE_STATUS}」",
                    f"for now only “{UNDO_STATUS}” undoes, and it undoes “{DONE_STATUS}”",
                )
            if s.implies is not None and s.implies != DONE_STATUS:
                raise self.fail(
                    f"statuses.{s.key}.implies",
                    f"目前只能隐含「{DONE_STATUS}」",
                    f"for now a status can only imply “{DONE_STATUS}”",
                )
