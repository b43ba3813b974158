"""The documents say what the code does: the test command, every setting, the screen's URL parameters, links.

README.md is short and points into docs/; each check reads the document the text lives in, so a setting or
a parameter added to the code without a line in its document fails here."""

from __future__ import annotations

import re

from campaign import config
from campaign.answers import screen
from tests.support import ROOT

TEST_COMMAND = "python -m pip install uv && python -m uv run pytest"


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def table_rows(text: str, heading: str) -> list[list[str]]:
    """The cells of the first Markdown table after a heading, header and rule left out."""
    section = text.split(heading, 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    start = section.splitlines().index(lines[0])
    rows = []
    for line in section.splitlines()[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[2:]


def test_the_readme_and_ci_run_the_same_test_command():
    readme = read("README.md")
    assert f"```sh\n{TEST_COMMAND}\n```" in readme
    ci_lines = [line.strip() for line in read(".ci/run").splitlines()]
    assert TEST_COMMAND in ci_lines


def test_every_setting_is_in_the_operations_table_with_its_variable():
    rows = table_rows(read("docs/operations.md"), "## Configure")
    documented: dict[str, str] = {}
    for key_cell, env_cell, _default in rows:
        keys = re.findall(r"`([a-z_]+)`", key_cell)
        envs = re.findall(r"`(CAMPAIGN_[A-Z_]+)`", env_cell)
        assert len(keys) == len(envs), key_cell
        documented.update(zip(keys, envs, strict=True))
    assert documented == config.ENV


def test_every_screen_parameter_is_in_the_pages_document():
    rows = table_rows(read("docs/pages.md"), "Command-centre screen\n")
    documented = {re.fullmatch(r"`([a-z_]+)`", row[0]).group(1) for row in rows}
    assert documented == screen.KNOWN_PARAMS


def url_parameters() -> set[str]:
    """The URL parameters the pages read and write (ui.from_url / ui.to_url / st.query_params with a literal)."""
    sources = [*sorted((ROOT / "pages").glob("*.py")), ROOT / "dashboard.py", ROOT / "campaign" / "app" / "ui.py"]
    found = {"view"}  # ui.view's own parameter
    for source in sources:
        text = source.read_text(encoding="utf-8")
        found |= set(re.findall(r'from_url\(\s*[^,]+,\s*"([a-z_]+)"', text))
        found |= set(re.findall(r'to_url\(\s*"([a-z_]+)"', text))
        found |= set(re.findall(r'query_params(?:\.get\(|\[)\s*"([a-z_]+)"', text))
    return found


def test_every_page_url_parameter_is_in_the_pages_document():
    params = url_parameters()
    assert {"as_of", "district", "lang", "q", "unit"} <= params  # the scan finds what it should
    text = read("docs/pages.md")
    missing = sorted(p for p in params if not re.search(rf"[`?&]{p}[=`]", text))
    assert missing == []


def test_relative_links_in_the_documents_point_at_files():
    documents = [ROOT / "README.md", ROOT / "BENCHMARKS.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for document in documents:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", document.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            if not (document.parent / target).exists():
                broken.append(f"{document.relative_to(ROOT)}: {target}")
    assert broken == []
