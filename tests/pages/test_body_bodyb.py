"""Issue 28 item 4 on the descent and several-weights pages: their main slider (the start, the target y) and the
other sidebar controls that change only the charts and numbers rerun the page's body and its link, not the page
around them (ui.parts.body); the numbers and figures still follow, to the last digit.

What only the page's top runs is counted: ``ui.page.begin`` (each page's first call). The descent page's run is
computed in its body now: one call per move of the start, none for a tab's own controls (tests/pages/test_parts).
"""

from __future__ import annotations

import pytest

import ui.page
from core import PRESETS, descend, parse
from core.numbers import number
from tests.pages.conftest import assert_clean, keyed_figure, link_box, open_page, opened, texts, trace
from tests.pages.test_descent_pages import _array
from ui import runs

DESCENT = {"f": "himmelblau", "opt": "adam", "lr": "0.1", "steps": "30"}


@pytest.fixture
def counted(monkeypatch):
    """Calls of the page's top (``begin``) and of the descent page's run, by name."""
    calls: dict[str, list] = {"top": [], "run": []}
    begin, descent = ui.page.begin, runs.descent
    monkeypatch.setattr(ui.page, "begin", lambda *a, **k: calls["top"].append(a) or begin(*a, **k))
    monkeypatch.setattr(runs, "descent", lambda *a, **k: calls["run"].append(a) or descent(*a, **k))
    return calls


def expected_descent(start: tuple[float, float], **more):
    preset = PRESETS[DESCENT["f"]]
    return descend(parse(preset.text), start, optimizer="adam", lr=0.1, steps=30, **more)


def final(at) -> dict[str, str]:
    """The run's end as the step tab shows it: the loss and every weight."""
    return {m.label: m.value for m in at.metric if m.label.startswith("final ") and "∇" not in m.label}


def final_numbers(run) -> dict[str, str]:
    """The same numbers from the run computed here, written as the page writes them."""
    scale = max(abs(v) for v in run.points[0])
    numbers = {f"final {var}": number(v, scale=scale) for var, v in zip("xy", run.points[-1], strict=True)}
    return numbers | {"final loss f(θ)": number(run.values[-1], scale=abs(run.values[0]))}


def test_moving_the_descent_start_reruns_the_body_with_the_new_run(counted):
    at = open_page("pages/descent.py", DESCENT)
    opened(at, "descent.code")  # "Show the code" open: the body writes it again from the new start
    y0 = at.slider(key="descent.y0").value
    counted["top"].clear()
    counted["run"].clear()
    at.slider(key="descent.x0").set_value(-2.5).run()
    assert_clean(at)
    assert counted["top"] == []  # the page around the body did not run
    assert [call[1] for call in counted["run"]] == [(-2.5, y0)]  # the body computed the run once, from the new start
    assert final(at) == final_numbers(expected_descent((-2.5, y0)))
    assert trace(keyed_figure(at, "descent.playback"), "path")["x"] == [-2.5]  # the playback opens at the start
    assert at.query_params["x0"] == "-2.5"  # the address bar follows
    assert "x0=-2.5" in link_box(at, "descent")  # and so does the link box
    assert "w = np.array([-2.5, 0.0])" in texts(at)  # the code runs from the new start
    assert "x ← −2.5 − 0.1 × 28.5 / (√812.25 + 1e-08) = −2.6" in texts(at)  # step 1 by hand, from it too
    assert at.slider(key="descent.x0").value == -2.5  # the sidebar is still the whole page's
    assert at.selectbox(key="descent.f").value == "himmelblau"


def test_the_noise_reruns_the_body_and_its_run_is_the_noisy_one(counted):
    at = open_page("pages/descent.py", DESCENT)
    start = (at.slider(key="descent.x0").value, at.slider(key="descent.y0").value)
    counted["top"].clear()
    at.slider(key="descent.noise").set_value(2.0).run()
    at.number_input(key="descent.seed").set_value(5).run()
    assert_clean(at)
    assert counted["top"] == []
    assert final(at) == final_numbers(expected_descent(start, noise=2.0, seed=5))
    assert "Each step used ∇f(θ) + σ·ε with σ = 2 (seed 5)" in texts(at)  # the noise lesson in the step tab
    assert (at.query_params["noise"], at.query_params["seed"]) == ("2", "5")
    at.slider(key="descent.noise").set_value(0.0).run()  # back to exact gradients: the lesson goes with it
    assert_clean(at)
    assert "Stochastic gradients" not in texts(at)
    assert final(at) == final_numbers(expected_descent(start, seed=5))


