"""Seeded generator of status files at scale: a city (all of Shanghai) or a whole country.

The bundled sample (``campaign.generate.sample``) is two districts and ~3,000 units. To measure the dashboard
where it has to stay fast, this module writes the same kinds of files at any size, in the formats towns
send: one roster (名册) per district and one list (名单) per district and batch or round, UTF-8 CSV, plus
an official-totals file; and the same files of the first few districts again as XLSX in ``xlsx/``, for
the XLSX ingest measurement (a duplicate: ingest the top folder *or* ``xlsx/``, not both).

Every unit is applied for (申报) before its first creation, mostly; created in one batch; some are
revoked (取消) and created again in later batches, several times; some become models (示范). Each unit
has at most one event per list, so no list names a unit twice. Output is byte-for-byte reproducible for
a given scale and seed: NumPy's seeded generator, Polars writers, sorted frames, no clock.

Memory is bounded at any scale: the model is numbers only (``build_model``: arrays of one entry per
unit and event, small at national scale too); names are made once per place and gathered for one
district's files at a time (``write_scale``) or a million snapshot rows at a time (``build_database``,
which commits each chunk into the snapshot being built), so neither holds 20M rows of strings.

    from campaign.generate.scale import SCALES, write_scale, build_database
    write_scale(SCALES["city"], "/tmp/city")             # files
    build_database(SCALES["city"], "/tmp/city.duckdb")   # straight into a published snapshot

Sizes: ``city`` 16 districts, ~215 towns, 40,000 units, ~200,000 events; ``national`` 300 districts,
40,000 towns, 5,000,000 units, ~20,000,000 events. ``seed`` is the bundled sample (campaign.generate.sample).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from campaign.definition import definition
from campaign.intake.existing import UNIT_SCHEMA

SEED = 2022
FIRST_DAY = dt.date(2022, 4, 1)
DAYS_BETWEEN_BATCHES = 4

# syllables for place names: pairs give 1,600 distinct names per level
SYLLABLES = tuple("安宝北滨长城春大东枫高古广海和红华嘉江金康兰临龙明南平浦青庆瑞山泰天文西新星阳永")
COMPOUND_SUFFIXES = ("苑", "小区", "花园", "新村", "公寓", "家园", "大厦", "里")
# each kind and status written as its first word in the campaign's definition; a creation as a blank status
KIND_WORDS = {k.key: k.words[0] for k in definition().kinds}
STATUS_WORDS = {s.key: None if s.done else s.words[0] for s in definition().statuses}


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
# the model, in numbers

EVENTS = ("applied", "created", "revoked", "model")  # an event's code is its index here
APPLIED, CREATED, REVOKED, MODEL = range(len(EVENTS))
KINDS = ("compound", "village_group", "village", "community")  # a committee kind's code is its index here
CHUNK_ROWS = 1_000_000  # rows named and inserted at a time by build_database


@dataclass(frozen=True)
class Model:
    """A campaign as numbers, before any name: a few arrays of one entry per unit, event, committee or town
    (small at national scale too). Units are numbered in district order, so district ``d``'s units are
    ``unit_start[d]:unit_start[d + 1]``; events are sorted by unit, then batch, so its events are
    ``event_start[d]:event_start[d + 1]``. Names are made once per place (``names``) and gathered for a
    district or a chunk of rows at a time (``unit_frame``)."""

    scale: Scale
    town_district: np.ndarray  # per town: its district,
    town_index: np.ndarray  # and its index within the district
    committee_town: np.ndarray  # per committee: its town,
    committee_index: np.ndarray  # its index within the town,
    committee_kind: np.ndarray  # and its kind (KINDS)
    d: np.ndarray  # per unit: its district,
    committee: np.ndarray  # its committee,
    j: np.ndarray  # its index within the committee,
    households: np.ndarray
    population: np.ndarray
    unit_start: np.ndarray  # districts + 1 offsets
    ev_unit: np.ndarray  # per event: its unit,
    ev_b: np.ndarray  # its batch index (0-based),
    ev_code: np.ndarray  # and what happened (EVENTS)
    event_start: np.ndarray  # districts + 1 offsets
    day_offset: np.ndarray  # per district: days from FIRST_DAY to its first batch

    @property
    def units(self) -> int:
        return len(self.d)

    @property
    def events(self) -> int:
        return len(self.ev_unit)

    @functools.cached_property
    def names(self) -> Names:
        return _names(self)


def _spread(rng: np.random.Generator, items: int, bins: int) -> np.ndarray:
    """How many of ``items`` fall in each of ``bins`` (each at least one), uneven like real places."""
    if bins > items:
        raise ValueError(f"cannot spread {items} over {bins} (each needs one)")
    weights = rng.gamma(2.0, 1.0, size=bins)
    return 1 + rng.multinomial(items - bins, weights / weights.sum())


def _within(counts: np.ndarray) -> np.ndarray:
    """Each item's index within its group, for groups of ``counts`` items: 0, 1, .., counts[0] - 1, 0, 1, .."""
    counts = np.asarray(counts, dtype=np.int64)
    starts = np.cumsum(counts) - counts
    return np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts, counts)


