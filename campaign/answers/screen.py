"""The command-centre screen (指挥中心大屏) without the drawing: its URL, its schedule, its data.

A wall screen is configured by its bookmark alone, e.g.
``/screen?district=崇明区&rotate=20&refresh=60&panels=overview,progress,towns&lang=zh``. ``parse`` reads
the URL's parameters into a ``Config``; a value it cannot use becomes a ``Note`` (shown on the screen)
and the default takes its place, so a typo never stops the screen. ``schedule`` lists the slides the
screen rotates through; ``slide_index`` says which is showing. ``fetch`` runs the named queries once
for one snapshot (retrying when a new one is published mid-fetch). No SQL here and no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from campaign import config, i18n, text
from campaign.answers import queries
from campaign.snapshot import store

PANELS = ("overview", "progress", "towns", "batch")
STEPS = ("none", "district", "town")
LANGS = i18n.LANGS

ROTATE_DEFAULT, ROTATE_MIN, ROTATE_MAX = 20.0, 3.0, 3600.0
# what the operator's settings say when they say nothing (campaign.config.Settings), and the URL's bounds
REFRESH_DEFAULT, REFRESH_MIN, REFRESH_MAX = config.Settings.refresh, config.REFRESH_MIN, config.REFRESH_MAX
STALE_DEFAULT = config.Settings.stale
# parameters Streamlit itself reads from a page's URL
STREAMLIT_PARAMS = {"embed", "embed_options"}
# campaign: which campaign (campaign/app/campaigns.py, read before the screen runs)
KNOWN_PARAMS = {"district", "town", "rotate", "refresh", "panels", "step", "stale", "lang", "start", "campaign"}


@dataclass(frozen=True)
class Defaults:
    """What a screen uses when its URL does not say: the operator's refresh, stale limit and language."""

    refresh: float = REFRESH_DEFAULT
    stale_after: dt.timedelta | None = STALE_DEFAULT  # None: never warn
    lang: str = config.Settings.language


def server_defaults(env: Mapping[str, str] | None = None) -> Defaults:
    """The defaults set by the config file and environment (``config.settings``: refresh, stale, language).

    ``campaign serve`` refuses to start with a wrong value; a dashboard started otherwise uses the built-in
    default for it, as the screen must never stop on configuration.
    """
    settings = config.settings(env)
    return Defaults(refresh=settings.refresh, stale_after=settings.stale, lang=settings.language)


@dataclass(frozen=True)
class Config:
    districts: tuple[str, ...] = ()  # empty: every district
    towns: tuple[str, ...] = ()  # empty: every town (step=town)
    panels: tuple[str, ...] = PANELS
    rotate: float = ROTATE_DEFAULT  # seconds per slide
    refresh: float = REFRESH_DEFAULT  # seconds between data checks
    step: str = "none"  # none | district | town
    stale_after: dt.timedelta | None = STALE_DEFAULT  # None: never warn
    lang: str = config.Settings.language
    start: int = 1  # the slide shown first (1 = the first): screens side by side can show different slides

    @property
    def tick(self) -> float:
        """How often the screen re-runs: often enough for both the rotation and the refresh."""
        return min(self.rotate, self.refresh)


@dataclass(frozen=True)
class Note:
    """A URL value the screen could not use, and what it uses instead."""

    param: str
    value: str
    instead: str
    reason: str = "invalid"  # invalid | unknown_param | unknown_value

    def text(self, lang: str) -> str:
        key = {"unknown_param": "screen_note_param", "unknown_value": "screen_note_unknown"}.get(
            self.reason, "screen_note_invalid"
        )
        return i18n.t(key, lang, param=self.param, value=self.value, instead=self.instead)


def _first(value: str | list[str]) -> str:
    if isinstance(value, list | tuple):
        return value[-1] if value else ""
    return str(value)


def _items(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,，、;；|]", text) if p.strip()]


def _seconds(text: str) -> float | None:
    """'20', '20s', '1.5m', '2h' -> seconds; None when not a finite duration (config.duration)."""
    return config.duration(text)


def _age(text: str) -> dt.timedelta | None | bool:
    """'24' (hours), '90m', '36h', '2d', 'off' -> a timedelta, None (never warn), False when not understood."""
    lowered = text.strip().lower()
    if lowered in ("off", "0", "none", "no"):
        return None
    seconds = config.duration(lowered, bare="h")
    if seconds is None:
        return False
    if seconds <= 0 or seconds > 365 * 86400:
        return False
    return dt.timedelta(seconds=seconds)


def _fmt_seconds(value: float) -> str:
    return f"{value:g}"


