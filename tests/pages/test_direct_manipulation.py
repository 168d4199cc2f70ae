"""A click or a drag on a figure, as the chart component reports it, moves the page's point like a slider does."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from tests.pages.conftest import assert_clean, charts, figures, open_page, send_event
from ui.chart import read_payload


def point(at, page: str) -> tuple[float, float]:
    return at.slider(key=f"{page}.x0").value, at.slider(key=f"{page}.y0").value


def test_a_click_on_the_gradient_map_sets_p_and_the_link():
    at = open_page("pages/gradient.py", {"f": "lesson_quadratic", "x0": "0.5", "y0": "0.5"})
    send_event(at, "gradient.contour", "pick", {"x": 1.0, "y": -2.0, "via": "click"})
    assert_clean(at)
    assert point(at, "gradient") == (1.0, -2.0)
    assert (at.query_params["x0"], at.query_params["y0"]) == ("1", "-2")
    p = next(t for t in figures(at)[0]["data"] if t.get("name") == "P")
    assert (p["x"], p["y"]) == ([1.0], [-2.0])


def test_a_pick_lands_on_the_sliders_grid_and_inside_the_domain():
    at = open_page("pages/gradient.py", {"f": "lesson_quadratic"})
    send_event(at, "gradient.contour", "pick", {"x": 1.013, "y": 2.4899, "via": "drag"})
    assert point(at, "gradient") == (1.0, 2.5)  # the ±3 domain's grid is 0.05
    send_event(at, "gradient.surface", "pick", {"x": -7.0, "y": 0.3337, "via": "surface"})
    assert point(at, "gradient") == (-3.0, 0.35)
    send_event(at, "gradient.contour", "pick", {"x": 1e308, "y": -1e308, "via": "click"})
    assert point(at, "gradient") == (3.0, -3.0)


@pytest.mark.parametrize(
    "event", [{"x": "1", "y": 2.0}, {"x": float("nan"), "y": 0.0}, {"y": 1.0}, {"x": True, "y": 1.0}, "1,2", None]
)
def test_a_malformed_pick_changes_nothing(event):
    at = open_page("pages/gradient.py", {"f": "lesson_quadratic", "x0": "0.5", "y0": "0.5"})
    send_event(at, "gradient.contour", "pick", event)
    assert_clean(at)
    assert point(at, "gradient") == (0.5, 0.5)


def test_a_click_on_the_partials_surface_sets_p():
    at = open_page("pages/partials.py", {"f": "lesson_quadratic"})
    send_event(at, "partials.surface", "pick", {"x": -1.2, "y": 0.8, "via": "surface"})
    assert_clean(at)
    assert point(at, "partials") == (-1.2, 0.8)


def test_a_click_on_the_total_derivative_curves_sets_x0():
    at = open_page("pages/total_derivative.py", {"f": "lesson_quadratic"})
    send_event(at, "total.curves", "pick", {"x": 0.5, "y": 123.0, "via": "click"})
    assert_clean(at)
    assert at.slider(key="total.x0").value == 0.5


def test_a_click_on_the_descent_map_moves_the_start_and_the_run():
    at = open_page("pages/descent.py", {"f": "lesson_loss", "opt": "gd", "lr": "0.1", "steps": "10"})
    send_event(at, "descent.playback", "pick", {"x": 2.0, "y": -1.0, "via": "click"})
    assert_clean(at)
    assert point(at, "descent") == (2.0, -1.0)
    assert any("Step 1: θ = (w1, w2) = (2, −1)" in m.value.replace("\\", "") for m in at.markdown)


def test_the_figures_step_slider_sets_the_explained_step():
    at = open_page("pages/descent.py", {"f": "lesson_loss", "opt": "gd", "lr": "0.1", "steps": "10"})
    send_event(at, "descent.playback", "step", 4)  # frame 4 shows step 5 being taken
    assert_clean(at)
    assert at.slider(key="descent.k").value == 5
    send_event(at, "descent.playback", "step", 10)  # the last frame ("end") explains the last step
    assert at.slider(key="descent.k").value == 10
    for bad in (-1, 2.5, "3", True):
        send_event(at, "descent.playback", "step", bad)
        assert_clean(at)
        assert at.slider(key="descent.k").value == 10


def test_only_charts_with_a_pick_handler_ask_for_picks_and_may_drag_their_ring():
    at = open_page("pages/gradient.py", {"f": "lesson_quadratic"})
    payloads = {e.proto.id.split("-")[-1]: read_payload(e.proto.bytes) for e in charts(at)}
    assert payloads["gradient.contour"]["pick"] == ["xy", "scene"]
    # Its ring is dragged by the live drag (ui/live_drag.js), not by plotly.js's shape editing.
    assert payloads["gradient.contour"]["live"]["kind"] == "gradient"
    assert "edits" not in payloads["gradient.contour"]["config"]
    assert payloads["gradient.directional"]["pick"] == []
    assert payloads["gradient.directional"]["live"] is None
    assert "edits" not in payloads["gradient.directional"]["config"]
    basins = open_page("pages/descent.py", {"f": "himmelblau", "tab": "Basins of attraction"})
    payload = next(read_payload(e.proto.bytes) for e in charts(basins) if e.proto.id.endswith("descent.basins"))
    assert payload["live"] is None and payload["config"]["edits"] == {"shapePosition": True}


def test_a_click_on_a_basin_starts_the_descent_there():
    at = open_page("pages/descent.py", {"f": "himmelblau", "tab": "Basins of attraction"})
    send_event(at, "descent.basins", "pick", {"x": -3.0, "y": 3.0, "via": "click"})
    assert_clean(at)
    assert point(at, "descent") == (-3.0, 3.0)


def test_a_click_on_the_regression_loss_map_starts_the_fit_there():
    at = open_page("pages/regression.py", {"tab": "Fit a line to data", "opt": "gd", "lr": "0.05", "steps": "20"})
    send_event(at, "regression.surface", "pick", {"x": 3.004, "y": -1.996, "via": "click"})
    assert_clean(at)
    assert (at.query_params["w1_0"], at.query_params["w2_0"]) == ("3", "-2")
    path = next(t for t in figures(at)[1]["data"] if t.get("name") == "full batch")
    first = [np.frombuffer(base64.b64decode(path[axis]["bdata"]), dtype=path[axis]["dtype"])[0] for axis in "xy"]
    assert first == [3.0, -2.0]
    assert "Start w = (3, −2)" in " ".join(c.value for c in at.caption)
