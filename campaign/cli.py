"""The ``campaign`` command: sample, ingest, summary."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import polars as pl

from campaign import queries, store
from campaign.problems import IngestRefused

SUMMARY_COLUMNS = {
    "district": ["district", "kind", "total", "created", "model", "revoked", "coverage_pct"],
    "town": ["district", "town", "kind", "total", "created", "model", "revoked", "coverage_pct"],
}


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="campaign", description="无疫小区创建进度 campaign-progress data tools")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sample", help="write the bundled sample status files (seeded: the same bytes every time)")
    p.add_argument("out_dir", type=Path)

    db_help = "database file (default: $CAMPAIGN_DB, else data/campaign.duckdb)"
    p = sub.add_parser("ingest", help="load status files (CSV/TSV/XLSX) into a new snapshot, all or nothing")
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("files", nargs="+", type=Path)

    p = sub.add_parser("summary", help="coverage per district (or town) and kind")
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("--as-of", type=_date, help="as at the end of this day (YYYY-MM-DD); default: latest")
    p.add_argument("--by", choices=["district", "town"], default="district")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "sample":
        from campaign.sample import write_sample

        for path in write_sample(args.out_dir):
            print(path)
        return 0
    if args.command == "ingest":
        return _ingest(args)
    return _summary(args)


def _ingest(args: argparse.Namespace) -> int:
    from campaign.ingest import ingest

    db = args.db or store.default_db()
    try:
        report = ingest(args.files, db)
    except IngestRefused as refused:
        print(refused, file=sys.stderr)
        return 1
    print(report.summary())
    print(f"已发布 (published): {db}" if report.changed else f"数据未改变 (nothing changed): {db}")
    return 0


def summary_frame(db: Path | None, as_of: dt.date | None, by: str) -> pl.DataFrame:
    frame = queries.run(f"coverage_by_{by}", db=db, as_of=as_of)
    # queries keep full precision (pages round once, for display); the CLI prints two decimals
    return frame.select(SUMMARY_COLUMNS[by]).with_columns(pl.col("coverage_pct").round(2))


def _summary(args: argparse.Namespace) -> int:
    db = args.db or store.default_db()
    if not Path(db).exists():
        print(
            f"没有数据库 {db}：请先运行 campaign ingest (no database yet: run `campaign ingest FILE...`)",
            file=sys.stderr,
        )
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


if __name__ == "__main__":
    sys.exit(main())
