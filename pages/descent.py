"""Page: gradient descent — step through θ ← θ − η∇f(θ) with six optimizers, race them, sweep η, map basins."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import streamlit as st

from core import OPTIMIZERS, Trajectory
from core.basins import basin_story
from core.explain import explain_step, step_inputs, step_table
from core.function import to_latex
from core.numbers import delta, number
from core.snippets import descent_snippet
from core.tuning import RACE_MODES, entrants, grid_story, grid_words, sweep_story
from ui import cache, downloads, runs
from ui.chart import show_frame
from ui.controls import Page, choice, toggle
from ui.live import descent_live
from ui.page import begin, finish
from ui.parts import body, drawn_by_the_body, part, tabs
from ui.recording import recording_buttons, recording_texts
from ui.render import about, code_snippet, csv_bytes, derivation_steps, lazy_expander, show
from ui.text import plain
from ui.training import Training, noise_lesson, training_controls
from ui.widgets import (
    EXPLAINED_STEP,
    explained_step,
    function_picker,
    learning_rate_follows,
    lecture,
    optimizer_controls,
    pick_handler,
    point,
    start_controls,
    start_names,
    step_row,
)
from viz.descent import basin_figure, curves_figure, descent_figure, progress_figure, race_figure, sweep_figure
from viz.tuning import grid_figure

PAGE = Page("descent")
TAB = choice(
    "tab", "View", ["Step by step", "Compare optimizers", "Learning-rate sweep", "Basins of attraction"], "Step by step"
)
LOG = toggle("log", "Log-scale loss and gradient norm")
TABLE = toggle("table", "Show every step as a table")
RACE = choice(
    "race",
    "Optimizers in the race",
    list(OPTIMIZERS),
    ["gd", "momentum", "nesterov", "adam", "newton"],
    kind="multiselect",
    labels=lambda k: OPTIMIZERS[k].label,
)
RACE_LR = choice("race_lr", "Learning rate in the race", list(RACE_MODES), "tuned", kind="radio", labels=RACE_MODES.get)
SWEEP = choice(
    "factors", "Learning rates (multiples of η)", [0.1, 0.5, 1.0, 2.0, 5.0, 10.0], [0.1, 1.0, 5.0], kind="multiselect"
)
BASIN_GRID = choice("basin_n", "Grid of starts (per side)", [20, 30, 40, 60], 40, kind="select_slider")

slot = begin(
    PAGE,
    "Partial derivatives in action — the core of every neural network's training loop. Think of f as a loss and "
    "of the point θ as the weights: at every step compute the gradient g = ∇f(θ) and move θ against it, "
    "$\\theta \\leftarrow \\theta - \\eta\\, g$, with the learning rate η setting the step's size.",
)
picked = function_picker(PAGE, max_variables=6)
f, names = picked.f, picked.names
# The main gesture: moving the start reruns only the charts and numbers.
drawn_by_the_body(PAGE, lambda: start_controls(PAGE, picked))  # the maps move the start
START = start_names(names)  # the controls it drew
default_lr = picked.preset.lr if picked.preset else 0.05
learning_rate_follows(PAGE, picked.key, default_lr)
name, lr, steps, hyper = optimizer_controls(PAGE, default_lr, notation=("θ", "f"))
# The schedule and the gradient noise, used by every tab's runs; the noise and its seed rerun only the body.
schedule = training_controls(PAGE, steps)
big = lecture()
about(picked.preset)
two_d = len(names) == 2
minima = [m for m, _ in picked.preset.minima] if picked.preset else []


STEP = PAGE.key(EXPLAINED_STEP)  # the explained step k, 1 … steps taken; the figure shows it as its frame k − 1


class Now(NamedTuple):
    """What the body computes from the start and the noise as they are now: every tab draws from it."""

    start: tuple[float, ...]
    training: Training
    run: Trajectory


def follow_figure_step(steps_taken: int, frame: int) -> None:
    """The student moved the figure's own step slider to frame j: explain step j + 1 (the step it shows)."""
    st.session_state[STEP] = min(max(1, frame + 1), max(1, steps_taken))


