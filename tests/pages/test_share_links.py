"""Share links: a page's state goes into the URL, and the URL alone reproduces the same view in a new session."""

import pytest

from tests.pages.conftest import assert_clean, figures, link_box, open_page, texts


def _metrics(at):
    return {m.label: m.value for m in at.metric}


def _change(at, widget, key, value):
    getattr(at, widget)(key=key).set_value(value).run()
    assert_clean(at)


CASES = {
    "pages/partials.py": [
        ("selectbox", "partials.f", "himmelblau"),
        ("slider", "partials.x0", 1.25),
        ("slider", "partials.y0", -2.5),
        ("select_slider", "partials.h", "0.01"),
        ("toggle", "partials.plane", True),
    ],
    "pages/gradient.py": [
        ("selectbox", "gradient.f", "custom"),
        ("text_input", "gradient.expr", "x^3 - 3x*y^2 + y"),
        ("slider", "gradient.x0", 0.9),
        ("radio", "gradient.arrows", "descent"),
        ("toggle", "gradient.norm", True),
        ("slider", "gradient.theta", 200),
    ],
    "pages/total_derivative.py": [
        ("selectbox", "total.f", "lesson_sin"),
        ("text_input", "total.g", "sin(x) + 1"),
        ("slider", "total.x0", 0.7),
    ],
    "pages/descent.py": [
        ("selectbox", "descent.f", "rosenbrock"),
        ("selectbox", "descent.opt", "adam"),
        ("number_input", "descent.lr", 0.05),
        ("slider", "descent.steps", 150),
        ("slider", "descent.beta1", 0.8),
        ("slider", "descent.x0", -1.0),
        ("toggle", "descent.log", True),
    ],
    "pages/regression.py": [
        ("segmented_control", "regression.tab", "Fit a line to data"),
        ("selectbox", "regression.opt", "momentum"),
        ("number_input", "regression.lr", 0.02),
        ("slider", "regression.momentum", 0.5),
        ("radio", "regression.batch", "8"),
        ("number_input", "regression.seed", 42),
    ],
    "pages/practice.py": [
        ("radio", "practice.source", "generated"),
        ("radio", "practice.level", "medium"),
    ],
}


@pytest.mark.parametrize("page", list(CASES))
def test_state_to_url_to_a_fresh_session_gives_the_same_view(page):
    at = open_page(page)
    for widget, key, value in CASES[page]:
        _change(at, widget, key, value)
    link = dict(at.query_params)
    assert link, "the page wrote nothing into the URL"
    at.run()  # the whole page (a control in a tab reran that part alone, and AppTest then holds only the part)
    fresh = open_page(page, link)
    assert_clean(fresh)
    assert not fresh.warning, [w.value for w in fresh.warning]
    assert figures(fresh) == figures(at)
    assert _metrics(fresh) == _metrics(at)
    assert texts(fresh) == texts(at)
    assert dict(fresh.query_params) == link


@pytest.mark.parametrize(
    ("page", "name", "value"),
    [
        ("pages/partials.py", "x0", "abc"),
        ("pages/partials.py", "x0", "1e9"),
        ("pages/partials.py", "f", "nonsense"),
        ("pages/gradient.py", "theta", "12.5"),
        ("pages/total_derivative.py", "g", "__import__('os')"),
        ("pages/descent.py", "opt", "sgd2"),
        ("pages/descent.py", "lr", "-1"),
        ("pages/descent.py", "steps", "100000"),
        ("pages/regression.py", "batch", "3"),
        ("pages/practice.py", "level", "impossible"),
    ],
)
def test_an_invalid_parameter_warns_by_name_and_falls_back_to_the_default(page, name, value):
    # The batch control lives on the data tab, and a link parameter is read where its control is drawn.
    context = {"tab": "Fit a line to data"} if page == "pages/regression.py" else {}
    default = open_page(page, context)
    at = open_page(page, {**context, name: value})
    assert_clean(at)
    warnings = [w.value for w in at.warning]
    assert any(f"“{name}”" in w.replace("\\", "") for w in warnings), warnings
    assert figures(at) == figures(default)


def test_a_point_outside_the_domain_warns_and_uses_the_start():
    at = open_page("pages/partials.py", {"f": "booth", "x0": "50"})
    assert any("outside" in w.value and "“x0”" in w.value for w in at.warning)
    assert at.sidebar.slider(key="partials.x0").value == -6.0


def test_the_link_is_shown_on_the_page_with_the_pages_path():
    at = open_page("pages/partials.py", {"f": "booth"})
    assert link_box(at, "partials").startswith("/partials?f=booth&x0=")
