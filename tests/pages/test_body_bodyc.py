"""Issue 28 item 4 on the curvature and regression pages: a sidebar control that only changes the charts and numbers
reruns the page's body and its link (ui.parts.body), not the page around it; what it shows follows exactly.

The page's top is counted through ``ui.page.begin``, which every full run of a page calls before its sidebar: a
body rerunning alone never calls it.
"""

from __future__ import annotations

import base64

import numpy as np
import pytest

import core.regression
import ui.page
from core.numbers import number
from core.regression import make_dataset
from tests.pages.conftest import assert_clean, keyed_figure, link_box, metrics, open_page, opened, texts

CURVATURE, REGRESSION = "pages/curvature.py", "pages/regression.py"
MODEL = "Fit a line to data"


@pytest.fixture
def page_runs(monkeypatch):
    """The pages that ran from their top (outside the body), by name."""
    calls = []
    real = ui.page.begin

    def counted(page, *args, **kwargs):
        calls.append(page.name)
        return real(page, *args, **kwargs)

    monkeypatch.setattr(ui.page, "begin", counted)
    return calls


def test_moving_p_reruns_only_the_hessian_tab_and_its_numbers_follow(page_runs):
    at = open_page(CURVATURE, {"f": "lesson_quadratic", "x0": "0", "y0": "2"})
    assert r"\nabla f(P) = \begin{pmatrix} 4 \\ 4 \end{pmatrix}" in texts(at)  # (6x + 2y, 2x + 2y) at (0, 2)
    ring = keyed_figure(at, "curvature.hessian")
    page_runs.clear()
    at.sidebar.slider(key="curvature.x0").set_value(1.0).run()
    assert_clean(at)
    assert page_runs == []  # the function picker and the sidebar above the body did not run again
    text = texts(at)
    assert r"\nabla f(P) = \begin{pmatrix} 10 \\ 6 \end{pmatrix}" in text  # at (1, 2): the lesson's partials
    assert metrics(at)["λ₁"] == "1.172" and metrics(at)["λ₂"] == "6.828"  # H is constant: 4 ∓ 2√2
    assert keyed_figure(at, "curvature.hessian")["data"] != ring["data"]  # the axes moved with P
    assert at.sidebar.slider(key="curvature.x0").value == 1.0  # the sidebar is still the whole page's
    assert at.query_params["x0"] == "1" and "x0=1&" in link_box(at, "curvature")


def test_a_tab_setting_in_the_sidebar_reruns_only_the_body_with_its_new_value(page_runs):
    at = open_page(CURVATURE, {"tab": "Condition number", "kappa": "10", "angle": "0", "rsteps": "200"})
    page_runs.clear()
    at.sidebar.select_slider(key="curvature.kappa").set_value(100.0).run()
    assert_clean(at)
    assert page_runs == []
    table = next(m.value for m in at.markdown if m.value.startswith("| run | predicted"))
    assert "| GD (η = 0.0198) | 0.9802 | 0.9802 |" in table  # η* = 2/(1 + 100), ρ = 99/101
    assert metrics(at)["κ"] == "100"
    assert at.query_params["kappa"] == "100.0"
    at.sidebar.radio(key="curvature.tuning").set_value("manual").run()  # another setting of the same tab
    assert_clean(at)
    assert page_runs == []
    table = next(m.value for m in at.markdown if m.value.startswith("| run | predicted"))
    assert "| GD (η = 0.01) | 0.9900 | 0.9900 |" in table  # η·λmax = 1: η = 1/100, ρ = 1 − η·λmin
    assert at.query_params["tuning"] == "manual"


def test_p_reruns_the_newton_tab_whose_picked_scene_starts_from_it(page_runs):
    query = {"tab": "Newton's method", "scene": "picked", "f": "lesson_quadratic", "nsteps": "1", "x0": "0", "y0": "-2"}
    at = open_page(CURVATURE, query)
    table = next(m.value for m in at.markdown if m.value.startswith("| run | ends at"))
    assert "| Gradient descent (η = 0.1) | (0.4, −1.6) |" in table  # ∇f(0, −2) = (−4, −4)
    page_runs.clear()
    at.sidebar.slider(key="curvature.x0").set_value(1.0).run()
    assert_clean(at)
    assert page_runs == []
    assert r"\text{start} = (1, −2)" in texts(at)
    table = next(m.value for m in at.markdown if m.value.startswith("| run | ends at"))
    assert "| Gradient descent (η = 0.1) | (0.8, −1.8) | 2.28 | 2.332 | not stationary |" in table  # ∇f = (2, −2)
    assert "| Damped Newton | (0.5, −1) | 0.75 | 1.414 | not stationary |" in table  # half of Newton's step to 0
    assert at.query_params["x0"] == "1"


