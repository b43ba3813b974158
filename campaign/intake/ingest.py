"""Ingest a run of status files into a new published snapshot, all or nothing.

Order of work: read every file -> classify each table (roster, status list, targets) -> normalise and
validate -> match status rows to units -> if any problem anywhere, refuse the whole run -> else publish
one new snapshot holding the old data plus the new rows. A file already loaded (same SHA-256) is
skipped, so re-ingesting changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import getpass
import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from campaign.intake import limits, places
from campaign.intake.findings import findings
from campaign.intake.grids import combine as _combine_grids_and_services
from campaign.intake.grids import fill as _fill_grids_and_services
from campaign.intake.grids import parse_grids as _parse_grids
from campaign.intake.grids import parse_services as _parse_services
from campaign.intake.infer import Defaults, Places, fill_from_places, fill_stated, is_roster_shaped
from campaign.intake.normalise import (
    EARLIEST_DATE,
    by_value,
    clean_expr,
    clean_text,
    date_expr,
    kind_word,
    long_names,
    parse_batch,
    parse_count,
    parse_date,
    parse_kind,
    parse_status,
    parse_whole,
    require,
    status_word,
    whole_flag,
    whole_word,
    word_map,
)
from campaign.intake.problems import IngestRefused, Problem
from campaign.intake.reader import Table, read_tables
from campaign.intake.vocabulary import IMPLIES, batch_number
from campaign.snapshot import store
from campaign.snapshot.pinyin import fill_missing as fill_missing_pinyin

PLACE_COLS = ("district", "town", "committee", "name")
UNIT_LEVEL_KINDS = ("village", "community")  # the unit is its own village or committee


@dataclass
class FileReport:
    name: str
    role: str  # roster | status | targets | grids | services | skipped
    rows: int
    note: str = ""


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    units_added: int = 0
    units_updated: int = 0
    by_district: list[dict] = field(default_factory=list)  # district, units_added, created, revoked, ...
    events_added: int = 0
    targets_loaded: int = 0
    grids_loaded: int = 0  # grids of the grid rosters in this run (each replaces its committee's grids)
    services_loaded: int = 0  # rows of the services logs in this run
    marks_added: int = 0  # list rows kept for the quality checks: cumulative lists' rows and 整建制 marks
    already_created: int = 0  # rows of cumulative lists adding no creation: unit created already, or revoked that day
    implied: int = 0  # events a status implied (示范 with no creation on record: created as of the model day)
    # what the data-quality page will flag once published (campaign.intake.findings): said, not refused
    warnings: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.units_added
            or self.units_updated
            or self.events_added
            or self.targets_loaded
            or self.grids_loaded
            or self.services_loaded
            or self.marks_added
        )

    def summary(self) -> str:
        lines = [f"  {f.name}: {f.role}, {f.rows} 行 (rows){' — ' + f.note if f.note else ''}" for f in self.files]
        lines.append(
            f"新增单位 {self.units_added}，更新单位 {self.units_updated}，新增状态记录 {self.events_added}，"
            f"官方总数 {self.targets_loaded} (units added {self.units_added}, updated {self.units_updated}, "
            f"events added {self.events_added}, targets {self.targets_loaded})"
        )
        if self.marks_added or self.already_created:
            lines.append(
                f"累计名单及整建制标记 {self.marks_added} 行；累计名单中已创建、未重复记录 {self.already_created} 个 "
                f"(cumulative-list rows and whole marks {self.marks_added}; cumulative rows adding no creation "
                f"{self.already_created})"
            )
        if self.implied:
            lines.append(
                f"示范单位此前无创建记录 {self.implied} 个，按示范日计为已创建，见数据质量页 "
                f"({self.implied} model units with no creation on record: counted created as of the model day; "
                "listed on the data-quality page)"
            )
        if self.warnings:
            lines.append(f"请注意 {len(self.warnings)} 处 (to look at before confirming: {len(self.warnings)}):")
            lines += [f"    ! {w}" for w in self.warnings]
        if self.grids_loaded or self.services_loaded:
            lines.append(
                f"网格 {self.grids_loaded}，服务记录 {self.services_loaded} "
                f"(grids {self.grids_loaded}, service rows {self.services_loaded})"
            )
        return "\n".join(lines)


@dataclass
class _Parsed:
    rosters: list[pl.DataFrame] = field(default_factory=list)
    statuses: list[pl.DataFrame] = field(default_factory=list)
    targets: list[pl.DataFrame] = field(default_factory=list)
    grids: list[pl.DataFrame] = field(default_factory=list)
    services: list[pl.DataFrame] = field(default_factory=list)


@dataclass
class _Slot:
    """One table of the run: what it is, and once parsed its rows (or its problems)."""

    file: str
    table: Table
    role: str
    frame: pl.DataFrame | None = None  # the parsed rows; a status list's rows are in the run's _Statuses
    problems: list[Problem] = field(default_factory=list)
    rows: int | None = None  # a status list's row count once parsed


@dataclass
class _Statuses:
    """Every status row of the run in one frame: _t (the table), _row, places, status, batch, published, kind,
    whole, counts_rounds, cumulative, _name_header, source_file; ``keys`` are the place columns each table has."""

    frame: pl.DataFrame
    keys: dict[int, list[str]]
    files: dict[int, str]


# how far a run has come: step ("read", "check", "match", "publish"), files read, files in the run, rows read
Progress = Callable[[str, int, int, int], None]


def ingest(
    paths: list[Path],
    db: Path | None = None,
    *,
    who: str | None = None,
    names: list[str] | None = None,
    today: dt.date | None = None,
    defaults: Defaults | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Load ``paths`` (shown to users as ``names``) into ``db``; raise IngestRefused, loading nothing.

    With ``dry_run`` nothing is published: the report says what would change (the upload preview).
    Every run that is not a dry run, loaded or refused, is appended to the ingest log beside the database.
    """
    db = Path(db) if db else store.default_db()
    today = today or dt.date.today()
    names = names or [Path(p).name for p in paths]
    who = who or current_user()
    digests: dict[int, str] = {}  # the checksums of the files ingest read, by position: the log's too
    try:
        try:
            report = _ingest(paths, db, who, names, today, defaults or Defaults(), dry_run, digests, progress)
        except (OSError, duckdb.Error) as error:
            full = limits.disk_full(error, db)  # the partial snapshot is gone; say so, not a traceback
            if full is None:
                raise
            raise full from error
    except IngestRefused as refused:
        if not dry_run:
            outcome = "failed" if isinstance(refused.__cause__, OSError | duckdb.Error) else "refused"
            _log(db, who, paths, names, outcome, problems=[str(p) for p in refused.problems], digests=digests)
        raise
    if not dry_run:
        _log(db, who, paths, names, "loaded" if report.changed else "unchanged", report=report, digests=digests)
    return report


# a run whose files hold more than this many bytes is read, checked and matched a group of districts at a time
# (all into the one snapshot it publishes): its memory then follows the largest group, not the whole run. A
# country's first load held at once would need several times the 4 GB target (BENCHMARKS.md, "Memory")
CHUNK_BYTES = 64 * 2**20

_Item = tuple[int, Path, str]  # a file of the run: its position, its path, its name as shown to the user


@dataclass
class _Load:
    """What reading, checking and matching some files of a run gives: the rows to publish, the report's part."""

    report: IngestReport = field(default_factory=IngestReport)
    files: list[tuple[int, FileReport]] = field(default_factory=list)  # by the file's position in the run
    loaded: list[tuple[int, tuple[str, str, str, int]]] = field(default_factory=list)  # name, sha256, role, rows
    districts: list[str] = field(default_factory=list)
    units: pl.DataFrame | None = None
    events: pl.DataFrame | None = None
    remap: pl.DataFrame | None = None
    targets: pl.DataFrame | None = None
    grids: pl.DataFrame | None = None
    services: pl.DataFrame | None = None
    list_rows: pl.DataFrame | None = None


def _ingest(
    paths: list[Path],
    db: Path,
    who: str,
    names: list[str],
    today: dt.date,
    defaults: Defaults,
    dry_run: bool,
    digests: dict[int, str],
    progress: Progress | None = None,
) -> IngestReport:
    with store.writer_lock(db):
        why = store.damage(db) if db.exists() else None
        if why is not None:
            # new files on a file that does not open would be lost with it: the rollback comes first
            raise IngestRefused(
                [
                    Problem(
                        db.name,
                        "已发布的数据快照无法读取，未载入任何文件；"
                        "请先在数据页或用 campaign rollback 回滚到可读的快照，再导入 "
                        "(the published snapshot cannot be read: roll back to a kept snapshot that reads, then ingest)",
                    )
                ]
            )
        existing = _existing(db)
        existing.progress = _Counter(progress, len(paths)) if progress else None
        items = [(i, Path(p), name) for i, (p, name) in enumerate(zip(paths, names, strict=True))]
        if _run_bytes(items) > CHUNK_BYTES:
            return _ingest_in_chunks(items, db, who, today, defaults, dry_run, digests, existing)
        load = _prepare(_read_files(items, existing, defaults, today, digests), db, existing, today)
        report = load.report
        report.files = [f for _, f in load.files]
        if not load.loaded or dry_run:
            return report
        _tell(existing, "publish")

        def fill(con: duckdb.DuckDBPyConnection) -> None:
            _insert(con, load)
            _record(con, [f for _, f in load.loaded], who)

        # only these districts' units and events changed: only their derived tables are recomputed
        store.publish(db, fill, districts=load.districts)
        return report


