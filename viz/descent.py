"""Figures for gradient descent: animated playback on surface and contours, curves per step, races, sweeps, basins."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from core.basins import DIVERGED, NOT_CONVERGED, BasinMap
from core.descent import Trajectory
from core.grid import Grid
from core.numbers import number
from core.optimizers import OPTIMIZERS
from viz.calculus import contour, surface
from viz.handles import handle
from viz.raster import levels, map_image
from viz.style import (
    DASHES,
    GRADIENT,
    PALETTE,
    POINT,
    SYMBOLS,
    TEXT_PX,
    UPDATE,
    VELOCITY,
    WHITE,
    YELLOW,
    arrow_style,
    figure,
    log_axis,
    on_log_scale,
    series,
    shortened,
    text_px,
    trace,
)

# Trace order of the playback figure (the point on the map stays trace 5). The path so far is two traces per
# panel: "done" up to the start of the current chunk of steps, and the current chunk's "path" up to θ_k. A frame
# carries its chunk only and takes "done" from the chunk's first frame (plotly's baseframe), so the frames hold
# about 2·N^1.5 coordinates instead of the N²/2 of a whole path per frame.
TRACES = ("surface", "path3d", "contour", "path2d", "point3d", "point2d", "gradient", "update", "velocity")
TRACES += ("done3d", "done2d")
STATIC = ("surface", "contour")
DYNAMIC = ("path3d", "path2d", "point3d", "point2d", "gradient", "update", "velocity")  # in every frame
DONE = ("done3d", "done2d")  # in the first frame of each chunk


def chunk_length(steps: int) -> int:
    """Steps per chunk: about √N, which keeps the frames' total smallest."""
    return max(1, round(float(np.sqrt(steps))))


def arrows(t: Trajectory) -> dict[str, np.ndarray]:
    """Every frame's arrows at once, rows (x, y, dx, dy) for k = 0 … N: at step k the plain step −η∇L(w_k), the
    actual update w_{k+1} − w_k, and the state arrow the optimizer's entry draws (momentum's −η·b, Adam's −η·m̂).
    After the last step all but the plain step are zero."""
    taken = t.steps_taken
    at = np.asarray(t.points, dtype=float)[:, :2]
    # Step k + 1's own η and gradient: the schedule's η_{k+1}, the noisy gradient the optimizer received.
    lrs = np.full(len(at), float(t.lr))
    gradients = np.array(t.gradients, dtype=float)[:, :2]
    if t.lrs is not None:
        lrs[:taken] = t.lrs[:taken]
    if t.used is not None:
        gradients[:taken] = np.asarray(t.used, dtype=float)[:taken, :2]
    update, velocity = np.zeros_like(at), np.zeros_like(at)
    if taken:
        update[:taken] = np.asarray(t.updates, dtype=float)[:taken, :2]
    arrow = OPTIMIZERS[t.optimizer].arrow
    if arrow is not None:
        hyper = {**OPTIMIZERS[t.optimizer].defaults, **t.hyper}
        for k in range(taken):
            velocity[k] = np.asarray(arrow.vector(t.states[k], float(lrs[k]), hyper), dtype=float)[:2]
    moves = {"gradient": -lrs[:, None] * gradients, "update": update, "velocity": velocity}
    return {name: np.hstack([at, move]) for name, move in moves.items()}


def frame_arrows(t: Trajectory, k: int) -> dict[str, tuple[float, float, float, float]]:
    """The arrows of frame k (see ``arrows``), as (x, y, dx, dy)."""
    return {name: tuple(float(v) for v in rows[k]) for name, rows in arrows(t).items()}


def _segments(t: Trajectory) -> dict[str, tuple[list[float], list[float], list[float], list[float]]]:
    """Every frame's arrows as drawn: name -> the tails' x and y, the heads' x and y, rounded (``short``)."""
    drawn = arrows(t)
    # Tails and heads of every arrow rounded in one pass: (arrow, tail x, tail y, head x, head y) rows of N + 1.
    ends = np.stack([np.stack([r[:, 0], r[:, 1], r[:, 0] + r[:, 2], r[:, 1] + r[:, 3]]) for r in drawn.values()])
    rounded = shortened(ends)
    n = ends.shape[-1]
    rows = [rounded[i * n : (i + 1) * n] for i in range(4 * len(drawn))]
    return {name: tuple(rows[4 * j : 4 * j + 4]) for j, name in enumerate(drawn)}


