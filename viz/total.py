"""Figures for the total derivative: the path y = g(x) on the surface, and the path's and the slice's curves."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.grid import Grid
from core.numbers import number
from core.slices import PathData
from viz.calculus import point3d, scene, surface
from viz.style import GRADIENT, ORANGE, POINT, TANGENT, figure, keyed, slope_line, trace


def total_surface_figure(
    grid: Grid, path: PathData, values: dict[str, float], names: tuple[str, str], lecture: bool = False
) -> go.Figure:
    """Surface with the lifted path (x, g(x), f(x, g(x))) and the two tangent lines at x0: slice and path."""
    x0, y0 = values["x"], values["y"]
    z0 = path.z0  # P on the surface itself: the sampled path between its points would put it off by a little
    (low, high) = grid.z_range
    with np.errstate(invalid="ignore"):
        over = (path.gs >= grid.ys[0]) & (path.gs <= grid.ys[-1]) & np.isfinite(path.z_path)
        if not grid.clipped:
            # No pole was cut away: the z-axis grows to hold the path and P, which may dip between grid points.
            heights = [*path.z_path[over], *([z0] if np.isfinite(z0) else [])]
            if heights:  # none when f is undefined all along the path (x/y along y = 0)
                low, high = min(low, *heights), max(high, *heights)
        inside = over & (path.z_path >= low) & (path.z_path <= high)
    traces: list[dict] = [
        surface(grid, opacity=0.8),
        *keyed(
            trace(
                "scatter3d",
                x=path.xs,
                y=np.where(inside, path.gs, np.nan),
                z=np.where(inside, path.z_path, np.nan),
                mode="lines",
                name=f"path {names[1]} = g({names[0]}) on the surface",
                line=dict(color=ORANGE, width=7),
            )
        ),
    ]
    half = 0.15 * (grid.xs[-1] - grid.xs[0])
    t = np.array([-half, half])
    if np.isfinite([values["dz_dx_partial"], values["chain"], values["dy_dx"]]).all() and np.isfinite(z0):
        traces.append(
            trace(
                "scatter3d",
                x=x0 + t,
                y=[y0, y0],
                z=z0 + values["dz_dx_partial"] * t,
                mode="lines",
                name=f"∂z/∂{names[0]} = {number(values['dz_dx_partial'])} ({names[1]} held fixed)",
                line=dict(color=TANGENT, width=8),
            )
        )
        traces.append(
            trace(
                "scatter3d",
                x=x0 + t,
                y=y0 + values["dy_dx"] * t,
                z=z0 + values["chain"] * t,
                mode="lines",
                name=f"dz/d{names[0]} = {number(values['chain'])} (along the path)",
                line=dict(color=GRADIENT, width=8),
            )
        )
        traces.append(point3d(x0, y0, z0))
    view = scene(names, grid)
    view["zaxis"]["range"] = [low, high]
    return figure(traces, dict(scene=view), height=540, lecture=lecture)


def total_curves_figure(
    path: PathData, values: dict[str, float], names: tuple[str, str], lecture: bool = False
) -> go.Figure:
    """z against x along the path and along the frozen slice, with their tangent lines at x0."""
    x0 = values["x"]
    z0 = path.z0
    span = path.xs[-1] - path.xs[0]
    t = np.array([-0.2 * span, 0.2 * span])
    traces = [
        trace(
            "scatter",
            x=path.xs,
            y=path.z_path,
            mode="lines",
            name=f"z = f(x, g(x)): {names[1]} follows x",
            line=dict(width=3),
        ),
        trace(
            "scatter",
            x=path.xs,
            y=path.z_slice,
            mode="lines",
            name=f"z = f({names[0]}, {number(values['y'], 3)}): {names[1]} held fixed",
            line=dict(width=3, dash="dash"),
        ),
    ]
    if np.isfinite([z0, values["chain"], values["dz_dx_partial"]]).all():
        traces += [
            slope_line(
                x0, z0, values["chain"], t, f"slope dz/d{names[0]} = {number(values['chain'])}", color=GRADIENT, width=2
            ),
            slope_line(
                x0,
                z0,
                values["dz_dx_partial"],
                t,
                f"slope ∂z/∂{names[0]} = {number(values['dz_dx_partial'])}",
                color=TANGENT,
                width=2,
            ),
            trace("scatter", x=[x0], y=[z0], mode="markers", name=f"{names[0]}₀", marker=dict(size=11, color=POINT)),
        ]
    finite = np.concatenate([path.z_path[np.isfinite(path.z_path)], path.z_slice[np.isfinite(path.z_slice)]])
    layout = dict(xaxis=dict(title=dict(text=names[0])), yaxis=dict(title=dict(text="z")))
    if finite.size:
        low, high = np.percentile(finite, [1, 99])
        pad = 0.1 * max(high - low, 1e-9)
        layout["yaxis"]["range"] = [low - pad, high + pad]
    return figure(traces, layout, height=400, lecture=lecture)
