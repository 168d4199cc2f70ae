"""The true answers a reveal shows, against core's own numbers and hand values."""

from __future__ import annotations

import math

import pytest

from classroom.truth import FATES, RACERS, global_minima, lowest_inside, solve, thinned
from core import PRESETS, descend, parse
from core.grid import evaluate_grid

LESSON = parse(PRESETS["lesson_quadratic"].text)  # 3x² + 2xy + y², ∇f = (6x + 2y, 2x + 2y)
VIEW = ((-3.0, 3.0), (-3.0, 3.0))
GRID = evaluate_grid(LESSON, VIEW, 61)
BASE = {"f": LESSON.text, "names": ["x", "y"], "domain": [[-3.0, 3.0], [-3.0, 3.0]]}


def descent(question: str, **settings) -> dict:
    return {**BASE, "kind": "predict" if question == "end" else "vote", "question": question, **settings}


def test_the_end_is_the_optimizers_own_last_point_and_the_path_starts_at_the_start():
    activity = descent("end", start=[2.0, -2.0], optimizer="adam", lr=0.05, steps=60, hyper={"beta1": 0.8})
    run = descend(LESSON, (2.0, -2.0), "adam", 0.05, 60, beta1=0.8)
    solution = solve(activity, LESSON, GRID)
    assert solution["targets"] == [run.points[-1].tolist()] and solution["label"] == "Adam"
    assert solution["path"][0] == [2.0, -2.0] and solution["path"][-1] == run.points[-1].tolist()


def test_a_diverged_run_has_no_end_to_measure_against():
    solution = solve(descent("end", start=[2.0, -2.0], optimizer="gd", lr=0.5, steps=60), LESSON, GRID)
    assert solution["status"] == "diverged" and solution["targets"] == []


@pytest.mark.parametrize(("lr", "steps", "fate"), [(0.1, 200, 0), (0.001, 10, 1), (0.5, 60, 2)])
def test_the_fate_vote_comes_to_rest_moves_or_diverges(lr, steps, fate):
    activity = descent("fate", start=[2.0, -2.0], optimizer="gd", lr=lr, steps=steps, options=list(FATES))
    assert solve(activity, LESSON, GRID) == {"correct": fate}


def test_the_race_names_the_optimizer_with_the_lowest_final_value():
    activity = descent("race", start=[2.0, -2.0], lr=0.05, steps=30)
    finals = [float(descend(LESSON, (2.0, -2.0), o, 0.05, 30).values[-1]) for o in RACERS]
    assert solve(activity, LESSON, GRID) == {"correct": finals.index(min(finals))}


def test_minus_the_gradient_and_the_signs_at_p():
    at = {**BASE, "kind": "predict", "question": "direction", "point": [1.0, 1.0]}
    assert solve(at, LESSON, GRID)["angle"] == pytest.approx(180 + math.degrees(math.atan2(4, 8)))  # −(8, 4)
    signs = {**BASE, "kind": "vote", "point": [1.0, -3.0]}  # ∇f = (0, −4)
    assert solve({**signs, "question": "sign_0"}, LESSON, GRID) == {"correct": 1}
    assert solve({**signs, "question": "sign_1"}, LESSON, GRID) == {"correct": 2}


def test_the_minimum_is_the_presets_lowest_or_the_grids_lowest_inside_the_view():
    himmelblau = PRESETS["himmelblau"].minima
    assert len(global_minima(himmelblau)) == 4
    camel = global_minima(PRESETS["six_hump_camel"].minima)  # its two global minima, not the four local ones
    assert camel == [[0.0898420131, -0.712656403021], [-0.0898420131, 0.712656403021]]
    assert lowest_inside(GRID) == [[0.0, 0.0]]
    slope = parse("x + y")
    with pytest.raises(ValueError, match="no minimum inside this view"):
        lowest_inside(evaluate_grid(slope, VIEW, 21))
    assert solve({**BASE, "kind": "predict", "question": "minimum"}, LESSON, GRID) == {"targets": [[0.0, 0.0]]}


def test_a_long_path_is_thinned_but_keeps_its_ends():
    run = descend(LESSON, (2.0, -2.0), "gd", 0.001, 1999)
    path = thinned(run.points)
    assert 400 <= len(path) <= 402 and path[0] == [2.0, -2.0] and path[-1] == run.points[-1].tolist()
