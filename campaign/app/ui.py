"""What every page shares: the context set in the sidebar (language, district, as-of day), words,
tables with display labels, chart styling, and the sample-data note. No SQL here: figures come from
``campaign.answers.queries``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

# pandas imported here, whole, before any page runs: plotly peeks at sys.modules for it, and a session drawing a
# chart while another session's table was still importing it failed ("partially initialized module 'pandas'").
import pandas  # noqa: F401
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from campaign import config, i18n
from campaign.answers import queries, shared
from campaign.app import pages_folder
from campaign.app.offline import no_outside_lookups
from campaign.outputs import export
from campaign.snapshot import store
from campaign.text import markdown

no_outside_lookups()  # the server under `streamlit run` too, once the first page has run


# Streamlit collects garbage after every script run (runner.postScriptGC): a full collection walks every object the
# process holds, most of them the modules' (pandas, Plotly, Polars, Streamlit), and was the largest single cost of
# a step under load (BENCHMARKS.md, "Load"). Frozen, they are left out of every collection; what a session drops is
# still freed by its reference count, and cycles made later are still collected. Frozen again after a few runs, for
# the modules the first runs of each page import (Plotly's chart types, the CSV and font code); only garbage cycles
# alive at those moments are never freed, once.
_FREEZE_AFTER_RUNS = (1, 20, 200)
_runs = itertools.count(1)  # next() on it is atomic: two sessions' runs never take the same number


def _freeze_what_is_loaded() -> None:
    import gc

    gc.collect()
    gc.freeze()


def _count_run() -> None:
    if next(_runs) in _FREEZE_AFTER_RUNS:
        _freeze_what_is_loaded()


CJK_FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'


def kind_colours() -> dict[str, str]:
    """kind -> its colour in charts: the active campaign's (its file's, else a palette by the kinds' order)."""
    return i18n.definition().colours()


def whole_kinds() -> str:
    """The kinds the active campaign counts whole per committee, as whole_committees' $whole_kinds takes them."""
    return ",".join(k.key for k in i18n.definition().whole_kinds())


@dataclass(frozen=True)
class Context:
    lang: str
    district: str | None  # None: every district
    as_of: dt.date | None  # None: the latest data
    last_published: dt.date | None
    from_sample: bool


def context() -> Context:
    """The shared context dashboard.py set up for this run.

    Missing only when Streamlit ran a page without dashboard.py (campaign.app.pages_folder): run it again,
    through dashboard.py.
    """
    if "campaign_context" not in st.session_state:
        pages_folder.run_through_dashboard()
    return st.session_state["campaign_context"]


def t(key: str, **values: object) -> str:
    return i18n.t(key, _lang(), **values)


def aside(name: object, *where: object) -> str:
    """A name with where it is: 星火村（金山卫镇，金山区） in Chinese, 星火村 (金山卫镇, 金山区) in English."""
    if _lang() == "en":
        return f"{name} ({', '.join(map(str, where))})"
    return f"{name}（{'，'.join(map(str, where))}）"


def _lang() -> str:
    """The language of this run: the switch's value (already the new one when the user just flipped it, so
    the page titles drawn before the sidebar follow at once), else the URL's, else the configured default."""
    for lang in (st.session_state.get("lang"), st.query_params.get("lang")):
        if lang in i18n.LANGS:
            return lang
    ctx = st.session_state.get("campaign_context")
    return ctx.lang if ctx else default_language()


def published() -> store.Published:
    """The published snapshot (``store.published``): a publish replaces it, so what is cached under the old one
    (``st.cache_data`` keyed by this) is never shown after."""
    return store.published()


@st.cache_data(max_entries=16, show_spinner=False)
def _sidebar_figures(shown: store.Published) -> tuple[dict, list[str]]:
    # every rerun of every page draws the sidebar: its two queries once a publish, not each time
    db = Path(shown.path)
    info = queries.run("snapshot_info", db=db).row(0, named=True)
    return info, queries.run("districts", db=db).get_column("district").to_list()


