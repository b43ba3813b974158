"""Time each statement of derive.sql on a snapshot, side by side with another git ref's if asked. A command, not a test:

    uv run python benchmarks/derive_profile.py SNAPSHOT [--baseline REF] [--repeat 2] [--work DIR] [--check]

The snapshot is copied into --work (default /tmp/derive-profile) and derived there for all its districts, as a
country's first load derives a group of districts (store._derive_in_place: into an in-memory database of its own,
with scoped_units and scoped_events picked out first). Each statement of the script (split as DuckDB runs them) and
each setup step of store.derive is timed; with ``--baseline REF`` store.py and derive.sql as REF had them run on the
same copy, alternately with the working tree's, and the table shows both. ``--check`` compares every derived table
of the two, row by row in stored order (the derived tables' contract: the same rows in the same order).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_store(ref: str | None, scratch: Path):
    """campaign.snapshot.store as the working tree has it (None) or as git ``ref`` had it (store.py and derive.sql
    written beside each other in ``scratch``, so that its DERIVE path reads that ref's script)."""
    if ref is None:
        from campaign.snapshot import store

        return store
    folder = scratch / re.sub(r"\W", "_", ref)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("store.py", "derive.sql", "schema.sql"):
        text = subprocess.run(
            ["git", "show", f"{ref}:campaign/snapshot/{name}"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        (folder / name).write_bytes(text)
    spec = importlib.util.spec_from_file_location(f"store_{folder.name}", folder / "store.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class Timed:
    """A connection whose statements are timed: derive.sql's one by one (by the table or macro each makes)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, script: str):
        self.con, self.script, self.times = con, script, {}

    def _time(self, label: str, run) -> object:
        start, cpu = time.perf_counter(), time.process_time()
        out = run()
        self.times[label] = self.times.get(label, 0.0) + time.perf_counter() - start
        self.times["cpu " + label] = self.times.get("cpu " + label, 0.0) + time.process_time() - cpu
        return out

    def execute(self, sql, *args):
        if sql == self.script:
            for statement in self.con.extract_statements(sql):
                made = re.search(r"create or replace (?:temp )?(?:table|macro) (\w+)", statement.query)
                lines = [line for line in statement.query.splitlines() if line.strip() and not line.startswith("--")]
                label = made.group(1) if made else lines[0][:50]
                self._time(label, lambda q=statement.query: self.con.execute(q))
            return self.con
        label = "setup: " + " ".join(sql.split()[:6])[:50]
        return self._time(label, lambda: self.con.execute(sql, *args))

    def __getattr__(self, name):
        return getattr(self.con, name)


def run(store, db: Path, fresh: str) -> dict[str, float]:
    """Derive every district of ``db`` into the in-memory database ``fresh`` (kept attached); the times."""
    con = duckdb.connect(str(db))
    try:
        con.execute(f"set memory_limit = '{store.BUILD_MEMORY}'")
        districts = sorted(d for (d,) in con.execute("select distinct district from units").fetchall())
        timed = Timed(con, store.DERIVE.read_text(encoding="utf-8"))
        (home,) = con.execute("select current_database()").fetchone()
        con.execute(f"attach ':memory:' as {fresh}")
        con.execute(f"set search_path = '{fresh}.main,main'")
        start, cpu = time.perf_counter(), time.process_time()
        try:
            store.derive(timed, districts)
        finally:
            con.execute(f'use "{home}"')
        timed.times["total"] = time.perf_counter() - start
        timed.times["cpu total"] = time.process_time() - cpu
        return timed.times, con
    except BaseException:
        con.close()
        raise


def compare(con_a, con_b, fresh_a: str, fresh_b: str, tables: list[str]) -> list[str]:
    """The derived tables whose rows (in stored order) differ between the two runs."""
    differ = []
    for table in tables:
        a = con_a.sql(f"select * from {fresh_a}.main.{table}").pl()
        b = con_b.sql(f"select * from {fresh_b}.main.{table}").pl()
        common = [c for c in a.columns if c in b.columns]
        extra = sorted(set(a.columns) ^ set(b.columns))
        same = a.select(common).equals(b.select(common))
        print(
            f"  {table:<22} {a.height:>10,} rows  {'same' if same else 'DIFFERENT'}"
            + (f"  (columns in one only: {', '.join(extra)})" if extra else "")
        )
        if not same:
            differ.append(table)
    return differ


def got_labels(labels: list[str]) -> list[str]:
    return [*labels, *("cpu " + label for label in labels)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--baseline", help="git ref whose store.py and derive.sql to time alongside")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (the table shows the median)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/derive-profile"))
    parser.add_argument("--check", action="store_true", help="compare every derived table (needs --baseline)")
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / "profile.duckdb"
    shutil.copyfile(args.snapshot, db)
    scratch = Path(tempfile.mkdtemp(dir=args.work))
    variants = {"new": load_store(None, scratch)}
    if args.baseline:
        variants = {"base": load_store(args.baseline, scratch), **variants}
    times: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
    for i in range(args.repeat):
        cons = {}
        for name, store in variants.items():
            got, con = run(store, db, f"fresh_{name}")
            times[name].append(got)
            print(f"run {i + 1} {name}: {got['total']:.1f} s", flush=True)
            if args.check and args.baseline and i == 0:
                cons[name] = con
            else:
                con.close()
        if cons:
            print("check (rows in stored order):")
            tables = [*variants["new"].DERIVED_TABLES, "event_range"]
            differ = compare(cons["base"], cons["new"], "fresh_base", "fresh_new", tables)
            for con in cons.values():
                con.close()
            if differ:
                print("DIFFERENT:", ", ".join(differ))
    labels = list(dict.fromkeys(label for runs in reversed(times.values()) for got in runs for label in got))
    labels = [label for label in labels if not label.startswith("cpu ") and label != "total"] + ["total"]
    median = {
        name: {label: statistics.median(g.get(label, 0.0) for g in runs) for label in got_labels(labels)}
        for name, runs in times.items()
    }
    names = list(variants)
    # wall seconds, and the process's CPU seconds (every DuckDB thread's): the steadier on a shared machine
    head = "".join(f"{n:>10}" for n in names) + "".join(f"{'cpu ' + n:>10}" for n in names)
    print(f"\n{'statement (median seconds)':<52}" + head + ("  cpu ratio" if len(names) == 2 else ""))
    for label in labels:
        row = [median[n][label] for n in names] + [median[n]["cpu " + label] for n in names]
        ratio = f"{row[2] / row[3]:>10.2f}x" if len(names) == 2 and row[3] > 0.005 else ""
        if max(row) >= 0.005:
            print(f"{label[:51]:<52}" + "".join(f"{v:>10.2f}" for v in row) + ratio)
    return 0


if __name__ == "__main__":
    sys.exit(main())
