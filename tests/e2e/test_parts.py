"""Issue 28 item 4 in Chromium: a tab's control reruns only that tab (and the page's link), shown by what the server
sends: the tab's new text, never the page around it (its opening sentence, the sidebar's controls)."""

from __future__ import annotations

import urllib.parse

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from bench.harness import slider_point, wait_idle
from bench.pages import INTERACTIONS, SLUGS
from core.numbers import number
from tests.e2e.test_direct_manipulation import chart, link, open_page, pixel
from tests.e2e.test_live_drag import metrics, receiving

AROUND = (b"Partial derivatives in action", "Learning rate η".encode())  # drawn only by a whole-page run


def test_a_race_control_reruns_only_the_race_and_the_link_box_follows(page, server):
    got = receiving(page)
    open_page(page, server, "descent", "f=himmelblau&opt=adam&lr=0.1&steps=60&tab=Compare+optimizers")
    chart(page, "descent.race_fig")
    page.wait_for_timeout(1500)  # the page settled: no rerun of its opening still on its way
    wait_idle(page)
    assert all(any(text in frame for frame in got) for text in AROUND)  # a whole-page run sends them (and was watched)
    before = len(got)
    page.get_by_text("one shared η").click()
    page.get_by_text("Shared: every optimizer runs with η = 0.1.").wait_for(timeout=60_000)
    wait_idle(page)
    after = got[before:]
    assert any(b"Shared: every optimizer runs with" in frame for frame in after)  # the race's part reran
    assert not any(text in frame for frame in after for text in AROUND)  # the page around it did not
    assert link(page)["race_lr"] == "shared"  # the address bar follows
    page.get_by_text("Link to this view").click()
    box = page.locator(".gl-link-url").filter(has_text="/descent?").first
    assert "race_lr=shared" in box.inner_text()  # and so does the link box


def test_the_backprop_next_button_redraws_only_the_graph_and_its_step(page, server):
    got = receiving(page)
    open_page(page, server, "backprop", "step=1")
    chart(page, "backprop.graph")
    page.wait_for_timeout(1500)
    wait_idle(page)
    below = b"Through time: one recurrent unit"  # a heading below the graph's part
    assert any(below in frame for frame in got)
    before = len(got)
    page.get_by_role("button", name="Next ▶").click()
    page.get_by_text("Step 2 of").wait_for(timeout=60_000)
    wait_idle(page)
    after = got[before:]
    assert any(b"Step 2 of" in frame for frame in after)
    assert not any(text in frame for frame in after for text in (below, "Learning rate η".encode()))
    assert link(page)["step"] == "2"


def test_checking_an_answer_reruns_only_its_question(page, server):
    got = receiving(page)
    open_page(page, server, "partials", "f=lesson_sin")
    chart(page, "partials.slice_x")
    page.wait_for_timeout(1500)
    wait_idle(page)
    around = b"The limit definition"  # the page's own heading, above the questions
    assert any(around in frame for frame in got)
    before = len(got)
    box = page.locator(".st-key-partials-check1-answer input")
    box.fill("6x + 2y")
    box.press("Enter")
    page.get_by_text("Correct").first.wait_for(timeout=60_000)
    wait_idle(page)
    after = got[before:]
    assert any(b"Correct" in frame for frame in after)  # the question's verdict was sent
    assert not any(around in frame for frame in after)  # the page around it was not


# The sidebar's controls that rerun only a page's body (ui.parts.rerunning_the_body, or P's sliders, which the body
# draws itself: ui.parts.drawn_by_the_body), one per page: moved, the browser asks the server for a part, never for
# the page (whose run the browser would first re-render the whole page for, though it never happens), and the body
# and the link follow. The main sliders of bench/pages.py.
SIDEBAR_PARTS = {SLUGS[path]: (query, key) for path, (query, key, _) in INTERACTIONS.items() if "backprop" not in path}


def sending(page) -> list[BackMsg]:
    """Every message the page sends the server from now on (Streamlit's back messages)."""
    sent: list[BackMsg] = []

    def keep(payload: str | bytes) -> None:
        message = BackMsg()
        message.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
        sent.append(message)

    page.on("websocket", lambda ws: ws.on("framesent", keep))
    return sent


@pytest.mark.parametrize("slug", sorted(SIDEBAR_PARTS))
def test_a_sidebar_slider_asks_for_its_part_and_the_body_and_the_link_follow(page, server, slug):
    query, key = SIDEBAR_PARTS[slug]
    sent = sending(page)
    open_page(page, server, slug, urllib.parse.urlencode(query))
    page.locator(".js-plotly-plot .main-svg").first.wait_for(state="visible", timeout=60_000)
    wait_idle(page)
    name = key.split(".", 1)[1]
    shown = link(page).get(name)
    before = len(sent)
    page.mouse.click(*slider_point(page, key, 0.3))
    page.wait_for_function(f"() => new URLSearchParams(location.search).get({name!r}) !== {shown!r}", timeout=30_000)
    wait_idle(page)
    reruns = [message.rerun_script for message in sent[before:] if message.WhichOneof("type") == "rerun_script"]
    assert len(reruns) == 1
    assert reruns[0].fragment_id  # a part's rerun (the body, or the sidebar's controls), not the page's
    assert float(link(page)[name]) != float(shown or "nan")


