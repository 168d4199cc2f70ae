"""The descent's training settings beside the optimizer: the learning-rate schedule and the gradient noise.

Each is declared once here (the schedule's parameters come from the schedule table, as the optimizer's come from
the optimizer table); the widgets read and write the share link, and ``Training.settings`` is what ``descend``
takes, so a link replays the same noisy, scheduled run exactly. The noise and its seed change only the runs: they
rerun the page's body alone (ui.parts.body), which reads them with ``Training.now``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import streamlit as st

from core.descent import Trajectory
from core.function import Function
from core.noise import MAX_SEED
from core.numbers import number
from core.optimizers import OPTIMIZERS
from core.schedules import SCHEDULES, warmup_length
from ui import cache
from ui.controls import Page, choice, number_box, slider
from ui.parts import rerunning_the_body
from ui.widgets import hyper_control

SCHEDULE = choice(
    "schedule", "Learning-rate schedule", list(SCHEDULES), "constant", labels=lambda k: SCHEDULES[k].label
)
NOISE = slider(
    "noise",
    "Gradient noise σ",
    0.0,
    20.0,
    0.1,
    0.0,
    format="%.1f",
    help="Each step sees ∇f(θ) + σ·ε with ε drawn from a standard normal: stochastic gradient descent. 0 is exact.",
)
SEED = number_box(
    "seed", "Noise seed", 0, MAX_SEED, 1, 0, integer=True, format="%d", help="The same seed draws the same noise."
)


class Training(NamedTuple):
    """The schedule with its parameters and the noise with its seed, as ``descend`` takes them."""

    schedule: str
    schedule_params: dict[str, float]
    noise: float
    seed: int

    @property
    def settings(self) -> dict[str, Any]:
        return self._asdict()

    @property
    def exact(self) -> bool:
        """Plain gradient descent's setting: exact gradients at a constant η."""
        return self.schedule == "constant" and not self.noise

    def now(self, page: Page) -> Training:
        """These settings with the noise and the seed as they are now: what the page's body, rerunning alone when
        they change, runs with."""
        return self._replace(noise=float(page.value(NOISE)), seed=int(page.value(SEED)))


def training_controls(page: Page, steps: int) -> Training:
    """Sidebar: the schedule, its parameters, the gradient noise and its seed (open when any is not the default)."""
    # Open when a link or the student chose a schedule or noise (the link's values are not yet in the widgets').
    link = st.session_state.get(page.key("_link"), {})
    schedule = link.get(SCHEDULE.name, st.session_state.get(page.key(SCHEDULE), "constant"))
    noise = link.get(NOISE.name, st.session_state.get(page.key(NOISE), 0.0))
    changed = schedule != "constant" or noise not in (0.0, "0", "0.0")
    box = st.sidebar.expander("Schedule and gradient noise", expanded=changed)
    name = page.draw(SCHEDULE, where=box)
    spec = SCHEDULES[name]
    params = {p.name: page.draw(hyper_control(p), where=box) for p in spec.params}
    params = {p.name: int(params[p.name]) if p.integer else float(params[p.name]) for p in spec.params}
    for line in spec.formula_lines:
        box.latex(line)
    warmup = params.get("warmup", 0)
    cut = warmup_length(warmup, steps)
    note = f" The warmup is cut to {cut} steps: the run has {steps}." if warmup >= steps else ""
    box.caption(spec.about + note)
    # Nothing in the sidebar shows them: they rerun only the page's body.
    noise, seed = rerunning_the_body(
        page, lambda: (float(page.draw(NOISE, where=box)), int(page.draw(SEED, where=box))), "noise", box
    )
    return Training(name, params, noise, seed)


def noise_lesson(f: Function, start: Sequence[float], run: Trajectory) -> None:
    """Under noise: what it did to this run (against the same run without noise), and what averages it out."""
    if not run.noise:
        return
    steps = len(run.lrs) if run.lrs is not None else run.steps_taken
    schedule = dict(schedule=run.schedule, schedule_params=run.schedule_params)
    clean = cache.run(f, start, run.optimizer, run.lr, steps, **schedule, **run.hyper)
    spec = OPTIMIZERS[run.optimizer]
    end, clean_end = number(run.values[-1]), number(clean.values[-1])
    text = (
        f"**Stochastic gradients.** Each step used ∇f(θ) + σ·ε with σ = {number(run.noise)} (seed {run.seed}): the "
        f"path jitters. This run ends at f = {end}; the same run without noise ends at f = {clean_end}. "
        "A smaller η shrinks the jitter (near the minimum the spread grows like √η); momentum adds up about "
        "1/(1 − μ) gradients, whose noise partly cancels (each step's noise over its signal falls by "
        "√((1 − μ)/(1 + μ)), 0.23 at μ = 0.9); a decaying schedule makes the last steps small. "
    )
    if run.optimizer in ("adam", "adamw", "rmsprop", "adagrad"):
        text += (
            f"{spec.label} divides by the root of the average g², which the noise inflates, so its steps stay "
            "about η long whatever σ: its jitter grows far more slowly with σ than plain descent's, whose steps "
            "grow with σ — but it only stops jittering when η itself gets small."
        )
    st.info(text, icon=":material/casino:")
