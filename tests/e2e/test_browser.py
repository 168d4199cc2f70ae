"""The dashboard in a real browser: every page loads and draws, controls update charts, playback runs client-side."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from bench.harness import CHART, click_slider, wait_idle
from tests.e2e.conftest import screenshot
from ui.navigation import PAGES as REGISTRY

pytestmark = pytest.mark.e2e

PAGES = {row.slug: row.label for row in REGISTRY}
NO_CHART = {"", "practice", "classroom"}  # a welcome, a page of exercises, a class not yet started
FLAT = {"regression", "several_weights"}  # maps and curves, no 3D scene


def open_app(page, server, path="", query=""):
    page.goto(f"{server}/{path}{'?' + query if query else ''}")
    wait_idle(page)


# The data of the index-th chart as text, evaluated in the page.
DATA = f"i => JSON.stringify(document.querySelectorAll('{CHART}')[i].data.map(t => [t.name, t.x, t.y, t.z]))"


def chart_data(page, index=0):
    """The data of the index-th plotly chart, read from the graph div in the page."""
    page.locator(CHART).nth(index).wait_for(state="attached", timeout=30_000)
    return page.evaluate(DATA, index)


def wait_for_new_data(page, index, before):
    """Until the index-th chart holds data other than ``before``."""
    page.wait_for_function(f"([i, before]) => ({DATA})(i) !== before", arg=[index, before], timeout=20_000)


@pytest.mark.parametrize("path", list(PAGES))
def test_page_loads_through_the_navigation_and_draws(page, server, path):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_app(page, server)
    if path:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=PAGES[path], exact=True).click()
        # The page publishes its state as query parameters, sometimes before the path changes, so
        # match the path alone rather than the whole address.
        page.wait_for_url(lambda url: urlsplit(url).path.rstrip("/").endswith(f"/{path}"))
        wait_idle(page)
    assert page.get_by_test_id("stException").count() == 0
    alerts = page.get_by_test_id("stAlertContentError").all_inner_texts()
    assert not any("Something went wrong" in a for a in alerts)
    if path not in NO_CHART:
        charts = page.locator(CHART)
        charts.first.wait_for(state="visible", timeout=30_000)
        assert charts.count() >= (1 if path in FLAT else 2)
        assert page.locator(f"{CHART} svg.main-svg").count() >= charts.count()
        if path not in FLAT:
            assert page.locator(f"{CHART} canvas").count() >= 1  # the WebGL 3D scenes
    screenshot(page, path or "home")
    assert not errors, errors


@pytest.mark.parametrize("unpacks", [True, False], ids=["gzipped", "plain"])
def test_plotly_js_arrives_gzipped_and_unpacked_by_the_browser(browser, server, unpacks):
    """A browser with DecompressionStream loads the copy the server gzipped once; one without loads the plain file."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    if not unpacks:
        context.add_init_script("delete window.DecompressionStream;")
    page = context.new_page()
    loaded = []
    page.on("response", lambda response: "/app/static/plotly-" in response.url and loaded.append(response))
    open_app(page, server, "gradient", "f=lesson_quadratic")
    page.locator(f"{CHART} svg.main-svg").first.wait_for(state="visible", timeout=30_000)
    assert [urlsplit(response.url).path.rsplit(".", 1)[-1] for response in loaded] == ["gz" if unpacks else "js"]
    if unpacks:
        assert loaded[0].headers["content-type"] == "application/gzip"
        assert "content-encoding" not in loaded[0].headers  # sent as stored, not compressed again per request
    assert page.evaluate("() => typeof window.Plotly.react") == "function"
    assert page.locator(CHART).count() == 3
    context.close()


def test_moving_a_slider_updates_the_chart(page, server):
    open_app(page, server, "partials", "f=lesson_quadratic")
    before = chart_data(page, 1)
    click_slider(page, 0, 0.25)  # x₀ from 2.0 to about −1.5 on the domain [−3, 3]
    wait_idle(page)
    wait_for_new_data(page, 1, before)
    assert chart_data(page, 1) != before
    page.wait_for_url(lambda url: "x0=-1." in url, timeout=10_000)  # the address bar follows the control
    assert "x0=2.0" not in page.url


