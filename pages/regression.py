"""Page: an ML loss — the lesson's one-example loss, then a line fitted to data by full-batch and mini-batch descent."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import PRESETS, descend
from core.explain import explain_step, fmt
from core.function import to_latex
from core.regression import DataError, fit, least_squares, loss_domain, make_dataset, read_csv
from core.snippets import descent_snippet
from core.stability import least_squares_hessian, line_design, max_stable_lr, standardize
from ui import cache
from ui.controls import Page, choice, number, toggle
from ui.page import begin, finish
from ui.render import code_snippet, show
from ui.text import plain
from ui.widgets import learning_rate_follows, lecture, optimizer_controls, pick_handler
from viz.descent import curves_figure, race_figure
from viz.regression import fit_figure, minima_line

PAGE = Page("regression")
START = (0.0, 0.0)  # the model's weights before training
# The start of the fit, not drawn as widgets: a click on the loss map sets it; the link keeps it.
START_CONTROLS = tuple(number(f"w{i}_0", f"start w{i}", -100.0, 100.0, 0.01, START[i - 1]) for i in (1, 2))
TAB = choice("tab", "Tab", ["The lesson's loss", "Fit a line to data"], "The lesson's loss")
BATCH = choice(
    "batch",
    "Batch",
    ["full", "1", "4", "8", "16"],
    "full",
    kind="radio",
    horizontal=True,
    labels=lambda b: "full batch" if b == "full" else f"mini-batch of {b}",
)
SEED = number("seed", "Dataset seed", 0, 10_000, 1, 0, integer=True)
STANDARDIZE = toggle("std", "Standardize x: (x − mean) / standard deviation", help="Makes 2/λmax near 1 for any x.")

slot = begin(
    PAGE,
    "📈 ML loss: linear regression",
    "Training a model is gradient descent on a loss. The partial derivatives of the loss with respect to each "
    "weight say how to nudge that weight so the predictions improve.",
)
big = lecture()
# The lesson's own step uses η = 0.1 (its hand-worked numbers); the fit starts from 0.05. Switching tab brings it.
tab_lr = 0.1 if st.session_state[PAGE.prepare(TAB)] == TAB.default else 0.05
learning_rate_follows(PAGE, st.session_state[PAGE.key(TAB)], tab_lr)
name, lr, steps, hyper = optimizer_controls(PAGE, tab_lr, default_steps=100)
LESSON_ROW = (1.0, 2.0)  # the lesson's one example: inputs (1, 2)


def stable_rate(X) -> float:
    """2/λmax of the loss's Hessian, shown beside η; a warning before the run when η is beyond it."""
    bound = max_stable_lr(least_squares_hessian(X))
    st.caption(
        f"Largest stable learning rate for plain gradient descent on this quadratic loss: 2/λmax(H) = {fmt(bound)} "
        f"(H = ∇²L, the loss's Hessian). You use η = {fmt(lr)}."
    )
    if lr >= bound:
        st.warning(
            f"η = {fmt(lr)} is at or above 2/λmax = {fmt(bound)}: plain gradient descent will oscillate with "
            "growing steps and diverge. Choose a smaller η" + (" or standardize x." if X.shape[1] == 2 else "."),
            icon="⚠️",
        )
    return bound


def lesson() -> None:
    """The lesson's one-example loss, its gradient, and the hand step to (1.4, 1.8)."""
    loss = cache.function("(w1 + 2*w2 - y)**2", constants=(("y", 5.0),))
    symbolic = cache.function("(w1 + 2*w2 - y)**2")
    st.markdown(
        "One training example with inputs (1, 2) and target y, a model w1·1 + w2·2, and the squared error. "
        "Its gradient, treating y as a constant:"
    )
    st.latex(r"L = (w_1 + 2w_2 - y)^2")
    grad_tex = ",\\ ".join(to_latex(p) for p in symbolic.partials[:2])
    st.latex(rf"\nabla L = \left[{grad_tex}\right]")
    step = descend(loss, (1.0, 1.0), optimizer="gd", lr=lr, steps=1)
    stable_rate(np.array([LESSON_ROW]))
    st.markdown(f"With **y = 5**, from **w1 = w2 = 1** and **η = {fmt(lr)}**, one step of gradient descent:")
    st.code("\n".join(line for s in explain_step(step, 1, loss.names) for line in s.lines), language=None)
    c1, c2, c3 = st.columns(3)
    c1.metric("∇L(1, 1)", f"({fmt(step.gradients[0][0])}, {fmt(step.gradients[0][1])})")
    c2.metric("new w1", fmt(step.points[1][0]))
    c3.metric("new w2", fmt(step.points[1][1]))
    landed = step.points[1][0] + 2 * step.points[1][1]
    st.caption(
        f"L goes from {fmt(step.values[0])} to {fmt(step.values[1])}. The loss is zero on the whole line "
        f"w1 + 2w2 = 5 (dashed on the map); this step lands where w1 + 2w2 = {fmt(landed)}."
    )
    preset = PRESETS["lesson_loss"]
    lesson_run = descend(loss, (1.0, 1.0), optimizer=name, lr=lr, steps=min(steps, 30), **hyper)
    show(
        race_figure(
            cache.grid(loss, preset.domain, 51),
            {"your optimizer": lesson_run},
            loss.names,
            lecture=big,
            extra=[minima_line(LESSON_ROW, 5.0, preset.domain)],
        ),
        key=PAGE.key("lesson_surface"),
    )


