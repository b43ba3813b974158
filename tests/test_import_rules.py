"""The package's import rules (pyproject.toml's [tool.importlinter], docs/architecture.md) hold, and a breach fails."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [
        sys.executable,
        "-c",
        "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
    ]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_the_package_keeps_its_import_rules() -> None:
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 kept, 0 broken" in done.stdout


def test_a_module_of_the_intake_importing_streamlit_breaks_a_rule(tmp_path) -> None:
    shutil.copytree(ROOT / "campaign", tmp_path / "campaign", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    title = tmp_path / "campaign" / "intake" / "title.py"
    title.write_text(title.read_text() + "\nimport streamlit  # a deliberate breach\n")
    ops = tmp_path / "campaign" / "answers" / "forecast.py"
    ops.write_text(ops.read_text() + "\nfrom campaign.ops import cli  # another\n")
    done = _lint(tmp_path)
    assert done.returncode != 0
    assert "only the app imports streamlit BROKEN" in done.stdout
    assert "nothing imports ops BROKEN" in done.stdout
    assert "campaign.intake.title -> streamlit" in done.stdout


# ------------------------------------------------------------------- the tests' own rule ---
def _test_module_imports(path: Path) -> list[str]:
    """The imports in ``path`` of a test module or of conftest: helpers come from tests.support only."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = ["." * node.level + (node.module or "")]
        else:
            continue
        for name in names:
            last = name.rsplit(".", 1)[-1]
            if name.startswith(".") or last.startswith("test_") or last == "conftest":
                found.append(f"{path.relative_to(path.parents[1])}:{node.lineno} imports {name}")
    return found


def test_no_test_module_imports_another_test_module() -> None:
    sources = [p for p in (ROOT / "tests").rglob("*.py") if "corpus" not in p.relative_to(ROOT).parts]
    breaches = [breach for path in sources for breach in _test_module_imports(path)]
    assert breaches == [], "import shared helpers from tests.support instead:\n" + "\n".join(breaches)
    # each folder of tests is a package: two test files may share a name, and tests.support imports alike
    folders = {p.parent for p in sources}
    assert [f for f in folders if not (f / "__init__.py").exists()] == []


def test_a_test_module_importing_another_or_conftest_is_found(tmp_path) -> None:
    module = tmp_path / "tests" / "test_x.py"
    module.parent.mkdir()
    module.write_text(
        "from tests.support.browser import settle\n"
        "from tests.app.test_browser import open_page\n"
        "def test_y():\n    from conftest import write_tiny\n    import test_z\n    from .test_w import v\n"
    )
    found = _test_module_imports(module)
    assert [line.split(" imports ")[1] for line in found] == [
        "tests.app.test_browser",
        "conftest",
        "test_z",
        ".test_w",
    ]
