"""AppTest for the descent and regression pages: the lesson's step, playback, divergence, every optimizer."""

import json

import numpy as np
import pytest

from core import OPTIMIZERS, PRESETS
from core.regression import least_squares, make_dataset
from tests.pages.conftest import assert_clean, figures, open_page, texts
from viz.descent import DYNAMIC, TRACES

MODEL = "Fit a line to data"


def playback(at):
    return next(f for f in figures(at) if f.get("frames"))


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_descent_page_renders_every_preset_in_every_tab(preset):
    at = open_page("pages/descent.py", {"f": preset})
    assert_clean(at)
    assert len(figures(at)) == 2  # the playback and the per-step curves
    for tab in ["Compare optimizers", "Learning-rate sweep", "Basins of attraction"]:
        at.segmented_control(key="descent.tab").set_value(tab).run()
        assert_clean(at)
        assert figures(at) or tab == "Basins of attraction"


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_descent_page_renders_every_optimizer_with_its_state(optimizer):
    at = open_page("pages/descent.py", {"f": "himmelblau", "opt": optimizer, "lr": "0.01", "steps": "40"})
    assert_clean(at)
    fig = playback(at)
    assert len(fig["frames"]) == 41
    explained = at.code[0].value
    state_line = {"gd": "← ", "momentum": "b = ", "nesterov": "b = ", "adagrad": "s = ", "rmsprop": "v = "}
    state_line |= {"adam": "m̂ = ", "adamw": "m̂ = ", "newton_damped": "H⁻¹∇L for this weight"}
    assert state_line.get(optimizer, "−H⁻¹∇L") in explained


def test_the_lessons_step_is_written_out_on_the_descent_page():
    at = open_page("pages/descent.py", {"f": "lesson_loss", "opt": "gd", "lr": "0.1", "steps": "10"})
    assert_clean(at)
    lines = at.code[0].value.splitlines()
    assert lines == ["w1 ← 1.0 − 0.1 × (−4.0) = 1.4", "w2 ← 1.0 − 0.1 × (−8.0) = 1.8"]


def test_playback_has_steps_plus_one_frames_and_needs_no_rerun():
    at = open_page("pages/descent.py", {"f": "rosenbrock", "opt": "adam", "lr": "0.05", "steps": "120"})
    fig = playback(at)
    assert len(fig["frames"]) == 121
    assert len(fig["layout"]["sliders"][0]["steps"]) == 121
    assert all(step["method"] == "animate" for step in fig["layout"]["sliders"][0]["steps"])
    assert fig["layout"]["updatemenus"][0]["buttons"][0]["method"] == "animate"


def test_stepping_the_explanation_with_the_buttons():
    at = open_page("pages/descent.py", {"f": "lesson_loss", "opt": "momentum", "lr": "0.05", "steps": "5"})
    assert (at.button(key="descent.prev").label, at.button(key="descent.next").label) == ("◀ Back", "Next ▶")
    at.button(key="descent.next").click().run()
    assert at.slider(key="descent.k").value == 2
    assert "Step 2:" in texts(at)
    at.button(key="descent.prev").click().run()
    at.button(key="descent.prev").click().run()
    assert at.slider(key="descent.k").value == 1


def test_a_diverging_setting_shows_the_message_and_a_finite_path():
    query = {"f": "custom", "expr": "x^2 + y^2", "x0": "1", "y0": "1", "opt": "gd", "lr": "1.5", "steps": "100"}
    at = open_page("pages/descent.py", query)
    assert_clean(at)
    assert any("Diverged at step 20" in e.value for e in at.error)
    fig = playback(at)
    last = fig["frames"][-1]  # the path revealed to its last step: the earlier chunks (in its baseframe) and its own
    head = next(f for f in fig["frames"] if f["name"] == last.get("baseframe", last["name"]))
    done = head["data"][head["traces"].index(TRACES.index("done2d"))]
    now = last["data"][DYNAMIC.index("path2d")]
    path = np.concatenate([_array(done["x"]), _array(now["x"])[1:]])
    assert len(path) == 20 and np.isfinite(path).all()


def _array(value):
    """A plotly JSON array: a plain list, or a typed array {'dtype', 'bdata'} (base64)."""
    if isinstance(value, dict):
        import base64

        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.array(value, dtype=float)