def build_model(scale: Scale) -> Model:
    """The numbers of a scale: units as in a roster, events as in the lists, before any name or file."""
    rng = np.random.default_rng(scale.seed)

    # districts -> towns -> committees -> units
    towns_per_district = _spread(rng, scale.towns, scale.districts)
    committees = max(scale.towns, round(scale.units / 7))
    village_level = round(committees * 0.1)
    multi = committees - village_level
    committees_per_town = _spread(rng, committees, scale.towns)
    town_district = np.repeat(np.arange(scale.districts, dtype=np.int32), towns_per_district)
    town_index = _within(towns_per_district).astype(np.int32)  # index within the district
    # committee kinds: 0 residents' committee (compounds), 1 village (groups), 2 village as a unit,
    # 3 community as a unit
    kinds = np.concatenate(
        [rng.choice([0, 1], size=multi, p=[0.6, 0.4]), rng.choice([2, 3], size=village_level, p=[0.7, 0.3])]
    )
    kinds = kinds[rng.permutation(committees)].astype(np.int8)
    units_per_committee = np.ones(committees, dtype=np.int64)
    is_multi = kinds <= 1
    units_per_committee[is_multi] = _spread(rng, scale.units - village_level, int(is_multi.sum()))
    committee_town = np.repeat(np.arange(scale.towns, dtype=np.int32), committees_per_town)
    committee_index = _within(committees_per_town).astype(np.int32)

    unit_committee = np.repeat(np.arange(committees, dtype=np.int32), units_per_committee)
    units = len(unit_committee)
    d = town_district[committee_town[unit_committee]]
    j = _within(units_per_committee).astype(np.int32)
    households = pl.Series(rng.integers(30, 2500, size=units), dtype=pl.Int32)
    population = (households * pl.Series(rng.uniform(1.9, 2.8, size=units))).round().cast(pl.Int32)
    unit_start = np.searchsorted(d, np.arange(scale.districts + 1))

    ev_unit, ev_b, ev_code, per_unit = _events(rng, scale, units)
    event_start = np.concatenate([[0], np.cumsum(per_unit)])[unit_start]
    day_offset = np.random.default_rng(scale.seed + 1).integers(0, 10, size=scale.districts)
    return Model(
        scale,
        town_district,
        town_index,
        committee_town,
        committee_index,
        kinds,
        d,
        unit_committee,
        j,
        households.to_numpy(),
        population.to_numpy(),
        unit_start,
        ev_unit,
        ev_b,
        ev_code,
        event_start,
        day_offset,
    )