def test_a_slider_updates_the_3d_chart_in_place_and_keeps_the_camera(page, server):
    open_app(page, server, "partials", "f=lesson_quadratic")
    scene = page.locator(CHART).first
    scene.wait_for(state="visible", timeout=30_000)
    scene.evaluate("gd => { gd.__mark = 'same chart'; gd.querySelector('canvas').__mark = 'same context'; }")
    scene.scroll_into_view_if_needed()
    box = scene.locator("canvas").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2 + 40, steps=8)
    page.mouse.up()  # the student turns the surface
    turned = scene.evaluate("gd => JSON.stringify(gd._fullLayout.scene.camera.eye)")
    before = chart_data(page, 0)
    click_slider(page, 0, 0.25)
    wait_idle(page)
    wait_for_new_data(page, 0, before)
    assert scene.evaluate("gd => gd.__mark") == "same chart"  # updated with Plotly.react, not remounted
    assert scene.evaluate("gd => gd.querySelector('canvas').__mark") == "same context"
    assert scene.evaluate("gd => JSON.stringify(gd._fullLayout.scene.camera.eye)") == turned
    assert json.loads(turned) != {"x": 1.35, "y": -1.35, "z": 0.85}  # the drag did turn it (viz.calculus.scene)


@pytest.mark.parametrize("scale", [1, 2])
def test_a_3d_scene_renders_at_the_screens_resolution(browser, server, scale):
    # plotly.js alone would draw at twice the resolution on any screen: four times the pixels on an ordinary one.
    context = browser.new_context(viewport={"width": 1280, "height": 720}, device_scale_factor=scale)
    page = context.new_page()
    open_app(page, server, "partials", "f=lesson_quadratic")
    canvas = page.locator(f"{CHART} canvas").first
    canvas.wait_for(state="visible", timeout=30_000)
    size = canvas.evaluate("c => [c.width, c.height, c.clientWidth, c.clientHeight]")
    assert size[2] > 200 and size[3] > 200
    assert size[:2] == [size[2] * scale, size[3] * scale]
    context.close()


def test_stepping_through_a_descent_redraws_no_chart(page, server):
    open_app(page, server, "descent", "f=lesson_loss&opt=gd&lr=0.1&steps=10")
    page.locator(CHART).first.wait_for(state="visible", timeout=30_000)
    page.evaluate(f"() => {{ window.__before = [...document.querySelectorAll('{CHART}')].map(gd => gd.data); }}")
    page.keyboard.press("n")  # the lecturer's shortcut for the next step
    page.get_by_text("Step 2: θ = (").wait_for(timeout=20_000)
    wait_idle(page)
    unchanged = page.evaluate(
        f"() => [...document.querySelectorAll('{CHART}')].every((gd, i) => gd.data === window.__before[i])"
    )
    assert unchanged  # only the explanation changed: no figure was sent again, no chart redrawn


def test_playback_advances_in_the_browser_without_a_rerun(page, server):
    open_app(page, server, "descent", "f=rosenbrock&opt=adam&lr=0.05&steps=40")
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))  # noqa: PLW0108
    page.reload()
    wait_idle(page)
    plot = page.locator(CHART).first
    plot.wait_for(state="visible", timeout=30_000)
    assert plot.evaluate("gd => gd._transitionData._frames.length") == 41
    messages_before = len(sent)
    page.get_by_text("▶ Play").first.click()
    page.wait_for_function(
        f"() => {{ const gd = document.querySelector('{CHART}'); return gd.layout.sliders[0].active >= 10; }}",
        timeout=30_000,
    )
    assert len(sent) == messages_before, "playback sent messages to the server while playing (a rerun)"
    page.get_by_text("❚❚ Pause").first.click()
    step = plot.evaluate("gd => gd.layout.sliders[0].active")
    assert step >= 10
    point = json.loads(plot.evaluate("gd => JSON.stringify([gd.data[5].x[0], gd.data[5].y[0]])"))
    assert point != [-1.5, 2.0]  # the marker moved off the start
    wait_idle(page)
    # The pause sends its step once, so "Explain step k" follows the figure (tests/e2e/test_live_drag.py).
    assert len(sent) - messages_before <= 1, "playback sent more than the paused step to the server"
    assert page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").count() == 1
    screenshot(page, "descent-playing")


