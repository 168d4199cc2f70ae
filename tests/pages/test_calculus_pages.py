"""AppTest for the calculus pages: every preset renders, controls change figures, bad formulas show errors."""

import pytest

from core import PRESETS
from tests.pages.conftest import assert_clean, figures, keyed_figure, open_page, opened, texts, trace
from ui.navigation import PAGES

CALCULUS_PAGES = ["pages/partials.py", "pages/gradient.py", "pages/total_derivative.py"]
PREFIX = {"pages/partials.py": "partials", "pages/gradient.py": "gradient", "pages/total_derivative.py": "total"}


def test_home_page_shows_the_lessons_first_example():
    at = open_page("pages/home.py")
    assert_clean(at)
    text = texts(at)
    assert "6 x + 2 y" in text and "2 x + 2 y" in text
    # The path: a link to every page but the welcome page itself, in the registry's order.
    assert [link.proto.page for link in at.get("page_link")] == [row.slug for row in PAGES if row.slug]


@pytest.mark.parametrize("page", CALCULUS_PAGES)
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_page_renders_every_preset(page, preset):
    at = open_page(page, {"f": preset})
    assert_clean(at)
    assert not at.error
    assert len(figures(at)) >= 2
    assert at.sidebar.selectbox(key=f"{PREFIX[page]}.f").value == preset


@pytest.mark.parametrize("page", CALCULUS_PAGES)
def test_a_custom_formula_is_accepted_and_echoed(page):
    at = open_page(page, {"f": "custom", "expr": "x^3 - 3x*y^2"})
    assert_clean(at)
    assert not at.error
    assert "x^{3} - 3 x y^{2}" in texts(at)


@pytest.mark.parametrize("page", CALCULUS_PAGES)
def test_a_malformed_formula_shows_an_error_and_keeps_the_last_good_function(page):
    at = open_page(page, {"f": "custom", "expr": "x^2 + y"})
    before = figures(at)
    at.sidebar.text_input(key=f"{PREFIX[page]}.expr").input("x^2 + (y").run()
    assert_clean(at)
    assert any("never closed" in e.value for e in at.error)
    assert "x^{2} + y" in texts(at)
    assert trace(figures(at)[0], "f") == trace(before[0], "f")


def test_partials_page_shows_the_lessons_partials_and_their_values():
    at = open_page("pages/partials.py", {"f": "lesson_quadratic", "x0": "1", "y0": "2"})
    assert_clean(at)
    text = texts(at)
    assert r"\frac{\partial f}{\partial x} = 6 x + 2 y" in text
    assert r"\frac{\partial f}{\partial y} = 2 x + 2 y" in text
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["∂f/∂x at P"] == "10" and metrics["∂f/∂y at P"] == "6" and metrics["f(P)"] == "11"


def test_partials_page_lesson_sin_example():
    at = open_page("pages/partials.py", {"f": "lesson_sin"})
    text = texts(at)
    assert r"2 x y + y \cos{\left(x y \right)}" in text
    assert r"x^{2} + x \cos{\left(x y \right)}" in text


def test_moving_the_point_moves_the_figures_and_the_numbers():
    at = open_page("pages/partials.py", {"f": "lesson_quadratic"})
    before = figures(at)
    at.sidebar.slider(key="partials.x0").set_value(1.0).run()
    at.sidebar.slider(key="partials.y0").set_value(2.0).run()
    assert_clean(at)
    after = figures(at)
    assert before[0] != after[0] and before[1] != after[1]
    assert {m.label: m.value for m in at.metric}["∂f/∂x at P"] == "10"


def test_secant_table_converges_and_h_moves_the_secant():
    at = open_page("pages/partials.py", {"f": "lesson_quadratic", "x0": "1", "y0": "2"})
    table = next(m.value for m in at.markdown if m.value.startswith("| h | secant slope"))
    # h as every number on the page is written (10⁻⁶, never "1e-06": one format beside the metrics' ×10ⁿ).
    assert "| 1\u202f×\u202f10⁻⁶ | 10.000003 |" in table or "| 1\u202f×\u202f10⁻⁶ | 10.00000300" in table
    names = [t["name"] for t in keyed_figure(at, "partials.slice_x")["data"]]
    assert "secant, h = 0.5: slope 11.5" in names
    at.sidebar.select_slider(key="partials.h").set_value("0.01").run()
    names = [t["name"] for t in keyed_figure(at, "partials.slice_x")["data"]]
    assert "secant, h = 0.01: slope 10.03" in names


def test_tangent_plane_toggle_adds_the_plane():
    at = open_page("pages/partials.py", {"f": "lesson_quadratic"})
    assert "tangent plane" not in [t.get("name") for t in figures(at)[0]["data"]]
    at.sidebar.toggle(key="partials.plane").set_value(True).run()
    assert "tangent plane" in [t.get("name") for t in figures(at)[0]["data"]]


def test_undefined_point_warns_instead_of_showing_nan():
    at = open_page("pages/partials.py", {"f": "custom", "expr": "log(x) + y", "x0": "-1", "y0": "0", "range": "2"})
    assert_clean(at)
    assert any("undefined at P" in w.value for w in at.warning)
    assert "nan" not in " ".join(m.value for m in at.metric).lower()


