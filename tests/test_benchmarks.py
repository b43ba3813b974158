"""The benchmark measures what the pages ask: every named query a page or the app's frame runs is among bench.py's
page queries, so a query added to a page is timed at national scale before anyone waits on it (two quality checks
once went unmeasured, one of them taking seconds over a country at each visit)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# texts in the pages that spell a query's name without asking it
NOT_ASKED = {"files": "the data page's column label for the ingests table's files"}


def _measured() -> set[str]:
    tree = ast.parse((ROOT / "benchmarks" / "bench.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) in ("PAGE_QUERIES", "SIDEBAR") for t in node.targets
        ):
            found |= {c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return found


def _texts(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {c.value for c in ast.walk(tree) if isinstance(c, ast.Constant) and isinstance(c.value, str)}


def _asked() -> set[str]:
    """Every text in the pages and the app kit that names a query: pages ask by name (ui.q, ui.opening, run, the
    shared answers), so a name written anywhere there is taken as asked."""
    sources = [*(ROOT / "pages").glob("*.py"), *(ROOT / "campaign" / "app").glob("*.py"), ROOT / "dashboard.py"]
    return {text for path in sources for text in _texts(path)}


def test_every_query_the_pages_ask_is_measured():
    names = {p.stem for p in (ROOT / "queries").glob("*.sql")}
    asked = _asked() & names - set(NOT_ASKED)
    assert len(asked) > 20, asked  # the names are still written as texts
    assert asked - _measured() == set()