def test_a_share_link_reproduces_the_state_in_a_fresh_page(browser, server):
    first = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    open_app(first, server, "gradient", "f=himmelblau&x0=1.5&y0=-2.0&arrows=descent&norm=1&theta=120")
    url = first.url
    data = chart_data(first, 0)
    metrics = first.get_by_test_id("stMetricValue").all_inner_texts()
    second = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    second.goto(url)
    wait_idle(second)
    assert chart_data(second, 0) == data
    assert second.get_by_test_id("stMetricValue").all_inner_texts() == metrics
    assert metrics[:2] == ["−67.5", "−9.5"]  # ∇f of Himmelblau at (1.5, −2): the link chose the function
    first.context.close()
    second.context.close()


def test_the_steps_csv_downloads(page, server):
    open_app(page, server, "descent", "f=lesson_loss&opt=gd&lr=0.1&steps=3")
    with page.expect_download() as download:
        page.get_by_role("button", name="⬇ Steps as CSV").click()
    lines = open(download.value.path()).read().splitlines()  # noqa: SIM115
    assert lines[0].startswith("k,w1,w2,f,")
    assert lines[2].startswith("1,1.3999999999999999,1.8") or lines[2].startswith("1,1.4,1.8")
    assert len(lines) == 5


def test_a_charts_figure_as_html_opens_offline_with_its_frames(page, server, browser, tmp_path):
    """The playback's "⬇ Figure as HTML", written in the browser: a page of its own with plotly.js inlined, the
    figure and its frames as the chart holds them, and it draws with the network cut off."""
    open_app(page, server, "descent", "f=lesson_loss&opt=gd&lr=0.1&steps=3")
    playback = page.locator(CHART).first
    playback.wait_for(state="visible", timeout=30_000)
    buttons = page.get_by_role("button", name="⬇ Figure as HTML", exact=True)
    assert buttons.count() == page.locator(CHART).count() == 2  # one under each chart
    with page.expect_download(timeout=30_000) as download:
        buttons.first.click()
    assert download.value.suggested_filename == "descent-playback.html"
    path = tmp_path / "playback.html"
    download.value.save_as(path)
    html = path.read_text()
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<script src" not in html and "plotly.js v" in html  # plotly.js inlined: no fetch when opened
    assert html.count("</script>") == 3  # the figure's JSON cannot close its script element early
    held = playback.evaluate("gd => [gd.data.map(t => t.name), gd._transitionData._frames.length]")
    offline = browser.new_context(offline=True, viewport={"width": 1280, "height": 720})
    try:
        opened = offline.new_page()
        opened.goto(path.as_uri())
        opened.locator("#figure svg.main-svg").first.wait_for(state="visible", timeout=30_000)
        drawn = opened.evaluate(
            "() => { const gd = document.getElementById('figure'); "
            "return [gd.data.map(t => t.name), gd._transitionData._frames.length]; }"
        )
        assert drawn == held and held[1] == 4  # the same traces, and a frame for θ₀ … θ₃
        assert opened.locator("#figure canvas").count() >= 1  # the 3D surface drew too
        assert opened.title() == playback.evaluate("gd => gd.getAttribute('aria-label')")  # the chart's own name
    finally:
        offline.close()


def test_lecture_mode_enlarges_the_page(page, server):
    open_app(page, server, "partials", "lecture=1")
    size = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stAppViewContainer]')).fontSize")
    assert size == "22px"
    screenshot(page, "partials-lecture")
