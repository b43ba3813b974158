"""Measure the dashboard at a scale, side by side with the pandas baseline. A command, not a test:

    uv run python benchmarks/bench.py --scale seed|tiny|city|national [--browser] [--quick] [--repeat 20] [--work DIR]

In one run, for the chosen scale, it prints a table and writes JSON (benchmarks/results-SCALE.json):

- ingest: files -> published snapshot, in a child process each (clean peak memory: its ru_maxrss):
  every CSV file into a fresh database (the database every later step reads), then the XLSX files
  (for city and national the ``xlsx/`` copy of the first districts; for seed the sample's XLSX files)
  into another; rows/s = rows read from the files / seconds of ``ingest()``;
  with ``--skip ingest`` (and no database in --work yet) the database is built with ``campaign.generate.scale.
  build_database`` instead, in a child process (its time and peak memory are shown in the same table):
  the way to get a national database without an hour of ingest;
- every named query a page runs: cold (a fresh process, a fresh connection, first run) and warm
  (``queries.run`` as the pages call it), p50 and p95 over ``--repeat`` runs with varied filters
  (district, town, kind, ...) and as-of dates;
- each page's server-side run in AppTest: navigating to the page, and a change of the as-of day;
- with ``--browser`` (needs /usr/bin/chromium): in Chromium, for each page, until every chart is drawn:
  the page opened by its URL (a new session: the app's code and Plotly's loaded), reached by the sidebar's
  link from another page (same session), and a change of the sidebar's district;
- the pandas baseline (generated scales, whose files are plain UTF-8 CSV), in a child process (its peak
  memory shown; --timeout bounds it): pandas reads the same files and computes the same figures, as a
  Streamlit page without a database would on every rerun; the ratio is baseline time / warm p50 of the
  named query. Skipped (and said so) when it would not fit in memory: ~30 GB at national scale.

``--quick`` is ``--repeat 3 --page-repeat 1``: to check that every step runs, not to quote figures.
``tiny`` is the test scale (600 units): every step in a few minutes.

Generated files and databases go to --work (default /tmp/campaign-bench/SCALE) and are reused when
present (delete the folder to regenerate).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.processes import CHROMIUM, free_port, stop  # noqa: E402  (shared with the tests)

# what each page runs (pages/*.py; the sidebar's snapshot_info and districts run on every page)
SIDEBAR = ["snapshot_info", "districts"]
PAGE_QUERIES = {
    "overview": ["coverage_by_district", "whole_committees", "targets_check", "towns_ranked"],
    "progress": ["progress_curve", "district_glance", "created_per_batch", "town_batch_matrix", "batches"],
    "towns": ["places", "towns_ranked", "committees_in_town", "find_units"],
    "grids": ["grid_places", "grid_tree", "grid_levels"],
    "services": ["services_by_place", "services_by_kind", "services_trend"],
    "changes": ["changes_by_date", "district_glance", "revoked_open", "whole_over_time"],
    "forecast": ["forecast"],
    "quality": [
        "targets_check",
        "dq_batch_counts",
        "list_marks",
        "dq_created_twice",
        "dq_model_no_creation",
        "dq_revoked_not_created",
        "dq_cumulative_fell",
        "dq_whole_claim_missing",
        "dq_whole_claim_denied",
        "dq_never_listed",
        "dq_grid_households",
    ],
    "explorer": ["places", "batches", "units", "find_units"],
    "find": ["find_units", "unit_history"],
    "data": ["snapshot_info", "ingests"],
    "screen": [
        "district_glance",
        "coverage_by_district",
        "progress_curve",
        "towns_ranked",
        "coverage_by_town",
        "created_per_batch",
        "town_batch_matrix",
    ],
}
APPTEST_PAGES = [
    "overview",
    "progress",
    "towns",
    "changes",
    "forecast",
    "quality",
    "explorer",
    "data",
    "grids",
    "services",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# ---------------------------------------------------------------------------------------------------
# files


def prepare_files(scale: str, work: Path) -> dict:
    """The files to ingest: CSV, XLSX, and the counts."""
    if scale == "seed":
        from campaign.intake.reader import status_files

        files = status_files(ROOT / "data" / "sample")
        return {
            "folder": str(ROOT / "data" / "sample"),
            "csv": [str(p) for p in files if p.suffix.lower() != ".xlsx"],
            "xlsx": [str(p) for p in files if p.suffix.lower() == ".xlsx"],
            "all": [str(p) for p in files],
            "generate_s": 0.0,
        }
    from campaign.generate.scale import SCALES, write_scale

    folder = work / "files"
    started = time.perf_counter()
    if not (folder / "scale.json").is_file():
        print(f"generating {scale} files in {folder} ...", flush=True)
        write_scale(SCALES[scale], folder)
    generate = time.perf_counter() - started
    counts = json.loads((folder / "scale.json").read_text(encoding="utf-8"))
    return {
        "folder": str(folder),
        "csv": [str(p) for p in sorted(folder.glob("*.csv"))],
        "xlsx": [str(p) for p in sorted((folder / "xlsx").glob("*.xlsx"))],
        "all": [str(p) for p in sorted(folder.glob("*.csv"))],
        "generate_s": round(generate, 2),
        "counts": counts,
    }


# ---------------------------------------------------------------------------------------------------
# ingest, in a child process


def child_ingest(db: str, files: list[str]) -> None:
    from campaign.intake.ingest import ingest

    started = time.perf_counter()
    report = ingest([Path(f) for f in files], Path(db), who="bench")
    seconds = time.perf_counter() - started
    rows = sum(f.rows for f in report.files)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": rows,
                "units_added": report.units_added,
                "events_added": report.events_added,
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def measure_ingest(label: str, db: Path, files: list[str], timeout: float) -> dict:
    for leftover in (db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    (db.parent / "snapshots").mkdir(exist_ok=True)
    if not files:
        return {"label": label, "skipped": "no files"}
    started = time.perf_counter()
    args = [sys.executable, __file__, "--child-ingest", str(db), "--files-from", "-"]
    env = {**os.environ, "CAMPAIGN_KEEP_SNAPSHOTS": "0"}
    done = subprocess.run(
        args, input="\n".join(files), capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return {"label": label, "error": done.stderr[-2000:]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result |= {
        "label": label,
        "files": len(files),
        "process_s": round(wall, 2),
        "seconds": round(result["seconds"], 2),
        "rows_per_s": round(result["rows"] / result["seconds"]),
        "maxrss_mb": round(result["maxrss_mb"]),
        "db_mb": round(db.stat().st_size / 2**20, 1) if db.exists() else None,
    }
    return result


def child_build(scale: str, db: str) -> None:
    from campaign.generate.scale import SCALES, build_database

    started = time.perf_counter()
    done = build_database(SCALES[scale], db, who="bench")
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": done["units"] + done["events"],
                "units_added": done["units"],
                "events_added": done["events"],
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def measure_build(scale: str, db: Path, timeout: float) -> dict:
    """The database built straight from the model (campaign build-scale), in a child process."""
    for leftover in (db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    args = [sys.executable, __file__, "--child-build", scale, str(db)]
    env = {**os.environ, "CAMPAIGN_KEEP_SNAPSHOTS": "0"}
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return {"label": "build-scale", "error": done.stderr[-2000:]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result | {
        "label": "build-scale (no files)",
        "files": 0,
        "process_s": round(wall, 2),
        "seconds": round(result["seconds"], 2),
        "rows_per_s": round(result["rows"] / result["seconds"]),
        "maxrss_mb": round(result["maxrss_mb"]),
        "db_mb": round(db.stat().st_size / 2**20, 1) if db.exists() else None,
    }


# ---------------------------------------------------------------------------------------------------
# one district's new list into the snapshot, as an official loads it every day

NEW_LIST_ROWS = 500  # a day's list of a district: a few hundred units at most


def write_new_list(db: Path, out: Path) -> dict:
    """A list the snapshot has not seen: up to NEW_LIST_ROWS units of its first district never created, listed as
    created in the district's next batch (or round) the day after the snapshot's last publication, under the
    header words of the files towns send (the generator's)."""
    import duckdb
    import polars as pl

    from campaign.generate.scale import KIND_WORDS, STATUS_WORDS

    con = duckdb.connect()
    try:
        con.execute(f"attach '{db}' as s (read_only)")
        district, rounds, batch = con.sql(
            "select district, bool_or(e.counts_rounds), coalesce(max(e.batch), 0) + 1 from s.units u"
            " join s.events e using (unit_id) where u.district = (select min(district) from s.units)"
            " group by district"
        ).fetchall()[0]
        (day,) = con.sql("select max(published) + interval 1 day from s.events").fetchall()[0]
        frame = con.sql(
            "select district, town, committee, name, kind from s.units u where district = $d and not exists"
            " (select 1 from s.events e where e.unit_id = u.unit_id and e.event = 'created')"
            " order by town, committee, name limit $n",
            params={"d": district, "n": NEW_LIST_ROWS},
        ).pl()
    finally:
        con.close()
    frame.select(
        pl.col("district").alias("区"),
        pl.col("town").alias("街镇"),
        pl.col("committee").alias("居委/村"),
        pl.col("name").alias("名称"),
        pl.col("kind").replace_strict(KIND_WORDS).alias("类型"),
        pl.lit(batch).alias("轮次" if rounds else "批次"),
        pl.lit(STATUS_WORDS["created"]).alias("状态"),
        pl.lit(day.date().isoformat() if hasattr(day, "date") else str(day)[:10]).alias("公布日期"),
    ).write_csv(out)
    return {"district": district, "rows": frame.height, "batch": batch, "rounds": rounds, "day": str(day)[:10]}


def measure_district(db: Path, work: Path, repeat: int, timeout: float) -> dict:
    """Seconds from `campaign ingest --db COPY NEW_LIST.csv` starting until it returns (the new snapshot
    published: a fresh page shows it), on a copy of ``db`` each time (not timed, and on disk before the command
    starts), with previous snapshots kept as the command keeps them."""
    listed = work / "new_list.csv"
    out: dict = write_new_list(db, listed)
    copy = work / "district" / "campaign.duckdb"
    runs = []
    for _ in range(repeat):
        shutil.rmtree(copy.parent, ignore_errors=True)
        copy.parent.mkdir(parents=True)
        shutil.copyfile(db, copy)
        # written to disk before the command starts, as a published file is by the time the next list comes: a
        # copy's pages still being written back would slow the command's own copy of it
        os.sync()
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "campaign", "ingest", "--db", str(copy), str(listed)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
        runs.append(time.perf_counter() - started)
        if done.returncode != 0:
            return out | {"error": (done.stdout + done.stderr)[-2000:]}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import campaign.intake.ingest"], check=True, cwd=ROOT)
    imports = time.perf_counter() - started
    shutil.rmtree(copy.parent, ignore_errors=True)
    return out | {
        "db_mb": round(db.stat().st_size / 2**20),
        "command_p50_s": round(percentile(runs, 50), 2),
        "command_max_s": round(max(runs), 2),
        "runs": len(runs),
        "python_start_and_imports_s": round(imports, 2),
    }


# ---------------------------------------------------------------------------------------------------
# queries


TABLE_ROWS_MAX = 10_000  # campaign.app.ui.TABLE_ROWS_MAX: the explorer's limit (not imported: ui imports Streamlit)
MANY_DISTRICTS = 12  # campaign.app.ui.MANY_DISTRICTS: past it, pages ask for towns only with a district chosen
STATUSES = ["created", "not_created", "revoked", "model"]  # the explorer's status filter
FIND_SHOWN = 50  # pages/find.py's SHOWN: the find page fetches the first 50 matches and counts them all


def variants(db: Path, count: int, seed: int = 7) -> dict[str, list[dict]]:
    """For every query a page runs: ``count`` parameter sets, varied, the first one the pages' default."""
    import duckdb

    from campaign.answers import queries

    con = duckdb.connect()
    con.execute(f"attach '{db}' as s (read_only); use s")
    first, last = con.sql("select min(published), max(published) from events").fetchall()[0]
    # a seeded sample of units (every unit at national scale would be 5M rows in Python)
    places = con.sql(
        "select district, town, committee, kind, name from units using sample reservoir(2000 rows) repeatable (7) "
        "order by all"
    ).fetchall()
    batches = [b for (b,) in con.sql("select distinct batch from events where batch is not null order by 1").fetchall()]
    grid_places = con.sql("select distinct district, town, committee from grids order by all limit 2000").fetchall()
    service_places = con.sql(
        "select distinct district, town, committee from services order by all limit 2000"
    ).fetchall()
    con.close()
    rng = random.Random(seed)
    days = [first + dt.timedelta(days=d) for d in range(0, (last - first).days + 1)] if first else [None]
    kinds = sorted({p[3] for p in places})
    few_districts = len({p[0] for p in places}) <= MANY_DISTRICTS
    out: dict[str, list[dict]] = {}
    for name in sorted({q for qs in PAGE_QUERIES.values() for q in qs} | set(SIDEBAR)):
        wanted = queries.parameters(name)
        pool = grid_places if name.startswith("grid_") else service_places if name.startswith("services") else places
        sets = []
        for i in range(count):
            place = rng.choice(pool) if pool else (None, None, None, None, None)
            chosen = {
                "as_of": None if i == 0 else rng.choice(days),
                "district": None if i == 0 and "town" not in wanted else place[0],
                "town": place[1],
                "committee": place[2],
                "kind": None if i % 2 == 0 else rng.choice(kinds),
                "batch": None if i % 3 else rng.choice(batches) if batches else None,
                "name": place[4] if len(place) > 4 else None,
                "limit": TABLE_ROWS_MAX,
            }
            if i % 4 == 1 and "town" not in wanted:
                chosen["district"] = None  # every district
            # the forecast page asks for towns' rows only with a district chosen, or with a few districts
            chosen["towns"] = chosen["district"] is not None or few_districts
            if name in ("coverage_by_town", "town_batch_matrix"):  # the screen and the progress page: a district's
                chosen["district"] = place[0]
            if name in ("units", "find_units"):  # the explorer: a district's units, or a town's; no committee
                chosen["town"] = place[1] if i % 3 == 1 else None
                chosen["committee"] = None
            if name == "units":  # the explorer asks it with a status (or batch or dates) chosen
                chosen["status"] = STATUSES[i % len(STATUSES)]
                if i % 3 == 2 and place[4]:  # its name box too: a part of a unit's name, anywhere
                    chosen = {"search": place[4][:2], "status": chosen["status"], "limit": TABLE_ROWS_MAX}
            if name == "find_units":
                if i % 2:  # the find page: a part of a unit's name, in the sidebar's district or all
                    district = None if i % 4 == 1 else chosen["district"]  # one in two: every district
                    chosen = {"search": place[4][:2], "district": district, "limit": FIND_SHOWN}
                elif i % 4 == 2 and place[4]:  # the explorer's name box without a status: a name anywhere
                    chosen = {"search": place[4][:2], "limit": TABLE_ROWS_MAX}
                # else the explorer without a status: a district's units, a town's, a kind's
            sets.append({k: v for k, v in chosen.items() if k in wanted})
        out[name] = sets
    return out


def child_cold(db: str) -> None:
    """Each query's first run on a fresh connection, in this fresh process."""
    import duckdb

    from campaign.answers import queries

    names = json.loads(sys.stdin.read())
    result = {}
    for name, params in names.items():
        sql, declared = queries._load(name)
        values = {p: params.get(p) for p in declared}
        started = time.perf_counter()
        con = duckdb.connect()
        con.execute(f"attach '{db}' as snapshot (read_only)")
        con.execute("use snapshot")
        (con.sql(sql, params=values) if values else con.sql(sql)).pl()
        result[name] = time.perf_counter() - started
        con.close()
    print(json.dumps(result))


def baseline_sql(ref: str) -> dict[str, tuple[str, frozenset[str]]]:
    """The named queries as git ``ref`` had them, for those whose text differs from the working tree's."""
    from campaign.answers import queries

    out = {}
    for name in queries.names():
        shown = subprocess.run(
            ["git", "show", f"{ref}:queries/{name}.sql"], capture_output=True, text=True, cwd=ROOT, check=False
        )
        if shown.returncode == 0 and shown.stdout != queries._load(name)[0]:
            code = re.sub(r"--[^\n]*", "", shown.stdout)
            out[name] = (shown.stdout, frozenset(queries._PARAM.findall(code)))
    return out


def measure_queries(db: Path, repeat: int, baseline: str | None = None) -> dict:
    """Each query warm over ``repeat`` parameter sets; with ``baseline`` (a git ref) the queries whose text
    changed since are also run as that ref had them, on the same snapshot and connection, alternately with
    the current ones (``baseline_p50_ms``, ``baseline_p95_ms``): before and after side by side in one run."""
    from campaign.answers import queries

    before = baseline_sql(baseline) if baseline else {}
    sets = variants(db, repeat)
    for params in (p for ps in sets.values() for p in ps):
        for key in ("as_of",):
            if isinstance(params.get(key), dt.date):
                params[key] = params[key]
    cold_input = {
        name: {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in ps[0].items()}
        for name, ps in sets.items()
    }
    done = subprocess.run(
        [sys.executable, __file__, "--child-cold", str(db)],
        input=json.dumps(cold_input),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=3600,
    )
    cold = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {}
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
    out = {}
    for name, params_list in sets.items():
        queries.run(name, db=db, **params_list[0])  # connection and plan caches as a running server has them
        old = before.get(name)
        if old:
            _run_sql(db, old, params_list[0])
        times, old_times, rows = [], [], 0
        for params in params_list:
            started = time.perf_counter()
            frame = queries.run(name, db=db, **params)
            times.append(time.perf_counter() - started)
            rows = max(rows, frame.height)
            if old:
                started = time.perf_counter()
                again = _run_sql(db, old, params)
                old_times.append(time.perf_counter() - started)
                if again.rows() != frame.rows():  # before and after must answer the same
                    print(f"{name}: the baseline's rows differ for {params}", file=sys.stderr)
        out[name] = {
            "cold_ms": ms(cold[name]) if name in cold else None,
            "p50_ms": ms(percentile(times, 50)),
            "p95_ms": ms(percentile(times, 95)),
            "max_rows": rows,
            "runs": len(times),
        }
        if old:
            out[name] |= {
                "baseline_p50_ms": ms(percentile(old_times, 50)),
                "baseline_p95_ms": ms(percentile(old_times, 95)),
            }
    return out


def _run_sql(db: Path, query: tuple[str, frozenset[str]], params: dict):
    """A query's text run as queries.run runs a named one (the shared reader)."""
    from campaign.snapshot import store

    sql, declared = query
    cur = store.reader(db).cursor()
    try:
        values = {p: params.get(p) for p in declared}
        return cur.sql(sql, params=values).pl() if values else cur.sql(sql).pl()
    finally:
        cur.close()


# ---------------------------------------------------------------------------------------------------
# pages in AppTest


def measure_apptest(db: Path, repeat: int) -> dict:
    os.environ["CAMPAIGN_DB"] = str(db)
    import streamlit.logger

    # errors only (the pages' own exceptions are kept per page below): no "missing ScriptRunContext" floods
    streamlit.logger.set_log_level("error")
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    original = PagesManager.__init__

    def init(self, *args, **kwargs):  # keep st.navigation's mode across runs, as a server does (tests/conftest.py)
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    import duckdb

    con = duckdb.connect()
    con.execute(f"attach '{db}' as s (read_only)")
    first, last = con.sql("select min(published), max(published) from s.events").fetchall()[0]
    con.close()
    middle = first + (last - first) / 2
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    started = time.perf_counter()
    at.run()
    first_run = time.perf_counter() - started
    out: dict = {"_first_run_ms": ms(first_run), "_exception": [str(e.value)[:300] for e in at.exception]}
    for page in APPTEST_PAGES:
        nav, change, errors = [], [], []
        for _ in range(repeat):
            started = time.perf_counter()
            at.switch_page(f"pages/{page}.py").run()
            nav.append(time.perf_counter() - started)
            errors += [str(e.value)[:300] for e in at.exception]
            started = time.perf_counter()
            at.sidebar.text_input(key="as_of").input(middle.isoformat()).run()
            change.append(time.perf_counter() - started)
            errors += [str(e.value)[:300] for e in at.exception]
            at.sidebar.text_input(key="as_of").input(last.isoformat()).run()
        out[page] = {
            "navigate_p50_ms": ms(percentile(nav, 50)),
            "navigate_max_ms": ms(max(nav)),
            "as_of_change_p50_ms": ms(percentile(change, 50)),
            "as_of_change_max_ms": ms(max(change)),
            "errors": sorted(set(errors))[:3],
        }
    PagesManager.__init__ = original
    return out


# ---------------------------------------------------------------------------------------------------
# pages in Chromium


# The page is drawn: Streamlit's script run has finished (and no rerun is pending), nothing on the page is
# stale from the run before, the page's title is there, no element still waits for its code (Streamlit shows
# a skeleton while it loads a chart's script, Plotly's 4.7 MB, on a page's first chart: without this check a
# chart not yet begun counted as drawn), and every Plotly chart has drawn its SVG.
ALL_DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]') || document.querySelector('[data-stale="true"]')) {
    return false;
  }
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  if (document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')) return false;
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(e => e.querySelector('.main-svg'));
}"""
# a rerun has started (or already finished and drawn again: a fast run may go by between two polls)
RERUN_STARTED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !app || app.getAttribute('data-test-script-state') !== 'notRunning'
    || !!document.querySelector('[data-stale="true"]');
}"""
EXCEPTION = '[data-testid="stException"]'
SIDEBAR_LINK = '[data-testid="stSidebarNav"] a[href$="/{}"]'