def _fmt_age_setting(age: dt.timedelta | None) -> str:
    """A stale limit as the URL would say it: 24h, 90m, off."""
    if age is None:
        return "off"
    seconds = age.total_seconds()
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds / 3600:g}h"


def parse(params: Mapping[str, str | list[str]], defaults: Defaults | None = None) -> tuple[Config, list[Note]]:
    """The screen's configuration from its URL parameters; every value it cannot use is a Note.

    What the URL leaves out comes from ``defaults`` (the operator's, see ``server_defaults``).
    """
    defaults = defaults or Defaults()
    notes: list[Note] = []
    values = {k: _first(v) for k, v in params.items()}
    for name in values:
        if name not in KNOWN_PARAMS and name not in STREAMLIT_PARAMS:
            notes.append(Note(name, values[name], "", "unknown_param"))

    lang = values.get("lang", defaults.lang).strip().lower() or defaults.lang
    if lang not in LANGS:
        notes.append(Note("lang", values["lang"], defaults.lang))
        lang = defaults.lang

    def duration(name: str, default: float, low: float, high: float) -> float:
        if name not in values:
            return default
        seconds = _seconds(values[name])
        if seconds is None or not low <= seconds <= high:
            notes.append(Note(name, values[name], _fmt_seconds(default)))
            return default
        return seconds

    rotate = duration("rotate", ROTATE_DEFAULT, ROTATE_MIN, ROTATE_MAX)
    refresh = duration("refresh", defaults.refresh, REFRESH_MIN, REFRESH_MAX)

    panels: list[str] = []
    if "panels" in values:
        for item in _items(values["panels"]):
            name = item.lower()
            if name in PANELS and name not in panels:
                panels.append(name)
            elif name not in PANELS:
                notes.append(Note("panels", item, ",".join(panels or PANELS), "unknown_value"))
        if not panels:
            if not _items(values["panels"]):
                notes.append(Note("panels", values["panels"], ",".join(PANELS)))
            panels = list(PANELS)

    step = values.get("step", "none").strip().lower() or "none"
    if step not in STEPS:
        notes.append(Note("step", values["step"], "none"))
        step = "none"

    stale_after = defaults.stale_after
    if "stale" in values:
        age = _age(values["stale"])
        if age is False:
            notes.append(Note("stale", values["stale"], _fmt_age_setting(defaults.stale_after)))
        else:
            stale_after = age

    start = 1
    if "start" in values:
        found = re.fullmatch(r"\s*(\d{1,6})\s*", values["start"])
        if found and int(found.group(1)) >= 1:
            start = int(found.group(1))
        else:
            notes.append(Note("start", values["start"], "1"))

    config = Config(
        districts=tuple(dict.fromkeys(_items(values.get("district", "")))),
        towns=tuple(dict.fromkeys(_items(values.get("town", "")))),
        panels=tuple(panels) if panels else PANELS,
        rotate=rotate,
        refresh=refresh,
        step=step,
        stale_after=stale_after,
        lang=lang,
        start=start,
    )
    return config, notes


def resolve(
    config: Config, known: list[str], towns: Mapping[str, list[str]]
) -> tuple[list[str], list[str], list[Note]]:
    """The districts and towns to show: the URL's that exist (all when none does); notes for the rest."""
    notes: list[Note] = []
    districts = [d for d in config.districts if d in known]
    every = i18n.t("all_districts", config.lang)
    for d in config.districts:
        if d not in known:
            notes.append(Note("district", d, "、".join(districts) or every, "unknown_value"))
    if not districts:
        districts = list(known)
    in_scope = [t for d in districts for t in towns.get(d, [])]
    chosen = [t for t in config.towns if t in in_scope]
    for t in config.towns:
        if t not in in_scope:
            notes.append(Note("town", t, "、".join(chosen) or i18n.t("all_towns", config.lang), "unknown_value"))
    return districts, chosen, notes


@dataclass(frozen=True)
class Slide:
    panel: str  # one of PANELS, or "town" (one town's card when stepping through towns)
    district: str | None = None  # None: every district shown
    town: str | None = None
    page: int = 0  # a board with more rows than one panel holds: its pages, a slide each
    pages: int = 1