def _events(rng: np.random.Generator, scale: Scale, units: int) -> tuple[np.ndarray, ...]:
    """(unit, batch index, event code, events per unit): each unit's events in distinct, increasing batches."""
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
    created_at = (lowest + np.floor(draw * (highest - lowest + 1)).astype(int)).astype(np.int16)
    del draw, span, room, lowest, highest
    # a unit's events, in batch order: applied (the batch before its creation), created, then revoked and
    # created again per cycle, then model; a unit never created has only its application
    created = ~never
    cycles = (cycles * created).astype(np.int16)
    per_unit = applied.astype(np.int64) + created * (1 + 2 * cycles.astype(np.int64) + model)
    ev_unit = np.repeat(np.arange(units, dtype=np.int32), per_unit)
    step = (_within(per_unit) - applied[ev_unit]).astype(np.int16)  # batches after the creation
    ev_b = created_at[ev_unit] + step
    code = np.where(step % 2 == 1, REVOKED, CREATED).astype(np.int8)
    code[step > 2 * cycles[ev_unit]] = MODEL
    code[step < 0] = APPLIED
    return ev_unit, ev_b, code, per_unit


# ---------------------------------------------------------------------------------------------------
# names, a chunk at a time


def _syl(index: pl.Expr) -> pl.Expr:
    return pl.lit(pl.Series(SYLLABLES)).gather(index)


