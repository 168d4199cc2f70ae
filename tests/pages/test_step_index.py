"""One step index on the descent page (issue 25): the explained step k is a declared control, in the link as k;
the figure is turned to its frame k − 1 whatever set it — the link, Back/Next, the figure's slider or playback,
a preset change (which starts again at step 1)."""

from __future__ import annotations

import json

from tests.pages.conftest import assert_clean, open_page, send_event

QUERY = {"f": "lesson_loss", "opt": "gd", "lr": "0.1", "steps": "10"}


def shown(at) -> tuple[int, int, str]:
    """(k on the step slider, the frame the figure is turned to, the written-out step's first words)."""
    frame = next(e for e in at.get("bidi_component") if e.proto.id.endswith("descent.playback.frame"))
    turned = json.loads(frame.proto.json)["frame"]
    step = next(m.value for m in at.markdown if m.value.startswith("Step "))
    return at.slider(key="descent.k").value, turned, step.split(":")[0]


def test_the_link_sets_the_explained_step_and_the_figure_follows():
    at = open_page("pages/descent.py", {**QUERY, "k": "5"})
    assert_clean(at)
    assert shown(at) == (5, 4, "Step 5")
    assert at.query_params["k"] == "5"


def test_a_step_outside_the_run_in_a_link_is_refused_with_a_message():
    at = open_page("pages/descent.py", {**QUERY, "k": "99"})
    assert_clean(at)
    assert shown(at) == (1, 0, "Step 1")
    assert any("“k”" in w.value and "99" in w.value for w in at.warning)


def test_back_next_and_the_figures_slider_move_the_one_step():
    at = open_page("pages/descent.py", {**QUERY, "k": "3"})
    at.button(key="descent.next").click().run()
    assert shown(at) == (4, 3, "Step 4")
    at.run()  # Next reran the step's part alone: AppTest then holds only that part; the figure is in the page's
    send_event(at, "descent.playback", "step", 7)  # the figure's slider or playback stopped at frame 7
    assert shown(at) == (8, 7, "Step 8")
    at.button(key="descent.next").click().run()  # Next goes on from there, not from before the playback
    assert shown(at) == (9, 8, "Step 9")
    at.button(key="descent.prev").click().run()
    assert shown(at) == (8, 7, "Step 8")
    assert at.query_params["k"] == "8"


def test_another_function_starts_again_at_step_one():
    at = open_page("pages/descent.py", {**QUERY, "k": "5"})
    at.selectbox(key="descent.f").set_value("himmelblau").run()
    assert_clean(at)
    assert shown(at) == (1, 0, "Step 1")