def with_shared(name: str, params: dict, as_of: dt.date | None, district: str | None) -> dict:
    """``params`` with the as-of day and district added where the named query takes them and they are not set."""
    wanted = queries.parameters(name)
    shared = {"as_of": as_of, "district": district}
    return {**{k: v for k, v in shared.items() if k in wanted}, **params}


def q(name: str, /, **params: object) -> pl.DataFrame:
    """Run a named query with the shared as-of day and district when the query takes them; its answer is shared
    by every session of the process for the same snapshot and parameters (``shared.run``)."""
    ctx = context()
    return shared.run(name, **with_shared(name, params, ctx.as_of, ctx.district))


# ---------------------------------------------------------------------------------------------------
# the frame: database on first start, sidebar context


def ensure_database() -> bool:
    """Build the database from the bundled sample on first start; False if there is none to show."""
    db = store.default_db()
    if db.exists():
        _upgrade_once(db)
        return True
    from campaign.intake.ingest import load_sample_if_missing

    with st.spinner(i18n.t("building_db", _lang())):
        load_sample_if_missing(db)
    return db.exists()


def from_url(key: str, param: str, parse: Callable[[str], object | None]) -> None:
    """Before a widget is drawn: on its first run, take its value from the URL when the URL has a valid one.

    With ``to_url`` after the widget, every page's filters live in the URL, so a copied URL opens
    the same view. ``parse`` returns None for a value it does not accept; the widget's default stays.
    """
    if key in st.session_state or param not in st.query_params:
        return
    try:
        value = parse(st.query_params[param])
    except (ValueError, TypeError):
        value = None
    if value is not None:
        st.session_state[key] = value


def to_url(param: str, value: object, default: object = None, dump: Callable[[object], str] = str) -> None:
    """After a widget: the URL says its value, or nothing when it is the default."""
    if value is None or value == default or value == "" or value == ():
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = dump(value)


def select_one(where, label: str, options: list, *, key: str, param: str, every: str, label_of: Callable) -> object:
    """A select box (in ``where``, a column) of ``options`` after a first choice meaning all of them (``every``'s
    words), its value taken from the URL's ``param`` on the first run (``from_url``); the value chosen, None for
    all."""
    from_url(key, param, one_of(options))
    return where.selectbox(
        t(label), [None, *options], format_func=lambda v: t(every) if v is None else label_of(v), key=key
    )


def one_of(options: list) -> Callable[[str], object | None]:
    by_text = {str(o): o for o in options if o is not None}
    return by_text.get


# a typed syllable or word of pinyin, with a tone number (not after a single letter: "A1" is a building)
_PINYIN_WORD = r"[A-Za-z]+|[A-Za-z]{2,}[1-5]"


def search_text(text: str) -> str:
    """A search box's text as names and their pinyin are kept: typed pinyin with spaces, tone marks or tone
    numbers ("hai hao", "Hǎi Hào", "hai3 hao4") -> "haihao", ü as v; spaces between Chinese characters dropped.
    Anything else as typed, trimmed."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFKC", text or "").strip()
    bare = unicodedata.normalize("NFD", text).replace("u\u0308", "v").replace("U\u0308", "v")
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    words = re.split(r"[\s']+", bare)
    if bare and all(re.fullmatch(_PINYIN_WORD, w) for w in words):
        return "".join(w.rstrip("12345") for w in words).lower()
    return re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", text)


def place_text(place: tuple[str, ...], options: list[tuple[str, ...]]) -> str:
    """A place (district, town[, committee]) in a URL: its own name when no other option has it, else its path
    from the district (金山区/山阳镇), as a town's name may recur in another district."""
    if sum(o[-1] == place[-1] for o in options) == 1:
        return place[-1]
    return "/".join(place)


def place_parser(options: list[tuple[str, ...]]) -> Callable[[str], tuple[str, ...] | None]:
    """``from_url``'s parse for ``place_text``: a path from the district, or a name no two options share."""

    def parse(text: str) -> tuple[str, ...] | None:
        text = text.strip()
        by_path = [o for o in options if "/".join(o) == text]
        by_name = [o for o in options if o[-1] == text]
        return by_path[0] if by_path else by_name[0] if len(by_name) == 1 else None

    return parse


def iso_date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text)


