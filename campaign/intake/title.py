"""What a list's title line says: 闵行区首批“无疫小区”名单（2022年5月9日公布） -> 闵行区, batch 1, 2022-05-09.

Towns often leave the district, batch and date out of the table because the title already says them. A title
(or a file name) saying 累计 or 全部已创建 marks a cumulative list: every unit created as of its date, not only
the batch's new ones.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from campaign.definition import Definition, definition
from campaign.intake.vocabulary import arabic_dates, batch_number

# the district opens the title: 金山区…, 上海市浦东新区…; a 区 later in the title is 小区, not a district
_DISTRICT = re.compile(r"^(?:上海市)?([\u4e00-\u9fff]{1,5}?(?:新区|区|县))")
_BATCH = re.compile(r"(首批|首轮|第\s*[0-9一二两三四五六七八九十]+\s*[批轮])")
_DATE = re.compile(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?")
# 5月9日 without a year: the campaign's year (its definition's)
_DAY_OF_YEAR = re.compile(r"(?<![\d年/.-])(\d{1,2})月(\d{1,2})日")
# a 区 that ends a word which is no district: 小区, 社区, 园区 (高新区社区 is a town; 金山区 a district)
_NOT_DISTRICTS = ("小区", "社区", "园区", "片区", "街区", "景区", "校区", "厂区", "城区", "营区", "矿区")
# what may stand before the district in a file name or title: a year, a date, numbering, separators
_LEADING = re.compile(r"^[\d\s_.\-—()（）\[\]【】年月日号]+")
# a roster (名册) rather than a list (名单): 金山区居民小区名册, 崇明区_村居名册.csv
_ROSTER = re.compile(r"名册|花名册|底册|清册")


@functools.lru_cache(maxsize=16)
def _cumulative(campaign: Definition) -> re.Pattern[str]:
    """累计名单, 全部已创建名单 (全部 and a done status's word in its 已 form), 全部无疫小区名单 (全部 and the
    campaign's stem); not 全部整村创建 (a batch's note) nor a bare 全部."""
    done = [w for s in campaign.statuses if s.done for w in s.words if w.startswith("已")]
    stated = "|".join(f"全部{re.escape(w)}" for w in done)
    return re.compile(rf"累计|{stated}{'|' if stated else ''}全部的?(?:{re.escape(campaign.stem)}|名单)")


@dataclass(frozen=True)
class TitleFacts:
    district: str | None = None
    batch: int | None = None
    counts_rounds: bool = False
    published: dt.date | None = None
    cumulative: bool = False  # 累计 / 全部已创建: the list holds every unit created as of its date
    status: str | None = None  # the one status but created the title names: 示范 model, 撤销 revoked, 申报 applied


def says_cumulative(text: str, campaign: Definition | None = None) -> bool:
    """A title or file name that calls the list cumulative (累计名单, 全部已创建名单)."""
    pattern = _cumulative(campaign or definition())
    return bool(pattern.search(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))))


def parse_title(title: str, campaign: Definition | None = None) -> TitleFacts:
    text = arabic_dates(re.sub(r"\s+", "", unicodedata.normalize("NFKC", title or "")))
    if not text:
        return TitleFacts()
    district = None
    m = _DISTRICT.match(_LEADING.sub("", text))
    if m and not m.group(1).endswith(_NOT_DISTRICTS):
        district = m.group(1)
    batch, rounds = None, False
    m = _BATCH.search(text)
    if m:
        batch = batch_number(m.group(1))
        rounds = "轮" in m.group(1)
    published = None
    m = _DATE.search(text)
    if m:
        try:
            published = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            published = None  # an impossible date in a title is ignored, as if the title had none
    else:
        year = (campaign or definition()).year
        m = _DAY_OF_YEAR.search(text) if year is not None else None
        if m:
            try:
                published = dt.date(year, int(m.group(1)), int(m.group(2)))
            except ValueError:
                published = None
    return TitleFacts(district, batch, rounds, published, says_cumulative(text, campaign), title_status(text, campaign))


def title_status(text: str, campaign: Definition | None = None) -> str | None:
    """The status a title or file name gives every row of a list with no 状态 column: 浦东新区第二批示范无疫小区名单
    is a list of models, 撤销无疫小区名单 one of revocations. Only a status other than the done one (a list creates by
    default, and 无疫小区 is itself a creation word); a title naming two such statuses says none."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()
    found = {
        s.key
        for s in (campaign or definition()).statuses
        if not s.done
        for w in s.words
        if len(w) > 1 and not w.isascii() and w in folded
    }
    return found.pop() if len(found) == 1 else None


def says_roster(text: str) -> bool:
    """A title or file name that calls the table a roster (名册) of units, not a list (名单) of a batch."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return bool(_ROSTER.search(text)) and "名单" not in text
