"""指挥中心大屏 Command-centre screen: a wall display configured by its URL, rotating panels, no chrome.

Everything is drawn as HTML and SVG sized in units of the viewport (``--u``: 1% of the height of the
largest 16:9 box that fits), fixed to the window, so it fills 1920×1080 and 3840×2160 alike at any
device scale, and never scrolls. A fragment re-runs every ``tick`` seconds: it picks the slide from the
time since the screen started and fetches the figures again when a new snapshot is published or the
refresh period has passed. Each region is its own element, so a region whose HTML did not change is not
touched (no flicker). The clock ticks in the browser. The stylesheet and the clock's script are files
(campaign/app/screen.css, screen.js), with this page's colours filled in.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
import time
from collections.abc import Callable

import polars as pl
import streamlit as st

from campaign import i18n
from campaign.answers import screen
from campaign.app import campaigns, pages_folder, screen_assets
from campaign.text import short

if pages_folder.on():  # a fresh server's first visitor here, without dashboard.py (campaign.app.pages_folder)
    pages_folder.run_through_dashboard()

config, url_notes = screen.parse(st.query_params.to_dict(), screen.server_defaults())
# a ?campaign= naming no installed campaign: said in the notes, as a page says it (dashboard.py chose the default)
campaign_note = campaigns.unknown_said(as_markdown=False)
LANG = config.lang

BG = "#050b17"
PANEL_BG = "#0b1628"
TEXT = "#e8f0ff"
MUTED = "#8fa3c4"
ACCENT = "#37d5ff"
GOOD = "#35e08a"
WARN = "#ffb020"
BAD = "#ff5a5f"
FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
# the kinds' colours on the dark screen, by the campaign's order of kinds (its file's colours are for light pages)
KIND_PALETTE = ("#ff7b6b", "#5ab8ff", "#45e38a", "#ffc05a", "#c58bff", "#7ff0e6", "#ff8fd0", "#e8f0ff")
KIND_COLOURS = {**i18n.definition().colours(KIND_PALETTE, own=False), "unknown": "#b8c2d6"}
DASHES = ["", "14 8", "4 6", "20 6 4 6"]
# the progress panel's lines when there is one per district (screen.PROGRESS_MAX of them)
DISTRICT_COLOURS = ["#ff7b6b", "#5ab8ff", "#45e38a", "#ffc05a", "#c58bff", "#ff8fd0", "#7ff0e6", "#e8f0ff"]

CSS = screen_assets.style(
    BG=BG, PANEL_BG=PANEL_BG, TEXT=TEXT, MUTED=MUTED, ACCENT=ACCENT, GOOD=GOOD, WARN=WARN, BAD=BAD, FONT=FONT
)
CLOCK_JS = screen_assets.clock_script()


def t(key: str, **values: object) -> str:
    return i18n.t(key, LANG, **values)


def e(value: object) -> str:
    return html.escape(str(value), quote=True)


def clock_text(now: dt.datetime) -> tuple[str, str]:
    if LANG == "en":
        return now.strftime("%H:%M:%S"), now.strftime("%a %Y-%m-%d")
    return now.strftime("%H:%M:%S"), f"{now.year}年{now.month}月{now.day}日 星期{'一二三四五六日'[now.weekday()]}"


def colour_for(pct: float | None) -> str:
    if pct is None:
        return MUTED
    return GOOD if pct >= 100 else ACCENT if pct >= 60 else WARN


def ring(pct: float | None) -> str:
    """A progress ring in CSS (st.html's sanitiser removes inline SVG): a conic gradient masked to a donut."""
    value = 0.0 if pct is None else max(0.0, min(100.0, pct))
    return (
        f'<div class="scr-ring" role="img" aria-label="{e(i18n.fmt_pct(pct))}" '
        f'style="background:conic-gradient({colour_for(pct)} {value:.2f}%, #16274a 0)"></div>'
    )


def svg_image(svg: str, label: str) -> str:
    """An SVG drawing as a data: image: st.html keeps <img>, drops <svg>; a data: URL makes no request."""
    return (
        f'<img alt="{e(label)}" src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}" '
        'style="display:block;width:100%;height:100%;object-fit:contain">'
    )


def bar(pct: float | None, colour: str | None = None) -> str:
    width = 0.0 if pct is None else max(0.0, min(100.0, pct))
    return f'<div class="scr-bar"><i style="width:{width:.2f}%;background:{colour or colour_for(pct)}"></i></div>'


def batch_name(batch: int | None, rounds: bool) -> str:
    return i18n.batch_label(batch, rounds, LANG)


def short_date(day: dt.date | None) -> str:
    if day is None:
        return "—"
    return day.isoformat() if LANG == "en" else f"{day.month}月{day.day}日"


# ---------------------------------------------------------------------------------------------------
# regions


def head_html(data: screen.ScreenData | None, now: dt.datetime, warning: str | None) -> str:
    parts = [f'<div class="scr scr-head" data-testid="screen-head"><div class="scr-title">{e(t("screen_title"))}</div>']
    asof = ""
    if data is not None:
        info = data.info
        asof = t("screen_as_of", day=f"<b>{e(i18n.fmt_date(info['last_published'], LANG))}</b>")
        if info["last_ingest"]:
            asof += " · " + e(t("screen_snapshot", time=info["last_ingest"].strftime("%Y-%m-%d %H:%M")))
    parts.append(f'<div class="scr-asof" data-testid="screen-asof">{asof}</div>')
    if warning:
        parts.append(f'<div class="scr-stale" data-testid="screen-stale">{e(warning)}</div>')
    time_text, date_text = clock_text(now)
    parts.append(
        f'<div class="scr-clock" data-lang="{LANG}" data-testid="screen-clock"><span class="scr-clock-time">'
        f'{e(time_text)}</span><span class="scr-clock-date">{e(date_text)}</span></div></div>'
    )
    return "".join(parts)


def kpis_html(data: screen.ScreenData, districts: list[str], current: str | None) -> str:
    rows = data.glance.filter(pl.col("district").is_in(districts))
    layout = screen.kpi_layout(rows.height)
    if layout.compact:
        return tiles_html(rows, layout, current)
    n = max(1, rows.height)
    per_row = min(n, 6 if n > 4 else 4)
    lines = math.ceil(n / per_row)
    scale = min(1.0, 3.2 / max(per_row, 3.2)) / lines if n > 3 else 1.0
    scale = max(scale, 0.28)
    style = (
        f"grid-template-columns:repeat({per_row},minmax(0,1fr));grid-template-rows:repeat({lines},minmax(0,1fr));"
        f"--k:{scale:.3f}"
    )
    cards = []
    for row in rows.iter_rows(named=True):
        pct = row["coverage_pct"]
        on = " on" if current == row["district"] else ""
        runs = t("rounds_run" if row["counts_rounds"] else "batches_run")
        if pct is None:
            created = i18n.fmt_int(row["created"])
            big = f'<div class="scr-big part scr-line">{created}<small>{e(t("created"))}</small></div>'
            totals = e(t("screen_no_roster"))
        else:
            cls = "" if pct >= 100 else " part"
            big = f'<div class="scr-big{cls} scr-line" data-testid="screen-coverage">{e(i18n.fmt_pct(pct))}</div>'
            totals = (
                f"{e(t('created'))} <b>{i18n.fmt_int(row['created'])}</b> / {i18n.fmt_int(row['total'])}"
                f" · {e(t('remaining'))} <b>{i18n.fmt_int(row['remaining'])}</b>"
            )
        latest = ""
        if row["latest_batch"] is not None:
            latest = (
                f"{e(t('screen_latest', label=batch_name(row['latest_batch'], row['counts_rounds'])))}"
                f" {e(short_date(row['latest_published']))}{e(t('colon'))}"
                f"<span class='new'>{e(t('screen_new'))} <b>{i18n.fmt_int(row['latest_new'])}</b></span>"
                f" · <span class='rev'>{e(t('screen_revoked_since'))} "
                f"<b>{i18n.fmt_int(row['latest_revoked'])}</b></span>"
            )
        cards.append(
            f'<div class="scr-card{on}" data-testid="screen-kpi" data-district="{e(row["district"])}">'
            f"{ring(pct) if scale >= 0.45 else ''}<div class='scr-card-body'>"
            f'<div class="scr-district scr-line">{e(row["district"])}</div>{big}'
            f'<div class="scr-sub scr-line">{totals}</div>'
            f'<div class="scr-sub scr-line">{e(runs)} <b>{row["batches_run"]}</b></div>'
            f'<div class="scr-sub scr-line">{latest}</div></div></div>'
        )
    return f'<div class="scr scr-kpis" style="{style}">{"".join(cards)}</div>'


def tiles_html(rows: pl.DataFrame, layout: screen.KpiLayout, current: str | None) -> str:
    """Many districts: a tile each, its lines no smaller than screen.KPI_MIN_TEXT, the richest that fit."""
    style = (
        f"grid-template-columns:repeat({layout.cols},minmax(0,1fr));"
        f"grid-template-rows:repeat({layout.rows},minmax(0,1fr));"
        f"--big:{layout.big};--name:{layout.name};--detail:{layout.detail}"
    )

    def fit(variants: dict[str, str]) -> str | None:
        """variants: plain text (measured) -> its HTML, longest first."""
        chosen = screen.fitting(list(variants), layout.detail, layout.width)
        return None if chosen is None else variants[chosen]

    tiles = []
    for row in rows.iter_rows(named=True):
        pct = row["coverage_pct"]
        created, total = i18n.fmt_int(row["created"]), i18n.fmt_int(row["total"])
        if pct is None:
            big = f'<div class="scr-big part scr-line">{created}</div>'
            first = {text: e(text) for text in (f"{t('created')} · {t('screen_no_roster')}", t("created"))}
        else:
            cls = "" if pct >= 100 else " part"
            big = f'<div class="scr-big{cls} scr-line" data-testid="screen-coverage">{e(i18n.fmt_pct(pct))}</div>'
            left = i18n.fmt_int(row["remaining"])
            first = {
                f"{t('created')} {created} / {total} · {t('remaining')} {left}": (
                    f"{e(t('created'))} <b>{created}</b> / {total} · {e(t('remaining'))} <b>{left}</b>"
                ),
                f"{t('created')} {created} / {total}": f"{e(t('created'))} <b>{created}</b> / {total}",
                f"{created} / {total}": f"<b>{created}</b> / {total}",
            }
        lines = [fit(first)]
        if row["latest_batch"] is not None:
            new, revoked = i18n.fmt_int(row["latest_new"]), i18n.fmt_int(row["latest_revoked"])
            label = t("screen_latest", label=batch_name(row["latest_batch"], row["counts_rounds"]))
            words = (t("screen_new"), t("screen_revoked_since"))
            change = f"{words[0]} {new} · {words[1]} {revoked}"
            change_html = (
                f"<span class='new'>{e(words[0])} <b>{new}</b></span> · "
                f"<span class='rev'>{e(words[1])} <b>{revoked}</b></span>"
            )
            short = f"<span class='new'>+<b>{new}</b></span> · <span class='rev'>−<b>{revoked}</b></span>"
            lines.append(
                fit(
                    {
                        f"{label}{t('colon')}{change}": e(label + t("colon")) + change_html,
                        change: change_html,
                        f"+{new} · −{revoked}": short,
                    }
                )
            )
        runs = t("rounds_run" if row["counts_rounds"] else "batches_run")
        lines.append(fit({f"{runs} {row['batches_run']}": f"{e(runs)} <b>{row['batches_run']}</b>"}))
        detail = "".join(f'<div class="scr-sub scr-line">{h}</div>' for h in [x for x in lines if x][: layout.lines])
        on = " on" if current == row["district"] else ""
        width = 0.0 if pct is None else max(0.0, min(100.0, pct))
        tiles.append(
            f'<div class="scr-tile{on}" data-testid="screen-kpi" data-district="{e(row["district"])}">'
            f'<div class="scr-district scr-line">{e(row["district"])}</div>{big}{detail}'
            f'<i class="scr-tile-bar" style="width:{width:.2f}%;background:{colour_for(pct)}"></i></div>'
        )
    return f'<div class="scr scr-kpis" data-compact="1" style="{style}">{"".join(tiles)}</div>'


def rows_html(rows: list[list[str]], columns: str, row_height: float, per_col: int, cols: int) -> str:
    """A board of rows: ``cols`` columns of ``per_col`` rows, placed across, then down (see down_then_across)."""
    cells = "".join(
        f'<div class="scr-row" style="grid-template-columns:{columns};height:calc(var(--u)*{row_height:.3f});'
        f'font-size:calc(var(--u)*{row_height * 0.52:.3f}){"" if any(r) else ";border-color:transparent"}">'
        f"{''.join(r)}</div>"
        for r in rows
    )
    style = (
        f"grid-template-columns:repeat({cols},minmax(0,1fr));grid-template-rows:repeat({per_col},auto);"
        "align-content:start"
    )
    return f'<div class="scr-rows" data-testid="screen-board" style="{style}">{cells}</div>'


def overview_body(data: screen.ScreenData, districts: list[str], page: int) -> str:
    rows = data.coverage.filter(pl.col("district").is_in(districts))
    if rows.is_empty():
        return f'<div class="scr-empty">{e(t("no_data"))}</div>'
    board = screen.overview_board(rows.height)
    out = []
    for r in rows.iter_rows(named=True):
        pct = r["coverage_pct"]
        out.append(
            [
                f'<span data-district="{e(r["district"])}"><b>{e(r["district"])}</b> · '
                f"{e(i18n.kind_label(r['kind'], LANG))}</span>",
                bar(pct, KIND_COLOURS.get(r["kind"]) if pct is not None and pct < 100 else None),
                f'<span class="scr-num" style="color:{colour_for(pct)}"><b>{e(i18n.fmt_pct(pct))}</b></span>',
                f'<span class="scr-num">{i18n.fmt_int(r["created"])} / {i18n.fmt_int(r["total"])}</span>',
                f'<span class="scr-num scr-muted">{e(t("remaining"))} {i18n.fmt_int(r["remaining"])}</span>',
                f'<span class="scr-num scr-muted">{e(t("revoked"))} {i18n.fmt_int(r["revoked"])}</span>',
            ]
        )
    columns = "minmax(0,2.6fr) minmax(0,3fr) minmax(0,1.1fr) minmax(0,1.9fr) minmax(0,1.3fr) minmax(0,1.2fr)"
    if board.cols == 2:
        columns = "minmax(0,2.4fr) minmax(0,2fr) minmax(0,1.2fr) minmax(0,2fr)"
        out = [r[:4] for r in out]
    out = down_then_across(board.page(out, page), board.per_col, board.cols)
    return rows_html(out, columns, board.row, board.per_col, board.cols)


def progress_body(data: screen.ScreenData, districts: list[str]) -> str:
    curve = data.curve.filter(pl.col("district").is_in(districts) & pl.col("total").is_not_null())
    if curve.is_empty():
        return f'<div class="scr-empty">{e(t("no_data"))}</div>'
    colours = KIND_COLOURS
    if len(districts) > screen.KPI_FULL_MAX:
        # a line per district and kind would be dozens: per district, kinds together, the lowest few
        curve = screen.district_curves(curve)
        districts = screen.lowest_districts(curve)
        curve = curve.filter(pl.col("district").is_in(districts))
        colours = dict(zip(districts, DISTRICT_COLOURS, strict=False))
    width, height = 1740.0, 520.0
    left, right, top, bottom = 90.0, 470.0, 20.0, 60.0
    days = sorted(set(curve.get_column("published").to_list()))
    first, last = days[0] - dt.timedelta(days=1), days[-1] + dt.timedelta(days=2)
    span = max(1, (last - first).days)

    def x(day: dt.date) -> float:
        return left + (width - left - right) * (day - first).days / span

    def y(pct: float) -> float:
        return top + (height - top - bottom) * (1 - pct / 100)

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" font-family=\'{FONT}\'>']
    for pct in (0, 25, 50, 75, 100):
        svg.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(pct):.1f}" y2="{y(pct):.1f}" '
            'stroke="#1d3456" stroke-width="2"/>'
            f'<text x="{left - 12}" y="{y(pct) + 9:.1f}" fill="{MUTED}" font-size="26" text-anchor="end">{pct}%</text>'
        )
    last_label = -1e9
    for day in days:
        if x(day) - last_label < 95:  # labels never overlap
            continue
        last_label = x(day)
        svg.append(
            f'<text x="{x(day):.1f}" y="{height - 18}" fill="{MUTED}" font-size="24" text-anchor="middle">'
            f"{e(day.strftime('%m-%d'))}</text>"
        )
    legend_y = top + 10
    groups = list(curve.group_by(["district", "kind"], maintain_order=True))
    legend_step = min(60.0, (height - top - bottom) / max(1, len(groups)))
    for i, ((district, kind), rows) in enumerate(groups):
        colour = colours.get(kind, colours.get(district, TEXT))
        dash = DASHES[districts.index(district) % len(DASHES)] if kind != "all" and district in districts else ""
        points = []
        previous = None
        for day, pct in rows.select("published", "coverage_pct").iter_rows():
            if previous is not None:
                points.append(f"{x(day):.1f},{y(previous):.1f}")
            points.append(f"{x(day):.1f},{y(pct):.1f}")
            previous = pct
        points.append(f"{x(last):.1f},{y(previous):.1f}")
        svg.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="6" '
            f'stroke-dasharray="{dash}" stroke-linejoin="round"/>'
        )
        ly = legend_y + i * legend_step
        size = min(30, legend_step * 0.6)
        rest = (
            f" {i18n.fmt_pct(previous)}"
            if kind == "all"
            else f" · {i18n.kind_label(kind, LANG)} {i18n.fmt_pct(previous)}"
        )
        label = screen.fit_name(district, rest, size, right - 104 - 10)  # a long name is cut, never the figure
        svg.append(
            f'<line x1="{width - right + 30}" x2="{width - right + 90}" y1="{ly + 14:.1f}" y2="{ly + 14:.1f}" '
            f'stroke="{colour}" stroke-width="8" stroke-dasharray="{dash}"/>'
            f'<text x="{width - right + 104}" y="{ly + 24:.1f}" fill="{TEXT}" '
            f'font-size="{size:.0f}">'
            f"{e(label)}</text>"
        )
    svg.append("</svg>")
    return svg_image("".join(svg), t("screen_panel_progress"))


