"""Page: welcome — what Gradient Lab teaches, a picture of descent, a card per page, the lesson's first example."""

from __future__ import annotations

import streamlit as st

from core import PRESETS, descend
from core.function import to_latex
from ui import cache
from ui.navigation import ensure_framed
from ui.render import show
from ui.widgets import lecture
from viz.home import welcome_figure

ensure_framed()
st.title("∇ Gradient Lab")
example = cache.function(PRESETS["lesson_quadratic"].text)
words, picture = st.columns([3, 2], vertical_alignment="center")
words.markdown(
    "A **partial derivative** measures how a function changes when only one variable moves and the others are "
    "held constant. The **gradient** ∇f collects all the partials into a vector that points in the direction of "
    "steepest ascent — so **gradient descent** steps against it: from a point θ, step to "
    "$\\theta - \\eta\\,\\nabla f(\\theta)$, where the learning rate η sets the step's size. "
    "That single rule is the engine of every machine-learning training loop, where f is the loss and θ the "
    "model's weights. Each page below makes one piece of it visible."
)
with picture:
    preset = PRESETS["lesson_quadratic"]
    path = descend(example, preset.start, optimizer="momentum", lr=0.05, steps=40)
    grid = cache.grid(example, preset.domain, 41)
    show(welcome_figure(grid, path, example.names, lecture=lecture()), key="home.picture", export=False)
    st.caption("Gradient descent with momentum on f(x, y) = 3x² + 2xy + y², rolling down to the minimum.")

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
        "Step through descent frame by frame with seven optimizers and Newton's method, race "
        "them, sweep the learning rate and map the basins of attraction.",
    ),
    (
        "pages/curvature.py",
        "🥣 Curvature and Newton's method",
        "The Hessian at a point and what its eigenvalues say: minimum, maximum or saddle; how the condition "
        "number sets the speed of descent; Newton's method and escaping a saddle.",
    ),
    (
        "pages/regression.py",
        "📈 ML loss: linear regression",
        "The lesson's loss and its one hand step to "
        "(1.4, 1.8), then fit a line to data with full-batch and mini-batch gradient descent.",
    ),
    (
        "pages/backprop.py",
        "🕸️ Backpropagation",
        "How a network gets ∂L/∂w for every weight: the chain rule on a computation graph, node by node, "
        "and through time in a recurrent unit.",
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
