"""The live-drag spec each map sends (ui.live): f and ∇f as the page computes them, the sliders' grid, the traces
the preview stands in for, and the optimizer as the page runs it."""

from __future__ import annotations

import pytest

from core import parse
from core.optimizers import FIRST_ORDER, OPTIMIZERS
from core.portable import evaluate
from tests.pages.conftest import assert_clean, charts, figures, open_page
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