def towns_body(data: screen.ScreenData, districts: list[str], page: int) -> str:
    towns = data.towns.filter(pl.col("district").is_in(districts))
    if towns.is_empty():
        return f'<div class="scr-empty">{e(t("no_data"))}</div>'
    several = len(districts) > 1
    board = screen.towns_board(towns.height)
    out = []
    for r in towns.iter_rows(named=True):
        pct = r["coverage_pct"]
        name = e(r["town"]) + (f' <span class="scr-muted">{e(r["district"])}</span>' if several else "")
        out.append(
            [
                f'<span data-rank="{r["rank"]}" class="scr-num scr-muted">{r["rank"]}</span>',
                f'<span data-district="{e(r["district"])}">{name}</span>',
                bar(pct),
                f'<span class="scr-num" style="color:{colour_for(pct)}"><b>{e(i18n.fmt_pct(pct))}</b></span>',
                f'<span class="scr-num">{i18n.fmt_int(r["created"])} / {i18n.fmt_int(r["total"])}</span>',
            ]
        )
    columns = "minmax(0,0.6fr) minmax(0,3fr) minmax(0,2.2fr) minmax(0,1.4fr) minmax(0,1.9fr)"
    out = down_then_across(board.page(out, page), board.per_col, board.cols)
    return rows_html(out, columns, board.row, board.per_col, board.cols)


