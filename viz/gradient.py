"""Figures for the gradient: contours with a field of arrows, the directional derivative over θ, a 3D arrow at P."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.grid import Grid
from core.numbers import number
from viz.calculus import contour, point3d, scene, surface
from viz.handles import handle
from viz.style import GRADIENT, ON_PAGE, POINT, TANGENT, UPDATE, WHITE, arrow, figure, keyed, trace, z32


def arrow_scale(grid: Grid, vectors: np.ndarray, fraction: float = 0.06) -> float:
    """Display factor so the longest finite vector is ``fraction`` of the domain's width."""
    width = max(grid.xs[-1] - grid.xs[0], grid.ys[-1] - grid.ys[0])
    with np.errstate(invalid="ignore"):
        longest = np.nanmax(np.hypot(vectors[0], vectors[1])) if np.isfinite(vectors).any() else 0.0
    return float(fraction * width / longest) if longest > 0 else 1.0


def field_segments(X: np.ndarray, Y: np.ndarray, U: np.ndarray, V: np.ndarray) -> tuple[list, list]:
    """All arrows of a field as one polyline with gaps (None), which plotly draws as one cheap trace."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for x, y, u, v in zip(X.ravel(), Y.ravel(), U.ravel(), V.ravel(), strict=True):
        if np.isfinite([u, v]).all():
            xs += [float(x), float(x + u), None]
            ys += [float(y), float(y + v), None]
    return xs, ys


def field_heads(count: int, size: float = 7) -> dict:
    """Arrowheads on the tips of field_segments' polyline: a marker only on each tip (every 3rd point from the
    2nd), turned along the segment that ends there (angleref "previous")."""
    sizes = [0.0, size, 0.0] * (count // 3)
    return dict(symbol="arrow", size=sizes, angleref="previous", color="rgba(255,255,255,0.85)", line=dict(width=0))


def inside_length(point: tuple[float, float], direction: np.ndarray, grid: Grid, margin: float = 0.02) -> float:
    """The largest t with point + t·direction inside the plotted domain (less a margin), ∞ for a zero direction."""
    bounds = ((grid.xs[0], grid.xs[-1]), (grid.ys[0], grid.ys[-1]))
    t = np.inf
    for p, d, (low, high) in zip(point, direction, bounds, strict=True):
        pad = margin * (high - low)
        if d > 0:
            t = min(t, (high - pad - p) / d)
        elif d < 0:
            t = min(t, (low + pad - p) / d)
    return max(float(t), 0.0)


def clipped_arrow_scale(grid: Grid, point: tuple[float, float], vector: np.ndarray, fraction: float) -> float:
    """arrow_scale for one vector at ``point``, shortened so its tip stays inside the plot: clear of the edge
    when there is room, else at least 3 % of the domain's width up to the edge itself, so it still shows its way."""
    scale = arrow_scale(grid, vector.reshape(2, 1), fraction=fraction)
    length = float(np.hypot(*vector))
    width = max(grid.xs[-1] - grid.xs[0], grid.ys[-1] - grid.ys[0])
    floor = 0.03 * width / length if length > 0 else scale
    clear, edge = inside_length(point, vector, grid), inside_length(point, vector, grid, margin=0.0)
    return min(scale, max(clear, min(floor, edge)))


