"""What a list's title line says: 闵行区首批“无疫小区”名单（2022年5月9日公布） -> 闵行区, batch 1, 2022-05-09.

Towns often leave the district, batch and date out of the table because the title already says them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from campaign.vocabulary import batch_number

# the district opens the title: 金山区…, 上海市浦东新区…; a 区 later in the title is 小区, not a district
_DISTRICT = re.compile(r"^(?:上海市)?([\u4e00-\u9fff]{1,5}?(?:新区|区|县))")
_BATCH = re.compile(r"(首批|首轮|第\s*[0-9一二两三四五六七八九十]+\s*[批轮])")
_DATE = re.compile(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?")


@dataclass(frozen=True)
class TitleFacts:
    district: str | None = None
    batch: int | None = None
    counts_rounds: bool = False
    published: dt.date | None = None


def parse_title(title: str) -> TitleFacts:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", title or ""))
    if not text:
        return TitleFacts()
    district = None
    m = _DISTRICT.match(text)
    if m and not m.group(1).endswith("小区"):
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
    return TitleFacts(district, batch, rounds, published)
