"""What the lecturer's view computes from the answers: distances, angles, votes and the checker's classes."""

from __future__ import annotations

import math

import pytest

from classroom import summary

PREDICT = {"kind": "predict", "question": "minimum", "domain": [[-3, 3], [-2, 2]]}
DIRECTION = {"kind": "predict", "question": "direction", "domain": [[-3, 3], [-3, 3]], "point": [1, 1]}


def test_each_prediction_is_measured_to_the_nearest_of_several_minima():
    answers = {"a": {"x": 3.0, "y": 3.0}, "b": {"x": -3.0, "y": -4.0}, "c": {"x": 0.0, "y": 0.0}}
    solution = {"targets": [[3.0, 2.0], [-3.0, -2.0]]}
    assert summary.errors(PREDICT, answers, solution) == [1.0, 2.0, math.hypot(3, 2)]


def test_a_direction_is_measured_as_the_angle_to_minus_the_gradient():
    answers = {"a": {"x": 1.0, "y": 2.0}, "b": {"x": 0.0, "y": 0.0}, "c": {"x": 1.0, "y": 1.0}}
    solution = {"point": [1.0, 1.0], "angle": 225.0}
    # straight up is 135° from 225°; (0, 0) is exactly on −∇f; a click on P itself says nothing: 180°
    assert summary.errors(DIRECTION, answers, solution) == pytest.approx([135.0, 0.0, 180.0])


def test_close_means_fifteen_degrees_or_five_percent_of_the_map():
    assert summary.close_enough(DIRECTION, 15.0) and not summary.close_enough(DIRECTION, 15.1)
    assert summary.close_enough(PREDICT, 0.3) and not summary.close_enough(PREDICT, 0.31)  # 5 % of width 6


def test_votes_are_counted_per_option_in_order():
    activity = {"options": ["a", "b", "c"]}
    answers = {str(i): {"option": o} for i, o in enumerate([2, 0, 2, 2])}
    assert summary.votes(activity, answers) == [1, 0, 3]


def test_typed_answers_group_by_class_with_their_most_common_form():
    answers = {
        "1": {"text": "6x", "key": "aaaaaaaaaaaaaaaa", "correct": False},
        "2": {"text": "3*2*x", "key": "aaaaaaaaaaaaaaaa", "correct": False},
        "3": {"text": "6x", "key": "aaaaaaaaaaaaaaaa", "correct": False},
        "4": {"text": "6x + 2y", "key": "correct", "correct": True},
        "5": {"text": "2x+2y", "key": "bbbbbbbbbbbbbbbb", "correct": False},
    }
    groups = summary.groups(answers)
    shown = [(g.count, g.correct, g.text) for g in groups]
    assert shown == [(3, False, "6x"), (1, True, "6x + 2y"), (1, False, "2x+2y")]
    assert summary.share_correct(groups) == 0.2
    assert summary.most_common_wrong(groups).text == "6x"
    assert summary.most_common_wrong([g for g in groups if g.correct]) is None
    assert summary.share_correct([]) == 0.0
