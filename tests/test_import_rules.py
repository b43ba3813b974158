"""The package's import rules (pyproject.toml's [tool.importlinter], docs/architecture.md) hold, and a breach fails."""

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
