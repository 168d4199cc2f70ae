"""Figures for backpropagation: the computation graph at one step of the walk-through, the loss over two
weights with the backward pass's gradient as an arrow, and the recurrent unit unrolled in time."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.backprop import Step
from core.grid import Grid
from core.network import Network, Pass, text
from core.numbers import number
from core.rnn import Unrolled
from viz.calculus import contour, point3d, scene, surface
from viz.descent import play_buttons, step_slider
from viz.gradient import arrow_scale
from viz.handles import handle
from viz.style import GRADIENT, PAGE_GROUND, PALETTE, POINT, UPDATE, arrow, figure, subscripted, trace

# Where each node sits: inputs left, the loss right, each weight beside the node it feeds.
POSITIONS = {
    "neuron": {
        "x1": (0.0, 3.0),
        "x2": (0.0, 1.0),
        "w1": (1.0, 4.4),
        "w2": (1.0, -0.4),
        "b": (2.4, 4.0),
        "z": (2.4, 2.0),
        "yhat": (3.9, 2.0),
        "L": (5.4, 2.0),
    },
    "2-2-1": {
        "x1": (0.0, 5.5),
        "x2": (0.0, 3.5),
        "w11": (1.0, 9.0),
        "w12": (1.0, 8.0),
        "b1": (1.0, 7.0),
        "w21": (1.0, 0.0),
        "w22": (1.0, 1.0),
        "b2": (1.0, 2.0),
        "z1": (2.3, 6.5),
        "z2": (2.3, 2.5),
        "h1": (3.9, 6.5),
        "h2": (3.9, 2.5),
        "v1": (4.7, 8.3),
        "v2": (4.7, 0.7),
        "c": (4.9, 4.5),
        "z3": (5.8, 4.5),
        "yhat": (7.3, 4.5),
        "L": (8.8, 4.5),
    },
}
KIND_COLORS = {"input": "#999999", "weight": PALETTE[0], "pre": PALETTE[1], "act": PALETTE[2], "loss": PALETTE[3]}
EDGE_GREY = "#BBBBBB"
LABEL_PX = {False: 12, True: 18}  # the smallest label a laptop's reader (a projector's audience) reads
LABEL_AT = 0.5  # an edge's label sits at this fraction of the way from its source to its target


def _segments(pairs: list[tuple[tuple[float, float], tuple[float, float]]], shorten: float) -> tuple[list, list]:
    """Line segments with None gaps, each ending ``shorten`` before its target so an arrowhead clears the node."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for (x0, y0), (x1, y1) in pairs:
        length = float(np.hypot(x1 - x0, y1 - y0)) or 1.0
        f = max(0.0, 1.0 - shorten / length)
        xs += [x0, x0 + f * (x1 - x0), None]
        ys += [y0, y0 + f * (y1 - y0), None]
    return xs, ys


def _edge_trace(pairs: list, name: str, color: str, width: float, shorten: float) -> dict:
    xs, ys = _segments(pairs, shorten)
    return trace(
        "scatter",
        x=xs,
        y=ys,
        mode="lines+markers",
        name=name,
        line=dict(color=color, width=width),
        # an arrowhead at the end of each segment, turned along it
        marker=dict(
            symbol=["circle", "arrow", "circle"] * len(pairs), size=[0, 11, 0] * len(pairs), angleref="previous"
        ),
        hoverinfo="skip",
    )


def edge_labels(pairs: list, labels: list[str], hover: list[str], size: int) -> list[dict]:
    """Each edge's label as an annotation on an opaque box in the page's background, part of the way along the
    edge: the edge stops at the box, and the text reads as on the page."""
    return [
        dict(
            x=x0 + LABEL_AT * (x1 - x0),
            y=y0 + LABEL_AT * (y1 - y0),
            text=label,
            hovertext=tip,
            showarrow=False,
            bgcolor=PAGE_GROUND,  # the text takes the page's colour, the box its background (either theme)
            font=dict(size=size),
            name="edge label",
        )
        for ((x0, y0), (x1, y1)), label, tip in zip(pairs, labels, hover, strict=True)
    ]


