"""Page: curvature — the Hessian at P, the condition number and convergence rates, Newton's method, saddle escape."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import streamlit as st

from core import PRESETS, descend
from core.curvature import (
    SADDLES,
    curvature_at,
    escape_runs,
    from_condition,
    lr_sweep,
    matrix_latex,
    measured_rate,
    model_grid,
    optimal_gd,
    optimal_momentum,
    predicted_rate,
    saddle_start,
    stable_lr,
    steps_near,
    tuned_nesterov,
    window,
)
from core.function import to_latex
from core.grid import evaluate_grid
from core.numbers import number
from core.optimizers import SECOND_ORDER, Optimizer
from ui import cache, formula
from ui.controls import Control, Page, choice, number_box, slider
from ui.live import curvature_live
from ui.page import begin, finish
from ui.parts import body, drawn_by_the_body, rerunning_the_body, tabs
from ui.render import show
from ui.runs import race
from ui.widgets import function_picker, hyper_control, lecture, pick_handler, point, point_controls
from viz.curvature import distance_figure, hessian_figure, lr_sweep_figure, paths_figure, rates_figure, taylor_figure
from viz.descent import curves_figure

PAGE = Page("curvature")
KAPPAS = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0]
OFFSETS = [0.0, 1e-9, 1e-6, 1e-3, 1e-1]
NOISES = [0.0, 0.001, 0.01, 0.05, 0.1, 0.5]
SCENES = {
    "quadratic": "One step on a quadratic",
    "rosenbrock": "Race gradient descent on Rosenbrock",
    "saddle": "Pulled to a saddle",
    "picked": "Your function, from P",
}
TUNINGS = {"optimal": "Theory's best η and μ", "manual": "Choose η and μ"}


def _newton_controls(entry: Optimizer) -> list[Control]:
    """Inputs for a Newton variant's hyperparameters, from its entry in the optimizer table."""
    return [hyper_control(h).replace(label=f"{entry.label}: {h.label}") for h in entry.hypers]


# Every control of the page, by the tab that draws it; the link reads and writes them all.
TAB = choice("tab", "View", ["Hessian at P", "Condition number", "Newton's method", "Saddle escape"], "Hessian at P")
CONTROLS: dict[str, list[Control]] = {
    "Hessian at P": [],
    "Condition number": [
        choice("kappa", "Condition number κ = λmax/λmin (λmin = 1)", KAPPAS, 10.0, kind="select_slider"),
        slider("angle", "Rotation of the λmax axis (degrees)", 0, 180, 5, 30, integer=True),
        choice("tuning", "Step sizes", list(TUNINGS), "optimal", kind="radio", labels=TUNINGS.get),
        slider("eta_lmax", "η · λmax (manual)", 0.05, 2.2, 0.05, 1.0),
        slider("mu", "momentum μ (manual)", 0.0, 0.99, 0.01, 0.5),
        slider("rsteps", "Steps", 10, 300, 10, 100, integer=True),
    ],
    "Newton's method": [
        choice("scene", "Scene", list(SCENES), "quadratic", kind="radio", labels=SCENES.get),
        slider("nsteps", "Steps", 1, 60, 1, 20, integer=True),
        slider("eta", "Damped Newton: step fraction η", 0.05, 1.0, 0.05, 0.5),
        *(c for entry in SECOND_ORDER.values() for c in _newton_controls(entry)),
    ],
    "Saddle escape": [
        choice("saddle", "Function", list(SADDLES), "double_well", labels=lambda k: SADDLES[k].name),
        choice("offset", "Start's offset ε off the saddle's stable axis", OFFSETS, 1e-6, kind="select_slider"),
        slider("slr", "Learning rate η", 0.01, 0.5, 0.01, 0.1),
        slider("ssteps", "Steps", 10, 400, 10, 150, integer=True),
        slider("smu", "momentum μ", 0.0, 0.99, 0.01, 0.9),
        choice("noise", "Gradient noise σ", NOISES, 0.01, kind="select_slider"),
        number_box("seed", "Noise seed", 0, 9999, 1, 0, integer=True),
    ],
}


slot = begin(
    PAGE,
    "The gradient says which way is down; the **Hessian** H, the matrix of second partials ∂²f/∂xᵢ∂xⱼ, says how "
    "the slope itself changes. Its eigenvalues are the curvatures along its eigenvectors: they decide what kind "
    "of point P is, how fast gradient descent can go, and where Newton's method jumps.",
)
picked = function_picker(PAGE)
f, names = picked.f, picked.names
big = lecture()
open_tab = PAGE.value(TAB)


