"""Rendering helpers: figures with exports, the link to this view, code snippets, and lecture-mode styling."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core import ExpressionError, Function
from ui.a11y import subject
from ui.chart import plotly_chart
from ui.text import plain

log = logging.getLogger("gradient_lab")

CHART_CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png", "scale": 2}}

# Every mode: less blank space above the title, so a chart shows in the first screen of a laptop.
PAGE_CSS = """
<style>
  [data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }
  /* A compact title: the first screen is for the page's sentence and its first chart. */
  [data-testid="stMain"] h1 { font-size: 2.2rem; padding: 0.5rem 0 0.25rem 0; }
  [data-testid="stSidebarContent"] [data-testid="stSidebarUserContent"] { padding-top: 0.5rem; }
  /* Sidebar page names wrap instead of ending in "…". */
  [data-testid="stSidebarNav"] span, [data-testid="stSidebarNav"] .stMarkdownEllipsis,
  [data-testid="stSidebarNav"] p {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
    flex: 0 1 auto; min-width: 0 !important; text-align: left;
  }
  [data-testid="stSidebarNav"] a { height: auto !important; min-height: 2rem; }
  /* A page's Material icon is one glyph (a ligature of its name): it never wraps, and a long name beside it
     never squeezes it. */
  [data-testid="stSidebarNav"] [data-testid="stIconMaterial"],
  [data-testid="stPageLink"] [data-testid="stIconMaterial"] { white-space: nowrap !important; }
  [data-testid="stSidebarNav"] span:has([data-testid="stIconMaterial"]),
  [data-testid="stPageLink"] span:has([data-testid="stIconMaterial"]) {
    flex: none !important; min-width: max-content !important;
  }
  /* So do the page links in the main area (the welcome page's path, each page's Next). */
  [data-testid="stMain"] [data-testid="stPageLink"] span, [data-testid="stMain"] [data-testid="stPageLink"] p {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  }
  [data-testid="stMain"] [data-testid="stPageLink-NavLink"] { height: auto !important; }
  /* A long formula in the sidebar wraps at its + and = signs instead of being cut at the sidebar's edge. */
  [data-testid="stSidebar"] .katex-display > .katex { white-space: normal; }
  [data-testid="stSidebar"] .katex-display { text-align: left; }
  /* A subscript's strut (KaTeX's 2 px .vlist-s) overhangs a display sized to its formula, which then scrolls
     sideways by 2 px; the room for it keeps every formula that fits from becoming a scrolling region. */
  .katex-display > .katex { padding-inline-end: 2px; }
  /* Contrast (WCAG AA, 4.5:1) in either theme, however it was chosen: a caption is the body text, faded, not
     Streamlit's grey (3.9:1 on white); a primary button writes in the page's own background colour (Canvas
     follows the app's colour-scheme), white on the light theme's blue and near-black on the dark theme's. */
  [data-testid="stCaptionContainer"] { color: inherit; opacity: 0.75; }
  [data-testid^="stBaseButton-primary"], [data-testid^="stBaseButton-primary"] p { color: Canvas; }
  /* So does a chosen option's chip in a multiselect (the sweep's rates): white on the dark theme's light blue
     was 2.3:1. */
  [data-testid="stMultiSelect"] [data-baseweb="tag"], [data-testid="stMultiSelect"] [data-baseweb="tag"] span,
  [data-testid="stMultiSelect"] span[title] {
    color: Canvas !important;
  }
  /* A badge ("Step 2 of 4", "Lab") writes in the page's text colour on its tinted ground: the theme's light blue
     on its own 30 % tint was 4.4:1 on the dark theme. */
  .stMarkdownBadge { color: inherit !important; }
</style>
"""

# Lecture mode, for a projector at 1920×1080: larger type everywhere, metric values at least twice the body
# text (and never overridden by the paragraph rule), tables and inputs enlarged too.
LECTURE_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.35rem; }
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
    font-size: 2.75rem !important; line-height: 1.15; white-space: normal !important; overflow: visible !important;
  }
  [data-testid="stSidebarNav"] span, [data-testid="stSidebarNav"] p { font-size: 0.9rem; line-height: 1.2; }
  [data-testid="stMetricLabel"] p { font-size: 1.3rem !important; }
  [data-testid="stMain"] .katex { font-size: 1.5em !important; }
  [data-testid="stSidebar"] .katex { font-size: 1.15em !important; }
  h1 { font-size: 2.8rem !important; padding-top: 0 !important; }
  h2, h3 { font-size: 2.0rem !important; }
  [data-testid="stCodeBlock"] code, .gl-link-url { font-size: 1.2rem; }
  .gl-link-caption { font-size: 1.1rem; }
  [data-testid="stTable"] td, [data-testid="stTable"] th, [data-testid="stMarkdownContainer"] td,
  [data-testid="stMarkdownContainer"] th { font-size: 1.3rem; }
  [data-testid="stTextInput"] input { font-size: 1.4rem; }
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 1.1rem !important; }
  /* A slider's value above its handle, never on it: the enlarged paragraph type made its line taller than the
     room above the handle, so the handle covered the value's middle ("-1.50" read "-1 50"). */
  [data-testid="stSliderThumbValue"] { top: auto !important; bottom: calc(100% + 2px) !important; }
  [data-testid="stSliderThumbValue"] p { font-size: 1.2rem; line-height: 1.2; }
  /* A wider sidebar for the larger type: slider values clear of their knobs, a preset's name not cut. */
  [data-testid="stSidebar"] { width: 400px !important; min-width: 400px !important; }
</style>
"""


