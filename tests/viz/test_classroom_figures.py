"""Figures of a live class: the answers where they were put, the truth where core says it is, no student text."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import PRESETS, parse
from core.grid import evaluate_grid
from viz.classroom import ARROW_FRACTION, errors_figure, prediction_figure, votes_figure

F = parse(PRESETS["himmelblau"].text)
DOMAIN = PRESETS["himmelblau"].domain
GRID = evaluate_grid(F, DOMAIN, 21)
ACTIVITY = {"kind": "predict", "question": "minimum", "domain": [list(r) for r in DOMAIN]}


def trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def test_the_class_cloud_is_every_answer_and_the_students_own_is_marked():
    answers = [(1.0, 2.0), (-3.0, 3.5), (0.25, -0.5)]
    fig = prediction_figure(GRID, ("x", "y"), ACTIVITY, answers, mine=(0.25, -0.5))
    cloud = trace(fig, "the class's answers (3)")
    assert list(cloud.x) == [1.0, -3.0, 0.25] and list(cloud.y) == [2.0, 3.5, -0.5]
    assert list(trace(fig, "your answer").x) == [0.25]
    assert not [t for t in fig.data if t.name in ("the minimum", "the minimums")]  # nothing revealed yet


def test_the_reveal_draws_every_minimum_on_top():
    minima = [list(m) for m, _ in PRESETS["himmelblau"].minima]
    fig = prediction_figure(GRID, ("x", "y"), ACTIVITY, [(0.0, 0.0)], solution={"targets": minima})
    stars = trace(fig, "the minimums")
    assert list(zip(stars.x, stars.y, strict=True)) == [tuple(m) for m in minima]
    assert fig.data[-1].name == "the minimums"  # on top of the cloud
    mine = prediction_figure(GRID, ("x", "y"), ACTIVITY, mine=(3.0, 2.0), solution={"targets": minima})
    assert mine.data[-1].name == "your answer"  # and the student's own answer on top of it


def test_the_end_question_shows_the_start_and_after_the_reveal_the_path_and_its_end():
    activity = {**ACTIVITY, "question": "end", "start": [-1.0, 2.5]}
    path = [[-1.0, 2.5], [0.0, 2.7], [2.9, 2.1]]
    solution = {"path": path, "targets": [[2.9, 2.1]], "label": "Adam"}
    fig = prediction_figure(GRID, ("x", "y"), activity, solution=solution)
    assert list(trace(fig, "start").x) == [-1.0]
    assert list(trace(fig, "Adam: the path").y) == [2.5, 2.7, 2.1]
    assert list(trace(fig, "where it ends").x) == [2.9]


@pytest.mark.parametrize("angle", [0.0, 135.0, 225.0, 300.0])
def test_the_revealed_minus_gradient_arrow_points_at_the_solutions_angle(angle):
    activity = {**ACTIVITY, "question": "direction", "point": [1.0, -1.0]}
    fig = prediction_figure(GRID, ("x", "y"), activity, solution={"point": [1.0, -1.0], "angle": angle})
    arrow = trace(fig, "−∇f(P): the answer")
    dx, dy = arrow.x[1] - arrow.x[0], arrow.y[1] - arrow.y[0]
    assert (arrow.x[0], arrow.y[0]) == (1.0, -1.0)
    assert math.degrees(math.atan2(dy, dx)) % 360 == pytest.approx(angle)
    assert math.hypot(dx, dy) == pytest.approx(ARROW_FRACTION * 10.0)  # Himmelblau's view is 10 wide


def test_a_students_direction_is_an_arrow_from_p_to_the_click():
    activity = {**ACTIVITY, "question": "direction", "point": [1.0, -1.0]}
    fig = prediction_figure(GRID, ("x", "y"), activity, mine=(2.0, 0.5))
    arrow = trace(fig, "your direction")
    assert list(arrow.x) == [1.0, 2.0] and list(arrow.y) == [-1.0, 0.5]


def test_votes_are_bars_of_the_counts_and_the_right_option_stands_out_after_the_reveal():
    labels = ["come to rest", "still moving", "diverged"]
    before = votes_figure(labels, [3, 1, 0])
    bars = trace(before, "votes")
    assert list(bars.x) == [3, 1, 0] and list(bars.y) == labels
    assert list(bars.text) == ["3 (75 %)", "1 (25 %)", "0 (0 %)"]
    assert len(set(bars.marker.color)) == 1
    colors = trace(votes_figure(labels, [3, 1, 0], correct=1), "votes").marker.color
    assert colors[1] != colors[0] == colors[2]


def test_the_errors_histogram_holds_every_error_and_marks_the_close_line():
    errors = [0.1, 0.2, 2.5, 0.05]
    fig = errors_figure(errors, "distance from the true answer", 0.6, "close: within 0.6")
    assert np.array_equal(trace(fig, "answers").x, errors)
    line = trace(fig, "close: within 0.6")
    assert list(line.x) == [0.6, 0.6]
    assert fig.layout.xaxis.title.text == "distance from the true answer"
