"""Ingest a run of status files into a new published snapshot, all or nothing.

Order of work: read every file -> classify each table (roster, status list, targets: ``roles``) -> normalise
and validate (``rosters``, ``statuses``, ``targets``, ``grids``) -> match status rows to units (``match``,
``history``) -> if any problem anywhere, refuse the whole run -> else publish one new snapshot holding the old
data plus the new rows (campaign.snapshot.write). A file already loaded (same SHA-256) is skipped, so
re-ingesting changes nothing. What the run says: ``report``, ``figures``; its line in the log: ``audit``.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from campaign.definition import DEFAULT_KEY, Definition, definition, using
from campaign.intake import audit, chunks, limits, parallel, places
from campaign.intake.audit import LOG_NAME, current_user
from campaign.intake.chunks import Item
from campaign.intake.existing import Existing, load_districts
from campaign.intake.existing import load_existing as _existing
from campaign.intake.figures import changes_by_district, district_figures
from campaign.intake.findings import findings
from campaign.intake.grids import combine as _combine_grids_and_services
from campaign.intake.infer import Defaults, Places, fill_from_places, fill_stated, is_roster_shaped
from campaign.intake.match import match_statuses
from campaign.intake.normalise import long_names
from campaign.intake.outcomes import read_outcomes
from campaign.intake.problems import IngestRefused, Problem
from campaign.intake.progress import Counter, Progress
from campaign.intake.reader import Table
from campaign.intake.report import ALREADY_LOADED, FileReport, IngestReport
from campaign.intake.roles import parse_table, role_of
from campaign.intake.rosters import merge_rosters, parse_rosters
from campaign.intake.statuses import parse_statuses
from campaign.intake.tables import Slot
from campaign.snapshot import store, write
from campaign.snapshot.connect import ERRORS, Connection
from campaign.snapshot.pinyin import fill_missing as fill_missing_pinyin

# what other modules and tests take from here
__all__ = ["LOG_NAME", "Defaults", "FileReport", "IngestReport", "current_user", "ingest"]


@dataclass
class _Parsed:
    rosters: list[pl.DataFrame] = field(default_factory=list)
    statuses: list[pl.DataFrame] = field(default_factory=list)
    targets: list[pl.DataFrame] = field(default_factory=list)
    grids: list[pl.DataFrame] = field(default_factory=list)
    services: list[pl.DataFrame] = field(default_factory=list)


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
    campaign: Definition | None = None,
) -> IngestReport:
    """Load ``paths`` (shown to users as ``names``) into ``db``; raise IngestRefused, loading nothing.

    The files are read with ``campaign``'s words (the active campaign's by default: ``campaign.definition``), and
    ``db`` is that campaign's snapshot by default.

    With ``dry_run`` nothing is published: the report says what would change (the upload preview).
    Every run that is not a dry run, loaded or refused, is appended to the ingest log beside the database.
    """
    with using(campaign or definition()):
        return _ingest_run(paths, db, who, names, today, defaults, dry_run, progress)


def _ingest_run(
    paths: list[Path],
    db: Path | None,
    who: str | None,
    names: list[str] | None,
    today: dt.date | None,
    defaults: Defaults | None,
    dry_run: bool,
    progress: Progress | None,
) -> IngestReport:
    db = Path(db) if db else store.default_db()
    today = today or dt.date.today()
    names = names or [Path(p).name for p in paths]
    who = who or current_user()
    digests: dict[int, str] = {}  # the checksums of the files ingest read, by position: the log's too
    try:
        try:
            report = _ingest(paths, db, who, names, today, defaults or Defaults(), dry_run, digests, progress)
        except (OSError, *ERRORS) as error:
            full = limits.disk_full(error, db)  # the partial snapshot is gone; say so, not a traceback
            if full is None:
                raise
            raise full from error
    except IngestRefused as refused:
        if not dry_run:
            outcome = "failed" if isinstance(refused.__cause__, (OSError, *ERRORS)) else "refused"
            audit.record(db, who, paths, names, outcome, problems=[str(p) for p in refused.problems], digests=digests)
        raise
    if not dry_run:
        audit.record(db, who, paths, names, "loaded" if report.changed else "unchanged", report=report, digests=digests)
    return report


# a run whose files hold more than this many bytes is read, checked and matched a group of districts at a time
# (all into the one snapshot it publishes): its memory then follows the largest group, not the whole run. A
# country's first load held at once would need several times the 4 GB target (BENCHMARKS.md, "Memory")
CHUNK_BYTES = 64 * 2**20


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
    items = [(i, Path(p), name) for i, (p, name) in enumerate(zip(paths, names, strict=True))]
    big = _run_bytes(items) > CHUNK_BYTES
    # the published file copied for the new snapshot while it is checked and the files are read, checked and matched
    # (a run that is refused, or loads nothing, throws the copy away)
    with store.writer_lock(db), store.copy_ahead(db) if not (dry_run or big) else contextlib.nullcontext() as ahead:
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
        existing.progress = Counter(progress, len(paths)) if progress else None
        if big:
            return _ingest_in_chunks(items, db, who, today, defaults, dry_run, digests, existing)
        load = _prepare(_read_files(items, existing, defaults, today, digests), db, existing, today)
        report = load.report
        report.files = [f for _, f in load.files]
        if not load.loaded or dry_run:
            return report
        _tell(existing, "publish")

        def fill(con: Connection) -> None:
            _insert(con, load)
            _record(con, [f for _, f in load.loaded], who)

        # only these districts' units and events changed: only their derived tables are recomputed
        store.publish(db, fill, districts=load.districts, ahead=ahead)
        return report


def _run_bytes(items: list[Item]) -> int:
    return sum(path.stat().st_size for _, path, _ in items if path.is_file())


def _read_files(
    items: list[Item],
    existing: Existing,
    defaults: Defaults,
    today: dt.date,
    digests: dict[int, str],
    *,
    known: bool = True,
) -> list[tuple[int, tuple[str, str, list[Problem], list[Slot], str] | Problem | FileReport]]:
    """Each file read and its tables parsed, but for status lists and rosters (parsed all at once by
    ``_prepare``). ``known``: a file already loaded, or twice in the run, is skipped (False: the caller has
    skipped those already)."""
    runs: list[tuple[int, tuple[str, str, list[Problem], list[Slot], str] | Problem | FileReport]] = []
    seen_checksums: dict[str, str] = {}
    read: list[tuple[int, str, str, list[Table], list[Problem]]] = []
    # the files are read on several cores when the run has large workbooks (campaign.intake.parallel), and taken
    # here in their order: a file twice in the run is the later one skipped, as read one by one
    for k, result in parallel.read_all(items, existing.checksums if known else frozenset()):
        i, path, name = items[k]
        if isinstance(result, Problem):  # no such file, or over a limit: before the file is read whole
            runs.append((i, result))
            _tell(existing, "read", files=1)
            continue
        digest = digests.get(i) if not known else None
        digest = digests[i] = digest or result.digest
        if result.tables is None or (known and digest in seen_checksums):
            runs.append((i, FileReport(name, "skipped", 0, ALREADY_LOADED)))
            _tell(existing, "read", files=1)
            continue
        seen_checksums[digest] = name
        tables, file_problems = result.tables, result.problems
        _tell(existing, "read", files=1, rows=sum(t.frame.height for t in tables))
        # what each table's file says of it besides its columns: title, file name, sheet name, import options
        # a list's status written otherwise than in a 状态 column (是否创建成功, 备注), before the other hints
        outcomes = [read_outcomes(table) for table in tables]
        file_problems += [p for _, said in outcomes for p in said]
        tables = [fill_stated(table, defaults) for table, _ in outcomes]
        read.append((i, name, digest, tables, file_problems))
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
            role = role_of(table)
            slot = Slot(name, table, role)
            if role not in ("status", "roster"):
                _, slot.frame, slot.problems = parse_table(table, today)
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


def _tell(existing: Existing, step: str, *, files: int = 0, rows: int = 0) -> None:
    if existing.progress is not None:
        existing.progress.step(step, files=files, rows=rows)


def _prepare(runs: list, db: Path, existing: Existing, today: dt.date) -> _Load:
    """The files read by ``_read_files``, checked and matched against the published units of their districts;
    raises IngestRefused with every problem found, before anything is published."""
    load = _Load()
    report = load.report
    parsed = _Parsed()
    problems: list[Problem] = []
    # status lists and rosters of every file are parsed at once (see parse_statuses); their problems and rows
    # are then gathered per table
    all_slots = [slot for _, run in runs if isinstance(run, tuple) for slot in run[3]]
    _tell(existing, "check")
    statuses = parse_statuses(all_slots, today)
    rosters = parse_rosters(all_slots)
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
    load_districts(db, existing, districts)
    before = district_figures(existing.units, existing.events)
    units, units_added, units_updated, remap, problems = merge_rosters(existing.units, parsed.rosters)
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
    matched = match_statuses(units, existing, statuses)
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
    after = district_figures(units, history)
    report.by_district = changes_by_district(before, after, events)
    report.warnings = place_warnings + matched.warnings + findings(units, existing.events, events, list_rows)
    grids, services, problems = _combine_grids_and_services(parsed.grids, parsed.services)
    if problems:
        raise IngestRefused(problems)
    report.grids_loaded = grids.height if grids is not None else 0
    report.services_loaded = services.height if services is not None else 0
    load.districts, load.units, load.remap, load.targets = districts, units, remap, targets
    load.events, load.list_rows = events.drop("district", strict=False), list_rows
    load.grids, load.services = grids, services
    return load


def _plan(
    items: list[Item], existing: Existing, defaults: Defaults, digests: dict[int, str]
) -> tuple[list[list[Item]], list[tuple[int, FileReport]], list[str]]:
    """campaign.intake.chunks.plan, in groups of up to CHUNK_BYTES."""
    return chunks.plan(items, existing, defaults, digests, CHUNK_BYTES)


def _ingest_in_chunks(
    items: list[Item],
    db: Path,
    who: str,
    today: dt.date,
    defaults: Defaults,
    dry_run: bool,
    digests: dict[int, str],
    existing: Existing,
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

    def prepared(chunk: list[Item]) -> _Load | IngestRefused:
        try:
            load = _prepare(_read_files(chunk, existing, defaults, today, digests, known=False), db, existing, today)
            if not dry_run:
                _tell(existing, "publish")
            return load
        except IngestRefused as refused:
            return refused

    def fill(con: Connection | None) -> None:
        # the next group is read, checked and matched in a second thread while DuckDB inserts this one: both let go
        # of the GIL, so the two overlap on the machine's cores (at most two groups in memory)
        with ThreadPoolExecutor(1) as ahead:
            # the campaign ingest made active goes with the work (a worker thread starts with no context)
            pending = ahead.submit(contextvars.copy_context().run, prepared, chunks[0])
            for k in range(len(chunks)):
                load = pending.result()
                if isinstance(load, IngestRefused):
                    problems.extend(load.problems)
                elif not problems:
                    # the next group's events are numbered on from this one's: set before it is submitted
                    existing.max_event_id += load.events.height
                if k + 1 < len(chunks):
                    pending = ahead.submit(contextvars.copy_context().run, prepared, chunks[k + 1])
                if isinstance(load, IngestRefused) or problems:
                    continue  # the run is refused: the other groups are read only for their problems
                report.add(load.report)
                files.extend(load.files)
                loaded.extend(load.loaded)
                if con is not None:
                    _insert(con, load)
                    store.commit_so_far(con)
                    # no later group touches these districts: their derived rows now, a group's worth of memory,
                    # not the whole country's at the end (outside a transaction, as the build derives)
                    store.derive_districts(con, load.districts)
                    store.begin(con)
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


def _insert(con: Connection, load: _Load) -> None:
    """Inside the publish: ``load``'s rows into the snapshot being built."""
    if load.grids is not None and load.grids.height:
        write.replace_grids(con, load.grids)
    if load.services is not None and load.services.height:
        write.replace_services(con, load.services)
    # units holds every unit of the districts the run names, as they are to be: they replace those
    write.replace_districts(con, load.districts, load.units)
    if load.remap.height:  # events of units known from lists now belong to their roster units
        write.remap_units(con, load.remap)
    write.add_events(con, load.events)
    if load.list_rows is not None and load.list_rows.height:
        write.insert(con, "list_rows", load.list_rows)
    if load.targets is not None and load.targets.height:
        write.replace_targets(con, load.targets)


