"""The words towns use, mapped to the canonical ones.

Headers, unit kinds, batch words and status words arrive in many spellings. Each mapping here is keyed
by the *folded* form (see ``fold``): NFKC (full-width -> half-width), no spaces, lower case, so that
"公布日期 ", "公布日期" and "Published" all meet the same key.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from campaign.definition import Definition, definition, fold

# canonical column -> header spellings seen in town files (Chinese first, then English)
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "district": ("区", "所属区", "区名", "区县", "district"),
    "town": ("街镇", "街道", "镇", "乡镇", "街道/镇", "街道(镇)", "所属街镇", "镇街", "town", "subdistrict"),
    "committee": (
        "居委",
        "居委会",
        "居民委员会",
        "社区居委会",
        "居民区",
        "村",
        "居村委",
        "村居委",
        "居委/村",
        "村/居委",
        "所属居村",
        "所属居委",
        "行政村",
        "村委",
        "村委会",
        "村民委员会",
        "社区",
        "committee",
        "village",
        "committee/village",
    ),
    "name": (
        "名称",
        "小区名称",
        "小区",
        "村民小组",
        "村组",
        "村居名称",
        "村居",
        "单位名称",
        "创建单位",
        "name",
        "unit",
        "unitname",
    ),
    "kind": ("类型", "单位类型", "类别", "kind", "type"),
    "households": ("户数", "住户数", "总户数", "households"),
    "population": ("人口", "人数", "常住人口", "人口数", "population", "residents"),
    "batch": ("批次", "轮次", "创建批次", "创建轮次", "batch", "round"),
    # a yes/no or pass/fail column (是否创建成功 否, 创建结果 未通过) is the status: its no-rows are not creations
    "status": (
        "状态",
        "创建状态",
        "创建结果",
        "验收结果",
        "是否创建成功",
        "是否通过",
        "是否通过验收",
        "是否验收通过",
        "是否创建",
        "status",
    ),
    "published": (
        "公布日期",
        "创建日期",
        "日期",
        "发布日期",
        "创建时间",
        "公布时间",
        "发布时间",
        # the day a unit passed its acceptance check: its creation day when the list gives no other
        "验收日期",
        "验收时间",
        "通过日期",
        "通过时间",
        "公示日期",
        "公示时间",
        "命名日期",
        "date",
        "published",
        "publicationdate",
    ),
    "target": ("官方总数", "目标数", "应创建数", "总数", "target"),
    "target_date": ("截至日期", "截止日期", "asof", "as_of"),
    "source": ("来源", "source"),
    # grid rosters (网格名册): one row per grid of a committee or village
    "grid": ("网格", "网格名称", "网格名", "grid", "gridname"),
    # or the whole path in one column: 星火村总网格/第1子网格/微网格3 (grid, parent and level from it)
    "grid_path": ("网格路径", "网格全路径", "网格层次", "gridpath"),
    "parent_grid": ("上级网格", "所属网格", "父网格", "parent", "parentgrid"),
    "grid_level": ("网格层级", "层级", "网格级别", "网格类型", "level", "gridlevel"),
    "workers": (
        "工作人员和志愿者",
        "工作人员及志愿者",
        "工作人员",
        "网格员",
        "人员数",
        "workers",
        "workersandvolunteers",
    ),
    "linked": ("每人联系户数", "联系户数", "包户数", "linkedhouseholds", "householdsperworker"),
    # services logs (服务记录): one row per day, committee or village and kind of service
    "service_kind": ("服务类型", "服务项目", "服务内容", "service", "servicekind"),
    "count": ("次数", "数量", "件数", "服务次数", "count", "times"),
    # status lists: the list's mark that a unit's committee or village was created as a whole (整居 / 整村创建)
    "whole": (
        "整建制",
        "整建制创建",
        "是否整建制",
        "是否整建制创建",
        "整居创建",
        "是否整居创建",
        "整村创建",
        "是否整村创建",
        "整居/整村",
        "整居/整村创建",
        "整居整村创建",
        "整体创建",
        "是否整体创建",
        "whole",
        "createdwhole",
        "wholecommittee",
        "wholevillage",
    ),
}

# name headers that are the committee when the table has another name column (村居 beside 小区名称)
COMMITTEE_OR_NAME = ("村居", "村居名称", "居村", "居村名称")

# grid levels: the 4-level tree of a village (总网格 > 子网格 > 微网格 > 宅基网格) or the 2-level one of a
# compound (大网格 > 小网格); the rank orders levels within one tree
GRID_LEVEL_WORDS: dict[str, str] = {
    "总网格": "total",
    "total": "total",
    "子网格": "sub",
    "sub": "sub",
    "微网格": "micro",
    "micro": "micro",
    "宅基网格": "house",
    "宅基": "house",
    "house": "house",
    "大网格": "big",
    "big": "big",
    "小网格": "small",
    "small": "small",
}
GRID_LEVELS = ("total", "sub", "micro", "house", "big", "small")
ROOT_GRID_LEVELS = ("total", "big")  # the only levels that may have no parent grid

SERVICE_WORDS: dict[str, str] = {
    "送药": "medicine",
    "配药": "medicine",
    "代配药": "medicine",
    "配送药品": "medicine",
    "medicine": "medicine",
    "medicinedelivery": "medicine",
    "开具证明": "certificate",
    "开具就医证明": "certificate",
    "就医证明": "certificate",
    "证明": "certificate",
    "certificate": "certificate",
    "medicalcertificate": "certificate",
    "跨区转运就医": "transfer",
    "跨区就医转运": "transfer",
    "转运就医": "transfer",
    "transfer": "transfer",
    "hospitaltransfer": "transfer",
    "物资配送": "parcel",
    "生活物资": "parcel",
    "物资包": "parcel",
    "parcel": "parcel",
    "supplyparcel": "parcel",
    "特殊人群服务": "special",
    "特殊人员": "special",
    "特殊人群": "special",
    "专人服务": "special",
    "special": "special",
    "道口值守": "road_guard",
    "道口": "road_guard",
    "roadguard": "road_guard",
    "其他": "other",
    "other": "other",
}
SERVICE_KINDS = ("medicine", "certificate", "transfer", "parcel", "special", "road_guard", "other")

# a 整建制 cell: yes, no; a cell holding only a placeholder dash or slash states nothing (as a blank one)
WHOLE_WORDS: dict[str, bool] = {
    **dict.fromkeys(
        ("是", "y", "yes", "√", "✓", "✔", "☑", "1", "true", "整居", "整村", "整建制", "整居创建", "整村创建"),
        True,
    ),
    **dict.fromkeys(("整建制创建", "整体创建", "整体", "全部", "全部创建"), True),
    **dict.fromkeys(
        ("否", "n", "no", "×", "✗", "✘", "0", "false", "不是", "非整建制", "部分", "部分创建", "非整居", "非整村"),
        False,
    ),
}
WHOLE_NOT_STATED = ("/", "-", "—", "——")


def says_rounds(header: str) -> bool:
    """A batch column's header that says the list counts rounds (轮) rather than batches (批): 轮次, 创建轮次, Round."""
    key = fold(header or "")
    return "轮" in key or "round" in key