@st.cache_resource(show_spinner=False)
def _upgraded(shown: store.Published) -> bool:
    from campaign.intake.ingest import top_up_sample
    from campaign.snapshot.pinyin import fill_missing

    upgraded = store.upgrade(Path(shown.path), fill=fill_missing)
    return top_up_sample(Path(shown.path)) or upgraded


def _upgrade_once(db: Path) -> None:
    """A snapshot from an older version is brought to the current schema, and one built from the sample
    takes the sample files added since, once per file, per process."""
    _upgraded(store.published(db))


def default_language() -> str:
    """CAMPAIGN_LANG, else ``language`` in the config file, else Chinese (``config.settings``)."""
    return config.settings().language


def sidebar_context() -> Context:
    """Language, district and as-of day, in the sidebar; remembered across pages and in the URL."""
    _count_run()
    lang_names = {"zh": "中文", "en": "English"}
    default = default_language()
    from_url("lang", "lang", one_of(list(lang_names)))
    # the default through the session, not default=: with both, a ?lang= URL got Streamlit's "created with a
    # default value but also had its value set via the Session State API" warning in the server log
    st.session_state.setdefault("lang", default)
    lang = st.sidebar.segmented_control(
        i18n.TEXT["language"][0], options=list(lang_names), format_func=lang_names.get, key="lang"
    )
    lang = lang or default
    to_url("lang", lang, default)

    shown = published()
    info, districts = _sidebar_figures(shown)
    from_url("district", "district", one_of(districts))
    district = st.sidebar.selectbox(
        i18n.t("district", lang),
        [None, *districts],
        format_func=lambda d: i18n.t("all_districts", lang) if d is None else d,
        key="district",
    )
    to_url("district", district)

    streamlit_words(lang)
    last = info["last_published"]
    as_of = as_of_field(lang, info["first_published"], last)
    ctx = Context(lang, district, as_of, last, info["from_sample"])
    st.session_state["campaign_context"] = ctx
    publication_notice(lang, last, shown)
    with st.sidebar:
        watch_publications()
    return ctx


def streamlit_words(lang: str) -> None:
    """Streamlit's own English, which it offers no way to translate: in Chinese, its file uploader's words
    ("Upload", "50MB per file • CSV…") drawn over by CSS. The date picker's month and weekday names follow the
    browser's language (a Chinese browser shows 十二月, 一 二 三 …); its quick ranges ("Date range: Past week"),
    English and counted back from today, never meet the campaign's days: hidden in both languages."""
    rules = '[data-testid="stDateInputQuickSelect"]{display:none}'
    # on a touch screen a table's toolbar is always shown, just above the table: room for it there, so that it
    # does not cover the end of the line above (a sentence, a heading, a chart's axis title)
    rules += (
        '@media (hover:none){[data-testid="stElementContainer"]:has([data-testid="stDataFrame"]){margin-top:2.25rem}}'
    )
    if lang != "en":
        mb = max(1, int(st.get_option("server.maxUploadSize")))
        # the types are in each uploader's own label; the button keeps its icon, its word replaced
        instructions = '[data-testid="stFileUploaderDropzoneInstructions"] span'
        # only the button that has a word (Upload): not a chosen file's delete button nor the add-more "+"
        button = '[data-testid="stFileUploaderDropzone"] button:has([data-testid="stMarkdownContainer"])'
        rules += (
            f"{instructions}{{font-size:0}}"
            f'{instructions}::after{{content:"{i18n.t("upload_limit", lang, mb=mb)}";font-size:0.875rem}}'
            f'{button} [data-testid="stMarkdownContainer"]{{display:none}}'
            f'{button}::after{{content:"{i18n.t("upload_button", lang)}"}}'
        )
    st.html(f"<style>{rules}</style>")


# ---------------------------------------------------------------------------------------------------
# the as-of day: one the user chose, or the newest publication, followed as new data is published

CHOSEN = "as_of_chosen"  # session key: the day the user chose (or the URL said); absent: follow the newest data
SEEN = "as_of_seen"  # session key: the snapshot this session's last run showed; absent before its first run
AS_OF_NOTE = "as_of_note"  # session key: why the day last typed was not taken, shown once under the field


