"""The one-page daily brief (日报): an A4 PDF of a day's key figures and two charts, for the command centre.

Per district (every kind together): coverage, created / total, remaining, the latest batch or round with the
units it made created and those revoked since the previous one; per district and kind: the same and the day
100% was reached, or the projection with its range; a bar chart of coverage per district and kind and the
cumulative coverage curve. Data come from the named queries (``district_glance``, ``coverage_by_district``,
``progress_curve``, ``forecast``, ``snapshot_info``) as of the end of the chosen day.

Offline: the charts are drawn with fpdf2's own lines and rectangles (no browser, no kaleido) and a CJK font
installed on the machine is embedded (subset): Debian's fonts-noto-cjk first (CFF outlines in a TrueType
collection, which fpdf2 reads through fontTools), then TrueType-based CJK fonts, or the file named by
``CAMPAIGN_CJK_FONT``. Without any, :class:`NoCJKFont` says what to install.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from campaign import config, i18n
from campaign.answers import queries
from campaign.outputs import export

CJK_FONT_ENV = "CAMPAIGN_CJK_FONT"
# (regular, bold) in order of preference; a bold that is missing falls back to the regular face
FONT_CANDIDATES: tuple[tuple[str, str | None], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
    ("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/noto/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", None),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", None),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),
)
# searched when none of the above is installed: any font file whose name suggests Chinese
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
_CJK_NAME = re.compile(r"cjk|sc|cn|gb|wqy|hei|song|ming|kai|fallback|han", re.IGNORECASE)
_MUST_HAVE = "无疫小区创建进度覆盖率金山崇明"

DISTRICT_DASHES = ((0, 0), (1.6, 0.9), (0.5, 0.7), (2.4, 0.8, 0.5))

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 14.0
WIDTH = PAGE_W - 2 * MARGIN
INK = "#1f2d3d"
MUTED = "#5d6d7e"
RULE = "#c9d1d9"


class NoCJKFont(RuntimeError):
    """No font with Chinese glyphs is installed: the brief cannot be set."""

    def __init__(self) -> None:
        super().__init__(f"{i18n.t('brief_no_font', 'zh')}\n{i18n.t('brief_no_font', 'en')}")


@dataclass(frozen=True)
class CJKFont:
    path: Path
    index: int  # the face in a collection (.ttc); 0 for a single font
    bold_path: Path
    bold_index: int


def _face(path: Path) -> int | None:
    """The face of ``path`` to use: a Simplified Chinese one (… SC) in a collection, else the first that has
    the brief's characters; None when the file has no such face or cannot be read."""
    from fontTools.ttLib import TTCollection, TTFont

    try:
        faces = TTCollection(path, lazy=True).fonts if path.suffix.lower() == ".ttc" else [TTFont(path, lazy=True)]
    except Exception:  # noqa: BLE001 - a broken or unreadable font file is simply not a candidate
        return None
    names = []
    for index, face in enumerate(faces):
        try:
            names.append((index, face["name"].getDebugName(1) or ""))
        except Exception:  # noqa: BLE001
            continue
    # Simplified Chinese faces first (a collection of CJK fonts holds JP, KR, SC, TC, ... faces), then the rest
    names.sort(key=lambda item: not (item[1].endswith(" SC") and "Mono" not in item[1]))
    for index, _ in names:
        try:
            cmap = faces[index].getBestCmap() or {}
        except Exception:  # noqa: BLE001
            continue
        if all(ord(c) in cmap for c in _MUST_HAVE):
            return index
    return None


def _candidates() -> Iterable[tuple[Path, Path | None]]:
    chosen = config.settings().cjk_font
    if chosen:
        yield chosen, None
    for regular, bold in FONT_CANDIDATES:
        yield Path(regular), Path(bold) if bold else None
    for folder in FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.suffix.lower() in {".ttf", ".otf", ".ttc"} and _CJK_NAME.search(path.stem):
                    yield path, None


