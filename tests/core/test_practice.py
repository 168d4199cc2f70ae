"""The practice checker: equivalent forms accepted, wrong ones rejected with a hint, bad text is a parse error."""

import pytest

from core import ExpressionError
from core.practice import LESSON, LEVELS, Exercise, check, generate, preset_exercises

LESSON_SIN_X = Exercise("x**2*y + sin(x*y)", "x", "lesson")


@pytest.mark.parametrize(
    "answer",
    ["2*y*x + y*cos(x*y)", "y*(2*x + cos(x*y))", "2xy + y cos(x y)".replace("2xy", "2x*y"), "y*cos(y*x) + 2*x*y"],
)
def test_equivalent_forms_are_correct(answer):
    assert check(LESSON_SIN_X, answer).correct


def test_numeric_fallback_accepts_what_simplify_cannot_settle():
    exercise = Exercise("atan(y/x)", "x", "hard")
    assert check(exercise, "-y/(x^2 + y^2)").correct
    assert check(Exercise("log(x*y)", "x", "m"), "1/x").correct


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ("2*x*y + cos(x*y)", "chain rule"),
        ("x^2 + x*cos(x*y)", "∂f/∂y"),
        ("2*x + y*cos(x*y) + 1", "Compare your answer"),
    ],
)
def test_wrong_answers_are_rejected_with_a_hint(answer, hint):
    verdict = check(LESSON_SIN_X, answer)
    assert not verdict.correct
    assert "Not quite" in verdict.message and "∂f/∂x =" in verdict.message
    assert hint in verdict.hint


def test_malformed_answer_is_a_parse_error_not_a_verdict():
    with pytest.raises(ExpressionError):
        check(LESSON_SIN_X, "2*x*y + (")
    with pytest.raises(ExpressionError, match="Unknown variable z"):
        check(LESSON_SIN_X, "2*x*z")


def test_the_lessons_answers():
    answers = ["6x + 2y", "2x + 2y", "2xy + y cos(xy)", "x^2 + x cos(xy)", "2w1 + 4w2 - 10", "4w1 + 8w2 - 20"]
    for exercise, answer in zip(LESSON, answers, strict=True):
        typed = answer.replace("xy", "x*y")
        assert check(exercise, typed).correct, (exercise, typed)


@pytest.mark.parametrize("level", LEVELS)
def test_generated_exercises_are_reproducible_and_valid(level):
    assert generate(level, 3) == generate(level, 3)
    assert len({generate(level, s) for s in range(20)}) > 5
    with pytest.raises(ValueError):
        generate("impossible", 0)


def test_preset_exercises_cover_every_preset():
    assert len(preset_exercises()) == 15