def down_then_across(rows: list[list[str]], lines: int, cols: int) -> list[list[str]]:
    """Rows in the order a board's grid places them (across, then down) so that they read down the first
    column, then down the next: placed across, a district's ranks ran 1, 2 | 3, 4 over both columns and the
    next district's began beside the last of this one's."""
    blank = [""] * len(rows[0]) if rows else []
    padded = rows + [blank] * (lines * cols - len(rows))
    return [padded[c * lines + r] for r in range(lines) for c in range(cols)]


def batch_body(data: screen.ScreenData, districts: list[str]) -> str:
    glance = data.glance.filter(pl.col("district").is_in(districts) & pl.col("latest_batch").is_not_null())
    if glance.is_empty():
        return f'<div class="scr-empty">{e(t("no_data"))}</div>'
    if glance.height > 4:  # room for four: the latest news first
        glance = glance.sort(["latest_published", "latest_new", "district"], descending=[True, True, False]).head(4)
    columns = []
    day = short_date if glance.height > 2 else lambda d: i18n.fmt_date(d, LANG)
    for g in glance.iter_rows(named=True):
        label = batch_name(g["latest_batch"], g["counts_rounds"])
        kinds = data.per_batch.filter((pl.col("district") == g["district"]) & (pl.col("batch") == g["latest_batch"]))
        kind_text = " · ".join(
            f"{e(i18n.kind_label(k, LANG))} <b>{i18n.fmt_int(u)}</b>"
            for k, u in kinds.select("kind", "units").iter_rows()
        )
        top = (
            data.town_batches(g["district"])
            .filter(pl.col("batch") == g["latest_batch"])
            .sort(["units", "town"], descending=[True, False])
            .head(6)
        )
        bars = count_rows(top.select("town", "units").rows(), str)
        # six rows under the figures fill the column (a row of 4.2 left the last one cut at the bottom)
        board = rows_html(bars, "minmax(0,2fr) minmax(0,3fr) minmax(0,1fr)", 3.8, max(1, len(bars)), 1)
        columns.append(
            f'<div class="scr-col"><div class="scr-h scr-line">{e(short(g["district"]))} · {e(label)} · '
            f"{e(day(g['latest_published']))}</div>"
            f'<div class="scr-pair"><div>{e(t("screen_new"))}'
            f'<b style="color:{GOOD}">{i18n.fmt_int(g["latest_new"])}</b></div>'
            f'<div>{e(t("screen_revoked_since"))}<b style="color:{BAD}">{i18n.fmt_int(g["latest_revoked"])}</b>'
            f"{e(t('screen_revoked_help'))}</div></div>"
            f'<div class="scr-sub scr-line" style="--k:1">{kind_text}</div>'
            f'<div class="scr-sub scr-line" style="--k:1">{e(t("screen_top_towns"))}</div>'
            f'<div style="flex:1;min-height:0;overflow:hidden">{board}</div></div>'
        )
    style = f"grid-template-columns:repeat({min(len(columns), 4)},minmax(0,1fr))"
    return f'<div class="scr-cols" style="{style}">{"".join(columns)}</div>'