def graph_figure(net: Network, p: Pass, steps: list[Step], k: int, lecture: bool = False) -> go.Figure:
    """The computation graph at step k: values known so far under the nodes, adjoints once the backward pass
    reaches them, every edge labelled with its local partial; the current node and its edges highlighted.

    One frame per step, with ▶ Play and a slider, replays the walk-through in the browser without a rerun.
    """
    pos = POSITIONS[net.arch]
    pairs = [(pos[e.source], pos[e.target]) for e in net.edges]
    label_size = LABEL_PX[lecture]
    labels = [
        e.text if e.text == "1" else f"{e.text} = {number(p.partials[(e.source, e.target)], 3)}" for e in net.edges
    ]
    hover = [f"∂{text(e.target)}/∂{text(e.source)} = {label}" for e, label in zip(net.edges, labels, strict=True)]
    traces = [_edge_trace(pairs, "edges", EDGE_GREY, 1.5, 0.28), *_at_step(net, p, steps, k, label_size, lecture)]
    # Frames carry only what a step changes: the highlighted edges, the node rings, the numbers.
    frames = [
        dict(data=_at_step(net, p, steps, s, label_size, lecture), traces=DYNAMIC, name=str(s))
        for s in range(len(steps))
    ]
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    axis = dict(visible=False, showgrid=False, zeroline=False)
    layout = dict(
        xaxis=dict(axis, range=[min(xs) - 1.1, max(xs) + 0.6]),
        yaxis=dict(axis, range=[min(ys) - 1.4, max(ys) + 0.6]),
        showlegend=False,
        hovermode="closest",
        annotations=edge_labels(pairs, labels, hover, label_size),
        margin=dict(b=90),
    )
    slider = step_slider(len(steps)) | dict(active=k, currentvalue=dict(prefix="step "))
    controls = dict(updatemenus=[play_buttons(duration=700)], sliders=[slider])
    # Lecture type is larger: more height keeps the numbers under the inputs clear of the weights' numbers.
    height = (700 if net.arch == "2-2-1" else 500) + (120 if lecture else 0)
    return figure(traces, layout, height=height, lecture=lecture, frames=frames, controls=controls)


def node_rings(
    at: list[tuple[float, float]],
    names: list[str],
    colors: list[str],
    label_size: int,
    size: int,
    widths: list[int] | int = 4,
    hovertext: list[str] | None = None,
) -> dict:
    """Graph nodes: each name in the page's text colour inside a ring of its node's colour (readable on either
    theme)."""
    return trace(
        "scatter",
        x=[x for x, _ in at],
        y=[y for _, y in at],
        mode="markers+text",
        name="nodes",
        text=names,
        textfont=dict(size=round(label_size * 1.3)),
        marker=dict(size=size, color="rgba(0, 0, 0, 0)", line=dict(color=colors, width=widths)),
        **(dict(hovertext=hovertext, hoverinfo="text") if hovertext else dict(hoverinfo="skip")),
    )


DYNAMIC = [1, 2, 3]  # the traces a step changes: the edges it uses, the nodes, the numbers


def _at_step(net: Network, p: Pass, steps: list[Step], k: int, label_size: int, lecture: bool) -> list[dict]:
    pos = POSITIONS[net.arch]
    done = steps[1 : k + 1]
    known = {n.name for n in net.nodes if n.kind in ("input", "weight")} | {s.node for s in done if s.kind == "forward"}
    reached = {s.node for s in done if s.kind == "backward"}
    current = steps[k]
    color = UPDATE if current.kind == "forward" else GRADIENT
    used = _edge_trace([(pos[e.source], pos[e.target]) for e in current.edges], "edges used", color, 5, 0.28)
    names = [n.name for n in net.nodes]
    below = []
    for name in names:
        lines = [f"= {number(p.values[name], 3)}" if name in known else ""]
        if name in reached:
            lines.append(f"∂L/∂{text(name)} = {number(p.adjoints[name], 3)}")
        below.append("<br>".join(lines))
    return [
        used,
        node_rings(
            [pos[n] for n in names],
            [text(n) for n in names],
            [POINT if n.name == current.node else KIND_COLORS[n.kind] for n in net.nodes],
            label_size,
            42 if lecture else 34,
            widths=[6 if n == current.node else 4 for n in names],
            hovertext=[f"{n.kind}: {text(n.name)}" for n in net.nodes],
        ),
        trace(
            "scatter",
            # a weight's numbers sit to its left, clear of the weights stacked below it
            x=[pos[n.name][0] - (0.22 if n.kind == "weight" else 0.0) for n in net.nodes],
            y=[pos[n.name][1] - (0.0 if n.kind == "weight" else 0.42) for n in net.nodes],
            mode="text",
            name="values and adjoints",
            # Adjoints already worked out are bold; colour is left to the page's theme.
            text=[f"<b>{t}</b>" if n in reached else t for n, t in zip(names, below, strict=True)],
            textposition=["middle left" if n.kind == "weight" else "bottom center" for n in net.nodes],
            textfont=dict(size=label_size),
            hoverinfo="skip",
        ),
    ]


