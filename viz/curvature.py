"""Figures for curvature: eigen-axes of the Hessian on the map, f beside its Taylor model, rates, sweeps, races."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from core.curvature import Curvature
from core.descent import Trajectory
from core.grid import Grid
from core.numbers import number
from viz.calculus import contour, point3d, surface
from viz.handles import handle
from viz.style import DASHES, PALETTE, POINT, SYMBOLS, WHITE, YELLOW, figure, keyed, log_axis, series, text_px, trace

UP = "#0072B2"  # an eigen-axis along which f curves up (λ > 0)
DOWN = "#D55E00"  # … curves down (λ < 0)
FLAT = "#555555"  # … is flat to second order (λ ≈ 0)


def eigen_axes(c: Curvature, domain: tuple, fraction: float = 0.3) -> list[tuple[np.ndarray, np.ndarray]]:
    """Segments P ± Lᵢ·vᵢ along each eigenvector, Lᵢ ∝ |λᵢ|; the largest spans ``fraction`` of the shorter side."""
    (xa, xb), (ya, yb) = domain
    largest = float(np.max(np.abs(c.eigenvalues)))
    reach = fraction * min(xb - xa, yb - ya) / 2
    segments = []
    for lam, v in zip(c.eigenvalues, c.eigenvectors.T, strict=True):
        half = reach * abs(lam) / largest if largest > 0 else 0.0
        segments.append((c.point[0] + half * np.array([-v[0], v[0]]), c.point[1] + half * np.array([-v[1], v[1]])))
    return segments


def _axis_name(i: int, lam: float, kind_zero: bool) -> str:
    shape = "flat" if kind_zero else ("curves up" if lam > 0 else "curves down")
    return f"eigen-axis {i + 1}: λ{'₁₂'[i]} = {number(lam)} ({shape})"


def hessian_figure(
    grid: Grid,
    c: Curvature,
    names: tuple[str, str],
    model: Grid | None = None,
    lecture: bool = False,
    ring: bool = False,
) -> go.Figure:
    """The contour map with P, the Hessian's eigenvectors through P scaled by |λ|, and the model's level curves;
    ``ring`` puts a draggable ring around P (see viz.handles)."""
    # No colour bar: the equal-aspect map is narrower than the figure, and the bar would float far to its right.
    traces: list[dict] = [contour(grid, names, hoverinfo="skip", opacity=0.9)]
    if model is not None:
        traces += keyed(
            contour(
                model,
                names,
                name="Taylor model q (level curves)",
                showlegend=True,
                contours=dict(coloring="none"),
                line=dict(color=WHITE, width=1.5, dash="dot"),
                ncontours=14,
                hoverinfo="skip",
            )
        )
    if c.defined:
        largest = float(np.max(np.abs(c.eigenvalues)))
        for i, ((xs, ys), lam) in enumerate(
            zip(eigen_axes(c, (grid.xs[[0, -1]], grid.ys[[0, -1]])), c.eigenvalues, strict=True)
        ):
            flat = abs(lam) <= 1e-8 * max(1.0, largest)
            color = FLAT if flat else (UP if lam > 0 else DOWN)
            traces.append(
                trace(
                    "scatter",
                    x=xs,
                    y=ys,
                    mode="lines",
                    name=_axis_name(i, float(lam), flat),
                    # The caption's code: solid curves up, dashed curves down (a dash-dot axis is flat).
                    line=dict(color=color, width=5, dash="dashdot" if flat else ("solid" if lam > 0 else "dash")),
                )
            )
    traces.append(
        trace(
            "scatter",
            x=[c.point[0]],
            y=[c.point[1]],
            mode="markers",
            name=f"P: {c.kind if c.stationary else 'not stationary'}",
            marker=dict(size=13, color=POINT, line=dict(width=2, color="white")),
        )
    )
    layout = dict(
        xaxis=dict(automargin=True, title=dict(text=names[0]), range=[grid.xs[0], grid.xs[-1]], constrain="domain"),
        # Equal scales, so perpendicular eigenvectors look perpendicular.
        yaxis=dict(
            automargin=True, title=dict(text=names[1]), range=[grid.ys[0], grid.ys[-1]], scaleanchor="x", scaleratio=1
        ),
        legend=dict(y=-0.3),
    )
    if ring:
        layout["shapes"] = [handle(c.point[0], c.point[1])]
    return figure(traces, layout, height=560, lecture=lecture)


def taylor_figure(near: Grid, model: Grid, c: Curvature, names: tuple[str, str], lecture: bool = False) -> go.Figure:
    """Two 3D scenes on the same window and z-range: f near P, and its second-order Taylor model q."""
    low = min(near.z_range[0], model.z_range[0])
    high = max(near.z_range[1], model.z_range[1])
    shared = (low, high)
    f_surface = {**surface(near._replace(z_range=shared), name="f near P"), "scene": "scene"}
    q_surface = {**surface(model._replace(z_range=shared), name="Taylor model q"), "scene": "scene2"}
    traces = [
        f_surface,
        {**point3d(c.point[0], c.point[1], c.value), "scene": "scene"},
        q_surface,
        {**point3d(c.point[0], c.point[1], c.value), "scene": "scene2", "showlegend": False},
    ]

    def scene(left: float, title: str) -> dict:
        return dict(
            domain=dict(x=[left + 0.03, left + 0.48], y=[0.0, 0.9]),
            xaxis=dict(title=dict(text=names[0])),
            yaxis=dict(title=dict(text=names[1])),
            zaxis=dict(title=dict(text=title), range=[low, high]),
            aspectmode="manual",
            aspectratio=dict(x=1, y=1, z=0.7),
            # From higher up than the other 3D views: a bowl seen along its valley (the lesson's f at P) was a
            # thin sliver from the side; from above it shows as a surface whatever its shape.
            camera=dict(eye=dict(x=1.3, y=-1.6, z=1.5)),
        )

    heading = dict(
        y=1.0, xref="paper", yref="paper", yanchor="top", showarrow=False, font=dict(size=text_px(16, lecture))
    )
    layout = dict(
        scene=scene(0.0, "f"),
        scene2=scene(0.52, "q"),
        annotations=[
            {**heading, "text": "f near P", "x": 0.24, "xanchor": "center"},
            {**heading, "text": "q(P + d) = f + ∇f·d + ½ dᵀHd", "x": 0.76, "xanchor": "center"},
        ],
    )
    return figure(traces, layout, height=400, lecture=lecture)


def rates_figure(runs: Mapping[str, Trajectory], rates: Mapping[str, float], lecture: bool = False) -> go.Figure:
    """Loss per step (log scale) of each run, with the line ρ²ᵏ its predicted rate ρ says the loss follows.

    Each predicted line passes through the run's last positive loss, so the slopes compare where the rate rules.
    """
    traces = []
    for i, (label, t) in enumerate(runs.items()):
        look = series(i)
        color = look["color"]
        k = np.arange(len(t.values))
        values = np.where(t.values > 0, t.values, np.nan)
        traces.append(
            # Runs differ by colour and marker; the dash says measured (solid) or predicted (dashed).
            trace(
                "scatter",
                x=k,
                y=values,
                mode="lines+markers",
                name=f"{label}: measured",
                line=dict(color=color, width=3),
                marker=dict(symbol=look["symbol"], size=8, maxdisplayed=12),
            )
        )
        rho = rates.get(label)
        positive = np.flatnonzero(t.values > 0)
        if rho is None or rho <= 0 or positive.size == 0:
            continue
        end = int(positive[-1])
        with np.errstate(over="ignore", divide="ignore"):
            line = t.values[end] * np.exp(2 * (k - end) * np.log(rho))
        traces.append(
            trace(
                "scatter",
                x=k,
                y=line,
                mode="lines",
                name=f"{label}: predicted ρ = {number(rho)}",
                line=dict(color=color, width=2, dash="dash"),
            )
        )
    finite = np.concatenate([t.values[t.values > 0] for t in runs.values()] or [np.array([1.0])])
    low, high = (np.log10(finite.min()), np.log10(finite.max())) if finite.size else (-1.0, 1.0)
    layout = dict(
        xaxis=dict(automargin=True, title=dict(text="step k")),
        yaxis=dict(
            automargin=True,
            title=dict(text="loss f(θ_k)"),
            range=[low - 0.5, high + 0.5],
            exponentformat="power",
            **log_axis(finite),
        ),
        legend=dict(y=-0.3),
    )
    return figure(traces, layout, title="Measured loss per step and the predicted rate", height=420, lecture=lecture)


def _marker_line(x: float, top: float, name: str, color: str, dash: str) -> dict:
    """A vertical line at x from 0 to top, named in the legend."""
    return trace("scatter", x=[x, x], y=[0, top], mode="lines", name=name, line=dict(color=color, width=3, dash=dash))


def lr_sweep_figure(
    lrs: np.ndarray,
    predicted: np.ndarray,
    measured: np.ndarray,
    stable: float,
    best: float,
    lr: float | None = None,
    lecture: bool = False,
) -> go.Figure:
    """Gradient descent's rate ρ(η) = max|1 − ηλᵢ| against η, the measured rates, and the marks 2/λmax and η*."""
    top = 1.6
    traces = [
        trace("scatter", x=lrs, y=predicted, mode="lines", name="predicted ρ = max|1 − ηλᵢ|", line=dict(width=3)),
        trace(
            "scatter",
            x=lrs,
            y=np.clip(measured, 0, top),
            mode="markers",
            name="measured (loss ratio per step)^½",
            marker=dict(size=9, color=PALETTE[1], line=dict(width=1, color="black")),
        ),
        _marker_line(stable, top, f"largest stable η = 2/λmax = {number(stable)}", PALETTE[3], "dash"),
        _marker_line(best, top, f"fastest η* = 2/(λmin + λmax) = {number(best)}", PALETTE[2], "dot"),
        trace(
            "scatter",
            x=[lrs[0], lrs[-1]],
            y=[1, 1],
            mode="lines",
            name="ρ = 1: no progress",
            line=dict(color="#777777", width=1),
        ),
    ]
    if lr is not None:
        traces.append(
            trace(
                "scatter",
                x=[lr],
                y=[float(np.interp(lr, lrs, predicted))],
                mode="markers",
                name=f"this η = {number(lr)}",
                marker=dict(size=14, color=POINT, symbol="diamond"),
            )
        )
    layout = dict(
        xaxis=dict(automargin=True, title=dict(text="learning rate η")),
        yaxis=dict(automargin=True, title=dict(text="rate ρ (error factor per step)"), range=[0, top]),
        legend=dict(y=-0.3),
    )
    return figure(traces, layout, title="Learning-rate sweep: gradient descent", height=420, lecture=lecture)


