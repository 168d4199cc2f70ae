"""Nothing lost (issue 26): a page's state survives a visit to another page; a bad upload keeps the last good one."""

from __future__ import annotations

from tests.pages.conftest import assert_clean, open_page, texts

POINTS = b"x1,x2,t\n0,1,0\n1,0,1\n2,2,1\n"
LINE = b"x,y\n0,1\n1,3\n2,5\n3,7\n"


def away_and_back(at, page: str):
    """Visit the partials page, then come back to ``page``, as a student clicking the sidebar."""
    at.switch_page("pages/partials.py").run()
    assert_clean(at)
    at.switch_page(page).run()
    assert_clean(at)
    return at


def test_the_open_tab_survives_a_visit_to_another_page():
    """issue 26: a page switch lost the open tab of the curvature and regression pages."""
    for page, tab, shown in [
        ("pages/curvature.py", "Condition number", "builds its own quadratic"),
        ("pages/regression.py", "Fit a line to data", "Batch sizes compared"),
    ]:
        at = open_page(page)
        name = page.removeprefix("pages/").removesuffix(".py")
        at.segmented_control(key=f"{name}.tab").set_value(tab).run()
        assert shown in texts(at)
        away_and_back(at, page)
        assert at.session_state[f"{name}.tab"] == tab
        assert shown in texts(at)


def test_an_upload_survives_a_visit_to_another_page_until_the_student_lets_it_go():
    at = open_page("pages/regression.py", {"tab": "Fit a line to data"})
    at.file_uploader(key="regression.csv").upload("line.csv", LINE, "text/csv").run()
    assert "uploaded CSV (4 rows)" in texts(at)
    away_and_back(at, "pages/regression.py")
    assert "uploaded CSV (4 rows)" in texts(at)
    assert "Using “line.csv”, your upload from before." in texts(at)
    at.button(key="regression._kept.csv.forget").click().run()
    assert "uploaded CSV" not in texts(at)


def test_a_backprop_upload_survives_a_page_visit_and_a_bad_one_keeps_it():
    """issue 26: a bad backprop upload threw away the good one before it (regression kept it)."""
    at = open_page("pages/backprop.py")
    uploader = at.sidebar.file_uploader(key="backprop.csv")
    uploader.upload("points.csv", POINTS, "text/csv").run()
    assert "uploaded CSV (3 points)" in texts(at)
    away_and_back(at, "pages/backprop.py")
    assert "uploaded CSV (3 points)" in texts(at)
    at.sidebar.file_uploader(key="backprop.csv").upload("bad.csv", b"x1,x2,t\n1,zz,0\n2,3,1\n", "text/csv").run()
    assert_clean(at)
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("bad.csv" in e and "last good upload stays in use" in e for e in errors), errors
    assert "uploaded CSV (3 points)" in texts(at)


def test_an_unchecked_answer_and_the_explained_step_survive_a_visit_to_another_page():
    at = open_page("pages/practice.py")
    # The box is in a form (Enter checks): the server holds what was sent with the form's button.
    at.text_input(key="practice.answer").input("6*x + 2")
    at.button(key="practice.check").click().run()
    away_and_back(at, "pages/practice.py")
    assert at.text_input(key="practice.answer").value == "6*x + 2"

    at = open_page("pages/descent.py", {"f": "rosenbrock", "steps": "20"})
    at.slider(key="descent.k").set_value(7).run()
    away_and_back(at, "pages/descent.py")
    assert at.slider(key="descent.k").value == 7
    assert "Step 7:" in texts(at)


def test_the_practice_score_says_it_belongs_to_this_tab():
    at = open_page("pages/practice.py")
    assert "The score belongs to this tab" in texts(at)
    assert "a reload or a new tab starts at 0" in texts(at)
    assert any(m.label == "Score in this browser tab" for m in at.metric)
