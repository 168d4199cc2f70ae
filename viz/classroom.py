"""Figures for a live class: the map students click, the class's answers on it, the true answer on top after the
reveal, how far the answers were, and a vote's counts. No student text ever goes into a figure (plotly would
render its markup): answers arrive here as numbers only."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.grid import Grid
from viz.calculus import contour
from viz.style import GRADIENT, GREY, PALETTE, POINT, SKY, UPDATE, WHITE, YELLOW, arrow, figure, text_px, trace

TRUE = YELLOW  # the true answer: the yellow of the known-minima stars (viz.descent), outlined in black
CLOUD = "rgba(255, 255, 255, 0.55)"  # the class's answers: white dots with a dark rim read on every colour scale
MINE = POINT
ARROW_FRACTION = 0.25  # the revealed −∇f arrow is this fraction of the map's width (its direction is the answer)


def _map_layout(grid: Grid, names: Sequence[str]) -> dict:
    return dict(
        xaxis=dict(title=dict(text=names[0]), range=[grid.xs[0], grid.xs[-1]], constrain="domain"),
        yaxis=dict(title=dict(text=names[1]), range=[grid.ys[0], grid.ys[-1]]),
        clickmode="none",
        hovermode="closest",
    )


def _marker(x: float, y: float, name: str, color: str, symbol: str = "circle", size: int = 16) -> dict:
    return trace(
        "scatter",
        x=[float(x)],
        y=[float(y)],
        mode="markers",
        name=name,
        marker=dict(symbol=symbol, size=size, color=color, line=dict(width=2, color="black")),
    )


def prediction_figure(
    grid: Grid,
    names: Sequence[str],
    activity: dict,
    answers: Sequence[tuple[float, float]] = (),
    mine: tuple[float, float] | None = None,
    solution: dict | None = None,
    lecture: bool = False,
) -> go.Figure:
    """The contour map of the activity's f with what the question is about (the start, or P), the class's
    answers as a cloud, the student's own answer, and after the reveal the true answer on top: the optimizer's
    path and end, the minima, or the arrow of −∇f at P."""
    traces: list[dict] = [contour(grid, tuple(names), showscale=False, hoverinfo="skip", opacity=0.9, name="f")]
    question = activity["question"]
    if question == "end":
        traces.append(_marker(*activity["start"], name="start", color=SKY, symbol="square", size=14))
    elif question == "direction":
        traces.append(_marker(*activity["point"], name="P", color=GRADIENT, size=14))
    if answers:
        xs, ys = zip(*answers, strict=True)
        traces.append(
            trace(
                "scatter",
                x=list(xs),
                y=list(ys),
                mode="markers",
                name=f"the class's answers ({len(answers)})",
                marker=dict(size=11, color=CLOUD, line=dict(width=1.5, color="rgba(0, 0, 0, 0.8)")),
                hovertemplate="(%{x:.3g}, %{y:.3g})<extra></extra>",
            )
        )
    if solution is not None:
        traces += _truth(grid, activity, solution)
    # The student's own answer last: on top of the truth, so it shows even where it hits it exactly.
    if mine is not None:
        if question == "direction":
            px, py = activity["point"]
            traces.append(arrow(px, py, mine[0] - px, mine[1] - py, "your direction", MINE, width=3))
        else:
            traces.append(_marker(*mine, name="your answer", color=MINE, symbol="diamond", size=18))
    return figure(traces, _map_layout(grid, names), height=560, lecture=lecture)


def _truth(grid: Grid, activity: dict, solution: dict) -> list[dict]:
    question = activity["question"]
    if question == "direction":
        px, py = solution["point"]
        width = max(grid.xs[-1] - grid.xs[0], grid.ys[-1] - grid.ys[0])
        theta = np.radians(solution["angle"])
        length = ARROW_FRACTION * width
        return [arrow(px, py, length * np.cos(theta), length * np.sin(theta), "−∇f(P): the answer", TRUE, width=5)]
    found = []
    if question == "end" and solution.get("path"):
        xs, ys = zip(*solution["path"], strict=True)
        found.append(
            trace(
                "scatter",
                x=list(xs),
                y=list(ys),
                mode="lines",
                name=f"{solution['label']}: the path",
                line=dict(color=TRUE, width=3),
                hoverinfo="skip",
            )
        )
    if solution.get("targets"):
        xs, ys = zip(*solution["targets"], strict=True)
        name = "where it ends" if question == "end" else "the minimum" + ("s" if len(xs) > 1 else "")
        found.append(
            trace(
                "scatter",
                x=list(xs),
                y=list(ys),
                mode="markers",
                name=name,
                marker=dict(symbol="star", size=24, color=TRUE, line=dict(width=1.5, color="black")),
            )
        )
    return found


def errors_figure(
    errors: Sequence[float], axis: str, close: float, close_label: str, lecture: bool = False
) -> go.Figure:
    """How far each answer was from the truth (``axis`` names the measure): a histogram, with the dashed line at
    ``close``, within which an answer counts as close."""
    values = np.asarray(errors, dtype=float)
    top = float(values.max()) if values.size else 1.0
    traces = [
        trace(
            "histogram",
            x=values,
            name="answers",
            marker=dict(color=UPDATE, line=dict(width=1, color="rgba(255, 255, 255, 0.6)")),
            xbins=dict(start=0.0, end=max(top, close) * 1.0001, size=max(top, close) / 20 or 1.0),
            hovertemplate="%{x}: %{y} answers<extra></extra>",
        ),
        trace(
            "scatter",
            x=[close, close],
            y=[0, 1],
            yaxis="y2",
            mode="lines",
            name=close_label,
            line=dict(color=POINT, width=3, dash="dash"),
            hoverinfo="skip",
        ),
    ]
    layout = dict(
        xaxis=dict(title=dict(text=axis), rangemode="tozero"),
        yaxis=dict(title=dict(text="answers"), rangemode="tozero"),
        yaxis2=dict(overlaying="y", range=[0, 1], visible=False),
        bargap=0.05,
    )
    return figure(traces, layout, height=340, lecture=lecture)


def votes_figure(
    labels: Sequence[str], counts: Sequence[int], correct: int | None = None, lecture: bool = False
) -> go.Figure:
    """A vote's counts as bars, one per option (our own option texts, never a student's); after the reveal the
    right option is drawn in its own colour, hatched, and its count marked ✓ (not told by colour alone)."""
    colors = [PALETTE[0]] * len(labels)
    shapes = [""] * len(labels)
    if correct is not None:
        colors = [PALETTE[2] if i == correct else GREY for i in range(len(labels))]
        shapes = ["/" if i == correct else "" for i in range(len(labels))]
    total = sum(counts) or 1
    traces = [
        trace(
            "bar",
            x=list(counts),
            y=list(labels),
            orientation="h",
            name="votes",
            marker=dict(color=colors, pattern=dict(shape=shapes, fgcolor=WHITE, fgopacity=0.5)),
            text=[f"{'✓ ' if i == correct else ''}{c} ({100 * c / total:.0f} %)" for i, c in enumerate(counts)],
            textposition="auto",
            textfont=dict(size=text_px(16, lecture)),
            hovertemplate="%{y}: %{x}<extra></extra>",
            showlegend=False,
        )
    ]
    layout = dict(
        xaxis=dict(title=dict(text="votes"), rangemode="tozero"),
        yaxis=dict(autorange="reversed", automargin=True),
        bargap=0.25,
    )
    return figure(traces, layout, height=120 + 70 * len(labels), lecture=lecture)
