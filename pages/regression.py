"""Page: an ML loss — the lesson's one-example loss, then a line fitted to data by full-batch and mini-batch descent."""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from core import OPTIMIZERS, PRESETS, descend
from core.numbers import delta, latex, number
from core.optimizers import FIRST_ORDER
from core.regression import (
    DataError,
    Dataset,
    batch_gradient,
    least_squares,
    loss_domain,
    make_dataset,
    read_csv,
    residual_factor,
    residual_story,
)
from core.snippets import descent_snippet
from core.stability import least_squares_hessian, line_design, max_stable_lr, standardize
from ui import cache, keep
from ui.a11y import spoken
from ui.controls import Page, choice, number_box, toggle
from ui.live import descent_live
from ui.navigation import BY_PREFIX
from ui.page import begin, finish
from ui.parts import body, rerunning_the_body, tabs
from ui.render import code_snippet, show
from ui.text import plain
from ui.widgets import (
    OPTIMIZER,
    OptimizerSettings,
    learning_rate_follows,
    lecture,
    optimizer_controls,
    optimizer_settings,
    pick_handler,
)
from viz.descent import curves_figure, race_figure
from viz.regression import epochs_figure, fit_figure, minima_line

PAGE = Page("regression")
START = (0.0, 0.0)  # the model's weights before training
# The start of the fit, not drawn as widgets: a click on the loss map sets it; the link keeps it.
START_CONTROLS = tuple(number_box(f"w{i}_0", f"start w{i}", -100.0, 100.0, 0.01, START[i - 1]) for i in (1, 2))
TAB = choice("tab", "View", ["The lesson's loss", "Fit a line to data"], "The lesson's loss")
BATCH = choice(
    "batch",
    "Batch",
    ["full", "1", "4", "8", "16"],
    "full",
    kind="radio",
    horizontal=True,
    labels=lambda b: "full batch" if b == "full" else f"mini-batch of {b}",
)
SEED = number_box("seed", "Dataset seed", 0, 10_000, 1, 0, integer=True)
STANDARDIZE = toggle("std", "Standardize x: (x − mean) / standard deviation", help="Makes 2/λmax near 1 for any x.")

slot = begin(
    PAGE,
    "Training a model is gradient descent on a loss. The model's weights w = (w₁, w₂) are the variables; the "
    "loss L(w) measures how wrong its predictions are. The partial derivative ∂L/∂w₁ says how to nudge w₁ so "
    "the predictions improve, and likewise for w₂.",
)
big = lecture()
# The lesson's own step uses η = 0.1 (its hand-worked numbers); the fit starts from 0.05. Switching tab brings it.
tab_lr = 0.1 if PAGE.value(TAB) == TAB.default else 0.05
learning_rate_follows(PAGE, st.session_state[PAGE.key(TAB)], tab_lr)
# η, the steps and the hyperparameters rerun only the body; the optimizer, through the body, the page.
drawn_optimizer = rerunning_the_body(
    PAGE, lambda: optimizer_controls(PAGE, tab_lr, default_steps=100, table=FIRST_ORDER)
).name
LESSON_ROW = (1.0, 2.0)  # the lesson's one example: inputs (1, 2)


def stable_rate(X, lr: float) -> float:
    """2/λmax of the loss's Hessian, shown beside η; a warning before the run when η is beyond it."""
    bound = max_stable_lr(least_squares_hessian(X))
    st.caption(
        f"Largest stable learning rate for plain gradient descent on this quadratic loss: 2/λmax(H) = {number(bound)} "
        f"(H = ∇²L, the loss's Hessian). You use η = {number(lr)}."
    )
    if lr >= bound:
        st.warning(
            f"η = {number(lr)} is at or above 2/λmax = {number(bound)}: plain gradient descent will oscillate with "
            "growing steps and diverge. Choose a smaller η" + (" or standardize x." if X.shape[1] == 2 else "."),
            icon=":material/warning:",
        )
    return bound


