"""Issue 28 item 4 in Chromium, on the gradient and total-derivative pages: a click on a sidebar slider reruns only
the page's body and its link. The server sends the body's new numbers, never the page around it (its opening
sentence, the sidebar's labels); the sidebar is still all there, and the address bar and the shown numbers follow."""

from __future__ import annotations

import math

from bench.harness import slider_point, wait_idle
from core.numbers import number
from tests.e2e.test_direct_manipulation import chart, link, open_page
from tests.e2e.test_live_drag import metrics, receiving


def settled(page, key: str) -> None:
    """The chart under ``key`` drawn and no rerun of the page's opening still on its way."""
    chart(page, key)
    page.wait_for_timeout(1500)
    wait_idle(page)


def click_slider(page, key: str, fraction: float, before: str) -> str:
    """Click the slider under ``key`` at ``fraction`` of its track; the new value, once the address bar has it."""
    name = key.split(".")[1]
    page.mouse.click(*slider_point(page, key, fraction))
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('{name}') !== '{before}'", timeout=30_000)
    wait_idle(page)
    return link(page)[name]


def test_a_click_on_the_x0_slider_reruns_only_the_gradient_pages_body(page, server):
    got = receiving(page)
    open_page(page, server, "gradient", "f=lesson_quadratic&x0=1&y0=2&theta=0")
    settled(page, "gradient.contour")
    around = (b"collects the partial derivatives into one vector", "Direction θ of u".encode())
    assert all(any(text in frame for frame in got) for text in around)  # a whole-page run sends them
    assert metrics(page)["∂f/∂x(P)"] == "10"
    before = len(got)
    x0 = float(click_slider(page, "gradient.x0", 0.2, "1"))
    assert x0 < 0
    # The lesson's f = 3x² + 2xy + y² at P = (x₀, 2): ∂f/∂x = 6x₀ + 4, ∂f/∂y = 2x₀ + 4.
    page.get_by_test_id("stMetricValue").filter(has_text=number(6 * x0 + 4)).first.wait_for(timeout=30_000)
    shown = metrics(page)
    assert shown["∂f/∂x(P)"] == number(6 * x0 + 4) and shown["∂f/∂y(P)"] == number(2 * x0 + 4)
    after = got[before:]
    assert any("∂f/∂x(P)".encode() in frame for frame in after)  # the body's numbers were sent
    assert not any(text in frame for frame in after for text in around)  # the page around them was not
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_test_id("stSlider").count() == 3  # x₀, y₀ and θ are all still there
    assert sidebar.get_by_text("Direction θ of u").is_visible()
    assert link(page)["y0"] == "2" and link(page)["f"] == "lesson_quadratic"
    assert page.get_by_test_id("stException").count() == 0


def test_a_click_on_the_x0_slider_reruns_only_the_total_derivative_pages_body(page, server):
    got = receiving(page)
    open_page(page, server, "total_derivative", "f=lesson_sin&g=x%5E2&x0=0.5")
    settled(page, "total.curves")
    around = (b"holds the other variables fixed", b"Path: y = g(x)")
    assert all(any(text in frame for frame in got) for text in around)
    before = len(got)
    x = float(click_slider(page, "total.x0", 0.8, "0.5"))
    assert x > 0.5
    label = f"at x₀ = {number(x)}"
    page.get_by_test_id("stMetricLabel").filter(has_text=label).first.wait_for(timeout=30_000)
    # z = x²y + sin(xy) along y = x²: ∂z/∂x = 2xy + y·cos(xy), ∂z/∂y = x² + x·cos(xy), dy/dx = 2x.
    y = x * x
    dz_dx, dz_dy, dy_dx = 2 * x * y + y * math.cos(x * y), x * x + x * math.cos(x * y), 2 * x
    values = page.get_by_test_id("stMetricValue").all_inner_texts()
    assert values[-3:] == [number(dz_dx), number(dz_dy), number(dy_dx)]
    page.get_by_text(f"directly gives {number(dz_dx + dz_dy * dy_dx)}").wait_for(timeout=10_000)
    after = got[before:]
    assert not any(text in frame for frame in after for text in around)
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_test_id("stSlider").count() == 1 and sidebar.get_by_text("Path: y = g(x)").is_visible()
    assert link(page)["g"] == "x^2"
    assert page.get_by_test_id("stException").count() == 0
