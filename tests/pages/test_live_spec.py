"""The live-drag spec each map sends (ui.live): f and ∇f as the page computes them, the sliders' grid, the traces
the preview stands in for, and the optimizer as the page runs it."""

from __future__ import annotations

import pytest

from core import parse
from core.network import build, initial_weights
from core.optimizers import FIRST_ORDER, OPTIMIZERS
from core.portable import evaluate
from tests.pages.conftest import assert_clean, charts, figures, keyed_figure, open_page
from ui.chart import read_payload


def payload(at, key: str) -> dict:
    return next(read_payload(e.proto.bytes) for e in charts(at) if e.proto.id.endswith(key))


def test_the_gradient_map_sends_f_and_its_gradient_the_grid_and_what_the_preview_replaces():
    at = open_page("pages/gradient.py", {"f": "lesson_quadratic", "x0": "0.5", "y0": "-1", "theta": "45"})
    assert_clean(at)
    live = payload(at, "gradient.contour")["live"]
    assert live["kind"] == "gradient" and live["subplot"] == "xy"
    assert live["point"] == [0.5, -1.0]
    assert live["grid"] == [{"low": -3.0, "high": 3.0, "step": 0.05}] * 2
    assert live["bounds"] == [-3.0, 3.0, -3.0, 3.0]
    assert live["theta"] == pytest.approx(0.7853981633974483)
    assert evaluate(live["tree"], [1.0, 2.0]) == [11.0, 10.0, 6.0]  # the lesson's f = 3x² + 2xy + y² and ∇f
    names = [t.get("name", "") for t in figures(at)[0]["data"]]
    for prefix in live["hide"]:  # each names a trace of the map
        assert any(name.startswith(prefix) for name in names), prefix


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_the_descent_map_sends_the_optimizer_as_the_page_runs_it(optimizer):
    at = open_page("pages/descent.py", {"f": "himmelblau", "opt": optimizer, "lr": "0.01", "steps": "30"})
    assert_clean(at)
    live = payload(at, "descent.playback")["live"]
    if optimizer not in FIRST_ORDER:
        assert live is None  # Newton's variants: the pick on release only, no preview
        return
    assert (live["kind"], live["optimizer"], live["lr"], live["steps"]) == ("descent", optimizer, 0.01, 30)
    assert live["hyper"] == OPTIMIZERS[optimizer].defaults
    f = parse("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    value, grad = f.value_and_grad(1.0, 2.0)
    assert evaluate(live["tree"], [1.0, 2.0]) == [float(value), *map(float, grad)]
    names = [t.get("name", "") for t in figures(at)[0]["data"]]
    for prefix in live["hide"]:
        assert any(name.startswith(prefix) for name in names), prefix


def test_a_function_of_more_than_two_variables_has_no_map_and_no_spec():
    at = open_page("pages/descent.py", {"f": "custom", "expr": "x^2 + y^2 + z^2"})
    assert_clean(at)
    assert all(read_payload(e.proto.bytes)["live"] is None for e in charts(at))


def test_the_regression_loss_map_sends_the_full_batch_run_and_no_spec_for_mini_batches():
    query = {"tab": "Fit a line to data", "opt": "momentum", "lr": "0.05", "steps": "20"}
    at = open_page("pages/regression.py", query)
    assert_clean(at)
    live = payload(at, "regression.surface")["live"]
    assert (live["kind"], live["optimizer"], live["steps"]) == ("descent", "momentum", 20)
    assert live["hide"] == ["full batch"] and live["styles"] == {"point": "full batch end", "path": "full batch"}
    assert live["grid"] == [{"low": -100.0, "high": 100.0, "step": 0.01}] * 2
    shapes = figures(at)[1]["layout"]["shapes"]
    assert [(s["name"], s["xanchor"], s["yanchor"]) for s in shapes] == [("handle", *live["point"])]
    at = open_page("pages/regression.py", {**query, "batch": "8"})
    assert payload(at, "regression.surface")["live"] is None


def test_the_partials_map_sends_f_its_partials_and_the_cuts_it_replaces():
    at = open_page("pages/partials.py", {"f": "lesson_quadratic", "x0": "1", "y0": "2"})
    assert_clean(at)
    live = payload(at, "partials.map")["live"]
    assert (live["kind"], live["point"], live["bounds"]) == ("partials", [1.0, 2.0], [-3.0, 3.0, -3.0, 3.0])
    assert evaluate(live["tree"], [1.0, 2.0]) == [11.0, 10.0, 6.0]  # f(P), ∂f/∂x = 6x + 2y, ∂f/∂y = 2x + 2y
    data = keyed_figure(at, "partials.map")["data"]
    names = [t["name"] for t in data if t.get("x") != [None]]  # drawn; then the cuts' legend keys (viz.style.keyed)
    assert names == ["f", "cut y = 2: slope ∂f/∂x", "cut x = 1: slope ∂f/∂y", "P"]
    assert [t["name"] for t in data if t.get("x") == [None]] == names[1:3]
    assert [n for n in names if any(n.startswith(p) for p in live["hide"])] == names[1:]


def test_the_total_derivative_map_sends_the_path_and_only_x_is_dragged():
    at = open_page("pages/total_derivative.py", {"f": "lesson_sin", "g": "x^2", "x0": "0.5"})
    assert_clean(at)
    live = payload(at, "total.map")["live"]
    assert (live["kind"], live["point"]) == ("path", [0.5, 0.25])
    assert len(live["grid"]) == 1  # x₀'s slider: y follows the path
    assert evaluate(live["path"], [0.5]) == [0.25, 1.0]  # g = x², dg/dx = 2x
    x, y = 0.5, 0.25
    f = parse("x^2*y + sin(x*y)")
    value, grad = f.value_and_grad(x, y)
    assert evaluate(live["tree"], [x, y]) == [float(value), *map(float, grad)]
    assert [s["xanchor"] for s in keyed_figure(at, "total.map")["layout"]["shapes"]] == [0.5]


def test_the_curvature_map_sends_the_hessians_tree():
    at = open_page("pages/curvature.py", {"f": "rosenbrock", "x0": "1", "y0": "1"})
    assert_clean(at)
    live = payload(at, "curvature.hessian")["live"]
    assert live["kind"] == "curvature" and live["point"] == [1.0, 1.0]
    # Rosenbrock (1 − x)² + 100(y − x²)²: H = [[2 − 400y + 1200x², −400x], [−400x, 200]], at (1, 1):
    assert evaluate(live["hessian"], [1.0, 1.0]) == [802.0, -400.0, -400.0, 200.0]
    names = [t["name"] for t in keyed_figure(at, "curvature.hessian")["data"]]
    assert {p for p in live["hide"] if any(n.startswith(p) for n in names)} == set(live["hide"])
    at = open_page("pages/curvature.py", {"f": "custom", "expr": "abs(x) + y^2"})
    live = payload(at, "curvature.hessian")["live"]
    assert live["hessian"] is None and live["tree"] is not None  # H holds δ(x): P and ∇f only, H on release


def test_the_backprop_map_sends_the_network_and_the_start_it_drags():
    at = open_page("pages/backprop.py", {"model": "2-2-1", "wx": "v1", "wy": "c", "opt": "momentum", "trained": "3"})
    assert_clean(at)
    live = payload(at, "backprop.surface")["live"]
    net = build("2-2-1", "sigmoid", "squared")
    w0 = initial_weights(net, 0)
    assert live["kind"] == "network" and live["pair"] == [6, 8] and live["names"] == ["v1", "c"]
    assert live["start"] == list(w0) and live["point"] == [w0[6], w0[8]]
    assert (live["optimizer"], live["steps"], live["lr"]) == ("momentum", 3, 0.5)
    assert live["network"]["weights"] == list(net.weights) and len(live["network"]["t"]) == 12
    shapes = keyed_figure(at, "backprop.surface")["layout"]["shapes"]
    assert [(s["xanchor"], s["yanchor"]) for s in shapes] == [(w0[6], w0[8])]  # the ring on the start
    # A pick moves the start of training in those two weights (on the boxes' grid); the others stay the seed's.
    at.sidebar.number_input(key="backprop.sx").set_value(1.25).run()
    assert payload(at, "backprop.surface")["live"]["start"] == [*w0[:6], 1.25, w0[7], w0[8]]
