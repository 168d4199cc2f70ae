"""The ring drawn around a point the student can drag: a plotly shape the chart component reports when moved."""

from __future__ import annotations

from viz.style import POINT

RADIUS = 11  # pixels: the ring keeps its size at any zoom


def handle(x: float, y: float, xref: str = "x", yref: str = "y") -> dict:
    """An editable circle of fixed pixel size centred on (x, y); the chart sends its new centre as a pick."""
    return dict(
        type="circle",
        name="handle",
        editable=True,
        xref=xref,
        yref=yref,
        xsizemode="pixel",
        ysizemode="pixel",
        xanchor=float(x),
        yanchor=float(y),
        x0=-RADIUS,
        x1=RADIUS,
        y0=-RADIUS,
        y1=RADIUS,
        line=dict(color=POINT, width=2),
        fillcolor="rgba(0,0,0,0)",
    )