def surface_figure(
    grid: Grid,
    point: tuple[float, float],
    grad: tuple[float, float],
    names: tuple[str, str],
    path: np.ndarray | None = None,
    lecture: bool = False,
    start: tuple[float, float] | None = None,
) -> go.Figure:
    """Filled contours of the mean loss over two weights (the others frozen), the current weights, and the
    backward pass's (∂L/∂a, ∂L/∂b) drawn at them; the arrow is the gradient times ``meta["scale"]``. ``start``
    puts a draggable ring on the start of training (see viz.handles)."""
    x0, y0 = point
    traces: list[dict] = [
        contour(grid, names, showscale=True, ncontours=24, name="L", colorbar=dict(title=dict(text="L"), thickness=14))
    ]
    if path is not None and len(path) > 1:
        traces.append(
            trace(
                "scatter",
                x=path[:, 0],
                y=path[:, 1],
                mode="lines+markers",
                name="training so far",
                line=dict(color="#000000", width=2),
                marker=dict(size=5, color="#000000"),
            )
        )
    g = np.asarray(grad, dtype=float)
    if np.isfinite(g).all() and np.any(g):
        scale = arrow_scale(grid, g.reshape(2, 1), fraction=0.18)
        label = f"∇L from the backward pass = ({number(g[0], 3)}, {number(g[1], 3)})"
        tip = arrow(x0, y0, scale * g[0], scale * g[1], label, GRADIENT, 5)
        tip["meta"] = {"scale": scale}
        traces.append(tip)
    traces.append(
        trace("scatter", x=[x0], y=[y0], mode="markers", name="current weights", marker=dict(size=12, color=POINT))
    )
    layout = dict(
        # automargin: the tick labels and titles push the margins instead of being cut off
        xaxis=dict(title=dict(text=names[0]), range=[grid.xs[0], grid.xs[-1]], automargin=True),
        yaxis=dict(
            automargin=True,
            title=dict(text=names[1]),
            range=[grid.ys[0], grid.ys[-1]],
            scaleanchor="x",
            scaleratio=1,
        ),
        margin=dict(b=90),
    )
    if start is not None:
        layout["shapes"] = [handle(*start)]
    return figure(traces, layout, height=520, lecture=lecture)


def surface3d_figure(
    grid: Grid,
    point: tuple[float, float],
    value: float,
    grad: tuple[float, float],
    names: tuple[str, str],
    lecture: bool = False,
) -> go.Figure:
    """The same loss as a surface, the current weights on it, and the gradient lifted onto it: the segment
    (∂L/∂a, ∂L/∂b, |∇L|²) times a display scale climbs the steepest slope at the point."""
    x0, y0 = point
    traces: list[dict] = [surface(grid, name="L", opacity=0.85)]
    g = np.asarray(grad, dtype=float)
    if np.isfinite(g).all() and np.isfinite(value) and np.any(g):
        width = max(grid.xs[-1] - grid.xs[0], grid.ys[-1] - grid.ys[0])
        scale = 0.2 * width / float(np.hypot(*g))
        traces.append(
            trace(
                "scatter3d",
                x=[x0, x0 + scale * g[0]],
                y=[y0, y0 + scale * g[1]],
                z=[value, value + scale * float(g @ g)],
                mode="lines",
                name="∇L lifted onto the surface",
                line=dict(color=GRADIENT, width=9),
                meta={"scale": scale},
            )
        )
    if np.isfinite(value):
        traces.append(point3d(x0, y0, value, name="current weights"))
    # Half a laptop's width and taller than wide: the camera steps back to keep the vertical axis's numbers inside.
    # In lecture mode the chart has the page's width (pages/backprop.py): from closer, its numbers stand apart.
    distance = 1.0 if lecture else 1.4
    layout = dict(
        scene=scene(names, grid, distance=distance) | dict(zaxis=dict(title=dict(text="L"), range=list(grid.z_range)))
    )
    return figure(traces, layout, height=520, lecture=lecture)