def _frame_data(k: int, path: tuple[list, list, list], segments: dict, head: int, done: bool = True) -> dict[str, dict]:
    """The traces at step k: the path up to θ_head ("done", unless ``done`` is False) and from θ_head to θ_k
    ("path"), the point θ_k on both panels, and the arrows of step k + 1 (``segments``, from ``_segments``)."""
    xs, ys, zs = (p[head : k + 1] for p in path)
    data = {
        "path3d": {"type": "scatter3d", "x": xs, "y": ys, "z": zs},
        "path2d": {"type": "scatter", "x": xs, "y": ys},
        "point3d": {"type": "scatter3d", "x": xs[-1:], "y": ys[-1:], "z": zs[-1:]},
        "point2d": {"type": "scatter", "x": xs[-1:], "y": ys[-1:]},
    }
    for name, (x0, y0, x1, y1) in segments.items():
        data[name] = {"type": "scatter", "x": [x0[k], x1[k]], "y": [y0[k], y1[k]]}
    if done:
        before = [p[: head + 1] for p in path]
        data["done3d"] = {"type": "scatter3d", "x": before[0], "y": before[1], "z": before[2]}
        data["done2d"] = {"type": "scatter", "x": before[0], "y": before[1]}
    return data


def _dynamic_styles(t: Trajectory) -> dict[str, dict]:
    """Names and styles of the traces the frames replace (frames carry only coordinates)."""
    path3d = dict(
        mode="lines+markers",
        name="path",
        showlegend=False,
        line=dict(color=WHITE, width=5),
        marker=dict(size=2.5, color=WHITE),
    )
    path2d = dict(
        mode="lines+markers",
        name="path of θ so far",
        legendgroup="path",
        line=dict(color=WHITE, width=2),
        # Dark-rimmed beads: the path stands out on the yellow end of the map, and its legend key on a white page.
        marker=dict(size=5, color=WHITE, line=dict(width=1, color="#000000")),
    )
    return {
        "path3d": path3d,
        "path2d": path2d,
        "done3d": {**path3d, "name": "path (earlier steps)"},
        "done2d": {**path2d, "name": "path (earlier steps)", "showlegend": False},
        "point3d": dict(mode="markers", name="θ (3D)", showlegend=False, marker=dict(size=7, color=POINT)),
        "point2d": dict(mode="markers", name="θ at the current step", marker=dict(size=13, color=POINT)),
        "gradient": arrow_style("−ηg (a plain gradient step)", GRADIENT),
        "update": arrow_style("actual update", UPDATE),
        "velocity": _state_arrow_style(t),
    }


def _state_arrow_style(t: Trajectory) -> dict:
    """The state arrow's legend entry: only for an optimizer whose entry has one (none for plain descent)."""
    arrow = OPTIMIZERS[t.optimizer].arrow
    if arrow is None:
        return {**arrow_style("no state arrow", VELOCITY), "showlegend": False, "visible": False}
    return arrow_style(arrow.label, VELOCITY)


def step_label(t: Trajectory, k: int) -> str:
    """The figure slider's label of frame k: the step it shows being taken (θ_k → θ_{k+1}), "end" after the last."""
    return str(k + 1) if k < t.steps_taken else "end"