@functools.cache
def _find(env_value: str | None) -> CJKFont | None:
    for regular, bold in _candidates():
        if not regular.is_file():
            continue
        index = _face(regular)
        if index is None:
            continue
        bold_index = _face(bold) if bold and bold.is_file() else None
        if bold_index is None:
            return CJKFont(regular, index, regular, index)
        return CJKFont(regular, index, bold, bold_index)
    return None


def find_cjk_font() -> CJKFont:
    """The CJK font to embed: the setting ``cjk_font`` (``$CAMPAIGN_CJK_FONT``), else the first of FONT_CANDIDATES
    installed, else any font file under FONT_DIRS named like a Chinese font that has the glyphs. Raises NoCJKFont."""
    font = _find(str(config.settings().cjk_font or ""))
    if font is None:
        raise NoCJKFont()
    return font


# ------------------------------------------------------------------------------------------ the data ---
@dataclass(frozen=True)
class BriefData:
    day: dt.date | None  # the as-of day (the latest publication date when none was chosen)
    district: str | None  # None: every district
    glance: pl.DataFrame  # district_glance
    coverage: pl.DataFrame  # coverage_by_district
    curve: pl.DataFrame  # progress_curve
    projection: pl.DataFrame  # forecast, district rows (town null)
    info: dict  # snapshot_info


def gather(db: Path | None = None, as_of: dt.date | None = None, district: str | None = None) -> BriefData:
    info = queries.run("snapshot_info", db=db).row(0, named=True)
    day = as_of or info["last_published"]
    params = {"db": db, "as_of": day, "district": district}
    return BriefData(
        day=day,
        district=district,
        glance=queries.run("district_glance", **params),
        coverage=queries.run("coverage_by_district", **params),
        curve=queries.run("progress_curve", **params),
        projection=queries.run("forecast", towns=False, **params),
        info=info,
    )


def filename(day: dt.date | None, district: str | None, lang: str = "zh") -> str:
    """e.g. 无疫小区日报_金山区_截至2022-05-09.pdf"""
    return export.filename(i18n.t("brief_prefix", lang), [district or ""], day, i18n.t("as_of_file", lang), "pdf")


def build(db: Path | None = None, as_of: dt.date | None = None, district: str | None = None, lang: str = "zh") -> bytes:
    """The brief as PDF bytes. Raises NoCJKFont when no Chinese font is installed."""
    return render(gather(db, as_of, district), lang)


# ----------------------------------------------------------------------------------------- the page ---
def _short_date(day: dt.date | None, lang: str) -> str:
    if day is None:
        return "—"
    return day.isoformat()[5:] if lang == "en" else f"{day.month}月{day.day}日"


def _ratio(created: int | None, total: int | None) -> str:
    return f"{i18n.fmt_int(created)} / {i18n.fmt_int(total)}" if total is not None else i18n.fmt_int(created)


def _finish(row: dict, projection: pl.DataFrame, lang: str) -> str:
    if row["total"] is None:
        return "—"
    if row["full_date"] is not None:
        return i18n.t("brief_reached", lang, day=_short_date(row["full_date"], lang))
    match = projection.filter((pl.col("district") == row["district"]) & (pl.col("kind") == row["kind"]))
    if match.is_empty() or match.item(0, "projected") is None:
        return i18n.t("brief_no_projection", lang)
    p = match.row(0, named=True)
    return i18n.t(
        "brief_projected",
        lang,
        day=_short_date(p["projected"], lang),
        earliest=_short_date(p["earliest"], lang),
        latest=_short_date(p["latest"], lang),
    )


