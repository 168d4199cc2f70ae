"""Shared look for every chart: palette, type, margins, legend and axes, for a laptop, a projector and dark mode.

One place sets how a figure is laid out, so every builder's chart fits its panel: plotly's automargin makes
room for tick labels and axis titles, the legend sits above the plot, log axes write powers of ten, and
lecture mode scales all chart type. Backgrounds are transparent and the text colour comes from the page
(ui/plotly_chart.js), so charts follow the light or dark theme.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.graph_objs.layout import Template

from viz.serialize import LazyFigure, merged

__all__ = ["LazyFigure", "merged"]  # re-exported: the figure type builders return

# Okabe & Ito's blue, vermillion, bluish green and reddish purple, then four more found by search: every line
# keeps a 3:1 contrast on the light page (white) and on the dark one (#0E1117), and any two colours stay at least
# 10 apart (CIEDE2000) for normal vision and as simulated for protanopia, deuteranopia and tritanopia
# (tests/viz/test_style.py). Series that are told apart also differ by dash and marker (``series``).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8787FF", "#964B2D", "#785A69", "#5A725A"]
BACKGROUNDS = {"light": "#FFFFFF", "dark": "#0E1117"}  # Streamlit's two theme backgrounds
# A label's box in the page's own background colour, opaque so no line shows through the text: white in an
# exported file; on the page, ui/plotly_chart.js paints it in the theme's background.
PAGE_GROUND = BACKGROUNDS["light"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "8px,3px,2px,3px,2px,3px", "2px,5px"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "triangle-down", "pentagon", "hexagon", "bowtie"]
POINT = PALETTE[1]
TANGENT = PALETTE[2]
GRADIENT = PALETTE[3]
UPDATE = PALETTE[0]
VELOCITY = PALETTE[5]
# Drawn on a colour scale (viridis) only, where they stand out; a legend on the page names them with a key in
# the colour after the arrow, which stands out on both themes' backgrounds (``keyed``).
ORANGE = "#E69F00"
SKY = "#56B4E9"
YELLOW = "#F0E442"
WHITE = "#FFFFFF"
GREY = "#7F7F7F"  # what is not the point (the other options of a vote): 3:1 on either theme
ON_PAGE = {ORANGE: "#B87700", SKY: "#2C8FCB", YELLOW: "#8A7F00", WHITE: GREY}
# Viridis written out as plotly's validation would expand the name, so a figure's JSON is the same either way.
SURFACE_SCALE = [list(stop) for stop in go.Surface(colorscale="Viridis").colorscale]

# Streamlit's own typeface, so chart labels match the page around them; plain sans-serif in an exported file.
FONT = '"Source Sans", "Source Sans Pro", "Helvetica Neue", Arial, sans-serif'
TEXT_PX = 14  # chart text on a laptop; lecture mode multiplies every size by LECTURE_SCALE
LECTURE_SCALE = 1.45  # 14 px tick labels become 20 px at 1920×1080
# A 3D axis seen at a slant is short on the screen: in lecture mode its numbers take the smallest size a projector's
# audience reads (18 px), not 20, so the vertical axis's numbers clear each other (tests/e2e/test_scenes.py).
LECTURE_SCENE_TICK_PX = 18
HEIGHT_SCALE = 1.15  # lecture-mode charts are taller too, and still fit the first screen at 1080 px

# Grey lines half transparent: as visible on a white page as on a dark one.
_GRID = dict(
    gridcolor="rgba(128, 128, 128, 0.25)",
    zerolinecolor="rgba(128, 128, 128, 0.6)",
    exponentformat="power",  # 10⁻⁶, never the SI prefixes (1μ, 1p) that read as units
)
_SCENE_AXIS = dict(
    _GRID,
    backgroundcolor="rgba(0, 0, 0, 0)",
    nticks=5,  # few labels: a 3D axis seen at a slant runs its neighbours together ("0" and "−3" as "03")
)
_COLORBAR = dict(colorbar=dict(exponentformat="power", outlinewidth=0))


def _template(px: int, scene_tick_px: int) -> dict:
    """The template for chart text of ``px`` pixels, as the dict plotly itself would write.

    Axis titles stand off their tick labels, and tick labels off their axis (so the first x and y labels never
    touch in the corner), by distances that grow with the type. Built once per size: applying
    plotly's default template costs more than most figures do to build.
    """
    axis = dict(
        _GRID,
        automargin=True,
        linecolor="rgba(128, 128, 128, 0.6)",
        ticklabelstandoff=round(0.3 * px),
        title=dict(standoff=round(0.6 * px)),
    )
    return Template(
        layout=dict(
            paper_bgcolor="rgba(0, 0, 0, 0)",
            plot_bgcolor="rgba(0, 0, 0, 0)",
            xaxis=axis,
            yaxis=axis,
            scene={axis: dict(_SCENE_AXIS, tickfont=dict(size=scene_tick_px)) for axis in ("xaxis", "yaxis", "zaxis")},
            hoverlabel=dict(font=dict(family=FONT)),
        ),
        data=dict(contour=[_COLORBAR], heatmap=[_COLORBAR], surface=[_COLORBAR]),
    ).to_plotly_json()


TEMPLATES = {False: _template(TEXT_PX, TEXT_PX), True: _template(round(TEXT_PX * LECTURE_SCALE), LECTURE_SCENE_TICK_PX)}


def short(value: float, digits: int = 7) -> float:
    """A coordinate rounded to ``digits`` significant digits: frames stay small, far below a pixel's error."""
    return float(f"{value:.{digits}g}")


