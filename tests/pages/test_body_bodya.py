"""Issue 28 item 4 on the gradient and total-derivative pages: a sidebar control of the charts (the point, θ, the
arrows; x₀) reruns only the page's body and its link (ui.parts.body), and the numbers, the figures and the link
follow it.

The page's top, outside the body, is counted: the function picker (both pages) and the path's derivatives
(``cache.total``, the total-derivative page) run on a full run only.
"""

from __future__ import annotations

import math

import pytest

from core.numbers import number
from tests.pages.conftest import assert_clean, keyed_figure, link_box, metrics, open_page, texts, trace
from ui import cache, widgets


@pytest.fixture
def page_tops(monkeypatch):
    """What the page's top (outside the body) computed: one entry per call."""
    calls = []
    picker, total = widgets.function_picker, cache.total
    monkeypatch.setattr(widgets, "function_picker", lambda *a, **k: calls.append("picker") or picker(*a, **k))
    monkeypatch.setattr(cache, "total", lambda *a, **k: calls.append("total") or total(*a, **k))
    return calls


def test_moving_p_on_the_gradient_page_reruns_only_the_body(page_tops):
    # The lesson's f = 3x² + 2xy + y²: ∇f = (6x + 2y, 2x + 2y).
    at = open_page("pages/gradient.py", {"f": "lesson_quadratic", "x0": "1", "y0": "2", "theta": "0"})
    assert metrics(at)["∂f/∂x(P)"] == "10" and metrics(at)["∂f/∂y(P)"] == "6"
    page_tops.clear()
    at.sidebar.slider(key="gradient.x0").set_value(-1.0).run()
    assert_clean(at)
    assert page_tops == []  # the function picker above the body did not run again
    shown = metrics(at)
    assert shown["∂f/∂x(P)"] == "−2" and shown["∂f/∂y(P)"] == "2"  # (−6 + 4, −2 + 4) at P = (−1, 2)
    assert shown["|∇f(P)|"] == number(math.sqrt(8))  # 2.828
    assert shown["Dᵤf(P), θ = 0°"] == "−2"
    contour = keyed_figure(at, "gradient.contour")
    assert (trace(contour, "P")["x"], trace(contour, "P")["y"]) == ([-1.0], [2.0])
    assert at.query_params["x0"] == "-1" and at.query_params["y0"] == "2"  # the address bar follows
    assert "x0=-1" in link_box(at, "gradient")  # and so does the link box
    assert at.sidebar.selectbox(key="gradient.f").value == "lesson_quadratic"  # the sidebar is all still there


def test_theta_and_the_arrows_on_the_gradient_page_rerun_only_the_body(page_tops):
    at = open_page("pages/gradient.py", {"f": "lesson_quadratic", "x0": "1", "y0": "2", "theta": "0"})
    page_tops.clear()
    at.sidebar.slider(key="gradient.theta").set_value(90).run()
    at.sidebar.radio(key="gradient.arrows").set_value("descent").run()
    assert_clean(at)
    assert page_tops == []
    assert metrics(at)["Dᵤf(P), θ = 90°"] == "6"  # ∇f · (0, 1) = ∂f/∂y
    names = [t.get("name", "") for t in keyed_figure(at, "gradient.contour")["data"]]
    assert any(n.startswith("−∇f field") for n in names)
    assert at.query_params["theta"] == "90" and at.query_params["arrows"] == "descent"
    # The formula of ∇f, written once per page run above the body's numbers, is still on the page.
    assert r"\nabla f = \left(6 x + 2 y,\ 2 x + 2 y\right)" in texts(at)


def test_a_new_function_still_reruns_the_whole_gradient_page(page_tops):
    at = open_page("pages/gradient.py", {"f": "lesson_quadratic"})
    page_tops.clear()
    at.sidebar.selectbox(key="gradient.f").set_value("lesson_sin").run()
    assert_clean(at)
    assert page_tops == ["picker"]
    assert (at.sidebar.slider(key="gradient.x0").value, at.sidebar.slider(key="gradient.y0").value) == (1.0, 1.0)
    at.sidebar.slider(key="gradient.x0").set_value(1.5).run()  # and the body then follows the new function
    at.sidebar.slider(key="gradient.y0").set_value(0.0).run()
    assert_clean(at)
    assert page_tops == ["picker"]
    # f = x²y + sin(xy) at (1.5, 0): ∂f/∂x = 2xy + y·cos(xy) = 0, ∂f/∂y = x² + x·cos(xy) = 2.25 + 1.5.
    assert metrics(at)["∂f/∂x(P)"] == "0" and metrics(at)["∂f/∂y(P)"] == "3.75"


def test_moving_x0_on_the_total_derivative_page_reruns_only_the_body(page_tops):
    at = open_page("pages/total_derivative.py", {"f": "lesson_sin", "g": "x^2", "x0": "0.5"})
    page_tops.clear()
    at.sidebar.slider(key="total.x0").set_value(1.0).run()
    assert_clean(at)
    assert page_tops == []  # neither the picker nor the path's derivatives ran again
    # z = x²y + sin(xy) along y = x² at x = 1 (y = 1): ∂z/∂x = 2xy + y·cos(xy), ∂z/∂y = x² + x·cos(xy), dy/dx = 2x.
    dz_dx, dz_dy, dy_dx = 2 + math.cos(1), 1 + math.cos(1), 2.0
    assert [m.value for m in at.metric if m.label == "at x₀ = 1"] == [number(dz_dx), number(dz_dy), number(dy_dx)]
    chain = dz_dx + dz_dy * dy_dx  # 5.621, the total derivative dz/dx
    assert any(number(chain) in s.value and "the same number" in s.value for s in at.success)
    curves = keyed_figure(at, "total.curves")
    assert trace(curves, "x₀")["x"] == [1.0]
    assert trace(curves, "x₀")["y"] == [pytest.approx(1 + math.sin(1))]  # z = x²y + sin(xy) at (1, 1)
    assert at.query_params["x0"] == "1" and at.query_params["g"] == "x^2"
    assert "x0=1" in link_box(at, "total_derivative")
    assert at.sidebar.text_input(key="total.g").value == "x^2"


def test_a_rejected_path_then_a_move_of_x0_keeps_the_last_good_path(page_tops):
    """A new path reruns the whole page (its derivatives); x₀ then reruns the body with the last good path, and the
    link keeps that path, not the rejected text."""
    at = open_page("pages/total_derivative.py", {"f": "lesson_sin", "g": "sin(x) + 1", "x0": "0"})
    at.sidebar.text_input(key="total.g").input("sin(x").run()
    assert any("g not used" in e.value for e in at.error)
    page_tops.clear()
    at.sidebar.slider(key="total.x0").set_value(0.5).run()
    assert_clean(at)
    assert "total" not in page_tops
    # dy/dx of the last good path g = sin(x) + 1 at x₀ = 0.5: cos(0.5).
    assert number(math.cos(0.5)) in [m.value for m in at.metric if m.label == "at x₀ = 0.5"]
    assert at.query_params["g"] == "sin(x) + 1" and at.query_params["x0"] == "0.5"