def _record(con: Connection, files: list[tuple[str, str, str, int]], who: str) -> None:
    """Inside the publish, after every ``_insert`` of the run: pinyin of new names, the run's files and ingest."""
    fill_missing_pinyin(con)
    write.record_ingest(con, files, who)


SAMPLE_DIR = store.ROOT / "data" / "sample"


def sample_dir(key: str | None = None) -> Path:
    """The bundled sample of campaign ``key`` (the active one's by default): data/sample/ for the default campaign,
    data/sample/<key>/ for another (which may have none)."""
    key = key or definition().key
    return SAMPLE_DIR if key == DEFAULT_KEY else SAMPLE_DIR / key


def load_sample_if_missing(db: Path | None = None) -> None:
    """First start: build the database from the active campaign's bundled sample, if it has one. Two starts at
    once are safe: the second waits for the writer lock, finds every file loaded, and changes nothing."""
    from campaign.intake.reader import status_files

    db = Path(db) if db else store.default_db()
    if not db.exists() and sample_dir().is_dir():
        ingest(status_files(sample_dir()), db, who="sample")


def top_up_sample(db: Path | None = None) -> bool:
    """A database built from the bundled sample takes sample files added since (a newer version's grids,
    say); files already loaded are skipped by their checksum. Databases of real data are left alone."""
    from campaign.intake.reader import status_files

    db = Path(db) if db else store.default_db()
    if not db.exists() or not store.from_sample(db) or not sample_dir().is_dir():
        return False
    try:
        return ingest(status_files(sample_dir()), db, who="sample").changed
    except IngestRefused:
        return False  # the sample no longer fits data loaded since: keep what is published
