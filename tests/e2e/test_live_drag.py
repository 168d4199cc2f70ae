"""Live drag in Chromium: while P (or the start) is dragged, the point, its numbers, ∇f and the descent path follow
the pointer on every frame without a message to the server; one message on release, and the server's numbers
then equal the preview's (issue 28)."""

from __future__ import annotations

import math
import random

import pytest

from bench.harness import wait_idle
from core.numbers import number
from tests.e2e.test_direct_manipulation import chart, link, open_page, pixel

pytestmark = pytest.mark.e2e

NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def counting(page) -> list:
    """Every websocket message the page sends from now on (Streamlit's back messages)."""
    sent: list = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))  # noqa: PLW0108
    return sent


def receiving(page) -> list[bytes]:
    """Every websocket message the server sends the page from now on, as bytes (Streamlit's forward messages)."""
    got: list[bytes] = []

    def keep(payload: str | bytes) -> None:
        got.append(payload if isinstance(payload, bytes) else payload.encode())

    page.on("websocket", lambda ws: ws.on("framereceived", keep))
    return got


def metrics(page) -> dict[str, str]:
    """The page's metrics, label -> value as shown."""
    out = {}
    for box in page.get_by_test_id("stMetric").all():
        label = box.get_by_test_id("stMetricLabel").inner_text().strip()
        out[label] = box.get_by_test_id("stMetricValue").inner_text().strip()
    return out


def data_at(gd, x: float, y: float) -> list[float]:
    """The data coordinates of the window pixel (x, y) on the map."""
    return gd.evaluate(
        """(gd, [x, y]) => { const { xaxis, yaxis } = gd._fullLayout._plots.xy, box = gd.getBoundingClientRect();
                 return [xaxis.p2d(x - box.left - xaxis._offset), yaxis.p2d(y - box.top - yaxis._offset)]; }""",
        [x, y],
    )


def live_drag(page, gd, start: tuple[float, float], path: list[tuple[float, float]], sent: list) -> None:
    """Press on P, move through ``path`` (data coordinates) one frame at a time, checking each frame: the drawn
    point is under the pointer, its coordinates are the pointer's, and nothing went to the server."""
    before = len(sent)
    page.mouse.move(*pixel(gd, *start))
    page.mouse.down()
    for x, y in path:
        px, py = pixel(gd, x, y)
        page.mouse.move(px, py)
        page.evaluate(NEXT_FRAME)
        drawn = page.locator(".gl-live-point").bounding_box()
        assert drawn is not None
        assert drawn["x"] + drawn["width"] / 2 == pytest.approx(px, abs=1.0)
        assert drawn["y"] + drawn["height"] / 2 == pytest.approx(py, abs=1.0)
        shown = gd.evaluate("gd => gd.gradientLab.last.point")
        assert shown == pytest.approx(data_at(gd, px, py), abs=1e-4)  # a hundredth of a pixel
        assert len(sent) == before  # no message during the drag
    page.mouse.up()


def twenty_moves(start: tuple[float, float], end: tuple[float, float]) -> list[tuple[float, float]]:
    return [(start[0] + (end[0] - start[0]) * i / 20, start[1] + (end[1] - start[1]) * i / 20) for i in range(1, 21)]


def released(page, sent: list, before: int, name: str, old: str) -> None:
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('{name}') !== '{old}'", timeout=30_000)
    wait_idle(page)
    assert len(sent) - before == 1  # one message: the pick


def test_dragging_p_on_the_gradient_map_follows_every_frame_then_the_server_agrees(page, server):
    sent = counting(page)
    open_page(page, server, "gradient", "f=himmelblau&x0=0.5&y0=0.5&theta=30")
    gd = chart(page, "gradient.contour")
    before = len(sent)
    live_drag(page, gd, (0.5, 0.5), twenty_moves((0.5, 0.5), (-2.2, 1.7)), sent)
    preview = gd.evaluate("gd => gd.gradientLab.released")
    released(page, sent, before, "x0", "0.5")
    params = link(page)
    assert preview["point"] == [float(params["x0"]), float(params["y0"])] == [-2.2, 1.7]
    shown = metrics(page)
    assert {k: shown[k] for k in preview["values"]} == preview["values"]
    assert page.locator(".gl-live").count() == 0  # the preview gave way to the server's figure
    p = gd.evaluate("gd => { const p = gd.data.find(t => t.name === 'P'); return [p.x[0], p.y[0]]; }")
    assert p == [-2.2, 1.7]


