"""Issue 28 item 4: a tab's controls and the step's Back/Next rerun only their part of the page (ui.parts), and
the link follows them; what a chart's click sets still reruns the whole page.

What reran is counted: the whole page (``ui.page.begin``, at every page's top) and the descent page's body (its
run, ``ui.runs.descent``, looked up at the body's top). A descent tab's own controls rerun the body, the tab being
the body; the step's Back/Next rerun only the step. (The start and the noise rerun the body too:
tests/pages/test_body_bodyb.)
"""

from __future__ import annotations

import pytest

from core import ExpressionError
from tests.pages.conftest import assert_clean, figures, link_box, open_page, send_event, texts
from ui import runs

QUERY = {"f": "himmelblau", "opt": "adam", "lr": "0.1", "steps": "30"}


@pytest.fixture
def page_runs(monkeypatch):
    """What reran: "page" for every whole-page run, "body" for every run of the descent page's body."""
    import ui.page

    calls = []
    for module, name, what in ((runs, "descent", "body"), (ui.page, "begin", "page")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, real=real, what=what, **k: calls.append(what) or real(*a, **k))
    return calls


def race_names(at) -> set[str]:
    """The optimizers whose paths the race's map draws (its legend: "Adam, η = 1 (tuned)")."""
    labels = {"Gradient descent": "gd", "Momentum": "momentum", "Nesterov momentum": "nesterov", "Adam": "adam"}
    labels["Newton's method (no η)"] = "newton"
    names = [d.get("name", "") for d in figures(at)[0]["data"]]
    return {labels[n.split(",")[0]] for n in names if n.split(",")[0] in labels}


def test_a_race_control_reruns_only_the_race_and_the_link_follows(page_runs):
    at = open_page("pages/descent.py", QUERY | {"tab": "Compare optimizers"})
    assert race_names(at) == {"gd", "momentum", "nesterov", "adam", "newton"}
    page_runs.clear()
    at.multiselect(key="descent.race").set_value(["gd", "adam"]).run()
    assert_clean(at)
    assert page_runs == ["body"]  # the tab (the page's body) reran, the page around it did not
    assert race_names(at) == {"gd", "adam"}  # the race did, with the new field
    assert at.query_params["race"] == "gd,adam"  # the address bar follows
    assert "race=gd%2Cadam" in link_box(at, "descent")  # and so does the link box
    at.switch_page("pages/partials.py").run()  # nothing lost on a visit elsewhere
    at.switch_page("pages/descent.py").run()
    assert at.multiselect(key="descent.race").value == ["gd", "adam"]


def test_next_reruns_only_the_written_out_step_and_the_link_box_follows(page_runs):
    at = open_page("pages/descent.py", QUERY)
    assert "Step 1: θ" in texts(at)
    page_runs.clear()
    at.button(key="descent.next").click().run()
    assert_clean(at)
    assert page_runs == []  # neither the page nor the body around the step
    assert "Step 2: θ" in texts(at)
    assert "&k=2" in link_box(at, "descent")


def test_a_log_scale_toggle_in_the_tab_reruns_the_tab_not_the_page(page_runs):
    at = open_page("pages/descent.py", QUERY)
    page_runs.clear()
    at.toggle(key="descent.log").set_value(True).run()
    assert_clean(at)
    assert page_runs == ["body"]
    progress = next(f for f in figures(at) if f["layout"].get("yaxis", {}).get("type") == "log")
    assert progress["layout"]["yaxis"]["type"] == "log"
    assert "log=1" in link_box(at, "descent")


def test_a_click_on_the_basin_map_inside_its_tab_reruns_the_body_with_the_sliders_not_the_page(monkeypatch):
    import ui.page

    tops, begin = [], ui.page.begin
    monkeypatch.setattr(ui.page, "begin", lambda *a, **k: tops.append(a) or begin(*a, **k))
    at = open_page("pages/descent.py", {"f": "himmelblau", "opt": "gd", "tab": "Basins of attraction"})
    tops.clear()
    send_event(at, "descent.basins", "pick", {"x": 2.5, "y": -1.5, "via": "click"})
    assert_clean(at)
    # The click moves the start's sliders: the body, which draws them in their place in the sidebar, reruns and
    # shows them (ui.parts.rerun_after_pick); the page's top does not run.
    assert not tops
    assert (at.slider(key="descent.x0").value, at.slider(key="descent.y0").value) == (2.5, -1.5)
    assert at.query_params["x0"] == "2.5"
    assert "x0=2.5" in link_box(at, "descent")