def run_metrics(run: Trajectory) -> None:
    """The run's end: loss, gradient norm and one metric per weight."""
    if run.status == "diverged":
        return
    # One metric per weight: a vector in one box is cut off; values that are round-off of the start show as 0. The
    # loss takes the width it needs: its change since the start and the words after it share one line. Up to four
    # weights, one row (one block, where columns were a block each: fewer messages on every move of the start).
    start_size = abs(run.values[0])
    one_row = len(names) <= 4
    if one_row:
        boxes = [st.container(horizontal=True, gap="medium")] * (2 + len(names))  # every metric into the one row
    else:
        boxes = [*st.columns(2), *st.columns(len(names))]
    boxes[0].metric(
        "final loss f(θ)",
        number(run.values[-1], scale=start_size),
        delta=delta(run.values[-1] - run.values[0], scale=start_size),
        delta_color="inverse",
        delta_description=f"since the start, f(θ₀) = {number(run.values[0])}",
        width="content" if one_row else "stretch",
    )
    boxes[1].metric("final |∇f(θ)|", number(run.grad_norms[-1], scale=run.grad_norms[0]))
    for box, var, value in zip(boxes[2:], names, run.points[-1], strict=True):
        box.metric(f"final {var}", number(value, scale=max(abs(v) for v in run.points[0])))


def step_by_step(now: Now) -> None:
    """Playback, the written-out step, the per-step curves and the table."""
    start, run = now.start, now.run
    if two_d:
        show(
            descent_figure(cache.grid(f, picked.domain, 51), run, names, start_handle=True, lecture=big),
            key=PAGE.key("playback"),
            on_pick=pick_handler(PAGE),  # a click on the map or the surface, or the dragged ring, moves the start
            on_step=partial(follow_figure_step, run.steps_taken),
            live=descent_live(f, PAGE, start, name, lr, steps, hyper),  # the dragged start's path, in the browser
        )
        title = picked.preset.name if picked.preset else ""
        texts = recording_texts(run, title, names, cache.printed(f))
        recording_buttons(PAGE.key("recording"), cache.grid(f, picked.domain, 51), run, names, texts)
    else:
        st.info(f"f has {len(names)} variables, so there is no surface to draw: follow θ and the loss below.")
    run_metrics(run)
    noise_lesson(f, start, run)
    gradient_box = lazy_expander("The gradient used at every step", key=PAGE.key("gradient"))
    if gradient_box is not None:
        with gradient_box:
            for var, derivative in zip(names, f.partials, strict=True):
                st.latex(rf"\frac{{\partial f}}{{\partial {var}}} = {to_latex(derivative)}")
                derivation_steps(
                    lambda var=var: cache.derivation(f, var),
                    f"Show the steps for ∂f/∂{var}",
                    key=PAGE.key(f"steps_{var}"),
                )
    if run.steps_taken >= 1:
        part(PAGE, "step", partial(explain, run))  # Back, Next and the step slider rerun this part only
    log = PAGE.draw(LOG, where=st)
    show(progress_figure(run, names, log=log, lecture=big), key=PAGE.key("progress"))
    table = step_table(run, names)
    # A toggle rather than an expander: a hidden table then costs nothing on a rerun.
    if PAGE.draw(TABLE, where=st):
        st.dataframe(table, hide_index=True, height=300)
    downloads.button("⬇ Steps as CSV", lambda: csv_bytes(table), "descent_steps.csv", "text/csv", PAGE.key("csv"))


def explain(run: Trajectory) -> None:
    """Step k written out by hand, with Back and Next buttons (keys B and N) to walk through the steps."""
    st.subheader("One step, by hand")
    k = step_row(
        PAGE, STEP, 1, run.steps_taken, lambda row: explained_step(PAGE, run.steps_taken, (picked.key, f.text), row)
    )
    if two_d:
        show_frame(PAGE.key("playback"), k - 1)  # the figure turns to this step without being sent again
    st.markdown(f"Step {k}: " + "  \n".join(plain(line) for line in step_inputs(run, k, names, number)))
    st.code("\n".join(line for step in explain_step(run, k, names) for line in step.lines), language=None)


def race(now: Now) -> None:
    """All chosen optimizers from the same start: each at its own tuned η, or all at the page's η."""
    start, training = now.start, now.training
    picture = st.container()  # the race above its own controls, so it shows in the first screen
    chosen = PAGE.draw(RACE, where=st)
    mode = PAGE.draw(RACE_LR.replace(horizontal=True), where=st)
    tuned = runs.tuning(f, start, chosen, steps) if mode == "tuned" else None
    field = entrants(chosen, lr, mode, tuned)
    races = runs.race(f, start, {e.label: (e.optimizer, e.lr, training.settings) for e in field}, steps)
    how = grid_words(steps) if mode == "tuned" else f"Shared: every optimizer runs with η = {number(lr)}."
    noisy = f" Every run sees the same gradient noise (σ = {number(training.noise)})." if training.noise else ""
    st.caption(f"Every optimizer starts at the same point with PyTorch's default settings. {how}{noisy}")
    if not races:
        return
    if two_d:
        grid = cache.grid(f, picked.domain, 51)
        with picture:
            show(race_figure(grid, races, names, minima, lecture=big), key=PAGE.key("race_fig"))
    show(curves_figure(races, "loss", log=True, lecture=big), key=PAGE.key("race_loss"))
    warn_runs(races)


