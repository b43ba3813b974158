"""The command-centre screen's stylesheet and clock as real files beside this module, read once per process.

``screen.css`` holds the rules of the screen's ``<style>``; ``$NAME`` in it is one of the screen's colours or
its font, given by pages/screen.py, whose SVG drawings use the same ones. ``screen.js`` is the clock that
ticks in the browser. Each file opens with a comment saying what it is, which the page does not get.
"""

from __future__ import annotations

import functools
from pathlib import Path
from string import Template

CSS_FILE = Path(__file__).with_name("screen.css")
JS_FILE = Path(__file__).with_name("screen.js")


@functools.cache
def _text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if text.startswith("/*"):
        text = text[text.index("*/\n") + 3 :]
    return text


@functools.cache
def style(**values: str) -> str:
    """The screen's ``<style>`` element, every ``$NAME`` filled from ``values`` (a missing one raises)."""
    return "\n<style>\n" + Template(_text(CSS_FILE)).substitute(values) + "</style>\n"


@functools.cache
def clock_script() -> str:
    """The screen's clock as a ``<script>`` element (one interval per tab, however often the page runs)."""
    return "\n<script>\n" + _text(JS_FILE) + "</script>\n"
