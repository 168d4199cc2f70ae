"""Page: welcome — the path through the lesson first, then what it teaches, a picture of descent and the lesson's
first example."""

from __future__ import annotations

import streamlit as st

from core import PRESETS, descend
from core.function import to_latex
from ui import cache
from ui.navigation import CLASS, LABS, LESSON, PAGES, STEPS, ensure_framed
from ui.render import show
from ui.view import view_values
from ui.widgets import lecture
from viz.home import welcome_figure

ensure_framed()
st.title("∇ Gradient Lab")
st.markdown(
    f"Partial derivatives and gradient descent, made visible. **Start with step 1** and follow the lesson's {STEPS} "
    "steps in order; each page ends with questions to check yourself and a link to the next one."
)

# The path, in the first screen: the lesson's steps as cards, then the labs and the live class as links.
steps = [row for row in PAGES if row.section == LESSON]
for column, row in zip(st.columns(len(steps)), steps, strict=True):
    with column.container(border=True, height="stretch"):
        st.page_link(row.path, label=row.label, icon=row.icon)
        st.caption(row.intro)
others = [row for row in PAGES if row.section in (LABS, CLASS)]
st.markdown(f"**{LABS}** — explore further, in any order:")
columns = st.columns(len(others) // 2 + len(others) % 2)
for number, row in enumerate(others):
    columns[number // 2].page_link(row.path, label=row.title, icon=row.icon)
st.divider()

example = cache.function(PRESETS["lesson_quadratic"].text)
words, picture = st.columns([3, 2], vertical_alignment="center")
words.markdown(
    "A **partial derivative** measures how a function changes when only one variable moves and the others are "
    "held constant. The **gradient** ∇f collects all the partials into a vector that points in the direction of "
    "steepest ascent — so **gradient descent** steps against it: from a point θ, step to "
    "$\\theta - \\eta\\,\\nabla f(\\theta)$, where the learning rate η sets the step's size. "
    "That single rule is the engine of every machine-learning training loop, where f is the loss and θ the "
    "model's weights. Each page makes one piece of it visible."
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

# The lecturer's projector settings stay in the address on this page too.
st.query_params.update(view_values())
