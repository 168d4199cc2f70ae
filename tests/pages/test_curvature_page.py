"""AppTest for the curvature page: every tab runs clean, its controls change what it shows, bad links warn."""

import pytest

from tests.pages.conftest import assert_clean, figures, metrics, open_page, texts

PAGE = "pages/curvature.py"
TABS = ["Hessian at P", "Condition number", "Newton's method", "Saddle escape"]


@pytest.mark.parametrize(("tab", "charts"), [(TABS[0], 2), (TABS[1], 3), (TABS[2], 3), (TABS[3], 2)])
def test_every_tab_runs_clean_and_draws(tab, charts):
    at = open_page(PAGE, {"tab": tab})
    assert_clean(at)
    assert not at.error and not at.warning
    assert len(figures(at)) == charts


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ({"f": "lesson_quadratic", "x0": "0", "y0": "0"}, "minimum"),
        ({"f": "saddle", "x0": "0", "y0": "0"}, "saddle"),
        ({"f": "custom", "expr": "-x^2 - y^2", "x0": "0", "y0": "0"}, "maximum"),
        ({"f": "custom", "expr": "x^4 + y^4", "x0": "0", "y0": "0"}, "degenerate"),
        ({"f": "lesson_quadratic", "x0": "1", "y0": "0"}, "on a slope"),
    ],
)
def test_the_hessian_tab_classifies_p(query, kind):
    at = open_page(PAGE, query | {"tab": TABS[0]})
    assert_clean(at)
    assert metrics(at)["P is"] == kind


def test_the_hessian_tab_shows_the_lessons_matrix_and_eigenvalues():
    at = open_page(PAGE, {"f": "lesson_quadratic", "x0": "1", "y0": "2", "tab": TABS[0]})
    text = texts(at)
    assert r"H(x, y) = \begin{pmatrix} 6 & 2 \\ 2 & 2 \end{pmatrix}" in text
    assert r"\nabla f(P) = \begin{pmatrix} 10 \\ 6 \end{pmatrix}" in text
    assert metrics(at)["λ₁"] == "1.172" and metrics(at)["λ₂"] == "6.828"  # 4 ∓ 2√2


def test_moving_p_moves_the_axes_and_the_numbers():
    at = open_page(PAGE, {"f": "rosenbrock", "tab": TABS[0]})
    before, numbers = figures(at), metrics(at)
    at.sidebar.slider(key="curvature.x0").set_value(0.5).run()
    assert_clean(at)
    assert figures(at)[0]["data"] != before[0]["data"] and metrics(at)["λ₂"] != numbers["λ₂"]


def test_the_condition_tab_predicts_and_measures_the_optimal_rates():
    at = open_page(PAGE, {"tab": TABS[1], "kappa": "100", "angle": "0", "rsteps": "200"})
    assert_clean(at)
    table = next(m.value for m in at.markdown if m.value.startswith("| run | predicted"))
    assert "| GD (η = 0.0198) | 0.9802 | 0.9802 |" in table  # (κ − 1)/(κ + 1) = 99/101
    assert "0.8182" in table  # Polyak: (√κ − 1)/(√κ + 1) = 9/11
    assert metrics(at)["largest stable η = 2/λmax"] == "0.02"


def test_condition_controls_change_the_runs():
    at = open_page(PAGE, {"tab": TABS[1]})
    before = figures(at)
    at.sidebar.radio(key="curvature.tuning").set_value("manual").run()
    at.sidebar.slider(key="curvature.eta_lmax").set_value(2.1).run()
    assert_clean(at)
    after = figures(at)
    assert after[0]["data"] != before[0]["data"]
    assert "diverged" in texts(at)  # η above 2/λmax: gradient descent blows up, as the sweep predicts


def test_the_newton_tab_solves_the_quadratic_in_one_step_and_the_scene_changes_the_race():
    at = open_page(PAGE, {"tab": TABS[2], "scene": "quadratic", "nsteps": "1"})
    assert_clean(at)
    table = next(m.value for m in at.markdown if m.value.startswith("| run | ends at"))
    assert "| Newton's method | (0, 0) | 0 | 0 | minimum |" in table
    at.sidebar.radio(key="curvature.scene").set_value("saddle").run()
    at.sidebar.slider(key="curvature.nsteps").set_value(20).run()
    table = next(m.value for m in at.markdown if m.value.startswith("| run | ends at"))
    assert "| Newton's method | (0, 0) | 0 | 0 | saddle |" in table
    assert "| Newton, positive-definite fix | (1, 0) | −0.25 | 0 | minimum |" in table