def contour_field_figure(
    grid: Grid,
    field: tuple[np.ndarray, np.ndarray, np.ndarray],
    point: tuple[float, float],
    value: float,
    grad: np.ndarray,
    names: tuple[str, str],
    descent: bool = False,
    normalized: bool = False,
    direction: float | None = None,
    lecture: bool = False,
) -> go.Figure:
    """Filled contours of f, arrows of ∇f (or −∇f) on a grid, the level curve through P and ∇f(P) drawn at P.

    The arrow at P is ∇f(P) times ``meta["scale"]`` of its trace, so its direction and relative length are exact;
    it is shortened to stay inside the plot, and its legend entry gives its true length. ``direction`` (θ in
    radians) draws the unit vector u = (cos θ, sin θ) at P. A ring around P can be dragged (see viz.handles).
    """
    X, Y, G = field
    sign = -1.0 if descent else 1.0
    U, V = sign * G[0], sign * G[1]
    if normalized:
        with np.errstate(invalid="ignore", divide="ignore"):
            length = np.hypot(U, V)
            U, V = np.where(length > 0, U / length, 0.0), np.where(length > 0, V / length, 0.0)
    scale = arrow_scale(grid, np.array([U, V]))
    xs, ys = field_segments(X, Y, U * scale, V * scale)
    label = "−∇f" if descent else "∇f"
    traces: list[dict] = [
        contour(grid, names, showscale=True, ncontours=24, colorbar=dict(title=dict(text="f"), thickness=14)),
        # White arrows stand out on the map; the legend's key is grey, which stands out on either theme's page.
        *keyed(
            trace(
                "scatter",
                x=xs,
                y=ys,
                mode="lines+markers",
                name=f"{label} field" + (" (normalized)" if normalized else ""),
                line=dict(color="rgba(255,255,255,0.85)", width=1.5),
                marker=field_heads(len(xs)),
                hoverinfo="skip",
            ),
            ON_PAGE[WHITE],
        ),
    ]
    if np.isfinite(value):
        traces.append(
            trace(
                "contour",
                x=grid.xs,
                y=grid.ys,
                z=z32(grid.z),
                name=f"level curve f = {number(value)}",
                showscale=False,
                contours=dict(start=value, end=value, size=1.0, coloring="none"),
                line=dict(color=POINT, width=3, dash="dot"),
                showlegend=True,
                hoverinfo="skip",
            )
        )
    x0, y0 = point
    if np.isfinite(grad).all():
        g = np.asarray(grad, dtype=float)
        gscale = clipped_arrow_scale(grid, (x0, y0), g, fraction=0.18)
        name = (
            f"∇f(P) = ({number(g[0], 3)}, {number(g[1], 3)}), length |∇f| = {number(np.hypot(*g), 3)} "
            f"(drawn ×{number(gscale, 2)})"
        )
        tip = arrow(x0, y0, gscale * g[0], gscale * g[1], name, GRADIENT, 5)
        tip["meta"] = {"scale": gscale, "vector": [float(g[0]), float(g[1])]}  # the vector, for viz.describe
        traces.append(tip)
    if direction is not None:
        u = np.array([np.cos(direction), np.sin(direction)])
        ulength = clipped_arrow_scale(grid, (x0, y0), u, fraction=0.12)  # |u| = 1: the scale is its drawn length
        traces.append(
            arrow(x0, y0, ulength * u[0], ulength * u[1], f"u at θ = {np.degrees(direction):.0f}°", TANGENT, 4)
        )
    traces.append(trace("scatter", x=[x0], y=[y0], mode="markers", name="P", marker=dict(size=12, color=POINT)))
    return figure(traces, map_layout(grid, names, (x0, y0)), height=560, lecture=lecture)


def map_layout(grid: Grid, names: tuple[str, str], point: tuple[float, float], automargin: bool = False) -> dict:
    """A contour map's axes with P's drag ring: equal scales, so ∇f meets the level curves at a visible right angle
    and a slope drawn on the map keeps its angle; the plot shrinks to the map's shape instead of padding the axes
    with empty range. ``automargin`` lets the margins grow to the tick labels (the smaller maps)."""
    extra = {"automargin": True} if automargin else {}
    return dict(
        shapes=[handle(*point)],
        xaxis=dict(title=dict(text=names[0]), range=[grid.xs[0], grid.xs[-1]], constrain="domain", **extra),
        yaxis=dict(
            title=dict(text=names[1]),
            range=[grid.ys[0], grid.ys[-1]],
            scaleanchor="x",
            scaleratio=1,
            constrain="domain",
            **extra,
        ),
    )