def _run_bytes(items: list[_Item]) -> int:
    return sum(path.stat().st_size for _, path, _ in items if path.is_file())


def _read_files(
    items: list[_Item],
    existing: _Existing,
    defaults: Defaults,
    today: dt.date,
    digests: dict[int, str],
    *,
    known: bool = True,
) -> list[tuple[int, tuple[str, str, list[Problem], list[_Slot], str] | Problem | FileReport]]:
    """Each file read and its tables parsed, but for status lists and rosters (parsed all at once by
    ``_prepare``). ``known``: a file already loaded, or twice in the run, is skipped (False: the caller has
    skipped those already)."""
    runs: list[tuple[int, tuple[str, str, list[Problem], list[_Slot], str] | Problem | FileReport]] = []
    seen_checksums: dict[str, str] = {}
    read: list[tuple[int, str, str, list[Table], list[Problem]]] = []
    for i, path, name in items:
        if not path.is_file():
            runs.append((i, Problem(name, "文件不存在 (no such file)")))
            _tell(existing, "read", files=1)
            continue
        too_much = limits.check(path, name)  # before the file is read whole, let alone parsed
        if too_much is not None:
            runs.append((i, too_much))
            _tell(existing, "read", files=1)
            continue
        data = path.read_bytes()
        digest = digests.get(i) if not known else None
        digest = digests[i] = digest or hashlib.sha256(data).hexdigest()
        if known and (digest in existing.checksums or digest in seen_checksums):
            runs.append((i, FileReport(name, "skipped", 0, _ALREADY_LOADED)))
            _tell(existing, "read", files=1)
            continue
        seen_checksums[digest] = name
        tables, file_problems = read_tables(path, name, data=data)
        del data
        _tell(existing, "read", files=1, rows=sum(t.frame.height for t in tables))
        # what each table's file says of it besides its columns: title, file name, sheet name, import options
        read.append((i, name, digest, [fill_stated(table, defaults) for table in tables], file_problems))
    # then what the rosters say (the snapshot's, and this run's tables that name their district)
    places = Places.of(existing.db, [t for *_, tables, _ in read for t in tables])
    # rosters first: the kind a roster's header gives is its district's, for the run's lists
    filled: dict[tuple[int, int], Table] = {}
    for rosters_first in (True, False):
        for f, (*_, tables, _) in enumerate(read):
            for k, table in enumerate(tables):
                roster = is_roster_shaped(table)
                if roster == rosters_first:
                    filled[f, k] = fill_from_places(table, defaults, places, roster=roster)
                    if roster:
                        places.add(filled[f, k])
    for f, (i, name, digest, tables, file_problems) in enumerate(read):
        slots = []
        for k in range(len(tables)):
            table = filled[f, k]
            file_problems += long_names(table)
            role = _role(table)
            slot = _Slot(name, table, role)
            if role not in ("status", "roster"):
                _, slot.frame, slot.problems = _parse_table(table, today)
            slots.append(slot)
        extra = list(dict.fromkeys(c for t in tables for c in t.extra if not c.startswith("column_")))
        notes = list(dict.fromkeys(hint for slot in slots for hint in slot.table.inferred))
        if any(slot.table.cumulative and slot.role == "status" for slot in slots):
            notes.append("累计名单：已创建的单位不重复记录 (cumulative list: units already created get no new event)")
        if extra:
            notes.append(f"未使用的列 (columns not used): {'、'.join(extra)}")
        if skipped := [row for t in tables for row in t.skipped]:
            notes.append(f"合计行与表下说明未作数据 (totals rows and notes, not data): {'、'.join(skipped)}")
        runs.append((i, (name, digest, file_problems, slots, "；".join(notes))))
    runs.sort(key=lambda run: run[0])
    return runs


_ALREADY_LOADED = "已导入过，未改变任何数据 (already loaded)"


@dataclass
class _Counter:
    """A run's progress as it goes: files read and rows, told at every step."""

    tell: Progress
    total: int
    files: int = 0
    rows: int = 0


def _tell(existing: _Existing, step: str, *, files: int = 0, rows: int = 0) -> None:
    counter = existing.progress
    if counter is None:
        return
    counter.files += files
    counter.rows += rows
    counter.tell(step, counter.files, counter.total, counter.rows)


def _prepare(runs: list, db: Path, existing: _Existing, today: dt.date) -> _Load:
    """The files read by ``_read_files``, checked and matched against the published units of their districts;
    raises IngestRefused with every problem found, before anything is published."""
    load = _Load()
    report = load.report
    parsed = _Parsed()
    problems: list[Problem] = []
    # status lists and rosters of every file are parsed at once (see _parse_statuses); their problems and rows
    # are then gathered per table
    all_slots = [slot for _, run in runs if isinstance(run, tuple) for slot in run[3]]
    _tell(existing, "check")
    statuses = _parse_statuses(all_slots, today)
    rosters = _parse_rosters(all_slots)
    if rosters is not None:
        parsed.rosters.append(rosters)
    roles = {"roster": "rosters", "targets": "targets", "grids": "grids", "services": "services"}
    for i, run in runs:
        if isinstance(run, Problem):
            problems.append(run)
            continue
        if isinstance(run, FileReport):
            load.files.append((i, run))
            continue
        name, digest, file_problems, slots, note = run
        problems += file_problems
        rows = 0
        role = ""
        for slot in slots:
            role = slot.role
            problems += slot.problems
            if role == "status" and "kind" in slot.table.unresolved:
                # said beside the table's other problems (the rows are read all the same)
                problems.append(Problem(slot.table.label, slot.table.unresolved["kind"]))
            if slot.frame is not None:
                rows += slot.frame.height
                if role not in ("status", "roster"):
                    getattr(parsed, roles[role]).append(slot.frame.with_columns(pl.lit(name).alias("source_file")))
            elif slot.rows is not None:
                rows += slot.rows
        if slots:
            load.loaded.append((i, (name, digest, role, rows)))
            load.files.append((i, FileReport(name, role, rows, note)))
    if problems:
        raise IngestRefused(problems)

    # only the districts the run names can change: the snapshot's other units and events are left alone
    named = [frame.get_column("district") for frame in parsed.rosters]
    named += [statuses.frame.get_column("district")] if statuses is not None else []
    districts = pl.concat(named).drop_nulls().unique().sort().to_list() if named else []
    _load_districts(db, existing, districts)
    before = _figures(existing.units, existing.events)
    units, units_added, units_updated, remap, problems = _merge_rosters(existing.units, parsed.rosters)
    if problems:
        raise IngestRefused(problems)
    if remap.height:
        existing.events, existing.list_rows = (
            frame.join(remap, left_on="unit_id", right_on="old", how="left").select(
                pl.coalesce("new", "unit_id").alias("unit_id"), pl.exclude("unit_id", "new")
            )
            for frame in (existing.events, existing.list_rows)
        )
    parsed.rosters.clear()
    _tell(existing, "match")
    place_warnings: list[Problem] = []
    if statuses is not None:  # 川沙新镇人民政府 in a list, 川沙新镇 in the roster: the roster's, and a warning
        statuses.frame, place_warnings = places.align(statuses.frame, units, statuses.files)
    matched = _match_statuses(units, existing, statuses)
    statuses = None
    if matched.problems:
        raise IngestRefused(matched.problems)
    events, units, list_rows = matched.events, matched.units, matched.list_rows
    report.units_added = units_added + matched.units_added
    report.units_updated = units_updated
    report.events_added = events.height
    report.marks_added = list_rows.height
    report.already_created = matched.already_created
    report.implied = matched.implied
    targets = pl.concat(parsed.targets) if parsed.targets else None
    report.targets_loaded = targets.height if targets is not None else 0
    history = pl.concat([existing.events, events.select(existing.events.columns)], how="vertical_relaxed")
    after = _figures(units, history)
    report.by_district = _changes_by_district(before, after, events)
    report.warnings = place_warnings + findings(units, existing.events, events, list_rows)
    grids, services, problems = _combine_grids_and_services(parsed.grids, parsed.services)
    if problems:
        raise IngestRefused(problems)
    report.grids_loaded = grids.height if grids is not None else 0
    report.services_loaded = services.height if services is not None else 0
    load.districts, load.units, load.remap, load.targets = districts, units, remap, targets
    load.events, load.list_rows = events.drop("district", strict=False), list_rows
    load.grids, load.services = grids, services
    return load


