"""Recordings for slides: the descent's playback and the backprop walk-through as a GIF and an MP4, made when a
button is pressed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from core.backprop import Step
from core.descent import Trajectory
from core.grid import Grid
from core.network import ACTIVATIONS, ARCHITECTURES, LOSSES, Network, Pass
from core.numbers import number
from core.optimizers import OPTIMIZERS
from core.schedules import SCHEDULES
from ui import downloads
from viz.backprop_recording import walkthrough_recording
from viz.recording import HEIGHT, WIDTH, Texts, frame_steps, plain_formula, recording


def recording_texts(run: Trajectory, function_name: str, names: Sequence[str], expr_text: str) -> Texts:
    """The title (function, optimizer, η, schedule, noise) and the formula burned into every frame."""
    parts = [f"{OPTIMIZERS[run.optimizer].label}, η = {number(run.lr)}"]
    if run.schedule != "constant":
        parts.append(SCHEDULES[run.schedule].label.lower())
    if run.noise:
        parts.append(f"noise σ = {number(run.noise)} (seed {run.seed})")
    title = f"{function_name}: {', '.join(parts)}" if function_name else ", ".join(parts)
    return Texts(title, f"f({', '.join(names)}) = {plain_formula(expr_text)}")


def walkthrough_texts(net: Network, arch: str, example: int, x: Sequence[float], t: float) -> Texts:
    """The title (network, example) and the line under it (the example, the loss, the units) of every frame."""
    units = ACTIVATIONS[net.activation].label
    return Texts(
        f"Backpropagation: {ARCHITECTURES[arch]}, example {example}",
        f"x = ({number(float(x[0]))}, {number(float(x[1]))}), t = {number(float(t))}; "
        f"{LOSSES[net.loss].label}, {units} units",
    )


@st.cache_data(max_entries=4, show_spinner=False)
def _descent(grid: Grid, run: Trajectory, names: tuple[str, ...], texts: Texts, kind: str) -> bytes:
    return recording(grid, run, names, texts, kind)


@st.cache_data(max_entries=4, show_spinner=False)
def _walkthrough(net: Network, p: Pass, steps: tuple[Step, ...], texts: Texts, kind: str) -> bytes:
    return walkthrough_recording(net, p, steps, texts, kind)


def recording_buttons(key: str, grid: Grid, run: Trajectory, names: Sequence[str], texts: Texts) -> None:
    """The descent's playback as a GIF and an MP4 (see ``download_buttons``)."""
    frames = len(frame_steps(run.steps_taken))
    names = tuple(names)
    download_buttons(
        key,
        lambda kind: _descent(grid, run, names, texts, kind),
        "descent",
        f"The playback as {frames} frames of {WIDTH}×{HEIGHT}, with the title, f and the step counter burned in. "
        "This page's link replays the same run exactly.",
    )


def walkthrough_buttons(key: str, net: Network, p: Pass, steps: Sequence[Step], texts: Texts) -> None:
    """The backprop walk-through, a step a second, as a GIF and an MP4 (see ``download_buttons``)."""
    steps = tuple(steps)
    download_buttons(
        key,
        lambda kind: _walkthrough(net, p, steps, texts, kind),
        "backprop",
        f"The walk-through as {len(steps)} frames of {WIDTH}×{HEIGHT}, a step a second, with the example and the "
        "step burned in. This page's link replays the same example and weights.",
    )


def download_buttons(key: str, made: Callable[[str], bytes], stem: str, note: str) -> None:
    """A GIF and an MP4 button, the note after them; the file is drawn when one is pressed, on a thread of its own
    (not the page's run)."""
    # One row, not three columns: a block for each column was three more messages on every move of the start.
    row = st.container(horizontal=True, vertical_alignment="center")
    for kind, label, mime in (("gif", "🎞 GIF for slides", "image/gif"), ("mp4", "🎬 MP4 video", "video/mp4")):
        downloads.button(label, lambda kind=kind: made(kind), f"{stem}.{kind}", mime, f"{key}_{kind}", row)
    row.caption(note)
