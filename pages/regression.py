"""Page: an ML loss — the lesson's one-example loss, then a line fitted to data by full-batch and mini-batch descent."""

from __future__ import annotations

import streamlit as st

from core import PRESETS, descend
from core.explain import explain_step
from core.function import to_latex
from core.numbers import delta, latex, number
from core.regression import DataError, fit, least_squares, loss_domain, make_dataset, read_csv
from core.snippets import descent_snippet
from ui import cache
from ui.page import begin, finish
from ui.render import code_snippet, show
from ui.state import Param, choice, integer
from ui.widgets import lecture, optimizer_controls, optimizer_params
from viz.descent import curves_figure, race_figure
from viz.regression import fit_figure

PAGE = "regression"
BATCHES = ["full", "1", "4", "8", "16"]
START = (0.0, 0.0)  # the model's weights before training
PARAMS = [
    *optimizer_params(PAGE),
    Param("batch", f"{PAGE}.batch", choice(BATCHES)),
    Param("seed", f"{PAGE}.seed", integer(0, 10_000)),
    Param("tab", f"{PAGE}.tab", choice(["The lesson's loss", "Fit a line to data"])),
]

slot = begin(
    PAGE,
    "📈 ML loss: linear regression",
    "Training a model is gradient descent on a loss. The model's weights w = (w₁, w₂) are the variables; the "
    "loss L(w) measures how wrong its predictions are. The partial derivative ∂L/∂w₁ says how to nudge w₁ so "
    "the predictions improve, and likewise for w₂.",
    PARAMS,
)
big = lecture()
name, lr, steps, hyper = optimizer_controls(PAGE, 0.05, default_steps=100)


def lesson() -> None:
    """The lesson's one-example loss, its gradient, and the hand step to (1.4, 1.8)."""
    loss = cache.function("(w1 + 2*w2 - y)**2", constants=(("y", 5.0),))
    symbolic = cache.function("(w1 + 2*w2 - y)**2")
    # The working on the left, the picture of the loss beside it, so both show in the first screen.
    words, picture = st.columns([1, 1])
    words.markdown(
        "One training example with inputs (1, 2) and target y, a model that predicts w₁·1 + w₂·2, and the "
        "squared error as the loss. Its gradient, treating y as a constant:"
    )
    words.latex(r"L = (w_1 + 2w_2 - y)^2")
    grad_tex = ",\\ ".join(to_latex(p) for p in symbolic.partials[:2])
    words.latex(rf"\nabla L = \left[{grad_tex}\right]")
    step = descend(loss, (1.0, 1.0), optimizer="gd", lr=0.1, steps=1)
    words.markdown("With **y = 5**, from **w₁ = w₂ = 1** and learning rate **η = 0.1**, one step of gradient descent:")
    words.code("\n".join(line for s in explain_step(step, 1, loss.names) for line in s.lines), language=None)
    c1, c2, c3 = words.columns(3)
    c1.metric("∇L(1, 1)", f"({number(step.gradients[0][0])}, {number(step.gradients[0][1])})")
    c2.metric("new w1", number(step.points[1][0]))
    c3.metric("new w2", number(step.points[1][1]))
    words.caption(
        f"L falls from {number(step.values[0])} to {number(step.values[1], scale=step.values[0])}: (1.4, 1.8) lies "
        "on the line w₁ + 2w₂ = 5, where the loss is zero."
    )
    preset = PRESETS["lesson_loss"]
    lesson_run = descend(loss, (1.0, 1.0), optimizer=name, lr=lr, steps=min(steps, 30), **hyper)
    with picture:
        show(
            race_figure(
                cache.grid(loss, preset.domain, 51),
                {"your optimizer": lesson_run},
                loss.names,
                [m for m, _ in preset.minima],
                lecture=big,
            ),
            key=f"{PAGE}.lesson_surface",
        )


