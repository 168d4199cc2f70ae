"""Typed answers marked for the class: core.practice's verdict, and equal answers in one class whatever their form."""

from __future__ import annotations

import pytest

from classroom.checking import CORRECT, Mark, fingerprint, mark, points
from core import ExpressionError, worker

LESSON = "3*x**2 + 2*x*y + y**2"  # ∂f/∂x = 6x + 2y


@pytest.mark.parametrize("answer", ["6x + 2y", "2y + 6x", "2(3x + y)", "6*x+2*y", "(12x + 4y)/2"])
def test_every_form_of_the_right_answer_is_one_class(answer):
    assert mark(LESSON, "x", answer).key == CORRECT


def test_a_wrong_answer_in_different_forms_is_one_class_and_other_slips_are_others():
    dropped = {mark(LESSON, "x", a).key for a in ["6x", "3*2*x", "x*6", "(6x^2)/x"]}
    assert len(dropped) == 1 and CORRECT not in dropped
    others = {mark(LESSON, "x", a).key for a in ["6x + y", "2x + 2y", "6x + 2"]}
    assert len(others) == 3 and not others & dropped


def test_the_verdict_is_the_practice_checkers_with_its_hint():
    result = mark(LESSON, "x", "6x")
    assert not result.verdict.correct
    assert result.verdict.hint.startswith("You left out the term 2*y")
    assert mark(LESSON, "x", "2x + 2y").verdict.hint.startswith("That is ∂f/∂y")


def test_a_zero_left_by_cancellation_is_the_same_class_as_zero():
    """sin²+cos²−1 is 0 to 1e-50 at the points, not exactly: it must not make a class of its own."""
    f = "x**2*y + sin(x*y)"
    assert fingerprint(f, "x", "sin(x)^2 + cos(x)^2 - 1") == fingerprint(f, "x", "0")


def test_an_unreadable_answer_raises_the_parsers_message():
    with pytest.raises(ExpressionError):
        mark(LESSON, "x", "6x +* 2y")
    with pytest.raises(ExpressionError, match="Unknown variable"):
        mark(LESSON, "x", "6x + 2z")


def test_marking_runs_in_the_limited_worker_and_comes_back_whole():
    result = worker.run(mark, LESSON, "x", "6x")
    assert isinstance(result, Mark) and result == mark(LESSON, "x", "6x")


def test_the_fixed_points_cover_each_variable_at_growing_scales():
    found = points(3)
    assert len(found) == 8 and all(len(p) == 3 for p in found)
    assert max(abs(v) for p in found for v in p) > 16  # the checker's larger scales
    assert len(set(found)) == 8
