"""Seeded generator of status files at scale: a city (all of Shanghai) or a whole country.

The bundled sample (``campaign.sample``) is two districts and ~3,000 units. To measure the dashboard
where it has to stay fast, this module writes the same kinds of files at any size, in the formats towns
send: one roster (名册) per district and one list (名单) per district and batch or round, UTF-8 CSV, plus
an official-totals file; and the same files of the first few districts again as XLSX in ``xlsx/``, for
the XLSX ingest measurement (a duplicate: ingest the top folder *or* ``xlsx/``, not both).

Every unit is applied for (申报) before its first creation, mostly; created in one batch; some are
revoked (取消) and created again in later batches, several times; some become models (示范). Each unit
has at most one event per list, so no list names a unit twice. Output is byte-for-byte reproducible for
a given scale and seed: NumPy's seeded generator, Polars writers, sorted frames, no clock.

    from campaign.scale import SCALES, write_scale, build_database
    write_scale(SCALES["city"], "/tmp/city")             # files
    build_database(SCALES["city"], "/tmp/city.duckdb")   # straight into a published snapshot

Sizes: ``city`` 16 districts, ~215 towns, 40,000 units, ~200,000 events; ``national`` 300 districts,
40,000 towns, 5,000,000 units, ~20,000,000 events. ``seed`` is the bundled sample (campaign.sample).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

SEED = 2022
FIRST_DAY = dt.date(2022, 4, 1)
DAYS_BETWEEN_BATCHES = 4

# syllables for place names: pairs give 1,600 distinct names per level
SYLLABLES = tuple("安宝北滨长城春大东枫高古广海和红华嘉江金康兰临龙明南平浦青庆瑞山泰天文西新星阳永")
COMPOUND_SUFFIXES = ("苑", "小区", "花园", "新村", "公寓", "家园", "大厦", "里")
KIND_WORDS = {"compound": "小区", "village_group": "村民小组", "village": "村", "community": "社区"}
STATUS_WORDS = {"created": None, "revoked": "取消", "model": "示范", "applied": "申报"}


@dataclass(frozen=True)
class Scale:
    name: str
    districts: int
    towns: int
    units: int
    events_per_unit: float  # the average number of status events of a unit
    batches: int = 12  # batches or rounds per district
    xlsx_districts: int = 1  # the first N districts are also written as XLSX, in xlsx/
    seed: int = SEED

    def with_(self, **changes: object) -> Scale:
        return dataclasses.replace(self, **changes)


SCALES = {
    "city": Scale("city", districts=16, towns=215, units=40_000, events_per_unit=5.0, batches=12),
    "national": Scale(
        "national", districts=300, towns=40_000, units=5_000_000, events_per_unit=4.0, batches=12, xlsx_districts=2
    ),
    # for tests: seconds, not minutes
    "tiny": Scale("tiny", districts=3, towns=9, units=600, events_per_unit=4.0, batches=8),
}


# ---------------------------------------------------------------------------------------------------
# the model, in frames


def _spread(rng: np.random.Generator, items: int, bins: int) -> np.ndarray:
    """How many of ``items`` fall in each of ``bins`` (each at least one), uneven like real places."""
    if bins > items:
        raise ValueError(f"cannot spread {items} over {bins} (each needs one)")
    weights = rng.gamma(2.0, 1.0, size=bins)
    return 1 + rng.multinomial(items - bins, weights / weights.sum())


def build_model(scale: Scale) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(units, events) of a scale: units as in a roster, events as in the lists, before any file."""
    rng = np.random.default_rng(scale.seed)
    n = len(SYLLABLES)

    # districts -> towns -> committees -> units
    towns_per_district = _spread(rng, scale.towns, scale.districts)
    committees = max(scale.towns, round(scale.units / 7))
    village_level = round(committees * 0.1)
    multi = committees - village_level
    committees_per_town = _spread(rng, committees, scale.towns)
    town_district = np.repeat(np.arange(scale.districts), towns_per_district)
    town_index = np.concatenate([np.arange(k) for k in towns_per_district])  # index within the district
    # committee kinds: 0 residents' committee (compounds), 1 village (groups), 2 village as a unit,
    # 3 community as a unit
    kinds = np.concatenate(
        [rng.choice([0, 1], size=multi, p=[0.6, 0.4]), rng.choice([2, 3], size=village_level, p=[0.7, 0.3])]
    )
    kinds = kinds[rng.permutation(committees)]
    units_per_committee = np.ones(committees, dtype=np.int64)
    is_multi = kinds <= 1
    units_per_committee[is_multi] = _spread(rng, scale.units - village_level, int(is_multi.sum()))
    committee_town = np.repeat(np.arange(scale.towns), committees_per_town)
    committee_index = np.concatenate([np.arange(k) for k in committees_per_town])

    unit_committee = np.repeat(np.arange(committees), units_per_committee)
    unit_index = np.concatenate([np.arange(k) for k in units_per_committee])
    u_town = committee_town[unit_committee]
    u_kind = kinds[unit_committee]
    frame = pl.DataFrame(
        {
            "d": town_district[u_town].astype(np.int64),
            "t": town_index[u_town].astype(np.int64),
            "c": committee_index[unit_committee].astype(np.int64),
            "j": unit_index.astype(np.int64),
            "ck": u_kind.astype(np.int64),
        }
    )

    def pair(col: str, salt: pl.Expr | int) -> pl.Expr:
        """Two syllables: distinct for indexes below n * n (any salt shared by the group); a number follows."""
        i = pl.col(col) + salt
        return pl.concat_str([_syl(i % n), _syl((i * 7 + i // n + 3) % n)])

    suffix_number = pl.when(pl.col("c") >= n * n).then(pl.col("c").cast(pl.String)).otherwise(pl.lit(""))
    frame = frame.with_columns(
        district=pl.concat_str(
            [
                pair("d", 0),
                pl.when(pl.col("d") >= n * n).then(pl.col("d").cast(pl.String)).otherwise(pl.lit("")),
                pl.lit("区"),
            ]
        ),
        town=pl.concat_str(
            [
                pair("t", 7 + pl.col("d") * 37),
                pl.when(pl.col("t") >= n * n).then(pl.col("t").cast(pl.String)).otherwise(pl.lit("")),
                pl.when(pl.col("t") % 3 == 0).then(pl.lit("街道")).otherwise(pl.lit("镇")),
            ]
        ),
        committee=pl.concat_str(
            [
                pair("c", 13 + pl.col("t") * 11 + pl.col("d") * 5),
                suffix_number,
                pl.when(pl.col("ck") == 0)
                .then(pl.lit("居委会"))
                .when(pl.col("ck") == 3)
                .then(pl.lit("社区"))
                .otherwise(pl.lit("村")),
            ]
        ),
        kind=pl.col("ck").replace_strict({0: "compound", 1: "village_group", 2: "village", 3: "community"}),
    )
    compound_suffix = pl.Series(COMPOUND_SUFFIXES)
    frame = frame.with_columns(
        name=pl.when(pl.col("ck") == 0)
        .then(
            pl.concat_str(
                [
                    pair("j", 29),
                    pl.when(pl.col("j") >= n * n).then(pl.col("j").cast(pl.String)).otherwise(pl.lit("")),
                    pl.lit(compound_suffix).gather(pl.col("j") % len(COMPOUND_SUFFIXES)),
                ]
            )
        )
        .when(pl.col("ck") == 1)
        .then(pl.concat_str([(pl.col("j") + 1).cast(pl.String), pl.lit("组")]))
        .otherwise(pl.col("committee")),
        households=pl.Series(rng.integers(30, 2500, size=frame.height), dtype=pl.Int32),
    )
    frame = frame.with_columns(
        population=(pl.col("households") * pl.Series(rng.uniform(1.9, 2.8, size=frame.height))).round().cast(pl.Int32),
        unit=pl.int_range(pl.len(), dtype=pl.Int64),
    )
    units = frame.select("unit", "d", "district", "town", "committee", "name", "kind", "households", "population")
    return units, _events(rng, scale, units.height)


def _syl(index: pl.Expr) -> pl.Expr:
    return pl.lit(pl.Series(SYLLABLES)).gather(index)


def _events(rng: np.random.Generator, scale: Scale, units: int) -> pl.DataFrame:
    """unit, batch index (0-based), event; each unit's events in distinct, increasing batches."""
    b = scale.batches
    applied = rng.random(units) < 0.8
    model = rng.random(units) < 0.2
    never = rng.random(units) < 0.02  # applied, never created
    cycles_mean = max(0.0, (scale.events_per_unit - 1 - 0.8 - 0.2) / 2)
    cycles = rng.poisson(cycles_mean, size=units)
    # the span of batches a unit's events need: created, then revoked+created per cycle, then model
    room = b - applied.astype(int) - 1 - model.astype(int)
    cycles = np.minimum(cycles, np.maximum(room, 0) // 2)
    span = 1 + 2 * cycles + model.astype(int)
    lowest = applied.astype(int)
    highest = b - span  # inclusive
    # early batches are bigger: the smaller of two draws
    draw = np.minimum(rng.random(units), rng.random(units))
    created_at = lowest + np.floor(draw * (highest - lowest + 1)).astype(int)
    parts = []
    unit_ids = np.arange(units)

    def add(mask: np.ndarray, at: np.ndarray, event: str) -> None:
        parts.append(
            pl.DataFrame(
                {"unit": unit_ids[mask], "b": at[mask].astype(np.int32), "event": np.full(int(mask.sum()), event)}
            )
        )

    add(applied, created_at - 1, "applied")
    created = ~never
    add(created, created_at, "created")
    for k in range(int(cycles.max()) if units else 0):
        has = created & (cycles > k)
        add(has, created_at + 1 + 2 * k, "revoked")
        add(has, created_at + 2 + 2 * k, "created")
    add(created & model, created_at + 2 * cycles + 1, "model")
    return pl.concat(parts).sort("unit", "b")


def batch_dates(scale: Scale) -> pl.DataFrame:
    """d, b (0-based), published, counts_rounds: each district's batch dates."""
    rng = np.random.default_rng(scale.seed + 1)
    offsets = rng.integers(0, 10, size=scale.districts)
    rows = []
    for d in range(scale.districts):
        for b in range(scale.batches):
            rows.append((d, b, FIRST_DAY + dt.timedelta(days=int(offsets[d]) + DAYS_BETWEEN_BATCHES * b)))
    frame = pl.DataFrame(rows, schema={"d": pl.Int64, "b": pl.Int32, "published": pl.Date}, orient="row")
    return frame.with_columns(counts_rounds=(pl.col("d") % 4 == 3))


def listings(scale: Scale, units: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Every event with its unit's place and its batch's date: the rows of the lists."""
    dates = batch_dates(scale)
    return (
        events.join(units, on="unit", how="left", maintain_order="left")
        .join(dates, on=["d", "b"], how="left", maintain_order="left")
        .sort("d", "b", "unit")
    )


# ---------------------------------------------------------------------------------------------------
# files


ROSTER_HEADER = ["区", "街镇", "居委/村", "名称", "类型", "户数", "人口"]


def _roster_frame(units: pl.DataFrame) -> pl.DataFrame:
    return units.select(
        pl.col("district").alias("区"),
        pl.col("town").alias("街镇"),
        pl.col("committee").alias("居委/村"),
        pl.col("name").alias("名称"),
        pl.col("kind").replace_strict(KIND_WORDS).alias("类型"),
        pl.col("households").alias("户数"),
        pl.col("population").alias("人口"),
    )


def _list_frame(rows: pl.DataFrame, rounds: bool) -> pl.DataFrame:
    return rows.select(
        pl.col("district").alias("区"),
        pl.col("town").alias("街镇"),
        pl.col("committee").alias("居委/村"),
        pl.col("name").alias("名称"),
        pl.col("kind").replace_strict(KIND_WORDS).alias("类型"),
        pl.when(pl.col("event") == "created").then(pl.col("b") + 1).alias("轮次" if rounds else "批次"),
        pl.col("event").replace_strict(STATUS_WORDS, return_dtype=pl.String).alias("状态"),
        pl.col("published").dt.strftime("%Y-%m-%d").alias("公布日期"),
    )


def _list_name(district: str, b: int, rounds: bool) -> str:
    return f"{district}_第{b + 1}{'轮' if rounds else '批'}"


def write_scale(scale: Scale, out_dir: str | os.PathLike) -> list[Path]:
    """Write the files of ``scale`` into ``out_dir`` (and ``out_dir/xlsx``); returns the paths, with
    ``scale.json`` (the counts) last."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    units, events = build_model(scale)
    rows = listings(scale, units, events)
    names = units.select("d", "district").unique("d").sort("d")
    written: list[Path] = []
    xlsx_parts: list[tuple[Path, pl.DataFrame]] = []
    roster_parts = units.partition_by("d", as_dict=True, maintain_order=True)
    list_parts = rows.partition_by("d", "b", as_dict=True, maintain_order=True)
    for d, district in names.iter_rows():
        roster = _roster_frame(roster_parts[(d,)])
        path = out / f"{district}_名册.csv"
        roster.write_csv(path)
        written.append(path)
        if d < scale.xlsx_districts:
            xlsx_parts.append((out / "xlsx" / f"{district}_名册.xlsx", roster))
        for b in range(scale.batches):
            part = list_parts.get((d, b))
            if part is None or part.height == 0:
                continue
            rounds = bool(part.item(0, "counts_rounds"))
            frame = _list_frame(part, rounds)
            path = out / f"{_list_name(district, b, rounds)}.csv"
            frame.write_csv(path)
            written.append(path)
            if d < scale.xlsx_districts:
                xlsx_parts.append((out / "xlsx" / f"{_list_name(district, b, rounds)}.xlsx", frame))
    totals = (
        units.group_by("district", "kind")
        .agg(pl.len().alias("官方总数"))
        .sort("district", "kind")
        .select(
            pl.col("district").alias("区"),
            pl.col("kind").replace_strict(KIND_WORDS).alias("类型"),
            "官方总数",
        )
    )
    path = out / "官方总数.csv"
    totals.write_csv(path)
    written.append(path)
    for path, frame in xlsx_parts:
        path.parent.mkdir(exist_ok=True)
        _write_xlsx(path, frame)
        written.append(path)
    manifest = out / "scale.json"
    manifest.write_text(json.dumps(counts(scale, units, rows), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(manifest)
    return written


def counts(scale: Scale, units: pl.DataFrame, rows: pl.DataFrame) -> dict:
    xlsx_units = units.filter(pl.col("d") < scale.xlsx_districts)
    xlsx_rows = rows.filter(pl.col("d") < scale.xlsx_districts)
    return {
        "scale": scale.name,
        "seed": scale.seed,
        "districts": units.get_column("district").n_unique(),
        "towns": units.select("district", "town").n_unique(),
        "committees": units.select("district", "town", "committee").n_unique(),
        "units": units.height,
        "events": rows.height,
        "events_by_kind": dict(sorted(rows.group_by("event").len().iter_rows())),
        "csv_rows": units.height + rows.height,
        "xlsx_rows": xlsx_units.height + xlsx_rows.height,
    }


def _write_xlsx(path: Path, frame: pl.DataFrame) -> None:
    """One sheet, no styling; a fixed creation date keeps the bytes stable."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    workbook.set_properties({"created": dt.datetime(2022, 5, 23)})
    sheet = workbook.add_worksheet("名单")
    sheet.write_row(0, 0, frame.columns)
    for r, row in enumerate(frame.iter_rows(), start=1):
        sheet.write_row(r, 0, ["" if v is None else v for v in row])
    workbook.close()


# ---------------------------------------------------------------------------------------------------
# straight into a published snapshot


def snapshot_frames(scale: Scale) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(units, events, targets) as the ingest of the files would store them (event ids aside)."""
    units, events = build_model(scale)
    rows = listings(scale, units, events)
    units = units.with_columns(
        unit_id=pl.concat_str(["district", "town", "committee", "name"], separator="/"),
        in_roster=pl.lit(True),
        source_file=pl.col("district") + "_名册.csv",
        source_row=(pl.int_range(pl.len()).over("d") + 2).cast(pl.Int32),
    )
    rows = rows.with_columns(
        unit_id=pl.concat_str(["district", "town", "committee", "name"], separator="/"),
        source_row=(pl.int_range(pl.len()).over("d", "b") + 2).cast(pl.Int32),
        source_file=pl.concat_str(
            [
                pl.col("district"),
                pl.lit("_第"),
                (pl.col("b") + 1).cast(pl.String),
                pl.when(pl.col("counts_rounds")).then(pl.lit("轮.csv")).otherwise(pl.lit("批.csv")),
            ]
        ),
        batch=pl.when(pl.col("event") == "created").then(pl.col("b") + 1).cast(pl.Int32),
    )
    events = rows.sort("published", "d", "b", "unit").select(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int32).alias("event_id"),
        "unit_id",
        "event",
        "batch",
        "counts_rounds",
        "published",
        "source_file",
        "source_row",
    )
    targets = (
        units.group_by("district", "kind")
        .agg(pl.len().cast(pl.Int32).alias("target"))
        .sort("district", "kind")
        .with_columns(batch=pl.lit(None, pl.Int32), target_date=pl.lit(None, pl.Date), source=pl.lit(None, pl.String))
    )
    units = units.select(
        "unit_id",
        "district",
        "town",
        "committee",
        "name",
        "kind",
        "households",
        "population",
        "in_roster",
        "source_file",
        "source_row",
    )
    return units, events, targets


def build_database(scale: Scale, db: str | os.PathLike, who: str = "build-scale") -> dict:
    """Publish a snapshot holding ``scale``'s units, events and totals, without writing any file.

    Replaces whatever ``db`` held (through the same atomic publish as an ingest, so a running dashboard
    switches to it on its next query). Returns the counts."""
    from campaign import store

    db = Path(db)
    units, events, targets = snapshot_frames(scale)

    def fill(con) -> None:
        for table in ("units", "events", "targets", "files", "ingests", "grids", "services"):
            con.execute(f"delete from {table}")
        con.register("new_units", units)
        con.execute("insert into units by name select * from new_units")
        con.register("new_events", events)
        con.execute("insert into events by name select * from new_events")
        con.register("new_targets", targets)
        con.execute(
            "insert into targets by name select district, kind, batch, target, target_date, source from new_targets"
        )
        con.execute(
            "insert into ingests values (1, current_localtimestamp(), $who, 0, $rows, 'loaded')",
            {"who": who, "rows": units.height + events.height},
        )
        for name in ("new_units", "new_events", "new_targets"):
            con.unregister(name)

    with store.writer_lock(db):
        store.publish(db, fill, base=db.with_name(db.name + ".none"))
    return {"scale": scale.name, "units": units.height, "events": events.height, "targets": targets.height}