def descent_figure(
    grid: Grid,
    t: Trajectory,
    names: tuple[str, str],
    step: int = 0,
    start_handle: bool = False,
    lecture: bool = False,
) -> go.Figure:
    """Surface and contour map; playing reveals the weight path step by step, one frame per step.

    Frame k shows θ_k on both panels, the path up to it and the arrows of step k + 1; the figure opens at frame
    ``step``. Frames replace only the path, the point and the arrows, so playback runs in the browser without a
    rerun. ``start_handle`` puts a draggable ring on the start point of the map (see viz.handles).
    """
    low, high = grid.z_range
    with np.errstate(invalid="ignore"):
        z = np.clip(t.values, low, high)
    path = (shortened(t.points[:, 0]), shortened(t.points[:, 1]), shortened(z))
    step = min(max(int(step), 0), len(t.points) - 1)
    length = chunk_length(len(t.points) - 1)
    styles = _dynamic_styles(t)
    segments = _segments(t)
    opening = _frame_data(step, path, segments, head=step - step % length)
    # Explicit levels, so the picture under the map (drawn while frames play) has the contour trace's own lines.
    drawn = levels(grid.z_range)
    parts = {"surface": surface(grid, opacity=0.8), "contour": contour(grid, names, autocontour=False, contours=drawn)}
    parts |= {name: {**opening[name], **styles[name]} for name in (*DYNAMIC, *DONE)}
    traces = [parts[name] for name in TRACES]
    # Frames carry only coordinates: plotly merges them into the traces above, which keep names and styles.
    frames = []
    moving, chunk_start = [TRACES.index(n) for n in DYNAMIC], [TRACES.index(n) for n in (*DYNAMIC, *DONE)]
    for k in range(len(t.points)):
        head = k - k % length
        # The chunk's first frame carries the path done so far; the chunk's other frames reuse it.
        data = _frame_data(k, path, segments, head, done=k == head)
        if k == head:
            frame = dict(data=[data[n] for n in (*DYNAMIC, *DONE)], traces=chunk_start, name=str(k))
        else:
            frame = dict(data=[data[n] for n in DYNAMIC], traces=moving, name=str(k), baseframe=str(head))
        frames.append(frame)
    layout = dict(
        # The 3D scene on the left half, the contour map on the right.
        scene=dict(
            domain=dict(x=[0.0, 0.48], y=[0.0, 1.0]),
            xaxis=dict(title=dict(text=names[0])),
            yaxis=dict(title=dict(text=names[1])),
            zaxis=dict(title=dict(text="f"), range=[low, high]),
            aspectmode="manual",
            aspectratio=dict(x=1, y=1, z=0.7),
            camera=dict(eye=dict(x=1.45, y=-1.45, z=1.05)),
        ),
        xaxis=dict(title=dict(text=names[0]), range=[grid.xs[0], grid.xs[-1]], domain=[0.52, 1.0]),
        yaxis=dict(title=dict(text=names[1]), range=[grid.ys[0], grid.ys[-1]]),
        # The contour map as a picture underneath: plotly.js drops the contour trace while frames play.
        images=[map_image(grid, contours=drawn)],
    )
    if start_handle:
        layout["shapes"] = [handle(t.points[0][0], t.points[0][1])]
    labels = [step_label(t, k) for k in range(len(t.points))]
    controls = dict(
        updatemenus=[play_buttons(lecture=lecture)],
        sliders=[step_slider(len(t.points), labels, active=step, lecture=lecture)],
    )
    return figure(traces, layout, height=620, lecture=lecture, frames=frames, controls=controls)


def below_axis(lecture: bool) -> int:
    """Pixels from the bottom of the plot to below its x tick labels and x title, where the controls go."""
    return round(2.8 * text_px(TEXT_PX, lecture)) + 8


def play_buttons(duration: int = 80, lecture: bool = False) -> dict:
    """▶ Play and ❚❚ Pause under the x axis's title (placed in pixels, so at any chart height)."""
    return dict(
        type="buttons",
        direction="left",
        x=0.0,
        y=0.0,
        xanchor="left",
        yanchor="top",
        showactive=False,
        pad=dict(r=10, t=below_axis(lecture)),
        # Dark text on a light button in both themes.
        bgcolor="#F0F2F6",
        bordercolor="#A3A8B8",
        font=dict(color="#31333F"),
        buttons=[
            dict(
                label="▶ Play",
                method="animate",
                args=[
                    None,
                    dict(frame=dict(duration=duration, redraw=True), fromcurrent=True, transition=dict(duration=0)),
                ],
            ),
            dict(
                label="❚❚ Pause",
                method="animate",
                args=[
                    [None],
                    dict(frame=dict(duration=0, redraw=False), mode="immediate", transition=dict(duration=0)),
                ],
            ),
        ],
    )


def step_slider(count: int, labels: Sequence[str] | None = None, active: int = 0, lecture: bool = False) -> dict:
    """A slider over the steps, the full width of the chart, in a row of its own under the play buttons."""
    jump = dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0))  # every step's
    return dict(
        active=active,
        x=0.0,
        len=1.0,
        y=0.0,
        yanchor="top",
        # The step number at the slider's right end, clear of the play buttons on its left.
        currentvalue=dict(prefix="step k = ", xanchor="right"),
        pad=dict(t=below_axis(lecture) + round(2.6 * text_px(TEXT_PX, lecture))),
        steps=[
            dict(label=labels[k] if labels else str(k), method="animate", args=[[str(k)], jump]) for k in range(count)
        ],
    )


def run_label(t: Trajectory, label: str | None = None) -> str:
    """Legend text of a run, saying honestly where it diverged."""
    text = label or f"{OPTIMIZERS[t.optimizer].label}, η = {number(t.lr)}"
    return text + (f" — diverged at step {t.diverged_at}" if t.status == "diverged" else "")