# the campaign's own words (kinds, statuses, what implies what, its year) are in its definition file
# (campaign/campaigns/wuyi.toml, read by campaign.definition); ``words(definition)`` keys them for lookup, and the
# names below are the bundled campaign's


@dataclass(frozen=True)
class Words:
    """A campaign definition's words, folded and keyed for lookup."""

    kinds: tuple[str, ...]
    kind_words: dict[str, str]  # a 类型 cell -> kind
    target_kind_words: dict[str, str | None]  # a target's kind cell -> kind; None: every kind (村居, 全部)
    status_words: dict[str, str]  # a 状态 cell -> status
    implies: dict[str, str]  # a status -> the status a unit had first (示范 -> created)
    year: int | None  # for dates written without one (5月9日)
    header_kinds: tuple[tuple[str, str], ...]  # name column header word -> kind, longest word first
    title_kinds: tuple[tuple[str, str], ...]  # title word -> kind
    several_kinds: tuple[str, ...]  # words naming several kinds at once (村居)
    campaign_words: re.Pattern[str] | None  # the campaign's own name in a title (无疫小区), which says no kind


# a target may count several kinds at once (Chongming publishes villages and communities together): these say so
# for every campaign, beside the campaign's own words for it (村居)
_ALL_KINDS_WORDS = ("全部", "合计", "all", "")


def words(campaign: Definition | None = None) -> Words:
    """The words of ``campaign`` (the active definition by default: ``campaign.definition.active``) as lookup
    tables."""
    return _words(campaign or definition())


@functools.lru_cache(maxsize=16)
def _words(d: Definition) -> Words:
    kind_words = {fold(w): k.key for k in d.kinds for w in k.words}
    several = tuple(fold(w) for w in d.several_kinds)
    header = [(fold(w), k.key) for k in d.kinds for w in k.header_words]
    named = sorted(fold(w) for w in d.title_words)
    return Words(
        kinds=tuple(k.key for k in d.kinds),
        kind_words=kind_words,
        target_kind_words={**kind_words, **dict.fromkeys(several), **dict.fromkeys(_ALL_KINDS_WORDS)},
        status_words={fold(w): s.key for s in d.statuses for w in s.words},
        implies={s.key: s.implies for s in d.statuses if s.implies},
        year=d.year,
        # the longest word first: 村民小组 before 村, villagegroup before village
        header_kinds=tuple(sorted(header, key=lambda wk: -len(wk[0]))),
        title_kinds=tuple((fold(w), k.key) for k in d.kinds for w in k.title_words),
        several_kinds=several,
        campaign_words=re.compile("|".join(map(re.escape, sorted(named, key=len, reverse=True)))) if named else None,
    )