def count_rows(pairs: list[tuple], name: Callable[[object], str]) -> list[list[str]]:
    """A row per (what, units): its name, a bar against the most units, the units."""
    most = max([1, *(units for _, units in pairs)])
    return [
        [
            f"<span>{e(name(what))}</span>",
            bar(100 * units / most, ACCENT),
            f'<span class="scr-num"><b>{i18n.fmt_int(units)}</b></span>',
        ]
        for what, units in pairs
    ]


BATCH_ROW_MIN = 2.8  # a town card's batch rows: no lower (its text is half of it)
BATCH_COLUMNS = "minmax(0,1.4fr) minmax(0,4fr) minmax(0,1.2fr)"
KIND_COLUMNS = "minmax(0,1.4fr) minmax(0,3fr) minmax(0,1.2fr) minmax(0,1.6fr)"


def town_body(data: screen.ScreenData, district: str, town: str) -> str:
    row = data.towns.filter((pl.col("district") == district) & (pl.col("town") == town))
    if row.is_empty():
        return f'<div class="scr-empty">{e(t("no_data"))}</div>'
    r = row.row(0, named=True)
    n = data.towns.filter(pl.col("district") == district).height
    pct = r["coverage_pct"]
    kinds = data.town_kinds(district).filter(pl.col("town") == town)
    kind_rows = [
        [
            f"<span>{e(i18n.kind_label(k['kind'], LANG))}</span>",
            bar(k["coverage_pct"], KIND_COLOURS.get(k["kind"])),
            f'<span class="scr-num"><b>{e(i18n.fmt_pct(k["coverage_pct"]))}</b></span>',
            f'<span class="scr-num">{i18n.fmt_int(k["created"])} / {i18n.fmt_int(k["total"])}</span>',
        ]
        for k in kinds.iter_rows(named=True)
    ]
    batches = data.town_batches(district).filter(pl.col("town") == town)
    rounds = bool(data.glance.filter(pl.col("district") == district).get_column("counts_rounds").any())
    batch_rows = count_rows(batches.select("batch", "units").rows(), lambda b: batch_name(b, rounds))
    # the batches share what the kinds leave of the column (its padding, the kinds, the caption, two gaps):
    # lower rows for many, and the latest only when even those do not fit
    room = screen.BOARD_HEIGHT - 3.2 - 4.6 * max(1, len(kind_rows)) - 2.6 - 2.4
    batch_row = min(4.2, max(BATCH_ROW_MIN, room / max(1, len(batch_rows))))
    batch_rows = batch_rows[-max(1, int(room // batch_row)) :]
    cls = "" if pct is not None and pct >= 100 else " part"
    left = (
        f'<div class="scr-col" style="flex-direction:row;align-items:center;gap:calc(var(--u)*3)">'
        f'<div style="height:calc(var(--u)*30)">{ring(pct)}</div><div>'
        f'<div class="scr-h" data-testid="screen-town-title">{e(town)}'
        f'<small style="font-size:.55em;opacity:.75;margin-left:.5em">{e(district)}</small></div>'
        f'<div class="scr-big{cls}" style="--k:1.3" data-testid="screen-coverage">{e(i18n.fmt_pct(pct))}</div>'
        f'<div class="scr-sub" style="--k:1.2">{e(t("created"))} <b>{i18n.fmt_int(r["created"])}</b> / '
        f"{i18n.fmt_int(r['total'])}</div>"
        f'<div class="scr-sub" style="--k:1.2">{e(t("remaining"))} <b>{i18n.fmt_int(r["remaining"])}</b> · '
        f"{e(t('revoked'))} <b>{i18n.fmt_int(r['revoked'])}</b></div>"
        f'<div class="scr-sub" style="--k:1.2">{e(t("screen_rank", rank=r["rank"], n=n))}</div></div></div>'
    )
    right = (
        f'<div class="scr-col"><div style="height:calc(var(--u)*{4.6 * max(1, len(kind_rows)):.1f});flex:none">'
        f"{rows_html(kind_rows, KIND_COLUMNS, 4.6, len(kind_rows), 1)}"
        f'</div><div class="scr-sub" style="--k:1">{e(t("screen_per_batch"))}</div>'
        f'<div style="flex:1;min-height:0;overflow:hidden">'
        f"{rows_html(batch_rows, BATCH_COLUMNS, batch_row, max(1, len(batch_rows)), 1)}"
        f"</div></div>"
    )
    return f'<div class="scr-cols" style="grid-template-columns:minmax(0,1fr) minmax(0,1fr)">{left}{right}</div>'


def panel_html(data: screen.ScreenData, slide: screen.Slide, districts: list[str]) -> str:
    shown = [slide.district] if slide.district else districts
    title = t(f"screen_panel_{slide.panel}")
    tag = slide.town or slide.district or ""
    if slide.panel == "progress" and len(shown) > screen.KPI_FULL_MAX:
        tag = t("screen_lowest", n=min(len(shown), screen.PROGRESS_MAX))
    if slide.panel == "overview":
        body = overview_body(data, shown, slide.page)
    elif slide.panel == "progress":
        body = progress_body(data, shown)
    elif slide.panel == "towns":
        body = towns_body(data, shown, slide.page)
    elif slide.panel == "batch":
        body = batch_body(data, shown)
    else:
        body = town_body(data, slide.district, slide.town)
    tag_html = f'<span class="tag">{e(tag)}</span>' if tag else ""
    if slide.pages > 1:
        tag_html += f'<span class="tag">{e(t("screen_board_page", page=slide.page + 1, pages=slide.pages))}</span>'

    return (
        f'<div class="scr scr-panel" data-testid="screen-panel" data-panel="{e(slide.panel)}" data-page="{slide.page}">'
        f'<div class="scr-panel-title">{e(title)}{tag_html}</div><div class="scr-panel-body">{body}</div></div>'
    )


def board_pages(data: screen.ScreenData, panel: str, shown: list[str]) -> int:
    """How many slides a panel's board takes for the districts ``shown``."""
    if panel == "overview":
        frame, layout = data.coverage, screen.overview_board
    elif panel == "towns":
        frame, layout = data.towns, screen.towns_board
    else:
        return 1
    return layout(frame.filter(pl.col("district").is_in(shown)).height).pages


def foot_html(slides: list[screen.Slide], index: int, notes: list[str], page: tuple[int, int] = (0, 1)) -> str:
    dots = "".join(f'<span class="{"on" if i == index else ""}">●</span>' for i in range(len(slides)))
    if len(slides) > 30:
        dots = ""
    text = " ｜ ".join(notes)
    pages = ""
    if page[1] > 1:
        pages = f'<div data-testid="screen-kpi-page">{e(t("screen_kpi_page", page=page[0] + 1, pages=page[1]))}</div>'
    return (
        f'<div class="scr scr-foot"><div class="scr-dots">{dots}</div>'
        f'<div data-testid="screen-slide">{index + 1} / {len(slides)}</div>{pages}'
        f'<div class="scr-notes" data-testid="screen-notes" title="{e(text)}">{e(text)}</div></div>'
    )


# ---------------------------------------------------------------------------------------------------
# the live part


def draw(body: str) -> None:
    """One region of the screen: an HTML element of its own, replaced only when its HTML changes."""
    st.html(body)


@st.fragment(run_every=config.tick)
def live() -> None:
    state = st.session_state.setdefault("campaign_screen", {})
    if state.get("config") != config:  # a new URL starts the rotation afresh
        state.clear()
        state["config"] = config
    now = time.time()
    started = state.setdefault("started", now)
    data = screen.current_data(state)
    wall = dt.datetime.now()
    notes = [n.text(LANG) for n in url_notes] + ([campaign_note] if campaign_note else [])
    warning = None
    if state.get("error"):
        fetched = data.fetched_at.strftime("%H:%M:%S") if data else "—"
        warning = t("screen_fetch_failed", error=state["error"], time=fetched)
    if data is None:
        draw(head_html(None, wall, warning))
        draw(f'<div class="scr scr-panel"><div class="scr-empty">{e(t("no_data"))}</div></div>')
        draw(foot_html([], 0, notes))
        return
    if warning is None and screen.stale(data.info["last_ingest"], wall, config.stale_after):
        warning = t("screen_stale", age=screen.fmt_age(wall - data.info["last_ingest"], LANG))

    districts, towns, more = screen.resolve(config, data.districts, data.towns_of())
    notes += [n.text(LANG) for n in more]
    ranked = data.towns.filter(pl.col("district").is_in(districts))
    if towns:
        ranked = ranked.filter(pl.col("town").is_in(towns))
    pairs = list(ranked.select("district", "town").iter_rows())
    slides = screen.schedule(
        config, districts, pairs, lambda panel, one: board_pages(data, panel, [one] if one else districts)
    )
    turn = screen.slide_turn(now - started, config.rotate, config.tick) + config.start - 1
    index = turn % len(slides)
    slide = slides[index]
    pages = screen.kpi_pages(districts)
    page = screen.kpi_page(pages, slide.district, turn)

    draw(head_html(data, wall, warning))
    draw(kpis_html(data, pages[page], slide.district))
    draw(panel_html(data, slide, districts))
    draw(foot_html(slides, index, notes, (page, len(pages))))


st.html(CSS)
st.html(CLOCK_JS, unsafe_allow_javascript=True)
live()