def curves_figure(
    runs: Mapping[str, Trajectory], quantity: str = "loss", log: bool = False, lecture: bool = False
) -> go.Figure:
    """Loss f(θ_k), gradient norm |∇f(θ_k)| (``quantity="grad_norm"``) per step, one line per run."""
    traces = []
    shown = []
    for i, (label, t) in enumerate(runs.items()):
        measured = t.values if quantity == "loss" else t.grad_norms
        y, note = on_log_scale(measured) if log else (measured, "")
        shown.append(y)
        traces.append(
            trace(
                "scatter",
                x=np.arange(len(y)),
                y=y,
                # Each run's own dash and a few of its own markers; a run that reaches 0 may leave a lone point
                # before the gap, which only a marker shows, so such a run marks every step.
                mode="lines+markers",
                name=run_label(t, label) + note,
                line=dict(width=3, **{k: v for k, v in series(i).items() if k != "symbol"}),
                marker=dict(symbol=SYMBOLS[i % 8], size=8, **({} if note else {"maxdisplayed": 12})),
            )
        )
    title = "loss f(θₖ)" if quantity == "loss" else "gradient norm |∇f(θₖ)|"
    # The chart's title names the quantity; the axis keeps to its symbol, short enough for a short chart.
    symbol = ("|f(θₖ)|" if log else "f(θₖ)") if quantity == "loss" else "|∇f(θₖ)|"
    layout = dict(
        xaxis=dict(title=dict(text="step k")),
        yaxis=dict(
            title=dict(text=symbol),
            **(log_axis(np.concatenate(shown)) if log and shown else {}),
        ),
    )
    # The legend below takes a row per run or two: the plot keeps its height as the race grows.
    height = 340 + 28 * max(0, len(runs) - 2)
    return figure(traces, layout, title=title.capitalize(), height=height, lecture=lecture)


def progress_figure(t: Trajectory, names: Sequence[str], log: bool = False, lecture: bool = False) -> go.Figure:
    """Three stacked panels sharing the step axis: loss f(θ_k), gradient norm |∇f(θ_k)|, and each weight."""
    k = np.arange(len(t.points))
    (loss, loss_note), (norm, norm_note) = (
        (on_log_scale(t.values), on_log_scale(t.grad_norms)) if log else ((t.values, ""), (t.grad_norms, ""))
    )
    traces = [
        trace(
            "scatter",
            x=k,
            y=loss,
            mode="lines+markers" if loss_note else "lines",
            name="loss f" + loss_note,
            line=dict(width=3, color=PALETTE[0]),
        ),
        trace(
            "scatter",
            x=k,
            y=norm,
            mode="lines+markers" if norm_note else "lines",
            name="|∇f|" + norm_note,
            line=dict(width=3, color=PALETTE[3]),
            xaxis="x2",
            yaxis="y2",
        ),
    ]
    traces += [
        trace(
            "scatter",
            x=k,
            y=t.points[:, i],
            mode="lines",
            name=name,
            line=dict(width=3, color=PALETTE[(i + 1) % 8], dash=DASHES[(i + 1) % 8]),
            xaxis="x3",
            yaxis="y3",
        )
        for i, name in enumerate(names)
    ]
    traces += rate_traces(t)
    layout = dict(
        **rate_axis(t),
        xaxis=dict(domain=[0, 1], anchor="y", showticklabels=False),
        xaxis2=dict(domain=[0, 1], anchor="y2", matches="x", showticklabels=False),
        xaxis3=dict(domain=[0, 1], anchor="y3", matches="x", title=dict(text="step k")),
        yaxis=dict(
            domain=[0.70, 1.0], title=dict(text="|f(θₖ)|" if log else "f(θₖ)"), **(log_axis(loss) if log else {})
        ),
        yaxis2=dict(domain=[0.36, 0.64], title=dict(text="|∇f(θₖ)|"), **(log_axis(norm) if log else {})),
        yaxis3=dict(domain=[0.0, 0.30], title=dict(text="θₖ")),
    )
    return figure(traces, layout, title="Loss, gradient norm and weights per step", height=620, lecture=lecture)


def rate_traces(t: Trajectory) -> list[dict]:
    """η_k per step on the loss panel's right axis, when a schedule changes it (step k moves θ_{k−1} to θ_k)."""
    if t.schedule == "constant" or t.lrs is None:
        return []
    k = np.arange(1, t.steps_taken + 1)
    return [
        trace(
            "scatter",
            x=k,
            y=t.lrs[: t.steps_taken],
            mode="lines",
            name="ηₖ (right axis)",
            line=dict(width=2, color=PALETTE[4], dash="dash"),
            yaxis="y4",
        )
    ]


