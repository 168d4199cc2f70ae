"""Direct manipulation in a real browser: a click on a map or a surface moves P, a dragged ring moves it too, and
the figure's own step slider drives the written-out step."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bench.harness import wait_idle
from tests.e2e.conftest import screenshot

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


def drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Press at ``start``, move to ``end`` in ten steps, release: a hand's drag."""
    page.mouse.move(*start)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(start[0] + (end[0] - start[0]) * i / 10, start[1] + (end[1] - start[1]) * i / 10)
    page.mouse.up()


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
    drag(page, (start[0] + 3, start[1]), (end[0] + 3, end[1]))
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') !== '0.5'", timeout=30_000)
    wait_idle(page)
    params = link(page)
    assert float(params["x0"]) == pytest.approx(-1.5, abs=0.1)
    assert float(params["y0"]) == pytest.approx(1.0, abs=0.1)


def test_a_drag_across_the_map_zooms_and_leaves_p_where_it_was(page, server):
    """A press that moves is plotly's zoom box, not a click: P stays, the axes zoom, and no rerun runs."""
    open_page(page, server, "gradient", "f=lesson_quadratic&x0=0.5&y0=0.5")
    gd = chart(page, "gradient.contour")
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))  # noqa: PLW0108
    page.reload()
    wait_idle(page)
    gd = chart(page, "gradient.contour")
    start, end = pixel(gd, -2.0, -2.0), pixel(gd, 0.0, 0.0)
    before = len(sent)
    drag(page, start, end)
    page.wait_for_function("gd => gd._fullLayout.xaxis.range[1] < 1", arg=gd.element_handle(), timeout=30_000)
    page.wait_for_timeout(1500)  # time for a pick, had one gone out
    x_range = gd.evaluate("gd => gd._fullLayout.xaxis.range")
    assert x_range[0] == pytest.approx(-2.0, abs=0.1) and x_range[1] == pytest.approx(0.0, abs=0.1)
    assert len(sent) == before  # no pick, no rerun
    assert (link(page)["x0"], link(page)["y0"]) == ("0.5", "0.5")


def test_a_click_leaves_plotly_idle_until_it_is_sent_and_a_double_click_still_resets_the_zoom(page, server):
    """A press on the map is kept from plotly.js's zoom box until it moves: no cover over the page while the button
    is down, the page around the chart still hears the press, and plotly.js gets the click afterwards (two quick
    ones reset the axes)."""
    open_page(page, server, "gradient", "f=lesson_quadratic&x0=0.5&y0=0.5")
    gd = chart(page, "gradient.contour")
    start, end = pixel(gd, -2.0, -2.0), pixel(gd, 0.0, 0.0)
    drag(page, start, end)
    page.wait_for_function("gd => gd._fullLayout.xaxis.range[1] < 1", arg=gd.element_handle(), timeout=30_000)
    # plotly.js counts a press within its doubleClickDelay (500 ms) of the previous one, the drag's, as a double
    # click, which resets the zoom: a quick machine zoomed inside that interval and the click below reset it.
    page.wait_for_timeout(600)

    page.evaluate("() => { window.__heard = 0; document.addEventListener('mousedown', () => window.__heard++); }")
    page.mouse.move(*pixel(gd, -1.0, -1.5))
    page.mouse.down()
    covered = page.evaluate("() => document.querySelectorAll('.dragcover').length")
    page.mouse.up()
    assert covered == 0  # plotly.js's drag never started
    assert page.evaluate("() => window.__heard") == 1
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') !== '0.5'", timeout=30_000)
    wait_idle(page)
    assert float(link(page)["x0"]) == pytest.approx(-1.0, abs=0.025)
    assert gd.evaluate("gd => gd._fullLayout.xaxis.range[1]") < 1  # one click: still zoomed

    page.mouse.dblclick(*pixel(gd, -1.5, -0.5))  # away from P, whose ring is dragged, not clicked
    page.wait_for_function("gd => gd._fullLayout.xaxis.range[1] > 2.9", arg=gd.element_handle(), timeout=30_000)
    wait_idle(page)
    x_range = gd.evaluate("gd => gd._fullLayout.xaxis.range")
    assert x_range == pytest.approx([-3.0, 3.0], abs=0.05)


