"""ui.style: the house layout over a page's own, set in one go (charts are styled on every rerun of every page)."""

from __future__ import annotations

import plotly.graph_objects as go

from campaign.app import ui


def _page_figure() -> go.Figure:
    fig = go.Figure()
    fig.add_bar(x=["甲", "乙"], y=[3, 4], name="<b>甲区</b>")
    fig.update_layout(
        legend={"traceorder": "normal"}, margin={"l": 50}, xaxis={"title": "日期"}, yaxis={"range": [0, 5]}
    )
    return fig


def test_the_house_style_goes_over_the_pages_layout_and_keeps_the_rest() -> None:
    styled = ui.style(_page_figure(), 300, ("覆盖<script>", "金山区 · 数据截至"), top=20).layout
    assert styled.height == 300 and styled.font.family == ui.CJK_FONTS and styled.separators == ".,"
    assert (styled.margin.l, styled.margin.t) == (10, 120)  # the house margins, the title's room and ``top`` more
    assert styled.legend.traceorder == "normal" and styled.legend.orientation == "h"  # the page's legend key kept
    assert styled.xaxis.title.text == "日期" and tuple(styled.yaxis.range) == (0, 5)
    assert styled.title.text == "<b>覆盖&lt;script&gt;</b>" and styled.title.subtitle.text == "金山区 · 数据截至"
    assert styled.template == go.Figure().layout.template  # the default template, as before styling


def test_without_a_title_the_plot_keeps_the_narrow_top() -> None:
    styled = ui.style(_page_figure(), 420).layout
    assert styled.margin.t == 40 and styled.title.text is None
