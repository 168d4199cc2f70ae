"""The path through the lesson: one registry drives the navigation; every page opens with its sentence and ends with
check-yourself questions (checked in place by the practice checker) and a link to the next page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.practice import CHECK_YOURSELF, check_answer
from tests.pages.conftest import assert_clean, open_page
from ui.navigation import LABS, LESSON, PAGES, following

ROOT = Path(__file__).resolve().parents[2]
WITH_CONTROLS = [row for row in PAGES if row.slug]
# A right answer to every check-yourself question, written as a student would.
ANSWERS = {
    ("3*x**2 + 2*x*y + y**2", "x"): "6x + 2y",
    ("x**2*y + sin(x*y)", "y"): "x^2 + x cos(xy)",
    ("x**2 + 3*y**2", "x"): "2x",
    ("x**2 + 3*y**2", "y"): "6y",
    ("x*exp(y)", "y"): "x e^y",
    ("(w1 + 2*w2 - 5)**2", "w1"): "2w1 + 4w2 - 10",
    ("(w1 + 2*w2 - 5)**2", "w2"): "4w1 + 8w2 - 20",
    ("(w1 + 2*w2 - 5)**2 + (w1 + w2 - 3)**2", "w1"): "4w1 + 6w2 - 16",
    ("x**2*x**2", "x"): "4x^3",
    ("x*sin(x)", "x"): "sin(x) + x cos(x)",
    ("x**2*y", "x"): "2xy",
    ("(x - 1)**2 + 10*y**2", "x"): "2x - 2",
    ("(x - 1)**2 + 10*y**2", "y"): "20y",
    ("6*x + 2*y", "x"): "6",
    ("6*x + 2*y", "y"): "2",
    ("(2*w - 1)**2", "w"): "8w - 4",
    ("sigmoid(3*w1 + 2*w2)", "w1"): "3 sigmoid(3w1 + 2w2)(1 - sigmoid(3w1 + 2w2))",
    ("(2*w1 + w2 - 5)**2", "w1"): "4(2w1 + w2 - 5)",
    ("(2*w1 + w2 - 5)**2", "w2"): "2(2w1 + w2 - 5)",
}


def navigation() -> None:
    """What st.navigation receives, written out as text (st.Page needs a running script)."""
    import streamlit as st

    from ui.navigation import pages

    for section, items in pages().items():
        for page in items:
            st.text(f"{section}|{page.title}|{page.icon}|{page.url_path}")


def test_the_navigation_is_the_registry_in_the_lessons_order():
    at = AppTest.from_function(navigation).run()
    shown = [tuple(t.value.split("|")) for t in at.text]
    assert shown == [(row.section, row.label, row.icon, row.slug) for row in PAGES]
    assert list(dict.fromkeys(row.section for row in PAGES)) == ["", LESSON, LABS, "In class"]
    assert [row.label for row in PAGES if row.section == LESSON] == [
        "1. Partial derivatives",
        "2. The gradient",
        "3. Gradient descent with several weights",
        "4. Partial vs total derivative",
    ]
    assert [row.title for row in PAGES if row.section == LABS] == [
        "Gradient descent lab",
        "Curvature and Newton's method",
        "Backpropagation",
        "ML loss: linear regression",
        "Practice",
    ]
    # Material icons render without an emoji font.
    assert all(row.icon.startswith(":material/") and row.icon.endswith(":") for row in PAGES)


def test_every_page_file_has_one_row_and_every_row_a_file():
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))
    assert sorted(row.path for row in PAGES) == files
    assert len({row.prefix for row in PAGES}) == len(PAGES)


def test_the_path_runs_through_the_lesson_then_the_labs_and_stops_before_the_class():
    walked = [PAGES[0]]
    while (after := following(walked[-1])) is not None:
        walked.append(after)
    assert [row.slug for row in walked] == [
        "",
        "partials",
        "gradient",
        "several_weights",
        "total_derivative",
        "descent",
        "curvature",
        "backprop",
        "regression",
        "practice",
    ]


@pytest.mark.parametrize("row", WITH_CONTROLS, ids=lambda row: row.slug)
def test_each_page_opens_with_its_sentence_and_ends_with_questions_and_next(row):
    at = open_page(row.path)
    assert_clean(at)
    assert at.title[0].value == row.title
    assert row.intro in at.markdown[0].value
    links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
    after = following(row)
    if after is None:
        assert links == []
    else:
        assert links[-1][1] == after.slug  # the last link on the page is the next page
        assert after.title in links[-1][0]
    questions = CHECK_YOURSELF.get(row.idea, ())
    boxes = [t for t in at.text_input if t.key and t.key.startswith(f"{row.prefix}.check")]
    assert len(boxes) == len(questions)
    if row.section == LESSON or row.slug in ("descent", "curvature", "backprop", "regression"):
        assert 2 <= len(questions) <= 3


@pytest.mark.parametrize("idea", list(CHECK_YOURSELF))
def test_every_question_is_answered_by_the_checker(idea):
    for question in CHECK_YOURSELF[idea]:
        exercise = question.exercise
        assert check_answer(exercise.text, exercise.var, ANSWERS[exercise.text, exercise.var]).correct
        wrong = f"{exercise.var} + 1"  # no question here has this answer
        assert not check_answer(exercise.text, exercise.var, wrong).correct


def answer(at, key: str, text: str):
    at.text_input(key=f"{key}.answer").input(text)
    next(b for b in at.button if b.form_id == key).click().run()
    return at


def test_a_question_is_checked_in_place_right_and_wrong():
    at = open_page("pages/partials.py")
    answer(at, "partials.check1", "6x + 2y")
    assert_clean(at)
    assert [s.value.startswith("Correct! Your answer equals ∂f/∂x.") for s in at.success] == [True]
    answer(at, "partials.check1", "6x")
    assert "Not quite" in at.error[0].value
    assert "You left out the term 2*y" in at.info[0].value  # the hint names the term left out
    answer(at, "partials.check1", "6x +")
    assert "Could not read your answer" in at.warning[0].value


def test_the_lessons_hand_step_shows_early_on_step_3():
    at = open_page("pages/several_weights.py")
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"∇L at the start": "(−4, −8)", "new w₁": "1.4", "new w₂": "1.8"}
    step = next(c.value for c in at.code if "w1 ←" in c.value)
    assert "= 1.4" in step and "= 1.8" in step


def test_a_verdict_stays_while_another_question_is_checked_and_a_new_answer_replaces_it():
    at = open_page("pages/gradient.py")
    answer(at, "gradient.check1", "2x")
    answer(at, "gradient.check2", "6x")
    assert [s.value.startswith("Correct!") for s in at.success] == [True]  # question 1's, still shown
    assert [e.value.startswith("Not quite") for e in at.error] == [True]  # question 2's
    answer(at, "gradient.check1", "3x")
    assert not at.success and len(at.error) == 2
