"""A figure in words and sound: its accessible name, a description of what it shows and what it says now, and the
series its audio trace plays — all read from the figure's own data, so they never disagree with the picture.

The chart component (ui/chart.py, ui/a11y.js) gives the name and description to screen readers and plays the
sound. ``describe`` reads the figure as plotly serializes it (``fig.to_dict()``), so it works for every builder:
a contour map says where P is and where ∇f(P) points; a line chart says where each line starts and ends.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.numbers import number

SOUND_POINTS = 400  # at most this many values are sent for the audio trace (a loss curve of 500 steps is thinned)
DIRECTIONS = (
    "to the right",
    "up and to the right",
    "up",
    "up and to the left",
    "to the left",
    "down and to the left",
    "down",
    "down and to the right",
)
MAPS = {"contour", "heatmap"}


@dataclass(frozen=True)
class Description:
    """What a screen reader says about a chart: ``name`` (short) and ``text`` (what it shows and says now), and
    ``sound``: the series the audio trace plays, {"x", "y", "mark", "what"} (mark: the index ticked, or None)."""

    name: str
    text: str
    sound: dict | None = field(default=None)

    def payload(self) -> dict:
        return {"name": self.name, "description": self.text, "sound": self.sound}


def direction_words(dx: float, dy: float) -> str:
    """Which way the vector (dx, dy) points on the screen, in one of eight words (x to the right, y up).

    >>> direction_words(10, 6), direction_words(0, -1), direction_words(-1, 0.1)
    ('up and to the right', 'down', 'to the left')
    """
    sector = round(math.degrees(math.atan2(dy, dx)) / 45) % 8
    return DIRECTIONS[sector]


def values(data: Any) -> np.ndarray:
    """A trace's array as floats, whether a list, a numpy array or plotly's typed array {dtype, bdata, shape};
    None and text become NaN."""
    if isinstance(data, dict) and "bdata" in data:
        flat = np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
        shape = data.get("shape")
        return flat.reshape(tuple(int(n) for n in str(shape).split(","))) if shape else flat.astype(float)
    if data is None:
        return np.array([], dtype=float)
    if isinstance(data, list) and all(type(v) is float for v in data):
        return np.array(data, dtype=float)  # the common case (frames, paths): no cell to check one by one
    out = np.array(data, dtype=object)
    flat = [v if isinstance(v, int | float) and not isinstance(v, bool) else math.nan for v in out.ravel()]
    return np.array(flat, dtype=float).reshape(out.shape)


def plain_text(label: Any) -> str:
    """A plotly label (a str, or {text}) without its HTML: D<sub>u</sub>f → D_u f, <br> → a space."""
    if isinstance(label, dict):
        label = label.get("text")
    text = str(label or "")
    text = re.sub(r"<sub>(.*?)</sub>", r"_\1 ", text)
    text = re.sub(r"<br\s*/?>", " ", text)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


def at(point: Sequence[float]) -> str:
    return "(" + ", ".join(number(float(v)) for v in point) + ")"


def _is_map(t: dict) -> bool:
    coloured = t.get("contours", {}).get("coloring") != "none"
    return t.get("type") in MAPS and coloured and str(t.get("xaxis", "x")) == "x"


def _named(traces: list[dict], name: str) -> dict | None:
    return next((t for t in traces if t.get("name") == name), None)


def _handle(layout: dict) -> tuple[float, float] | None:
    for shape in layout.get("shapes") or []:
        if shape.get("name") == "handle":
            return float(shape["xanchor"]), float(shape["yanchor"])
    return None


def _point(traces: list[dict], layout: dict) -> tuple[str, tuple[float, float]] | None:
    """The point the student moves: the trace named P (or "P: what it is"), else the draggable ring (the start of a
    descent)."""
    p = _named(traces, "P") or next((t for t in traces if str(t.get("name", "")).startswith("P: ")), None)
    if p is not None and p.get("type") == "scatter":
        return "P", (float(values(p["x"])[0]), float(values(p["y"])[0]))
    ring = _handle(layout)
    return ("the start", ring) if ring is not None else None


def _slice(grid: dict, point: tuple[float, float] | None, what: str) -> dict | None:
    """f along x through P (the grid's row nearest P's y), P ticked: the map's audio trace."""
    xs, ys, z = values(grid.get("x")), values(grid.get("y")), values(grid.get("z"))
    if z.ndim != 2 or xs.size != z.shape[1] or ys.size != z.shape[0]:
        return None
    y = point[1] if point else float(ys[ys.size // 2])
    row = int(np.argmin(np.abs(ys - y)))
    mark = int(np.argmin(np.abs(xs - point[0]))) if point else None
    return _sound(xs, z[row], mark, what)


def _sound(x: np.ndarray, y: np.ndarray, mark: int | None, what: str) -> dict | None:
    """The audio trace's series, thinned to SOUND_POINTS (the marked index kept as its nearest sample)."""
    if x.size < 2 or not np.isfinite(y).any():
        return None
    # At most one sample per index, each at least one index from the next: rounded, they are distinct and in order.
    keep = np.linspace(0, x.size - 1, min(x.size, SOUND_POINTS)).round().astype(int)
    if mark is not None:
        mark = int(np.argmin(np.abs(keep - mark)))
    as_list = lambda a: [float(v) if math.isfinite(v) else None for v in a]  # noqa: E731 - JSON has no NaN
    return {"x": as_list(x[keep]), "y": as_list(y[keep]), "mark": mark, "what": what}


def _map(fig: dict, subject: str) -> Description:
    traces, layout = fig["data"], fig.get("layout", {})
    grid = next(t for t in traces if _is_map(t))
    scene = any(t.get("type") == "surface" for t in traces)
    kind = "Basin map" if grid.get("type") == "heatmap" else "Contour map"
    subject = subject or plain_text(grid.get("colorbar", {}).get("title")) or "f"
    name = f"{'Surface and contour map' if scene else kind} of {subject}"
    parts = [name]
    z = values(grid.get("z"))
    if grid.get("type") == "contour" and np.isfinite(z).any():
        low, high = grid.get("zmin", np.nanmin(z)), grid.get("zmax", np.nanmax(z))
        xs, ys = values(grid["x"]), values(grid["y"])
        symbol = re.split(r" = |,", subject)[0]
        parts.append(
            f"{symbol} runs from {number(low)} to {number(high)} over {_axis(layout, 'x')} from {number(xs[0])} to "
            f"{number(xs[-1])} and {_axis(layout, 'y')} from {number(ys[0])} to {number(ys[-1])}"
        )
    point = _point(traces, layout)
    if point is not None:
        label, p = point
        # The level curve through P (a model's level curves, as on the curvature map, have no one value).
        lines = (t for t in traces if t.get("contours", {}).get("coloring") == "none")
        level = next((t for t in lines if "start" in t["contours"]), None)
        value = f", where f = {number(level['contours']['start'])}" if level else ""
        parts.append(f"{label} at {at(p)}{value}")
    arrow = next((t for t in traces if isinstance(t.get("meta"), dict) and "scale" in t["meta"]), None)
    if arrow is not None:
        g = _vector(arrow)
        if not math.isfinite(g[0] + g[1]):
            parts.append("the gradient is undefined there")
        elif g == (0.0, 0.0):
            parts.append("the gradient is (0, 0): a stationary point")
        else:
            parts.append(f"the gradient {at(g)} points {direction_words(*g)}")
    elif point is not None and any(plain_text(t.get("name")).startswith("∇f") for t in traces):
        parts.append("the gradient is undefined there")
    parts += _paths(traces)
    parts += _frames(fig)
    minima = _named(traces, "known minima")
    if minima is not None:
        spots = list(zip(values(minima["x"]), values(minima["y"]), strict=True))
        parts.append("known minima at " + ", ".join(at(m) for m in spots))
    through = point[0] if point else "the middle"
    sound = _descent_sound(fig) or _slice(
        grid, point[1] if point else None, f"f along {_axis(layout, 'x')} through {through}"
    )
    return Description(name, "; ".join(parts) + ".", sound)


def _descent_sound(fig: dict) -> dict | None:
    """A descent played in frames: f at each step (the height of its point on the surface, as drawn), the tick at
    the step the figure shows when the sound starts ("follow": the figure's slider, read in the browser)."""
    frames = fig.get("frames") or []
    moving = [i for i, t in enumerate(fig["data"]) if t.get("type") == "scatter3d" and t.get("mode") == "markers"]
    if len(frames) < 2 or not moving:
        return None
    heights = []
    for frame in frames:
        index = frame.get("traces", []).index(moving[0]) if moving[0] in frame.get("traces", []) else None
        heights.append(_only(frame["data"][index].get("z")) if index is not None else math.nan)
    active = (fig.get("layout", {}).get("sliders") or [{}])[0].get("active", 0)
    sound = _sound(np.arange(len(frames), dtype=float), np.array(heights), int(active), "f at each step of the descent")
    return sound and {**sound, "follow": "slider"}


def _only(data: Any) -> float:
    """The one value of a one-point trace's array, else NaN."""
    if type(data) is list and len(data) == 1 and type(data[0]) is float:
        return data[0]  # a frame's point: the common case, without an array for each of the frames
    flat = values(data)
    return float(flat[0]) if flat.size == 1 else math.nan


def _vector(arrow: dict) -> tuple[float, float]:
    """The vector an arrow stands for: its meta's own vector, else its drawn length over its scale."""
    meta = arrow["meta"]
    if "vector" in meta:
        return float(meta["vector"][0]), float(meta["vector"][1])
    x, y, scale = values(arrow["x"]), values(arrow["y"]), float(meta["scale"])
    return ((x[1] - x[0]) / scale, (y[1] - y[0]) / scale) if scale > 0 else (math.nan, math.nan)


def _axis(layout: dict, axis: str) -> str:
    return plain_text(layout.get(f"{axis}axis", {}).get("title")) or axis


def _paths(traces: list[dict]) -> list[str]:
    """Each path drawn on a map (a line of many points): where it starts and ends."""
    out = []
    for t in traces:
        x, y = values(t.get("x")), values(t.get("y"))
        is_path = t.get("type") == "scatter" and "lines" in str(t.get("mode", "")) and x.size > 2 and not t.get("meta")
        if not is_path or t.get("hoverinfo") == "skip":
            continue
        finite = np.isfinite(x) & np.isfinite(y)
        if finite.sum() < 2:
            continue
        ends = np.flatnonzero(finite)
        out.append(
            f"{plain_text(t.get('name')) or 'a path'}: from {at((x[ends[0]], y[ends[0]]))} to "
            f"{at((x[ends[-1]], y[ends[-1]]))} in {x.size - 1} steps"
        )
    return out[:6]


def _frames(fig: dict) -> list[str]:
    """A figure that plays its steps: how many, and where the moving point ends."""
    frames = fig.get("frames") or []
    if len(frames) < 2:
        return []
    traces = fig["data"]
    last = frames[-1]
    ends = []
    for data, index in zip(last.get("data", []), last.get("traces", []), strict=False):
        base = traces[index] if index < len(traces) else {}
        x, y = values(data.get("x")), values(data.get("y"))
        if (
            base.get("type") == "scatter"
            and base.get("mode") == "markers"
            and x.size == 1
            and y.size == 1
            and base.get("name")
        ):
            label = plain_text(base["name"]).replace("at the current step", "at the last step")
            ends.append(f"{label} is {at((x[0], y[0]))}")
    slider = (fig.get("layout", {}).get("sliders") or [{}])[0]
    active = slider.get("active", 0)
    said = [f"{len(frames) - 1} steps play in the figure (Space plays and pauses), now at step {active}"]
    return said + ends[:1]


def _lines(fig: dict, subject: str) -> Description | None:
    """A chart of lines: each line's start and end, and which way it went."""
    traces, layout = fig["data"], fig.get("layout", {})
    lines = [
        t
        for t in traces
        if t.get("type") == "scatter" and "lines" in str(t.get("mode", "lines")) and values(t.get("y")).size > 2
    ]
    if not lines:
        return None
    title = plain_text(layout.get("title"))
    name = title or f"Chart of {_axis(layout, 'y')} over {_axis(layout, 'x')}"
    if subject and not title:
        name = f"{name} for {subject}"
    titles = [plain_text(axis.get("title")) for key, axis in layout.items() if key.startswith("xaxis")]
    x_title = next((t for t in titles if t), "x")
    steps = "step" in x_title
    parts = [name]
    for t in lines[:6]:
        x, y = values(t.get("x")), values(t.get("y"))
        if x.size != y.size:
            x = np.arange(y.size, dtype=float)
        parts.append(_line(plain_text(t.get("name")) or _axis(layout, "y"), x, y, steps, x_title))
    for t in traces:  # the points marked on the lines: a peak, the current θ
        x, y = values(t.get("x")), values(t.get("y"))
        if t.get("type") == "scatter" and x.size == 1 == y.size and t.get("name") and np.isfinite([x[0], y[0]]).all():
            parts.append(f"{plain_text(t['name'])} at {at((x[0], y[0]))}")
    first = lines[0]
    y = values(first.get("y"))
    x = values(first.get("x")) if values(first.get("x")).size == y.size else np.arange(y.size, dtype=float)
    sound = _sound(x, y, None, plain_text(first.get("name")) or _axis(layout, "y"))
    return Description(name, "; ".join(parts) + ".", sound)


def _line(label: str, x: np.ndarray, y: np.ndarray, steps: bool, x_title: str) -> str:
    """One line in words: "GD falls from 4 to 0.0005317 in 20 steps: converged" (its last step moved it less than
    a thousandth of its whole fall), or where it starts, ends, is lowest and highest over x."""
    finite = np.flatnonzero(np.isfinite(y))
    if finite.size == 0:
        return f"{label}: no finite values"
    first, last = float(y[finite[0]]), float(y[finite[-1]])
    if not steps:
        low, high = int(np.nanargmin(y)), int(np.nanargmax(y))
        return (
            f"{label}: {number(first)} at {x_title} = {number(x[finite[0]])}, {number(last)} at "
            f"{number(x[finite[-1]])}, lowest {number(y[low])} at {number(x[low])}, highest {number(y[high])} at "
            f"{number(x[high])}"
        )
    span = f"in {int(x[finite[-1]] - x[finite[0]])} steps"
    if "diverged" in label:
        return f"{label}: from {number(first)} to {number(last)} {span}"
    if last == first:
        return f"{label} stays at {number(first)} {span}"
    said = f"{label} {'falls' if last < first else 'rises'} from {number(first)} to {number(last)} {span}"
    final_move = abs(last - float(y[finite[-2]])) if finite.size > 1 else math.inf
    return f"{said}: {'converged' if final_move <= 1e-3 * abs(first - last) else 'still moving'}"


def _diagram(fig: dict) -> Description | None:
    """A drawing on hidden axes (a computation graph): its nodes and the labels on its edges, as drawn now."""
    layout = fig.get("layout", {})
    if layout.get("xaxis", {}).get("visible") is not False:
        return None
    name = plain_text(layout.get("title")) or "Graph of nodes and edges"
    nodes = [
        plain_text(label)
        for t in fig["data"]
        if "text" in str(t.get("mode", "")) and t.get("name") == "nodes"
        for label in t.get("text") or []
    ]
    edges = [plain_text(a.get("text")) for a in layout.get("annotations") or [] if a.get("text")]
    parts = [name]
    if nodes:
        parts.append("nodes " + ", ".join(n for n in nodes if n))
    if edges:
        parts.append("edges labelled " + ", ".join(edges[:20]))
    parts += _frames(fig)[:1]
    return Description(name, "; ".join(parts) + ".", None)


def _surface(fig: dict, subject: str) -> Description | None:
    traces = fig["data"]
    surface = next((t for t in traces if t.get("type") == "surface"), None)
    if surface is None:
        return None
    name = f"Surface of {subject or 'f'}"
    parts = [name]
    p = next((t for t in traces if t.get("type") == "scatter3d" and t.get("name") == "P"), None)
    point = None
    if p is not None:
        point = (float(values(p["x"])[0]), float(values(p["y"])[0]))
        parts.append(f"P at {at(point)}, where f = {number(float(values(p['z'])[0]))}")
    others = [t for t in traces if t is not surface and t is not p and t.get("showlegend") is not False]
    parts += [plain_text(t["name"]) for t in others if t.get("name")][:5]
    sound = _slice(surface, point, "f along x through " + ("P" if point else "the middle"))
    return Description(name, "; ".join(parts) + ".", sound)


def describe(fig: Any, subject: str = "") -> Description:
    """The chart's name, its description and its audio trace, from the figure (a go.Figure or its dict).

    ``subject`` names the function drawn ("f = 3x² + 2xy + y²"); a chart without a map or lines is described by
    its title and its legend.
    """
    fig = fig if isinstance(fig, dict) else fig.to_dict()
    traces = fig.get("data") or []
    fig = {**fig, "data": traces}
    if any(_is_map(t) for t in traces):
        return _map(fig, subject)
    found = _diagram(fig) or _surface(fig, subject) or _lines(fig, subject)
    if found is not None:
        return found
    layout = fig.get("layout", {})
    name = plain_text(layout.get("title")) or f"Chart of {_axis(layout, 'y')} over {_axis(layout, 'x')}"
    shown = [plain_text(t.get("name")) for t in traces if t.get("name") and t.get("showlegend") is not False]
    text = name + (": " + "; ".join(shown[:8]) if shown else "") + "."
    return Description(name, text, None)


def speakable(formula: str) -> str:
    """A formula written with * and ** (sympy's str) as it reads: 3*x**2 + 2*x*y → 3x² + 2xy.

    >>> speakable("3*x**2 + 2*x*y + y**2"), speakable("x**2*y + sin(x*y)"), speakable("(w1 + 2*w2 - y)**2")
    ('3x² + 2xy + y²', 'x²y + sin(xy)', '(w1 + 2·w2 − y)²')
    """
    text = re.sub(r"\*\*(\d+)", lambda m: m.group(1).translate(SUPERSCRIPT), formula).replace("**", "^")
    return re.sub(r"\*", lambda m: _times(text, m.start()), text).replace(" - ", " − ").replace("-", "−")


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_NUMBER = re.compile(r"(?:^|[^\w.])\d+(?:\.\d+)?$")
_NAME = re.compile(rf"(?:^|[^\w.])[A-Za-z][{_SUP}]*$|\)[{_SUP}]*$")
_LETTER = re.compile(r"[A-Za-z](?![A-Za-z0-9_])|\(")
_CALL = re.compile(r"[A-Za-z]+\(")


def _times(text: str, at: int) -> str:
    """The product sign at ``at``: left out after a number or a one-letter name before a one-letter name or a
    bracket (2xy, x²y, (x + 1)(y − 2)), and after a number before a function (3sin(x)); a dot elsewhere (2·w2)."""
    left, right = text[:at], at + 1
    if _NUMBER.search(left) and (_LETTER.match(text, right) or _CALL.match(text, right)):
        return ""
    return "" if _NAME.search(left) and _LETTER.match(text, right) else "·"
