"""Page: gradient descent with several weights — the lesson's one step by hand on L = (w1 + 2w2 − y)², then more."""

from __future__ import annotations

import streamlit as st

from core import PRESETS, descend
from core.function import to_latex
from core.numbers import number
from ui import cache
from ui.controls import Page, choice, slider
from ui.page import begin, finish
from ui.parts import body, drawn_by_the_body, rerunning_the_body
from ui.render import show, step_by_hand
from ui.widgets import lecture, pick_handler, point
from viz.descent import race_figure
from viz.regression import minima_line

PAGE = Page("weights")
ROW = (1.0, 2.0)  # the lesson's one example: inputs (1, 2), prediction w1·1 + w2·2
TARGET = slider("y", "Target y", 0.0, 10.0, 0.5, 5.0, help="The example's target: L = (w₁ + 2w₂ − y)².")
RATE = choice("eta", "Learning rate η", [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25], 0.1, kind="select_slider")
STEPS = slider("steps", "Steps drawn on the map", 1, 20, 1, 1, integer=True)
START = tuple(slider(f"w{i}", f"start w{'₁₂'[i - 1]}", -1.0, 4.0, 0.1, 1.0) for i in (1, 2))

slot = begin(
    PAGE,
    "A model with two weights w = (w₁, w₂) has a loss L(w); descent needs **both** partial derivatives, one per "
    "weight, and moves every weight at once: $w \\leftarrow w - \\eta\\,\\nabla L(w)$.",
)
# The sidebar shows none of them: they rerun only the charts and numbers.
rerunning_the_body(PAGE, lambda: [PAGE.draw(control) for control in (TARGET, RATE, STEPS)])
drawn_by_the_body(PAGE, lambda: [PAGE.draw(control) for control in START])  # the map moves the start
big = lecture()
symbolic = cache.function("(w1 + 2*w2 - y)**2")
GRADIENT = ",\\ ".join(to_latex(p) for p in symbolic.partials[:2])  # y stays a symbol: the same for every y


def charts_and_numbers() -> None:
    """The step by hand and the map for the target, η, steps and start as they are now: they rerun this part
    alone (ui.parts.body)."""
    y = float(PAGE.value(TARGET))
    lr = float(PAGE.value(RATE))
    steps = int(PAGE.value(STEPS))
    start = point(PAGE, [c.name for c in START])
    loss = cache.function("(w1 + 2*w2 - y)**2", constants=(("y", y),))
    run = descend(loss, start, optimizer="gd", lr=lr, steps=steps)
    words, picture = st.columns([1, 1])
    with words:
        st.markdown("One training example with inputs (1, 2) and target y; the model predicts w₁·1 + w₂·2:")
        st.latex(r"L(w_1, w_2) = (w_1 + 2w_2 - y)^2")
        st.latex(rf"\nabla L = \left[{GRADIENT}\right]")
        st.markdown(
            f"With **y = {number(y)}**, from **(w₁, w₂) = ({number(start[0])}, {number(start[1])})** and "
            f"**η = {number(lr)}**, one step by hand:"
        )
        step_by_hand(st.container(), run, loss.names, "∇L at the start")
        st.caption(
            f"L goes from {number(run.values[0])} to {number(run.values[1], scale=run.values[0])} in one step. "
            f"Both weights moved, each by −η times its own partial derivative."
        )
    with picture:
        domain = PRESETS["lesson_loss"].domain
        show(
            race_figure(
                cache.grid(loss, domain, 51),
                {f"{steps} step{'s' if steps > 1 else ''} of gradient descent": run},
                loss.names,
                lecture=big,
                extra=minima_line(ROW, y, domain),
            ),
            key=PAGE.key("map"),
            on_pick=pick_handler(PAGE, [c.name for c in START]),  # a click on the map starts there
        )
        landed = run.points[1][0] + 2 * run.points[1][1]
        st.caption(
            f"The loss is zero on the whole dashed line w₁ + 2w₂ = {number(y)}; the first step lands where "
            f"w₁ + 2w₂ = {number(landed)}. Click the map to start somewhere else."
        )


body(PAGE, charts_and_numbers)
finish(PAGE, slot)
