"""The learning-rate grid and the tuned η: the batch over the grid equals one run per η, ties go to the larger η."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import PRESETS, descend, parse
from core.tuning import (
    GRID,
    best_index,
    entrants,
    final_losses,
    grid_story,
    reversals,
    rises,
    sweep_story,
    tune,
    uses_lr,
)


def test_the_grid_is_logarithmic_one_two_five_per_decade():
    steps = np.diff(np.log10(GRID))
    assert GRID[0] == 1e-5 and GRID[-1] == 5.0 and len(GRID) == 18
    assert set(np.round(steps, 3)) == {0.301, 0.398}  # 1→2 and 5→10: log10 2; 2→5: log10 2.5


@pytest.mark.parametrize(
    ("preset", "optimizer"), [("rosenbrock", "gd"), ("himmelblau", "adam"), ("beale", "momentum"), ("booth", "rmsprop")]
)
def test_tuning_picks_what_one_run_per_rate_finds(preset, optimizer):
    p = PRESETS[preset]
    f = parse(p.text)
    # The reference: one plain descend() per η, the best final loss, a tie (within 1e-9) to the larger η.
    runs = [descend(f, p.start, optimizer=optimizer, lr=lr, steps=40) for lr in GRID]
    losses = [math.inf if r.status == "diverged" else r.values[-1] for r in runs]
    best = min(losses)
    expected = max(lr for lr, loss in zip(GRID, losses, strict=True) if loss <= best + 1e-9 * max(1, abs(f(*p.start))))
    tuned = tune(f, p.start, optimizer, 40)
    assert tuned.lr == expected
    # The batch over the grid is the same arithmetic as the single runs, to the last bit.
    assert tuned.losses == tuple(losses)


def test_a_tie_goes_to_the_larger_rate():
    f = parse("x^2 + y^2")
    # η = 0.5 lands on the minimum in one step; 0.1 and 0.2 get within 10⁻¹¹ in 60 steps; η = 1 bounces forever.
    tuned = tune(f, (1.0, 1.0), "gd", 60)
    assert tuned.lr == 0.5
    assert tuned.losses[GRID.index(0.5)] == 0.0 and tuned.losses[GRID.index(0.2)] > 0.0
    assert tuned.losses[GRID.index(1.0)] == 2.0 and tuned.losses[GRID.index(2.0)] == math.inf
    assert best_index([1.0, 0.5, 0.5 + 1e-12, 0.7]) == 2


def test_newton_has_no_rate_to_tune_but_damped_newton_has():
    f = parse(PRESETS["rosenbrock"].text)
    assert not uses_lr("newton") and not uses_lr("newton_ls") and uses_lr("newton_damped")
    assert tune(f, (-1.5, 2.0), "newton", 20).lr is None
    damped = tune(f, (-1.5, 2.0), "newton_damped", 10, grid=(0.1, 0.5, 1.0))
    assert damped.lr == 1.0  # a full Newton step is best on this valley after ten steps
    assert damped.losses[-1] < damped.losses[0]


def test_every_rate_diverging_leaves_no_tuned_rate_and_the_race_says_so():
    f = parse("1/x + y")
    tuned = tune(f, (0.0, 1.0), "gd", 5)  # undefined at the start: every run diverges at step 0
    assert tuned.lr is None and all(v == math.inf for v in tuned.losses)
    [entrant] = entrants(["gd"], 0.03, "tuned", lambda o: tuned)
    assert entrant.lr == 0.03 and entrant.label == "Gradient descent, η = 0.03 (shared: every η of the grid diverged)"
    assert "Every η of the grid" in grid_story(tuned)


def test_race_entrants_say_where_their_rate_comes_from():
    f = parse(PRESETS["rosenbrock"].text)
    start = PRESETS["rosenbrock"].start
    field = entrants(["gd", "adam", "newton"], 0.001, "tuned", lambda o: tune(f, start, o, 60))
    assert [e.label for e in field] == [
        "Gradient descent, η = 0.002 (tuned)",
        "Adam, η = 1 (tuned)",
        "Newton's method (no η)",
    ]
    shared = entrants(["gd", "adam", "newton"], 0.001, "shared", lambda o: pytest.fail("no tuning when shared"))
    assert [(e.lr, e.source) for e in shared] == [(0.001, "shared"), (0.001, "shared"), (0.001, "no η")]


def test_final_losses_of_a_second_order_optimizer_run_one_by_one():
    f = parse("x^2 + 10*y^2")
    losses = final_losses(f, (1.0, 1.0), "newton_damped", 3, grid=(0.5, 1.0, 2.0))
    assert losses[1] == 0.0  # the full step solves a quadratic at once
    assert losses[0] == pytest.approx(11.0 / 64)  # each half step halves the distance: f · (1/4)³
    assert losses[2] == 11.0  # a double step lands on the mirror image, every time


def test_the_sweep_story_follows_the_runs():
    f = parse("x^2 + 10*y^2")
    runs = [descend(f, (-2.5, 1.0), lr=lr, steps=30) for lr in (0.01, 0.05, 0.095, 0.2)]
    story = sweep_story(runs)
    assert story.startswith("η = 0.05 ends lowest")
    assert "The smaller η = 0.01 ends higher: too small a step is slow." in story
    # |1 − 20η| = 0.9 in y: every step crosses the valley, yet the loss never rises.
    assert rises(runs[2]) == 0 and reversals(runs[2]) == 29
    assert "The larger η = 0.095 ends higher: 29 of its 30 steps turn back: it zig-zags across the valley." in story
    assert "η = 0.2 diverges" in story
    bouncing = descend(parse("x^2"), (1.0,), optimizer="momentum", lr=0.1, steps=20)  # it swings past 0
    assert rises(bouncing) > 0
    # Nothing too large shown: the story says so, and says nothing about divergence.
    calm = sweep_story([descend(f, (-2.5, 1.0), lr=lr, steps=30) for lr in (0.001, 0.01)])
    assert "η = 0.01 ends lowest" in calm and "No rate shown is too large yet" in calm and "diverge" not in calm
