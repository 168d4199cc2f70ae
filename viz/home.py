"""The welcome page's picture: a surface with a gradient-descent path rolling down to its minimum."""

from __future__ import annotations

import plotly.graph_objects as go

from core.descent import Trajectory
from core.grid import Grid
from viz.calculus import point3d, scene, surface
from viz.style import PALETTE, POINT, figure, trace


def welcome_figure(grid: Grid, t: Trajectory, names: tuple[str, str], lecture: bool = False) -> go.Figure:
    """The surface z = f(x, y) and the descent path (x_k, y_k, f(x_k, y_k)) from its start to its end."""
    path = trace(
        "scatter3d",
        x=t.points[:, 0],
        y=t.points[:, 1],
        z=t.values,
        mode="lines+markers",
        name="gradient descent",
        line=dict(color="#FFFFFF", width=6),
        marker=dict(size=3, color="#FFFFFF"),
    )
    start = point3d(*t.points[0][:2], t.values[0], name="start", color=POINT)
    end = point3d(*t.points[-1][:2], t.values[-1], name="end", color=PALETTE[2])
    # No legend: the caption beside the picture says what it shows.
    layout = dict(scene=scene(names, grid), showlegend=False)
    return figure([surface(grid, opacity=0.9), path, start, end], layout, height=340, lecture=lecture)