def rate_axis(t: Trajectory) -> dict:
    """The loss panel's right axis for η_k, if the run has a schedule."""
    if t.schedule == "constant" or t.lrs is None:
        return {}
    return dict(
        yaxis4=dict(
            overlaying="y",
            side="right",
            anchor="x",
            title=dict(text="ηₖ"),
            rangemode="tozero",
            showgrid=False,
            tickmode="auto",  # its own round numbers, not the loss axis's grid carried over
            nticks=4,
        )
    )


def _path(t: Trajectory, label: str, i: int) -> list[dict]:
    """The i-th run's path, in its own colour, dash and bead (``series``); its end a big bead, ✕ if it diverged."""
    look = series(i)
    color = look["color"]
    end_symbol = "x" if t.status == "diverged" else look["symbol"]
    return [
        trace(
            "scatter",
            x=t.points[:, 0],
            y=t.points[:, 1],
            mode="lines+markers",
            name=run_label(t, label),
            line=dict(color=color, width=3, dash=look["dash"]),
            marker=dict(size=6, color=color, symbol=look["symbol"], maxdisplayed=40),
            legendgroup=label,
        ),
        trace(
            "scatter",
            x=t.points[-1:, 0],
            y=t.points[-1:, 1],
            mode="markers",
            showlegend=False,
            legendgroup=label,
            marker=dict(size=14, color=color, symbol=end_symbol, line=dict(width=2, color="white")),
            name=f"{label} end",
        ),
    ]


def race_figure(
    grid: Grid,
    runs: Mapping[str, Trajectory],
    names: tuple[str, str],
    minima: Sequence[tuple[float, float]] = (),
    lecture: bool = False,
    extra: Sequence[dict] = (),
    start_handle: tuple[float, float] | None = None,
) -> go.Figure:
    """Several runs from the same start on one contour map: each path, its end (✕ if it diverged), the minima,
    and ``extra`` traces drawn under the paths (a line of minima); ``start_handle`` puts a draggable ring on the
    start (see viz.handles)."""
    traces: list[dict] = [contour(grid, names, showscale=True, hoverinfo="skip", opacity=0.9), *extra]
    for i, (label, t) in enumerate(runs.items()):
        traces += _path(t, label, i)
    if minima:
        traces.append(_minima_markers(minima))
    layout = dict(
        xaxis=dict(title=dict(text=names[0]), range=[grid.xs[0], grid.xs[-1]]),
        yaxis=dict(title=dict(text=names[1]), range=[grid.ys[0], grid.ys[-1]]),
    )
    if start_handle is not None:
        layout["shapes"] = [handle(*start_handle)]
    return figure(traces, layout, height=560, lecture=lecture)


def _minima_markers(minima: Sequence[tuple[float, float]]) -> dict:
    return trace(
        "scatter",
        x=[m[0] for m in minima],
        y=[m[1] for m in minima],
        mode="markers",
        name="known minima",
        marker=dict(symbol="star", size=16, color=YELLOW, line=dict(width=1, color="black")),
    )


def sweep_figure(
    grid: Grid, runs: Mapping[str, Trajectory], names: tuple[str, str], lecture: bool = False
) -> go.Figure:
    """The same optimizer at several learning rates, side by side on the contour map."""
    labels = list(runs)
    gap = 0.03
    width = (1.0 - gap * (len(labels) - 1)) / len(labels)
    traces: list[dict] = []
    # Each panel is titled with its run, so a legend would only repeat the titles.
    layout: dict = {"annotations": [], "showlegend": False, "margin": dict(t=2 * text_px(15, lecture) + 4)}
    for col, label in enumerate(labels):
        axis = "" if col == 0 else str(col + 1)
        left = col * (width + gap)
        for item in [contour(grid, names, hoverinfo="skip", opacity=0.9), *_path(runs[label], label, col)]:
            traces.append({**item, "xaxis": f"x{axis}", "yaxis": f"y{axis}"})
        layout[f"xaxis{axis}"] = dict(
            domain=[left, left + width], range=[grid.xs[0], grid.xs[-1]], title=dict(text=names[0]), anchor=f"y{axis}"
        )
        layout[f"yaxis{axis}"] = dict(
            range=[grid.ys[0], grid.ys[-1]],
            anchor=f"x{axis}",
            matches="y" if col else None,
            showticklabels=col == 0,
            title=dict(text=names[1] if col == 0 else ""),
        )
        # Each panel's title says its learning rate, and whether that run diverged.
        layout["annotations"].append(
            dict(
                text=run_label(runs[label], label),
                x=left + width / 2,
                y=1.0,
                xref="paper",
                yref="paper",
                xanchor="center",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=text_px(15, lecture)),
            )
        )
    return figure(traces, layout, height=420, lecture=lecture)


