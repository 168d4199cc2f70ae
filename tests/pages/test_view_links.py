"""The lecturer's links: 'Link to this view' is complete (page and every declared control, generated from what
each page drew), a link for students leaves lecture mode, theme and presenting view out unless kept, and a
presenting view hides what the lecturer chose."""

from __future__ import annotations

import math
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import ROOT, address, assert_clean, link_box, open_page
from ui.controls import Control
from ui.navigation import PAGES

ROWS = {row.slug: row for row in PAGES}
WITH_CONTROLS = [row for row in PAGES if row.link and row.slug]  # the live class has its own join link


def altered(control: Control):
    """A value other than the default that the control's widget can hold (None for free text)."""
    if control.kind in ("slider", "number"):
        step = control.step or 1
        value = control.default + step if control.default + step <= control.high else control.default - step
        return int(value) if control.integer else round(value, 10)
    if control.kind == "toggle":
        return not control.default
    if control.kind in ("select", "radio", "select_slider"):
        return control.options[-1] if control.options[-1] != control.default else control.options[0]
    if control.kind == "multiselect":
        first = [control.options[0]]
        return first if control.default != first else list(control.options[:2]) if len(control.options) > 1 else []
    return None


def links(at) -> list[str]:
    """The addresses under 'Link to this view' (for students first, then this exact view when it differs): the
    address bar, which the box shows (ui/link_box.js; what the browser shows: tests/e2e/test_lesson_path.py)."""
    slug = next(row.slug for row in PAGES if row.prefix == at.session_state["_guard.page"].name)  # the page shown
    student, exact = link_box(at, slug), address(at, slug)
    return [student] if student == exact else [student, exact]


def state(at, prefix: str) -> dict:
    controls = at.session_state[f"{prefix}._controls"]
    return {name: at.session_state[f"{prefix}.{name}"] for name in controls}


def same(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    return all(
        math.isclose(a[k], b[k]) if isinstance(a[k], float) and isinstance(b[k], float) else a[k] == b[k] for k in a
    )


def opened(link: str):
    """A fresh session on the link: the page its path names, with its query."""
    parts = urlsplit(link)
    row = ROWS[parts.path.strip("/")]
    return row, open_page(row.path, dict(parse_qsl(parts.query, keep_blank_values=True)))


@pytest.mark.parametrize("row", WITH_CONTROLS, ids=lambda row: row.slug)
def test_the_link_to_this_view_reopens_the_same_page_in_the_same_state(row):
    at = open_page(row.path)
    for control in at.session_state[f"{row.prefix}._controls"].values():
        value = altered(control)
        if value is not None:
            at.session_state[f"{row.prefix}.{control.name}"] = value
    at.session_state["lecture"] = True
    at.session_state["theme"] = "dark"
    at.run()
    # Once more, as the browser would: a slider whose range changed in that run (backprop's path, up to T) is a new
    # widget, which took its old value at the run's end, as on the server; the next run settles on one value.
    at.run()
    assert_clean(at)
    before = state(at, row.prefix)
    full = links(at)[-1]  # this exact view, the projector's choices included
    assert "lecture=1" in full and "theme=dark" in full
    again, fresh = opened(full)
    assert again == row
    assert_clean(fresh)
    assert not fresh.warning, [w.value for w in fresh.warning]
    assert same(state(fresh, row.prefix), before), (state(fresh, row.prefix), before)
    assert fresh.session_state["lecture"] is True and fresh.session_state["theme"] == "dark"
    assert links(fresh)[-1] == full


def test_the_explained_step_of_the_descent_page_is_in_the_link():
    """The step the explanation shows (descent.k) travels with the link like every control."""
    at = open_page("pages/descent.py", {"f": "lesson_loss", "steps": "20"})
    if "k" not in at.session_state["descent._controls"]:
        pytest.skip("the explained step is not a declared control yet (issue 28 declares it)")
    at.session_state["descent.k"] = 5
    at.run()
    assert_clean(at)
    student = links(at)[0]
    row, fresh = opened(student)
    assert row.slug == "descent"
    assert fresh.session_state["descent.k"] == 5


def test_a_link_for_students_leaves_the_projector_out():
    query = {"f": "lesson_quadratic", "lecture": "1", "theme": "light", "present": "sidebar,x0"}
    at = open_page("pages/partials.py", query)
    assert_clean(at)
    student, lecturer = links(at)
    for name in ("lecture", "theme", "present"):
        assert f"{name}=" not in student
        assert f"{name}=" in lecturer
    assert student.startswith("/partials?f=lesson_quadratic&x0=")
    # The students' link opens the same page and controls, without lecture mode or the lecturer's theme.
    _, fresh = opened(student)
    assert fresh.session_state["lecture"] is False and fresh.session_state["theme"] == "auto"
    assert fresh.session_state["partials.x0"] == at.session_state["partials.x0"]


def test_without_projector_choices_there_is_one_link():
    at = open_page("pages/gradient.py", {"f": "himmelblau"})
    assert len(links(at)) == 1 and links(at)[0].startswith("/gradient?f=himmelblau")


def test_a_presenting_view_hides_the_chosen_controls_and_keeps_them_in_the_link():
    at = open_page("pages/partials.py", {"present": "x0,h"})
    assert_clean(at)
    assert at.session_state["partials.present"] == ["x0", "h"]
    styles = [e.proto.body for e in at.get("html") if "display: none" in e.proto.body]
    assert styles and ".st-key-partials-x0" in styles[0] and ".st-key-partials-h" in styles[0]
    assert ".st-key-partials-y0" not in styles[0]
    assert "present=x0%2Ch" in links(at)[-1]


def test_a_bad_theme_or_presenting_view_in_a_link_is_refused_by_name():
    # The theme is read on the session's first run, whichever page it opens (here the welcome page).
    first = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    first.query_params["theme"] = "[neon](https://evil.example)"
    first.run()
    assert_clean(first)
    assert any("“theme”" in w.value.replace("\\", "") for w in first.warning)
    assert not any("evil.example" in m.value for m in first.markdown)  # quoted as code, never a link
    assert first.session_state["theme"] == "auto"
    at = open_page("pages/partials.py", {"present": "sidebar,nope"})
    assert_clean(at)
    assert any("“present”" in w.value.replace("\\", "") for w in at.warning)
    assert at.session_state["partials.present"] == []