def directional_figure(grad: np.ndarray, theta: float, n: int = 361, lecture: bool = False) -> go.Figure:
    """D_u f(P) = ∇f(P)·(cos θ, sin θ) over θ in [0, 2π): a cosine whose peak |∇f| sits at the gradient's angle."""
    thetas = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    gx, gy = float(grad[0]), float(grad[1])
    values = gx * np.cos(thetas) + gy * np.sin(thetas)
    peak = float(np.arctan2(gy, gx) % (2 * np.pi))
    norm = float(np.hypot(gx, gy))
    current = gx * np.cos(theta) + gy * np.sin(theta)
    traces = [
        trace("scatter", x=np.degrees(thetas), y=values, mode="lines", name="D<sub>u</sub>f(P)", line=dict(width=3)),
        trace(
            "scatter",
            x=[np.degrees(peak)],
            y=[norm],
            mode="markers+text",
            name="steepest ascent: θ of ∇f, value |∇f|",
            marker=dict(size=12, color=GRADIENT),
            text=["ascent"],
            textposition=_beside(peak, "top"),
        ),
        trace(
            "scatter",
            x=[np.degrees((peak + np.pi) % (2 * np.pi))],
            y=[-norm],
            mode="markers+text",
            name="steepest descent: opposite, value −|∇f|",
            marker=dict(size=12, color=UPDATE),
            text=["descent"],
            textposition=_beside((peak + np.pi) % (2 * np.pi), "bottom"),
        ),
        trace(
            "scatter",
            x=[np.degrees(theta)],
            y=[current],
            mode="markers",
            name=f"θ = {np.degrees(theta):.0f}°",
            marker=dict(size=14, color=POINT, symbol="diamond"),
        ),
    ]
    layout = dict(
        xaxis=dict(title=dict(text="direction θ (degrees)"), range=[0, 360], dtick=45),
        # Room above the peak and below the trough for their labels.
        yaxis=dict(title=dict(text="D<sub>u</sub>f(P)"), range=[-1.35 * norm - 1e-9, 1.35 * norm + 1e-9]),
    )
    return figure(traces, layout, height=380, lecture=lecture)


def _beside(angle: float, side: str) -> str:
    """Where a marker's label goes: above or below it, and away from the plot's left or right edge."""
    degrees = np.degrees(angle)
    return f"{side} " + ("right" if degrees < 60 else "left" if degrees > 300 else "center")


def gradient_3d_figure(
    grid: Grid,
    point: tuple[float, float],
    value: float,
    grad: np.ndarray,
    names: tuple[str, str],
    lecture: bool = False,
) -> go.Figure:
    """The surface with ∇f(P) lifted onto it: the arrow (fx, fy, fx² + fy²) points up the steepest slope at P."""
    x0, y0 = point
    traces: list[dict] = [surface(grid, opacity=0.85)]
    if np.isfinite(grad).all() and np.isfinite(value):
        gx, gy = float(grad[0]), float(grad[1])
        lift = gx * gx + gy * gy
        width = max(grid.xs[-1] - grid.xs[0], grid.ys[-1] - grid.ys[0])
        scale = 0.2 * width / max(np.hypot(gx, gy), 1e-12)
        tip = (x0 + scale * gx, y0 + scale * gy, value + scale * lift)
        traces.append(
            trace(
                "scatter3d",
                x=[x0, tip[0]],
                y=[y0, tip[1]],
                z=[value, tip[2]],
                mode="lines",
                name="∇f lifted onto the surface",
                line=dict(color=GRADIENT, width=9),
            )
        )
        traces.append(
            trace(
                "cone",
                x=[tip[0]],
                y=[tip[1]],
                z=[tip[2]],
                u=[gx],
                v=[gy],
                w=[lift],
                sizemode="absolute",
                sizeref=0.08 * width,
                anchor="tip",
                showscale=False,
                colorscale=[[0, GRADIENT], [1, GRADIENT]],
                name="∇f(P)",
            )
        )
        traces.append(point3d(x0, y0, value))
    return figure(traces, dict(scene=scene(names, grid)), height=520, lecture=lecture)