def test_dragging_the_start_on_the_descent_map_redraws_the_whole_path_then_the_server_agrees(page, server):
    sent = counting(page)
    open_page(page, server, "descent", "f=himmelblau&opt=adam&lr=0.1&steps=80")
    gd = chart(page, "descent.playback")
    old = link(page)["x0"]
    x0, y0 = float(old), float(link(page)["y0"])
    before = len(sent)
    live_drag(page, gd, (x0, y0), twenty_moves((x0, y0), (-1.0, -2.5)), sent)
    path = page.locator(".gl-live path").first.get_attribute("d")
    assert path.count("L") == 80  # the whole path from the dragged start: 80 steps
    preview = gd.evaluate("gd => gd.gradientLab.released")
    released(page, sent, before, "x0", old)
    shown = metrics(page)
    assert {k: shown[k] for k in preview["values"]} == preview["values"]
    start = gd.evaluate("gd => [gd.data[10].x[0], gd.data[10].y[0]]")
    assert start == [-1.0, -2.5]


CASES = [
    ("gradient", "gradient.contour", "f=rosenbrock&x0=0.5&y0=0.5&theta=75"),
    ("gradient", "gradient.contour", "f=custom&expr=sigmoid(x*y)%2Bsin(x)*abs(y)&x0=0.5&y0=0.5"),
    ("descent", "descent.playback", "f=rosenbrock&opt=nesterov&lr=0.0005&steps=120"),
    ("descent", "descent.playback", "f=himmelblau&opt=rmsprop&lr=0.05&steps=60"),
    ("descent", "descent.playback", "f=lesson_quadratic&opt=adamw&lr=0.2&steps=40"),
]


RELEASE = "(gd, [x, y]) => { gd.gradientLab.release(x, y); return gd.gradientLab.released; }"


@pytest.mark.parametrize(("path", "key", "query"), CASES)
def test_at_random_release_points_the_preview_equals_the_server(page, server, path, key, query):
    """Four release points per case, 20 in all, across functions and optimizers: each preview's numbers are the
    server's to the digits shown."""
    open_page(page, server, path, query)
    gd = chart(page, key)
    rng = random.Random(query)
    for _ in range(4):
        low, high = gd.evaluate("gd => gd._fullLayout.xaxis.range")
        x, y = (round(rng.uniform(low, high) * 0.8, 3) for _ in range(2))
        old = link(page)["x0"]
        preview = gd.evaluate(RELEASE, [x, y])
        assert preview["values"], "no preview"
        if math.isclose(float(old), preview["point"][0]):
            continue  # on the grid where it was: no rerun to compare with
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('x0') !== '{old}'", timeout=30_000)
        wait_idle(page)
        shown = metrics(page)
        assert {k: shown[k] for k in preview["values"]} == preview["values"], (x, y)


@pytest.mark.parametrize(("path", "key", "query"), [("gradient", "gradient.surface", "f=lesson_quadratic&x0=2&y0=-2")])
def test_turning_a_3d_chart_never_moves_p(page, server, path, key, query):
    """Regression (issue 25): a drag that began on the surface was taken as a click and moved P (4 of 5 tries).
    A press that moves turns the scene; only a press released where it began picks."""
    sent = counting(page)
    open_page(page, server, path, query)
    gd = page.locator(f".st-key-{key.replace('.', '-')} .gl-plotly.js-plotly-plot")
    gd.locator("canvas").first.wait_for(state="visible", timeout=30_000)
    gd.scroll_into_view_if_needed()
    eye = gd.evaluate("gd => JSON.stringify(gd._fullLayout.scene.camera.eye)")
    box = gd.bounding_box()
    before = len(sent)
    for attempt in range(3):  # begin on the surface's middle, hold (a scene reports picks while held), turn
        x, y = box["x"] + box["width"] * (0.5 + 0.03 * attempt), box["y"] + box["height"] * 0.6
        page.mouse.move(x, y)
        page.wait_for_timeout(500)
        page.mouse.down()
        page.wait_for_timeout(800)
        for i in range(1, 11):
            page.mouse.move(x + 12 * i, y + 3 * i)
            page.wait_for_timeout(60)
        page.mouse.up()
    page.wait_for_timeout(2000)  # time for a pick and its rerun, had one gone out
    assert len(sent) == before
    assert (link(page)["x0"], link(page)["y0"]) == ("2", "-2")
    assert gd.evaluate("gd => JSON.stringify(gd._fullLayout.scene.camera.eye)") != eye  # the scene turned


PLAYBACK = ".st-key-descent-playback .gl-plotly.js-plotly-plot"


def test_where_playback_stops_is_the_explained_step_and_next_goes_on_from_there(page, server):
    """Regression (issue 25): after Play reached step 52, Next went to step 2. Playback sends its step once, when it
    stops (nothing while it plays); the written-out step and Next follow from there."""
    sent = counting(page)
    open_page(page, server, "descent", "f=rosenbrock&opt=momentum&lr=0.001&steps=60")
    gd = chart(page, "descent.playback")
    gd.scroll_into_view_if_needed()
    before = len(sent)
    page.get_by_text("▶ Play").first.click()
    page.wait_for_function(f"() => document.querySelector('{PLAYBACK}').layout.sliders[0].active >= 8", timeout=30_000)
    assert len(sent) == before  # nothing while it plays
    page.get_by_text("❚❚ Pause").first.click()
    page.wait_for_timeout(300)
    active = gd.evaluate("gd => gd._fullLayout.sliders[0].active")
    page.get_by_text(f"Step {active + 1}: θ = (").wait_for(timeout=60_000)
    wait_idle(page)
    assert link(page)["k"] == str(active + 1)
    page.keyboard.press("n")
    page.get_by_text(f"Step {active + 2}: θ = (").wait_for(timeout=60_000)
    wait_idle(page)
    page.wait_for_function(
        f"() => document.querySelector('{PLAYBACK}')._fullLayout.sliders[0].active === {active + 1}", timeout=10_000
    )


