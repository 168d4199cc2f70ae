"""Every chart a page sends carries its accessible name, a description of what it says now and, where a click
moves a point, what the arrow keys do (issue 29)."""

from __future__ import annotations

import pytest

from core import parse
from core.numbers import number
from tests.pages.conftest import assert_clean, charts, open_page, send_event
from ui import cache
from ui.a11y import spoken
from ui.chart import read_payload

PAGES = ["home", "partials", "gradient", "total_derivative", "descent", "curvature", "regression", "backprop"]


def described(at) -> dict[str, dict]:
    """Each chart's a11y part, by its key."""
    return {e.proto.id.rsplit("-", 1)[-1]: read_payload(e.proto.bytes)["a11y"] for e in charts(at)}


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_has_a_name_and_a_description_from_its_data(name):
    at = open_page(f"pages/{name}.py")
    assert_clean(at)
    said = [read_payload(e.proto.bytes)["a11y"] for e in charts(at)]
    assert said, "the page draws charts"
    for a11y in said:
        assert a11y["name"] and not a11y["name"].startswith("A chart (")  # not the describer's fallback
        assert a11y["description"].startswith(a11y["name"])
        assert len(a11y["description"]) > len(a11y["name"]) + 10  # says something beyond its name
    assert len({a11y["name"] for a11y in said}) >= 1


def test_the_gradient_maps_keys_are_its_sliders_and_follow_a_pick():
    at = open_page("pages/gradient.py", {"f": "lesson_quadratic", "x0": "1", "y0": "2"})
    contour = next(read_payload(e.proto.bytes)["a11y"] for e in charts(at) if "gradient.contour" in e.proto.id)
    assert contour["name"] == "Contour map of f = 3x² + 2xy + y²"
    assert "P at (1, 2), where f = 11; the gradient (10, 6) points up and to the right" in contour["description"]
    assert contour["keys"] == {"point": [1.0, 2.0], "step": [0.05, 0.05], "low": [-3.0, -3.0], "high": [3.0, 3.0]}
    # An arrow key is sent as a pick, like a click: P moves one step and the description follows.
    send_event(at, "gradient.contour", "pick", {"x": 1.05, "y": 2.0, "via": "key"})
    assert_clean(at)
    contour = next(read_payload(e.proto.bytes)["a11y"] for e in charts(at) if "gradient.contour" in e.proto.id)
    assert contour["keys"]["point"] == [1.05, 2.0]
    # ∇f(1.05, 2) = (6.3 + 4, 2.1 + 4) = (10.3, 6.1).
    assert "P at (1.05, 2)" in contour["description"]
    assert "the gradient (10.3, 6.1) points up and to the right" in contour["description"]


def test_the_descent_playback_moves_its_start_with_the_keys():
    at = open_page("pages/descent.py", {"f": "lesson_quadratic"})
    playback = next(read_payload(e.proto.bytes)["a11y"] for e in charts(at) if "descent.playback" in e.proto.id)
    assert playback["keys"]["step"] == [0.05, 0.05]
    start = playback["keys"]["point"]
    assert f"the start at ({number(start[0])}, {number(start[1])})" in playback["description"]
    assert playback["name"] == "Surface and contour map of f = 3x² + 2xy + y²"
    progress = next(read_payload(e.proto.bytes)["a11y"] for e in charts(at) if "descent.progress" in e.proto.id)
    assert progress["sound"]["what"] == "loss f"
    assert "keys" not in progress  # nothing to move on a chart of curves


def test_a_tab_that_draws_its_own_function_names_that_one():
    """The saddle tab draws a saddle of its own, not the page's f: its map says which (it said the page's f)."""
    at = open_page("pages/curvature.py", {"f": "lesson_quadratic", "tab": "Saddle escape"})
    assert_clean(at)
    said = described(at)
    saddle = next(a11y for key, a11y in said.items() if key.endswith("saddle_paths"))
    assert saddle["name"] == "Contour map of f = x⁴/4 − x²/2 + y²/2"
    assert "3x²" not in saddle["description"]


def test_a_functions_printed_form_is_kept_and_is_sympys():
    """The accessible names and the recording's title read f as sympy prints it, printed once per function."""
    f = parse("x^2*y + sin(x*y)")
    assert cache.printed(f) == str(f.expr) == "x**2*y + sin(x*y)"
    assert cache.printed(parse("x^2*y + sin(x*y)")) is cache.printed(f)  # the same function: printed once
    assert spoken(f) == "f = x²y + sin(xy)"