def schedule(
    config: Config,
    districts: list[str],
    towns: list[tuple[str, str]],
    pages: Callable[[str, str | None], int] | None = None,
) -> list[Slide]:
    """The slides in order. ``towns``: (district, town) pairs, best ranked first, to step through.
    ``pages(panel, district)``: how many pages that panel's board needs (district None: every one)."""

    def turns(panel: str, district: str | None) -> list[Slide]:
        count = max(1, pages(panel, district)) if pages else 1
        return [Slide(panel, district, None, i, count) for i in range(count)]

    if config.step == "district":
        return [s for d in districts for p in config.panels for s in turns(p, d)]
    if config.step == "town" and towns:
        return [Slide("town", d, t) for d, t in towns]
    return [s for p in config.panels for s in turns(p, None)]


# ---------------------------------------------------------------------------------------------------
# boards: rows of a panel (the overview's districts and kinds, the towns' ranking) in columns

BOARD_HEIGHT = 52.0  # units of --u: the panel body's height (58.4 less the title's 6, less a little)
BOARD_MIN_ROW = 3.2  # the lowest row that still reads across a room (its text is half of it: 17 px at 1080 lines)


@dataclass(frozen=True)
class Board:
    """A board of ``n`` rows: ``cols`` columns of ``per_col`` rows ``row`` units high, ``pages`` pages of
    ``size`` rows. Every row is whole on the screen: a board that scrolled cut a row at each edge."""

    n: int
    cols: int
    per_col: int
    row: float
    pages: int
    size: int

    def page(self, rows: list, index: int) -> list:
        return rows[index * self.size : (index + 1) * self.size]


