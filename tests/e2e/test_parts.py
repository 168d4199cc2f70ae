"""Issue 28 item 4 in Chromium: a tab's control reruns only that tab (and the page's link), shown by what the server
sends: the tab's new text, never the page around it (its opening sentence, the sidebar's controls)."""

from __future__ import annotations

from bench.harness import wait_idle
from tests.e2e.test_direct_manipulation import chart, link, open_page
from tests.e2e.test_live_drag import receiving

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
    box = page.get_by_test_id("stCode").filter(has_text="/descent?").first
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
