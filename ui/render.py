"""Rendering helpers: figures with exports, the link to this view, code snippets, and lecture-mode styling."""

from __future__ import annotations

import io
import logging
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.chart import plotly_chart
from ui.state import query_string

log = logging.getLogger("gradient_lab")

CHART_CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png", "scale": 2}}

LECTURE_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.35rem; }
  [data-testid="stMetricValue"] { font-size: 3.2rem; }
  [data-testid="stMetricLabel"] p { font-size: 1.4rem; }
  .katex { font-size: 1.6em !important; }
  h1 { font-size: 3.2rem !important; }
  h2, h3 { font-size: 2.2rem !important; }
  [data-testid="stCodeBlock"] code { font-size: 1.2rem; }
</style>
"""


def figure_html(fig: go.Figure) -> str:
    """The figure as a standalone HTML page with plotly.js inlined, so it opens offline."""
    return pio.to_html(fig, include_plotlyjs=True, full_html=True, config=CHART_CONFIG)


def show(fig: go.Figure, key: str, export: bool = True, **events: Any) -> None:
    """Draw a figure, with a download of it as a standalone HTML file (built only when clicked).

    ``events`` are the chart's callbacks (``on_pick``, ``pick``, ``on_step``; see ui.chart.plotly_chart).
    """
    plotly_chart(fig, key=key, config=CHART_CONFIG, **events)
    if export:
        st.download_button(
            "⬇ Figure as HTML",
            data=lambda: figure_html(fig),
            file_name=f"{key.replace('.', '-')}.html",
            mime="text/html",
            key=f"{key}.html",
            on_click="ignore",
            type="tertiary",
        )


def csv_bytes(columns: dict) -> bytes:
    """A dict of equal-length columns as CSV text (full float precision)."""
    buffer = io.StringIO()
    pd.DataFrame(columns).to_csv(buffer, index=False, float_format="%.17g")
    return buffer.getvalue().encode()


def share_link(values: dict[str, str]) -> None:
    """A copyable link to exactly this view (the query string; the address bar holds the same)."""
    with st.expander("🔗 Link to this view"):
        st.caption("The address bar always holds this view. Copy it, or copy the query below and append it.")
        st.code("?" + query_string(values), language=None)


def code_snippet(code: str) -> None:
    """'Show the code': a runnable sympy/numpy snippet reproducing the numbers on screen."""
    with st.expander("🐍 Show the code"):
        st.caption("Runs as is in a notebook with sympy and numpy installed, and prints the numbers shown here.")
        st.code(code, language="python")


def lecture_style() -> None:
    st.html(LECTURE_CSS)


def lazy_expander(title: str, key: str) -> DeltaGenerator | None:
    """An expander whose content is drawn only while it is open (opening it reruns): None while closed, so a
    closed expander costs nothing on a rerun."""
    box = st.expander(title, key=key, on_change="rerun")
    return box if box.open else None


def derivation_steps(steps: list, title: str, key: str) -> None:
    """'Show the steps': every rule of a derivation, numbered, in an expander drawn only while it is open."""
    box = lazy_expander(title, key)
    if box is None:
        return
    with box:
        for number, step in enumerate(steps, start=1):
            name = step.rule if step.rule != "result" else "result, simplified"
            st.markdown(f"**{number}. {name}**")
            st.latex(step.latex)


def latex_source(lines: list[str]) -> None:
    """The LaTeX of the derivatives on screen, in a code block with a copy button."""
    with st.expander("LaTeX source (copy)"):
        st.code("\n".join(lines), language="latex")