def rnn_figure(r: Unrolled, path: int, lecture: bool = False) -> go.Figure:
    """The recurrent unit unrolled over T steps: one copy of w per step feeding h_t, the chain h_0 → … → h_T → L,
    every edge labelled with its local partial, and the path through step ``path`` highlighted."""
    T = r.steps
    pos = {f"h{t}": (1.6 * t, 1.0) for t in range(T + 1)}
    pos |= {f"x{t}": (1.6 * t - 0.7, -1.4) for t in range(1, T + 1)}  # aside, clear of the numbers under h_t
    pos |= {f"w{t}": (1.6 * t - 0.7, 2.4) for t in range(1, T + 1)}
    pos["L"] = (1.6 * T + 2.2, 1.0)
    edges = []  # (source, target, label)
    for t in range(1, T + 1):
        h, before = subscripted(f"h{t}"), subscripted(f"h{t - 1}")
        edges.append((f"h{t - 1}", f"h{t}", f"(1−{h}²)w = {number(r.carry[t - 1], 3)}"))
        edges.append((f"w{t}", f"h{t}", f"(1−{h}²){before} = {number(r.direct_w[t - 1], 3)}"))
        edges.append((f"x{t}", f"h{t}", f"(1−{h}²)u = {number((1 - r.hs[t] ** 2) * r.u, 3)}"))
    edges.append((f"h{T}", "L", f"2({labels_h(T)}−y) = {number(r.adjoints[T], 3)}"))
    pairs = [(pos[a], pos[b]) for a, b, _ in edges]
    size = LABEL_PX[lecture]
    on_path = [(f"w{path}", f"h{path}")] + [(f"h{t - 1}", f"h{t}") for t in range(path + 1, T + 1)] + [(f"h{T}", "L")]
    traces = [
        _edge_trace(pairs, "edges", EDGE_GREY, 1.5, 0.3),
        _edge_trace([(pos[a], pos[b]) for a, b in on_path], f"path through step {path}", GRADIENT, 5, 0.3),
    ]
    labels = [label for *_, label in edges]
    names = list(pos)
    names_text = {f"h{t}": subscripted(f"h{t}") for t in range(T + 1)}
    names_text |= {f"x{t}": subscripted(f"x{t}") for t in range(1, T + 1)}
    names_text |= {f"w{t}": "w" for t in range(1, T + 1)} | {"L": "L"}
    below = {f"h{t}": f"= {number(r.hs[t], 3)}<br>∂L/∂{labels_h(t)} = {number(r.adjoints[t], 3)}" for t in range(T + 1)}
    below |= {f"x{t}": f"= {number(r.xs[t - 1], 3)}" for t in range(1, T + 1)}
    below |= {f"w{t}": f"step {t}: term {number(r.paths_w[t - 1], 3)}" for t in range(1, T + 1)}
    below["L"] = f"= {number(r.loss, 3)}"
    colors = {"h": PALETTE[2], "x": "#999999", "w": PALETTE[0], "L": PALETTE[3]}
    rings = [POINT if n == f"w{path}" else colors[n[0]] for n in names]
    marker = 40 if lecture else 32
    traces.append(node_rings([pos[n] for n in names], [names_text[n] for n in names], rings, size, marker))
    # The numbers on the page's ground: the edges from x_t pass beneath them.
    values = [
        dict(
            x=pos[n][0],
            y=pos[n][1] + (0.35 if n.startswith("w") else -0.35),
            yanchor="bottom" if n.startswith("w") else "top",
            text=below[n],
            name="values",
            showarrow=False,
            bgcolor=PAGE_GROUND,
            font=dict(size=size),
        )
        for n in names
    ]
    axis = dict(visible=False, showgrid=False, zeroline=False)
    layout = dict(
        xaxis=dict(axis, range=[-0.8, 1.6 * T + 2.8]),
        yaxis=dict(axis, range=[-2.2, 3.1]),
        showlegend=False,
        annotations=edge_labels(pairs, labels, [f"{a} → {b}: {c}" for a, b, c in edges], size) + values,
    )
    return figure(traces, layout, height=460, lecture=lecture)


def labels_h(t: int) -> str:
    return subscripted(f"h{t}")