def reference_fit(lr: float, steps: int, seed: int = 0) -> np.ndarray:
    """Full-batch gradient descent on the MSE of the generated data, written out: ∇L = (2/N)·(Σ rᵢxᵢ, Σ rᵢ)."""
    data = make_dataset(seed=seed)
    w = np.zeros(2)
    for _ in range(steps):
        r = w[0] * data.x + w[1] - data.y
        w = w - lr * np.array([2 * np.sum(r * data.x), 2 * np.sum(r)]) / len(data.x)
    return w


def test_the_steps_slider_reruns_only_the_fit_and_its_numbers_follow(page_runs, monkeypatch):
    compared = []
    real = core.regression.compare_batches
    monkeypatch.setattr(core.regression, "compare_batches", lambda *a, **k: compared.append(a) or real(*a, **k))
    at = open_page(REGRESSION, {"tab": MODEL, "opt": "gd", "lr": "0.05", "steps": "100"})
    w = reference_fit(0.05, 100)
    assert (metrics(at)["w₁ (step 100)"], metrics(at)["w₂ (step 100)"]) == (number(w[0]), number(w[1]))
    page_runs.clear()
    compared.clear()
    at.sidebar.slider(key="regression.steps").set_value(40).run()
    assert_clean(at)
    assert page_runs == []  # the optimizer controls and the sidebar above the body did not run again
    assert compared == []  # the batch sizes' comparison does not follow the steps: kept, not run again
    w = reference_fit(0.05, 40)
    assert (metrics(at)["w₁ (step 40)"], metrics(at)["w₂ (step 40)"]) == (number(w[0]), number(w[1]))
    path = next(d for d in keyed_figure(at, "regression.surface")["data"] if d.get("name") == "full batch")
    xs, ys = (np.frombuffer(base64.b64decode(path[a]["bdata"]), dtype=path[a]["dtype"]) for a in "xy")
    assert len(xs) == 41 and (xs[-1], ys[-1]) == pytest.approx(tuple(w))  # the path on the map: 40 steps
    assert at.sidebar.slider(key="regression.steps").value == 40
    assert at.query_params["steps"] == "40" and "steps=40" in link_box(at, "regression")


def test_the_learning_rate_reruns_the_lesson_tab_and_its_code_with_the_new_eta(page_runs):
    at = open_page(REGRESSION)
    assert "lr = 0.1" in opened(at, "regression.code")  # "Show the code" open: it is written on every rerun
    page_runs.clear()
    at.sidebar.number_input(key="regression.lr").set_value(0.05).run()
    assert_clean(at)
    assert page_runs == []
    # r₀ = 1 + 2 − 5 = −2, then r ← (1 − 10η)·r = r/2 each step.
    assert at.dataframe[0].value["r = w₁ + 2w₂ − 5"].tolist()[:4] == ["−2", "−1", "−0.5", "−0.25"]
    assert any("lr = 0.05" in c.value for c in at.code)  # the code below the tabs follows η too
    assert at.query_params["lr"] == "0.05"


def test_another_optimizer_reruns_the_whole_page_with_its_hyperparameters(page_runs):
    at = open_page(REGRESSION, {"tab": MODEL, "opt": "gd", "lr": "0.05", "steps": "20"})
    assert all(w.key != "regression.momentum" for w in at.sidebar.slider)  # plain GD has no hyperparameter
    page_runs.clear()
    at.sidebar.selectbox(key="regression.opt").set_value("momentum").run()
    assert_clean(at)
    assert "regression" in page_runs  # the sidebar must show momentum's hyperparameter and its update rule
    assert at.sidebar.slider(key="regression.momentum").value == 0.9  # momentum μ, from the optimizer table
    assert any(r"b_t = \mu\, b_{t-1} + g" in m.value for m in at.sidebar.latex)  # and its rule, in the sidebar
    assert at.query_params["opt"] == "momentum"
