"""Figures for partial derivatives: the surface with the two slices through P, the slices in 2D, the tangent plane."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.calculus import TangentPlane
from core.grid import Grid
from core.numbers import number
from core.slices import Slices
from viz.style import (
    GRADIENT,
    ORANGE,
    POINT,
    SKY,
    SURFACE_SCALE,
    TANGENT,
    UPDATE,
    figure,
    keyed,
    slope_line,
    trace,
    z32,
)


def surface(grid: Grid, name: str = "f", opacity: float = 0.92, showscale: bool = False) -> dict:
    """The surface z = f(x, y); NaN cells (undefined or clipped) are gaps."""
    return trace(
        "surface",
        x=grid.xs,
        y=grid.ys,
        z=z32(grid.z),
        name=name,
        colorscale=SURFACE_SCALE,
        opacity=opacity,
        showscale=showscale,
        cmin=grid.z_range[0],
        cmax=grid.z_range[1],
        contours=dict(z=dict(show=True, usecolormap=True, project=dict(z=False), width=1)),
        hovertemplate="x=%{x:.3g}<br>y=%{y:.3g}<br>f=%{z:.4g}<extra></extra>",
    )


def contour(grid: Grid, names: tuple[str, str] = ("x", "y"), showscale: bool = False, **style: object) -> dict:
    """Filled contours of f over the grid, on the same colour range as the surface; ``style`` overrides."""
    base = trace(
        "contour",
        x=grid.xs,
        y=grid.ys,
        z=z32(grid.z),
        colorscale=SURFACE_SCALE,
        ncontours=30,
        showscale=showscale,
        name="f",
        zmin=grid.z_range[0],
        zmax=grid.z_range[1],
        hovertemplate=f"{names[0]}=%{{x:.3g}}<br>{names[1]}=%{{y:.3g}}<br>f=%{{z:.4g}}<extra></extra>",
    )
    return {**base, **style}


def wall(xs: list, ys: list, z_range: tuple[float, float], color: str, name: str) -> dict:
    """A translucent vertical plane through the points (xs[0], ys[0]) and (xs[1], ys[1]).

    Two flat triangles (mesh3d): a translucent surface trace would cost a 3D redraw about 90 ms more in a
    browser without a GPU.
    """
    low, high = z_range
    return trace(
        "mesh3d",
        x=[xs[0], xs[1], xs[1], xs[0]],
        y=[ys[0], ys[1], ys[1], ys[0]],
        z=[low, low, high, high],
        i=[0, 0],
        j=[1, 2],
        k=[2, 3],
        color=color,
        opacity=0.18,
        flatshading=True,
        lighting=dict(ambient=1.0, diffuse=0.0, specular=0.0, fresnel=0.0),
        name=name,
        hoverinfo="skip",
    )


def scene(names: tuple[str, str], grid: Grid, distance: float = 1.0) -> dict:
    """A 3D scene over the grid's window, seen from the (+x, −y) side. The camera stands as close as keeps every tick
    label inside a panel as narrow as the welcome page's (tests/e2e/test_scenes.py); ``distance`` > 1 steps back
    for a panel narrower still for its height."""
    eye = dict(x=1.55 * distance, y=-1.55 * distance, z=0.98 * distance)
    return dict(
        xaxis=dict(title=dict(text=names[0])),
        yaxis=dict(title=dict(text=names[1])),
        zaxis=dict(title=dict(text="f"), range=list(grid.z_range)),
        aspectmode="manual",
        aspectratio=dict(x=1, y=1, z=0.7),
        camera=dict(eye=eye),
    )


def point3d(x: float, y: float, z: float, name: str = "P", color: str = POINT) -> dict:
    return trace(
        "scatter3d",
        x=[x],
        y=[y],
        z=[z],
        mode="markers",
        name=name,
        marker=dict(size=7, color=color, line=dict(width=1)),
    )


def tangent_segment(s: Slices, axis: int, half_width: float) -> tuple[np.ndarray, np.ndarray]:
    """Points of the tangent line to the slice at P along ``axis`` (0: x, 1: y): z = z0 + slope·t."""
    t = np.array([-half_width, half_width])
    slope = s.fx if axis == 0 else s.fy
    return t, s.z0 + slope * t


def partials_surface_figure(
    grid: Grid,
    s: Slices,
    names: tuple[str, str],
    plane: TangentPlane | None = None,
    lecture: bool = False,
) -> go.Figure:
    """Surface, P, the vertical planes y = y0 and x = x0 with their slice curves, and the two tangent lines."""
    (xa, xb), (ya, yb) = (grid.xs[0], grid.xs[-1]), (grid.ys[0], grid.ys[-1])
    z_lo, z_hi = grid.z_range
    traces: list[dict] = [surface(grid)]
    # The cutting planes y = y0 and x = x0, drawn as translucent walls.
    traces.append(wall([xa, xb], [s.y0, s.y0], grid.z_range, ORANGE, f"plane {names[1]} = {names[1]}₀"))
    traces.append(wall([s.x0, s.x0], [ya, yb], grid.z_range, SKY, f"plane {names[0]} = {names[0]}₀"))
    # Orange and sky blue stand out on the surface; their legend keys take darker shades that stand out on the page.
    traces += keyed(
        trace(
            "scatter3d",
            x=s.xs,
            y=np.full_like(s.xs, s.y0),
            z=_clip(s.zx, grid),
            mode="lines",
            name=f"slice f({names[0]}, {number(s.y0, 3)})",
            line=dict(color=ORANGE, width=6),
        )
    )
    traces += keyed(
        trace(
            "scatter3d",
            x=np.full_like(s.ys, s.x0),
            y=s.ys,
            z=_clip(s.zy, grid),
            mode="lines",
            name=f"slice f({number(s.x0, 3)}, {names[1]})",
            line=dict(color=SKY, width=6),
        )
    )
    half = 0.2 * max(xb - xa, yb - ya)
    if np.isfinite([s.z0, s.fx, s.fy]).all():
        t, z = tangent_segment(s, 0, half)
        traces.append(
            trace(
                "scatter3d",
                x=s.x0 + t,
                y=[s.y0, s.y0],
                z=z,
                mode="lines",
                name=f"tangent, slope ∂f/∂{names[0]} = {number(s.fx)}",
                line=dict(color=TANGENT, width=8),
            )
        )
        t, z = tangent_segment(s, 1, half)
        traces.append(
            trace(
                "scatter3d",
                x=[s.x0, s.x0],
                y=s.y0 + t,
                z=z,
                mode="lines",
                name=f"tangent, slope ∂f/∂{names[1]} = {number(s.fy)}",
                line=dict(color=UPDATE, width=8),
            )
        )
        traces.append(point3d(s.x0, s.y0, s.z0))
    if plane is not None:
        xs = np.linspace(xa, xb, 12)
        ys = np.linspace(ya, yb, 12)
        X, Y = np.meshgrid(xs, ys)
        Z = plane(X, Y)
        Z = np.where((z_lo <= Z) & (z_hi >= Z), Z, np.nan)
        traces.append(
            trace(
                "surface",
                x=xs,
                y=ys,
                z=Z,
                opacity=0.55,
                showscale=False,
                name="tangent plane",
                colorscale=[[0, TANGENT], [1, TANGENT]],
                hoverinfo="skip",
            )
        )
    return figure(traces, dict(scene=scene(names, grid), showlegend=True), height=560, lecture=lecture)


def _clip(z: np.ndarray, grid: Grid) -> np.ndarray:
    low, high = grid.z_range
    with np.errstate(invalid="ignore"):
        return np.where((z >= low) & (z <= high), z, np.nan)


def slice_figure(
    s: Slices,
    axis: int,
    names: tuple[str, str],
    z_range: tuple[float, float],
    secant: tuple[float, float] | None = None,
    lecture: bool = False,
) -> go.Figure:
    """One slice in 2D with its tangent line (slope = the partial) and the secant (h, slope) through P and P + h."""
    var = names[axis]
    other = names[1 - axis]
    axis_values, curve = (s.xs, s.zx) if axis == 0 else (s.ys, s.zy)
    at, fixed = (s.x0, s.y0) if axis == 0 else (s.y0, s.x0)
    slope = s.fx if axis == 0 else s.fy
    low, high = z_range
    with np.errstate(invalid="ignore"):
        shown = np.where((curve >= low) & (curve <= high), curve, np.nan)
    traces: list[dict] = [
        trace(
            "scatter",
            x=axis_values,
            y=shown,
            mode="lines",
            name=f"f with {other} = {number(fixed, 3)}",
            line=dict(width=3),
        )
    ]
    span = axis_values[-1] - axis_values[0]
    if np.isfinite([s.z0, slope]).all():
        t = np.array([-0.25 * span, 0.25 * span])
        traces.append(
            slope_line(at, s.z0, slope, t, f"tangent: slope ∂f/∂{var} = {number(slope)}", color=TANGENT, width=3)
        )
        if secant is not None and np.isfinite(secant[1]):
            h, secant_slope = secant
            t = np.array([min(0.0, h) - 0.1 * span, max(0.0, h) + 0.1 * span])
            name = f"secant, h = {number(h)}: slope {number(secant_slope)}"
            traces.append(slope_line(at, s.z0, secant_slope, t, name, color=GRADIENT, width=2, dash="dash"))
        traces.append(trace("scatter", x=[at], y=[s.z0], mode="markers", name="P", marker=dict(size=11, color=POINT)))
    layout = dict(
        xaxis=dict(title=dict(text=var)),
        yaxis=dict(title=dict(text="f"), range=[low - 0.05 * (high - low), high + 0.05 * (high - low)]),
        annotations=[
            dict(
                x=at,
                y=s.z0,
                text=f"slope = {number(slope)}",
                showarrow=True,
                arrowhead=2,
                arrowcolor=TANGENT,
                # Toward the middle of the plot, so the label never runs out of it.
                ax=-50 if at > 0.5 * (axis_values[0] + axis_values[-1]) else 50,
                ay=-36 if s.z0 < 0.5 * (low + high) else 36,
            )
        ]
        if np.isfinite([s.z0, slope]).all()
        else None,
    )
    return figure(traces, layout, title=f"Slice: ∂f/∂{var} at P", height=380, lecture=lecture)
