"""The ``campaign`` command: sample, ingest, summary, history, rollback, serve, health, brief."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from campaign import config, i18n
from campaign.answers import queries
from campaign.definition import DEFAULT_KEY, definition, using
from campaign.intake.problems import IngestRefused
from campaign.snapshot import connect, store

SUMMARY_COLUMNS = {
    "district": ["district", "kind", "total", "created", "model", "revoked", "coverage_pct"],
    "town": ["district", "town", "kind", "total", "created", "model", "revoked", "coverage_pct"],
}


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a whole number 1 or more: {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    campaign = definition()
    parser = argparse.ArgumentParser(prog="campaign", description=f"{campaign.title.zh} campaign-progress data tools")
    sub = parser.add_subparsers(dest="command", required=True)
    chosen = (
        f"the campaign (活动), an installed definition's key (default {DEFAULT_KEY}); its own snapshot and words "
        "(docs/campaigns.md)"
    )

    p = sub.add_parser("sample", help="write the bundled sample status files (seeded: the same bytes every time)")
    p.add_argument("out_dir", type=Path)
    p.add_argument("--campaign", help=f"{chosen}: the sample of that campaign (seed scale only)")
    p.add_argument(
        "--scale",
        choices=["seed", "city", "national", "tiny"],
        default="seed",
        help="seed: the bundled sample (default); city: ~40,000 units; national: ~5,000,000 units (generate.scale)",
    )
    p.add_argument("--seed", type=int, help="random seed of a city, national or tiny scale (default 2022)")

    p = sub.add_parser(
        "build-scale", help="publish a generated city or national campaign straight into a database (no files)"
    )
    p.add_argument("scale", choices=["city", "national", "tiny"])
    p.add_argument("--db", type=Path, required=True, help="database file to replace (kept snapshots as for ingest)")
    p.add_argument("--seed", type=int, help="random seed (default 2022)")
    p.add_argument("--campaign", help=f"{chosen}: the generator makes the {DEFAULT_KEY} campaign only")

    db_help = "database file (default: the campaign's: $CAMPAIGN_DB, else data/campaign.duckdb; another campaign's "
    db_help += "is <key>/campaign.duckdb beside it)"
    p = sub.add_parser("ingest", help="load status files (CSV/TSV/XLSX) into a new snapshot, all or nothing")
    p.add_argument("--campaign", help=chosen)
    p.add_argument("--db", type=Path, help=db_help)
    given = "for files that say it neither in a column nor in their title line"
    p.add_argument("--district", help=f"the district (区), {given}")
    p.add_argument("--batch", type=_positive, help=f"the batch number (批次), {given}")
    p.add_argument("--round", type=_positive, help=f"the round number (轮次), {given}; instead of --batch")
    p.add_argument("--date", type=_date, help=f"the publication date (公布日期) YYYY-MM-DD, {given}")
    p.add_argument(
        "--cumulative",
        action="store_true",
        help="the lists are cumulative (累计名单: every unit created so far), though neither title nor name says 累计",
    )
    p.add_argument(
        "--kind",
        help=f"the kind of unit (类型, the campaign's: {', '.join(f'{k.one.zh} {k.key}' for k in campaign.kinds)} "
        f"for {campaign.key}), for files that say it neither in a column, the name column's header, the title nor the "
        "file name",
    )
    p.add_argument("--dry-run", action="store_true", help="check the files and say what would change; load nothing")
    p.add_argument("files", nargs="+", type=Path)

    p = sub.add_parser("summary", help="coverage per district (or town) and kind")
    p.add_argument("--campaign", help=chosen)
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("--as-of", type=_date, help="as at the end of this day (YYYY-MM-DD); default: latest")
    p.add_argument("--by", choices=["district", "town"], default="district")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")

    p = sub.add_parser("history", help="the ingests of the published snapshot, and the kept previous snapshots")
    p.add_argument("--campaign", help=chosen)
    p.add_argument("--db", type=Path, help=db_help)

    p = sub.add_parser("rollback", help="publish a kept snapshot again (the current data is kept in its turn)")
    p.add_argument("--campaign", help=chosen)
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("snapshot_id", help="a snapshot id as `campaign history` lists it")

    p = sub.add_parser(
        "serve",
        help="check the configuration (campaign.toml, CAMPAIGN_* variables), then run the dashboard and /health",
    )
    p.add_argument("--config", type=Path, help="config file (default: $CAMPAIGN_CONFIG, else ./campaign.toml)")
    p.add_argument("--port", help="the dashboard's port (beats the config file and $CAMPAIGN_PORT)")
    p.add_argument("--address", help="the address to listen on (default 127.0.0.1; 0.0.0.0: every interface)")
    p.add_argument("--health-port", help="the health endpoint's port (default port + 1000; 0: off)")
    p.add_argument("--check", action="store_true", help="only check the configuration and print it as JSON")

    p = sub.add_parser("health", help="the published snapshot's age (and the dashboard's answer) as JSON")
    p.add_argument("--campaign", help=f"{chosen} (default: every installed campaign, each one's snapshot)")
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("--url", help="also ask the dashboard at this URL, e.g. http://127.0.0.1:8501")
    p.add_argument("--stale", help="older than this is stale, e.g. 24h, 2d, off (default: the config's stale)")

    p = sub.add_parser("brief", help="the one-page daily brief (A4 PDF: key figures and charts) as of a day")
    p.add_argument("--campaign", help=chosen)
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("--as-of", type=_date, help="as at the end of this day (YYYY-MM-DD); default: latest")
    p.add_argument("--district", help="only this district (default: every district)")
    p.add_argument("--lang", choices=i18n.LANGS, default="zh", help="language of the brief (default zh)")
    p.add_argument("out", type=Path, help="the PDF file to write")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "campaign", None) is None:
        return _run(args)
    try:
        chosen = config.campaign(args.campaign)
    except config.UnknownCampaign as unknown:
        print(unknown, file=sys.stderr)
        return 2
    # the campaign's words read its files, and its snapshot is every command's default database
    with using(chosen.definition):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    scaled = args.command == "build-scale" or (args.command == "sample" and args.scale != "seed")
    if scaled and getattr(args, "campaign", None) not in (None, DEFAULT_KEY):
        # the scale generator writes the 无疫小区 campaign's kinds and words: into another campaign's snapshot they
        # would be units it has no kind for (its seed sample, `campaign sample --campaign KEY`, is its own)
        what = "--scale" if args.command == "sample" else "build-scale"
        print(
            f"{what} 只生成无疫小区活动（{DEFAULT_KEY}）的数据，不能用于 {args.campaign}；该活动的样例用 "
            f"campaign sample --campaign {args.campaign} 生成 ({what} generates the {DEFAULT_KEY} campaign only; "
            f"for {args.campaign}'s sample: campaign sample --campaign {args.campaign})",
            file=sys.stderr,
        )
        return 2
    if args.command == "sample" and args.scale != "seed":
        return _sample_scale(args)
    if args.command == "sample":
        from campaign.generate.campaign_sample import write_campaign_sample

        for path in write_campaign_sample(args.out_dir, definition()):
            print(path)
        return 0
    commands = {
        "build-scale": _build_scale,
        "ingest": _ingest,
        "history": _history,
        "rollback": _rollback,
        "serve": _serve,
        "health": _health,
        "brief": _brief,
    }
    return commands.get(args.command, _summary)(args)


def _scale(args: argparse.Namespace):
    from campaign.generate.scale import SCALES

    scale = SCALES[args.scale]
    return scale.with_(seed=args.seed) if args.seed is not None else scale


def _timed(work: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    return work(), time.perf_counter() - started


def _sample_scale(args: argparse.Namespace) -> int:
    from campaign.generate.scale import write_scale

    paths, seconds = _timed(lambda: write_scale(_scale(args), args.out_dir))
    print(f"{len(paths) - 1} 个文件 (files) in {args.out_dir} ({seconds:.0f} s); 规模 (counts): {paths[-1]}")
    return 0


def _build_scale(args: argparse.Namespace) -> int:
    from campaign.generate.scale import build_database

    done, seconds = _timed(lambda: build_database(_scale(args), args.db))
    print(f"已发布 (published) {args.db} ({seconds:.0f} s): {json.dumps(done, ensure_ascii=False)}")
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from campaign.intake.ingest import Defaults, ingest
    from campaign.intake.progress import Printer

    if args.batch and args.round:
        print("--batch 与 --round 只能给一个 (give --batch or --round, not both)", file=sys.stderr)
        return 2
    kinds = [k.key for k in definition().kinds]
    if args.kind is not None and args.kind not in kinds:
        print(f"--kind {args.kind}: 应为 {'、'.join(kinds)} 之一 (one of the campaign's kinds)", file=sys.stderr)
        return 2
    defaults = Defaults(
        args.district, args.batch or args.round, bool(args.round), args.date, args.cumulative, args.kind
    )
    db = args.db or store.default_db()
    why = store.damage(Path(db)) if Path(db).exists() else None
    if why is not None:  # a new snapshot is built from the published one
        print(damaged_message(Path(db), why), file=sys.stderr)
        return 1
    try:
        report = ingest(args.files, db, defaults=defaults, dry_run=args.dry_run, progress=Printer())
    except IngestRefused as refused:
        print(refused, file=sys.stderr)
        return 1
    print(report.summary())
    said = {s.key: s.label.zh for s in definition().statuses}  # the campaign's own words for its statuses
    for row in report.by_district:
        changes = "，".join(f"{said[k]} {row[k]:+d}" for k in ("created", "revoked", "model") if k in said)
        print(
            f"  {row['district']}: 新增单位 {row['units_added']}，{changes} "
            "(units added; change in units created, revoked, model)"
        )
    if args.dry_run:
        print(f"仅检查，未载入 (dry run, nothing loaded): {db}")
    else:
        print(f"已发布 (published): {db}" if report.changed else f"数据未改变 (nothing changed): {db}")
    return 0


def summary_frame(db: Path | None, as_of: dt.date | None, by: str) -> pl.DataFrame:
    frame = queries.run(f"coverage_by_{by}", db=db, as_of=as_of)
    # queries keep full precision (pages round once, for display); the CLI prints two decimals
    return frame.select(SUMMARY_COLUMNS[by]).with_columns(pl.col("coverage_pct").round(2))


def _published(args: argparse.Namespace) -> Path | None:
    """The database to read, upgraded if an older version wrote it; None (and why, on stderr) when there is none."""
    db = Path(args.db or store.default_db())
    if not db.exists():
        print(
            f"没有数据库 {db}：请先运行 campaign ingest (no database yet: run `campaign ingest FILE...`)",
            file=sys.stderr,
        )
        return None
    from campaign.snapshot.pinyin import fill_missing

    why = store.damage(db)
    if why is not None:
        print(damaged_message(db, why), file=sys.stderr)
        return None
    store.upgrade(db, fill=fill_missing)  # a snapshot written by an older version
    return db


def damaged_message(db: Path, why: str) -> str:
    """What to say, and do, when the published snapshot cannot be read."""
    found = store.newest_readable(db)
    newest = found[0] if found else None
    lines = [
        f"已发布的快照无法读取 (the published snapshot cannot be read): {db}",
        f"  原因 (why): {why}",
        "  回滚到保留的快照 (roll back to a kept snapshot):",
        f"    campaign history --db {db}            # 列出保留的快照 (lists the kept snapshots)",
        f"    campaign rollback --db {db} {newest or 'SNAPSHOT_ID'}",
    ]
    if newest is None:
        lines.append("  没有可读的保留快照：请从备份恢复数据文件夹 (no kept snapshot reads: restore the data folder)")
    return "\n".join(lines)


def _summary(args: argparse.Namespace) -> int:
    db = _published(args)
    if db is None:
        return 2
    frame = summary_frame(db, args.as_of, args.by)
    if args.format == "json":
        print(json.dumps(frame.to_dicts(), ensure_ascii=False, indent=2))
    elif args.format == "csv":
        sys.stdout.write(frame.write_csv())
    else:
        with pl.Config(
            tbl_rows=-1,
            tbl_cols=-1,
            tbl_hide_dataframe_shape=True,
            tbl_hide_column_data_types=True,
            tbl_width_chars=200,
            fmt_str_lengths=40,
        ):
            print(frame)
    return 0


_TABLE = {
    "tbl_rows": -1,
    "tbl_cols": -1,
    "tbl_hide_dataframe_shape": True,
    "tbl_hide_column_data_types": True,
    "tbl_width_chars": 200,
    "fmt_str_lengths": 80,
}


def _seconds(value: dt.datetime | None) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else None


def _history(args: argparse.Namespace) -> int:
    db = Path(args.db or store.default_db())
    kept = store.snapshots(db)
    status = 0
    why = store.damage(db) if db.exists() else None
    if why is not None:
        print(damaged_message(db, why), file=sys.stderr)
        status = 1
    elif db.exists():
        ingests = store.ingests(db).with_columns(pl.col("loaded_at").dt.strftime("%Y-%m-%d %H:%M:%S"))
        print(f"已发布的数据库 (published database): {db}")
        print(f"导入记录 (ingests): {ingests.height}")
        with pl.Config(**_TABLE):
            print(ingests.select("ingest_id", "loaded_at", "who", "files", "rows", "outcome"))
    else:
        print(f"没有数据库 {db} (no database: {db})", file=sys.stderr)
        status = 2
    print()
    if not kept:
        print(f"没有保留的快照 (no kept snapshots); {store.KEEP_ENV}={store.keep_count()}")
        return status
    print(
        f"保留的快照，最新在前：{len(kept)} 个，最多 {store.keep_count()} 个 "
        f"(kept snapshots, newest first: {len(kept)}, at most {store.keep_count()}: ${store.KEEP_ENV})"
    )
    frame = pl.DataFrame(
        [
            {
                "snapshot_id": s.id,
                "kept_at": _seconds(s.kept_at.astimezone().replace(tzinfo=None)),
                "last_ingest_id": s.last_ingest_id,
                "last_ingest_at": _seconds(s.last_ingest_at),
                "units": s.units,
                "events": s.events,
                "files": s.files,
            }
            for s in kept
        ],
        schema={
            "snapshot_id": pl.String,
            "kept_at": pl.String,
            "last_ingest_id": pl.Int64,
            "last_ingest_at": pl.String,
            "units": pl.Int64,
            "events": pl.Int64,
            "files": pl.Int64,
        },
    )
    with pl.Config(**_TABLE):
        print(frame)
    for s in kept:
        if s.error:
            print(f"读不出快照 {s.id} (cannot read snapshot {s.id}): {s.error}", file=sys.stderr)
    print(f"回滚 (roll back): campaign rollback --db {db} SNAPSHOT_ID")
    return status


def _rollback(args: argparse.Namespace) -> int:
    from campaign.intake.ingest import current_user

    db = Path(args.db or store.default_db())
    try:
        done = store.rollback(db, args.snapshot_id, current_user())
    except FileNotFoundError as missing:
        print(missing, file=sys.stderr)
        return 2
    except store.UnknownSnapshot as unknown:
        print(unknown, file=sys.stderr)
        return 1
    except (*connect.ERRORS, OSError) as error:
        print(
            f"回滚失败，已发布的数据未改变 (rollback failed, the published data is unchanged): {error}",
            file=sys.stderr,
        )
        return 1
    print(
        f"已回滚到快照 {done.snapshot_id}，记为导入 {done.ingest_id} "
        f"(rolled back to snapshot {done.snapshot_id}, recorded as ingest {done.ingest_id}): {db}"
    )
    if done.kept:
        print(f"回滚前的数据已保留为快照 {done.kept} (the data rolled back from is kept as snapshot {done.kept})")
    else:
        print("回滚前的数据未保留 (the data rolled back from was not kept)")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from campaign import config
    from campaign.ops import serve

    overrides = {
        name: str(value)
        for name, value in (
            (config.CONFIG_ENV, args.config),
            ("CAMPAIGN_PORT", args.port),
            ("CAMPAIGN_ADDRESS", args.address),
            ("CAMPAIGN_HEALTH_PORT", args.health_port),
        )
        if value is not None
    }
    try:
        settings = config.load({**os.environ, **overrides})
    except config.ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    if args.check:
        print(json.dumps(settings.public(), ensure_ascii=False, indent=2))
        return 0
    return serve.run(settings)


def _health(args: argparse.Namespace) -> int:
    from campaign import config
    from campaign.ops import health

    if args.stale is not None:
        stale = config.stale_limit(args.stale)
        if stale is False:
            print(f"--stale {args.stale!r}: 应为时长，如 24h、2d，或 off (a duration: 24h, 2d, off)", file=sys.stderr)
            return 2
    else:
        try:
            stale = config.load().stale
        except config.ConfigError as error:
            print(error, file=sys.stderr)
            return 2
    if args.db is None and args.campaign is None:  # every installed campaign, each one's snapshot
        status, body = health.check_all(store.default_db(), stale, args.url)
    else:
        status, body = health.check(Path(args.db or store.default_db()), stale, args.url)
    print(json.dumps(body, ensure_ascii=False, indent=2))
    return health.EXIT[status]


def _brief(args: argparse.Namespace) -> int:
    from campaign.outputs import brief

    db = _published(args)
    if db is None:
        return 2
    try:
        pdf = brief.build(db, args.as_of, args.district, args.lang)
    except brief.NoCJKFont as missing:
        print(missing, file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(pdf)
    print(f"已写入日报 (brief written): {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
