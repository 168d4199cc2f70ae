"""AppTest for the practice page: right and wrong answers, malformed answers, the score, the steps."""

from tests.pages.conftest import assert_clean, open_page, texts


def answer(at, text):
    at.text_input(key="practice.answer").input(text)
    at.button(key="practice.check").click().run()
    assert_clean(at)
    return at


def test_an_equivalent_form_is_accepted_and_scored():
    at = open_page("pages/practice.py", {"source": "lesson", "n": "2"})
    assert "Find ∂f/∂x" in [s.value for s in at.subheader]
    answer(at, "y*(2*x + cos(x*y))")
    assert [s.value.replace("\\", "") for s in at.success] == [
        "Correct! Your answer equals ∂f/∂x. (Decided exactly: sympy simplifies the difference to 0.)"
    ]
    assert at.sidebar.metric[0].value == "1 solved"
    answer(at, "2*y*x + y*cos(x*y)")
    assert at.sidebar.metric[0].value == "1 solved"  # the same exercise counts once


def test_a_wrong_answer_gets_a_hint_naming_the_rule():
    at = open_page("pages/practice.py", {"source": "lesson", "n": "2"})
    answer(at, "2*x*y + cos(x*y)")
    assert at.error and "Not quite" in at.error[0].value
    assert any("chain rule" in i.value for i in at.info)


def test_a_malformed_answer_shows_a_parse_message():
    at = open_page("pages/practice.py", {"source": "lesson"})
    answer(at, "6x + (2y")
    assert any("Could not read your answer" in w.value for w in at.warning)
    assert not at.error and not at.success


def test_next_exercise_and_generated_levels():
    at = open_page("pages/practice.py", {"source": "generated", "level": "hard", "n": "4"})
    first = texts(at)
    at.sidebar.button(key="practice.next").click().run()
    assert_clean(at)
    assert texts(at) != first
    assert at.query_params["n"] == "5" and at.query_params["level"] == "hard"


def test_the_steps_are_shown_with_named_rules():
    at = open_page("pages/practice.py", {"source": "lesson", "n": "2"})
    assert "chain rule" not in texts(at)  # drawn only once opened
    at.session_state["practice.steps"] = True
    at.run()
    text = texts(at)
    assert "chain rule with the sine rule" in text and "result, simplified" in text


def test_partials_page_shows_the_steps_for_each_partial():
    at = open_page("pages/partials.py", {"f": "lesson_quadratic"})
    titles = [e.label for e in at.expander]
    assert "Show the steps for ∂f/∂x" in titles and "Show the steps for ∂f/∂y" in titles
    at.session_state["partials.steps_x"] = True
    at.run()
    assert "constant rule (y held constant)" in texts(at)


def test_the_answer_is_previewed_as_read_and_the_count_is_singular():
    at = open_page("pages/practice.py", {"source": "lesson", "n": "2"})
    answer(at, "2xy + ycos(xy)")
    assert any("read as" in latex.value and "2 x y + y \\cos{\\left(x y \\right)}" in latex.value for latex in at.latex)
    assert any("'ycos' read as y·cos" in c.value for c in at.caption)
    assert [s.value.replace("\\", "") for s in at.success] == [
        "Correct! Your answer equals ∂f/∂x. (Decided exactly: sympy simplifies the difference to 0.)"
    ]
    assert any(c.value.startswith("1 answer checked") for c in at.sidebar.caption)  # issue 15: "1 answers"
    answer(at, "2x")
    assert any(c.value.startswith("2 answers checked") for c in at.sidebar.caption)


def test_a_parse_message_echoes_the_answer_as_plain_text():
    at = open_page("pages/practice.py", {"source": "lesson"})
    answer(at, "6x + [2y](http://a.example)")
    assert any("Could not read your answer" in w.value and "\\[" in w.value for w in at.warning)


def test_the_goldstein_price_exercise_can_be_answered_on_the_page():
    at = open_page("pages/practice.py", {"source": "preset", "n": "10"})
    assert "14 x" in at.latex[0].value  # f is Goldstein–Price
    partial = (
        "(2(x + y + 1)(19 - 14x + 3x^2 - 14y + 6xy + 3y^2) + (x + y + 1)^2(6x - 14 + 6y))"
        "(30 + (2x - 3y)^2(18 - 32x + 12x^2 + 48y - 36xy + 27y^2)) + "
        "(1 + (x + y + 1)^2(19 - 14x + 3x^2 - 14y + 6xy + 3y^2))"
        "(4(2x - 3y)(18 - 32x + 12x^2 + 48y - 36xy + 27y^2) + (2x - 3y)^2(24x - 32 - 36y))"
    )
    assert len(partial) > 200  # the old max_chars
    answer(at, partial)
    assert at.success and at.success[0].value.startswith("Correct!")


def test_the_answer_box_is_a_form_checked_on_submit_with_a_hint_that_is_no_answer():
    """Enter in a form's text box submits it (checked in Chromium by tests/e2e/test_practice.py); here the
    same submit: typing alone checks nothing, the form's button checks, and the grey hint is no formula."""
    at = open_page("pages/practice.py", {"source": "lesson", "n": "0"})
    box = at.text_input(key="practice.answer")
    assert box.placeholder == "a formula in x, y: ^ for powers, * or nothing for times, sin(…) for functions"
    box.input("6x + 2y").run()
    assert not at.success and at.sidebar.metric[0].value == "0 solved"  # not submitted: nothing checked
    answer(at, "6x + 2y")  # typed and submitted in one go, as Enter does
    assert [s.value.replace("\\", "") for s in at.success] == [
        "Correct! Your answer equals ∂f/∂x. (Decided exactly: sympy simplifies the difference to 0.)"
    ]
    assert at.sidebar.metric[0].value == "1 solved"