def model() -> None:
    """A line fitted to data by full-batch or mini-batch descent on the mean squared error."""
    st.markdown(
        "A model ŷ = w₁·x + w₂ (slope w₁, intercept w₂) fitted by descent on the **mean squared error** L(w) "
        "over the N examples (its formula and gradient are below the figures)."
    )
    # The figures and numbers first, in slots above the data controls, so they show in the first screen.
    pictures, numbers = st.container(), st.container()
    left, right = st.columns(2)
    with left:
        st.session_state.setdefault(f"{PAGE}.seed", 0)
        seed = st.number_input("Dataset seed", 0, 10_000, step=1, key=f"{PAGE}.seed")
    with right:
        upload = st.file_uploader("…or upload a CSV with two numeric columns x, y", type=["csv"], key=f"{PAGE}.csv")
    data = make_dataset(seed=int(seed))
    if upload is not None:
        try:
            data = read_csv(upload.getvalue())
        except DataError as error:
            st.error(f"**CSV not used:** {error} The generated dataset stays in use.", icon="⚠️")
    st.caption(f"Data: {data.source}, N = {len(data.x)}.")
    st.session_state.setdefault(f"{PAGE}.batch", "full")
    batch = st.radio(
        "Batch",
        BATCHES,
        key=f"{PAGE}.batch",
        horizontal=True,
        format_func=lambda b: "full batch" if b == "full" else f"mini-batch of {b}",
    )
    batch_size = None if batch == "full" else int(batch)
    L = cache.mse(data)
    target = least_squares(data)
    run = fit(data, START, optimizer=name, lr=lr, steps=steps, batch_size=batch_size, seed=int(seed), **hyper)
    if run.status == "diverged":
        st.error(
            f"**Diverged at step {run.diverged_at}**: try a smaller learning rate. The path shown ends at the "
            "last finite point.",
            icon="💥",
        )
    # One metric per weight: a pair of long numbers in one box is cut off.
    best = L(*target)
    m1, m2, m3, m4, m5 = numbers.columns(5)
    m1.metric("w₁ (target)", number(target[0]))
    m2.metric(f"w₁ (step {run.steps_taken})", number(run.points[-1][0]))
    m3.metric("w₂ (target)", number(target[1]))
    m4.metric(f"w₂ (step {run.steps_taken})", number(run.points[-1][1]))
    m5.metric("MSE", number(run.values[-1]), delta=delta(run.values[-1] - best, scale=best), delta_color="inverse")
    c1, c2 = pictures.columns(2)
    with c1:
        show(fit_figure(data, run, target, lecture=big), key=f"{PAGE}.fit")
    with c2:
        show(
            race_figure(
                cache.grid(L, loss_domain(target, START), 51),
                {"full batch" if batch == "full" else f"mini-batch of {batch}": run},
                L.names,
                [tuple(target)],
                lecture=big,
            ),
            key=f"{PAGE}.surface",
        )
    st.markdown("The mean squared error and its gradient:")
    st.latex(r"L(w_1, w_2) = \frac{1}{N}\sum_{i=1}^{N} (w_1 x_i + w_2 - y_i)^2")
    st.latex(
        r"\frac{\partial L}{\partial w_1} = \frac{2}{N}\sum_i (w_1 x_i + w_2 - y_i)\,x_i,\qquad "
        r"\frac{\partial L}{\partial w_2} = \frac{2}{N}\sum_i (w_1 x_i + w_2 - y_i)"
    )
    w = run.points[-1]
    st.latex(
        rf"\frac{{\partial L}}{{\partial w_1}}({latex(w[0])}, {latex(w[1])}) = {latex(run.gradients[-1][0])},\quad "
        rf"\frac{{\partial L}}{{\partial w_2}} = {latex(run.gradients[-1][1])}"
    )
    show(curves_figure({"MSE": run}, "loss", log=True, lecture=big), key=f"{PAGE}.loss")
    if batch_size:
        st.caption(
            "Each mini-batch estimates the gradient from a few examples, so the path is noisy; on average it "
            "still heads for the least-squares solution, and the noise shrinks with a smaller η."
        )


TABS = {"The lesson's loss": lesson, "Fit a line to data": model}
# Only the open tab computes; a switch reruns.
for tab, render in zip(st.tabs(list(TABS), key=f"{PAGE}.tab", on_change="rerun"), TABS.values(), strict=True):
    if tab.open:
        with tab:
            render()

code_snippet(descent_snippet(cache.function("(w1 + 2*w2 - 5)**2"), (1.0, 1.0), "gd", 0.1, 1))
finish(PAGE, PARAMS, slot)
