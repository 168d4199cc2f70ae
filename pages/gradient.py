"""Page: the gradient — arrows of ∇f over the contour map, and the directional derivative that peaks along ∇f."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from core import directional_derivative, steepest_ascent
from core.function import to_latex
from core.numbers import number
from core.snippets import gradient_snippet
from ui import cache
from ui.controls import Page, choice, slider, toggle
from ui.live import gradient_live
from ui.page import begin, finish
from ui.parts import body, drawn_by_the_body, rerunning_the_body
from ui.render import about, code_snippet, latex_source, show
from ui.widgets import function_picker, lecture, pick_handler, point, point_controls
from viz.gradient import contour_field_figure, directional_figure, gradient_3d_figure

PAGE = Page("gradient")
ARROWS = choice(
    "arrows",
    "Arrow field",
    ["ascent", "descent"],
    "ascent",
    kind="radio",
    horizontal=True,
    labels=lambda v: "∇f (ascent)" if v == "ascent" else "−∇f (descent)",
)
NORMALIZED = toggle("norm", "Normalize arrow length")
THETA = slider("theta", "Direction θ of u (degrees)", 0, 359, 1, 30, integer=True)

slot = begin(
    PAGE,
    "The gradient ∇f collects the partial derivatives into one vector. It points in the direction of "
    "**steepest ascent**, it is perpendicular to the level curve through the point, and its length is the "
    "steepest slope. That is why it tells us which way to change each weight: step against it. "
    "Click the map or the surface to move P there, or drag the ring around P.",
)
picked = function_picker(PAGE)
drawn_by_the_body(PAGE, lambda: point_controls(PAGE, picked))  # the maps move P
rerunning_the_body(PAGE, lambda: (PAGE.draw(ARROWS), PAGE.draw(NORMALIZED), PAGE.draw(THETA)))
f = picked.f
names = picked.names
# Depends on f alone: made once per page run, not on every move of P or θ.
gradient_tex = rf"\nabla f = \left({to_latex(f.partials[0])},\ {to_latex(f.partials[1])}\right)"
# One container for what a preset may or may not draw above the body: the body keeps its place on the page, so
# its part is the same one from run to run (AppTest's bare page runs never drop a part that moved).
with st.container():
    about(picked.preset)


def charts_and_numbers() -> None:
    """Everything that follows P, θ and the arrows' settings: it reruns alone when they change (ui.parts.body)."""
    x0, y0 = point(PAGE)
    direction = PAGE.value(ARROWS)
    normalized = PAGE.value(NORMALIZED)
    theta_deg = PAGE.value(THETA)
    grid = cache.grid(f, picked.domain, 61)
    field = cache.field(f, picked.domain, 15)
    value = f(x0, y0)
    grad = f.grad(x0, y0)
    theta = math.radians(theta_deg)
    defined = bool(np.isfinite(grad).all() and math.isfinite(value))
    norm, steepest = steepest_ascent(grad)

    if not defined:
        st.warning(
            f"∇f is undefined at P = ({number(x0)}, {number(y0)}) (a cusp, pole or the edge of the domain of f). "
            "Move the point to see the gradient.",
            icon=":material/warning:",
        )
    if grid.clipped:
        st.info("The surface has a pole: values beyond the typical range were cut out so the rest stays visible.")

    if defined:
        m1, m2, m3, m4 = st.columns(4)
        # One metric per component: a vector in one box would be cut at 1280×720.
        scale = abs(value)
        m1.metric(f"∂f/∂{names[0]}(P)", number(grad[0], scale=scale))
        m2.metric(f"∂f/∂{names[1]}(P)", number(grad[1], scale=scale))
        m3.metric("|∇f(P)|", number(norm, scale=scale))
        m4.metric(f"Dᵤf(P), θ = {theta_deg}°", number(directional_derivative(grad, theta), scale=scale))
        st.caption(
            f"∇f(P) points at θ = {steepest:.1f}°: the direction of steepest ascent."
            if norm > 0
            else "∇f(P) = 0: no direction of steepest ascent here."
        )

    big = lecture()
    left, right = st.columns([3, 2])
    with left:
        show(
            contour_field_figure(
                grid,
                field,
                (x0, y0),
                value,
                grad,
                names,
                descent=direction == "descent",
                normalized=normalized,
                direction=theta,
                lecture=big,
            ),
            key=PAGE.key("contour"),
            on_pick=pick_handler(PAGE),
            live=gradient_live(f, PAGE, (x0, y0), ((grid.xs[0], grid.xs[-1]), (grid.ys[0], grid.ys[-1])), theta),
        )
    with right:
        st.markdown(
            "**Directional derivative** $D_u f(P) = \\nabla f(P)\\cdot u$, with $u = (\\cos\\theta, \\sin\\theta)$ "
            "the unit vector at angle θ: the slope of the surface when you walk from P in direction u."
        )
        if defined:
            show(directional_figure(grad, theta, lecture=big), key=PAGE.key("directional"))
            st.caption(
                f"Largest, |∇f| = {number(norm)}, when u points along ∇f; smallest, −|∇f|, against it "
                "(steepest descent); zero along the level curve."
            )
    st.latex(gradient_tex)
    latex_source([gradient_tex], PAGE.key("latex"))
    show(
        gradient_3d_figure(grid, (x0, y0), value, grad, names, lecture=big),
        key=PAGE.key("surface"),
        on_pick=pick_handler(PAGE),
    )

    code_snippet(lambda: gradient_snippet(f, (x0, y0), theta), PAGE.key("code"))


body(PAGE, charts_and_numbers)
finish(PAGE, slot)
