"""The floor of a gesture in the browser: a Streamlit page with one slider and one chart (the dashboard's own chart
component), and, as its link asks, more of what the dashboard's pages hold, none of it changed by the slider.

``python -m bench.browser --floor`` presses the slider as the benchmark presses each page's main slider. What a
press costs here beyond plotly.js, Streamlit's server and browser cost every page of the dashboard.
Link parameters (each at most 200): ``captions`` one-line captions under the chart; ``formulas`` display formulas
in one Markdown element; ``inputs`` number inputs in the sidebar.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from bench.harness import FLOOR_SLIDER
from ui.render import show


def count(name: str) -> int:
    """How many of ``name`` the link asks for, 0 to 200."""
    text = st.query_params.get(name, "0")
    return min(int(text), 200) if text.isdecimal() else 0


st.set_page_config(page_title="Floor", layout="wide")
v = st.sidebar.slider("v", 0.0, 10.0, 5.0, 0.1, key=FLOOR_SLIDER)
for i in range(count("inputs")):
    st.sidebar.number_input(f"input {i}", 0.0, 1.0, 0.5, key=f"floor.input{i}")
xs = np.linspace(0.0, 10.0, 200)
figure = go.Figure(go.Scatter(x=xs, y=np.sin(xs + v), name="sin(x + v)"))
figure.update_layout(height=400, title=f"sin(x + v), v = {v:.1f}")
show(figure, key="floor.chart")
for i in range(count("captions")):
    st.caption(f"Caption {i}.")
formulas = [rf"$$\frac{{\partial L}}{{\partial w_{{{i}}}}} = 2\,(w_{{{i}}} - {i})$$" for i in range(count("formulas"))]
if formulas:
    st.markdown("\n\n".join(formulas))