def _pair(col: str, salt: pl.Expr | int) -> pl.Expr:
    """Two syllables: distinct for indexes below n * n (any salt shared by the group); a number follows."""
    n = len(SYLLABLES)
    i = pl.col(col) + salt
    return pl.concat_str([_syl(i % n), _syl((i * 7 + i // n + 3) % n)])


def _number(col: str) -> pl.Expr:
    n = len(SYLLABLES)
    return pl.when(pl.col(col) >= n * n).then(pl.col(col).cast(pl.String)).otherwise(pl.lit(""))


@dataclass(frozen=True)
class Names:
    """Every place's name, once: per district, town and committee; a unit's name by its index within the
    committee (compounds, village groups) or its committee's (villages and communities as units)."""

    district: pl.Series
    town: pl.Series
    committee: pl.Series
    prefix: pl.Series  # per committee: "district/town/committee/", a unit_id without the unit's name
    compound: pl.Series  # per index within the committee
    group: pl.Series


def _names(model: Model) -> Names:
    districts = pl.DataFrame({"d": np.arange(model.scale.districts, dtype=np.int64)}).select(
        pl.concat_str([_pair("d", 0), _number("d"), pl.lit("区")])
    )
    towns = pl.DataFrame({"d": model.town_district.astype(np.int64), "t": model.town_index.astype(np.int64)}).select(
        pl.concat_str(
            [
                _pair("t", 7 + pl.col("d") * 37),
                _number("t"),
                pl.when(pl.col("t") % 3 == 0).then(pl.lit("街道")).otherwise(pl.lit("镇")),
            ]
        )
    )
    town = model.committee_town
    committees = pl.DataFrame(
        {
            "d": model.town_district[town].astype(np.int64),
            "t": model.town_index[town].astype(np.int64),
            "c": model.committee_index.astype(np.int64),
            "ck": model.committee_kind.astype(np.int64),
        }
    ).select(
        pl.concat_str(
            [
                _pair("c", 13 + pl.col("t") * 11 + pl.col("d") * 5),
                _number("c"),
                pl.when(pl.col("ck") == 0)
                .then(pl.lit("居委会"))
                .when(pl.col("ck") == 3)
                .then(pl.lit("社区"))
                .otherwise(pl.lit("村")),
            ]
        )
    )
    district, town_name, committee = districts.to_series(), towns.to_series(), committees.to_series()
    prefix = pl.select(
        pl.concat_str(
            [district.gather(model.town_district[town]), town_name.gather(town), committee, pl.lit("")],
            separator="/",
        )
    ).to_series()
    indexes = pl.DataFrame({"j": np.arange(int(model.j.max(initial=0)) + 1, dtype=np.int64)})
    compound = indexes.select(
        pl.concat_str(
            [
                _pair("j", 29),
                _number("j"),
                pl.lit(pl.Series(COMPOUND_SUFFIXES)).gather(pl.col("j") % len(COMPOUND_SUFFIXES)),
            ]
        )
    ).to_series()
    group = indexes.select(pl.concat_str([(pl.col("j") + 1).cast(pl.String), pl.lit("组")])).to_series()
    return Names(district, town_name, committee, prefix, compound, group)


def unit_frame(model: Model, units: np.ndarray, *, unit_id: bool = False) -> pl.DataFrame:
    """The given units, named: unit, d, district, town, committee, name, kind, households, population,
    and with ``unit_id`` their unit_id (district/town/committee/name)."""
    names = model.names
    committee = model.committee[units]
    town = model.committee_town[committee]
    d = model.town_district[town]
    kind = model.committee_kind[committee]
    j = model.j[units]
    frame = pl.DataFrame(
        {
            "unit": units.astype(np.int64),
            "d": d.astype(np.int64),
            "district": names.district.gather(d),
            "town": names.town.gather(town),
            "committee": names.committee.gather(committee),
            "name": pl.select(
                pl.when(pl.lit(pl.Series(kind)) == 0)
                .then(pl.lit(names.compound.gather(j)))
                .when(pl.lit(pl.Series(kind)) == 1)
                .then(pl.lit(names.group.gather(j)))
                .otherwise(pl.lit(names.committee.gather(committee)))
            ).to_series(),
            "kind": pl.Series(KINDS).gather(kind),
            "households": pl.Series(model.households[units], dtype=pl.Int32),
            "population": pl.Series(model.population[units], dtype=pl.Int32),
        }
    )
    if unit_id:
        frame = frame.with_columns(unit_id=pl.lit(names.prefix.gather(committee)) + pl.col("name"))
    return frame


def district_names(model: Model) -> list[str]:
    return model.names.district.to_list()


def targets(model: Model) -> pl.DataFrame:
    """district, kind, target: the official totals, the units of each district and kind."""
    kinds = len(KINDS)
    count = np.bincount(
        model.d.astype(np.int64) * kinds + model.committee_kind[model.committee],
        minlength=model.scale.districts * kinds,
    )
    names = district_names(model)
    frame = pl.DataFrame(
        {
            "district": [names[i // kinds] for i in range(len(count))],
            "kind": [KINDS[i % kinds] for i in range(len(count))],
            "target": pl.Series(count, dtype=pl.Int32),
        }
    )
    return frame.filter(pl.col("target") > 0).sort("district", "kind")


# ---------------------------------------------------------------------------------------------------
# files, district by district


ROSTER_HEADER = ["区", "街镇", "居委/村", "名称", "类型", "户数", "人口"]


def _unit_columns() -> list[pl.Expr]:
    """A unit's place, name and kind under the header words of the files towns send."""
    return [
        pl.col("district").alias("区"),
        pl.col("town").alias("街镇"),
        pl.col("committee").alias("居委/村"),
        pl.col("name").alias("名称"),
        pl.col("kind").replace_strict(KIND_WORDS).alias("类型"),
    ]


def _roster_frame(units: pl.DataFrame) -> pl.DataFrame:
    return units.select(
        *_unit_columns(),
        pl.col("households").alias("户数"),
        pl.col("population").alias("人口"),
    )


def _list_frame(rows: pl.DataFrame, rounds: bool) -> pl.DataFrame:
    return rows.select(
        *_unit_columns(),
        pl.when(pl.col("event") == "created").then(pl.col("b") + 1).alias("轮次" if rounds else "批次"),
        pl.col("event").replace_strict(STATUS_WORDS, return_dtype=pl.String).alias("状态"),
        pl.col("published").dt.strftime("%Y-%m-%d").alias("公布日期"),
    )


def _list_name(district: str, b: int, rounds: bool) -> str:
    return f"{district}_第{b + 1}{'轮' if rounds else '批'}"


def _published(model: Model, d: int, b: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=int(model.day_offset[d]) + DAYS_BETWEEN_BATCHES * b)


def _event_names() -> pl.Expr:
    return pl.lit(pl.Series(EVENTS)).gather(pl.col("code"))


def write_scale(scale: Scale, out_dir: str | os.PathLike) -> list[Path]:
    """Write the files of ``scale`` into ``out_dir`` (and ``out_dir/xlsx``); returns the paths, with
    ``scale.json`` (the counts) last. One district's names and rows are in memory at a time."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = build_model(scale)
    written: list[Path] = []
    xlsx_written: list[Path] = []
    towns = committees = 0

    def xlsx(path: Path, frame: pl.DataFrame) -> None:
        path.parent.mkdir(exist_ok=True)
        _write_xlsx(path, frame)
        xlsx_written.append(path)

    for d in range(scale.districts):
        lo, hi = int(model.unit_start[d]), int(model.unit_start[d + 1])
        units = unit_frame(model, np.arange(lo, hi))
        district = units.item(0, "district")
        towns += units.get_column("town").n_unique()
        committees += units.select("town", "committee").n_unique()
        roster = _roster_frame(units)
        path = out / f"{district}_名册.csv"
        roster.write_csv(path)
        written.append(path)
        if d < scale.xlsx_districts:
            xlsx(out / "xlsx" / f"{district}_名册.xlsx", roster)
        del roster
        # the district's events by batch, each batch's in unit order (a stable sort of events in unit order)
        e0, e1 = int(model.event_start[d]), int(model.event_start[d + 1])
        order = np.argsort(model.ev_b[e0:e1], kind="stable")
        rows = (
            units.select("district", "town", "committee", "name", "kind")[model.ev_unit[e0:e1][order] - lo]
            .with_columns(
                pl.Series("b", model.ev_b[e0:e1][order], dtype=pl.Int32),
                pl.Series("code", model.ev_code[e0:e1][order], dtype=pl.Int64),
            )
            .with_columns(event=_event_names())
        )
        rounds = d % 4 == 3
        for (b,), part in rows.partition_by("b", as_dict=True, maintain_order=True).items():
            frame = _list_frame(part.with_columns(published=pl.lit(_published(model, d, b))), rounds)
            path = out / f"{_list_name(district, b, rounds)}.csv"
            frame.write_csv(path)
            written.append(path)
            if d < scale.xlsx_districts:
                xlsx(out / "xlsx" / f"{_list_name(district, b, rounds)}.xlsx", frame)
        del units, rows
    totals = targets(model).select(
        pl.col("district").alias("区"),
        pl.col("kind").replace_strict(KIND_WORDS).alias("类型"),
        pl.col("target").alias("官方总数"),
    )
    path = out / "官方总数.csv"
    totals.write_csv(path)
    written.append(path)
    written += xlsx_written
    manifest = out / "scale.json"
    manifest.write_text(
        json.dumps(counts(model, towns, committees), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    written.append(manifest)
    return written


def counts(model: Model, towns: int, committees: int) -> dict:
    """What scale.json says; ``towns`` and ``committees`` are the distinct names written."""
    scale = model.scale
    by_kind = np.bincount(model.ev_code, minlength=len(EVENTS))
    x = min(scale.xlsx_districts, scale.districts)
    return {
        "scale": scale.name,
        "seed": scale.seed,
        "districts": len(set(district_names(model))),
        "towns": towns,
        "committees": committees,
        "units": model.units,
        "events": model.events,
        "events_by_kind": dict(sorted((EVENTS[k], int(v)) for k, v in enumerate(by_kind) if v)),
        "csv_rows": model.units + model.events,
        "xlsx_rows": int(model.unit_start[x] + model.event_start[x]),
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
# straight into a published snapshot, a chunk at a time


EPOCH_DAY = (FIRST_DAY - dt.date(1970, 1, 1)).days


def snapshot_units(model: Model, chunk_rows: int = CHUNK_ROWS) -> Iterator[pl.DataFrame]:
    """The units table as the ingest of the files would store it, ``chunk_rows`` rows at a time."""
    for lo in range(0, model.units, chunk_rows):
        units = np.arange(lo, min(lo + chunk_rows, model.units))
        yield (
            unit_frame(model, units, unit_id=True)
            .with_columns(
                in_roster=True,
                source_file=pl.col("district") + "_名册.csv",
                source_row=pl.Series(units - model.unit_start[model.d[units]] + 2, dtype=pl.Int32),
            )
            .select(list(UNIT_SCHEMA))
            .cast(UNIT_SCHEMA)
        )


def snapshot_events(model: Model, chunk_rows: int = CHUNK_ROWS) -> Iterator[pl.DataFrame]:
    """The events table as the ingest of the files would store it, ``chunk_rows`` rows at a time, in
    event_id order: the lists by publication day, then district, then batch; a list's rows in order."""
    scale = model.scale
    # a group: one district's batch, one list file
    group_d, group_b = np.divmod(np.arange(scale.districts * scale.batches), scale.batches)
    day = model.day_offset[group_d] + DAYS_BETWEEN_BATCHES * group_b
    rounds = group_d % 4 == 3
    rank = np.empty(len(group_d), dtype=np.int32)
    rank[np.lexsort((group_b, group_d, day))] = np.arange(len(group_d), dtype=np.int32)
    files = pl.DataFrame({"district": model.names.district.gather(group_d), "b": group_b, "rounds": rounds}).select(
        pl.concat_str(
            [
                pl.col("district"),
                pl.lit("_第"),
                (pl.col("b") + 1).cast(pl.String),
                pl.when(pl.col("rounds")).then(pl.lit("轮.csv")).otherwise(pl.lit("批.csv")),
            ]
        )
    )
    group = model.d[model.ev_unit].astype(np.int64) * scale.batches + model.ev_b  # each event's list
    order = np.argsort(rank[group], kind="stable")  # events are in unit order: each list's rows stay so
    first = np.zeros(len(rank) + 1, dtype=np.int64)  # each list's first event, lists in event_id order
    first[1:] = np.cumsum(np.bincount(rank[group], minlength=len(rank)))
    del group
    for lo in range(0, model.events, chunk_rows):
        at = order[lo : lo + chunk_rows]
        position = np.arange(lo, lo + len(at))
        group = model.d[model.ev_unit[at]].astype(np.int64) * scale.batches + model.ev_b[at]
        code = model.ev_code[at]
        yield pl.DataFrame(
            {
                "event_id": pl.Series(position + 1, dtype=pl.Int32),
                "unit_id": unit_frame(model, model.ev_unit[at], unit_id=True).get_column("unit_id"),
                "event": pl.Series(EVENTS).gather(code),
                "batch": pl.Series(np.where(code == CREATED, group_b[group] + 1, 0), dtype=pl.Int32),
                "counts_rounds": rounds[group],
                "published": pl.Series(EPOCH_DAY + day[group], dtype=pl.Int32).cast(pl.Date),
                "source_file": files.to_series().gather(group),
                "source_row": pl.Series(position - first[rank[group]] + 2, dtype=pl.Int32),
            }
        ).with_columns(batch=pl.when(pl.col("batch") > 0).then(pl.col("batch")))


def build_database(scale: Scale, db: str | os.PathLike, who: str = "build-scale", chunk_rows: int = CHUNK_ROWS) -> dict:
    """Publish a snapshot holding ``scale``'s units, events and totals, without writing any file.

    Replaces whatever ``db`` held (through the same atomic publish as an ingest, so a running dashboard
    switches to it on its next query). Names and rows are made and inserted ``chunk_rows`` at a time, so
    memory stays bounded at any scale. Returns the counts."""
    from campaign.snapshot import store, write
    from campaign.snapshot.pinyin import fill_missing

    db = Path(db)
    model = build_model(scale)
    totals = targets(model)

    def insert(con, table: str, frame: pl.DataFrame) -> None:
        write.insert(con, table, frame)
        store.commit_so_far(con, begin=True)

    def fill(con) -> None:
        write.clear(con, ("units", "events", "targets", "files", "ingests", "grids", "services", "name_pinyin"))
        for frame in snapshot_units(model, chunk_rows):
            insert(con, "units", frame)
        # made in list order a chunk at a time, stored in unit order as an ingest stores them (store.EVENTS_ORDER)
        with write.staged_events(con) as staged:
            for frame in snapshot_events(model, chunk_rows):
                insert(con, staged, frame)
        store.commit_so_far(con, begin=True)
        insert(con, "targets", totals)
        fill_missing(con)  # as an ingest does, so the find page's pinyin search works
        write.log_ingest(con, 1, who, 0, model.units + model.events, "loaded")

    with store.writer_lock(db):
        store.publish(db, fill, base=db.with_name(db.name + ".none"))
    return {"scale": scale.name, "units": model.units, "events": model.events, "targets": totals.height}
