"""The learning-rate grid as a figure: the final loss at every η of the grid, the tuned η and the page's η."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.numbers import number
from core.optimizers import OPTIMIZERS
from core.tuning import Tuned
from viz.style import PALETTE, POINT, figure, log_axis, trace


def grid_figure(tuned: Tuned, lr: float, steps: int, lecture: bool = False) -> go.Figure:
    """Final loss f(θ_steps) against η on the grid's log axis: ✕ where the run diverged, a star at the tuned η,
    and a dashed line at the η the page uses."""
    rates = np.asarray(tuned.grid, dtype=float)
    losses = np.asarray(tuned.losses, dtype=float)
    finite = np.isfinite(losses)
    shown = losses[finite]
    positive = shown.size > 0 and bool((shown > 0).all())
    low, high = (float(shown.min()), float(shown.max())) if shown.size else (0.0, 1.0)
    traces = [
        trace(
            "scatter",
            x=rates,
            y=np.where(finite, losses, np.nan),
            mode="lines+markers",
            name=f"loss after {steps} steps",
            line=dict(width=3, color=PALETTE[0]),
            marker=dict(size=8),
        )
    ]
    if (~finite).any():
        traces.append(
            trace(
                "scatter",
                x=rates[~finite],
                y=np.full((~finite).sum(), high),
                mode="markers",
                name="diverged",
                marker=dict(symbol="x", size=12, color=POINT),
            )
        )
    if tuned.lr is not None:
        best = float(losses[list(tuned.grid).index(tuned.lr)])
        traces.append(
            trace(
                "scatter",
                x=[tuned.lr],
                y=[best],
                mode="markers",
                name=f"tuned η = {number(tuned.lr)}",
                marker=dict(symbol="star", size=18, color="#F0E442", line=dict(width=1, color="black")),
            )
        )
    traces.append(
        trace(
            "scatter",
            x=[lr, lr],
            y=[low, high],
            mode="lines",
            name=f"η on the sidebar = {number(lr)}",
            line=dict(width=2, dash="dash", color=PALETTE[2]),
        )
    )
    layout = dict(
        xaxis=dict(title=dict(text="learning rate η"), **log_axis(rates)),
        yaxis=dict(
            title=dict(text=f"f after {steps} steps"),
            **(log_axis(shown) if positive else {}),
        ),
    )
    title = f"{OPTIMIZERS[tuned.optimizer].label}: the loss each η of the grid reaches"
    return figure(traces, layout, title=title, height=360, lecture=lecture)
