"""Towns on a map with no map server: schematic tiles, or the shapes of uploaded town boundaries.

Town boundaries cannot be fetched at run time (intranets) and no package ships Shanghai's towns, so:

- a schematic tile map: one square per town, placed to echo geography by the layout in
  ``town_tiles.csv`` (district, town, col, row; row 0 is the north). A district without a layout, and
  towns its layout lacks, get an ordered grid of tiles instead, never an error;
- a true choropleth when town boundaries were uploaded as GeoJSON on the data page.

Both are drawn with plain Plotly scatter traces (filled paths): no geo or mapbox traces, which fetch
world maps and tiles from CDNs.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from plotly.colors import sample_colorscale

from campaign import text

LAYOUT_FILE = Path(__file__).with_name("town_tiles.csv")
TILE_CHARS = 8  # a town's name on its tile or shape, cut to this (the hover has it whole)
BOUNDARIES_NAME = "town_boundaries.geojson"
COLOURSCALE = "RdYlGn"
NAME_KEYS = ("town", "街镇", "name", "NAME", "Name", "名称", "乡镇")
NO_DATA = "#d5d8dc"


def layout(district: str) -> pl.DataFrame:
    """The tile layout of one district: town, col, row (empty when the district has none)."""
    tiles = pl.read_csv(LAYOUT_FILE, schema_overrides={"col": pl.Int32, "row": pl.Int32})
    return tiles.filter(pl.col("district") == district).select("town", "col", "row")


def tile_positions(district: str, towns: list[str]) -> tuple[pl.DataFrame, bool]:
    """town, col, row for every town given; and whether the district has a layout at all.

    Towns the layout lacks go in name order on rows below it; a district with no layout gets an
    ordered grid of about as many columns as rows.
    """
    placed = layout(district).filter(pl.col("town").is_in(towns))
    rest = sorted(t for t in towns if t not in set(placed.get_column("town").to_list()))
    has_layout = placed.height > 0
    width = int(placed.get_column("col").max()) + 1 if has_layout else max(1, math.ceil(math.sqrt(len(rest))))
    top = int(placed.get_column("row").max()) + 2 if has_layout else 0  # a blank row between
    extra = pl.DataFrame(
        {
            "town": rest,
            "col": [i % width for i in range(len(rest))],
            "row": [top + i // width for i in range(len(rest))],
        },
        schema={"town": pl.String, "col": pl.Int32, "row": pl.Int32},
    )
    return pl.concat([placed, extra]), has_layout


def colour(pct: float | None) -> str:
    return NO_DATA if pct is None else sample_colorscale(COLOURSCALE, [max(0.0, min(1.0, pct / 100))])[0]


def _colourbar(title: str) -> go.Scatter:
    """An invisible marker that carries the colour bar for the filled shapes."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={
            "color": [0],
            "cmin": 0,
            "cmax": 100,
            "colorscale": COLOURSCALE,
            "showscale": True,
            "colorbar": {"title": {"text": title}, "ticksuffix": "%"},
        },
        hoverinfo="skip",
        showlegend=False,
    )


def _area(xs: list, ys: list, fill: str, town: str, figures: str) -> go.Scatter:
    """A town's filled outline (a tile or its shape), its name and ``figures`` in the hover."""
    return go.Scatter(
        x=xs,
        y=ys,
        fill="toself",
        fillcolor=fill,
        mode="lines",
        line={"color": "white", "width": 1},
        hoveron="fills",
        hoverinfo="text",
        text=f"{text.chart(town)} {figures}",
        showlegend=False,
        name=text.chart(town),
    )


