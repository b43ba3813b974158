"""Values from the data (district, town, committee, unit, grid and file names...) shown as text, never as markup.

Streamlit reads Markdown in st.markdown, headers, captions, alerts, metrics, expanders, widget labels and st.table
cells (GitHub Markdown plus ``:red[...]`` and ``:material/...:`` directives and ``$...$`` maths); Plotly reads a
little HTML (``<b>``, ``<a href>``, ``<br>``, entities) in every label, legend and hover. A name written as
``**粗**[a](javascript:…)![b](http://host/x.png)`` must come out as those characters. No Streamlit import: the
figure builders and the screen use these too.
"""

from __future__ import annotations

import html
import re

# every ASCII character Markdown, GFM, directives, maths or raw HTML give a meaning to; a backslash before any
# ASCII punctuation is literal in CommonMark, so escaping a few more than needed costs nothing
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^\"'%@/])")
_SPACE = re.compile(r"\s+")  # a line break would start a new block (a heading, a list, a table)
# GitHub's bare links (http://x, www.x, a@b.c) are found in the text after escapes are undone: an invisible
# word joiner inside "://", "www." and after "@" keeps them text
_BARE_LINK = re.compile(r"(?i)(?<=[a-z])(?=://)|(?<=www)(?=\.)|(?<=@)")
JOINER = "\u2060"

LABEL_CHARS = 24  # a name in a chart or on the screen is cut to this many characters and "…"


def markdown(value: object) -> str:
    """``value`` as literal text inside Markdown: every special character backslash-escaped, on one line, and
    an invisible word joiner (U+2060) where GitHub Markdown would make a bare address a link."""
    if value is None:
        return ""
    unlinked = _BARE_LINK.sub(JOINER, _SPACE.sub(" ", str(value)))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", unlinked)


def chart(value: object) -> str:
    """``value`` as literal text inside a Plotly label, legend, hover or title: its HTML-like tags and
    entities shown, not read (Plotly turns ``&lt;`` back into ``<`` when it draws)."""
    if value is None:
        return ""
    return html.escape(_SPACE.sub(" ", str(value)), quote=False)


def short(value: object, limit: int = LABEL_CHARS) -> str:
    """``value`` cut to ``limit`` characters, the last one an ellipsis, when it is longer: a 200-character
    town would otherwise push its chart's bars, or the screen's figures, out of sight."""
    text = "" if value is None else _SPACE.sub(" ", str(value))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def chart_short(value: object, limit: int = LABEL_CHARS) -> str:
    """``short`` then ``chart``: a label for a Plotly axis or legend."""
    return chart(short(value, limit))


def category_axis(names: list[str], limit: int = LABEL_CHARS) -> tuple[list[str], dict]:
    """Plotly category values for ``names`` (each escaped, whole: two long names that start alike stay two bars,
    and the hover names each in full) and the axis settings that show them cut to ``limit`` characters
    (empty when none is longer)."""
    values = [chart(n) for n in names]
    if all(len(_SPACE.sub(" ", str(n or ""))) <= limit for n in names):
        return values, {}
    return values, {"tickmode": "array", "tickvals": values, "ticktext": [chart_short(n, limit) for n in names]}