def model() -> None:
    """A line fitted to data by full-batch or mini-batch descent on the mean squared error."""
    st.markdown("A model ŷ = w1·x + w2 and the **mean squared error** over N examples:")
    st.latex(r"L(w_1, w_2) = \frac{1}{N}\sum_{i=1}^{N} (w_1 x_i + w_2 - y_i)^2")
    st.latex(
        r"\frac{\partial L}{\partial w_1} = \frac{2}{N}\sum_i (w_1 x_i + w_2 - y_i)\,x_i,\qquad "
        r"\frac{\partial L}{\partial w_2} = \frac{2}{N}\sum_i (w_1 x_i + w_2 - y_i)"
    )
    left, right = st.columns(2)
    seed = PAGE.draw(SEED, where=left)
    with right:
        upload = st.file_uploader("…or upload a CSV with two numeric columns x, y", type=["csv"], key=PAGE.key("csv"))
    data = make_dataset(seed=int(seed))
    if upload is not None:
        try:
            data = read_csv(upload.getvalue())
        except DataError as error:
            st.error(f"**CSV not used:** {plain(error)} The generated dataset stays in use.", icon="⚠️")
    if upload is not None and PAGE.draw(STANDARDIZE, where=st):
        scaling = standardize(data.x)
        data = data._replace(x=scaling.x, source=f"{data.source}, x standardized")
        st.caption(
            f"The run uses standardized x′ = (x − {fmt(scaling.mean)}) / {fmt(scaling.scale)}, so w1, w2 below are "
            "the line's weights on x′."
        )
    st.caption(f"Data: {data.source}, N = {len(data.x)}.")
    stable_rate(line_design(data.x))
    batch = PAGE.draw(BATCH, where=st)
    batch_size = None if batch == "full" else int(batch)
    L = cache.mse(data)
    target = least_squares(data)
    start = tuple(float(PAGE.value(c)) for c in START_CONTROLS)
    run = fit(data, start, optimizer=name, lr=lr, steps=steps, batch_size=batch_size, seed=int(seed), **hyper)
    if run.status == "diverged":
        st.error(
            f"**Diverged at step {run.diverged_at}**: try a smaller learning rate. The path shown ends at the "
            "last finite point.",
            icon="💥",
        )
    m1, m2, m3 = st.columns(3)
    m1.metric("least squares (target)", f"w1 = {fmt(target[0])}, w2 = {fmt(target[1])}")
    m2.metric(f"after {run.steps_taken} steps", f"w1 = {fmt(run.points[-1][0])}, w2 = {fmt(run.points[-1][1])}")
    m3.metric("MSE", fmt(run.values[-1]), delta=float(f"{run.values[-1] - L(*target):.4g}"), delta_color="inverse")
    w = run.points[-1]
    st.latex(
        rf"\frac{{\partial L}}{{\partial w_1}}({fmt(w[0])}, {fmt(w[1])}) = {fmt(run.gradients[-1][0])},\quad "
        rf"\frac{{\partial L}}{{\partial w_2}} = {fmt(run.gradients[-1][1])}"
    )
    c1, c2 = st.columns(2) if not big else (st.container(), st.container())
    with c1:
        show(fit_figure(data, run, target, lecture=big), key=PAGE.key("fit"))
    with c2:
        show(
            race_figure(
                cache.grid(L, loss_domain(target, start), 51),
                {"batch " + batch: run},
                L.names,
                [tuple(target)],
                lecture=big,
            ),
            key=PAGE.key("surface"),
            on_pick=pick_handler(PAGE, [c.name for c in START_CONTROLS]),  # a click moves the start there
        )
        st.caption(f"Start w = ({fmt(start[0])}, {fmt(start[1])}): click the loss map to start somewhere else.")
    show(curves_figure({"MSE": run}, "loss", log=True, lecture=big), key=PAGE.key("loss"))
    if batch_size:
        st.caption(
            "Each mini-batch estimates the gradient from a few examples, so the path is noisy; on average it "
            "still heads for the least-squares solution, and the noise shrinks with a smaller η."
        )


TABS = dict(zip(TAB.options, [lesson, model], strict=True))
# Only the open tab computes; a switch reruns.
tabs = st.tabs(list(TABS), key=PAGE.prepare(TAB), on_change="rerun")
PAGE.drawn[TAB.name] = st.session_state[PAGE.key(TAB)]
for tab, render in zip(tabs, TABS.values(), strict=True):
    if tab.open:
        with tab:
            render()

code_snippet(descent_snippet(cache.function("(w1 + 2*w2 - 5)**2"), (1.0, 1.0), "gd", 0.1, 1))
finish(PAGE, slot)