def sidebar_controls() -> None:
    """The open tab's settings: they rerun only the tabs (ui.parts.body), which read them afresh."""
    if CONTROLS[open_tab]:
        st.sidebar.subheader(open_tab)
    for control in CONTROLS[open_tab]:
        PAGE.draw(control)


drawn_by_the_body(PAGE, lambda: point_controls(PAGE, picked, labels=("P", "P")))  # the maps move P
rerunning_the_body(PAGE, sidebar_controls)
for tab_name, controls in CONTROLS.items():
    for control in controls if tab_name != open_tab else ():
        PAGE.value(control)  # the closed tabs' controls keep their values and their place in the link


def settings() -> dict[str, Any]:
    """The open tab's settings as they are now (only a switch of tab, a whole-page run, opens another)."""
    return {c.name: PAGE.value(c) for c in CONTROLS[open_tab]}


def hessian_tab(p: tuple[float, float]) -> None:
    """H at P, its eigen-axes on the map, the classification, and f beside its Taylor model."""
    x0, y0 = p
    c = curvature_at(f, (x0, y0))
    if not c.defined:
        formula.hessian(f, PAGE.key("hessian_tex"))
        st.warning(
            f"f or its second partials are undefined at P = ({number(x0)}, {number(y0)}): move P.",
            icon=":material/warning:",
        )
        return
    local = window(picked.domain, (x0, y0))
    model = model_grid(c, local, 41)  # the quadratic model near P: its level curves on the map, its surface below
    grid = cache.grid(f, picked.domain, 61)
    # The map first, so it shows in the first screen; the matrix and what it says beside it.
    left, right = st.columns([3, 2]) if not big else (st.container(), st.container())
    with left:
        show(
            hessian_figure(grid, c, names, model, lecture=big, ring=True),
            key=PAGE.key("hessian"),
            on_pick=pick_handler(PAGE),  # a click moves P there; a drag of its ring is previewed in the browser
            live=curvature_live(f, PAGE, (x0, y0), ((grid.xs[0], grid.xs[-1]), (grid.ys[0], grid.ys[-1]))),
        )
        st.caption(
            "The axes through P point along H's eigenvectors, their lengths ∝ |λ|: solid blue curves up, dashed "
            "orange curves down. The dotted white lines are level curves of the quadratic model q near P."
        )
    with right:
        formula.hessian(f, PAGE.key("hessian_tex"))
        st.latex(rf"H(P) = {matrix_latex(c.hessian)},\quad \nabla f(P) = {matrix_latex(c.gradient)}")
        m1, m2 = st.columns(2)
        m1.metric("λ₁", number(c.eigenvalues[0]))
        m2.metric("λ₂", number(c.eigenvalues[1]))
        st.metric("κ = |λ|max/|λ|min", number(c.condition_number, 4))
        # A row of its own: "on a slope" or "degenerate" in half the column would be cut.
        st.metric(
            "P is",
            c.kind if c.stationary else "on a slope",
            help="Only where ∇f = 0 is P a minimum, maximum or saddle.",
        )
        vectors = ", ".join(
            f"v{'₁₂'[i]} = ({number(v[0], 4)}, {number(v[1], 4)})" for i, v in enumerate(c.eigenvectors.T)
        )
        if c.stationary:
            st.markdown(f"∇f(P) = 0, so P is a stationary point: a **{c.kind}** by the eigenvalue signs. {vectors}.")
        else:
            st.markdown(
                f"∇f(P) ≠ 0, so P is not a stationary point, but the eigenvalue signs still say how f bends here: "
                f"like around a **{c.kind}**. {vectors}."
            )
    show(
        taylor_figure(evaluate_grid(f, local, 41), model, c, names, lecture=big),
        key=PAGE.key("taylor"),
    )


