"""Page: partial derivatives — the slices through P whose tangent slopes are ∂f/∂x and ∂f/∂y."""

from __future__ import annotations

import math

import streamlit as st

from core import secant_slopes, tangent_plane
from core.function import to_latex
from core.numbers import cleaned, latex, minus, number, plus
from core.slices import slices
from core.snippets import partials_snippet
from ui import cache
from ui.page import begin, finish
from ui.render import about, code_snippet, derivation_steps, latex_source, show
from ui.state import Param, choice, dump_flag, flag
from ui.widgets import function_picker, lecture, picker_params, point_params, point_sliders
from viz.calculus import partials_surface_figure, slice_figure

PAGE = "partials"
H_OPTIONS = ["1", "0.5", "0.1", "0.01", "0.001"]
H_TABLE = [1.0, 0.1, 0.01, 0.001, 1e-4, 1e-5, 1e-6]
PARAMS = [
    *picker_params(PAGE),
    *point_params(PAGE),
    Param("h", f"{PAGE}.h", choice(H_OPTIONS)),
    Param("plane", f"{PAGE}.plane", flag, dump_flag),
]

slot = begin(
    PAGE,
    "📐 Partial derivatives",
    "To find a partial derivative at a point P, **hold the other variable constant**: cut the surface with a "
    "vertical plane through P. What is left is an ordinary curve, and the partial derivative at P is the slope "
    "of its tangent line there.",
    PARAMS,
)
picked = function_picker(PAGE)
x0, y0 = point_sliders(PAGE, picked)
names = picked.names
with st.sidebar:
    st.session_state.setdefault(f"{PAGE}.h", "0.5")
    st.session_state.setdefault(f"{PAGE}.plane", False)
    h_text = st.select_slider("Step h for the secant", H_OPTIONS, key=f"{PAGE}.h")
    show_plane = st.toggle("Show the tangent plane", key=f"{PAGE}.plane")
h = float(h_text)
f = picked.f
grid = cache.grid(f, picked.domain, 61)
s = slices(f, (x0, y0), picked.domain)
defined = all(math.isfinite(v) for v in (s.z0, s.fx, s.fy))
about(picked.preset)
if not defined:
    st.warning(
        f"f or one of its partials is undefined at P = ({number(x0)}, {number(y0)}): no tangent line exists there. "
        "Move the point.",
        icon="⚠️",
    )
if grid.clipped:
    st.info("The surface has a pole: values beyond the typical range were cut out so the rest stays visible.")
elif grid.undefined:
    st.info("f is undefined in part of the domain; those regions are left as gaps.")

if defined:
    m1, m2, m3 = st.columns(3)
    m1.metric("f(P)", number(s.z0))
    m2.metric(f"∂f/∂{names[0]} at P", number(s.fx, scale=abs(s.z0)))
    m3.metric(f"∂f/∂{names[1]} at P", number(s.fy, scale=abs(s.z0)))

plane = tangent_plane(f, (x0, y0)) if show_plane and defined else None
big = lecture()
col3d, col2d = st.columns([3, 2])
with col3d:
    show(partials_surface_figure(grid, s, names, plane=plane, lecture=big), key=f"{PAGE}.surface")
    if plane is not None:
        st.latex(
            rf"z = {latex(plane.z0)}{plus(plane.fx)}\,({minus(names[0], x0)})"
            rf"{plus(plane.fy)}\,({minus(names[1], y0)})"
        )
secant = float(secant_slopes(f, (x0, y0), 0, [h])[0])
with col2d:
    show(slice_figure(s, 0, names, grid.z_range, secant=(h, secant), lecture=big), key=f"{PAGE}.slice_x")
    show(slice_figure(s, 1, names, grid.z_range, lecture=big), key=f"{PAGE}.slice_y")

partials_tex = [rf"\frac{{\partial f}}{{\partial {v}}} = {to_latex(p)}" for v, p in zip(names, f.partials, strict=True)]
left, right = st.columns(2)
left.latex(partials_tex[0])
right.latex(partials_tex[1])
latex_source(partials_tex)
with left:
    derivation_steps(cache.derivation(f, names[0]), f"Show the steps for ∂f/∂{names[0]}", key=f"{PAGE}.steps_x")
with right:
    derivation_steps(cache.derivation(f, names[1]), f"Show the steps for ∂f/∂{names[1]}", key=f"{PAGE}.steps_y")

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
        return f"| {h:g} | {number(slope)} | — |"
    distance = cleaned(abs(slope - s.fx), size)
    digits = 4 + (max(0, int(math.log10(abs(s.fx) / distance))) if distance and s.fx else 0)
    return f"| {h:g} | {number(slope, digits)} | {number(distance)} |"


rows = [row(h, v) for h, v in zip(H_TABLE, slopes, strict=True)]
st.markdown("\n".join([f"| h | secant slope | distance to ∂f/∂{names[0]} |", "|---:|---:|---:|", *rows]))
st.caption(
    f"As h shrinks, the secant slope approaches ∂f/∂{names[0]}(P) = {number(s.fx)}. Below about h = 10⁻⁸ it would "
    "get worse again: f(P + h) and f(P) then agree in almost every digit, and their difference is round-off."
)

code_snippet(partials_snippet(f, (x0, y0)))
finish(PAGE, PARAMS, slot)