def tile_figure(towns: pl.DataFrame, district: str, colour_title: str) -> tuple[go.Figure, bool]:
    """Tiles for ``towns`` (town, coverage_pct, created, total) of one district; and whether laid out."""
    positions, has_layout = tile_positions(district, towns.get_column("town").to_list())
    tiles = positions.join(towns, on="town", how="left")
    fig = go.Figure()
    gap = 0.06
    for t in tiles.iter_rows(named=True):
        x0, y0 = t["col"] + gap, -t["row"] - 1 + gap
        x1, y1 = t["col"] + 1 - gap, -t["row"] - gap
        fill = colour(t["coverage_pct"])
        pct = "—" if t["coverage_pct"] is None else f"{t['coverage_pct']:.1f}%"
        counts = "" if t["total"] is None else f"{t['created']:,} / {t['total']:,}"
        fig.add_trace(_area([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0], fill, t["town"], f"{pct} {counts}"))
    fig.add_trace(
        go.Scatter(
            x=[c + 0.5 for c in tiles.get_column("col")],
            y=[-r - 0.5 for r in tiles.get_column("row")],
            mode="text",
            text=[
                f"{text.chart_short(t, TILE_CHARS)}<br>{'—' if p is None else f'{p:.0f}%'}"
                for t, p in tiles.select("town", "coverage_pct").iter_rows()
            ],
            textfont={"size": 12, "color": [text_colour(p) for p in tiles.get_column("coverage_pct")]},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(_colourbar(colour_title))
    _blank_axes(fig)
    return fig, has_layout


def figure_height(positions: pl.DataFrame, width: int = 900) -> int:
    """Pixels for a tile map in a main area about ``width`` wide: square tiles, at most 110 px."""
    cols = int(positions.get_column("col").max()) + 1
    rows = int(positions.get_column("row").max()) + 1
    return int(min(640, 90 + rows * min(110, width / cols)))


def text_colour(pct: float | None) -> str:
    """White on the dark ends of the colour scale, near-black elsewhere."""
    return "white" if pct is not None and (pct >= 80 or pct <= 15) else "#1b2631"


def _blank_axes(fig: go.Figure, ratio: float = 1.0) -> None:
    fig.update_xaxes(visible=False, showgrid=False, zeroline=False)
    fig.update_yaxes(visible=False, showgrid=False, zeroline=False, scaleanchor="x", scaleratio=ratio)
    fig.update_layout(plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)")


# ---------------------------------------------------------------------------------------------------
# uploaded boundaries


def boundaries_path(db: Path) -> Path:
    return Path(db).parent / BOUNDARIES_NAME


def parse_boundaries(data: bytes) -> dict[str, list[list[tuple[float, float]]]]:
    """Town -> its rings (lon, lat) from a GeoJSON FeatureCollection; ValueError saying what is wrong."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"不是 GeoJSON (not JSON): {error}") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise ValueError("没有要素 (no features: expected a FeatureCollection)")
    shapes: dict[str, list[list[tuple[float, float]]]] = {}
    for i, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        name = next((str(props[k]).strip() for k in NAME_KEYS if props.get(k)), None)
        geometry = feature.get("geometry") or {}
        kind, coords = geometry.get("type"), geometry.get("coordinates")
        if name is None:
            raise ValueError(f"第 {i} 个要素没有街镇名 (feature {i} has no name/town property)")
        if kind == "Polygon":
            polygons = [coords]
        elif kind == "MultiPolygon":
            polygons = coords
        else:
            raise ValueError(f"「{name}」的几何类型为 {kind} (feature {i}: not a Polygon or MultiPolygon)")
        try:
            rings = [[(float(x), float(y)) for x, y, *_ in ring] for polygon in polygons for ring in polygon[:1]]
        except (TypeError, ValueError):
            raise ValueError(f"「{name}」的坐标无效 (feature {i}: bad coordinates)") from None
        shapes.setdefault(name, []).extend(rings)
    return shapes


def read_boundaries(db: Path) -> dict[str, list[list[tuple[float, float]]]] | None:
    """The uploaded town boundaries (None without any): parsed once per version of the file, not per rerun."""
    path = boundaries_path(db)
    try:
        st = path.stat()
    except OSError:
        return None
    return _parsed_boundaries(str(path), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=4)
def _parsed_boundaries(path: str, mtime_ns: int, size: int) -> dict[str, list[list[tuple[float, float]]]] | None:
    try:
        return parse_boundaries(Path(path).read_bytes())
    except (OSError, ValueError):
        return None


def shape_figure(
    towns: pl.DataFrame, shapes: dict[str, list[list[tuple[float, float]]]], colour_title: str
) -> tuple[go.Figure, list[str]]:
    """A choropleth of ``towns`` (town, coverage_pct, created, total) drawn from their rings (lon, lat).

    Returns the figure and the towns that have no shape. Longitude is squeezed by cos(latitude), so
    shapes keep their proportions without a map projection.
    """
    fig = go.Figure()
    lats = [y for rings in shapes.values() for ring in rings for _, y in ring]
    ratio = 1 / math.cos(math.radians(sum(lats) / len(lats))) if lats else 1.0
    missing = []
    for t in towns.iter_rows(named=True):
        rings = shapes.get(t["town"])
        if not rings:
            missing.append(t["town"])
            continue
        xs: list[float | None] = []
        ys: list[float | None] = []
        for ring in rings:
            xs += [x for x, _ in ring] + [None]
            ys += [y for _, y in ring] + [None]
        pct = "—" if t["coverage_pct"] is None else f"{t['coverage_pct']:.1f}%"
        fig.add_trace(_area(xs, ys, colour(t["coverage_pct"]), t["town"], pct))
        ring = max(rings, key=len)
        points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring  # a closed ring repeats its start
        fig.add_trace(
            go.Scatter(
                x=[sum(x for x, _ in points) / len(points)],
                y=[sum(y for _, y in points) / len(points)],
                mode="text",
                text=[text.chart_short(t["town"], TILE_CHARS)],
                textfont={"size": 11, "color": text_colour(t["coverage_pct"])},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    fig.add_trace(_colourbar(colour_title))
    _blank_axes(fig, ratio)
    return fig, missing