def _ingest_in_chunks(
    items: list[_Item],
    db: Path,
    who: str,
    today: dt.date,
    defaults: Defaults,
    dry_run: bool,
    digests: dict[int, str],
    existing: _Existing,
) -> IngestReport:
    """A large run, a group of districts at a time, into one snapshot: all or nothing as any run.

    Every file is read once first to learn its districts (``_plan``); the files are then read again a group at
    a time, each group checked and matched as a run of its own would be and its rows added to the snapshot
    being built, then dropped. A problem in any group refuses the whole run (the later groups are still read,
    for their problems) and the snapshot being built is thrown away."""
    chunks, skipped, districts = _plan(items, existing, defaults, digests)
    report = IngestReport()
    files: list[tuple[int, FileReport]] = list(skipped)
    loaded: list[tuple[int, tuple[str, str, str, int]]] = []
    problems: list[Problem] = []

    def prepared(chunk: list[_Item]) -> _Load | IngestRefused:
        try:
            load = _prepare(_read_files(chunk, existing, defaults, today, digests, known=False), db, existing, today)
            if not dry_run:
                _tell(existing, "publish")
            return load
        except IngestRefused as refused:
            return refused

    def fill(con: duckdb.DuckDBPyConnection | None) -> None:
        # the next group is read, checked and matched in a second thread while DuckDB inserts this one: both let go
        # of the GIL, so the two overlap on the machine's cores (at most two groups in memory)
        with ThreadPoolExecutor(1) as ahead:
            pending = ahead.submit(prepared, chunks[0])
            for k in range(len(chunks)):
                load = pending.result()
                if isinstance(load, IngestRefused):
                    problems.extend(load.problems)
                elif not problems:
                    # the next group's events are numbered on from this one's: set before it is submitted
                    existing.max_event_id += load.events.height
                if k + 1 < len(chunks):
                    pending = ahead.submit(prepared, chunks[k + 1])
                if isinstance(load, IngestRefused) or problems:
                    continue  # the run is refused: the other groups are read only for their problems
                _add_report(report, load.report)
                files.extend(load.files)
                loaded.extend(load.loaded)
                if con is not None:
                    _insert(con, load)
                    store.commit_so_far(con)
                    # no later group touches these districts: their derived rows now, a group's worth of memory,
                    # not the whole country's at the end (outside a transaction, as the build derives)
                    store.derive_districts(con, load.districts)
                    con.execute("begin transaction")
                del load
        if problems:
            raise IngestRefused(problems)
        if con is not None and loaded:
            _record(con, [f for _, f in sorted(loaded)], who)

    if chunks:
        if dry_run:
            fill(None)
        else:
            store.publish(db, fill, districts=districts)
    report.files = [f for _, f in sorted(files, key=lambda pair: pair[0])]
    report.by_district.sort(key=lambda row: row["district"])
    return report


def _add_report(total: IngestReport, part: IngestReport) -> None:
    for name in (
        "units_added",
        "units_updated",
        "events_added",
        "targets_loaded",
        "grids_loaded",
        "services_loaded",
        "marks_added",
        "already_created",
        "implied",
    ):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.by_district += part.by_district
    total.warnings += part.warnings