def test_a_newton_hyperparameter_changes_the_damped_run():
    at = open_page(PAGE, {"tab": TABS[2], "scene": "rosenbrock", "nsteps": "5"})
    before = next(m.value for m in at.markdown if m.value.startswith("| run | ends at"))
    at.sidebar.slider(key="curvature.eta").set_value(0.9).run()
    after = next(m.value for m in at.markdown if m.value.startswith("| run | ends at"))
    damped = [line for line in (before, after) for line in line.splitlines() if line.startswith("| Damped Newton")]
    assert damped[0] != damped[1]


def test_the_saddle_tab_counts_the_stall_and_the_offset_shortens_it():
    at = open_page(PAGE, {"tab": TABS[3], "offset": "1e-06"})
    assert_clean(at)
    near = {k.split(":")[0]: int(v) for k, v in metrics(at).items()}
    assert near["Gradient descent"] > 3 * near["Momentum μ = 0.9"]
    at.sidebar.select_slider(key="curvature.offset").set_value(0.1).run()
    assert int(metrics(at)["Gradient descent: steps within 0.04 of S"]) < near["Gradient descent"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("kappa", "7"), ("angle", "400"), ("scene", "bogus"), ("eta", "5"), ("noise", "abc"), ("tab", "Nope")],
)
def test_a_bad_link_value_warns_by_name_and_the_page_still_draws(name, value):
    at = open_page(PAGE, {"tab": TABS[1], name: value})
    assert_clean(at)
    assert any(f"“{name}”" in w.value for w in at.warning), [w.value for w in at.warning]
    assert figures(at)


def test_hidden_tabs_keep_their_controls_in_the_link():
    at = open_page(PAGE, {"tab": TABS[1], "kappa": "50"})
    at.segmented_control(key="curvature.tab").set_value(TABS[2]).run()
    at.sidebar.slider(key="curvature.nsteps").set_value(5).run()  # a second run with the kappa widget hidden
    assert_clean(at)
    assert at.query_params["kappa"] == "50.0" and at.query_params["tab"] == TABS[2]
    at.segmented_control(key="curvature.tab").set_value(TABS[1]).run()
    assert at.sidebar.select_slider(key="curvature.kappa").value == 50.0


@pytest.mark.parametrize("tab", TABS)
@pytest.mark.parametrize("expr", ["abs(x) + abs(y)", "relu(x) + y^2", "log(x) + y", "x/y", "1"])
def test_kinks_poles_and_constants_give_a_message_not_a_traceback(tab, expr):
    """Regression: |x| and relu have DiracDelta in their Hessian, and 1/0 in a float raised ZeroDivisionError."""
    at = open_page(PAGE, {"tab": tab, "f": "custom", "expr": expr, "x0": "0", "y0": "0", "scene": "picked"})
    assert_clean(at)
    if tab == TABS[0] and expr != "1":
        assert any("undefined at P" in w.value for w in at.warning)


def test_hostile_link_values_warn_by_name(tmp_path, monkeypatch):
    from tests.hostile import hostile_strings

    monkeypatch.chdir(tmp_path)
    canary = tmp_path / "canary"
    names = ["kappa", "angle", "tuning", "eta_lmax", "mu", "scene", "eta", "delta", "offset", "noise", "seed", "tab"]
    for text in hostile_strings(str(canary))[::8]:
        at = open_page(PAGE, dict.fromkeys(names, text))
        assert_clean(at)
        assert sum("ignored" in w.value for w in at.warning) >= len(names) - 1, text
    assert not canary.exists()


@pytest.mark.parametrize("tab", TABS)
def test_lecture_mode_enlarges_every_tab(tab):
    at = open_page(PAGE, {"tab": tab, "lecture": "1"})
    assert_clean(at)
    plain = open_page(PAGE, {"tab": tab})
    assert figures(at)[0]["layout"]["height"] > figures(plain)[0]["layout"]["height"]


@pytest.mark.parametrize("tab", TABS)
def test_a_share_link_reproduces_the_view_in_a_fresh_session(tab):
    at = open_page(PAGE, {"tab": tab, "f": "himmelblau"})
    at.sidebar.slider(key="curvature.x0").set_value(-1.0).run()
    changes = {
        TABS[1]: ("slider", "curvature.angle", 60),
        TABS[2]: ("radio", "curvature.scene", "picked"),
        TABS[3]: ("select_slider", "curvature.noise", 0.1),
    }
    if tab in changes:
        kind, key, value = changes[tab]
        getattr(at.sidebar, kind)(key=key).set_value(value).run()
    link = {name: at.query_params[name] for name in at.query_params}
    fresh = open_page(PAGE, link)
    assert_clean(fresh)
    assert not fresh.warning
    assert figures(fresh) == figures(at)