def lesson(t: OptimizerSettings) -> None:
    """The lesson's one-example loss after its hand step (step 3 of the path): what every further step does."""
    name, lr, steps, hyper = t
    loss = cache.function("(w1 + 2*w2 - y)**2", constants=(("y", 5.0),))
    # The working on the left, the picture of the loss beside it, so both show in the first screen.
    words, picture = st.columns([1, 1])
    hand = BY_PREFIX["weights"]  # the several-weights page
    words.markdown(
        f"Step {hand.step} of the lesson took the first step on this loss by hand: from w = (1, 1) with η = 0.1 to "
        "(1.4, 1.8). Here the training goes on: what do the next steps do?"
    )
    words.page_link(hand.path, label=f"Step {hand.step}: the hand step, written out", icon=":material/undo:")
    # One short equation per line: each fits the half-width column (a long one is cut at its edge).
    words.latex(r"L = (w_1 + 2w_2 - 5)^2")
    words.latex(r"\nabla L = 2r\,(1,\ 2),\quad r = w_1 + 2w_2 - 5")
    factor = residual_factor(LESSON_ROW, lr)
    words.markdown(
        "The gradient always points along the example's inputs (1, 2), so every step of plain gradient descent "
        "moves w along that direction, and multiplies the residual r (the prediction's error) by the same number, "
        "1 − 2η(1² + 2²) = 1 − 10η:"
    )
    words.latex(r"r_{k+1} = (1 - 10\eta)\, r_k")
    words.latex(rf"r_{{k+1}} = {latex(factor)}\, r_k")
    words.markdown(f"With **η = {number(lr)}**, {residual_story(factor)}")
    with words:
        stable_rate(np.array([LESSON_ROW]), lr)
    steps_shown = min(steps, 6)
    plain_run = descend(loss, (1.0, 1.0), optimizer="gd", lr=lr, steps=steps_shown)
    residuals = plain_run.points @ np.array(LESSON_ROW) - 5.0
    words.dataframe(
        {
            "step k": list(range(len(plain_run.points))),
            "w₁": [number(p[0]) for p in plain_run.points],
            "w₂": [number(p[1]) for p in plain_run.points],
            "r = w₁ + 2w₂ − 5": [number(r) for r in residuals],
            "L = r²": [number(v) for v in plain_run.values],
        },
        hide_index=True,
    )
    preset = PRESETS["lesson_loss"]
    lesson_run = descend(loss, (1.0, 1.0), optimizer=name, lr=lr, steps=min(steps, 30), **hyper)
    with picture:
        show(
            race_figure(
                cache.grid(loss, preset.domain, 51),
                {"your optimizer": lesson_run},
                loss.names,
                lecture=big,
                extra=minima_line(LESSON_ROW, 5.0, preset.domain),
            ),
            key=PAGE.key("lesson_surface"),
            about=spoken(loss, "L"),
        )
        which = "" if name == "gd" else f" The map follows {OPTIMIZERS[name].label}; the table, plain GD."
        st.caption(
            "The loss is zero on the whole dashed line w₁ + 2w₂ = 5: one example cannot pick one best w. With many "
            f"examples it can: the next view fits a line to data, where the loss has a single lowest point.{which}"
        )


def model(t: OptimizerSettings) -> None:
    """A line fitted to data by full-batch or mini-batch descent on the mean squared error."""
    name, lr, steps, hyper = t
    st.markdown(
        "A model ŷ = w₁·x + w₂ (slope w₁, intercept w₂) fitted by descent on the **mean squared error** L(w) "
        "over the N examples (its formula and gradient are below the figures)."
    )
    # The figures and numbers first, in slots above the data controls, so they show in the first screen.
    pictures, numbers = st.container(), st.container()
    left, right = st.columns(2)
    seed = PAGE.draw(SEED, where=left)
    with right:
        upload = keep.upload("…or upload a CSV with two numeric columns x, y", PAGE.key("csv"), ["csv"])
    data = dataset(upload, int(seed))
    if upload is not None and PAGE.draw(STANDARDIZE, where=st):
        scaling = standardize(data.x)
        data = data._replace(x=scaling.x, source=f"{data.source}, x standardized")
        st.caption(
            f"The run uses standardized x′ = (x − {number(scaling.mean)}) / {number(scaling.scale)}, so w1, w2 "
            "below are the line's weights on x′."
        )
    st.caption(f"Data: {data.source}, N = {len(data.x)}.")
    stable_rate(line_design(data.x), lr)
    batch = PAGE.draw(BATCH, where=st)
    batch_size = None if batch == "full" else int(batch)
    L = cache.mse(data)
    target = least_squares(data)
    start = tuple(float(PAGE.value(c)) for c in START_CONTROLS)
    run = cache.fit(data, start, name, lr, steps, batch_size, int(seed), hyper)
    if run.status == "diverged":
        st.error(
            f"**Diverged at step {run.diverged_at}**: try a smaller learning rate. The path shown ends at the "
            "last finite point.",
            icon=":material/error:",
        )
    # One metric per weight: a pair of long numbers in one box is cut off.
    best = L(*target)
    w = run.points[-1]
    # The MSE and its full gradient from the residuals at w (a mini-batch run records its batch's gradient).
    loss, grad = batch_gradient(data, w)
    # One row (one block, where columns were a block each: fewer messages on every move). The MSE takes the width
    # its gap to the least-squares fit and the words after it need, on one line.
    row = numbers.container(horizontal=True, gap="medium")
    row.metric("w₁ (target)", number(target[0]))
    row.metric(f"w₁ (step {run.steps_taken})", number(w[0]))
    row.metric("w₂ (target)", number(target[1]))
    row.metric(f"w₂ (step {run.steps_taken})", number(w[1]))
    # The gap to the least-squares fit is never negative: said in words, grey, without an arrow that reads as a trend.
    row.metric(
        "MSE",
        number(loss),
        delta=delta(loss - best, scale=best),
        delta_color="off",
        delta_arrow="off",
        delta_description="above least squares",
        width="content",
    )
    c1, c2 = pictures.columns(2)
    with c1:
        show(fit_figure(data, run, target, lecture=big), key=PAGE.key("fit"))
    with c2:
        label = "full batch" if batch == "full" else f"mini-batch of {batch}"
        starts = [c.name for c in START_CONTROLS]
        show(
            race_figure(
                cache.grid(L, loss_domain(target, start), 51),
                {label: run},
                L.names,
                [tuple(target)],
                lecture=big,
                start_handle=start,
            ),
            key=PAGE.key("surface"),
            about="L, the mean squared error of the line w₁·x + w₂",
            on_pick=pick_handler(PAGE, starts),  # a click moves the start there
            # A full-batch path follows the dragged start in the browser (mini-batches are the server's to draw).
            live=descent_live(L, PAGE, start, name, lr, steps, hyper, run=label, controls=starts)
            if not batch_size
            else None,
        )
        st.caption(f"Start w = ({number(start[0])}, {number(start[1])}): click the loss map to start somewhere else.")
    st.markdown("The mean squared error and its gradient:")
    st.latex(r"L(w_1, w_2) = \frac{1}{N}\sum_{i=1}^{N} (w_1 x_i + w_2 - y_i)^2")
    st.latex(
        r"\frac{\partial L}{\partial w_1} = \frac{2}{N}\sum_i (w_1 x_i + w_2 - y_i)\,x_i,\qquad "
        r"\frac{\partial L}{\partial w_2} = \frac{2}{N}\sum_i (w_1 x_i + w_2 - y_i)"
    )
    st.latex(
        rf"\frac{{\partial L}}{{\partial w_1}}({latex(w[0])}, {latex(w[1])}) = {latex(grad[0])},\quad "
        rf"\frac{{\partial L}}{{\partial w_2}} = {latex(grad[1])}"
    )
    show(curves_figure({"MSE": run}, "loss", log=True, lecture=big), key=PAGE.key("loss"))
    if batch_size:
        st.caption(
            "Each mini-batch estimates the gradient from a few examples, so the path is noisy; on average it "
            "still heads for the least-squares solution, and the noise shrinks with a smaller η. Each epoch "
            "reshuffles the data and visits every example once."
        )
    compare(data, best, int(seed), t)  # the least-squares loss, the floor of the curves