def paths_figure(
    grid: Grid,
    runs: Mapping[str, Trajectory],
    names: tuple[str, str],
    marks: Mapping[str, Sequence[Sequence[float]]] | None = None,
    lecture: bool = False,
) -> go.Figure:
    """Several runs on one contour map (✕ at the end of one that diverged), with marked points (minima, saddles)."""
    traces: list[dict] = [contour(grid, names, showscale=True, hoverinfo="skip", opacity=0.9)]
    for i, (label, t) in enumerate(runs.items()):
        look = series(i)
        color = look["color"]
        suffix = f" — diverged at step {t.diverged_at}" if t.status == "diverged" else ""
        traces.append(
            trace(
                "scatter",
                x=t.points[:, 0],
                y=t.points[:, 1],
                mode="lines+markers",
                name=label + suffix,
                legendgroup=label,
                line=dict(color=color, width=3, dash=look["dash"]),
                marker=dict(size=6, color=color, symbol=look["symbol"], maxdisplayed=40),
            )
        )
        traces.append(
            trace(
                "scatter",
                x=t.points[-1:, 0],
                y=t.points[-1:, 1],
                mode="markers",
                name=f"{label} end",
                showlegend=False,
                legendgroup=label,
                marker=dict(
                    size=14, color=color, symbol="x" if suffix else look["symbol"], line=dict(width=2, color=WHITE)
                ),
            )
        )
    symbols = {"minimum": "star", "saddle": "x"}
    for kind, points in (marks or {}).items():
        if len(points):
            traces.append(
                trace(
                    "scatter",
                    x=[p[0] for p in points],
                    y=[p[1] for p in points],
                    mode="markers",
                    name=kind,
                    marker=dict(
                        symbol=symbols.get(kind, "diamond"),
                        size=16,
                        # Filled and dark-rimmed: seen on the map and, in the legend, on either theme.
                        color=YELLOW if kind == "minimum" else WHITE,
                        line=dict(width=1.5, color="black"),
                    ),
                )
            )
    layout = dict(
        xaxis=dict(automargin=True, title=dict(text=names[0]), range=[grid.xs[0], grid.xs[-1]]),
        yaxis=dict(automargin=True, title=dict(text=names[1]), range=[grid.ys[0], grid.ys[-1]]),
    )
    return figure(traces, layout, height=520, lecture=lecture)


def distance_figure(runs: Mapping[str, Trajectory], point: Sequence[float], lecture: bool = False) -> go.Figure:
    """Distance |θ_k − S| from the saddle per step (log scale): a stall is the flat stretch near the bottom."""
    traces = []
    distances = []
    for i, (label, t) in enumerate(runs.items()):
        distance = np.linalg.norm(t.points - np.asarray(point, dtype=float), axis=1)
        distances.append(distance)
        traces.append(
            trace(
                "scatter",
                x=np.arange(len(distance)),
                y=np.where(distance > 0, distance, np.nan),
                mode="lines+markers",
                name=label,
                line=dict(color=PALETTE[i % 8], width=3, dash=DASHES[i % 8]),
                marker=dict(symbol=SYMBOLS[i % 8], size=8, maxdisplayed=12),
            )
        )
    layout = dict(
        xaxis=dict(automargin=True, title=dict(text="step k")),
        yaxis=dict(
            automargin=True,
            title=dict(text="distance from the saddle"),
            exponentformat="power",
            **log_axis(np.concatenate(distances) if distances else np.array([1.0])),
        ),
        legend=dict(y=-0.3),
    )
    return figure(traces, layout, title="How long each run stays near the saddle", height=360, lecture=lecture)