def _plan(
    items: list[_Item], existing: _Existing, defaults: Defaults, digests: dict[int, str]
) -> tuple[list[list[_Item]], list[tuple[int, FileReport]], list[str]]:
    """The run's files in groups that share no district, each group up to CHUNK_BYTES (a district's files are
    never split), and last the files that name no district through a roster or list (totals, grids, services,
    files that cannot be read: their problems come when they are read again). Also the files skipped (loaded
    already, or twice in the run) and every district the rosters and lists name."""
    seen: set[str] = set()
    skipped: list[tuple[int, FileReport]] = []
    placed: list[tuple[_Item, set[str], int]] = []
    rest: list[_Item] = []
    for item in items:
        i, path, name = item
        if not path.is_file() or limits.check(path, name) is not None:
            rest.append(item)
            continue
        data = path.read_bytes()
        digest = digests[i] = hashlib.sha256(data).hexdigest()
        if digest in existing.checksums or digest in seen:
            skipped.append((i, FileReport(name, "skipped", 0, _ALREADY_LOADED)))
            continue
        seen.add(digest)
        tables, _ = read_tables(path, name, data=data, only=frozenset({"district"}))
        places: set[str] = set()
        for table in tables:
            table = fill_stated(table, defaults)
            if _role(table) in ("roster", "status") and "district" in table.frame.columns:
                places.update(by_value(table.frame.get_column("district"), clean_expr).drop_nulls().to_list())
        if places:
            placed.append((item, places, len(data)))
        else:
            rest.append(item)
    # files sharing a district are one group (union-find over the districts they name)
    parent = list(range(len(placed)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    owner: dict[str, int] = {}
    for k, (_, places, _) in enumerate(placed):
        for district in places:
            if district in owner:
                parent[root(k)] = root(owner[district])
            else:
                owner[district] = k
    groups: dict[int, list[tuple[_Item, int]]] = {}
    for k, (item, _, size) in enumerate(placed):
        groups.setdefault(root(k), []).append((item, size))
    chunks: list[list[_Item]] = []
    current: list[_Item] = []
    size = 0
    for group in sorted(groups.values(), key=lambda g: g[0][0][0]):
        group_size = sum(s for _, s in group)
        if current and size + group_size > CHUNK_BYTES:
            chunks.append(current)
            current, size = [], 0
        current += [item for item, _ in group]
        size += group_size
    if current:
        chunks.append(current)
    if rest:
        chunks.append(rest)
    return [sorted(chunk) for chunk in chunks], skipped, sorted(owner)


_FIGURES = ("units", "created", "revoked", "model")


def _figures(units: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Per district: its units, and those created, revoked and model after all ``events``, as the pages count them on
    the latest day (derive.sql's unit_spans): a unit's last creation or revocation (by day, then load order) decides
    created or revoked; it is a model when created and listed as a model on or after that day."""
    changes = (
        events.filter(pl.col("event").is_in(["created", "revoked"]))
        .sort("published", "event_id")
        .group_by("unit_id")
        .agg(pl.col("event").last().alias("_last"), pl.col("published").last().alias("_day"))
    )
    models = (
        events.filter(pl.col("event") == "model").group_by("unit_id").agg(pl.col("published").max().alias("_model"))
    )
    created = (pl.col("_last") == "created").fill_null(False)
    return (
        units.select("unit_id", "district")
        .join(changes, on="unit_id", how="left")
        .join(models, on="unit_id", how="left")
        .group_by("district")
        .agg(
            pl.len().alias("units"),
            created.sum().alias("created"),
            (pl.col("_last") == "revoked").fill_null(False).sum().alias("revoked"),
            (created & (pl.col("_model") >= pl.col("_day")).fill_null(False)).sum().alias("model"),
        )
        .with_columns(pl.col(*_FIGURES).cast(pl.Int64))  # a change can be negative
    )


def _changes_by_district(before: pl.DataFrame, after: pl.DataFrame, events: pl.DataFrame) -> list[dict]:
    """Per district the run touches: how its figures change (units, created, revoked, model on the latest day: what
    ``campaign summary`` and the pages will show less what they show now), and its applications (申报) added."""
    applied = (
        events.filter(pl.col("event") == "applied").group_by("district").agg(pl.len().cast(pl.Int64).alias("applied"))
    )
    touched = pl.concat([after.get_column("district"), events.get_column("district")]).unique()
    with_events = events.get_column("district").unique().implode()
    table = (
        pl.DataFrame({"district": touched})
        .join(after, on="district", how="left")
        .join(before, on="district", how="left", suffix="_before")
        .join(applied, on="district", how="left")
        .fill_null(0)
        .select(
            "district",
            (pl.col("units") - pl.col("units_before")).alias("units_added"),
            *[(pl.col(c) - pl.col(f"{c}_before")).alias(c) for c in _FIGURES[1:]],
            pl.col("applied"),
        )
        .filter(pl.any_horizontal(pl.exclude("district") != 0) | pl.col("district").is_in(with_events))
        .sort("district")
    )
    return table.to_dicts()


LOG_NAME = "ingest-log.jsonl"


def _log(
    db: Path,
    who: str,
    paths: list[Path],
    names: list[str],
    outcome: str,
    *,
    report: IngestReport | None = None,
    problems: list[str] | None = None,
    digests: dict[int, str] | None = None,
) -> None:
    """One JSON line per run, loaded or refused, beside the database: the audit trail outlives rollbacks.

    ``digests``: the checksums already worked out, by the file's position (the others are read here)."""
    files = []
    for i, (path, name) in enumerate(zip(paths, names, strict=True)):
        try:
            if not (digest := (digests or {}).get(i)):
                with open(path, "rb") as handle:  # a file refused for its size is not read whole here either
                    digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            digest = None
        files.append({"name": name, "sha256": digest})
    record = {
        "at": dt.datetime.now().isoformat(timespec="seconds"),
        "who": who,
        "database": Path(db).name,
        "outcome": outcome,
        "files": files,
    }
    if report is not None:
        record |= {
            "units_added": report.units_added,
            "units_updated": report.units_updated,
            "events_added": report.events_added,
            "targets_loaded": report.targets_loaded,
            "grids_loaded": report.grids_loaded,
            "services_loaded": report.services_loaded,
            "marks_added": report.marks_added,
        }
    if problems is not None:
        record |= {"problems": len(problems), "first_problems": problems[:20]}
    try:
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        with open(Path(db).with_name(LOG_NAME), "a", encoding="utf-8") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError:
        pass  # a read-only data folder must not turn a good ingest into a failure


def current_user() -> str:
    """Who runs an ingest or rollback, for the record: $CAMPAIGN_USER, else the login name."""
    env = os.environ.get("CAMPAIGN_USER")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


# ---------------------------------------------------------------------------------------------------
# what is already published


@dataclass
class _Existing:
    units: pl.DataFrame
    events: pl.DataFrame  # unit_id, event, batch, published, event_id
    checksums: set[str]
    max_event_id: int
    max_file_id: int
    max_ingest_id: int
    list_rows: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=_LIST_ROW_KEY))
    db: Path | None = None  # the published snapshot, for the places a table's district is read from
    progress: Progress | None = None  # whom to tell how far the run has come


_UNIT_SCHEMA = {
    "unit_id": pl.String,
    "district": pl.String,
    "town": pl.String,
    "committee": pl.String,
    "name": pl.String,
    "kind": pl.String,
    "households": pl.Int32,
    "population": pl.Int32,
    "in_roster": pl.Boolean,
    "source_file": pl.String,
    "source_row": pl.Int32,
}
_LIST_ROW_SCHEMA = {
    "unit_id": pl.String,
    "district": pl.String,
    "published": pl.Date,
    "cumulative": pl.Boolean,
    "whole": pl.Boolean,
    "source_file": pl.String,
    "source_row": pl.Int32,
}
_LIST_ROW_KEY = {k: _LIST_ROW_SCHEMA[k] for k in ("unit_id", "published", "cumulative", "whole")}
_EVENT_SCHEMA = {
    "event_id": pl.Int32,
    "unit_id": pl.String,
    "event": pl.String,
    "batch": pl.Int32,
    "counts_rounds": pl.Boolean,
    "published": pl.Date,
    "source_file": pl.String,
    "source_row": pl.Int32,
}


_EXISTING_EVENT = ("unit_id", "event", "batch", "published", "event_id")


def _existing(db: Path) -> _Existing:
    """What ingest needs of the published snapshot before reading files: checksums and the last ids.

    Its units and events come later, and only for the districts the run names (``_load_districts``)."""
    if not db.exists():
        no_events = pl.DataFrame(schema=_EVENT_SCHEMA).select(*_EXISTING_EVENT)
        return _Existing(pl.DataFrame(schema=_UNIT_SCHEMA), no_events, set(), 0, 0, 0, db=db)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{str(db).replace(chr(39), chr(39) * 2)}' as s (read_only)")
        units = pl.DataFrame(schema=_UNIT_SCHEMA)
        events = pl.DataFrame(schema=_EVENT_SCHEMA).select(*_EXISTING_EVENT)
        checksums = {r[0] for r in con.sql("select sha256 from s.files").fetchall()}
        ((max_event, max_file, max_ingest),) = con.sql(
            "select (select coalesce(max(event_id), 0) from s.events), (select coalesce(max(file_id), 0) "
            "from s.files), (select coalesce(max(ingest_id), 0) from s.ingests)"
        ).fetchall()
    finally:
        con.close()
    return _Existing(units, events, checksums, max_event, max_file, max_ingest, db=db)


def _load_districts(db: Path, existing: _Existing, districts: list[str]) -> None:
    """The published units of ``districts`` and their events: all that a run about them can touch."""
    if not db.exists() or not districts:
        return
    con = duckdb.connect()
    try:
        con.execute(f"attach '{str(db).replace(chr(39), chr(39) * 2)}' as s (read_only)")
        con.register("run_districts", pl.DataFrame({"district": districts}, schema={"district": pl.String}))
        con.execute(
            "create temp table run_units as "
            "select * from s.units where district in (select district from run_districts)"
        )
        units = con.sql("select * from run_units").pl().cast(_UNIT_SCHEMA)
        events = con.sql(
            "select unit_id, event, batch, published, event_id from s.events "
            "where unit_id in (select unit_id from run_units)"
        ).pl()
        # a snapshot from before list_rows existed has none
        has_list_rows = con.sql(
            "select count(*) from duckdb_tables() where database_name = 's' and table_name = 'list_rows'"
        ).fetchall()[0][0]
        if has_list_rows:
            existing.list_rows = (
                con.sql(
                    "select unit_id, published, cumulative, whole from s.list_rows "
                    "where unit_id in (select unit_id from run_units)"
                )
                .pl()
                .cast(_LIST_ROW_KEY)
            )
    finally:
        con.close()
    existing.units, existing.events = units, events


# ---------------------------------------------------------------------------------------------------
# one table -> typed rows


def _role(table: Table) -> str:
    """What a table is, from its headers: "" for one with no data rows."""
    if table.frame.height == 0:
        return ""
    cols = set(table.headers)
    if cols & {"grid", "grid_path"}:
        return "grids"
    if "service_kind" in cols:
        return "services"
    if "target" in cols:
        return "targets"
    if is_roster_shaped(table):
        return "roster"
    # anything else is a list of units: a bare list of names is refused below for what it lacks
    return "status"


def _parse_table(table: Table, today: dt.date) -> tuple[str, pl.DataFrame | None, list[Problem]]:
    role = _role(table)
    if role == "":
        # a header with nothing under it is a truncated or wrongly exported file, not "no news"
        return "", None, [Problem(table.label, "只有表头，没有数据行 (no data rows)")]
    if role == "grids":
        return role, *_parse_grids(table)
    if role == "services":
        return role, *_parse_services(table, today)
    if role == "targets":
        return role, *_parse_targets(table, today)
    if role == "roster":
        return role, *_parse_roster(table)
    return role, *_parse_status_rows(table, today)


def _missing_columns(table: Table, needed: dict[str, str]) -> list[Problem]:
    """A column the table needs and no hint gave: why (``table.unresolved``: the choices), else that it is missing."""
    return [
        Problem(table.label, table.unresolved.get(col) or f"缺少「{label}」列 (missing column: {col})")
        for col, label in needed.items()
        if col not in table.headers
    ]


def _places(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Clean place names; fill blanks left under merged district or town cells from the row above.

    A blank committee is not filled here: under a village-level unit it means "the unit itself",
    under a compound it means "as above" (rosters), and in a status list it matches any committee.
    """
    present = [c for c in PLACE_COLS if c in frame.columns]
    frame = frame.with_columns([clean_text(c) for c in present])
    fill = [c for c in ("district", "town") if c in present]
    if fill and "name" in present:
        frame = frame.with_columns([pl.col(c).forward_fill() for c in fill])
    return frame


# a roster needs its units' places and kind; households and population are welcome, never demanded
_ROSTER_NEEDS = {
    "district": "区",
    "town": "街镇",
    "name": "名称",
    "kind": "类型",
}
_ROSTER_COLS = (*PLACE_COLS, "kind", "households", "population")


def _count_expr(e: pl.Expr) -> pl.Expr:
    """As ``parse_count`` reads a count: '1,234' and Excel's '1234.0' are fine; null where it is none."""
    return e.str.replace_all(",", "").str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)


def _stack(
    slots: list[_Slot], role: str, missing: Callable[[Table], list[Problem]], cols: tuple[str, ...]
) -> tuple[list[_Slot], pl.DataFrame] | None:
    """The tables of ``role`` that have the columns they need, stacked into one frame (``_t``: which of them)
    with every column of ``cols``, cleaned once per distinct value, district and town filled down under
    merged cells. A table lacking a column gets its problems on its slot and stays out."""
    todo: list[_Slot] = []
    for slot in slots:
        if slot.role == role:
            slot.problems = missing(slot.table)
            if not slot.problems:
                todo.append(slot)
    if not todo:
        return None
    parts = [
        slot.table.frame.lazy().select(
            pl.lit(t, pl.Int32).alias("_t"), "_row", *[c for c in cols if c in slot.table.frame.columns]
        )
        for t, slot in enumerate(todo)
    ]
    lf = pl.concat(parts, how="diagonal")
    absent = [c for c in cols if c not in lf.collect_schema().names()]
    frame = lf.with_columns([pl.lit(None, pl.String).alias(c) for c in absent]).collect()
    frame = frame.with_columns([by_value(frame.get_column(c), clean_expr) for c in cols]).with_columns(
        pl.col("district").forward_fill().over("_t"), pl.col("town").forward_fill().over("_t")
    )
    return todo, frame


def _parse_rosters(slots: list[_Slot]) -> pl.DataFrame | None:
    """Parse and check every roster of the run at once, as ``_parse_statuses`` does the status lists.

    Returns what ``_parse_roster`` gives table by table, concatenated, with source_file; a table the
    checks here find anything in is parsed again on its own, for its problems (set on its slot)."""
    stacked = _stack(slots, "roster", lambda table: _missing_columns(table, _ROSTER_NEEDS), _ROSTER_COLS)
    if stacked is None:
        return None
    todo, frame = stacked
    frame = frame.with_columns(
        word_map(frame.get_column("kind"), kind_word, pl.String).alias("_kind"),
        by_value(frame.get_column("households"), _count_expr).alias("_households"),
        by_value(frame.get_column("population"), _count_expr).alias("_population"),
    )
    # a village or community is its own committee; a compound or a group must name its committee
    unit_level = pl.col("_kind").is_in(UNIT_LEVEL_KINDS)
    merged_above = pl.when(~unit_level).then(pl.col("committee")).forward_fill().over("_t", "district", "town")
    frame = frame.with_columns(
        pl.when(pl.col("committee").is_not_null())
        .then(pl.col("committee"))
        .when(unit_level)
        .then(pl.col("name"))
        .otherwise(merged_above)
        .alias("committee")
    )
    bad = (
        pl.any_horizontal(pl.col(*_ROSTER_NEEDS).is_null())
        | (pl.col("kind").is_not_null() & pl.col("_kind").is_null())
        | (pl.col("households").is_not_null() & (pl.col("_households").is_null() | (pl.col("_households") < 0)))
        | (pl.col("population").is_not_null() & (pl.col("_population").is_null() | (pl.col("_population") < 0)))
        | (pl.col("committee").is_null() & pl.col("_kind").is_not_null())
        | (pl.len().over("_t", *PLACE_COLS) > 1)  # the same unit listed twice
    )
    flagged = set(frame.filter(bad.fill_null(False)).get_column("_t").unique().to_list())
    frame = frame.filter(~pl.col("_t").is_in(list(flagged))).select(
        "_t",
        "_row",
        *PLACE_COLS,
        pl.col("_kind").alias("kind"),
        pl.col("_households").alias("households"),
        pl.col("_population").alias("population"),
    )
    rechecked: list[pl.DataFrame] = []
    for t in sorted(flagged):
        parsed, todo[t].problems = _parse_roster(todo[t].table)
        if parsed is not None:  # found by the checks here, not by the table's own: keep its rows
            rechecked.append(parsed.with_columns(pl.lit(t, pl.Int32).alias("_t")))
    if rechecked:
        frame = pl.concat([frame, *rechecked], how="diagonal_relaxed").sort("_t", maintain_order=True)
    counts = dict(frame.group_by("_t").len().iter_rows())
    for t, slot in enumerate(todo):
        if not slot.problems:
            slot.rows = counts.get(t, 0)
        slot.table.frame = slot.table.frame.clear()  # the cells as read are not needed any more
    files = pl.col("_t").replace_strict(list(range(len(todo))), [slot.file for slot in todo], return_dtype=pl.String)
    return frame.with_columns(files.alias("source_file")).drop("_t")


def _parse_roster(table: Table) -> tuple[pl.DataFrame | None, list[Problem]]:
    problems = _missing_columns(table, _ROSTER_NEEDS)
    if problems:
        return None, problems
    frame = _places(table, table.frame)
    frame = frame.with_columns(pl.lit(None, pl.String).alias(c) for c in ("households", "population") if c not in frame)
    frame = frame.with_columns(clean_text("kind"), clean_text("households"), clean_text("population"))
    for col, what in _ROSTER_NEEDS.items():
        problems += require(table, frame, col, what)
    frame, p = parse_kind(table, frame)
    problems += p
    for col in ("households", "population"):
        frame, p = parse_count(table, frame, col)
        problems += p
    if "committee" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("committee"))
    # a village or community is its own committee; a compound or a group must name its committee
    unit_level = pl.col("kind").is_in(UNIT_LEVEL_KINDS)
    merged_above = pl.when(~unit_level).then(pl.col("committee")).forward_fill().over("district", "town")
    frame = frame.with_columns(
        pl.when(pl.col("committee").is_not_null())
        .then(pl.col("committee"))
        .when(unit_level)
        .then(pl.col("name"))
        .otherwise(merged_above)
        .alias("committee")
    )
    missing = frame.filter(pl.col("committee").is_null() & pl.col("kind").is_not_null())
    problems += [
        Problem(
            table.label,
            "小区或村民小组须写明所属居委或村 (a compound or village group needs its committee or village)",
            row=r,
            column=table.headers.get("committee", "居委/村"),
        )
        for r in missing.get_column("_row").head(20)
    ]
    if problems:
        return None, problems
    frame = frame.select("_row", *PLACE_COLS, "kind", "households", "population")
    dupes = frame.filter(pl.struct(PLACE_COLS).is_duplicated())
    if dupes.height:
        first = dupes.group_by(PLACE_COLS, maintain_order=True).agg(pl.col("_row")).head(20)
        problems += [
            Problem(
                table.label,
                f"同一单位在名册中出现多次，见第 {'、'.join(map(str, rows))} 行 "
                f"(the same unit is listed more than once)",
                row=rows[0],
                column=table.headers["name"],
                value=n,
            )
            for *_, n, rows in first.iter_rows()
        ]
        return None, problems
    return frame, []


def _status_missing_columns(table: Table) -> list[Problem]:
    problems = _missing_columns(table, {"name": "名称"})
    problems += [
        Problem(
            table.label,
            table.unresolved.get(col)
            or f"缺少「{label}」：表中没有此列，标题行和文件名中也没有；导入时可用 {option} 指定"
            f"（数据页：上传表单的「{label}」） "
            f"(missing {col}: no column, not in the title or the file name either; give it with {option})",
        )
        for col, label, option in (("district", "区", "--district"), ("published", "公布日期", "--date"))
        if col not in table.headers
    ]
    return problems


_STATUS_COLS = (*PLACE_COLS, "status", "batch", "published", "kind", "whole")


def _parse_statuses(slots: list[_Slot], today: dt.date) -> _Statuses | None:
    """Parse and check every status list of the run at once, in one frame (``_t`` says whose row it is).

    The result is what ``_parse_status_rows`` gives table by table, concatenated. Any table in which the
    combined checks find anything is parsed again on its own by ``_parse_status_rows``, whose problems
    (exact file, row, column, value and wording) are the ones reported: the checks here only find them.
    """
    stacked = _stack(slots, "status", _status_missing_columns, _STATUS_COLS)
    if stacked is None:
        return None
    todo, frame = stacked
    cumulative = [slot.table.cumulative for slot in todo]
    frame = frame.with_columns(
        word_map(frame.get_column("status"), status_word, pl.String).alias("_status"),
        word_map(frame.get_column("batch"), batch_number, pl.Int32).alias("_batch"),
        word_map(frame.get_column("kind"), kind_word, pl.String).alias("_kind"),
        by_value(frame.get_column("published"), date_expr).alias("_published"),
        word_map(frame.get_column("whole"), whole_word, pl.String).alias("_whole_word"),
        pl.col("_t").replace_strict(list(range(len(todo))), cumulative, return_dtype=pl.Boolean).alias("_cumulative"),
    ).with_columns(
        pl.when(pl.col("status").is_null()).then(pl.lit("created")).otherwise(pl.col("_status")).alias("_status"),
        whole_flag(pl.col("_whole_word")).alias("_whole"),
    )
    bad = (
        pl.any_horizontal(pl.col("district", "name", "published").is_null())
        | (pl.col("status").is_not_null() & pl.col("_status").is_null())
        | (pl.col("batch").is_not_null() & pl.col("_batch").is_null())
        # a cumulative list spans batches: a unit new in it may come without one
        | ((pl.col("_status") == "created") & pl.col("batch").is_null() & ~pl.col("_cumulative"))
        | (pl.col("published").is_not_null() & pl.col("_published").is_null())
        | (pl.col("_published") > today)
        | (pl.col("_published") < EARLIEST_DATE)
        | (pl.col("kind").is_not_null() & pl.col("_kind").is_null())
        | (pl.col("whole").is_not_null() & pl.col("_whole_word").is_null())
    )
    if frame.get_column("_whole").drop_nulls().n_unique() > 1:
        # one committee marked both whole and not whole in one table (a window over millions of rows: only when
        # the run holds both marks at all)
        marks = pl.col("_whole").drop_nulls().n_unique().over("_t", "district", "town", "committee")
        bad = bad | (pl.col("committee").is_not_null() & (marks > 1))
    # a unit listed twice in one table: identical rows are one listing; a different batch or date is a conflict
    flagged = set(frame.filter(bad.fill_null(False)).get_column("_t").unique().to_list())
    key = ["_t", *PLACE_COLS, "_status"]
    repeated = frame.select(pl.struct(key).is_duplicated()).to_series()
    if repeated.any():
        twice = frame.filter(repeated)
        conflict = pl.struct("_batch", "_published").n_unique().over(key) > 1
        flagged |= set(twice.filter(conflict).get_column("_t").unique().to_list())
        frame = frame.filter(pl.struct(key).is_first_distinct())
    frame = frame.filter(~pl.col("_t").is_in(list(flagged))).select(
        "_t",
        "_row",
        *PLACE_COLS,
        pl.col("_status").alias("status"),
        pl.col("_batch").alias("batch"),
        pl.col("_published").alias("published"),
        pl.col("_kind").alias("kind"),
        pl.col("_whole").alias("whole"),
    )
    rechecked: list[pl.DataFrame] = []
    for t in sorted(flagged):
        parsed, todo[t].problems = _parse_status_rows(todo[t].table, today)
        if parsed is not None:  # found by the checks here, not by the table's own: keep its rows
            rechecked.append(parsed.drop("counts_rounds", "_name_header").with_columns(pl.lit(t, pl.Int32).alias("_t")))
    if rechecked:
        frame = pl.concat([frame, *rechecked], how="diagonal_relaxed").sort("_t", maintain_order=True)
    tables = pl.DataFrame(
        {
            "_t": range(len(todo)),
            "counts_rounds": [slot.table.counts_rounds for slot in todo],
            "cumulative": cumulative,
            "_name_header": [slot.table.headers["name"] for slot in todo],
            "source_file": [slot.file for slot in todo],
        },
        schema={
            "_t": pl.Int32,
            "counts_rounds": pl.Boolean,
            "cumulative": pl.Boolean,
            "_name_header": pl.String,
            "source_file": pl.String,
        },
    )
    frame = frame.join(tables, on="_t", how="left", maintain_order="left")
    counts = dict(frame.group_by("_t").len().iter_rows())
    for t, slot in enumerate(todo):
        if not slot.problems:
            slot.rows = counts.get(t, 0)
        slot.table.frame = slot.table.frame.clear()  # the cells as read are not needed any more
    keys = {t: [c for c in PLACE_COLS if c in slot.table.frame.columns] for t, slot in enumerate(todo)}
    return _Statuses(frame, keys, {t: slot.file for t, slot in enumerate(todo)})


def _parse_status_rows(table: Table, today: dt.date) -> tuple[pl.DataFrame | None, list[Problem]]:
    problems = _status_missing_columns(table)
    if problems:
        return None, problems
    frame = _places(table, table.frame)
    for col in ("status", "batch", "published", "kind", "whole"):
        if col in frame.columns:
            frame = frame.with_columns(clean_text(col))
    for col, what in (("district", "区"), ("name", "名称"), ("published", "公布日期")):
        problems += require(table, frame, col, what)
    # only a blank status means "created", and only a blank batch is a missing one: a cell holding an
    # unknown word is reported once, as unknown, not a second time as a created unit without a batch
    blank_status = frame.get_column("status").is_null() if "status" in frame.columns else None
    blank_batch = frame.get_column("batch").is_null() if "batch" in frame.columns else pl.repeat(True, frame.height)
    if "status" in frame.columns:
        frame, p = parse_status(table, frame)
        problems += p
        frame = frame.with_columns(
            pl.when(blank_status).then(pl.lit("created")).otherwise(pl.col("status")).alias("status")
        )
    else:
        frame = frame.with_columns(pl.lit("created").alias("status"))
    if "batch" in frame.columns:
        frame, p = parse_batch(table, frame)
        problems += p
    else:
        frame = frame.with_columns(pl.lit(None, pl.Int32).alias("batch"))
    # a cumulative list spans batches: a unit new in it may come without one
    no_batch = frame.filter((pl.col("status") == "created") & blank_batch & (not table.cumulative))
    problems += [
        Problem(
            table.label,
            "已创建的单位须有批次或轮次，表中、标题中都没有；导入时可用 --batch 指定 "
            "(a created unit needs its batch or round: give it with --batch)",
            row=r,
            column=table.headers.get("batch", "批次"),
        )
        for r in no_batch.get_column("_row").head(20)
    ]
    frame, p = parse_date(table, frame, "published", today)
    problems += p
    if "kind" in frame.columns:
        frame, p = parse_kind(table, frame)
        problems += p
    if "whole" in frame.columns:
        marks = frame.get_column("whole")
        frame, p = parse_whole(table, frame)
        problems += p + _whole_conflicts(table, frame.with_columns(marks.alias("_mark")))
    else:
        frame = frame.with_columns(pl.lit(None, pl.Boolean).alias("whole"))
    if problems:
        return None, problems
    keep = ["_row", *[c for c in PLACE_COLS if c in frame.columns], "status", "batch", "published"]
    if "kind" in frame.columns:
        keep.append("kind")
    keep.append("whole")
    frame = frame.select(keep).with_columns(
        pl.lit(table.counts_rounds).alias("counts_rounds"), pl.lit(table.headers["name"]).alias("_name_header")
    )
    # one unit listed twice: identical rows are one listing; different batch or date is a conflict
    key = [c for c in PLACE_COLS if c in frame.columns] + ["status"]
    conflicts = (
        frame.group_by(key, maintain_order=True)
        .agg(pl.col("_row"), pl.struct("batch", "published").n_unique().alias("variants"))
        .filter(pl.col("variants") > 1)
    )
    if conflicts.height:
        # the value shown is the unit's name, so the column named is the name column
        header = table.headers["name"]
        return None, [
            Problem(
                table.label,
                f"同一单位在本文件中出现多次且批次或日期不同，见第 "
                f"{'、'.join(map(str, rows))} 行 (one unit listed twice with conflicting "
                "batch or date)",
                row=rows[0],
                column=header,
                value=name,
            )
            for name, rows in conflicts.select("name", "_row").head(20).iter_rows()
        ]
    return frame.unique(subset=key, keep="first", maintain_order=True), []


def _whole_conflicts(table: Table, frame: pl.DataFrame) -> list[Problem]:
    """One committee or village marked both whole and not whole in one table: which is it? The problem points
    at its first row marked not whole (``_mark``: the cell as written)."""
    if "committee" not in frame.columns:
        return []
    place = [c for c in ("district", "town", "committee") if c in frame.columns]
    marked = frame.filter(pl.col("committee").is_not_null() & pl.col("whole").is_not_null())
    both = (
        marked.group_by(place, maintain_order=True)
        .agg(
            pl.col("_row").alias("rows"),
            pl.col("whole").n_unique().alias("marks"),
            pl.col("_row").filter(~pl.col("whole")).first().alias("no_row"),
            pl.col("_mark").filter(~pl.col("whole")).first().alias("no_mark"),
        )
        .filter(pl.col("marks") > 1)
    )
    return [
        Problem(
            table.label,
            f"「{committee}」在本文件中既标为整建制又标为非整建制，见第 {'、'.join(map(str, rows))} 行 "
            "(a committee or village marked both whole and not whole)",
            row=row,
            column=table.headers["whole"],
            value=mark,
        )
        for committee, rows, row, mark in both.select("committee", "rows", "no_row", "no_mark").head(20).iter_rows()
    ]


def _parse_targets(table: Table, today: dt.date) -> tuple[pl.DataFrame | None, list[Problem]]:
    problems = _missing_columns(table, {"district": "区", "target": "官方总数"})
    if problems:
        return None, problems
    frame = table.frame.with_columns(clean_text("district"), clean_text("target"))
    if "kind" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("kind"))
    frame = frame.with_columns(clean_text("kind"))
    problems += require(table, frame, "district", "区") + require(table, frame, "target", "官方总数")
    frame, p = parse_kind(table, frame, targets=True)
    problems += p
    frame, p = parse_count(table, frame, "target")
    problems += p
    if "target_date" in frame.columns:
        frame = frame.with_columns(clean_text("target_date"))
        frame, p = parse_date(table, frame, "target_date", today)
        problems += p
    else:
        frame = frame.with_columns(pl.lit(None, pl.Date).alias("target_date"))
    if "source" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("source"))
    # with a batch column, a row is what a batch notice published: "batch 1: 150 compounds"
    if "batch" in frame.columns:
        frame = frame.with_columns(clean_text("batch"))
        frame, p = parse_batch(table, frame)
        problems += p
    else:
        frame = frame.with_columns(pl.lit(None, pl.Int32).alias("batch"))
    if problems:
        return None, problems
    return frame.select("district", "kind", "batch", "target", "target_date", "source"), []