class _Page:
    """fpdf2 with the CJK font set up and a few drawing helpers in mm."""

    def __init__(self, font: CJKFont, lang: str) -> None:
        from fpdf import FPDF

        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.add_font("cjk", "", str(font.path), collection_font_number=font.index)
        pdf.add_font("cjk", "B", str(font.bold_path), collection_font_number=font.bold_index)
        pdf.set_lang("en" if lang == "en" else "zh-CN")
        pdf.set_creator("campaign")
        pdf.add_page()
        self.pdf = pdf

    def font(self, size: float, bold: bool = False, colour: str = INK) -> None:
        self.pdf.set_font("cjk", "B" if bold else "", size)
        self.pdf.set_text_color(colour)

    def width(self, text: str) -> float:
        return self.pdf.get_string_width(text)

    def text(self, x: float, y: float, text: str, align: str = "L") -> None:
        """Text with its baseline at y, starting (L), centred (C) or ending (R) at x."""
        w = self.width(text)
        shift = {"L": 0.0, "C": w / 2, "R": w}[align]
        self.pdf.text(x - shift, y, text)

    def fit(self, text: str, width: float) -> str:
        """``text`` cut with an ellipsis to fit ``width``."""
        if self.width(text) <= width:
            return text
        while text and self.width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    def rule(self, y: float, colour: str = RULE, weight: float = 0.2) -> None:
        self.pdf.set_draw_color(colour)
        self.pdf.set_line_width(weight)
        self.pdf.line(MARGIN, y, PAGE_W - MARGIN, y)


def _table(
    page: _Page,
    y: float,
    title: str,
    header: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    row_h: float,
    bold_col: int | None = None,
) -> float:
    """A titled table; numbers (every column but the first two) right-aligned. Returns the y below it."""
    size = max(6.0, min(9.0, row_h * 1.4))
    page.font(10.5, bold=True)
    page.text(MARGIN, y + 4, title)
    y += 6
    page.pdf.set_fill_color("#eef2f6")
    page.pdf.rect(MARGIN, y, WIDTH, row_h, style="F")
    page.font(size, bold=True, colour=MUTED)
    _row(page, y, header, widths, row_h, numeric_from=2)
    y += row_h
    for i, cells in enumerate(rows):
        if i % 2:
            page.pdf.set_fill_color("#f8fafc")
            page.pdf.rect(MARGIN, y, WIDTH, row_h, style="F")
        page.font(size)
        _row(page, y, cells, widths, row_h, numeric_from=2, bold_col=bold_col, size=size)
        y += row_h
    page.rule(y)
    return y


def _row(
    page: _Page,
    y: float,
    cells: Sequence[str],
    widths: Sequence[float],
    row_h: float,
    numeric_from: int,
    bold_col: int | None = None,
    size: float | None = None,
) -> None:
    x = MARGIN
    base = y + row_h * 0.68
    for col, (cell, w) in enumerate(zip(cells, widths, strict=True)):
        if bold_col is not None and size is not None:
            page.font(size, bold=col == bold_col)
        text = page.fit(cell, w - 2)
        if col >= numeric_from:
            page.text(x + w - 1, base, text, align="R")
        else:
            page.text(x + 1, base, text)
        x += w


@dataclass(frozen=True)
class _Bar:
    label: str
    kind: str | None  # its colour; None: every kind together
    pct: float | None
    created: int
    total: int


def _bar_items(data: BriefData, lang: str) -> list[_Bar]:
    """One bar per district and kind; per district (every kind together) when that would be more than 10."""
    detail = data.coverage.filter(pl.col("total").is_not_null())
    if detail.height <= 10:
        return [
            _Bar(
                f"{r['district']} · {i18n.kind_label(r['kind'], lang)}",
                r["kind"],
                r["coverage_pct"],
                r["created"],
                r["total"],
            )
            for r in detail.iter_rows(named=True)
        ]
    return [
        _Bar(r["district"], None, r["coverage_pct"], r["created"], r["total"])
        for r in data.glance.filter(pl.col("total").is_not_null()).iter_rows(named=True)
    ]