def dataset(upload: object, seed: int) -> Dataset:
    """The generated data, or the uploaded CSV; a bad upload keeps the last good one (or the generated data)."""
    generated = make_dataset(seed=seed)
    if upload is None:
        st.session_state.pop(PAGE.key("last_good"), None)
        return generated
    try:
        data = read_csv(upload.getvalue())
    except DataError as error:
        last_good = st.session_state.get(PAGE.key("last_good"))
        kept = "The last good upload stays in use." if last_good else "The generated dataset stays in use."
        st.error(f"**CSV not used:** {plain(error)} {kept}", icon=":material/warning:")
        return last_good or generated
    st.session_state[PAGE.key("last_good")] = data
    return data


def compare(data: Dataset, floor: float, seed: int, t: OptimizerSettings) -> None:
    """Batch size 1, a middle size and the full batch on the same data, for the same number of epochs."""
    name, lr, _, hyper = t
    epochs = max(1, min(10, 2000 // len(data.x)))  # batch size 1 takes N steps per epoch
    st.markdown(
        f"**Batch sizes compared.** The same data, η and optimizer for {epochs} epochs: a small batch takes many "
        "cheap, noisy steps per pass over the data; the full batch one exact step."
    )
    # Cached: the comparison does not follow the steps slider, the page's main gesture.
    runs = cache.batches(data, START, epochs, name, lr, seed, hyper)
    fig = epochs_figure({k: run for k, (run, _) in runs.items()}, {k: p for k, (_, p) in runs.items()}, floor, big)
    show(fig, key=PAGE.key("epochs"))


def charts_and_numbers() -> None:
    """The open tab and the code, from the sidebar's settings as they are now: it reruns alone when η, the steps or
    a hyperparameter moves (ui.parts.body)."""
    if PAGE.value(PAGE.controls[OPTIMIZER.name]) != drawn_optimizer:
        st.rerun()  # another optimizer: the whole page, whose sidebar shows its hyperparameters and its rule
    t = optimizer_settings(PAGE)
    # Only the open tab computes; a switch reruns.
    tabs(PAGE, TAB, [partial(lesson, t), partial(model, t)])
    # The lesson's loss trained on from (1, 1) at the page's η: the steps after the hand step, as the tab shows them.
    code_snippet(
        lambda: descent_snippet(cache.function("(w1 + 2*w2 - 5)**2"), (1.0, 1.0), "gd", t.lr, 5), PAGE.key("code")
    )


body(PAGE, charts_and_numbers)
finish(PAGE, slot)