def parse_day(text: str) -> dt.date | None:
    """A typed day as the status files write them (2022-05-21, 2022/5/21, 2022.5.21, 2022年5月21日, 20220521,
    full-width digits too); None when it is no date."""
    import unicodedata

    from campaign.intake.normalise import date_expr

    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return None
    return pl.select(date_expr(pl.lit(text, dtype=pl.String))).item()


def day_range(first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The days the field takes: from 60 days before the first publication (the campaign's run-up, all zero)
    to the newest publication or today, whichever is later. None when nothing is published."""
    if first is None or last is None:
        return None
    return first - dt.timedelta(days=60), max(last, dt.date.today())


def _take_day(text: str, days: tuple[dt.date, dt.date] | None, lang: str) -> None:
    """The user's text for the as-of day: an empty field follows the newest data; a day in range is chosen;
    anything else leaves the day as it was, with a note saying why."""
    if not (text or "").strip():
        st.session_state.pop(CHOSEN, None)
        return
    chosen = parse_day(text)
    if chosen is None:
        st.session_state[AS_OF_NOTE] = i18n.t("as_of_unreadable", lang, text=text.strip()[:40])
    elif days is None or not days[0] <= chosen <= days[1]:
        low, high = days or (None, None)
        st.session_state[AS_OF_NOTE] = i18n.t(
            "as_of_out_of_range",
            lang,
            day=i18n.fmt_date(chosen, lang),
            low=i18n.fmt_date(low, lang),
            high=i18n.fmt_date(high, lang),
        )
    else:
        st.session_state[CHOSEN] = chosen


def _as_of_committed(days: tuple[dt.date, dt.date] | None, lang: str) -> None:
    _take_day(st.session_state.get("as_of", ""), days, lang)


def follow_newest() -> None:
    """Leave a chosen day: from now on the session shows the newest publication."""
    st.session_state.pop(CHOSEN, None)


def as_of_field(lang: str, first: dt.date | None, last: dt.date | None) -> dt.date | None:
    """The sidebar's 数据截至 field; returns the day the figures are for, None for the newest data.

    A text field, so a typed day is taken on Enter and on Tab as on a click elsewhere, in any form the
    files use, and a day out of range is refused with a note instead of being clamped in silence. It
    shows the chosen day, else the newest publication's, which a session that chose none follows when
    data is published. The URL carries ``as_of`` only for a chosen day.
    """
    days = day_range(first, last)
    if SEEN not in st.session_state and "as_of" in st.query_params:  # the session's first run: the URL's day
        _take_day(st.query_params["as_of"], days, lang)
    chosen = st.session_state.get(CHOSEN)
    shown = chosen or last
    st.session_state["as_of"] = shown.isoformat() if shown else ""
    st.sidebar.text_input(
        i18n.t("as_of", lang),
        key="as_of",
        help=i18n.t("as_of_field_help", lang),
        placeholder=i18n.t("as_of_placeholder", lang),
        on_change=_as_of_committed,
        args=(days, lang),
    )
    note = st.session_state.pop(AS_OF_NOTE, None)
    if note:
        st.sidebar.warning(note, icon="⚠️")
    to_url("as_of", chosen, dump=lambda d: d.isoformat())
    return chosen if chosen and chosen != last else None


def publication_notice(lang: str, last: dt.date | None, shown: store.Published) -> None:
    """Above the page: after a publish, that new data is shown; on a chosen day older than the newest
    publication, that newer data exists, with a button to it."""
    seen = st.session_state.get(SEEN)
    st.session_state[SEEN] = shown
    chosen = st.session_state.get(CHOSEN)
    if chosen and last and chosen < last:
        box = st.container(key="as_of_newer")
        box.info(
            i18n.t("newer_data", lang, day=i18n.fmt_date(last, lang), chosen=i18n.fmt_date(chosen, lang)), icon="🆕"
        )
        box.button(i18n.t("show_newest", lang), key="as_of_show_newest", on_click=follow_newest)
    elif seen is not None and seen != shown:
        st.info(i18n.t("new_data_published", lang, day=i18n.fmt_date(last, lang)), icon="🆕")


def poll_seconds() -> float:
    """How often an open tab looks for a new publication: the screens' ``refresh`` (``config.settings``)."""
    return config.settings().refresh


def _rerun_when_published() -> None:
    try:
        now = published()
    except OSError:  # between a publish's steps, or the file removed: look again next time
        return
    seen = st.session_state.get(SEEN)
    if seen is not None and seen != now:
        st.rerun(scope="app")


def watch_publications() -> None:
    """A quiet poll while the tab is open, as the screen's: when another snapshot is published, the whole page
    runs again (following the newest day, or offering it). It only compares the file's identity."""
    st.fragment(_rerun_when_published, run_every=poll_seconds())()


def day(ctx: Context | None = None) -> dt.date | None:
    """The day figures are computed for."""
    ctx = ctx or context()
    return ctx.as_of or ctx.last_published


PAGE_TITLE = "page_title_key"  # session key: this run's page title, which a chart is named after by default


def page_header(title_key: str) -> None:
    ctx = context()
    st.session_state[PAGE_TITLE] = title_key
    st.title(t(title_key))
    note = f"{t('as_of')}{t('colon')}{i18n.fmt_date(day(ctx), ctx.lang)}"
    if ctx.district:
        note += f" · {markdown(ctx.district)}"
    st.caption(note)


def opening(title_key: str, name: str, empty_key: str = "no_data", note: bool = False) -> pl.DataFrame:
    """A page's header and first named query; with no rows, why (a warning, or with `note` an info and the
    sample note) and the page stops there."""
    page_header(title_key)
    frame = q(name)
    if frame.is_empty():
        if note:
            st.info(t(empty_key))
            sample_note()
        else:
            st.warning(t(empty_key))
        st.stop()
    return frame


def sample_note() -> None:
    ctx = context()
    if not ctx.from_sample:
        return
    st.info(f"**{t('synthetic')}**{t('colon')}{i18n.synthetic_note(ctx.lang)}", icon="ℹ️")


# ---------------------------------------------------------------------------------------------------
# tables and charts


TABLE_ROWS_MAX = 10_000  # rows a table shows at most; its downloads hold every row
EXPLORE_UNITS_MAX = 200_000  # more units than this and no district, town or search: the explorer asks to narrow
CHARTS_PER_DISTRICT_MAX = 4  # more districts shown than this and a page draws them in one chart, not one each
LABELLED_BARS_MAX = 60  # more bars than this in a chart and their numbers are left to the hover and the table
LABELLED_POINTS_MAX = 24  # more dates than this on the changes chart and its net changes are left to the hover
TICK_LABELS_MAX = 16  # past the labelled sizes above, about this many category labels under a chart
TOWN_BARS_MAX = 60  # the towns page draws at most this many (the lowest); its table lists every town
MANY_DISTRICTS = 12  # more than this, and the overview shows all districts as a table, not a card and map each


# a unit's columns in tables and downloads (column -> label key): the explorer's; the towns page drops the place
UNIT_COLUMNS = {
    "district": "district",
    "town": "town",
    "committee": "committee",
    "name": "name",
    "kind": "kind",
    "status": "status",
    "batch": "batch",
    "status_date": "status_date",
    "first_created": "first_created",
    "times_created": "times_created",
    "households": "households",
    "population": "population",
}


def many_districts(count: int) -> bool:
    """Too many districts shown (none chosen in the sidebar) for a card, chart or map each."""
    return context().district is None and count > MANY_DISTRICTS


def districts_to_draw() -> list[str] | None:
    """The districts a page draws a chart each for: None for every one; with more than MANY_DISTRICTS and none
    chosen in the sidebar, the MANY_DISTRICTS lowest by coverage (and a note saying so)."""
    if context().district is not None:
        return None
    glance = q("district_glance")
    if not many_districts(glance.height):
        return None
    lowest = glance.sort("coverage_pct", "district", nulls_last=True).head(MANY_DISTRICTS)
    st.info(t("many_districts_lowest", n=glance.height, shown=lowest.height), icon="ℹ️")
    return lowest.get_column("district").to_list()


def display(frame: pl.DataFrame, columns: dict[str, str], lang: str | None = None) -> pl.DataFrame:
    """Pick ``columns`` (column -> label key), translate kinds, statuses and dates, label the headers.

    ``lang`` defaults to this run's; pass it where no script run is current (a download made on click).
    """
    lang = lang or _lang()
    out = frame.select([c for c in columns if c in frame.columns])
    for col in out.columns:
        # one translation per distinct value, not per row: the explorer may hand over a million rows
        if col in ("kind", "status", "status_then", "outcome"):
            # a row's kind is one unit's (or one group's) kind: singular in English
            label = {"kind": functools.partial(i18n.kind_label, one=True), "outcome": i18n.outcome_label}.get(
                col, i18n.status_label
            )
            words = {w: label(w, lang) for w in out.get_column(col).unique().drop_nulls().to_list()}
            out = out.with_columns(pl.col(col).replace_strict(words, default=None, return_dtype=pl.String))
        elif col == "who":  # the names the app itself records (the bundled sample, a rollback on /data) in words
            own = {w: i18n.t(f"who_{w}", lang) for w in ("sample", "dashboard")}
            out = out.with_columns(pl.col(col).replace(own))
        elif col in ("whole", "in_roster", "within_range"):
            yes_no = {True: i18n.t("yes", lang), False: i18n.t("no", lang)}
            out = out.with_columns(pl.col(col).replace_strict(yes_no, default=None, return_dtype=pl.String))
        elif out.schema[col].is_float():
            out = out.with_columns(for_reading(pl.col(col), percent=columns[col] in PERCENT_KEYS).alias(col))
    return out.rename({c: i18n.t(columns[c], lang) for c in out.columns})


PLACEHOLDER = "—"  # an empty cell in a table (st.dataframe shows "None" otherwise)
PERCENT_KEYS = ("coverage", "share")  # label keys of the columns that hold percentages


def for_reading(value: pl.Expr, percent: bool = False) -> pl.Expr:
    """A figure with one decimal, as people read a pace (4.9/天) in tables and downloads; a percentage as
    ``i18n.fmt_pct`` shows it, never rounded up to 100 nor down to 0."""
    shown = value.round(1)
    if not percent:
        return shown
    return (
        pl.when((shown >= 100) & (value < 100))
        .then(pl.lit(99.9))
        .when((shown <= 0) & (value > 0))
        .then(pl.lit(0.1))
        .otherwise(shown)
    )


def all_rows(name: str, params: dict, columns: dict[str, str], lang: str) -> pl.DataFrame:
    """Every row of a named query, labelled as ``display`` does: for a download made when it is clicked,
    outside any script run (so nothing here may read the session)."""
    return display(queries.run(name, **params), columns, lang)


def number_config(frame: pl.DataFrame) -> dict:
    """Column formats for st.dataframe: thousands separators, percentages with one decimal, dates."""
    config = {}
    lang = _lang()  # the labels worked out once, not per column: each t() reads the session
    percent = {i18n.t(key, lang) for key in PERCENT_KEYS}
    plain = {i18n.t("batch", lang), i18n.t("rank", lang)}
    for col, dtype in frame.schema.items():
        if col in percent:
            config[col] = st.column_config.NumberColumn(col, format="%.1f%%")
        elif dtype.is_float():  # a pace or a ratio: 4.9, not st.dataframe's 4.9286
            config[col] = st.column_config.NumberColumn(col, format="%.1f")
        elif dtype.is_integer() and col not in plain:
            config[col] = st.column_config.NumberColumn(col, format="localized")
        elif dtype == pl.Date:
            config[col] = st.column_config.DateColumn(col, format="YYYY-MM-DD" if lang == "en" else "YYYY年M月D日")
    return config


def table(
    frame: pl.DataFrame,
    columns: dict[str, str],
    *,
    total: int | None = None,
    every_row: Callable[[], pl.DataFrame] | None = None,
    **kwargs: object,
) -> None:
    """``frame`` as a table, its first TABLE_ROWS_MAX rows: a country's revocations or towns would stall the
    browser. Beyond that, a note and a CSV download of every row, made when clicked: ``frame`` itself, or, when
    ``frame`` holds only the first rows of ``total``, what ``every_row`` fetches (bound to this run's values)."""
    total = frame.height if total is None else total
    shown = display(frame.head(TABLE_ROWS_MAX), columns)
    kwargs.setdefault("placeholder", PLACEHOLDER)
    st.dataframe(shown, hide_index=True, column_config=number_config(shown), **kwargs)
    if total <= TABLE_ROWS_MAX:
        return
    st.caption(t("rows_shown", n=total) + t("rows_first_shown", n=TABLE_ROWS_MAX))
    lang = _lang()
    rows = every_row or (lambda: frame)
    # the same table twice on one page (towns' levels) is told apart by its columns and size
    key = hashlib.sha256(repr((list(columns), list(frame.columns), total)).encode()).hexdigest()[:12]
    st.download_button(
        t("download_csv"),
        data=lambda: export.csv_bytes(display(rows(), columns, lang)),
        file_name=export.filename(t("export_prefix"), [context().district], day(context()), t("as_of_file")),
        mime="text/csv",
        key=f"table_{key}",
        on_click="ignore",
    )


def first_rows(name: str, /, **params: object) -> tuple[pl.DataFrame, int, Callable[[], pl.DataFrame]]:
    """A named query with ``$limit`` and a ``matching`` count: its first TABLE_ROWS_MAX rows, how many rows there
    are, and a callable fetching every row (for ``table``'s download, outside this script run)."""
    ctx = context()
    params = {
        **{k: v for k, v in {"as_of": ctx.as_of, "district": ctx.district}.items() if k in queries.parameters(name)},
        **params,
    }
    frame = shared.run(name, **params, limit=TABLE_ROWS_MAX)
    total = frame.item(0, "matching") if frame.height else 0
    return frame, total, functools.partial(queries.run, name, **params)


def view(key: str, views: dict[str, str], param: str = "view") -> str:
    """Which one of a page's charts to draw (``views``: value -> label key), chosen above them and kept in the
    URL (``param``), the first by default. A district change then redraws one chart: each Plotly chart on a page
    is a redraw the browser pays for (BENCHMARKS.md, "Browser")."""
    first = next(iter(views))
    from_url(key, param, one_of(list(views)))
    if key not in st.session_state:
        st.session_state[key] = first
    chosen = st.segmented_control(t("view"), list(views), format_func=lambda v: t(views[v]), key=key, required=True)
    chosen = chosen or first
    to_url(param, chosen, first)
    return chosen


def day_axis(first: dt.date | None, last: dt.date | None) -> dict:
    """A date axis whose ticks are whole days: over a few days Plotly put one every 12 hours, each date written
    twice."""
    if first is None or last is None:
        return {"tickformat": "%m-%d"}
    if (last - first).days > TICK_LABELS_MAX // 2:  # Plotly's own ticks are whole days, weeks, months then
        return {"tickformat": "%m-%d"}
    return {"tickformat": "%m-%d", "tick0": first.isoformat(), "dtick": 86_400_000}


def style(fig: go.Figure, height: int = 420, title: tuple[str, str] | None = None, top: int = 0) -> go.Figure:
    """``fig`` in the house style: CJK fonts, a legend under the chart, the title (name, subtitle) drawn on it.
    ``top``: pixels more above the plot, for what a figure draws there itself (subplot titles)."""
    layout = {
        "font": {"family": CJK_FONTS},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        # under the chart, across: on a phone a legend at the side took half the chart's width
        "legend": {
            "title": {"text": ""},
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 0,
            "yanchor": "bottom",
            "yref": "container",
        },
        "separators": ".,",
    }
    if title:
        # below the mode bar's row (it covered a title's end on a phone), the plot pushed down to make room
        name, subtitle = title
        layout["title"] = {
            "text": f"<b>{_plain(name)}</b>",
            "subtitle": {"text": _plain(subtitle), "font": {"size": 12}},
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 34, "l": 4},
            "font": {"size": 14},
        }
        layout["margin"]["t"] = 100
    layout["margin"]["t"] += top
    # merged as plain dicts and set once: fig.update_layout checks every key path against the figure as it goes, on
    # every chart of every rerun. Without the template, which Plotly would check again whole: no page sets one, and
    # a layout set without one gets the default again.
    merged = _merged(fig.layout.to_plotly_json(), layout)
    merged.pop("template", None)
    fig.layout = merged
    return fig


def _merged(base: dict, more: dict) -> dict:
    """``more`` over ``base``, nested dicts merged as Plotly's update does (``base`` is a copy: changed in place)."""
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merged(base[key], value)
        else:
            base[key] = value
    return base


def text_table(frame: pl.DataFrame, **kwargs: object) -> None:
    """``frame`` in st.table, which reads Markdown in its cells: every text cell (file names, values as read)
    escaped so it shows as written."""
    text = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    escaped = frame.with_columns(pl.col(c).map_elements(markdown, pl.String) for c in text)
    st.table(escaped.rename({c: markdown(c) for c in escaped.columns}), hide_index=True, **kwargs)


def _plain(text: str) -> str:
    """Text for a Plotly title, which reads a few HTML tags: a district's name shown as written, never as markup."""
    import html

    return html.escape(str(text), quote=False)


def chart_title(name: str | None = None, district: str | None = None) -> tuple[tuple[str, str], str]:
    """A chart's title as drawn on it (what; where and as of which day), and the file name its PNG takes:
    a saved image says what it shows without the page around it."""
    ctx = context()
    name = name or t(st.session_state.get(PAGE_TITLE, "app_title"))
    shown_day = day(ctx)
    where = district or ctx.district or t("all_districts")
    day_text = i18n.fmt_date(shown_day, ctx.lang)
    drawn = (name, f"{where} · {t('as_of')}{t('colon')}{day_text}")
    file = export.filename(name, [where], shown_day, t("as_of_file"), suffix="png").removesuffix(".png")
    return drawn, file


def show(fig: go.Figure, height: int = 420, name: str | None = None, district: str | None = None, top: int = 0) -> None:
    """A chart, titled (``name``, else the page's title) with its district and day, which its PNG export keeps;
    the PNG named after the same. ``district``: the one a chart of a page of several shows. ``top``: pixels more
    above the plot, for what a figure draws there itself (subplot titles)."""
    drawn, file = chart_title(name, district)
    _plot(style(fig, height, drawn, top), file)


def chart(
    build: Callable[..., go.Figure],
    rows: pl.DataFrame,
    /,
    *args: Hashable,
    height: int = 420,
    name: str | None = None,
    district: str | None = None,
    top: int = 0,
) -> None:
    """``show(build(rows, *args), ...)``, the figure built and styled once per process for the same rows, arguments,
    language and title: the sessions looking at the same view share it, as they share its answer (building a Plotly
    figure is most of what a chart costs the server). ``build`` may depend on nothing else (the language through
    ``t``)."""
    drawn, file = chart_title(name, district)
    code = build.__code__
    key = (code.co_filename, code.co_qualname, _content(rows), args, _lang(), drawn, height, top)
    with _figures_lock:
        fig = _figures.get(key)
        if fig is not None:
            _figures.move_to_end(key)
    if fig is None:
        fig = style(build(rows, *args), height, drawn, top)
        with _figures_lock:
            _figures[key] = fig
            while len(_figures) > FIGURES_MAX:
                _figures.popitem(last=False)
    _plot(fig, file)  # st.plotly_chart copies the figure (to_dict): the shared one is never changed


FIGURES_MAX = 256
_figures: OrderedDict[tuple, go.Figure] = OrderedDict()
_figures_lock = threading.Lock()


def _content(rows: pl.DataFrame) -> str:
    """The rows' schema and values, in order, as a key: 128 bits of hash a row."""
    digest = hashlib.blake2b(repr(rows.schema).encode(), digest_size=16)
    for seed in (0, 1):
        digest.update(rows.hash_rows(seed=seed).to_numpy().tobytes())
    return digest.hexdigest()


def _plot(fig: go.Figure, file: str) -> None:
    config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": file, "scale": 2}}
    st.plotly_chart(fig, config=config, width="stretch")
