"""Page: partial derivatives — the slices through P whose tangent slopes are ∂f/∂x and ∂f/∂y."""

from __future__ import annotations

import math

import streamlit as st

from core import secant_slopes, tangent_plane
from core.calculus import partial_at
from core.function import to_latex
from core.numbers import cleaned, latex, minus, number, plus
from core.slices import slices
from core.snippets import partials_snippet
from ui import cache, formula
from ui.controls import Page, choice, toggle
from ui.live import slices_live
from ui.page import begin, finish
from ui.parts import body, drawn_by_the_body, rerunning_the_body
from ui.render import about, code_snippet, derivation_steps, latex_source, show
from ui.widgets import function_picker, lecture, pick_handler, point, point_controls
from viz.calculus import partials_surface_figure, slice_figure
from viz.point_maps import slices_map_figure

PAGE = Page("partials")
H = choice("h", "Step h for the secant", ["1", "0.5", "0.1", "0.01", "0.001"], "0.5", kind="select_slider")
PLANE = toggle("plane", "Show the tangent plane")
H_TABLE = [1.0, 0.1, 0.01, 0.001, 1e-4, 1e-5, 1e-6]

slot = begin(
    PAGE,
    "To find a partial derivative at a point P, **hold the other variable constant**: cut the surface with a "
    "vertical plane through P. What is left is an ordinary curve, and the partial derivative at P is the slope "
    "of its tangent line there.",
)
picked = function_picker(PAGE)
drawn_by_the_body(PAGE, lambda: point_controls(PAGE, picked))  # the surface and the map move P
rerunning_the_body(PAGE, lambda: (PAGE.draw(H), PAGE.draw(PLANE)))
about(picked.preset)


def charts_and_numbers() -> None:
    """Everything that follows P, h and the plane: it reruns alone when they change (ui.parts.body)."""
    x0, y0 = point(PAGE)
    names = picked.names
    h = float(PAGE.value(H))
    show_plane = PAGE.value(PLANE)
    f = picked.f
    grid = cache.grid(f, picked.domain, 61)
    s = slices(f, (x0, y0), picked.domain)
    defined = all(math.isfinite(v) for v in (s.z0, s.fx, s.fy))
    # At a kink (|x| at 0) the formula still gives a number, but the one-sided slopes disagree: say so.
    checks = [partial_at(f, (x0, y0), i) for i in range(2)] if defined else []
    for check in checks:
        if not check.exists:
            st.warning(check.reason, icon=":material/warning:")
    if not defined:
        st.warning(
            f"f or one of its partials is undefined at P = ({number(x0)}, {number(y0)}): no tangent line exists there. "
            "Move the point.",
            icon=":material/warning:",
        )
    if grid.clipped:
        st.info("The surface has a pole: values beyond the typical range were cut out so the rest stays visible.")
    elif grid.undefined:
        st.info("f is undefined in part of the domain; those regions are left as gaps.")

    if defined:
        m1, m2, m3 = st.columns(3)
        m1.metric("f(P)", number(s.z0))
        for column, var, value, check in zip((m2, m3), names, (s.fx, s.fy), checks, strict=True):
            column.metric(f"∂f/∂{var} at P", number(value, scale=abs(s.z0)) if check.exists else "does not exist")

    plane = tangent_plane(f, (x0, y0)) if show_plane and defined else None
    big = lecture()
    col3d, col2d = st.columns([3, 2])
    with col3d:
        show(
            partials_surface_figure(grid, s, names, plane=plane, lecture=big),
            key=PAGE.key("surface"),
            on_pick=pick_handler(PAGE),  # a click on the surface moves P there
        )
        if plane is not None:
            st.latex(
                rf"z = {latex(plane.z0)}{plus(plane.fx)}\,({minus(names[0], x0)})"
                rf"{plus(plane.fy)}\,({minus(names[1], y0)})"
            )
        show(
            slices_map_figure(grid, s, names, lecture=big),
            key=PAGE.key("map"),
            on_pick=pick_handler(PAGE),
            live=slices_live(f, PAGE, (x0, y0), ((grid.xs[0], grid.xs[-1]), (grid.ys[0], grid.ys[-1]))),
        )
    secant = float(secant_slopes(f, (x0, y0), 0, [h])[0])
    with col2d:
        show(slice_figure(s, 0, names, grid.z_range, secant=(h, secant), lecture=big), key=PAGE.key("slice_x"))
        show(slice_figure(s, 1, names, grid.z_range, lecture=big), key=PAGE.key("slice_y"))

    partials_tex = [
        rf"\frac{{\partial f}}{{\partial {v}}} = {to_latex(p)}" for v, p in zip(names, f.partials, strict=True)
    ]
    left, right = st.columns(2)
    left.latex(partials_tex[0])
    right.latex(partials_tex[1])
    latex_source(partials_tex, PAGE.key("latex"))
    formula.partials_download(f, PAGE.key("partials_tex"))
    with left:
        derivation_steps(
            lambda: cache.derivation(f, names[0]), f"Show the steps for ∂f/∂{names[0]}", key=PAGE.key("steps_x")
        )
    with right:
        derivation_steps(
            lambda: cache.derivation(f, names[1]), f"Show the steps for ∂f/∂{names[1]}", key=PAGE.key("steps_y")
        )

    st.subheader("The limit definition")
    st.latex(
        rf"\frac{{\partial f}}{{\partial {names[0]}}}(P) = \lim_{{h \to 0}} "
        rf"\frac{{f({names[0]}_0 + h,\ {names[1]}_0) - f({names[0]}_0,\ {names[1]}_0)}}{{h}}"
    )
    slopes = secant_slopes(f, (x0, y0), 0, H_TABLE)
    # A markdown table: a few rows of text need no dataframe machinery on every rerun.
    size = max(abs(s.fx), abs(s.z0)) if defined else 0.0  # differences below 10⁻¹² of this are round-off

    def row(h: float, slope: float) -> str:
        """One row; the secant slope with just enough digits to show where it still differs from the partial."""
        if not defined:
            return f"| {number(h)} | {number(slope)} | — |"
        distance = cleaned(abs(slope - s.fx), size)
        ratio = abs(s.fx) / distance if distance else 0.0
        digits = 4 + (max(0, int(math.log10(ratio))) if math.isfinite(ratio) and ratio > 0 else 0)
        return f"| {number(h)} | {number(slope, digits)} | {number(distance)} |"

    rows = [row(h, v) for h, v in zip(H_TABLE, slopes, strict=True)]
    st.markdown("\n".join([f"| h | secant slope | distance to ∂f/∂{names[0]} |", "|---:|---:|---:|", *rows]))
    st.caption(
        f"As h shrinks, the secant slope approaches ∂f/∂{names[0]}(P) = {number(s.fx)}. Below about h = 10⁻⁸ it would "
        "get worse again: f(P + h) and f(P) then agree in almost every digit, and their difference is round-off."
    )

    code_snippet(lambda: partials_snippet(f, (x0, y0)), PAGE.key("code"))


body(PAGE, charts_and_numbers)
finish(PAGE, slot)