_BUNDLED = words()
KINDS = _BUNDLED.kinds
KIND_WORDS = _BUNDLED.kind_words
TARGET_KIND_WORDS = _BUNDLED.target_kind_words
STATUS_WORDS = _BUNDLED.status_words
# statuses that imply another when the unit has no record of it: a model (示范) unit was created first
IMPLIES = _BUNDLED.implies
# the campaign's year, for dates written without one (5月9日)
CAMPAIGN_YEAR = _BUNDLED.year

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_BATCH_RE = re.compile(r"^(?:第)?([0-9]+|[零〇一二两三四五六七八九十]+)(?:批次?|轮次?)?$")


# a day written in Chinese numerals (二〇二二年五月九日, 五月十二日, 十月三十一日), as official notices date themselves:
# the steps that write it in digits, one regular expression each (Polars' replace_all syntax), so that a title (Python)
# and a date column (Polars) read it alike. 十 is 10 alone, 1 before a digit, 0 after one, nothing between two.
_CN_DATE = r"(?:^|[^〇零一二两三四五六七八九十])[〇零一二两三四五六七八九十]+[年月]"
CN_DATE_STEPS: tuple[tuple[str, str], ...] = (
    (r"(^|[年月])十([月日号])", "${1}10${2}"),
    (r"(^|[年月])十([月日号])", "${1}10${2}"),
    (r"(^|[年月])十", "${1}1"),
    (r"(^|[年月])十", "${1}1"),
    (r"十([月日号])", "0${1}"),
    (r"十", ""),
    *((d, str(n)) for d, n in (("[〇零]", 0), ("一", 1), ("[二两]", 2), ("三", 3), ("四", 4))),
    *((d, str(n)) for d, n in (("五", 5), ("六", 6), ("七", 7), ("八", 8), ("九", 9))),
)
_CN_DAY = re.compile(
    r"[〇零一二两三四五六七八九十]+年[一二两三四五六七八九十]+月[一二三四五六七八九十]+[日号]|"
    r"[一二两三四五六七八九十]+月[一二三四五六七八九十]+[日号]"
)


def arabic_dates(text: str) -> str:
    """二〇二二年五月九日 -> 2022年5月9日 wherever a day is so written in ``text`` (a title); the rest as it is."""

    def digits(m: re.Match[str]) -> str:
        day = m.group(0)
        for pattern, repl in CN_DATE_STEPS:
            day = re.sub(pattern, repl.replace("${1}", r"\g<1>").replace("${2}", r"\g<2>"), day)
        return day

    return _CN_DAY.sub(digits, text) if re.search(_CN_DATE, text) else text


HEADER_LOOKUP: dict[str, str] = {fold(v): col for col, vs in HEADER_VARIANTS.items() for v in vs}


