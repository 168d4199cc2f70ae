"""Top views with a point to drag: the partials page's slices through P and the total page's path y = g(x)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.grid import Grid
from core.numbers import number
from core.slices import PathData, Slices
from viz.calculus import contour
from viz.gradient import clipped_arrow_scale, map_layout
from viz.style import GRADIENT, ORANGE, POINT, SKY, arrow, figure, keyed, trace


def slices_map_figure(grid: Grid, s: Slices, names: tuple[str, str], lecture: bool = False) -> go.Figure:
    """The contour map seen from above: the cuts y = y0 (orange) and x = x0 (sky blue) through P, the lines the
    3D view's slices stand on; dragging P moves both cuts."""
    (xa, xb), (ya, yb) = (float(grid.xs[0]), float(grid.xs[-1])), (float(grid.ys[0]), float(grid.ys[-1]))
    cuts = [
        trace(
            "scatter",
            x=[xa, xb],
            y=[s.y0, s.y0],
            mode="lines",
            name=f"cut {names[1]} = {number(s.y0, 3)}: slope ∂f/∂{names[0]}",
            line=dict(color=ORANGE, width=4),
        ),
        trace(
            "scatter",
            x=[s.x0, s.x0],
            y=[ya, yb],
            mode="lines",
            name=f"cut {names[0]} = {number(s.x0, 3)}: slope ∂f/∂{names[1]}",
            line=dict(color=SKY, width=4),
        ),
    ]
    traces = [
        contour(grid, names, hoverinfo="skip", opacity=0.9),
        *cuts,
        trace("scatter", x=[s.x0], y=[s.y0], mode="markers", name="P", marker=dict(size=12, color=POINT)),
    ]
    layout = map_layout(grid, names, (s.x0, s.y0), automargin=True)
    return figure(_keys_after(traces, cuts), layout, height=420, lecture=lecture)


def _keys_after(traces: list[dict], drawn: list[dict]) -> list[dict]:
    """``traces`` with each of ``drawn`` (lines in colours picked for the colour scale they lie on) keyed: its legend
    entry drawn apart in a colour that stands out on the page (viz.style.keyed). The keys come last, so every
    drawn trace keeps its place (ui/live_drag.js finds them by name), and rank first in the legend."""
    pairs = [keyed(t) for t in drawn]
    lines = {id(t): line for t, (line, _) in zip(drawn, pairs, strict=True)}
    keys = [{**key, "legendrank": rank} for rank, (_, key) in enumerate(pairs, start=1)]
    return [lines.get(id(t), t) for t in traces] + keys


def path_map_figure(
    grid: Grid, path: PathData, values: dict[str, float], names: tuple[str, str], lecture: bool = False
) -> go.Figure:
    """The contour map with the path y = g(x) and P = (x0, g(x0)) on it, and the path's direction (1, dy/dx) at P:
    dz/dx is ∇f(P) · (1, dy/dx), the slope of f along this arrow. Dragging P slides it along the path."""
    x0, y0 = values["x"], values["y"]
    with np.errstate(invalid="ignore"):
        inside = (path.gs >= grid.ys[0]) & (path.gs <= grid.ys[-1])
    drawn_path = trace(
        "scatter",
        x=path.xs,
        y=np.where(inside, path.gs, np.nan),
        mode="lines",
        name=f"path {names[1]} = g({names[0]})",
        line=dict(color=ORANGE, width=4),
    )
    traces = [contour(grid, names, hoverinfo="skip", opacity=0.9), drawn_path]
    direction = np.array([1.0, values["dy_dx"]])
    if np.isfinite([x0, y0, *direction]).all():
        scale = clipped_arrow_scale(grid, (x0, y0), direction, fraction=0.12)
        name = f"direction of the path (1, d{names[1]}/d{names[0]}) = (1, {number(values['dy_dx'], 3)})"
        traces.append(arrow(x0, y0, scale * direction[0], scale * direction[1], name, GRADIENT, 4))
    if np.isfinite([x0, y0]).all():
        traces.append(trace("scatter", x=[x0], y=[y0], mode="markers", name="P", marker=dict(size=12, color=POINT)))
    point = (x0, y0) if np.isfinite(y0) else (x0, float(grid.ys[0]))
    layout = map_layout(grid, names, point, automargin=True)
    return figure(_keys_after(traces, [drawn_path]), layout, height=420, lecture=lecture)
