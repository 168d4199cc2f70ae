"""Page: partial vs total derivative — z = f(x, y) along a path y = g(x), and the chain rule."""

from __future__ import annotations

import math

import streamlit as st

from core import ExpressionError
from core.calculus import TERMS
from core.function import to_latex
from core.numbers import latex, signed
from core.numbers import number as written
from core.slices import path_data, path_domain
from core.snippets import total_snippet
from ui import cache
from ui.controls import Page, slider, text
from ui.live import path_live
from ui.page import begin, finish
from ui.parts import body, drawn_by_the_body
from ui.render import about, code_snippet, latex_source, show
from ui.text import plain
from ui.widgets import function_picker, lecture, nice_step, pick_handler
from viz.point_maps import path_map_figure
from viz.total import total_curves_figure, total_surface_figure

PAGE = Page("total")


def _path(raw: str) -> str:
    cache.function(raw)  # raises ExpressionError with the reason if the path is not allowed
    return raw


PATH = text("g", "Path", "x^2", check=_path)
X0 = slider("x0", "x₀", -3.0, 3.0, 0.05, 1.0, format="%.2f")

slot = begin(
    PAGE,
    "A partial derivative holds the other variables fixed. But when y itself depends on x, moving x moves y "
    "too, and z changes through both: the **total derivative** adds that second route, "
    "$\\frac{dz}{dx} = \\frac{\\partial z}{\\partial x} + \\frac{\\partial z}{\\partial y}\\cdot\\frac{dy}{dx}$.",
)
picked = function_picker(PAGE)
f = picked.f
x_name, y_name = f.names
(xa, xb), _ = picked.domain
# The default path y = x² follows the function's own variable (w1² for a loss over w1, w2) until edited.
default_g = f"{x_name}^2"
PAGE.follow(default_g, [PATH.replace(default=default_g)], tag="path")
g_text = PAGE.draw(PATH.replace(default=default_g, label=f"Path: {y_name} = g({x_name}) ="))
step = nice_step(xb - xa)
x_control = X0.replace(label=f"x₀ ({x_name})", low=float(xa), high=float(xb), step=step, default=float(picked.start[0]))
PAGE.follow((picked.key, picked.domain), [x_control], tag="point")
drawn_by_the_body(PAGE, lambda: PAGE.draw(x_control))  # x₀ (the charts move it) reruns the body; a new g, the page

td, error = None, None
for candidate in (g_text, st.session_state.get(PAGE.key("last_g"), default_g), default_g):
    try:
        td = cache.total(f, candidate)
        break
    except ExpressionError as err:
        error = error or str(err)
if td is None:  # not even y = x² could be worked out (a worker at its limit): the page's one error path says why
    raise ExpressionError(error or "the path could not be worked out.")
g_text = candidate
st.session_state[PAGE.key("last_g")] = g_text
# One container for what may or may not be drawn above the body (a rejected path, a preset's note): the body
# keeps its place on the page, so its part is the same one from run to run.
with st.container():
    if error:
        st.error(f"**g not used:** {plain(error)} Showing the last good path.", icon=":material/warning:")
        PAGE.drawn[PATH.name] = candidate  # the link keeps the last good path
    about(picked.preset)
    st.latex(f"{y_name} = g({x_name}) = {to_latex(td.g)}")
terms = [
    (rf"\frac{{\partial z}}{{\partial {x_name}}}", td.dz_dx_partial, "dz_dx_partial"),
    (rf"\frac{{\partial z}}{{\partial {y_name}}}", td.dz_dy, "dz_dy"),
    (rf"\frac{{d{y_name}}}{{d{x_name}}}", td.dy_dx, "dy_dx"),
]
# Depend on f and g alone: written once per page run, not on every move of x₀.
terms_tex = [f"{symbol} = {to_latex(expr)}" for symbol, expr, _ in terms]
direct_tex = rf"\frac{{d}}{{d{x_name}}} f({x_name}, g({x_name})) = {to_latex(td.direct)}"


def charts_and_numbers() -> None:
    """Everything that follows x₀: it reruns alone when x₀ moves (ui.parts.body)."""
    x0 = float(PAGE.value(x_control))
    values = td.at(x0)
    defined = all(math.isfinite(values[k]) for k in ("y", *TERMS))
    if not defined:
        st.warning(
            f"f, g or a derivative is undefined at {x_name}₀ = {written(x0)}: move {x_name}₀.",
            icon=":material/warning:",
        )
    # The surface reaches as far in y as the path does, so P and the path lie on it (y = x² leaves y ∈ [−3, 3]).
    shown = path_domain(picked.domain, td, x0)
    path = path_data(f, td, shown, x0)
    grid = cache.grid(f, shown, 61)
    big = lecture()
    left, right = st.columns([3, 2])
    with left:
        # A click on the surface or on the curves moves x₀ to the clicked x (the path fixes y).
        show(
            total_surface_figure(grid, path, values, f.names, lecture=big),
            key=PAGE.key("surface"),
            on_pick=pick_handler(PAGE, (X0.name,)),
        )
    with right:
        show(
            total_curves_figure(path, values, f.names, lecture=big),
            key=PAGE.key("curves"),
            on_pick=pick_handler(PAGE, (X0.name,)),
        )
        # Seen from above: P slides along the path when dragged (x picks, y = g(x) follows).
        show(
            path_map_figure(grid, path, values, f.names, lecture=big),
            key=PAGE.key("map"),
            on_pick=pick_handler(PAGE, (X0.name,)),
            live=path_live(f, td, PAGE, x0, ((grid.xs[0], grid.xs[-1]), (grid.ys[0], grid.ys[-1]))),
        )

    columns = st.columns(3)
    for column, tex, (_, _, name) in zip(columns, terms_tex, terms, strict=True):
        column.latex(tex)
        if defined:
            column.metric(f"at {x_name}₀ = {written(x0)}", written(values[name]))
    if defined:
        st.latex(
            rf"\frac{{dz}}{{d{x_name}}} = {latex(values['dz_dx_partial'])} + {signed(values['dz_dy'])}"
            rf"\cdot {signed(values['dy_dx'])} = {latex(values['chain'])}"
        )
        agree = math.isclose(values["chain"], values["direct"], rel_tol=1e-9, abs_tol=1e-9)
        (st.success if agree else st.warning)(
            f"Differentiating f({x_name}, g({x_name})) directly gives {written(values['direct'])} — "
            + ("the same number: the chain rule checks out." if agree else "they differ here (check the domain of g).")
        )
    st.latex(direct_tex)
    latex_source([*terms_tex, direct_tex], PAGE.key("latex"))

    with st.expander("Where this matters in machine learning", expanded=not big):
        st.markdown(
            "In a **recurrent network** the same weight is used at every time step, and the hidden state at step t "
            "depends on the state at t − 1. A weight's effect on the loss therefore flows through all later states: "
            "backpropagation through time is exactly the total derivative, summing ∂L/∂hₜ · dhₜ/dw over every route "
            "(hₜ is the hidden state at step t, L the loss, w the weight). "
            "The same holds for time-series models and any computation graph where one variable feeds another."
        )
    code_snippet(lambda: total_snippet(f, g_text, td.g, x0), PAGE.key("code"))


body(PAGE, charts_and_numbers)
finish(PAGE, slot)