def test_a_link_to_a_step_opens_the_figure_at_that_step(page, server):
    open_page(page, server, "descent", "f=lesson_loss&opt=gd&lr=0.1&steps=10&k=6")
    gd = chart(page, "descent.playback")
    page.get_by_text("Step 6: θ = (").wait_for(timeout=60_000)
    page.wait_for_function(f"() => document.querySelector('{PLAYBACK}')._fullLayout.sliders[0].active === 5")
    assert gd.evaluate("gd => gd.data[10].x.length + gd.data[3].x.length - 1") == 6  # the path so far: θ0 … θ5


def test_back_and_next_rerun_only_the_step_and_the_figure_turns_without_being_sent(page, server):
    """Issue 28 item 4: Next reruns only the written-out step (a fragment); the page's charts are not sent again,
    the figure turns to the step in the browser, and the link follows."""
    got = receiving(page)
    open_page(page, server, "descent", "f=himmelblau&opt=adam&lr=0.1&steps=60")
    gd = chart(page, "descent.playback")
    gd.evaluate("gd => { window.__data = gd.data; }")
    page.wait_for_timeout(1500)  # the page settled: no rerun of its opening still on its way
    wait_idle(page)
    # An element outside the rerun part goes stale while the script runs: watch the page's own charts and metrics.
    page.evaluate(
        """() => { window.__stale = [];
            new MutationObserver((changes) => changes.forEach((c) => {
              if (c.target.getAttribute('data-stale') === 'true') window.__stale.push(c.target.className);
            })).observe(document.body, {attributes: true, attributeFilter: ['data-stale'], subtree: true}); }"""
    )
    assert any(b"updatemenus" in frame for frame in got)  # the opening sent the playback figure (and was watched)
    before = len(got)
    page.keyboard.press("n")
    page.get_by_text("Step 2: θ = (").wait_for(timeout=60_000)
    wait_idle(page)
    page.wait_for_function(f"() => document.querySelector('{PLAYBACK}')._fullLayout.sliders[0].active === 1")
    assert gd.evaluate("gd => gd.data === window.__data")  # turned, not drawn again
    after = got[before:]
    assert any("Step 2: θ".encode() in frame for frame in after)  # the step's part reran and was sent
    assert not any(b"updatemenus" in frame for frame in after)  # no figure of the page was sent again
    # The step's own elements go stale while it reruns; the page around it, its charts and controls, must not.
    stale = {token for classes in page.evaluate("() => window.__stale") for token in classes.split()}
    outside = {f"st-key-descent-{key}" for key in ("playback", "progress", "log", "lr", "opt", "steps", "f")}
    assert not stale & outside, stale & outside
    assert link(page)["k"] == "2"


def test_dragging_the_start_on_the_regression_loss_map_redraws_the_fit_path(page, server):
    sent = counting(page)
    open_page(page, server, "regression", "tab=Fit+a+line+to+data&opt=momentum&lr=0.05&steps=30")
    gd = chart(page, "regression.surface")
    x0, y0 = gd.evaluate(
        "gd => gd.gradientLab ? gd.gradientLab.point() : [gd.layout.shapes[0].xanchor, gd.layout.shapes[0].yanchor]"
    )
    (low, high), (bottom, top) = gd.evaluate("gd => [gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range]")
    end = (round(low + 0.3 * (high - low), 2), round(bottom + 0.7 * (top - bottom), 2))
    before = len(sent)
    live_drag(page, gd, (x0, y0), twenty_moves((x0, y0), end), sent)
    assert page.locator(".gl-live path").first.get_attribute("d").count("L") == 30
    preview = gd.evaluate("gd => gd.gradientLab.released")
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('w1_0') === '{end[0]:g}'", timeout=30_000)
    wait_idle(page)
    assert len(sent) - before == 1
    path = gd.evaluate(
        "gd => { const t = gd._fullData.find(d => d.name === 'full batch'); return [[...t.x], [...t.y]]; }"
    )
    assert [path[0][0], path[1][0]] == list(end)
    size = max(abs(v) for v in end)
    assert [number(path[0][-1], scale=size), number(path[1][-1], scale=size)] == [
        preview["values"]["final w1"],
        preview["values"]["final w2"],
    ]