def board(n: int, row_max: float, one_col_max: int = 0, cols: int = 2, height: float = BOARD_HEIGHT) -> Board:
    """How ``n`` rows fill the panel: one column up to ``one_col_max`` rows, else ``cols``; rows as high as
    ``row_max``, lower to keep every row on one page, never below ``BOARD_MIN_ROW``: then pages, as even as
    can be (40 rows -> 20 + 20, not 32 + 8)."""
    n = max(1, n)
    cols = 1 if n <= one_col_max else cols
    per_page = cols * int(height // BOARD_MIN_ROW)
    pages = math.ceil(n / per_page)
    size = math.ceil(n / pages)
    per_col = math.ceil(size / cols)
    return Board(n, cols, per_col, min(row_max, height / per_col), pages, size)


OVERVIEW_ROW, OVERVIEW_ONE_COL = 8.5, 8  # the overview: a row per district and kind
TOWNS_ROW = 5.0  # the town ranking: two columns, read down the first, then the second


def overview_board(n: int) -> Board:
    return board(n, OVERVIEW_ROW, OVERVIEW_ONE_COL)


def towns_board(n: int) -> Board:
    return board(n, TOWNS_ROW)


def slide_index(elapsed: float, rotate: float, count: int, tick: float | None = None) -> int:
    """Which slide shows ``elapsed`` seconds after the screen started.

    Timers fire a little late, never much early; a fifth of a tick of slack keeps a timer that fires a
    hair early from showing the same slide twice.
    """
    if count <= 0:
        return 0
    return slide_turn(elapsed, rotate, tick) % count


def slide_turn(elapsed: float, rotate: float, tick: float | None = None) -> int:
    """How many slides have begun ``elapsed`` seconds after the screen started (``slide_index``'s slack)."""
    slack = 0.2 * (tick if tick is not None else rotate)
    return int(max(0.0, elapsed + slack) // rotate)


def stale(last_ingest: dt.datetime | None, now: dt.datetime, limit: dt.timedelta | None) -> bool:
    return limit is not None and last_ingest is not None and now - last_ingest > limit


def fmt_age(age: dt.timedelta, lang: str) -> str:
    minutes = max(0, int(age.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    if lang == "en":
        parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if not days else ""]
    else:
        parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "", f"{minutes} 分钟" if not days else ""]
    return " ".join(p for p in parts if p) or ("0 min" if lang == "en" else "0 分钟")


# ---------------------------------------------------------------------------------------------------
# data: one snapshot's figures


def _published(db=None) -> store.Published | None:
    """The published snapshot (store.published); None when there is none to look at just now."""
    try:
        return store.published(db)
    except OSError:
        return None


# a district's towns by kind and by batch: asked for the district a slide shows when it first shows it, not for
# every district's towns at once (40,000 towns at national scale)
TOWN_QUERIES = {"town_kinds": "coverage_by_town", "town_batches": "town_batch_matrix"}


@dataclass
class ScreenData:
    key: store.Published | None  # the snapshot the figures are from
    info: dict
    glance: pl.DataFrame  # district_glance
    coverage: pl.DataFrame  # coverage_by_district
    curve: pl.DataFrame  # progress_curve
    towns: pl.DataFrame  # towns_ranked
    per_batch: pl.DataFrame  # created_per_batch
    source: Path | None = None  # the file they were read from (TOWN_QUERIES read it too)
    fetched_at: dt.datetime = field(default_factory=dt.datetime.now)
    _by_district: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def districts(self) -> list[str]:
        return self.glance.get_column("district").to_list()

    def town_kinds(self, district: str) -> pl.DataFrame:
        """coverage_by_town of one district."""
        return self._of_district("town_kinds", district)

    def town_batches(self, district: str) -> pl.DataFrame:
        """town_batch_matrix of one district."""
        return self._of_district("town_batches", district)

    def _of_district(self, what: str, district: str) -> pl.DataFrame:
        """Asked once per district for every screen sharing these figures, from the file they were read from (a
        snapshot published meanwhile is a new key: the next tick fetches everything again)."""
        with self._lock:
            frame = self._by_district.get((what, district))
            if frame is None:
                with store.read_only(self.source) as con:
                    frame = queries.run(TOWN_QUERIES[what], con=con, district=district)
                self._by_district[(what, district)] = frame
            return frame

    def towns_of(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for district, town in self.towns.select("district", "town").iter_rows():
            out.setdefault(district, []).append(town)
        return out


def fetch(db=None, attempts: int = 3) -> ScreenData:
    """Every figure the screen shows, all from one snapshot: fetched again if one was published meanwhile."""
    path = Path(db) if db else store.default_db()
    for _ in range(attempts):
        before = _published(path)
        if before is None:
            raise FileNotFoundError(f"没有数据库 {path}：请先导入数据 (no database yet: run `campaign ingest` first)")
        serving = store.serving(path)  # a damaged published file: the newest kept snapshot that reads
        if serving.path is None:
            raise store.Unreadable(path, serving.damaged or "")
        # a connection per fetch: a screen fetches every refresh for weeks, and DuckDB keeps memory per query on a
        # connection until it closes (BENCHMARKS.md, "Screen soak")
        with store.read_only(serving.path) as con:
            data = ScreenData(
                key=before,
                info=queries.run("snapshot_info", con=con).row(0, named=True),
                glance=queries.run("district_glance", con=con),
                coverage=queries.run("coverage_by_district", con=con),
                curve=queries.run("progress_curve", con=con),
                towns=queries.run("towns_ranked", con=con),
                per_batch=queries.run("created_per_batch", con=con),
                source=serving.path,
            )
        if _published(path) == before:
            return data
    return data


_shared: dict[Path, ScreenData] = {}
_shared_lock = threading.Lock()


def fetch_shared(db=None) -> ScreenData:
    """``fetch``, once per published snapshot for every screen this process serves: a country's figures take
    seconds to gather, and every screen of a command centre shows the same ones. A screen waiting here while
    another fetches gets that fetch's figures."""
    path = Path(db) if db else store.default_db()
    with _shared_lock:
        data = _shared.get(path)
        if data is None or data.key != _published(path):
            data = _shared[path] = fetch(path)
        return data


def current_data(state: dict, db=None) -> ScreenData | None:
    """What a screen shows now: its figures, fetched again only when another snapshot has been published (the
    file's identity is checked at every tick, a stat call). A failed fetch is kept in ``state["error"]`` and
    the figures fetched before stay on the screen."""
    data = state.get("data")
    key = _published(db)
    if data is None or key != data.key:
        try:
            state["data"] = fetch_shared(db)
            state.pop("error", None)
        except Exception as error:  # the screen keeps showing what it had; it says so
            state["error"] = f"{type(error).__name__}: {str(error)[:120]}"
    return state.get("data")


# ---------------------------------------------------------------------------------------------------
# the KPI strip: how many districts, how big

KPI_FULL_MAX = 4  # up to this many districts: cards with a ring and every detail line
KPI_PAGE_MAX = 16  # more than this: pages of districts, the next page with each slide
KPI_MIN_TEXT = 1.4  # the smallest text, in units of 1% of the screen's height: 15 px at 1080 lines


@dataclass(frozen=True)
class KpiLayout:
    """The KPI strip for ``n`` districts on one page. Font sizes in ``--u`` (1% of the 16:9 box's height)."""

    n: int
    rows: int
    cols: int
    compact: bool  # tiles: name, numeral, short lines; no ring
    big: float = 0.0
    name: float = 0.0
    detail: float = 0.0
    lines: int = 3  # detail lines that fit under the numeral
    width: float = 0.0  # a tile's inner width


def kpi_pages(districts: list[str], page_max: int = KPI_PAGE_MAX) -> list[list[str]]:
    """The districts in pages of at most ``page_max``, as even as can be (20 -> 10 + 10, not 16 + 4)."""
    if len(districts) <= page_max:
        return [list(districts)]
    count = math.ceil(len(districts) / page_max)
    size = math.ceil(len(districts) / count)
    return [list(districts[i : i + size]) for i in range(0, len(districts), size)]


def kpi_page(pages: list[list[str]], district: str | None, turn: int) -> int:
    """The page showing ``district`` (the slide's), else the ``turn``-th page in turn."""
    for i, page in enumerate(pages):
        if district in page:
            return i
    return turn % len(pages) if pages else 0


def kpi_layout(n: int, height: float = 25.0, width: float = 174.6, gap: float = 1.2) -> KpiLayout:
    """How the strip (``height`` × ``width`` units) holds ``n`` districts.

    A card with a ring and four lines of detail only reads across a room while a few share the strip:
    beyond ``KPI_FULL_MAX`` each district is a tile (name, numeral, a bar, the detail lines that fit at
    no less than ``KPI_MIN_TEXT``): one row up to 8, two rows up to ``KPI_PAGE_MAX``.
    """
    n = max(1, n)
    if n <= KPI_FULL_MAX:
        return KpiLayout(n, 1, n if n <= 3 else 4, False)
    rows = 1 if n <= 8 else 2
    cols = math.ceil(n / rows)
    tile_w = (width - (cols - 1) * gap) / cols - 2.0  # padding
    tile_h = (height - (rows - 1) * gap) / rows - 1.8  # padding and border
    # "100.0%" in a bold sans is about 3.4 em wide
    big = min(8.0, 0.42 * tile_h, tile_w / 3.8)
    name = min(3.0, max(1.8, 0.45 * big))
    detail = min(2.0, max(KPI_MIN_TEXT, 0.32 * big))
    lines = int(max(0.0, tile_h - 1.15 * name - 1.05 * big) // (1.2 * detail))
    return KpiLayout(n, rows, cols, True, round(big, 2), round(name, 2), round(detail, 2), min(3, lines), tile_w)


def text_width(text: str, size: float) -> float:
    """About how wide ``text`` is at font size ``size``: CJK a full em, the rest about half."""
    return size * sum(1.0 if ord(c) > 0x2E80 else 0.58 for c in text)


def fitting(variants: list[str], size: float, width: float) -> str | None:
    """The first of ``variants`` (longest first) that fits ``width`` at ``size``; None when none does."""
    return next((v for v in variants if text_width(v, size) <= width), None)


def fit_name(name: str, rest: str, size: float, width: float) -> str:
    """``name`` then ``rest``, the name cut short (with "…") until both fit ``width`` at ``size``: the figure in
    ``rest`` is never the part that is lost."""
    for limit in range(min(len(name), 2 * text.LABEL_CHARS), 0, -1):
        label = text.short(name, limit) + rest
        if text_width(label, size) <= width:
            return label
    return text.short(name, 1) + rest


PROGRESS_MAX = 8  # curves on the progress panel when many districts share it: the lowest by coverage


def district_curves(curve: pl.DataFrame) -> pl.DataFrame:
    """One cumulative curve per district, its kinds together: created and total summed on each day.

    ``curve``: progress_curve's rows with a total (a kind's created carries forward to the days on
    which only other kinds published). Columns: district, kind ("all"), published, created, total,
    coverage_pct.
    """
    if curve.is_empty():
        return curve.select("district", "kind", "published", "created", "total", "coverage_pct")
    days = curve.select("district", "published").unique()
    kinds = curve.sort("published").group_by("district", "kind").agg(pl.col("total").last())
    return (
        days.join(kinds, on="district")
        .join(
            curve.select("district", "kind", "published", "created"), on=["district", "kind", "published"], how="left"
        )
        .sort("district", "kind", "published")
        .with_columns(pl.col("created").forward_fill().over("district", "kind").fill_null(0))
        .group_by("district", "published")
        .agg(pl.col("created").sum(), pl.col("total").sum())
        .with_columns(
            kind=pl.lit("all"),
            coverage_pct=pl.when(pl.col("total") > 0).then(100.0 * pl.col("created") / pl.col("total")),
        )
        .select("district", "kind", "published", "created", "total", "coverage_pct")
        .sort("district", "published")
    )


def lowest_districts(curves: pl.DataFrame, count: int = PROGRESS_MAX) -> list[str]:
    """The ``count`` districts whose latest coverage is lowest (ties: by name)."""
    latest = curves.sort("published").group_by("district").agg(pl.col("coverage_pct").last())
    return latest.sort(["coverage_pct", "district"], nulls_last=True).head(count).get_column("district").to_list()