def test_the_learning_rate_still_reruns_the_whole_descent_page(counted):
    """η also sets the hyperparameter boxes' and the schedule's sidebar notes: it reruns the page, as before."""
    at = open_page("pages/descent.py", DESCENT)
    counted["top"].clear()
    at.number_input(key="descent.lr").set_value(0.05).run()
    assert_clean(at)
    assert counted["top"]
    assert at.query_params["lr"] == "0.05"


def test_the_weights_target_and_start_rerun_the_body_with_the_lessons_numbers(counted):
    at = open_page("pages/several_weights.py")
    counted["top"].clear()
    at.slider(key="weights.y").set_value(7.0).run()
    assert_clean(at)
    assert counted["top"] == []  # the page around the body did not run
    # L = (w1 + 2w2 − 7)² at (1, 1): r = −4, ∇L = (2r, 4r) = (−8, −16), one step of η = 0.1 → (1.8, 2.6).
    assert {m.label: m.value for m in at.metric} == {"∇L at the start": "(−8, −16)", "new w₁": "1.8", "new w₂": "2.6"}
    assert "L goes from 16 to 0 in one step." in texts(at)
    assert at.query_params["y"] == "7"
    assert "y=7" in link_box(at, "several_weights")
    at.slider(key="weights.w1").set_value(2.0).run()
    at.select_slider(key="weights.eta").set_value(0.05).run()
    assert_clean(at)
    assert counted["top"] == []
    # From (2, 1): r = −3, ∇L = (−6, −12), η = 0.05 → (2.3, 1.6), r = −1.5, L from 9 to 2.25.
    assert {m.label: m.value for m in at.metric} == {"∇L at the start": "(−6, −12)", "new w₁": "2.3", "new w₂": "1.6"}
    assert "L goes from 9 to 2.25 in one step." in texts(at)
    path = trace(keyed_figure(at, "weights.map"), "1 step of gradient descent")
    assert _array(path["x"]).tolist() == pytest.approx([2.0, 2.3], rel=1e-12)
    assert _array(path["y"]).tolist() == pytest.approx([1.0, 1.6], rel=1e-12)
    line = next(d for d in keyed_figure(at, "weights.map")["data"] if d["name"].endswith("1·w₁ + 2·w₂ = 7 (L = 0)"))
    assert _array(line["x"]) + 2 * _array(line["y"]) == pytest.approx([7.0, 7.0], rel=1e-12)
    assert (at.query_params["w1"], at.query_params["eta"]) == ("2", "0.05")
    assert r"\nabla L = \left[" in texts(at)  # the symbolic gradient, drawn from outside the body


def test_a_start_box_of_three_weights_reruns_the_body_from_the_typed_start(counted):
    expr = "(w1 + 2w2 + 3w3 - 6)^2 + w1^2"
    at = open_page("pages/descent.py", {"f": "custom", "expr": expr, "opt": "gd", "lr": "0.01", "steps": "20"})
    counted["top"].clear()
    at.number_input(key="descent.start_w2").set_value(1.5).run()
    assert_clean(at)
    assert counted["top"] == []
    start = tuple(at.number_input(key=f"descent.start_w{i}").value for i in (1, 2, 3))
    assert start[1] == 1.5 and [call[1] for call in counted["run"]][-1] == start
    run = descend(parse(expr), start, optimizer="gd", lr=0.01, steps=20)
    scale = max(abs(v) for v in run.points[0])
    shown = {m.label: m.value for m in at.metric}
    assert [shown[f"final w{i}"] for i in (1, 2, 3)] == [number(v, scale=scale) for v in run.points[-1]]
    assert at.query_params["start_w2"] == "1.5"