# ---------------------------------------------------------------------------------------------------
# rosters and status rows -> units and events


def _unit_id(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.concat_str([pl.col(c) for c in PLACE_COLS], separator="/").alias("unit_id"))


def _merge_rosters(
    units: pl.DataFrame, rosters: list[pl.DataFrame]
) -> tuple[pl.DataFrame, int, int, pl.DataFrame, list[Problem]]:
    """New roster rows become units; a unit already known takes the new households and population.

    Also returns old -> new unit ids for units known only from lists that the roster now holds."""
    empty = pl.DataFrame(schema=_REMAP_SCHEMA)
    if not rosters:
        return units, 0, 0, empty, []
    new = _unit_id(pl.concat(rosters, how="diagonal_relaxed"))
    dupes = new.filter(pl.col("unit_id").is_duplicated())
    if dupes.height:
        return (
            units,
            0,
            0,
            empty,
            [
                Problem(f, "同一单位出现在两份名册中 (the same unit is in two rosters of this run)", row=r, value=n)
                for f, r, n in dupes.select("source_file", "_row", "name").head(20).iter_rows()
            ],
        )
    new = (
        new.rename({"_row": "source_row"})
        .with_columns(pl.lit(True).alias("in_roster"))
        .select(list(_UNIT_SCHEMA))
        .cast(_UNIT_SCHEMA)
    )
    remap, problems = _adopt_listed_units(units, new)
    if problems:
        return units, 0, 0, remap, problems
    known = set(units.get_column("unit_id").to_list())
    updated = new.filter(pl.col("unit_id").is_in(list(known))).height
    replaced = pl.concat([new.get_column("unit_id"), remap.get_column("old")])
    merged = pl.concat([units.filter(~pl.col("unit_id").is_in(replaced.implode())), new])
    return merged, new.height - updated, updated, remap, []