def condition_tab(values: dict[str, Any]) -> None:
    """GD, momentum and Nesterov on a quadratic with chosen κ: predicted against measured rates, and the η sweep."""
    st.caption("This view builds its own quadratic from the controls in the sidebar; the function above is not used.")
    q = from_condition(values["kappa"], values["angle"])
    e, top = q.eigenvalues, q.eigenvalues[-1]
    st.latex(
        rf"f(\theta) = \tfrac12\,\theta^\top A\,\theta,\quad A = {matrix_latex(q.matrix)},\quad "
        rf"\lambda_{{\min}} = {number(e[0], 4)},\ \lambda_{{\max}} = {number(e[1], 4)}"
    )
    best_lr, best_rate = optimal_gd(e)
    if values["tuning"] == "optimal":
        hb_lr, hb_mu, _ = optimal_momentum(e)
        settings = {"GD": ("gd", best_lr, 0.0), "Momentum": ("momentum", hb_lr, hb_mu)}
        n_lr, n_mu, _ = tuned_nesterov(e)
        settings["Nesterov"] = ("nesterov", n_lr, n_mu)
    else:
        lr, mu = values["eta_lmax"] / top, values["mu"]
        settings = {"GD": ("gd", lr, 0.0), "Momentum": ("momentum", lr, mu), "Nesterov": ("nesterov", lr, mu)}
    m1, m2, m3 = st.columns(3)
    m1.metric("κ", number(q.kappa, 4))
    m2.metric("largest stable η = 2/λmax", number(stable_lr(e), 4))
    m3.metric("best GD η* = 2/(λmin+λmax)", number(best_lr, 4))
    steps = int(values["rsteps"])
    runs, rates, rows = {}, {}, []
    for label, (method, lr, mu) in settings.items():
        hyper = {"momentum": mu} if method != "gd" else {}
        t = descend(q.f, (2.0, 1.0), method, lr, steps, **hyper)
        full = f"{label} (η = {number(lr, 3)}{f', μ = {number(mu, 3)}' if method != 'gd' else ''})"
        full += " — diverged" if t.status == "diverged" else ""
        runs[full], rates[full] = t, predicted_rate(method, e, lr, mu)
        measured = measured_rate(t.values, max(1, t.steps_taken // 4))
        rows.append(f"| {full} | {rates[full]:.4f} | {measured:.4f} |")
    show(rates_figure(runs, rates, lecture=big), key=PAGE.key("rates"))
    st.markdown("| run | predicted ρ | measured ρ (last quarter of the steps) |\n|---|---|---|\n" + "\n".join(rows))
    st.caption(
        "ρ is the factor the error shrinks by per step; the loss, quadratic in the error, shrinks by ρ². Gradient "
        "descent: ρ = max|1 − ηλᵢ|. Momentum and Nesterov: the spectral radius of their 2×2 step matrix per "
        "eigenvalue; Polyak's heavy ball η = 4/(√λmax + √λmin)², μ = ((√κ − 1)/(√κ + 1))² gives ρ = (√κ − 1)/(√κ + 1)."
    )
    grid = cache.grid(q.f, ((-2.5, 2.5), (-2.5, 2.5)), 61)
    show(
        paths_figure(grid, runs, ("x", "y"), {"minimum": [(0.0, 0.0)]}, lecture=big),
        key=PAGE.key("condition_paths"),
        about=q.f,
    )
    lrs = np.linspace(0.05, 2.3, 24) / top
    predicted, measured = lr_sweep(q, lrs)
    show(
        lr_sweep_figure(lrs, predicted, measured, stable_lr(e), best_lr, settings["GD"][1], lecture=big),
        key=PAGE.key("sweep"),
    )
    st.caption(f"At η* the best gradient descent can do is ρ = (κ − 1)/(κ + 1) = {best_rate:.4f}.")


def newton_tab(p: tuple[float, float], values: dict[str, Any]) -> None:
    """The Newton variants against gradient descent in one of the scenes."""
    scene = values["scene"]
    if scene == "picked":
        g, start, domain = f, p, picked.domain
        gd_lr = picked.preset.lr if picked.preset else 0.05
        minima = [m for m, _ in picked.preset.minima] if picked.preset else []
        saddles: list = []
    elif scene == "saddle":
        s = SADDLES["double_well"]
        g, start, domain, gd_lr, minima, saddles = (
            cache.function(s.text),
            (0.3, 1.0),
            s.domain,
            0.1,
            s.minima,
            [s.point],
        )
    else:
        preset = PRESETS["ill_conditioned" if scene == "quadratic" else "rosenbrock"]
        g, start, domain, gd_lr = cache.function(preset.text), preset.start, preset.domain, preset.lr
        minima, saddles = [m for m, _ in preset.minima], []
    chosen = {f"Gradient descent (η = {number(gd_lr)})": ("gd", gd_lr, {})}
    for name, entry in SECOND_ORDER.items():
        # η scales the step of the variants whose rule has one (damped Newton); the others take the full step.
        chosen[entry.label] = (name, float(values["eta"]), {h.name: float(values[h.name]) for h in entry.hypers})
    runs = race(g, start, chosen, int(values["nsteps"]))
    st.latex(rf"f = {to_latex(g.expr)},\quad \text{{start}} = ({number(start[0])}, {number(start[1])})")
    with st.expander("The update rules"):
        for entry in SECOND_ORDER.values():
            st.markdown(f"**{entry.label}** — {entry.about}")
            for line in entry.rule_lines:
                st.latex(line)
    marks = {"minimum": minima, "saddle": saddles}
    show(
        paths_figure(cache.grid(g, domain, 61), runs, g.names, marks, lecture=big),
        key=PAGE.key("newton_paths"),
        about=g,
    )
    positive = all((t.values > 0).all() for t in runs.values())
    show(curves_figure(runs, "loss", log=positive, lecture=big), key=PAGE.key("newton_loss"))
    show(curves_figure(runs, "grad_norm", log=True, lecture=big), key=PAGE.key("newton_grad"))
    for label, t in runs.items():
        if t.status == "diverged":
            where = "at the start: move P" if t.diverged_at == 0 else f"at step {t.diverged_at}"
            st.warning(
                f"{label}: f, its gradient or its Hessian is undefined or blew up {where}.", icon=":material/error:"
            )
    rows = []
    for label, t in runs.items():
        end = curvature_at(g, t.points[-1])
        kind = end.kind if end.stationary else "not stationary"
        where = "(" + ", ".join(number(v) for v in t.points[-1]) + ")"
        rows.append(f"| {label} | {where} | {number(t.values[-1])} | {number(t.grad_norms[-1])} | {kind} |")
    st.markdown("| run | ends at | f | ∣∇f∣ | the end point is |\n|---|---|---|---|---|\n" + "\n".join(rows))
    st.caption(
        "Newton solves ∇f = 0 for the local quadratic model, so it converges to whatever stationary point is near: "
        "in one step on a quadratic, to a saddle just as readily as to a minimum. The line search refuses uphill "
        "steps but keeps Newton's direction; the positive-definite fix flips negative curvature and walks away."
    )


def saddle_tab(values: dict[str, Any]) -> None:
    """GD, momentum and noisy GD from beside a saddle: who stalls and who escapes."""
    st.caption("This view uses its own functions with a known saddle, chosen in the sidebar.")
    s = SADDLES[values["saddle"]]
    g = cache.function(s.text)
    half = 0.25 * (s.domain[0][1] - s.domain[0][0]) / 2
    start = saddle_start(g, s.point, half, float(values["offset"]))
    runs = escape_runs(
        g,
        start,
        float(values["slr"]),
        int(values["ssteps"]),
        float(values["smu"]),
        float(values["noise"]),
        int(values["seed"]),
    )
    labels = {
        "gd": "Gradient descent",
        "momentum": f"Momentum μ = {number(values['smu'])}",
        "noisy": f"GD + noise σ = {number(values['noise'])}",
    }
    runs = {labels[k]: t for k, t in runs.items()}
    marks = {"minimum": s.minima, "saddle": [s.point]}
    show(
        paths_figure(cache.grid(g, s.domain, 61), runs, g.names, marks, lecture=big),
        key=PAGE.key("saddle_paths"),
        about=g,
    )
    st.latex(rf"f = {to_latex(g.expr)},\quad \text{{saddle}}\ S = ({number(s.point[0])}, {number(s.point[1])})")
    radius = 0.1 * half
    columns = st.columns(len(runs))
    for column, (label, t) in zip(columns, runs.items(), strict=True):
        column.metric(f"{label}: steps within {number(radius)} of S", steps_near(t, s.point, radius))
    show(distance_figure(runs, s.point, lecture=big), key=PAGE.key("saddle_distance"))
    st.caption(
        "The start sits on the saddle's uphill-curving axis, ε off it. Descent slides into S along that axis, where "
        "the gradient vanishes; only the ε part grows, by (1 + η|λ|) per step, so a tiny ε means a long stall. "
        "Momentum multiplies that growth; noise supplies an ε of its own, even when ε = 0."
    )


def charts_and_numbers() -> None:
    """The open tab, from P and the settings as they are now: it reruns alone when they move (ui.parts.body)."""
    x0, y0 = point(PAGE)
    p, values = (x0, y0), settings()
    renders = [partial(hessian_tab, p), partial(condition_tab, values), partial(newton_tab, p, values)]
    tabs(PAGE, TAB, [*renders, partial(saddle_tab, values)])


body(PAGE, charts_and_numbers)

finish(PAGE, slot)
