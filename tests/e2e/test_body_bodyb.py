"""Issue 28 item 4 in Chromium on the descent and several-weights pages: a click on the main slider reruns the
page's body and its link only (what the server sends holds the new numbers, never the page's opening sentence),
the sidebar stays whole, and the address bar and the shown numbers follow. On the descent page a tab switch, now
inside the body, still puts the tab into the link."""

from __future__ import annotations

from bench.harness import slider_point, wait_idle
from tests.e2e.test_direct_manipulation import link, open_page
from tests.e2e.test_live_drag import metrics, receiving


def settled(page) -> None:
    page.wait_for_timeout(1500)  # the page's opening reruns are over
    wait_idle(page)


def click(page, key: str, fraction: float, name: str) -> None:
    """Click the slider ``key`` at ``fraction`` of its track and wait until the link's ``name`` changed."""
    before = link(page).get(name)
    page.mouse.click(*slider_point(page, key, fraction))
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('{name}') !== '{before}'", timeout=60_000)
    wait_idle(page)


def sidebar_sliders(page) -> int:
    return page.get_by_test_id("stSidebar").get_by_test_id("stSlider").count()


def test_the_descent_start_reruns_the_body_and_the_numbers_and_the_link_follow(page, server):
    got = receiving(page)
    open_page(page, server, "descent", "f=himmelblau&opt=adam&lr=0.1&steps=30")
    page.get_by_text("final x").first.wait_for(timeout=60_000)
    settled(page)
    opening = b"Partial derivatives in action"  # drawn by a whole-page run only
    assert any(opening in frame for frame in got)
    sliders, before = sidebar_sliders(page), metrics(page)["final x"]
    sent = len(got)
    click(page, "descent.x0", 0.1, "x0")
    after = got[sent:]
    assert after and not any(opening in frame for frame in after)  # the body reran, not the page around it
    assert float(link(page)["x0"]) < -3.5  # a tenth along a ±5 track
    assert metrics(page)["final x"] != before  # the run from the new start is shown
    assert sidebar_sliders(page) == sliders  # the sidebar is whole
    assert page.get_by_test_id("stException").count() == 0
    page.get_by_role("radio", name="Compare optimizers").click()  # the views switch is inside the body now
    page.wait_for_function("() => new URLSearchParams(location.search).get('tab') === 'Compare optimizers'")
    wait_idle(page)
    assert float(link(page)["x0"]) < -3.5


def test_the_weights_target_reruns_the_body_and_the_numbers_and_the_link_follow(page, server):
    got = receiving(page)
    open_page(page, server, "several_weights", "")
    page.get_by_text("new w₁").first.wait_for(timeout=60_000)
    settled(page)
    opening = b"moves every weight at once"
    assert any(opening in frame for frame in got)
    assert metrics(page)["new w₁"] == "1.4"  # the lesson's step, y = 5
    sliders, sent = sidebar_sliders(page), len(got)
    click(page, "weights.y", 0.7, "y")  # y = 7 on the 0 … 10 track
    after = got[sent:]
    assert after and not any(opening in frame for frame in after)
    assert link(page)["y"] == "7"
    # L = (w1 + 2w2 − 7)² at (1, 1): ∇L = (−8, −16), η = 0.1 → (1.8, 2.6).
    assert {k: metrics(page)[k] for k in ("new w₁", "new w₂")} == {"new w₁": "1.8", "new w₂": "2.6"}
    assert sidebar_sliders(page) == sliders
    assert page.get_by_test_id("stException").count() == 0
