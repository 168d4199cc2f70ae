"""Page: partial derivatives — the slices through P whose tangent slopes are ∂f/∂x and ∂f/∂y."""

from __future__ import annotations

import math

import streamlit as st

from core import secant_slopes, tangent_plane
from core.explain import fmt
from core.function import to_latex
from core.slices import slices
from core.snippets import partials_snippet
from ui import cache
from ui.controls import Page, choice, toggle
from ui.page import begin, finish
from ui.render import code_snippet, derivation_steps, latex_source, show
from ui.widgets import function_picker, lecture, pick_handler, point_controls
from viz.calculus import partials_surface_figure, slice_figure

PAGE = Page("partials")
H = choice("h", "Step h for the secant", ["1", "0.5", "0.1", "0.01", "0.001"], "0.5", kind="select_slider")
PLANE = toggle("plane", "Show the tangent plane")
H_TABLE = [1.0, 0.1, 0.01, 0.001, 1e-4, 1e-5, 1e-6]

slot = begin(
    PAGE,
    "📐 Partial derivatives",
    "To find ∂f/∂x at a point P, **hold y constant**: cut the surface with the vertical plane y = y₀. What is "
    "left is an ordinary curve in x, and ∂f/∂x(P) is the slope of its tangent line at P. Likewise ∂f/∂y is the "
    "slope of the slice x = x₀.",
)
picked = function_picker(PAGE)
x0, y0 = point_controls(PAGE, picked)
names = picked.names
h = float(PAGE.draw(H))
show_plane = PAGE.draw(PLANE)
f = picked.f
grid = cache.grid(f, picked.domain, 61)
s = slices(f, (x0, y0), picked.domain)
defined = all(math.isfinite(v) for v in (s.z0, s.fx, s.fy))
if not defined:
    st.warning(
        f"f or one of its partials is undefined at P = ({fmt(x0)}, {fmt(y0)}): no tangent line exists there. "
        "Move the point.",
        icon="⚠️",
    )
if grid.clipped:
    st.info("The surface has a pole: values beyond the typical range were cut out so the rest stays visible.")
elif grid.undefined:
    st.info("f is undefined in part of the domain; those regions are left as gaps.")

partials_tex = [rf"\frac{{\partial f}}{{\partial {v}}} = {to_latex(p)}" for v, p in zip(names, f.partials, strict=True)]
left, right = st.columns(2)
left.latex(partials_tex[0])
right.latex(partials_tex[1])
latex_source(partials_tex)
with left:
    derivation_steps(cache.derivation(f, names[0]), f"Show the steps for ∂f/∂{names[0]}", key=PAGE.key("steps_x"))
with right:
    derivation_steps(cache.derivation(f, names[1]), f"Show the steps for ∂f/∂{names[1]}", key=PAGE.key("steps_y"))
if defined:
    m1, m2, m3 = st.columns(3)
    m1.metric("f(P)", fmt(s.z0))
    m2.metric(f"∂f/∂{names[0]} at P", fmt(s.fx))
    m3.metric(f"∂f/∂{names[1]} at P", fmt(s.fy))

plane = tangent_plane(f, (x0, y0)) if show_plane and defined else None
big = lecture()
col3d, col2d = st.columns([3, 2]) if not big else (st.container(), st.container())
with col3d:
    show(
        partials_surface_figure(grid, s, names, plane=plane, lecture=big),
        key=PAGE.key("surface"),
        on_pick=pick_handler(PAGE),  # a click on the surface moves P there
    )
    if plane is not None:
        st.latex(
            rf"z = {fmt(plane.z0)} + ({fmt(plane.fx)})({names[0]} - {fmt(x0)})"
            rf" + ({fmt(plane.fy)})({names[1]} - {fmt(y0)})"
        )
secant = float(secant_slopes(f, (x0, y0), 0, [h])[0])
with col2d:
    show(slice_figure(s, 0, names, grid.z_range, secant=(h, secant), lecture=big), key=PAGE.key("slice_x"))
    show(slice_figure(s, 1, names, grid.z_range, lecture=big), key=PAGE.key("slice_y"))

st.subheader("The limit definition")
st.latex(
    rf"\frac{{\partial f}}{{\partial {names[0]}}}(P) = \lim_{{h \to 0}} "
    rf"\frac{{f({names[0]}_0 + h,\ {names[1]}_0) - f({names[0]}_0,\ {names[1]}_0)}}{{h}}"
)
slopes = secant_slopes(f, (x0, y0), 0, H_TABLE)
# A markdown table: a few rows of text need no dataframe machinery on every rerun.
rows = [
    f"| {h:g} | {fmt(v)} | {fmt(abs(v - s.fx)) if defined else '—'} |" for h, v in zip(H_TABLE, slopes, strict=True)
]
st.markdown("\n".join([f"| h | secant slope | distance to ∂f/∂{names[0]} |", "|---:|---:|---:|", *rows]))
st.caption(f"As h shrinks, the secant slope approaches ∂f/∂{names[0]}(P) = {fmt(s.fx)}.")

code_snippet(partials_snippet(f, (x0, y0)))
finish(PAGE, slot)