def drawn(page, settle_ms: int = 150) -> float:
    """Wait for ALL_DRAWN to hold, and to still hold ``settle_ms`` later (a first visit reruns at once);
    returns the perf_counter time at which it first held."""
    while True:
        page.wait_for_function(ALL_DRAWN, polling=16)
        at = time.perf_counter()
        page.wait_for_timeout(settle_ms)
        if page.evaluate(ALL_DRAWN):
            return at


# Notes each start of a script run from now on: a fast run (a page with little on it) can begin and end
# between two polls, which RERUN_STARTED alone then missed until its timeout (counted as a 2 s step).
WATCH_RUNS = """() => {
  window.__runStarted = false;
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__runWatch) window.__runWatch.disconnect();
  if (!app) { window.__runStarted = true; return; }
  window.__runWatch = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__runStarted = true;
  });
  window.__runWatch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


FRAMES_RECEIVED = [0]  # websocket messages from the server to the page, counted as playwright delivers them


def count_frames(page) -> None:
    def counted(_payload) -> None:
        FRAMES_RECEIVED[0] += 1

    page.on("websocket", lambda socket: socket.on("framereceived", counted))


def rerun_drawn(page, act, to_page: str | None = None) -> float:
    """Seconds from ``act()`` (a click that reruns the script) until the page is drawn again; ``to_page``: the
    click goes to this page (its URL's path), which shows that the run has begun however fast it was."""
    page.evaluate(WATCH_RUNS)
    begun = f"window.__runStarted || ({RERUN_STARTED})()"
    if to_page is not None:
        begun += f" || location.pathname.split('/').pop() === {json.dumps(to_page)}"
    before = FRAMES_RECEIVED[0]
    started = time.perf_counter()
    act()
    # begun: the server has sent something since (a run's first message), or the page shows a run
    while FRAMES_RECEIVED[0] == before and time.perf_counter() - started < 2:
        if page.evaluate(f"() => {begun}"):
            break
        page.wait_for_timeout(8)  # playwright delivers the websocket's frames while it waits
    return drawn(page) - started


def url_path(name: str) -> str:
    return "" if name == "overview" else name


def measure_page(page, base: str, name: str) -> dict:
    """One round on a page: opened by its URL (a new session: the browser loads the app's code and, with a
    chart, Plotly's), reached by the sidebar's link from another page (the same session: code already
    loaded), and the sidebar's district changed to the first. Seconds each, and the page's errors."""
    started = time.perf_counter()
    page.goto(f"{base}/{url_path(name)}")
    opened = drawn(page) - started
    other = "data" if name != "data" else "overview"
    rerun_drawn(page, lambda: page.locator(SIDEBAR_LINK.format(url_path(other))).first.click(), url_path(other))
    linked = rerun_drawn(page, lambda: page.locator(SIDEBAR_LINK.format(url_path(name))).first.click(), url_path(name))
    errors = [e.inner_text()[:300] for e in page.locator(EXCEPTION).all()]
    # in the sidebar's district box, the first option not chosen (the first district, or all when the first
    # district is chosen already: choosing the chosen one runs nothing)
    page.locator('[data-testid="stSidebar"] .st-key-district [data-testid="stSelectbox"]').click()
    option = page.locator('[role="option"][aria-selected="false"]').first
    option.wait_for()
    changed = rerun_drawn(page, option.click)
    errors += [e.inner_text()[:300] for e in page.locator(EXCEPTION).all()]
    return {"open": opened, "link": linked, "change": changed, "errors": errors}


def measure_browser(db: Path, work: Path, repeat: int) -> dict:
    from playwright.sync_api import sync_playwright

    port = free_port()
    log = open(work / f"streamlit-{port}.log", "wb")  # noqa: SIM115 - closed in finally, after the server
    env = {**os.environ, "CAMPAIGN_DB": str(db)}
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    out: dict = {}
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(base + "/_stcore/health", timeout=2).status == 200:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                return {"error": "server not healthy"}
            time.sleep(0.25)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            count_frames(page)
            page.set_default_timeout(600_000)
            started = time.perf_counter()
            page.goto(base + "/")  # warm the server once
            out["_first_visit_ms"] = ms(drawn(page) - started)
            for name in APPTEST_PAGES:
                rounds = [measure_page(page, base, name) for _ in range(repeat)]
                opened, linked, change = ([r[k] for r in rounds] for k in ("open", "link", "change"))
                out[name] = {
                    "navigate_p50_ms": ms(percentile(opened, 50)),
                    "navigate_max_ms": ms(max(opened)),
                    "link_p50_ms": ms(percentile(linked, 50)),
                    "link_max_ms": ms(max(linked)),
                    "district_change_p50_ms": ms(percentile(change, 50)),
                    "district_change_max_ms": ms(max(change)),
                    "charts": page.locator('[data-testid="stPlotlyChart"]').count(),
                    "errors": sorted({e for r in rounds for e in r["errors"]})[:3],
                }
            browser.close()
    finally:
        stop(server)
        log.close()
    return out


# ---------------------------------------------------------------------------------------------------
# the pandas baseline


def child_pandas() -> None:
    given = json.loads(sys.stdin.read())
    result = pandas_baseline(given["files"], Path(given["db"]), given["query_times"], given["repeat"])
    result["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result, default=str))


PANDAS_BYTES_PER_ROW = (
    1300  # the baseline's peak memory per CSV row (city: 485 MB for 236k rows, ~200 MB of it imports)
)


def available_memory() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def measure_pandas(files: dict, db: Path, query_times: dict, repeat: int, timeout: float, force: bool) -> dict:
    """The pandas baseline in a child process: its memory is its own (and a failure or time-out is reported).

    Skipped when it would not fit: pandas holds every row of every file, ~30 GB at national scale."""
    rows = files.get("counts", {}).get("csv_rows", 0)
    needed, available = rows * PANDAS_BYTES_PER_ROW + 300 * 2**20, available_memory()
    if not force and available and needed > 0.7 * available:
        return {
            "skipped": f"pandas would need ~{needed / 2**30:.1f} GB for {rows:,} rows; {available / 2**30:.1f} GB "
            "available (--pandas-force runs it anyway)"
        }
    given = {"files": files, "db": str(db), "query_times": query_times, "repeat": repeat}
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child-pandas"],
            input=json.dumps(given, default=str),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def pandas_baseline(files: dict, db: Path, query_times: dict, repeat: int) -> dict:
    """A page without a database: read the files with pandas, compute the page's figures, every rerun."""
    import pandas as pd

    folder = Path(files["folder"])

    def read() -> tuple[pd.DataFrame, pd.DataFrame]:
        rosters = pd.concat([pd.read_csv(p) for p in sorted(folder.glob("*_名册.csv"))], ignore_index=True)
        lists = []
        for p in sorted(folder.glob("*_第*.csv")):
            frame = pd.read_csv(p)
            lists.append(frame.rename(columns={"轮次": "批次"}))
        events = pd.concat(lists, ignore_index=True)
        events["公布日期"] = pd.to_datetime(events["公布日期"])
        return rosters, events

    key = ["区", "街镇", "居委/村", "名称"]

    def status(rosters, events, as_of):
        upto = events[(events["公布日期"] <= as_of) & (events["状态"].isna() | (events["状态"] == "取消"))]
        last = upto.sort_values("公布日期").drop_duplicates(key, keep="last")
        last = last.assign(is_created=last["状态"].isna())[key + ["is_created"]]
        merged = rosters.merge(last, on=key, how="left")
        merged["is_created"] = merged["is_created"].fillna(False).astype(bool)
        return merged

    def coverage_by_district(rosters, events, as_of):
        s = status(rosters, events, as_of)
        return s.groupby(["区", "类型"]).agg(total=("名称", "size"), created=("is_created", "sum")).reset_index()

    def towns_ranked(rosters, events, as_of):
        s = status(rosters, events, as_of)
        t = s.groupby(["区", "街镇"]).agg(total=("名称", "size"), created=("is_created", "sum")).reset_index()
        t["coverage"] = t["created"] / t["total"]
        t["rank"] = t.groupby("区")["coverage"].rank(ascending=False, method="min")
        return t.sort_values(["区", "rank"])

    def progress_curve(rosters, events, as_of):
        moves = events[(events["公布日期"] <= as_of) & (events["状态"].isna() | (events["状态"] == "取消"))]
        moves = moves.sort_values("公布日期", kind="stable")
        previous = moves.groupby(key)["状态"].shift(1, fill_value="取消")
        created = moves["状态"].isna()
        delta = (created & previous.notna()).astype(int) - ((~created) & previous.isna()).astype(int)
        moves = moves.assign(delta=delta)
        daily = moves.groupby(["区", "类型", "公布日期"])["delta"].sum().reset_index()
        daily["created"] = daily.groupby(["区", "类型"])["delta"].cumsum()
        return daily

    def created_per_batch(rosters, events, as_of):
        c = events[(events["公布日期"] <= as_of) & events["状态"].isna()]
        return c.groupby(["区", "类型", "批次"]).size().reset_index(name="units")

    questions = {
        "coverage_by_district": coverage_by_district,
        "towns_ranked": towns_ranked,
        "progress_curve": progress_curve,
        "created_per_batch": created_per_batch,
    }
    reads = []
    for _ in range(max(1, min(repeat, 3))):
        started = time.perf_counter()
        rosters, events = read()
        reads.append(time.perf_counter() - started)
    read_s = statistics.median(reads)
    as_of_days = sorted(events["公布日期"].unique())
    rng = random.Random(11)
    out: dict = {"read_ms": ms(read_s), "rows": len(rosters) + len(events)}
    for name, compute in questions.items():
        times = []
        for i in range(max(3, repeat // 2)):
            as_of = as_of_days[-1] if i == 0 else rng.choice(as_of_days)
            started = time.perf_counter()
            result = compute(rosters, events, as_of)
            times.append(time.perf_counter() - started)
            if i == 0 and name == "coverage_by_district":
                from campaign.answers import queries

                ours = queries.run("coverage_by_district", db=db).get_column("created").sum()
                out["check_created_latest"] = {"pandas": int(result["created"].sum()), "duckdb": int(ours)}
        compute_s = statistics.median(times)
        ours = query_times[name]["p50_ms"] / 1000
        out[name] = {
            "compute_ms": ms(compute_s),
            "rerun_ms": ms(read_s + compute_s),
            "ours_p50_ms": ms(ours),
            "ratio_rerun": round((read_s + compute_s) / ours, 1),
            "ratio_compute_only": round(compute_s / ours, 1),
        }
    return out


# ---------------------------------------------------------------------------------------------------


def machine() -> dict:
    import duckdb
    import polars
    import streamlit

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem / 2**20, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "polars": polars.__version__,
        "streamlit": streamlit.__version__,
        "pandas": __import__("pandas").__version__,
    }


def print_table(title: str, rows: list[dict], columns: list[str]) -> None:
    print(f"\n## {title}")
    widths = [max([len(c), *(len(str(r.get(c, ""))) for r in rows)]) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for r in rows:
        print("  ".join(str(r.get(c, "")).ljust(w) for c, w in zip(columns, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["seed", "city", "national", "tiny"], default="seed")
    parser.add_argument("--work", type=Path, help="folder for files and databases (default /tmp/campaign-bench/SCALE)")
    parser.add_argument("--repeat", type=int, default=20, help="runs per query (varied filters and days)")
    parser.add_argument("--page-repeat", type=int, default=3, help="runs per page (AppTest, browser)")
    parser.add_argument("--browser", action="store_true", help="also measure pages in Chromium")
    parser.add_argument(
        "--skip", default="", help="comma-separated steps to skip: ingest,xlsx,district,queries,apptest,pandas"
    )
    parser.add_argument("--out", type=Path, help="JSON output (default benchmarks/results-SCALE.json)")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds allowed for each ingest, build, baseline")
    parser.add_argument(
        "--pandas-force", action="store_true", help="run the pandas baseline even when it looks too big for memory"
    )
    parser.add_argument(
        "--db", type=Path, help="measure this snapshot (e.g. `campaign build-scale`'s): no files, ingest or baseline"
    )
    parser.add_argument(
        "--baseline", metavar="REF", help="also run the named queries as git REF had them, side by side (e.g. main)"
    )
    parser.add_argument("--quick", action="store_true", help="--repeat 3 --page-repeat 1: check the steps run")
    parser.add_argument("--child-ingest", help=argparse.SUPPRESS)
    parser.add_argument("--child-cold", help=argparse.SUPPRESS)
    parser.add_argument("--child-build", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-pandas", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--files-from", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_ingest:
        child_ingest(args.child_ingest, [line for line in sys.stdin.read().splitlines() if line])
        return 0
    if args.child_cold:
        child_cold(args.child_cold)
        return 0
    if args.child_build:
        child_build(*args.child_build)
        return 0
    if args.child_pandas:
        child_pandas()
        return 0
    if args.quick:
        args.repeat, args.page_repeat = 3, 1

    skip = set(filter(None, args.skip.split(",")))
    work = args.work or Path("/tmp/campaign-bench") / args.scale
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"scale": args.scale, "at": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine()}
    # the machine may be shared: the load average says how much else ran
    results["load_average_start"] = [round(x, 1) for x in os.getloadavg()]
    started = time.perf_counter()
    steps: dict[str, float] = {}  # seconds each step took, to plan a run
    mark = time.perf_counter()

    def step_done(name: str) -> None:
        nonlocal mark
        steps[name] = round(time.perf_counter() - mark, 1)
        mark = time.perf_counter()

    if args.db:  # a snapshot built before (build-scale): measured as it is, no files made
        skip |= {"ingest", "xlsx", "pandas"}
        files = {"folder": None, "csv": [], "xlsx": [], "all": []}
    else:
        files = prepare_files(args.scale, work)
    step_done("files")
    results["files"] = {k: v for k, v in files.items() if k not in ("csv", "xlsx", "all")}
    results["files"] |= {"csv_files": len(files["csv"]), "xlsx_files": len(files["xlsx"])}

    db = args.db or work / "campaign.duckdb"
    ingests = []
    if "ingest" not in skip:
        print("ingest CSV ...", flush=True)
        label = "all sample files (CSV+XLSX)" if args.scale == "seed" else "CSV"
        ingests.append(measure_ingest(label, db, files["all"], args.timeout))
    elif not db.exists() and args.scale != "seed":
        print("build-scale (ingest skipped) ...", flush=True)
        ingests.append(measure_build(args.scale, db, args.timeout))
    elif not db.exists():
        print("ingest (no database yet) ...", flush=True)
        ingests.append(measure_ingest("all sample files (CSV+XLSX)", db, files["all"], args.timeout))
    if "xlsx" not in skip:
        print("ingest XLSX ...", flush=True)
        ingests.append(measure_ingest("XLSX", work / "xlsx.duckdb", files["xlsx"], args.timeout))
    results["ingest"] = ingests
    print_table(
        f"ingest ({args.scale})",
        ingests,
        ["label", "files", "rows", "seconds", "rows_per_s", "maxrss_mb", "process_s", "db_mb", "error"],
    )
    if not db.exists():
        print(f"\nno database at {db}: the ingest failed (see above); stopping", file=sys.stderr)
        return 1

    step_done("ingest")
    if "district" not in skip:
        print("\none district's new list ...", flush=True)
        results["district"] = measure_district(db, work, max(1, min(args.page_repeat, 5)), args.timeout)
        print(json.dumps(results["district"], ensure_ascii=False))

    step_done("district")
    if "queries" not in skip:
        print("\nqueries ...", flush=True)
        results["queries"] = measure_queries(db, args.repeat, args.baseline)
        rows = [{"query": n, **v} for n, v in results["queries"].items()]
        columns = ["query", "cold_ms", "p50_ms", "p95_ms", "max_rows", "runs"]
        if args.baseline:
            results["baseline"] = args.baseline
            columns += ["baseline_p50_ms", "baseline_p95_ms"]
        print_table(f"named queries ({args.scale})", rows, columns)
        results["pages_queries"] = {
            page: {
                "sum_p50_ms": round(sum(results["queries"][q]["p50_ms"] for q in set(qs + SIDEBAR)), 1),
                "worst_p95_ms": max(results["queries"][q]["p95_ms"] for q in set(qs + SIDEBAR)),
            }
            for page, qs in PAGE_QUERIES.items()
        }

    step_done("queries")
    if "apptest" not in skip:
        print("\nAppTest ...", flush=True)
        try:
            results["apptest"] = measure_apptest(db, args.page_repeat)
        except Exception as error:  # noqa: BLE001 - reported, and the other steps still run
            results["apptest"] = {"_first_run_ms": None, "_error": f"{type(error).__name__}: {error}"[:2000]}
            print(results["apptest"]["_error"], file=sys.stderr)
        rows = [{"page": n, **v} for n, v in results["apptest"].items() if not n.startswith("_")]
        print_table(
            f"pages, server run in AppTest ({args.scale}; first run {results['apptest']['_first_run_ms']} ms)",
            rows,
            ["page", "navigate_p50_ms", "navigate_max_ms", "as_of_change_p50_ms", "as_of_change_max_ms", "errors"],
        )

    step_done("apptest")
    if args.browser:
        print("\nChromium ...", flush=True)
        try:
            results["browser"] = measure_browser(db, work, args.page_repeat)
        except Exception as error:  # noqa: BLE001 - reported, and the other steps still run
            results["browser"] = {"error": f"{type(error).__name__}: {error}"[:2000]}
        if "error" in results["browser"]:
            print(results["browser"]["error"], file=sys.stderr)
        rows = [{"page": n, **v} for n, v in results["browser"].items() if isinstance(v, dict)]
        print_table(
            f"pages in Chromium ({args.scale}; first visit {results['browser'].get('_first_visit_ms')} ms)",
            rows,
            [
                "page",
                "navigate_p50_ms",
                "navigate_max_ms",
                "link_p50_ms",
                "link_max_ms",
                "district_change_p50_ms",
                "district_change_max_ms",
                "charts",
                "errors",
            ],
        )

    step_done("browser")
    if "pandas" not in skip and args.scale != "seed" and "queries" in results:
        print("\npandas baseline ...", flush=True)
        results["pandas"] = measure_pandas(files, db, results["queries"], args.repeat, args.timeout, args.pandas_force)
        if "error" in results["pandas"] or "skipped" in results["pandas"]:
            print(results["pandas"].get("error") or results["pandas"]["skipped"], file=sys.stderr)
        else:
            rows = [
                {"question": n, **v} for n, v in results["pandas"].items() if isinstance(v, dict) and "compute_ms" in v
            ]
            print_table(
                f"pandas baseline ({args.scale}; read {results['pandas']['read_ms']} ms every rerun; "
                f"peak {results['pandas']['maxrss_mb']} MB; check {results['pandas'].get('check_created_latest')})",
                rows,
                ["question", "compute_ms", "rerun_ms", "ours_p50_ms", "ratio_rerun", "ratio_compute_only"],
            )
    elif args.scale == "seed":
        results["pandas"] = {"skipped": "the bundled sample's files are deliberately messy (GBK, title lines)"}

    step_done("pandas")
    results["total_s"] = round(time.perf_counter() - started, 1)
    results["step_s"] = steps
    results["load_average_end"] = [round(x, 1) for x in os.getloadavg()]
    print(f"\nload average at start {results['load_average_start']}, at end {results['load_average_end']}")
    out = args.out or ROOT / "benchmarks" / f"results-{args.scale}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\n{results['total_s']} s (steps: {steps}); JSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
