#!/usr/bin/env python3
"""Install the offline bundle (built by deploy/make_bundle.py) on a machine with Python 3.11+ and no network.

    python3 install.py [--prefix /opt/campaign] [--start [campaign serve options]]

Copied into the bundle as install.py. It makes PREFIX/venv (a virtual environment), installs every
wheel from wheels/ with pip's --no-index (the package index is never asked), puts the app in
PREFIX/campaign-dashboard and the command PREFIX/bin/campaign. With --start it then runs
``campaign serve`` (the rest of the command line is passed on). The default PREFIX is the bundle
folder itself. Installing again over an installed PREFIX updates it in place.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP_NAME = "campaign-dashboard"


def site_packages(env: Path) -> Path:
    paths = sysconfig.get_paths(vars={"base": str(env), "platbase": str(env)})
    return Path(paths["purelib"])


def install(prefix: Path) -> Path:
    prefix = prefix.absolute()
    wheels, requirements = HERE / "wheels", HERE / "requirements.txt"
    if not wheels.is_dir() or not requirements.is_file():
        sys.exit(f"not a bundle: {HERE} has no wheels/ or requirements.txt")
    if sys.version_info < (3, 11):  # noqa: UP036 (the offline machine may have an older Python)
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")

    app = prefix / APP_NAME
    if prefix != HERE:
        prefix.mkdir(parents=True, exist_ok=True)
        if app.exists():  # keep the data folder of an installed app: only the code is replaced
            for child in app.iterdir():
                if child.name != "data":
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
        shutil.copytree(HERE / APP_NAME, app, dirs_exist_ok=True)

    env = prefix / "venv"
    venv.EnvBuilder(with_pip=False, clear=False).create(env)
    python = env / "bin" / "python"
    pip_wheel = next(iter(sorted(wheels.glob("pip-*.whl"))), None)
    if pip_wheel is None:
        sys.exit(f"no pip wheel in {wheels}")
    # pip runs from its own wheel: no ensurepip (Debian's python3-venv) and no network needed
    quiet = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run(
        [
            str(python),
            str(pip_wheel / "pip"),
            "install",
            "--no-index",
            "--find-links",
            str(wheels),
            "--quiet",
            "-r",
            str(requirements),
            str(pip_wheel),
        ],
        check=True,
        env=quiet,
    )
    # the app is found from the virtual environment's Python (as an editable install would be)
    (site_packages(env) / "campaign_dashboard.pth").write_text(f"{app}\n", encoding="utf-8")

    command = prefix / "bin" / "campaign"
    command.parent.mkdir(parents=True, exist_ok=True)
    command.write_text(f'#!/bin/sh\nexec "{python}" -m campaign "$@"\n', encoding="utf-8")
    command.chmod(0o755)
    print(f"installed: {command} (app {app}, Python {python})")
    return command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="install the offline campaign-dashboard bundle")
    parser.add_argument("--prefix", type=Path, default=HERE, help="where to install (default: this folder)")
    parser.add_argument("--start", nargs=argparse.REMAINDER, help="then run `campaign serve` with these options")
    args = parser.parse_args(argv)
    command = install(args.prefix)
    if args.start is not None:
        os.execv(str(command), [str(command), "serve", *args.start])
    return 0


if __name__ == "__main__":
    sys.exit(main())