def basin_colors(count: int) -> list[str]:
    """Colours for labels DIVERGED, NOT_CONVERGED, then minimum 0, 1, … reached, then the same minima paler
    (still heading there)."""
    reached = [PALETTE[i % 8] for i in range(count)]
    return ["#000000", "#BBBBBB", *reached, *[pale(c) for c in reached]]


def pale(color: str, amount: float = 0.55) -> str:
    """The colour mixed with white: a start still on its way to the minimum of that colour."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in rgb)


BASIN_MARKS = 10  # marks per side of the map: a texture that tells the basins apart without their colour


def basin_marks(bm: BasinMap, minima: Sequence[tuple[float, float]]) -> list[dict]:
    """A sparse lattice of marks over the basin map, one trace per basin with that minimum's own symbol (``series``),
    ✕ where descent diverged and none where it did not converge: each basin is told apart by shape as well as by
    colour, and the legend names the basin of each minimum."""
    stride = max(1, round(len(bm.xs) / BASIN_MARKS))
    rows, cols = np.meshgrid(np.arange(stride // 2, len(bm.ys), stride), np.arange(stride // 2, len(bm.xs), stride))
    labels = bm.labels[rows, cols]
    kinds = [(DIVERGED, "diverged", "x")]
    kinds += [
        (i, f"basin of minimum {i + 1} ({number(m[0], 3)}, {number(m[1], 3)})", SYMBOLS[i % 8])
        for i, m in enumerate(minima)
    ]
    marks = []
    for label, name, symbol in kinds:
        chosen = labels == label
        if chosen.any():
            marks.append(
                trace(
                    "scatter",
                    x=bm.xs[cols[chosen]],
                    y=bm.ys[rows[chosen]],
                    mode="markers",
                    name=name,
                    # White with a dark rim: seen on every basin's colour, and its legend key on either theme.
                    marker=dict(symbol=symbol, size=8, color=WHITE, line=dict(width=1, color="#000000")),
                    hoverinfo="skip",
                )
            )
    return marks


def basin_figure(
    bm: BasinMap,
    minima: Sequence[tuple[float, float]],
    names: tuple[str, str],
    start: Sequence[float] | None = None,
    lecture: bool = False,
) -> go.Figure:
    """Each start coloured by the minimum it reaches, paler where it is still heading there: grey near no
    listed minimum, black diverged. ``start`` (the page's start point) is drawn as a draggable ring."""
    colors = basin_colors(len(minima))
    levels = len(colors)
    # A stepped colour scale: colour index c occupies its own band [c, c + 1)/levels.
    scale = []
    for i, color in enumerate(colors):
        scale += [[i / levels, color], [(i + 1) / levels, color]]
    heading = (bm.labels >= 0) & ~bm.reached
    z = np.where(heading, bm.labels + 2 + len(minima), bm.labels + 2)

    def say(label: int, on_the_way: bool, k: int) -> str:
        if label == DIVERGED:
            return "diverged"
        if label == NOT_CONVERGED:
            return f"near no listed minimum after {bm.horizon} steps"
        if on_the_way:
            return f"heading to minimum {label + 1}: there by step {k}"
        return f"minimum {label + 1}, reached at step {k}"

    text = np.vectorize(say)(bm.labels, heading, bm.arrival)
    traces = [
        trace(
            "heatmap",
            x=bm.xs,
            y=bm.ys,
            z=z,
            zmin=0,
            zmax=levels,
            colorscale=scale,
            showscale=False,
            text=text,
            hovertemplate=f"start {names[0]}=%{{x:.3g}}, {names[1]}=%{{y:.3g}}<br>%{{text}}<extra></extra>",
            name="basins",
        ),
        *basin_marks(bm, minima),
        _minima_markers(minima),
    ]
    layout = dict(
        xaxis=dict(title=dict(text=names[0]), constrain="domain"),
        yaxis=dict(title=dict(text=names[1]), scaleanchor="x", scaleratio=1, constrain="domain"),
    )
    if start is not None:
        layout["shapes"] = [handle(start[0], start[1])]
    return figure(traces, layout, height=520, lecture=lecture)