def test_a_click_on_a_map_whose_point_is_drawn_outside_the_body_reruns_the_page(monkeypatch):
    import ui.page

    tops, begin = [], ui.page.begin
    monkeypatch.setattr(ui.page, "begin", lambda *a, **k: tops.append(a) or begin(*a, **k))
    at = open_page("pages/backprop.py", {})
    tops.clear()
    send_event(at, "backprop.surface", "pick", {"x": 0.5, "y": -0.5, "via": "click"})
    assert_clean(at)
    assert tops  # the start of training is drawn outside the body: the page reran, as it must
    assert (at.query_params["sx"], at.query_params["sy"]) == ("0.5", "-0.5")


@pytest.mark.parametrize(
    ("path", "chart", "point", "settings"),
    [
        ("pages/gradient.py", "gradient.contour", ("x0", "y0"), {"arrows", "norm", "theta"}),
        ("pages/partials.py", "partials.map", ("x0", "y0"), {"h", "plane"}),
        ("pages/curvature.py", "curvature.hessian", ("x0", "y0"), set()),
        ("pages/several_weights.py", "weights.map", ("w1", "w2"), {"y", "eta", "steps"}),
    ],
)
def test_a_click_and_a_move_of_p_redraw_the_body_and_ps_sliders_not_the_settings(
    monkeypatch, path, chart, point, settings
):
    """P's sliders are the body's own (ui.parts.drawn_by_the_body): a click on the map and a move of a slider each
    rerun the body alone, which draws the sliders with their new values; the settings' part in the sidebar and the
    page's top do not run."""
    import ui.controls
    import ui.page

    drawn, tops = [], []
    draw, begin = ui.controls.Page.draw, ui.page.begin
    monkeypatch.setattr(ui.controls.Page, "draw", lambda p, c, *a, **k: drawn.append(c.name) or draw(p, c, *a, **k))
    monkeypatch.setattr(ui.page, "begin", lambda *a, **k: tops.append(a) or begin(*a, **k))
    at = open_page(path)
    assert settings <= set(drawn)  # the page's run drew them all
    prefix = path.split("/")[1].removesuffix(".py").replace("several_", "")
    x, y = (at.slider(key=f"{prefix}.{name}") for name in point)
    target = (x.min + 0.25 * (x.max - x.min), y.min + 0.75 * (y.max - y.min))
    drawn.clear(), tops.clear()
    send_event(at, chart, "pick", {"x": target[0], "y": target[1], "via": "click"})
    assert_clean(at)
    assert not tops and set(drawn) == set(point)  # the body drew P's sliders; nothing else was drawn
    shown = (at.slider(key=f"{prefix}.{point[0]}").value, at.slider(key=f"{prefix}.{point[1]}").value)
    assert shown == pytest.approx(target, abs=max(x.step, y.step))
    assert at.query_params[point[0]] == str(shown[0]).removesuffix(".0")
    drawn.clear()
    at.slider(key=f"{prefix}.{point[0]}").set_value(x.max).run()
    assert_clean(at)
    assert not tops and set(drawn) == set(point)
    assert float(at.query_params[point[0]]) == x.max


def test_a_body_rerun_writes_the_address_bar_and_counts_its_cpu_once_with_the_step_inside_it(monkeypatch):
    """Descent's step is a part inside the body: rerunning with the body, it leaves the address bar and the fair
    share to the body (each was done twice); rerunning alone (Next), it does both itself."""
    import contextlib

    from streamlit.runtime.state.query_params import QueryParams

    import ui.guard
    import ui.page

    relinks, shares = [], []
    relink, share = ui.page.relink, ui.guard.fair_share
    monkeypatch.setattr(ui.page, "relink", lambda page: relinks.append(page) or relink(page))

    @contextlib.contextmanager
    def counted_share():
        shares.append(1)
        with share():
            yield

    monkeypatch.setattr(ui.guard, "fair_share", counted_share)
    # Each write of the address bar is a message to the browser: one per run, at its end.
    writes = []
    sent = QueryParams._send_query_param_msg
    monkeypatch.setattr(QueryParams, "_send_query_param_msg", lambda self: writes.append(1) or sent(self))
    at = open_page("pages/descent.py", QUERY)
    relinks.clear(), shares.clear(), writes.clear()
    at.slider(key="descent.x0").set_value(-2.0).run()
    assert_clean(at)
    assert (len(relinks), len(shares), len(writes)) == (1, 1, 1)
    assert at.query_params["x0"] == "-2"
    relinks.clear(), shares.clear(), writes.clear()
    at.button(key="descent.next").click().run()
    assert_clean(at)
    assert (len(relinks), len(shares), len(writes)) == (1, 1, 1)
    assert at.query_params["k"] == "2"