_REMAP_SCHEMA = {"old": pl.String, "new": pl.String}


def _adopt_listed_units(units: pl.DataFrame, roster: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """Units known only from lists, in a district that now sends its roster, become roster units.

    Each is found in the roster by name, narrowed by town and then committee where the lists gave them;
    its events move to the roster unit (old unit_id -> new). One the roster lacks, or matches twice,
    refuses the roster: its district's history would otherwise split in two.
    """
    listed = units.filter(
        ~pl.col("in_roster") & pl.col("district").is_in(roster.get_column("district").unique().implode())
    )
    if not listed.height:
        return pl.DataFrame(schema=_REMAP_SCHEMA), []
    # for each listed unit at once: the roster units of its name, narrowed by town when several, then by
    # committee when still several
    found = pl.col("_new").is_not_null()
    narrow_town = pl.col("town").fill_null("").ne("") & (found.sum().over("_i") > 1)
    found = found & (~narrow_town | (pl.col("_town") == pl.col("town")))
    narrow_committee = found.sum().over("_i") > 1
    found = found & (~narrow_committee | (pl.col("_committee") == pl.col("committee")).fill_null(False))
    matches = (
        listed.with_row_index("_i")
        .join(
            roster.select(
                "district",
                "name",
                pl.col("town").alias("_town"),
                pl.col("committee").alias("_committee"),
                pl.col("unit_id").alias("_new"),
            ),
            on=["district", "name"],
            how="left",
        )
        .with_columns(found.alias("_found"))
        .group_by("_i", maintain_order=True)
        .agg(
            pl.first("unit_id", "district", "town", "committee", "name"),
            pl.col("_found").sum().alias("n"),
            pl.col("_new").filter(pl.col("_found")).first(),
        )
        .sort("_i")
    )
    pairs = matches.filter(pl.col("n") == 1).select(pl.col("unit_id").alias("old"), pl.col("_new").alias("new"))
    problems = []
    for unit in matches.filter(pl.col("n") != 1).head(50).iter_rows(named=True):
        where = " / ".join(v for v in (unit["district"], unit["town"], unit["committee"], unit["name"]) if v)
        why = (
            "见于此前导入的名单，但新名册中没有 (listed before, but not in this roster)"
            if unit["n"] == 0
            else f"见于此前导入的名单，对应新名册中 {unit['n']} 个单位 (listed before; matches several units)"
        )
        problems.append(Problem(roster.item(0, "source_file"), f"「{where}」{why}", value=unit["name"]))
    return pairs, problems


@dataclass
class _Matched:
    events: pl.DataFrame  # new events, with their unit's district (for the report)
    units: pl.DataFrame
    units_added: int = 0  # units added roster-less
    list_rows: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=_LIST_ROW_SCHEMA))
    already_created: int = 0  # rows of cumulative lists whose unit was already created: no event
    implied: int = 0  # events added because another status implied them
    problems: list[Problem] = field(default_factory=list)