def test_a_click_on_the_surface_puts_p_where_plotly_reports_the_point(page, server):
    open_page(page, server, "partials", "f=lesson_quadratic&x0=0.5&y0=0.5")
    gd = page.locator(".st-key-partials-surface .gl-plotly.js-plotly-plot")
    gd.locator("canvas").first.wait_for(state="visible", timeout=30_000)
    gd.scroll_into_view_if_needed()
    # The translucent walls through P and the tangent plane are decoration: a click passes through them.
    decoration = gd.evaluate(
        """gd => gd._fullLayout.scene._scene.glplot.objects
                 .filter(o => o._trace && o._trace.data.hoverinfo === 'skip')
                 .map(o => [o._trace.data.name, Boolean(o.drawPick)])"""
    )
    # (the slices through P are drawn on the surface as decoration too: a click on them picks the surface)
    assert {"plane y = y₀", "plane x = x₀"} <= {name for name, _ in decoration}
    assert not any(pickable for _, pickable in decoration)
    gd.evaluate(
        """gd => { gd.on('plotly_hover', () => { window.__hovered = true; });
                   gd.on('plotly_click', e => { window.__clicked = [e.points[0].x, e.points[0].y]; }); }"""
    )
    box = gd.bounding_box()
    # Places over the middle of the scene, where the walls cross in front of the surface.
    spots = [(0.5, 0.6), (0.52, 0.62), (0.48, 0.58), (0.5, 0.65), (0.45, 0.6), (0.55, 0.55)]
    # A WebGL scene picks the point under the mouse while it hovers (in its render loop, slow without a GPU):
    # move until plotly reports a hover, then click there, as a hand does; a busy machine may need a second try.
    for attempt in range(30):
        fx, fy = spots[(attempt // 2) % len(spots)]
        x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
        page.mouse.move(x + 4 * (attempt % 2), y)
        page.wait_for_timeout(1000)
        if page.evaluate("() => Boolean(window.__hovered)"):
            # plotly reports a click from a frame drawn while the button is down, as a hand's press spans
            # several frames; without a GPU a frame is slow, so the press is held for more than one
            page.mouse.down()
            page.wait_for_timeout(1500)
            page.mouse.up()
            page.wait_for_timeout(1000)
            if page.evaluate("() => Boolean(window.__clicked)"):
                break
            page.evaluate("() => { window.__hovered = false; }")
    clicked = page.evaluate("() => window.__clicked")
    assert clicked, "plotly reported no click on the surface"
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') !== '0.5'", timeout=60_000)
    wait_idle(page)
    params = link(page)
    assert float(params["x0"]) == pytest.approx(clicked[0], abs=0.025)
    assert float(params["y0"]) == pytest.approx(clicked[1], abs=0.025)
    sliders = page.get_by_test_id("stSidebar").get_by_test_id("stSliderThumbValue").all_inner_texts()
    assert sliders[:2] == [f"{float(params['x0']):.2f}", f"{float(params['y0']):.2f}"]  # the sliders followed


def test_a_click_on_the_descent_map_moves_the_start(page, server):
    open_page(page, server, "descent", "f=lesson_loss&opt=gd&lr=0.1&steps=10")
    gd = chart(page, "descent.playback")
    page.mouse.click(*pixel(gd, 2.0, -1.0))
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') !== '1'", timeout=30_000)
    wait_idle(page)
    params = link(page)
    assert float(params["x0"]) == pytest.approx(2.0, abs=0.05) and float(params["y0"]) == pytest.approx(-1.0, abs=0.05)
    start = gd.evaluate("gd => [gd.data[10].x[0], gd.data[10].y[0]]")  # the path so far begins at the start
    assert start == [float(params["x0"]), float(params["y0"])]


def test_the_figures_step_and_the_explained_step_drive_each_other(page, server):
    open_page(page, server, "descent", "f=lesson_loss&opt=gd&lr=0.1&steps=10")
    gd = chart(page, "descent.playback")
    before = gd.evaluate("gd => { window.__data = gd.data; return gd.layout.sliders[0].active; }")
    assert before == 0
    page.keyboard.press("n")  # Next: explain step 2, so the figure shows step 2 being taken (frame 1)
    page.get_by_text("Step 2: θ = (").wait_for(timeout=60_000)
    wait_idle(page)
    page.wait_for_function(f"() => document.querySelector('{CSS}').layout.sliders[0].active === 1", timeout=10_000)
    assert gd.evaluate("gd => gd.data === window.__data")  # turned to the frame, not sent again
    assert gd.evaluate("gd => gd.data[10].x.length + gd.data[3].x.length - 1") == 2  # the path so far: θ0, θ1
    # The figure's own slider: click its 6th step (frame 5, "step 6") and the explanation follows.
    gd.locator(".slider-container").scroll_into_view_if_needed()
    target = gd.evaluate(
        """gd => { const s = gd.querySelector('.slider-container .slider-rail-rect').getBoundingClientRect();
                   return [s.left + s.width * 5 / 10, s.top + s.height / 2]; }"""
    )
    page.mouse.click(*target)
    page.get_by_text("Step 6: θ = (").wait_for(timeout=60_000)
    assert page.get_by_test_id("stSlider").get_by_test_id("stSliderThumbValue").last.inner_text() == "6"


CSS = ".st-key-descent-playback .gl-plotly.js-plotly-plot"


def test_playing_reveals_the_path_and_keeps_the_map_drawn(page, server):
    open_page(page, server, "descent", "f=rosenbrock&opt=momentum&lr=0.001&steps=60")
    gd = chart(page, "descent.playback")
    gd.scroll_into_view_if_needed()
    assert gd.evaluate("gd => gd.data[10].x.length + gd.data[3].x.length - 1") == 1  # before playing: the start
    page.get_by_text("▶ Play").first.click()
    page.wait_for_function(f"() => document.querySelector('{CSS}').layout.sliders[0].active >= 10", timeout=30_000)
    state = gd.evaluate(
        """gd => [gd.layout.sliders[0].active, gd.data[10].x.length + gd.data[3].x.length - 1,
                  gd.querySelectorAll('.layer-subplot .imagelayer image').length]"""
    )
    page.get_by_text("❚❚ Pause").first.click()
    active, revealed, pictures = state
    assert revealed == active + 1  # the path so far, not the whole path
    assert pictures == 1  # the map's picture is drawn while the frames play
    screenshot(page, "descent-revealing")