def shortened(values: Any, digits: int = 7) -> list[float]:
    """``short`` of every value, exactly: formatted in one pass, which costs half what a call per value does (a
    playback's frames round about a thousand coordinates on every move of its start)."""
    flat = np.asarray(values, dtype=float).ravel().tolist()
    return list(map(float, (f"%.{digits}g " * len(flat) % tuple(flat)).split()))


def z32(z: np.ndarray) -> np.ndarray:
    """Grid values as float32 for the browser: half the bytes, far more precision than a surface shows."""
    return np.asarray(z, dtype=np.float32)


def trace(kind: str, **props: Any) -> dict:
    """A plotly trace as a plain dict: the figure goes to the browser without plotly's per-property validation."""
    return {"type": kind, **props}


def text_px(size: float, lecture: bool) -> int:
    """A chart font size in pixels: ``size`` on a laptop, scaled for a projector in lecture mode."""
    return round(size * (LECTURE_SCALE if lecture else 1.0))


def legend(lecture: bool, titled: bool = False) -> dict:
    """The legend in rows of its own, left-aligned, never over the plot: above it, or below everything when the
    chart has a title up there. Either way plotly widens the margin to fit it."""
    where = dict(y=0, yref="container", yanchor="bottom") if titled else dict(y=1.02, yanchor="bottom")
    return dict(
        orientation="h",
        x=0,
        xanchor="left",
        font=dict(size=text_px(TEXT_PX - 1, lecture)),
        bgcolor="rgba(0, 0, 0, 0)",
        **where,
    )


def log_axis(values: np.ndarray) -> dict:
    """A log axis labelled in full-size numbers: whole powers of ten over a wide range, a few plain values
    (``L`` steps) over a narrow one, where plotly would otherwise write small crowded digits 2 … 9."""
    with np.errstate(invalid="ignore"):
        positive = values[np.isfinite(values) & (values > 0)]
    if positive.size == 0:
        return dict(type="log")
    low, high = float(positive.min()), float(positive.max())
    decades = np.log10(high / low)
    if decades >= 1.5:
        return dict(type="log", dtick=int(np.ceil(decades / 6)))
    # 1, 2, 5 times powers of ten: evenly spaced on a log axis, so full-size labels never crowd.
    ticks = [
        m * 10.0**k
        for k in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
        for m in (1, 2, 5)
        if low <= m * 10.0**k <= high
    ]
    if len(ticks) < 2:
        return dict(type="log", dtick=f"L{nice_step((high - low) / 3 or high):g}")
    return dict(type="log", tickmode="array", tickvals=ticks, ticktext=[f"{v:g}" for v in ticks])