def test_with_the_exact_boxes_open_the_slider_and_the_boxes_agree(page, server):
    """The boxes, drawn by the body with P's sliders, show the point the charts use, whichever of them moved it."""
    open_page(page, server, "gradient", "f=lesson_quadratic&x0=0.5&y0=0.5")
    page.locator(".js-plotly-plot .main-svg").first.wait_for(state="visible", timeout=60_000)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Type exact coordinates").click()
    boxes = sidebar.get_by_test_id("stNumberInput").locator("input")
    boxes.first.wait_for(timeout=30_000)
    wait_idle(page)
    assert boxes.first.input_value() == "0.5"
    page.mouse.click(*slider_point(page, "gradient.x0", 0.8))
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') !== '0.5'", timeout=30_000)
    wait_idle(page)
    x0 = link(page)["x0"]
    assert float(boxes.first.input_value()) == float(x0) > 1  # the box shows where the slider put P
    boxes.nth(1).fill("-1.25")
    boxes.nth(1).press("Enter")
    page.wait_for_function("() => new URLSearchParams(location.search).get('y0') === '-1.25'", timeout=30_000)
    wait_idle(page)
    x, y = float(x0), -1.25
    assert metrics(page)["∂f/∂y(P)"] == number(2 * x + 2 * y)  # the body follows the typed y₀: ∂f/∂y = 2x + 2y
    assert page.get_by_test_id("stException").count() == 0


def test_a_click_on_the_map_reruns_the_body_with_ps_sliders_not_the_settings_or_the_page(page, server):
    """A pick moves the point's sliders: the body, which draws them, reruns and shows their new values (the exact
    boxes too, open) with the charts and the link; the settings' part (θ, the arrows) and the page around them are
    not sent again."""
    got = receiving(page)
    open_page(page, server, "gradient", "f=lesson_quadratic&x0=0.5&y0=0.5")
    gd = chart(page, "gradient.contour")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Type exact coordinates").click()
    boxes = sidebar.get_by_test_id("stNumberInput").locator("input")
    boxes.first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # the page settled: no rerun of its opening still on its way
    wait_idle(page)
    around = "The gradient ∇f collects the partial derivatives".encode()  # the page's opening: a page run sends it
    assert any(around in frame for frame in got)
    before = len(got)
    page.mouse.click(*pixel(gd, 1.0, -2.0))
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') !== '0.5'", timeout=30_000)
    wait_idle(page)
    x, y = float(link(page)["x0"]), float(link(page)["y0"])
    assert (x, y) == (pytest.approx(1.0, abs=0.025), pytest.approx(-2.0, abs=0.025))
    thumbs = sidebar.get_by_test_id("stSliderThumbValue").all_inner_texts()
    assert [float(value) for value in thumbs[:2]] == [x, y]  # the sliders moved
    assert [float(boxes.nth(i).input_value()) for i in (0, 1)] == [x, y]  # and so did the boxes
    assert metrics(page)["∂f/∂x(P)"] == number(6 * x + 2 * y)  # the body: ∂f/∂x = 6x + 2y at the clicked P
    assert not any(around in frame for frame in got[before:])  # the page around them was not sent again
    assert not any("Direction θ of u".encode() in frame for frame in got[before:])  # nor were the settings
    assert any(b"Type exact coordinates" in frame for frame in got[before:])  # the body's own sidebar part
    assert page.get_by_test_id("stException").count() == 0


@pytest.mark.parametrize("boxes_open", [False, True], ids=["sliders", "sliders-and-boxes"])
def test_a_click_that_puts_p_at_the_low_end_of_a_slider_moves_its_thumb_there(page, server, boxes_open):
    """A click at the map's left edge puts x₀ at its slider's low end, the value a slider is drawn with (the state
    then overrides it): Streamlit moves a thumb only to a value other than that one unless the state is new in the
    run that draws it."""
    open_page(page, server, "gradient", "f=lesson_quadratic&x0=1.5&y0=0.5")
    gd = chart(page, "gradient.contour")
    sidebar = page.get_by_test_id("stSidebar")
    if boxes_open:
        sidebar.get_by_text("Type exact coordinates").click()
        sidebar.get_by_test_id("stNumberInput").locator("input").first.wait_for(timeout=30_000)
    wait_idle(page)
    page.mouse.click(*pixel(gd, -2.99, -1.0))
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') === '-3'", timeout=30_000)
    wait_idle(page)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid=stSidebar] [data-testid=stSliderThumbValue]')]
             .slice(0, 2).map((e) => parseFloat(e.innerText)).join() === '-3,-1'""",
        timeout=10_000,
    )
    assert metrics(page)["∂f/∂x(P)"] == number(6 * -3.0 + 2 * -1.0)


def test_the_code_is_written_once_its_expander_opens_and_follows_the_start_while_open(page, server):
    """'Show the code' is written only while open (ui.render.code_snippet): opening it shows the snippet for the
    start on screen, and a move of the start rewrites it."""
    open_page(page, server, "descent", "f=himmelblau&opt=adam&lr=0.1&steps=60&x0=0.5&y0=-1")
    chart(page, "descent.playback")
    main = page.get_by_test_id("stMain")
    assert main.get_by_text("import sympy as sp").count() == 0  # closed: not on the page at all
    main.get_by_text("Show the code").click()
    code = main.get_by_test_id("stCode").filter(has_text="import sympy as sp")
    code.wait_for(timeout=30_000)
    assert "w = np.array([0.5, -1.0])" in code.inner_text()
    assert "lr = 0.1" in code.inner_text()
    page.mouse.click(*slider_point(page, "descent.x0", 0.8))
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') !== '0.5'", timeout=30_000)
    wait_idle(page)
    x0 = float(link(page)["x0"])
    assert f"w = np.array([{x0!r}, -1.0])" in code.inner_text()