def test_more_than_two_variables_work_without_a_surface():
    at = open_page("pages/descent.py", {"f": "custom", "expr": "(w1 + 2w2 + 3w3 - 6)^2 + w1^2", "opt": "adam"})
    assert_clean(at)
    assert any("no surface" in i.value for i in at.info)
    assert not [f for f in figures(at) if f.get("frames")]
    title = "Loss, gradient norm and weights per step"
    progress = next(f for f in figures(at) if f["layout"].get("title", {}).get("text") == title)
    assert [d["name"] for d in progress["data"]] == ["loss f", "|∇f|", "w1", "w2", "w3"]
    assert at.number_input(key="descent.start_w3").value == 0.5


def test_only_the_open_tab_computes_and_a_link_can_open_any_tab():
    query = {"f": "himmelblau", "opt": "gd", "lr": "0.01", "steps": "100"}
    at = open_page("pages/descent.py", query)
    assert not [d for f in figures(at) for d in f["data"] if d["type"] == "heatmap"]
    race = open_page("pages/descent.py", query | {"tab": "Compare optimizers"})
    assert_clean(race)
    names = [d.get("name", "") for f in figures(race) for d in f["data"]]
    # Tuned by default: each legend entry says its η and where it came from (the grid's choice for this start).
    assert {
        "Gradient descent, η = 0.02 (tuned)",
        "Momentum, η = 0.02 (tuned)",
        "Nesterov momentum, η = 0.01 (tuned)",
        "Adam, η = 1 (tuned)",
        "Newton's method (no η)",
    } <= set(names)
    shared = open_page("pages/descent.py", query | {"tab": "Compare optimizers", "race_lr": "shared"})
    names = [d.get("name", "") for f in figures(shared) for d in f["data"]]
    assert {"Gradient descent, η = 0.01 (shared)", "Adam, η = 0.01 (shared)", "Newton's method (no η)"} <= set(names)
    assert shared.query_params["race_lr"] == "shared"  # the choice stays in the link
    sweep = open_page("pages/descent.py", query | {"tab": "Learning-rate sweep"})
    assert [a["text"] for a in figures(sweep)[0]["layout"]["annotations"]][:2] == ["η = 0.001", "η = 0.01"]
    basins = open_page("pages/descent.py", query | {"tab": "Basins of attraction"})
    heatmaps = [d for f in figures(basins) for d in f["data"] if d["type"] == "heatmap"]
    assert heatmaps and "minimum 1" in json.dumps(heatmaps[0]["text"])


def test_switching_tabs_in_a_session():
    at = open_page("pages/descent.py", {"f": "rastrigin"})
    at.segmented_control(key="descent.tab").set_value("Basins of attraction").run()
    assert_clean(at)
    assert [d for f in figures(at) for d in f["data"] if d["type"] == "heatmap"]


def test_steps_csv_download_is_offered():
    at = open_page("pages/descent.py", {"f": "lesson_loss"})
    assert at.get("download_button")


def test_regression_lesson_tab_builds_on_step_3_and_never_repeats_its_hand_step():
    """Regression (issue 25): the tab repeated step 3's hand step to (1.4, 1.8). It links back to step 3 and shows
    what the next steps do: the residual r = w₁ + 2w₂ − 5 times 1 − 10η per step."""
    at = open_page("pages/regression.py")
    assert_clean(at)
    assert not at.metric  # no "new w₁ / new w₂" metrics
    assert not any("w1 ←" in c.value for c in at.code)  # no written-out step
    links = [e.proto.page for e in at.get("page_link")]
    assert "several_weights" in links  # the link back to step 3 (the hand step)
    table = at.dataframe[0].value
    assert table["r = w₁ + 2w₂ − 5"].tolist()[:3] == ["−2", "0", "0"]
    assert any("first step lands exactly on the line of zero loss" in m.value for m in at.markdown)
    halving = open_page("pages/regression.py", {"lr": "0.05"})
    assert halving.dataframe[0].value["r = w₁ + 2w₂ − 5"].tolist()[:4] == ["−2", "−1", "−0.5", "−0.25"]
    assert any("shrinks the residual to 0.5 of itself" in m.value for m in halving.markdown)
    assert r"\nabla L = 2r" in texts(at)