def on_log_scale(values: np.ndarray) -> tuple[np.ndarray, str]:
    """|values| for a log axis, which has no 0: zeros become gaps, and a note for the legend says at which step
    the value first is exactly 0 (Newton's method on a quadratic, say), "" when it never is."""
    magnitude = np.abs(np.asarray(values, dtype=float))
    zero = np.flatnonzero(magnitude == 0)
    note = f" — 0 at step {zero[0]} (off the log scale)" if zero.size else ""
    return np.where(magnitude > 0, magnitude, np.nan), note


def nice_step(at_least: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``at_least`` (> 0)."""
    power = 10 ** np.floor(np.log10(at_least))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= at_least))


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
    title_px = text_px(TEXT_PX + 3, lecture)
    base = dict(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=title_px)) if title else None,
        height=round(height * (HEIGHT_SCALE if lecture else 1.0)),
        # Small fixed margins: automargin adds exactly the room tick labels, titles and the legend need.
        margin=dict(l=6, r=6, t=2 * title_px + 4 if title else 6, b=6, autoexpand=True),
        font=dict(family=FONT, size=text_px(TEXT_PX, lecture)),
        legend=legend(lecture, titled=bool(title)),
        colorway=PALETTE,
        template=TEMPLATES[lecture],
    )
    return LazyFigure(traces, merged(base, subscripted_axes(layout or {})), frames=frames, controls=controls)


def subscripted(name: str) -> str:
    """A variable's name as the lesson writes it: its digits as subscripts (w1 → w₁, w12 → w₁₂); other text as is.

    >>> subscripted("w1"), subscripted("x"), subscripted("step 1")
    ('w₁', 'x', 'step 1')
    """
    match = re.fullmatch(r"([^\W\d_]+)(\d+)", name)
    return match[1] + match[2].translate(SUBSCRIPT_DIGITS) if match else name


SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscripted_axes(layout: dict) -> dict:
    """``layout`` with every axis titled by a variable's name written with subscripts (``subscripted``), the 3D
    scenes' axes too."""

    def axis(spec: Any) -> Any:
        if not isinstance(spec, dict):
            return spec
        title = spec.get("title")
        if isinstance(title, str):
            return {**spec, "title": subscripted(title)}
        if isinstance(title, dict) and isinstance(title.get("text"), str):
            return {**spec, "title": {**title, "text": subscripted(title["text"])}}
        return spec

    def part(key: str, value: Any) -> Any:
        if key.startswith(("xaxis", "yaxis")):
            return axis(value)
        if key.startswith("scene") and isinstance(value, dict):
            return {k: axis(v) if k in ("xaxis", "yaxis", "zaxis") else v for k, v in value.items()}
        return value

    return {key: part(key, value) for key, value in layout.items()}


def series(i: int) -> dict:
    """How the i-th of several runs, basins or curves is drawn: colour, line dash and marker symbol, so they are
    told apart without colour too."""
    return dict(color=PALETTE[i % 8], dash=DASHES[i % 8], symbol=SYMBOLS[i % 8])


def keyed(item: dict, color: str | None = None) -> list[dict]:
    """``item``, drawn in a colour chosen for what it lies on (white or yellow on a colour scale), with its legend
    entry drawn apart: an entry without data whose line and marker take ``color`` (by default the item's colour
    as ``ON_PAGE`` maps it), so the key stands out on the page behind the legend in both themes. Clicking the
    entry still shows and hides the item (one legend group)."""
    group = item.get("legendgroup") or item["name"]
    line = {k: v for k, v in (item.get("line") or {}).items() if k in ("dash", "width")}
    color = color or ON_PAGE[(item.get("line") or item.get("marker") or {}).get("color")]
    kind = "scatter3d" if item["type"] == "scatter3d" else "scatter"
    mode = item.get("mode", "lines") if item["type"] in ("scatter", "scatter3d") else "lines"
    key = trace(
        kind,
        **{axis: [None] for axis in ("xyz" if kind == "scatter3d" else "xy")},
        mode=mode,
        name=item["name"],
        legendgroup=group,
        line=dict(line, color=color),
        hoverinfo="skip",
    )
    if "markers" in mode:
        marker = {k: v for k, v in (item.get("marker") or {}).items() if k in ("symbol", "angleref")}
        key["marker"] = dict(marker, size=8, color=color)
    return [{**item, "showlegend": False, "legendgroup": group}, key]


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
