"""What tests share besides fixtures (those are in tests/conftest.py): paths, and by module

- files: the tiny hand-checked campaign, a damaged snapshot, one-unit roster;
- hostile_files: zip-bomb workbooks, very wide and never-ending CSV (the limits' tests);
- hostile_names: names that Markdown, HTML or Plotly would read as markup, in every field;
- processes: a free port, stopping a process, its tree and memory, Chromium's path and switches (the
  benchmark commands share it);
- servers: the CLI as an operator runs it, the dashboard on a free port, nginx in front;
- browser: Debian's Chromium for Playwright, waiting for a run, opening a page;
- screen: the command-centre screen in a browser (layout and reading-order checks);
- apptest: the dashboard in Streamlit's AppTest, the data page with chosen uploads.

A test module imports from here, never from another test module.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
SAMPLE_DIR = ROOT / "data" / "sample"
CORPUS = TESTS / "corpus"
ARTIFACTS = TESTS / "artifacts"  # screenshots (gitignored)
DOCS = ROOT / "docs"
DEPLOY = ROOT / "deploy"