def _bars(page: _Page, y: float, height: float, items: Sequence[_Bar], lang: str) -> int:
    """Coverage as horizontal bars, 0-100%; as many as fit. Returns how many were left out."""
    page.font(10.5, bold=True)
    page.text(MARGIN, y + 4, i18n.t("coverage_chart", lang))
    top = y + 7
    if not items:
        return 0
    label_w = 34.0
    x0, x1 = MARGIN + label_w, PAGE_W - MARGIN - 2
    axis_h = 6.0
    shown = items[: max(1, int((height - 7 - axis_h) // 2.4))]
    bar_slot = (height - 7 - axis_h) / len(shown)
    bar_h = min(6.0, bar_slot * 0.7)
    size = max(5.0, min(7.5, bar_slot * 2.4))
    pdf = page.pdf
    page.font(6.5, colour=MUTED)
    for pct in (0, 25, 50, 75, 100):
        x = x0 + (x1 - x0) * pct / 100
        pdf.set_draw_color(RULE)
        pdf.set_line_width(0.15)
        pdf.line(x, top, x, top + bar_slot * len(shown))
        page.text(x, top + bar_slot * len(shown) + 3.5, f"{pct}%", align="C")
    page.text(x1, top + bar_slot * len(shown) + 6.5, i18n.t("percent_axis", lang), align="R")
    for i, bar in enumerate(shown):
        mid = top + bar_slot * (i + 0.5)
        page.font(size)
        page.text(MARGIN, mid + size * 0.16, page.fit(bar.label, label_w - 2))
        share = max(0.0, min(100.0, bar.pct or 0.0))
        w = (x1 - x0) * share / 100
        # a kind's colour as the pages' charts draw it (the active campaign's definition)
        pdf.set_fill_color(i18n.definition().colours().get(bar.kind, "#34495e") if bar.kind else "#34495e")
        pdf.rect(x0, mid - bar_h / 2, max(w, 0.3), bar_h, style="F")
        text = f"{i18n.fmt_pct(bar.pct)} ({bar.created:,}/{bar.total:,})"
        page.font(size - 0.5, bold=True)
        if page.width(text) + 2 < w:
            page.font(size - 0.5, bold=True, colour="#ffffff")
            page.text(x0 + w - 1, mid + size * 0.16, text, align="R")
        else:
            page.text(x0 + w + 1, mid + size * 0.16, text)
    return len(items) - len(shown)


def _per_kind(rows: pl.DataFrame, label: str) -> pl.DataFrame:
    """The curves of many districts as one per kind: on each date, every district's units created by then
    (its last publication on or before it; 0 before its first) over all their totals."""
    dates = rows.select("published").unique()
    keys = rows.select("district", "kind", "total").unique()
    grid = (
        keys.join(dates, how="cross")
        .join(rows.select("district", "kind", "published", "created"), on=["district", "kind", "published"], how="left")
        .sort("district", "kind", "published")
        .with_columns(pl.col("created").forward_fill().over("district", "kind").fill_null(0))
    )
    return (
        grid.group_by("kind", "published")
        .agg(pl.col("created").sum(), pl.col("total").sum())
        .with_columns(district=pl.lit(label), coverage_pct=100.0 * pl.col("created") / pl.col("total").cast(pl.Float64))
        .sort("kind", "published")
    )


def _curve(page: _Page, y: float, height: float, curve: pl.DataFrame, day: dt.date | None, lang: str) -> float:
    """Cumulative coverage on each publication date, a step line per district and kind from 0% before the first
    publication to the as-of day."""
    page.font(10.5, bold=True)
    page.text(MARGIN, y + 4, i18n.t("progress_title", lang))
    rows = curve.filter(pl.col("coverage_pct").is_not_null())
    top = y + 7
    if rows.is_empty():
        return top
    if rows.select("district", "kind").n_unique() > 8:
        rows = _per_kind(rows, i18n.t("all_districts", lang))
    series = rows.partition_by(["district", "kind"], maintain_order=True, as_dict=True)
    legend_rows = (len(series) + 2) // 3
    legend_h = 4.5 * legend_rows + 2
    x0, x1 = MARGIN + 10, PAGE_W - MARGIN - 2
    y0, y1 = top + 2, top + height - 7 - legend_h - 6  # 100% at y0, 0% at y1
    # from the day before the first publication (nothing created yet: 0%) to the as-of day
    first = rows.get_column("published").min() - dt.timedelta(days=1)
    last = max(rows.get_column("published").max(), day or first)
    span = max((last - first).days, 1)

    def px(d: dt.date) -> float:
        return x0 + (x1 - x0) * (d - first).days / span

    def py(pct: float) -> float:
        return y1 - (y1 - y0) * max(0.0, min(100.0, pct)) / 100

    pdf = page.pdf
    page.font(6.5, colour=MUTED)
    for pct in (0, 25, 50, 75, 100):
        pdf.set_draw_color(RULE)
        pdf.set_line_width(0.15)
        pdf.line(x0, py(pct), x1, py(pct))
        page.text(x0 - 1, py(pct) + 1, f"{pct}%", align="R")
    step = max(1, -(-span // 8))
    tick = first
    while tick <= last:
        pdf.line(px(tick), y1, px(tick), y1 + 1)
        page.text(px(tick), y1 + 4, _short_date(tick, lang), align="C")
        tick += dt.timedelta(days=step)
    page.text(x1, y1 + 7.5, i18n.t("date_axis", lang), align="R")
    districts = list(dict.fromkeys(k[0] for k in series))
    legend_y = y1 + 11
    colours = i18n.definition().colours()
    for n, ((district, kind), points) in enumerate(series.items()):
        colour = colours.get(kind, colours["unknown"])
        dash = DISTRICT_DASHES[districts.index(district) % len(DISTRICT_DASHES)]
        path: list[tuple[float, float]] = [(px(first), py(0))]
        for published, pct in points.select("published", "coverage_pct").iter_rows():
            if path:
                path.append((px(published), path[-1][1]))
            path.append((px(published), py(pct)))
        path.append((px(last), path[-1][1]))
        pdf.set_draw_color(colour)
        pdf.set_line_width(0.6)
        pdf.set_dash_pattern(*dash[:2])
        pdf.polyline(path)
        pdf.set_dash_pattern()
        pdf.set_fill_color(colour)
        for published, pct in points.select("published", "coverage_pct").iter_rows():
            pdf.rect(px(published) - 0.6, py(pct) - 0.6, 1.2, 1.2, style="F")
        lx = MARGIN + (n % 3) * (WIDTH / 3)
        ly = legend_y + (n // 3) * 4.5
        pdf.set_dash_pattern(*dash[:2])
        pdf.line(lx, ly - 1.2, lx + 7, ly - 1.2)
        pdf.set_dash_pattern()
        page.font(7.5)
        end = points.row(-1, named=True)
        page.text(
            lx + 9,
            ly,
            page.fit(
                f"{district} · {i18n.kind_label(kind, lang)}  {i18n.fmt_pct(end['coverage_pct'])}", WIDTH / 3 - 10
            ),
        )
    return legend_y + legend_h


def render(data: BriefData, lang: str = "zh") -> bytes:
    """Set the brief on one A4 page. Raises NoCJKFont when no Chinese font is installed."""
    page = _Page(find_cjk_font(), lang)
    pdf = page.pdf
    t = functools.partial(i18n.t, lang=lang)
    title = t("brief_title")
    scope = data.district or t("all_districts")
    pdf.set_title(f"{title} · {scope} · {data.day.isoformat() if data.day else ''}")
    pdf.set_subject(title)

    # the heading: what, where, as of when, from which snapshot
    page.font(17, bold=True)
    page.text(MARGIN, MARGIN + 5, title)
    page.font(11, bold=True, colour=MUTED)
    page.text(PAGE_W - MARGIN, MARGIN + 5, t("brief_scope", scope=scope), align="R")
    loaded = data.info.get("last_ingest")
    stamp = t("brief_as_of", day=i18n.fmt_date(data.day, lang))
    if loaded is not None:
        stamp += " · " + t("brief_snapshot", time=loaded.strftime("%Y-%m-%d %H:%M"))
    page.font(9.5, colour=INK)
    page.text(MARGIN, MARGIN + 11.5, stamp)
    page.font(7, colour=MUTED)
    generated = t("brief_generated", time=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
    page.text(PAGE_W - MARGIN, MARGIN + 11.5, generated, align="R")
    page.rule(MARGIN + 14.5, colour=INK, weight=0.5)
    y = MARGIN + 17

    # how much room the tables get: the charts keep at least 120 mm, the footer 18
    footer_top = PAGE_H - MARGIN - 12
    budget = footer_top - y - 120 - 2 * 8
    n_rows = data.glance.height + data.coverage.height + 2
    row_h = max(3.6, min(6.2, budget / max(n_rows, 1)))
    fits = int(budget // row_h) - 2
    glance = data.glance.head(max(1, min(data.glance.height, fits - 1)))
    coverage = data.coverage.head(max(1, fits - glance.height))
    hidden = (data.glance.height - glance.height) + (data.coverage.height - coverage.height)

    header = [
        t("district"),
        t("brief_latest"),
        t("coverage"),
        t("brief_created_total"),
        t("remaining"),
        t("brief_new"),
        t("brief_revoked"),
    ]
    rows = []
    for r in glance.iter_rows(named=True):
        latest = "—"
        if r["latest_batch"] is not None:
            latest = f"{i18n.batch_label(r['latest_batch'], r['counts_rounds'], lang)} · "
            latest += _short_date(r["latest_published"], lang)
        rows.append(
            [
                r["district"],
                latest,
                i18n.fmt_pct(r["coverage_pct"]),
                _ratio(r["created"], r["total"]),
                i18n.fmt_int(r["remaining"]),
                i18n.fmt_int(r["latest_new"]),
                i18n.fmt_int(r["latest_revoked"]),
            ]
        )
    y = _table(page, y, t("brief_by_district"), header, [30, 38, 22, 38, 22, 16, 16], rows, row_h, bold_col=2) + 3

    header = [
        t("district"),
        t("kind"),
        t("coverage"),
        t("brief_created_total"),
        t("remaining"),
        t("revoked"),
        t("brief_finish"),
    ]
    rows = [
        [
            r["district"],
            i18n.kind_label(r["kind"], lang),
            i18n.fmt_pct(r["coverage_pct"]),
            _ratio(r["created"], r["total"]),
            i18n.fmt_int(r["remaining"]),
            i18n.fmt_int(r["revoked"]),
            _finish(r, data.projection, lang),
        ]
        for r in coverage.iter_rows(named=True)
    ]
    y = _table(page, y, t("brief_by_kind"), header, [22, 26, 18, 30, 20, 16, 50], rows, row_h, bold_col=2)
    if hidden:
        page.font(7, colour=MUTED)
        page.text(MARGIN, y + 3.5, t("brief_more", n=hidden))
        y += 4
    y += 3

    # the charts share what is left above the footer
    room = footer_top - y
    items = _bar_items(data, lang)
    bar_h = max(30.0, min(room * 0.5, 7.0 * len(items) + 20))
    _bars(page, y, bar_h, items, lang)
    _curve(page, y + bar_h + 2, room - bar_h - 2, data.curve, data.day, lang)

    # the footer: how to read it, sample note, when it was made
    page.rule(footer_top)
    page.font(6.5, colour=MUTED)
    notes = [t("brief_method")]
    if data.info.get("from_sample"):
        notes.append(f"{t('synthetic')}{t('colon')}{i18n.synthetic_note(lang)}")
    pdf.set_xy(MARGIN, footer_top + 0.8)
    pdf.multi_cell(WIDTH, 2.9, "\n".join(notes), align="L")
    return bytes(pdf.output())
