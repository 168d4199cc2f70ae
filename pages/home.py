"""Page: welcome — what Gradient Lab teaches, a card per page, and the lesson's first example."""

from __future__ import annotations

import streamlit as st

from core import PRESETS
from core.function import to_latex
from ui import cache
from ui.navigation import ensure_framed

ensure_framed()
st.title("∇ Gradient Lab")
st.markdown(
    "A **partial derivative** measures how a function changes when only one variable moves and the others are "
    "held constant. The **gradient** collects all the partials into a vector that points in the direction of "
    "steepest ascent — so **gradient descent** steps against it, $w \\leftarrow w - \\eta\\,\\nabla L$. "
    "That single rule is the engine of every machine-learning training loop. Each page below makes one piece "
    "of it visible."
)

example = cache.function(PRESETS["lesson_quadratic"].text)
with st.container(border=True):
    st.subheader("The lesson's first example")
    st.latex(f"f(x, y) = {to_latex(example.expr)}")
    left, right = st.columns(2)
    left.latex(r"\frac{\partial f}{\partial x} = " + to_latex(example.partials[0]))
    right.latex(r"\frac{\partial f}{\partial y} = " + to_latex(example.partials[1]))
    st.caption("Holding y constant, 2xy behaves like (2y)·x, whose derivative in x is 2y; likewise for ∂f/∂y.")

CARDS = [
    (
        "pages/partials.py",
        "📐 Partial derivatives",
        "Slice the surface through a point and see each partial as the "
        "slope of a tangent line; watch secant slopes converge as h → 0; lay the tangent plane on the surface.",
    ),
    (
        "pages/gradient.py",
        "🧭 Gradient",
        "A field of gradient arrows over the contour map, perpendicular to the "
        "level curves; the directional derivative peaks in the gradient's direction.",
    ),
    (
        "pages/total_derivative.py",
        "🔗 Partial vs total derivative",
        "When y depends on x, dz/dx = ∂z/∂x + ∂z/∂y · dy/dx: the path on the surface and its two tangent lines.",
    ),
    (
        "pages/descent.py",
        "⛷️ Gradient descent",
        "Step through descent frame by frame with six optimizers, race "
        "them, sweep the learning rate and map the basins of attraction.",
    ),
    (
        "pages/regression.py",
        "📈 ML loss: linear regression",
        "The lesson's loss and its one hand step to "
        "(1.4, 1.8), then fit a line to data with full-batch and mini-batch gradient descent.",
    ),
    (
        "pages/practice.py",
        "✍️ Practice",
        "Derive partials yourself: your answer is checked symbolically, a slip gets a hint naming the rule, "
        "and every derivation can be shown step by step.",
    ),
]
columns = st.columns(3)
for i, (path, title, text) in enumerate(CARDS):
    with columns[i % 3].container(border=True):
        st.page_link(path, label=title)
        st.caption(text)