def warn_runs(shown: dict) -> None:
    """Say why a run stopped short or has no minimum to find: diverged, or f falls without bound."""
    for label, r in shown.items():
        if r.status == "diverged":
            st.warning(f"{label}: {r.reason}")
        elif r.status == "unbounded":
            st.info(f"{label}: {r.reason}")


def sweep(now: Now) -> None:
    """The chosen optimizer at several multiples of η, side by side, and its loss at every η of the grid."""
    start = now.start
    factors = PAGE.draw(SWEEP.replace(labels=lambda v: f"{number(v)} × η = {number(v * lr)}"), where=st)
    settings = {**hyper, **now.training.settings}
    swept = runs.race(f, start, {f"η = {number(k * lr)}": (name, k * lr, settings) for k in sorted(factors)}, steps)
    if swept:
        if two_d:
            show(sweep_figure(cache.grid(f, picked.domain, 51), swept, names, lecture=big), key=PAGE.key("sweep"))
        show(curves_figure(swept, "loss", log=True, lecture=big), key=PAGE.key("sweep_loss"))
        warn_runs(swept)
        st.caption(sweep_story(list(swept.values())))
    grid_run = runs.tuning(f, start, [name], steps, tuple(sorted(hyper.items())))(name)
    if grid_run.uses_lr:
        show(grid_figure(grid_run, lr, steps, lecture=big), key=PAGE.key("sweep_grid"))
        st.caption(grid_story(grid_run))


def basins(now: Now) -> None:
    """Which minimum each start of a grid reaches, for presets with known minima."""
    if not two_d or not minima:
        st.info("Basins need a preset with known minima — try Himmelblau, the six-hump camel or Rastrigin.")
        return
    if OPTIMIZERS[name].second_order:
        st.info(
            f"{OPTIMIZERS[name].label} needs the Hessian at every start; the basin map runs first-order optimizers."
        )
        return
    n = PAGE.draw(BASIN_GRID, where=st)
    bm = cache.basins(picked.key, name, lr, steps, tuple(sorted(hyper.items())), n)
    show(
        basin_figure(bm, minima, names, start=now.start, lecture=big),
        key=PAGE.key("basins"),
        on_pick=pick_handler(PAGE),  # a click on a basin starts the descent there
    )
    st.caption(
        f"{n * n} starts, {steps} steps of {OPTIMIZERS[name].label} with η = {number(lr)}, all computed at once. "
        + basin_story(bm, minima)
        + (" The map uses exact gradients at a constant η: no schedule, no noise." if not now.training.exact else "")
    )


def charts_and_numbers(render: Callable[[Now], None]) -> None:
    """The run from the start and the noise as they are now, the open tab drawn from it and its code: the start's
    sliders, the noise and its seed, and the tab's own controls rerun this part alone (ui.parts.body), the page
    around it stays."""
    start = point(PAGE, START)
    training = schedule.now(PAGE)
    run = runs.descent(f, start, name, lr, steps, **training.settings, **hyper)
    if run.status == "diverged":
        if run.diverged_at == 0:
            st.error("f or its gradient is undefined at the start point: move the start.", icon=":material/warning:")
        else:
            st.error(
                f"**Diverged at step {run.diverged_at}**: the loss or the gradient blew up (|f| > 10¹² or not a "
                f"number). The path is drawn up to the last finite point, step {run.steps_taken}. "
                "Try a smaller learning rate.",
                icon=":material/error:",
            )
    elif run.status == "unbounded":
        st.warning(run.reason, icon=":material/trending_down:")
    # The open tab, drawn in the body: its own controls rerun the body, whose run then comes from the cache. A part
    # of its own inside the body cost every move of the start 0.5 ms of Streamlit's bookkeeping (python -m bench.pages).
    render(Now(start, training, run))
    code_snippet(
        lambda: descent_snippet(f, start, name, lr, min(steps, 5), total=steps, **training.settings, **hyper),
        PAGE.key("code"),
    )


# Only the open tab computes, so the hidden ones cost nothing. The body is drawn inside the open tab: a switch of
# tabs reruns the page, which a switch drawn inside the body would not.
tabs(
    PAGE,
    TAB,
    [partial(body, PAGE, partial(charts_and_numbers, render)) for render in (step_by_step, race, sweep, basins)],
)
finish(PAGE, slot)
