"""Figures for the linear-regression page: the data with the fitted line moving step by step."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.descent import Trajectory
from core.regression import Dataset
from viz.descent import play_buttons, step_slider
from viz.style import POINT, TANGENT, figure, short, trace


def fit_figure(data: Dataset, t: Trajectory, target: np.ndarray, lecture: bool = False) -> go.Figure:
    """Scatter of (x, y), the least-squares line, and the model line ŷ = w1·x + w2 at each step (animated)."""
    xs = np.array([data.x.min(), data.x.max()])
    pad = 0.05 * (xs[1] - xs[0])
    xs = xs + np.array([-pad, pad])

    def line(k: int) -> dict:
        w1, w2 = t.points[k]
        return trace(
            "scatter",
            x=xs,
            y=w1 * xs + w2,
            mode="lines",
            name="model ŷ = w1·x + w2 at the current step",
            line=dict(color=POINT, width=4),
        )

    traces = [
        trace("scatter", x=data.x, y=data.y, mode="markers", name="data", marker=dict(size=8, color="#0072B2")),
        trace(
            "scatter",
            x=xs,
            y=target[0] * xs + target[1],
            mode="lines",
            name="least squares (target)",
            line=dict(color=TANGENT, width=2, dash="dash"),
        ),
        line(0),
    ]
    # Frames carry only the line's coordinates; the trace keeps its name and style.
    frames = [
        dict(
            data=[
                {
                    "type": "scatter",
                    "x": [short(v) for v in xs],
                    "y": [short(v) for v in t.points[k][0] * xs + t.points[k][1]],
                }
            ],
            traces=[2],
            name=str(k),
        )
        for k in range(len(t.points))
    ]
    y_lo, y_hi = float(data.y.min()), float(data.y.max())
    span = max(y_hi - y_lo, 1e-9)
    layout = dict(
        xaxis=dict(title=dict(text="x")),
        yaxis=dict(title=dict(text="y"), range=[y_lo - 0.3 * span, y_hi + 0.3 * span]),
        legend=dict(yanchor="bottom", y=1.02),
        margin=dict(b=110),
    )
    controls = dict(updatemenus=[play_buttons(duration=60)], sliders=[step_slider(len(t.points))])
    return figure(traces, layout, height=480, lecture=lecture, frames=frames, controls=controls)


def minima_line(a: tuple[float, float], y: float, domain: tuple[tuple[float, float], ...]) -> dict:
    """The zero-loss set of (a1·w1 + a2·w2 − y)², the line a·w = y, across the plotted domain (a2 ≠ 0)."""
    (w1_low, w1_high), _ = domain
    w1 = np.array([w1_low, w1_high], dtype=float)
    return trace(
        "scatter",
        x=w1,
        y=(y - a[0] * w1) / a[1],
        mode="lines",
        name=f"minima: the whole line {a[0]:g}·w1 + {a[1]:g}·w2 = {y:g} (L = 0)",
        line=dict(color="#F0E442", width=3, dash="dash"),
    )