def _match_statuses(units: pl.DataFrame, existing: _Existing, statuses: _Statuses | None) -> _Matched:
    """Give each status row its unit: the new events, the list rows kept for the quality checks, or problems.

    All status rows of the run are matched at once; tables with the same place columns share one join."""
    empty = pl.DataFrame(schema={**_EVENT_SCHEMA, "district": pl.String})
    if statuses is None or statuses.frame.height == 0:
        return _Matched(empty, units)
    rows = statuses.frame.with_row_index("_g")
    roster_districts = units.filter(pl.col("in_roster")).get_column("district").unique()
    listed = pl.col("district").is_in(roster_districts.implode())
    in_roster = rows.filter(listed)
    rosterless = rows.filter(~listed)
    by_table: dict[int, list[Problem]] = {}
    matched_parts: list[pl.DataFrame] = []
    if in_roster.height:
        groups: dict[tuple[str, ...], list[int]] = {}
        for t, keys in statuses.keys.items():
            groups.setdefault(tuple(keys), []).append(t)
        for keys, tables in groups.items():
            part = in_roster if len(groups) == 1 else in_roster.filter(pl.col("_t").is_in(tables))
            if not part.height:
                continue
            # a blank committee cell matches any committee: those rows are matched without it
            parts = [(part, list(keys))]
            if "committee" in keys:
                blank = pl.col("committee").is_null()
                without = [k for k in keys if k != "committee"]
                parts = [(part.filter(~blank), list(keys)), (part.filter(blank), without)]
            counts = pl.concat([_candidates(rows_, units, on) for rows_, on in parts if rows_.height])
            unmatched = counts.filter(pl.col("n") != 1).sort("_g")
            unmatched = unmatched.filter(pl.int_range(pl.len()).over("_t") < 20)
            for g, t, row, n in unmatched.select("_g", "_t", "_row", "n").iter_rows():
                record = rows.row(g, named=True)
                by_table.setdefault(t, []).append(_match_problem(statuses.files[t], row, record, n, units, list(keys)))
            ok = counts.filter(pl.col("n") == 1).select("_g", "unit_id")
            matched_parts.append(part.join(ok, on="_g", how="inner").with_columns(pl.lit(0).alias("_part")))
    if by_table:
        return _Matched(empty, units, problems=[p for t in sorted(by_table) for p in by_table[t]])
    added_count = 0
    if rosterless.height:
        part, added = _rosterless_units(rosterless)
        matched_parts.append(part.with_columns(pl.lit(1).alias("_part")))
        added = added.unique("unit_id", keep="first", maintain_order=True)
        fresh = added.filter(~pl.col("unit_id").is_in(units.get_column("unit_id").implode()))
        added_count = fresh.height
        units = pl.concat([units, fresh.select(list(_UNIT_SCHEMA)).cast(_UNIT_SCHEMA)])
    # in the order of the tables; in each, the rows matched to roster units first, then roster-less ones
    events = pl.concat(
        [
            m.select(
                "_t",
                "_part",
                "_g",
                "unit_id",
                pl.col("status").alias("event"),
                "batch",
                "counts_rounds",
                "published",
                "source_file",
                pl.col("_row").alias("source_row"),
                "district",
                "cumulative",
                "whole",
            )
            for m in matched_parts
        ],
        how="vertical_relaxed",
    ).sort("_t", "_part", "_g")
    shown = pl.col("event").is_in(["created", "model"])
    list_rows = (
        events.filter(shown & (pl.col("cumulative") | pl.col("whole").is_not_null()))
        .select(*_LIST_ROW_SCHEMA)
        .cast(_LIST_ROW_SCHEMA)
        # the same list sent again under another file name adds nothing
        .join(existing.list_rows, on=list(_LIST_ROW_KEY), how="anti", nulls_equal=True)
    )
    # one event listed twice in a run (a workbook's 汇总 sheet repeating its towns' sheets, one list as CSV and XLSX)
    events = events.unique(["unit_id", "event", "batch", "published"], keep="first", maintain_order=True)
    events, already_created = _drop_known_creations(events, existing)
    # the same event already published (the same list sent again under another file name) adds nothing
    events = events.join(existing.events, on=["unit_id", "event", "batch", "published"], how="anti", nulls_equal=True)
    events, implied = _implied_events(events, existing)
    events = (
        events.with_row_index("_load")
        .sort(["published", "_load"])
        .with_columns((pl.int_range(1, pl.len() + 1) + existing.max_event_id).alias("event_id"))
        .drop("_load")
    )
    # with the district of each event's unit (its list's district), for the report; dropped before publishing
    events = events.select(*_EVENT_SCHEMA, "district").cast(_EVENT_SCHEMA)
    return _Matched(events, units, added_count, list_rows, already_created, implied)


def _implied_events(events: pl.DataFrame, existing: _Existing) -> tuple[pl.DataFrame, int]:
    """A status that implies another the unit has no record of by that day (示范 implies 创建: a unit becomes a model
    only once created): the implied event too, on the same day and from the same row, so that the unit counts
    created (and model) as of that day, as the ingest report says. The data-quality page lists such units: a
    creation and a model event of one unit from one row of one file is how they are told apart."""
    added: list[pl.DataFrame] = []
    for status, implied in IMPLIES.items():
        rows = events.filter(pl.col("event") == status)
        if not rows.height:
            continue
        on_record = pl.concat(
            [
                existing.events.filter(pl.col("event") == implied).select("unit_id", "published"),
                events.filter(pl.col("event") == implied).select("unit_id", "published"),
            ]
        )
        first = on_record.group_by("unit_id").agg(pl.col("published").min().alias("_first"))
        missing = (
            rows.join(first, on="unit_id", how="left")
            .filter(pl.col("_first").is_null() | (pl.col("_first") > pl.col("published")))
            .sort("published", maintain_order=True)
            .unique("unit_id", keep="first", maintain_order=True)
            .drop("_first")
        )
        added.append(missing.with_columns(pl.lit(implied).alias("event"), pl.lit(False).alias("cumulative")))
    if not added:
        return events, 0
    extra = pl.concat(added)
    return pl.concat([extra, events], how="vertical_relaxed"), extra.height