def show(fig: go.Figure, key: str, export: bool = True, about: Function | str | None = None, **events: Any) -> None:
    """Draw a figure, with "⬇ Figure as HTML" under it: the figure as a standalone page with plotly.js inlined,
    written in the browser when pressed (ui/plotly_chart.js), so it opens offline.

    ``events`` are the chart's callbacks (``on_pick``, ``pick``, ``on_step``; see ui.chart.plotly_chart). ``about``
    is the function the chart draws when it is not the page's own (its accessible name says it; ui.a11y).
    """
    name = f"{key.replace('.', '-')}.html" if export else None
    plotly_chart(fig, key=key, config=CHART_CONFIG, subject=subject(key, about), export=name, **events)


def csv_bytes(columns: dict) -> bytes:
    """A dict of equal-length columns as CSV text (full float precision)."""
    import pandas as pd  # only when a CSV is downloaded: pandas costs about a second of a cold start

    buffer = io.StringIO()
    pd.DataFrame(columns).to_csv(buffer, index=False, float_format="%.17g")
    return buffer.getvalue().encode()


def code_snippet(make: Callable[[], str], key: str) -> None:
    """'Show the code': a runnable sympy/numpy snippet reproducing the numbers on screen, ``make()``, written only
    while the expander is open. A closed one cost every rerun its text, and the browser its highlighting (10-15 ms
    of a slider move in Chromium)."""
    box = lazy_expander("Show the code", key=key, icon=":material/code:")
    if box is None:
        return
    with box:
        st.caption("Runs as is in a notebook with sympy and numpy installed, and prints the numbers shown here.")
        st.code(make(), language="python")


_nav_roles = st.components.v2.component(
    "gradient_lab.nav_roles", js=(Path(__file__).with_name("nav_roles.js")).read_text(), isolate_styles=False
)


def page_style(lecture: bool = False) -> None:
    """The page's CSS for every page, with lecture mode's on top when ``lecture``; the sidebar's page list made a
    valid list for screen readers, and a formula wider than its column a Tab stop (ui/nav_roles.js)."""
    st.html(PAGE_CSS + (LECTURE_CSS if lecture else ""))
    with st.sidebar:  # in the sidebar: the main column keeps its first screen for the page
        _nav_roles(key="gradient_lab.nav_roles")


def about(preset: object | None) -> None:
    """The chosen preset's own description, in one caption under the page's introduction."""
    if preset is not None:
        st.caption(f"**{preset.name}.** {preset.about}")


def lazy_expander(title: str, key: str, **more: Any) -> DeltaGenerator | None:
    """An expander whose content is drawn only while it is open (opening it reruns): None while closed, so a
    closed expander costs nothing on a rerun."""
    box = st.expander(title, key=key, on_change="rerun", **more)
    return box if box.open else None


def derivation_steps(steps: Callable[[], list], title: str, key: str) -> None:
    """'Show the steps': every rule of a derivation, numbered, in an expander worked out and drawn only while open.

    ``steps`` is called only then; a formula too heavy for the worker gets its message in the expander.
    """
    box = lazy_expander(title, key)
    if box is None:
        return
    with box:
        try:
            worked = steps()
        except ExpressionError as error:
            st.warning(plain(str(error)), icon=":material/warning:")
            return
        for number, step in enumerate(worked, start=1):
            name = step.rule if step.rule != "result" else "result, simplified"
            st.markdown(f"**{number}. {name}**")
            st.latex(step.latex)


def step_by_hand(box: DeltaGenerator, run: Any, names: tuple[str, ...], start_label: str) -> None:
    """The lesson's one step written out (θ₁ = θ₀ − η∇L(θ₀)), then ∇L at the start and the new weights as metrics."""
    from core.explain import explain_step
    from core.numbers import number

    box.code("\n".join(line for s in explain_step(run, 1, names) for line in s.lines), language=None)
    c1, c2, c3 = box.columns(3)
    c1.metric(start_label, f"({number(run.gradients[0][0])}, {number(run.gradients[0][1])})")
    c2.metric("new w₁", number(run.points[1][0]))
    c3.metric("new w₂", number(run.points[1][1]))


def latex_source(lines: list[str], key: str) -> None:
    """The LaTeX of the derivatives on screen, in a code block with a copy button (drawn only while open)."""
    box = lazy_expander("LaTeX source (copy)", key=key)
    if box is not None:
        box.code("\n".join(lines), language="latex")