def test_an_error_in_a_part_rerunning_alone_is_the_pages_message_with_its_last_good_state(monkeypatch):
    at = open_page("pages/descent.py", QUERY | {"tab": "Compare optimizers"})
    real = runs.race

    def failing(f, start, field, steps):
        if len(field) == 1:
            raise ExpressionError("the race is too long to run here.")
        return real(f, start, field, steps)

    monkeypatch.setattr(runs, "race", failing)
    at.multiselect(key="descent.race").set_value(["gd"]).run()
    assert_clean(at)
    assert any("Not used" in w.value and "too long to run here" in w.value for w in at.warning)
    assert at.multiselect(key="descent.race").value == ["gd", "momentum", "nesterov", "adam", "newton"]
    assert "race=gd%2Cmomentum" in link_box(at, "descent")


def test_the_backprop_step_slider_and_next_redraw_only_the_graph(monkeypatch):
    """The walk-through's step: the graph and the step written out rerun; the loss surface (computed below the
    graph, outside its part) is not computed again."""
    import core.backprop
    import ui.recording

    surfaces, recordings = [], []
    real, buttons = core.backprop.loss_surface, ui.recording.walkthrough_buttons
    monkeypatch.setattr(core.backprop, "loss_surface", lambda *a, **k: surfaces.append(a) or real(*a, **k))
    monkeypatch.setattr(ui.recording, "walkthrough_buttons", lambda *a, **k: recordings.append(a) or buttons(*a, **k))
    at = open_page("pages/backprop.py")
    assert len(surfaces) == len(recordings) == 1
    at.slider(key="backprop.step").set_value(5).run()
    assert_clean(at)
    at.button(key="backprop.next").click().run()
    assert_clean(at)
    assert len(surfaces) == 1  # the page below the graph did not run again
    assert len(recordings) == 1  # nor the walk-through's GIF and MP4 buttons, the same at every step
    assert {b.label for b in at.get("download_button")} >= {"🎞 GIF for slides", "🎬 MP4 video"}  # still there
    assert "**Step 6 of" in "\n".join(m.value for m in at.markdown)
    assert at.query_params["step"] == "6"
    assert "step=6" in link_box(at, "backprop")


def test_after_a_tab_switch_a_control_reruns_the_open_tab_only(monkeypatch):
    """Regression: Streamlit keeps a keyed part registered after its tab closed; with one key for every tab, a race
    control also reran the closed "Step by step" tab (and on the regression page its link failed)."""
    import viz.descent

    drawn = []
    race, progress = runs.race, viz.descent.progress_figure
    monkeypatch.setattr(runs, "race", lambda *a, **k: drawn.append("race") or race(*a, **k))
    monkeypatch.setattr(viz.descent, "progress_figure", lambda *a, **k: drawn.append("step") or progress(*a, **k))
    at = open_page("pages/descent.py", QUERY)
    at.segmented_control(key="descent.tab").set_value("Compare optimizers").run()
    drawn.clear()
    at.multiselect(key="descent.race").set_value(["gd", "adam"]).run()
    assert_clean(at)
    assert drawn == ["race"]  # the race's tab reran, the closed step tab did not
    at = open_page("pages/regression.py")
    at.segmented_control(key="regression.tab").set_value("Fit a line to data").run()
    at.radio(key="regression.batch").set_value("8").run()
    assert_clean(at)
    assert at.query_params["batch"] == "8"


def test_after_the_page_above_the_body_changed_a_move_reruns_the_body_once():
    """Regression (the test harness): a custom function changes what is drawn above the partials page's body, so
    the body's part has a new place; AppTest's page runs end in ``st.stop`` and never forgot the old place, and a
    move of P then reran the body twice (a duplicate key, the last-resort message). bench.apptest forgets it, as
    the server does when a run ends."""
    at = open_page("pages/partials.py")
    at.selectbox(key="partials.f").set_value("custom").run()
    at.slider(key="partials.x0").set_value(1.0).run()
    assert_clean(at)
    assert len(figures(at)) == 4
    assert at.query_params["x0"] == "1"


def test_a_tab_is_no_part_of_its_own_on_any_page_and_the_step_keeps_its_part(monkeypatch):
    """A tab is the body (descent) or all of it but a closed expander (regression, curvature): a part of its own in
    or around the body is one more level of Streamlit's bookkeeping on every move of the body's controls. The step
    keeps its part: Back and Next rerun it alone."""
    import ui.parts

    drawn = []
    real = ui.parts.part
    monkeypatch.setattr(ui.parts, "part", lambda page, name, draw: drawn.append(name) or real(page, name, draw))
    open_page("pages/descent.py", QUERY)
    assert "body" in drawn and "step" in drawn
    assert not [name for name in drawn if name.startswith("tab")]
    for path, tab in (("pages/regression.py", "Fit a line to data"), ("pages/curvature.py", "Saddle escape")):
        drawn.clear()
        at = open_page(path)
        at.segmented_control(key=f"{path.split('/')[1].removesuffix('.py')}.tab").set_value(tab).run()
        assert_clean(at)
        assert "body" in drawn and not [name for name in drawn if name.startswith("tab")]
