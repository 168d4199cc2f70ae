"""Shared look: a colour-blind-safe palette (Okabe–Ito), readable type, and lecture-mode scaling."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
POINT = "#D55E00"
TANGENT = "#009E73"
GRADIENT = "#CC79A7"
UPDATE = "#0072B2"
VELOCITY = "#E69F00"
SURFACE_SCALE = "Viridis"


def short(value: float, digits: int = 7) -> float:
    """A coordinate rounded to ``digits`` significant digits: frames stay small, far below a pixel's error."""
    return float(f"{value:.{digits}g}")


def z32(z: np.ndarray) -> np.ndarray:
    """Grid values as float32 for the browser: half the bytes, far more precision than a surface shows."""
    return np.asarray(z, dtype=np.float32)


def styled(fig: go.Figure, title: str | None = None, height: int = 480, lecture: bool = False) -> go.Figure:
    """Apply the common layout; lecture mode enlarges type and height for a projector."""
    scale = 1.45 if lecture else 1.0
    fig.update_layout(
        title=dict(text=title) if title else None,
        height=int(height * (1.25 if lecture else 1.0)),
        margin=dict(l=10, r=10, t=50 if title else 20, b=20),
        font=dict(size=round(14 * scale)),
        # Below the plot, clear of the title and the axes.
        legend=dict(font=dict(size=round(13 * scale)), orientation="h", yanchor="top", y=-0.18, x=0),
        colorway=PALETTE,
    )
    return fig


def arrow(x0: float, y0: float, dx: float, dy: float, name: str, color: str, width: float = 4) -> go.Scatter:
    """A 2D arrow from (x0, y0) to (x0 + dx, y0 + dy): a segment with an arrowhead at its tip."""
    return go.Scatter(
        x=[x0, x0 + dx],
        y=[y0, y0 + dy],
        mode="lines+markers",
        name=name,
        line=dict(color=color, width=width),
        marker=dict(symbol=["circle", "arrow"], size=[6, 16], angleref="previous", color=color),
        hoverinfo="name",
    )
