"""Figures for the linear-regression page: the fitted line moving step by step; batch sizes compared by epochs."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from core.descent import Trajectory
from core.numbers import number
from core.regression import Dataset
from viz.descent import play_buttons, step_slider
from viz.style import POINT, TANGENT, YELLOW, figure, keyed, log_axis, series, shortened, trace


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
            name="model ŷ = w₁·x + w₂ at the current step",
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
    ends = shortened(xs)
    lines = t.points[:, :1] * xs + t.points[:, 1:2]  # every step's line w₁·x + w₂ at the two ends
    frames = [
        dict(data=[{"type": "scatter", "x": ends, "y": shortened(y)}], traces=[2], name=str(k))
        for k, y in enumerate(lines)
    ]
    y_lo, y_hi = float(data.y.min()), float(data.y.max())
    span = max(y_hi - y_lo, 1e-9)
    layout = dict(
        xaxis=dict(title=dict(text="x")),
        yaxis=dict(title=dict(text="y"), range=[y_lo - 0.3 * span, y_hi + 0.3 * span]),
    )
    controls = dict(updatemenus=[play_buttons(60, lecture)], sliders=[step_slider(len(t.points), lecture=lecture)])
    return figure(traces, layout, height=480, lecture=lecture, frames=frames, controls=controls)


def epochs_figure(
    runs: Mapping[str, Trajectory], per_epoch: Mapping[str, int], floor: float | None = None, lecture: bool = False
) -> go.Figure:
    """Full-data loss against epochs (step / steps per epoch) for each batch size, epoch boundaries marked.

    One epoch is one pass over the data, so batch size 1 takes N steps per epoch and the full batch one: on
    this axis they compare by the data each has seen. ``floor`` is the least-squares loss, drawn as a line.
    """
    traces = []
    for i, (label, t) in enumerate(runs.items()):
        steps = np.arange(len(t.values))
        epochs = steps / per_epoch[label]
        starts = steps % per_epoch[label] == 0
        look = series(i)
        color = look["color"]
        traces.append(
            trace(
                "scatter",
                x=epochs,
                y=t.values,
                mode="lines",
                name=label,
                line=dict(width=3, color=color, dash=look["dash"]),
            )
        )
        traces.append(
            trace(
                "scatter",
                x=epochs[starts],
                y=t.values[starts],
                mode="markers",
                name=f"{label}: start of each epoch",
                marker=dict(size=8, color=color, symbol=f"{look['symbol']}-open", line=dict(width=2)),
                showlegend=False,
            )
        )
    last = max((len(t.values) - 1) / per_epoch[label] for label, t in runs.items())
    boundaries = [
        dict(type="line", x0=e, x1=e, yref="paper", y0=0, y1=1, line=dict(color="#BBBBBB", width=1, dash="dot"))
        for e in range(1, int(np.floor(last)) + 1)
    ]
    if floor is not None:
        traces.append(
            trace(
                "scatter",
                x=[0, last],
                y=[floor, floor],
                mode="lines",
                name="least-squares loss",
                line=dict(color=TANGENT, width=2, dash="dash"),
            )
        )
    layout = dict(
        xaxis=dict(title=dict(text="epoch (passes over the data; dotted lines mark each epoch's end)")),
        yaxis=dict(
            title=dict(text="MSE on all the data"),
            **log_axis(np.concatenate([t.values for t in runs.values()] or [np.array([1.0])])),
        ),
        shapes=boundaries,
    )
    return figure(traces, layout, title="Batch sizes compared by epochs", height=380, lecture=lecture)


def minima_line(a: tuple[float, float], y: float, domain: tuple[tuple[float, float], ...]) -> list[dict]:
    """The zero-loss set of (a1·w1 + a2·w2 − y)², the line a·w = y, across the plotted domain (a2 ≠ 0): the
    yellow line for the map, and its legend key in a yellow that stands out on the page."""
    (w1_low, w1_high), _ = domain
    w1 = np.array([w1_low, w1_high], dtype=float)
    line = trace(
        "scatter",
        x=w1,
        y=(y - a[0] * w1) / a[1],
        mode="lines",
        name=f"minima: the whole line {number(a[0])}·w₁ + {number(a[1])}·w₂ = {number(y)} (L = 0)",
        line=dict(color=YELLOW, width=3, dash="dash"),
    )
    return keyed(line)