def _drop_known_creations(events: pl.DataFrame, existing: _Existing) -> tuple[pl.DataFrame, int]:
    """A cumulative list's row adds a creation only for a unit not created at the end of the list's day.

    A unit created already keeps the event that created it: the list repeats it, it does not create it again.
    A unit revoked earlier and listed is created again on the list's day; one revoked on that very day stays
    revoked (the revocation is the explicit news). Earlier cumulative lists of the run count as history for
    later ones, so their days are taken in order. Returns the events and how many rows added none."""
    from_list = pl.col("cumulative") & (pl.col("event") == "created")
    lists = events.with_row_index("_k").filter(from_list)
    if not lists.height:
        return events, 0
    listed = lists.get_column("unit_id").unique().implode()
    changes = pl.col("event").is_in(["created", "revoked"]) & pl.col("unit_id").is_in(listed)
    # history in the order events get their ids: the snapshot's, then this run's by day and load order
    after = existing.max_event_id + 1
    history = pl.concat(
        [
            existing.events.filter(changes).select(
                "unit_id", "event", "published", pl.col("event_id").cast(pl.Int64).alias("_order")
            ),
            events.with_row_index("_k")
            .filter(~from_list & changes)
            .select("unit_id", "event", "published", (pl.col("_k").cast(pl.Int64) + after).alias("_order")),
        ]
    )
    kept: list[pl.DataFrame] = []
    after += events.height
    for day in lists.get_column("published").unique().sort():
        rows = lists.filter(pl.col("published") == day)
        last = (
            history.filter(pl.col("published") <= day)
            .sort("published", "_order")
            .group_by("unit_id")
            .agg(pl.col("event").last(), pl.col("published").last())
        )
        known = last.filter(
            (pl.col("event") == "created") | ((pl.col("event") == "revoked") & (pl.col("published") == day))
        ).get_column("unit_id")
        # a unit in two cumulative lists of one day is created once
        new = rows.filter(~pl.col("unit_id").is_in(known.implode()))
        new = new.unique("unit_id", keep="first", maintain_order=True)
        kept.append(new)
        history = pl.concat(
            [
                history,
                new.select(
                    "unit_id",
                    "event",
                    "published",
                    (pl.int_range(pl.len(), dtype=pl.Int64) + after).alias("_order"),
                ),
            ]
        )
        after += new.height
    keep = pl.concat(kept).get_column("_k")
    out = events.with_row_index("_k").filter(~from_list | pl.col("_k").is_in(keep.implode())).drop("_k")
    return out, lists.height - keep.len()


def _candidates(rows: pl.DataFrame, units: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """For each status row (_g): how many units have its place and name (n), and the unit if one does."""
    cand = rows.select("_g", "_t", "_row", *on).join(units.select("unit_id", *on), on=on, how="left")
    if cand.height == rows.height:  # no row has two units: no need to count them
        n = pl.col("unit_id").is_not_null().cast(pl.UInt32).alias("n")
        return cand.select("_g", n, "unit_id", "_row", "_t")
    return cand.group_by("_g").agg(
        pl.col("unit_id").drop_nulls().n_unique().alias("n"),
        pl.col("unit_id").drop_nulls().first(),
        pl.first("_row"),
        pl.first("_t"),
    )


def _match_problem(file: str, row: int, record: dict, n: int, units: pl.DataFrame, keys: list[str]) -> Problem:
    where = " / ".join(str(record[k]) for k in keys if record.get(k))
    if n > 1:
        return Problem(
            file,
            f"「{where}」对应名册中 {n} 个单位，无法确定是哪一个；请补充街镇或居委/村 "
            f"(matches {n} roster units: add town or committee)",
            row=row,
            column=record.get("_name_header"),
            value=record["name"],
        )
    pool = units.filter(pl.col("district") == record["district"])
    elsewhere = pool.filter(pl.col("name") == record["name"])
    if elsewhere.height:  # the name is in the roster, under another town or committee than the list says
        places = "、".join(" / ".join(p for p in place if p) for place in elsewhere.select("town", "committee").rows())
        return Problem(
            file,
            f"「{where}」不在{record['district']}的名册中；名册中的「{record['name']}」在 {places}，"
            f"请核对街镇和居委/村 (not in the district's roster: the roster has this name in {places}; "
            "check town and committee)",
            row=row,
            column=record.get("_name_header"),
            value=record["name"],
        )
    if record.get("town"):
        in_town = pool.filter(pl.col("town") == record["town"])
        pool = in_town if in_town.height else pool
    names = difflib.get_close_matches(record["name"], pool.get_column("name").unique().to_list(), n=3, cutoff=0.4)
    hint = f"；最接近的名称 (nearest): {'、'.join(names)}" if names else ""
    return Problem(
        file,
        f"「{where}」不在{record['district']}的名册中 (not in the district's roster){hint}",
        row=row,
        column=record.get("_name_header"),
        value=record["name"],
    )


def _rosterless_units(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A district with no roster: each listed unit is known by the names the list gives."""
    frame = frame.with_columns(
        pl.col("town").fill_null(""), pl.col("kind").fill_null("unknown"), pl.col("committee").fill_null(pl.col("name"))
    )
    frame = _unit_id(frame)
    new_units = frame.select(
        "unit_id",
        "district",
        "town",
        "committee",
        "name",
        "kind",
        pl.lit(None, pl.Int32).alias("households"),
        pl.lit(None, pl.Int32).alias("population"),
        pl.lit(False).alias("in_roster"),
        pl.col("source_file"),
        pl.col("_row").alias("source_row"),
    )
    return frame, new_units


# ---------------------------------------------------------------------------------------------------
# publish


def _insert(con: duckdb.DuckDBPyConnection, load: _Load) -> None:
    """Inside the publish: ``load``'s rows into the snapshot being built."""
    _fill_grids_and_services(con, load.grids, load.services)
    # units holds every unit of the districts the run names, as they are to be: they replace those
    con.register("new_units", store.arrow(load.units))
    con.register("run_districts", pl.DataFrame({"district": load.districts}, schema={"district": pl.String}))
    con.execute("delete from units where district in (select district from run_districts)")
    con.execute("insert into units by name select * from new_units")
    if load.remap.height:  # events of units known from lists now belong to their roster units
        con.register("remap", store.arrow(load.remap))
        con.execute("update events set unit_id = remap.new from remap where events.unit_id = remap.old")
        con.execute("update list_rows set unit_id = remap.new from remap where list_rows.unit_id = remap.old")
    con.register("new_events", store.arrow(load.events))
    con.execute(f"insert into events by name select * from new_events{store.EVENTS_ORDER}")
    if load.list_rows is not None and load.list_rows.height:
        con.register("new_list_rows", store.arrow(load.list_rows))
        con.execute("insert into list_rows by name select * from new_list_rows")
    if load.targets is not None and load.targets.height:
        con.register("new_targets", store.arrow(load.targets))
        con.execute(
            "delete from targets where (district, coalesce(kind, '*'), coalesce(batch, 0)) in "
            "(select (district, coalesce(kind, '*'), coalesce(batch, 0)) from new_targets)"
        )
        con.execute(
            "insert into targets by name select district, kind, batch, target, target_date, source from new_targets"
        )
    for name in ("new_units", "run_districts", "remap", "new_events", "new_list_rows", "new_targets"):
        with contextlib.suppress(Exception):
            con.unregister(name)


def _record(con: duckdb.DuckDBPyConnection, files: list[tuple[str, str, str, int]], who: str) -> None:
    """Inside the publish, after every ``_insert`` of the run: pinyin of new names, the run's files and ingest."""
    ingest_id = con.sql("select coalesce(max(ingest_id), 0) + 1 from ingests").fetchall()[0][0]
    file_id = con.sql("select coalesce(max(file_id), 0) from files").fetchall()[0][0]
    file_rows = pl.DataFrame(
        [(file_id + i + 1, ingest_id, n, h, r, c) for i, (n, h, r, c) in enumerate(files)],
        schema=["file_id", "ingest_id", "name", "sha256", "role", "rows"],
        orient="row",
    )
    fill_missing_pinyin(con)
    con.register("new_files", file_rows)
    con.execute("insert into files by name select * from new_files")
    con.execute(
        "insert into ingests values ($id, current_localtimestamp(), $who, $files, $rows, 'loaded')",
        {"id": ingest_id, "who": who, "files": len(files), "rows": sum(f[3] for f in files)},
    )
    with contextlib.suppress(Exception):
        con.unregister("new_files")


SAMPLE_DIR = store.ROOT / "data" / "sample"


def load_sample_if_missing(db: Path | None = None) -> None:
    """First start: build the database from the bundled sample. Two starts at once are safe: the
    second waits for the writer lock, finds every file loaded, and changes nothing."""
    from campaign.intake.reader import status_files

    db = Path(db) if db else store.default_db()
    if not db.exists():
        ingest(status_files(SAMPLE_DIR), db, who="sample")


def top_up_sample(db: Path | None = None) -> bool:
    """A database built from the bundled sample takes sample files added since (a newer version's grids,
    say); files already loaded are skipped by their checksum. Databases of real data are left alone."""
    from campaign.intake.reader import status_files

    db = Path(db) if db else store.default_db()
    if not db.exists() or not store.from_sample(db):
        return False
    try:
        return ingest(status_files(SAMPLE_DIR), db, who="sample").changed
    except IngestRefused:
        return False  # the sample no longer fits data loaded since: keep what is published
