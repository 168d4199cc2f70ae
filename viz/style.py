"""Shared look: a colour-blind-safe palette (Okabe–Ito), readable type, and lecture-mode scaling."""

from __future__ import annotations

from typing import Any

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


def trace(kind: str, **props: Any) -> dict:
    """A plotly trace as a plain dict: the figure is validated once, when it is built, not property by property."""
    return {"type": kind, **props}


def merged(base: dict, extra: dict) -> dict:
    """``base`` updated by ``extra``, nested dicts merged key by key."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


# Streamlit's own typeface, so chart labels match the page around them; plain sans-serif in an exported file.
FONT = '"Source Sans", "Source Sans Pro", "Helvetica Neue", Arial, sans-serif'

# A light template given explicitly: plotly's default one costs more to apply than most figures do to build.
TEMPLATE = go.layout.Template(
    layout=dict(
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(gridcolor="#E6E6E6", zerolinecolor="#BBBBBB"),
        yaxis=dict(gridcolor="#E6E6E6", zerolinecolor="#BBBBBB"),
    )
)


def figure(
    traces: list[dict],
    layout: dict | None = None,
    *,
    title: str | None = None,
    height: int = 480,
    lecture: bool = False,
    frames: list[dict] | None = None,
    controls: dict | None = None,
) -> go.Figure:
    """The figure with the common look; lecture mode enlarges type and height for a projector.

    Built in one go from plain dicts: plotly's per-property updates cost more than the data itself.
    """
    scale = 1.45 if lecture else 1.0
    base = dict(
        title=dict(text=title) if title else None,
        height=int(height * (1.25 if lecture else 1.0)),
        margin=dict(l=10, r=10, t=50 if title else 20, b=20),
        font=dict(family=FONT, size=round(14 * scale)),
        # Below the plot, clear of the title and the axes.
        legend=dict(font=dict(size=round(13 * scale)), orientation="h", yanchor="top", y=-0.18, x=0),
        colorway=PALETTE,
        template=TEMPLATE,
    )
    return FramedFigure(data=traces, layout=merged(base, layout or {}), frames=frames, controls=controls)


class FramedFigure(go.Figure):
    """A go.Figure whose animation frames and controls stay plain dicts until something reads them.

    Plotly turns every trace of every frame, and every step of a slider, into a validated object — about
    0.1 ms each, more than the rest of a page for hundreds of playback steps. ``to_dict()``, which
    st.plotly_chart and the HTML export call, emits the dicts as they are; reading ``.frames`` or
    ``.layout`` builds the objects on first use, so the figure behaves like any other go.Figure.
    """

    def __init__(self, *args: Any, frames: list[dict] | None = None, controls: dict | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._raw_frames = frames
        self._raw_controls = controls  # top-level layout keys: the sliders and play buttons

    def _pending(self) -> bool:
        return bool(getattr(self, "_raw_frames", None) or getattr(self, "_raw_controls", None))

    def _materialize(self) -> None:
        frames, controls = self._raw_frames, self._raw_controls
        self._raw_frames = self._raw_controls = None
        if controls:
            go.Figure.layout.fget(self).update(controls)
        if frames:
            go.Figure.frames.fset(self, frames)

    @property
    def frames(self) -> tuple:
        if self._pending():
            self._materialize()
        return go.Figure.frames.fget(self)

    @frames.setter
    def frames(self, value: list) -> None:
        if self._pending():
            self._materialize()
        go.Figure.frames.fset(self, value)

    @property
    def layout(self) -> go.Layout:
        if self._pending():
            self._materialize()
        return go.Figure.layout.fget(self)

    @layout.setter
    def layout(self, value: go.Layout | dict) -> None:
        if self._pending():
            self._materialize()
        go.Figure.layout.fset(self, value)

    def to_dict(self) -> dict:
        out = super().to_dict()
        if getattr(self, "_raw_controls", None):
            out["layout"] = {**out["layout"], **self._raw_controls}
        if getattr(self, "_raw_frames", None):
            out["frames"] = list(self._raw_frames)
        return out


def slope_line(x0: float, y0: float, slope: float, t: np.ndarray, name: str, **line: Any) -> dict:
    """The line through (x0, y0) with the given slope, over offsets t: y = y0 + slope·t."""
    return trace("scatter", x=x0 + t, y=y0 + slope * t, mode="lines", name=name, line=line)


def arrow_style(name: str, color: str, width: float = 4) -> dict:
    """How an arrow looks: a segment with a round tail and an arrowhead that follows the segment's direction."""
    return dict(
        mode="lines+markers",
        name=name,
        line=dict(color=color, width=width),
        marker=dict(symbol=["circle", "arrow"], size=[6, 16], angleref="previous", color=color),
        hoverinfo="name",
    )


def arrow(x0: float, y0: float, dx: float, dy: float, name: str, color: str, width: float = 4) -> dict:
    """A 2D arrow from (x0, y0) to (x0 + dx, y0 + dy)."""
    return trace("scatter", x=[x0, x0 + dx], y=[y0, y0 + dy], **arrow_style(name, color, width))