def test_pole_is_clipped_with_a_note():
    at = open_page("pages/partials.py", {"f": "custom", "expr": "1/(x^2 + y^2)", "x0": "1", "y0": "1"})
    assert_clean(at)
    assert any("pole" in i.value for i in at.info)


def test_gradient_page_numbers_and_direction_control():
    at = open_page("pages/gradient.py", {"f": "lesson_quadratic", "x0": "1", "y0": "2", "theta": "0"})
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["∂f/∂x(P)"] == "10" and metrics["∂f/∂y(P)"] == "6"  # one metric per component
    assert metrics["|∇f(P)|"] == "11.66"  # √136, to 4 significant digits
    assert metrics["Dᵤf(P), θ = 0°"] == "10"
    before = figures(at)[1]
    at.sidebar.slider(key="gradient.theta").set_value(90).run()
    assert {m.label: m.value for m in at.metric}["Dᵤf(P), θ = 90°"] == "6"
    assert figures(at)[1] != before
    at.sidebar.radio(key="gradient.arrows").set_value("descent").run()
    assert any(t.get("name", "").startswith("−∇f field") for t in figures(at)[0]["data"])


def test_gradient_page_warns_at_the_ackley_cusp():
    at = open_page("pages/gradient.py", {"f": "ackley", "x0": "0", "y0": "0"})
    assert_clean(at)
    assert any("undefined at P" in w.value for w in at.warning)


def test_total_derivative_page_chain_rule_matches_direct():
    at = open_page("pages/total_derivative.py", {"f": "lesson_sin", "g": "x^2", "x0": "0.5"})
    assert_clean(at)
    assert any("the same number" in s.value for s in at.success)
    text = texts(at)
    assert r"\frac{d}{dx} f(x, g(x))" in text


def test_total_derivative_page_rejects_a_bad_path_and_keeps_the_last():
    at = open_page("pages/total_derivative.py", {"f": "lesson_sin"})
    at.sidebar.text_input(key="total.g").input("sin(x").run()
    assert_clean(at)
    assert any("g not used" in e.value for e in at.error)
    at.sidebar.text_input(key="total.g").input("y + 1").run()
    assert any("Unknown variable y" in e.value for e in at.error)


def test_moving_x0_on_the_total_derivative_page_moves_the_tangents():
    at = open_page("pages/total_derivative.py", {"f": "lesson_sin", "x0": "0.5"})
    before = figures(at)
    at.sidebar.slider(key="total.x0").set_value(-0.8).run()
    assert_clean(at)
    assert figures(at)[0] != before[0] and figures(at)[1] != before[1]
    assert "at x₀ = −0.8" in [m.label for m in at.metric]


def test_the_latex_of_the_partials_is_offered_for_copying():
    at = open_page("pages/partials.py", {"f": "lesson_quadratic"})
    assert not [c for c in at.code if c.language == "latex"]  # closed: not written
    assert [opened(at, "partials.latex", "latex")] == [
        "\\frac{\\partial f}{\\partial x} = 6 x + 2 y\n\\frac{\\partial f}{\\partial y} = 2 x + 2 y"
    ]


def test_a_formula_as_students_type_it_is_read_and_shown_before_use():
    """Issue 15: x² was read as a variable x2; 2xy as an unknown variable xy."""
    at = open_page("pages/partials.py", {"f": "custom", "expr": "3x²y + 2xy"})
    assert_clean(at)
    assert "f(x, y) = 3 x^{2} y + 2 x y" in [latex.value.strip("$\n") for latex in at.sidebar.latex]
    assert any("'xy' read as x·y" in c.value.replace("\\", "") for c in at.sidebar.caption)


def test_a_teachers_notation_is_read_with_a_note_and_an_ambiguity_offers_both_readings():
    """Issue 27: sin2x and w1w2 were single variables, silently; e^2x was e²·x."""
    at = open_page("pages/partials.py", {"f": "custom", "expr": "sin2w1 + w1w2"})
    assert_clean(at)
    assert "f(w1, w2) = w_{1} w_{2} + \\sin{\\left(2 w_{1} \\right)}" in [
        latex.value.strip("$\n") for latex in at.sidebar.latex
    ]
    captions = " ".join(c.value.replace("\\", "") for c in at.sidebar.caption)
    assert "'sin2w1' read as sin(2w1)" in captions and "'w1w2' read as w1·w2" in captions
    at = open_page("pages/partials.py", {"f": "custom", "expr": "e^2x + y"})  # from a link: a warning says why
    assert any("can be read as e^(2x) or e^2·x" in w.value.replace("\\", "") for w in at.warning)


def test_at_a_kink_the_partial_is_said_not_to_exist():
    """Issue 13: at the kink of abs(x)+y the page showed ∂f/∂x = 0 while every secant slope was ±1."""
    at = open_page("pages/partials.py", {"f": "custom", "expr": "abs(x) + y", "x0": "0", "y0": "1"})
    assert_clean(at)
    assert {m.label: m.value for m in at.metric}["∂f/∂x at P"] == "does not exist"
    assert {m.label: m.value for m in at.metric}["∂f/∂y at P"] == "1"
    assert any("does not exist" in w.value for w in at.warning)
