#!/usr/bin/env python3
"""Build the offline bundle: every wheel of the locked dependencies, the app and the sample data.

    python -m uv run python deploy/make_bundle.py OUT [--tar] [--python-version 3.11 --platform manylinux2014_x86_64]

run on a machine with network access and ``uv``. OUT then holds::

    install.py                 run on the offline machine: python3 install.py [--prefix DIR] [--start]
    requirements.txt           uv export --frozen --no-dev --no-hashes --no-emit-project (from uv.lock)
    wheels/                    one wheel per locked dependency, and pip's own wheel
    campaign-dashboard/        the app: dashboard.py, campaign/, pages/, queries/, data/sample/, deploy/, ...

The wheels are for the Python version and platform given (default: those of the Python running this
script), so build on (or for) the kind of machine that will run the dashboard. ``--tar`` also writes
OUT.tar.gz to carry across.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "campaign-dashboard"
# what the app needs at run time, relative to the project folder (no databases, uploads or secrets)
APP_FILES = ["dashboard.py", "pyproject.toml", "uv.lock", "README.md", ".streamlit/config.toml"]
APP_DIRS = ["campaign", "pages", "queries", "data/sample", "deploy", "docs"]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.duckdb", "*.duckdb.*", "secrets.toml")


def uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def export_requirements(out: Path) -> Path:
    target = out / "requirements.txt"
    command = [*uv(), "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "-o", str(target)]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return target


def pip() -> list[str]:
    """A pip to download with: this Python's, else the one uv can give."""
    probe = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True)
    if probe.returncode == 0:
        return [sys.executable, "-m", "pip"]
    return [*uv(), "tool", "run", "--from", "pip", "pip"]


def download_wheels(requirements: Path, wheels: Path, python_version: str | None, platform: str | None) -> None:
    wheels.mkdir(parents=True, exist_ok=True)
    command = [*pip(), "download", "--disable-pip-version-check", "--only-binary=:all:", "-d", str(wheels)]
    if python_version:
        command += ["--python-version", python_version]
    if platform:
        command += ["--platform", platform]
    subprocess.run([*command, "-r", str(requirements)], check=True)
    # pip itself, so the offline machine needs neither ensurepip (Debian's python3-venv) nor a network
    subprocess.run([*command, "--no-deps", "pip"], check=True)


def copy_app(out: Path) -> Path:
    app = out / APP_NAME
    if app.exists():
        shutil.rmtree(app)
    app.mkdir(parents=True)
    for name in APP_FILES:
        if (ROOT / name).exists():
            (app / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, app / name)
    for name in APP_DIRS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, app / name, ignore=IGNORE)
    (app / "data").mkdir(exist_ok=True)
    return app


def build(out: Path, *, python_version: str | None = None, platform: str | None = None, tar: bool = False) -> Path:
    out = out.absolute()
    out.mkdir(parents=True, exist_ok=True)
    requirements = export_requirements(out)
    download_wheels(requirements, out / "wheels", python_version, platform)
    copy_app(out)
    shutil.copy2(ROOT / "deploy" / "install_bundle.py", out / "install.py")
    if tar:
        archive = out.with_name(out.name + ".tar.gz")
        with tarfile.open(archive, "w:gz") as handle:
            handle.add(out, arcname=out.name)
        return archive
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the bundle folder to write")
    parser.add_argument("--tar", action="store_true", help="also write OUT.tar.gz")
    parser.add_argument("--python-version", help="the target machine's Python, e.g. 3.11 (default: this one)")
    parser.add_argument("--platform", help="the target's wheel platform, e.g. manylinux2014_x86_64")
    args = parser.parse_args(argv)
    if bool(args.python_version) != bool(args.platform):
        parser.error("give --python-version and --platform together")
    done = build(args.out, python_version=args.python_version, platform=args.platform, tar=args.tar)
    print(f"bundle: {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
