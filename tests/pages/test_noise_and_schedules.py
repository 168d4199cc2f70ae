"""The descent page with gradient noise and a learning-rate schedule: the link replays the same run exactly,
the written-out step shows the noisy gradient and η_k that were used, and η_k is drawn beside the loss."""

import numpy as np
import pytest

from core import PRESETS, descend, parse
from core.explain import explain_step, used_gradient
from core.numbers import number
from core.schedules import rates
from tests.pages.conftest import assert_clean, figures, open_page, texts, trace
from tests.pages.test_descent_pages import _array

PAGE = "pages/descent.py"
NOISY = {"f": "lesson_loss", "opt": "momentum", "lr": "0.02", "steps": "30", "noise": "3", "seed": "7"}
PROGRESS = "Loss, gradient norm and weights per step"


def ys(figure, name):
    return _array(trace(figure, name)["y"]).tolist()


def progress(at):
    return next(f for f in figures(at) if f["layout"].get("title", {}).get("text") == PROGRESS)


def core_run(query, **schedule):
    preset = PRESETS[query["f"]]
    return descend(
        parse(preset.text),
        preset.start,
        optimizer=query["opt"],
        lr=float(query["lr"]),
        steps=int(query["steps"]),
        noise=float(query.get("noise", 0)),
        seed=int(query.get("seed", 0)),
        **schedule,
    )


def test_a_noisy_link_shows_the_seeded_run_and_its_noisy_step():
    at = open_page(PAGE, NOISY)
    assert_clean(at)
    run = core_run(NOISY)
    assert ys(progress(at), "loss f") == pytest.approx(run.values.tolist(), rel=1e-12)
    # The written-out step: the lesson's exact gradient (−4, −8), the noise added, and the gradient used.
    g = used_gradient(run, 1)
    shown = texts(at).replace("\\", "")
    assert "g = ∇f(θ) + σ·ε_1 = (−4, −8) + (" in shown
    assert f"= ({number(g[0])}, {number(g[1])})" in shown and "seed 7" in shown
    assert at.code[0].value.splitlines() == [line for s in explain_step(run, 1, ("w1", "w2")) for line in s.lines]
    assert "b = 0.9 × 0.0 + " in at.code[0].value  # momentum's buffer starts from the noisy gradient
    lesson = next(i.value for i in at.info if "Stochastic gradients" in i.value)
    assert f"ends at f = {number(run.values[-1])}" in lesson
    assert f"without noise ends at f = {number(core_run({**NOISY, 'noise': '0'}).values[-1])}" in lesson


def test_the_same_link_twice_gives_the_same_path_and_another_seed_another():
    first, again = open_page(PAGE, NOISY), open_page(PAGE, NOISY)
    assert figures(first) == figures(again)
    other = open_page(PAGE, {**NOISY, "seed": "8"})
    assert ys(progress(other), "loss f") != ys(progress(first), "loss f")


def test_without_noise_or_schedule_the_page_is_unchanged():
    at = open_page(PAGE, {"f": "lesson_loss", "opt": "gd", "lr": "0.1", "steps": "10"})
    assert at.code[0].value.splitlines() == ["w1 ← 1.0 − 0.1 × (−4.0) = 1.4", "w2 ← 1.0 − 0.1 × (−8.0) = 1.8"]
    assert not [i for i in at.info if "Stochastic" in i.value]
    assert [d["name"] for d in progress(at)["data"]] == ["loss f", "|∇f|", "w1", "w2"]


@pytest.mark.parametrize(
    ("schedule", "params"),
    [("step", {"step_size": "5", "gamma": "0.5"}), ("warmup_cosine", {"warmup": "4"}), ("one_cycle", {})],
)
def test_a_schedules_rates_are_drawn_beside_the_loss_and_written_in_the_step(schedule, params):
    query = {"f": "lesson_loss", "opt": "adam", "lr": "0.1", "steps": "20", "schedule": schedule, **params}
    at = open_page(PAGE, query)
    assert_clean(at)
    typed = {k: int(v) if k in ("step_size", "warmup") else float(v) for k, v in params.items()}
    expected = rates(schedule, 0.1, 20, **typed)
    eta = trace(progress(at), "ηₖ (right axis)")
    assert _array(eta["x"]).tolist() == list(range(1, 21)) and _array(eta["y"]).tolist() == expected
    assert progress(at)["layout"]["yaxis4"]["overlaying"] == "y"
    shown = texts(at).replace("\\", "")  # markdown escapes taken out
    assert "η_1 = η × " in shown or "η_1: up from" in shown
    assert f" = {number(expected[0])} (" in shown
    # The first step moves by η_1, not η: Adam's first step is about η_1 long per coordinate.
    run = core_run(query, schedule=schedule, schedule_params=typed)
    assert np.abs(run.updates[0]) == pytest.approx([expected[0]] * 2, rel=1e-6)
    at.slider(key="descent.k").set_value(10).run()
    shown = texts(at).replace("\\", "")
    assert "η_10" in shown and f" = {number(expected[9])} (" in shown


def test_the_noise_and_the_schedule_survive_the_link():
    at = open_page(PAGE, {"f": "himmelblau"})
    at.selectbox(key="descent.schedule").set_value("exponential").run()
    at.slider(key="descent.gamma").set_value(0.9).run()
    at.slider(key="descent.noise").set_value(1.5).run()
    at.number_input(key="descent.seed").set_value(42).run()
    assert_clean(at)
    link = dict(at.query_params)
    assert {k: link[k] for k in ("schedule", "gamma", "noise", "seed")} == {
        "schedule": "exponential",
        "gamma": "0.9",
        "noise": "1.5",
        "seed": "42",
    }
    fresh = open_page(PAGE, link)
    assert_clean(fresh)
    assert not fresh.warning, [w.value for w in fresh.warning]
    assert figures(fresh) == figures(at)
    assert texts(fresh) == texts(at)


def test_the_race_and_the_sweep_see_the_same_noise():
    query = {**NOISY, "race": "gd,adam", "race_lr": "shared"}  # every runner at the page's η
    race = open_page(PAGE, {**query, "tab": "Compare optimizers"})
    assert_clean(race)
    assert any("same gradient noise (σ = 3)" in c.value for c in race.caption)
    loss = next(f for f in figures(race) if f["layout"].get("title", {}).get("text") == "Loss f(θₖ)")
    adam = core_run({**NOISY, "opt": "adam"})
    shown = next(d for d in loss["data"] if d["name"].startswith("Adam"))
    assert _array(shown["y"]).tolist() == pytest.approx(np.abs(adam.values).tolist(), rel=1e-12)

    sweep = open_page(PAGE, {**NOISY, "tab": "Learning-rate sweep", "factors": "1.0"})
    assert_clean(sweep)
    loss = next(f for f in figures(sweep) if f["layout"].get("title", {}).get("text") == "Loss f(θₖ)")
    assert _array(loss["data"][0]["y"]).tolist() == pytest.approx(np.abs(core_run(NOISY).values).tolist(), rel=1e-12)


def test_bad_noise_and_schedule_links_warn_by_name():
    at = open_page(PAGE, {"f": "lesson_loss", "noise": "-1", "seed": "1.5", "schedule": "sideways"})
    assert_clean(at)
    warned = " ".join(w.value.replace("\\", "") for w in at.warning)
    assert all(f"“{name}”" in warned for name in ("noise", "seed", "schedule"))
