"""The descent page's recordings for slides: a GIF and an MP4 of the playback, made when a button is pressed."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core.descent import Trajectory
from core.grid import Grid
from core.numbers import number
from core.optimizers import OPTIMIZERS
from core.schedules import SCHEDULES
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


@st.cache_data(max_entries=4, show_spinner=False)
def _made(grid: Grid, run: Trajectory, names: tuple[str, ...], texts: Texts, kind: str) -> bytes:
    return recording(grid, run, names, texts, kind)


def recording_buttons(key: str, grid: Grid, run: Trajectory, names: Sequence[str], texts: Texts) -> None:
    """Two download buttons; the file is drawn when one is pressed, on a thread of its own (not the page's run)."""
    names = tuple(names)
    gif, mp4, note = st.columns([2, 2, 5], vertical_alignment="center")
    gif.download_button(
        "🎞 GIF for slides",
        data=lambda: _made(grid, run, names, texts, "gif"),
        file_name="descent.gif",
        mime="image/gif",
        key=f"{key}_gif",
        on_click="ignore",
    )
    mp4.download_button(
        "🎬 MP4 video",
        data=lambda: _made(grid, run, names, texts, "mp4"),
        file_name="descent.mp4",
        mime="video/mp4",
        key=f"{key}_mp4",
        on_click="ignore",
    )
    frames = len(frame_steps(run.steps_taken))
    note.caption(
        f"The playback as {frames} frames of {WIDTH}×{HEIGHT}, with the title, f and the step counter burned in. "
        "This page's link replays the same run exactly."
    )