def test_regression_descent_reaches_least_squares():
    at = open_page("pages/regression.py", {"opt": "gd", "lr": "0.1", "steps": "500", "seed": "0", "tab": MODEL})
    target = least_squares(make_dataset(seed=0))
    metrics = {m.label: m.value for m in at.metric}
    w1, w2 = (float(metrics[f"w{i} (step 500)"].replace("−", "-")) for i in "₁₂")
    assert w1 == pytest.approx(target[0], rel=1e-3) and w2 == pytest.approx(target[1], rel=1e-3)  # 4 digits shown


def test_minibatch_mode_changes_the_path():
    at = open_page("pages/regression.py", {"opt": "gd", "lr": "0.05", "steps": "50", "tab": MODEL})
    before = figures(at)[1]
    at.radio(key="regression.batch").set_value("4").run()
    assert_clean(at)
    assert figures(at)[1] != before


@pytest.mark.parametrize(
    "content",
    [b"", b"a,b,c\n1,2,3\n", b"x,y\n1,zz\n2,3\n3,4\n", b"x,y\n1,inf\n2,3\n3,4\n", b"\x00\x01\x02", b"x" * 300_000],
)
def test_a_bad_csv_shows_an_error_and_keeps_the_generated_data(content):
    at = open_page("pages/regression.py", {"tab": MODEL})
    at.file_uploader(key="regression.csv").upload("data.csv", content, "text/csv").run()
    assert_clean(at)
    assert any("CSV not used" in e.value for e in at.error)
    assert "generated" in texts(at)


def test_a_good_csv_is_used():
    at = open_page("pages/regression.py", {"tab": MODEL})
    at.file_uploader(key="regression.csv").upload("data.csv", b"x,y\n0,1\n1,3\n2,5\n3,7\n", "text/csv").run()
    assert_clean(at)
    assert "uploaded CSV (4 rows)" in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["w₁ (target)"], metrics["w₂ (target)"]) == ("2", "1")


def test_a_function_without_a_minimum_is_said_to_have_none():
    """Issue 13: x*y descended to −785 in 60 steps with no word that it has no minimum."""
    at = open_page("pages/descent.py", {"f": "custom", "expr": "x*y", "opt": "gd", "lr": "0.05", "steps": "60"})
    assert_clean(at)
    assert any("no minimum in view" in w.value for w in at.warning), [w.value for w in at.warning]


def test_the_rosenbrock_race_diverges_nowhere_and_the_captions_follow_the_pictures():
    """Regression (issue 25): on Rosenbrock 3 of 5 optimizers diverged at the shared η by default; the sweep's fixed
    caption promised divergence; the basin caption called most of Himmelblau's starts 'did not converge'."""
    race = open_page("pages/descent.py", {"f": "rosenbrock", "tab": "Compare optimizers"})
    assert_clean(race)
    assert not race.warning
    race_map = figures(race)[0]  # the map of the paths, above its controls
    runs = {d["name"] for d in race_map["data"] if "η" in d.get("name", "") and not d["name"].endswith(" end")}
    assert runs == {
        "Gradient descent, η = 0.002 (tuned)",
        "Momentum, η = 0.002 (tuned)",
        "Nesterov momentum, η = 0.001 (tuned)",
        "Adam, η = 1 (tuned)",
        "Newton's method (no η)",
    }
    sweep = open_page("pages/descent.py", {"f": "himmelblau", "tab": "Learning-rate sweep"})
    captions = [c.value for c in sweep.caption]
    assert any(c.startswith("η = 0.01 ends lowest") and "η = 0.05 diverges" in c for c in captions), captions
    assert any(c.startswith("On the grid, η = 0.02 ends lowest") for c in captions), captions
    assert not any("Too small: slow" in c for c in captions)
    basins = open_page(
        "pages/descent.py", {"f": "himmelblau", "opt": "adam", "lr": "0.01", "tab": "Basins of attraction"}
    )
    caption = next(c.value for c in basins.caption if "Starts per minimum" in c.value)
    assert "paler shade" in caption and "Grey" not in caption and "did not converge" not in caption
