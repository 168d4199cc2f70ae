"""Direct manipulation in a real browser: a click on a map or a surface moves P, a dragged ring moves it too, and
the figure's own step slider drives the written-out step."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.harness import wait_idle

pytestmark = pytest.mark.e2e


def chart(page, key: str):
    """The plotly graph div of the chart kept under ``key``."""
    gd = page.locator(f".st-key-{key.replace('.', '-')} .gl-plotly.js-plotly-plot")
    gd.locator(".nsewdrag").first.wait_for(state="attached", timeout=30_000)
    return gd


def pixel(gd, x: float, y: float, subplot: str = "xy") -> tuple[float, float]:
    """Where the data point (x, y) of a cartesian subplot lies in the window, from the plot's own axes."""
    gd.scroll_into_view_if_needed()
    return tuple(
        gd.evaluate(
            """(gd, [x, y, id]) => {
                const { xaxis, yaxis } = gd._fullLayout._plots[id], box = gd.getBoundingClientRect();
                return [box.left + xaxis._offset + xaxis.d2p(x), box.top + yaxis._offset + yaxis.d2p(y)];
            }""",
            [x, y, subplot],
        )
    )


def link(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def open_page(page, server: str, path: str, query: str) -> None:
    page.goto(f"{server}/{path}?{query}")
    wait_idle(page)


def test_a_click_on_the_gradient_map_puts_p_where_it_was_clicked(page, server):
    open_page(page, server, "gradient", "f=lesson_quadratic&x0=0.5&y0=0.5")
    gd = chart(page, "gradient.contour")
    page.mouse.click(*pixel(gd, 1.0, -2.0))
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') !== '0.5'", timeout=30_000)
    wait_idle(page)
    params = link(page)
    assert float(params["x0"]) == pytest.approx(1.0, abs=0.025)  # the sliders' grid is 0.05 on a ±3 domain
    assert float(params["y0"]) == pytest.approx(-2.0, abs=0.025)
    sliders = page.get_by_test_id("stSidebar").get_by_test_id("stSliderThumbValue").all_inner_texts()
    assert sliders[:2] == [f"{float(params['x0']):.2f}", f"{float(params['y0']):.2f}"]  # the sliders followed
    marker = gd.evaluate("gd => { const p = gd.data.find(t => t.name === 'P'); return [p.x[0], p.y[0]]; }")
    assert marker == [float(params["x0"]), float(params["y0"])]


def test_dragging_the_ring_around_p_moves_p(page, server):
    open_page(page, server, "gradient", "f=lesson_quadratic&x0=0.5&y0=0.5")
    gd = chart(page, "gradient.contour")
    start, end = pixel(gd, 0.5, 0.5), pixel(gd, -1.5, 1.0)
    # Grab inside the ring (plotly moves a shape grabbed inside it; at its rim it would resize it).
    page.mouse.move(start[0] + 3, start[1])
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(start[0] + 3 + (end[0] - start[0]) * i / 10, start[1] + (end[1] - start[1]) * i / 10)
    page.mouse.up()
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') !== '0.5'", timeout=30_000)
    wait_idle(page)
    params = link(page)
    assert float(params["x0"]) == pytest.approx(-1.5, abs=0.1)
    assert float(params["y0"]) == pytest.approx(1.0, abs=0.1)