def chinese_number(text: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十 -> 20; None when it is not a number below 100."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        t = _CN_DIGITS.get(tens) if tens else 1
        o = _CN_DIGITS.get(ones) if ones else 0
        return None if t is None or o is None else t * 10 + o
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def batch_number(word: str) -> int | None:
    """首批 / 第一批 / 第2批 / 第二轮 / 2 / 2.0 -> the batch number, or None when it is not one."""
    # 批次：1, (第2批), 【第二批】, 第一批（5月9日）: the header repeated in the cell, brackets around it, a day after
    folded = fold(word)
    w = _BRACKETED.sub("", folded) or _BRACKET_MARKS.sub("", folded)
    w = re.sub(r"^(?:批次|轮次|batch|round):?", "", w)
    if w in ("首批", "首轮", "第一批次"):
        return 1
    if re.fullmatch(r"[0-9]+\.0+", w):
        w = w.split(".")[0]
    m = _BATCH_RE.match(w)
    if not m:
        return None
    n = chinese_number(m.group(1))
    return n if n and n > 0 else None


# ---------------------------------------------------------------------------------------------------
# headers as people write them: 街道（镇）, 所属村居委会, 小区名称（全称）, 村（组）名, 户数(户)

_BRACKETED = re.compile(r"[(\[<《【{][^)\]>》】}]*[)\]>》】}]")
_BRACKET_MARKS = re.compile(r"[()\[\]<>《》【】{}]")
_LEADING_WORDS = ("所属", "所在", "归属", "创建")
_TRAILING_WORDS = ("名称", "名字", "名", "全称")
# a header holding one of these is about something else (小区地址, 村民小组长, 联系电话): never a known column by
# a word it merely contains
_OTHER_THINGS = (
    "地址",
    "电话",
    "手机",
    "联系人",
    "负责人",
    "书记",
    "组长",
    "主任",
    "备注",
    "说明",
    "序号",
    "编号",
    "面积",
    "代码",
    "网址",
    "邮箱",
    "坐标",
)


def _forms(key: str) -> list[str]:
    """A folded header, then with its brackets opened (村(组)名 -> 村组名), then dropped (户数(户) -> 户数)."""
    opened = _BRACKET_MARKS.sub("", key)
    dropped = _BRACKETED.sub("", key)
    return list(dict.fromkeys(f for f in (key, opened, dropped) if f))


def _trimmed(form: str) -> list[str]:
    """A form without a leading 所属 / 所在 and a trailing 名称 / 名 (所属街镇名称 -> 街镇), each way."""
    out = [form]
    for lead in _LEADING_WORDS:
        if form.startswith(lead) and len(form) > len(lead):
            out.append(form[len(lead) :])
    for trimmed in list(out):
        for tail in _TRAILING_WORDS:
            if trimmed.endswith(tail) and len(trimmed) > len(tail):
                out.append(trimmed[: -len(tail)])
    return out


@functools.lru_cache(maxsize=4096)
def header_match(written: str) -> tuple[str | None, bool]:
    """The canonical column a header names, and whether it names it exactly (a known spelling, its brackets or a
    所属 / 名称 around it aside) rather than by a known word it holds (所属村居委会 -> committee by 居委会).

    A header holding known words of two columns equally (小区类型 is the kind by its last word; 区街镇 is nobody's) is
    not recognised: the column is kept aside, not guessed."""
    exact = header_exact(written)
    if exact is not None:
        return exact, True
    key = fold(written or "")
    if not key:
        return None, False
    form = _forms(key)[-1]
    if any(word in form for word in _OTHER_THINGS):
        return None, False
    # a known word of two characters or more inside the header; the one that ends it wins (the head of a Chinese
    # noun phrase is its last word: 小区类型 is a kind), then the longest
    hits = [(form.endswith(v), len(v), col) for v, col in HEADER_LOOKUP.items() if len(v) > 1 and v in form]
    if not hits:
        return None, False
    best = max(hits)
    tied = {col for ends, n, col in hits if (ends, n) == best[:2]}
    return (best[2], False) if len(tied) == 1 else (None, False)


def header_exact(written: str) -> str | None:
    """The canonical column a header names exactly (a known spelling, its brackets or a 所属 / 名称 around it
    aside), else None: ``header_match``'s first half, cheap enough for every distinct cell of a column."""
    for form in _forms(fold(written or "")):
        for candidate in _trimmed(form):
            hit = HEADER_LOOKUP.get(candidate)
            if hit:
                return hit
    return None


def _spellings() -> dict[str, list[str]]:
    """Column -> every folded, bracket-free header ``header_exact`` reads as naming it: a known spelling with or
    without a 所属 before it and a 名称 after it."""
    out: dict[str, set[str]] = {}
    for key, col in HEADER_LOOKUP.items():
        for lead in ("", *_LEADING_WORDS):
            out.setdefault(col, set()).update(lead + key + tail for tail in ("", *_TRAILING_WORDS))
    return {col: sorted(spelt) for col, spelt in out.items()}


HEADER_SPELLINGS = _spellings()


def header_column(written: str) -> str | None:
    """``header_match``'s column alone."""
    return header_match(written)[0]


def header_kind(written: str, campaign: Definition | None = None) -> str | None:
    """The unit kind a name column's header says (小区名称（全称） -> compound), None when it says none (名称, 村居).

    The campaign's header words are tried longest first; a word of one character (村) names the kind only as the
    whole header."""
    w = words(campaign)
    for form in _forms(fold(written or "")):
        if any(s in form for s in w.several_kinds) or "/" in form or "、" in form:
            return None  # 村居名称, 居委/村: several kinds
        for word, kind in w.header_kinds:
            if form == word if len(word) == 1 else word in form:
                return kind
    return None


def title_kind(title: str, campaign: Definition | None = None) -> str | None:
    """A title's kind: 金山区居民小区名册 -> compound; the campaign's own name (无疫小区, 示范无疫小区) is no kind, and
    a title naming the words of two kinds says none."""
    w = words(campaign)
    text = fold(title or "")
    if w.campaign_words is not None:
        text = w.campaign_words.sub("", text)
    found = {kind for word, kind in w.title_kinds if word in text}
    return found.pop() if len(found) == 1 else None
