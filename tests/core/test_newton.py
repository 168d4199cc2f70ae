"""Newton's method against a direct numpy.linalg.solve of the Hessian system, with sympy's Hessian as the reference."""

import numpy as np
import pytest

from core import PRESETS, Trajectory, descend, descend_many, parse
from core.curvature import from_condition
from core.optimizers import SECOND_ORDER, Optimizer, make


def newton_descend(f, start, name="newton", steps=20, eta=1.0, **hyper):
    """A Newton variant from the optimizer table, run by descend like every optimizer (η: damped Newton's)."""
    return descend(f, start, name, eta, steps, **hyper)


ROSENBROCK = parse(PRESETS["rosenbrock"].text)
DOUBLE_WELL = parse("x**4/4 - x**2/2 + y**2/2")


def sympy_hessian(f, point):
    """H(P) by substituting into sympy's matrix: independent of the lambdified Hessian Newton uses."""
    return np.array(f.hessian.subs(dict(zip(f.variables, point, strict=True))).evalf(), dtype=float)


@pytest.mark.parametrize("key", ["rosenbrock", "himmelblau", "lesson_sin", "beale", "three_hump_camel"])
def test_a_newton_step_is_the_solution_of_the_hessian_system(key):
    f = parse(PRESETS[key].text)
    start = (0.6, -0.7)
    t = newton_descend(f, start, "newton", steps=3)
    for k in range(3):
        h, g = sympy_hessian(f, t.points[k]), f.grad(*t.points[k])
        assert np.allclose(t.updates[k], np.linalg.solve(h, -g), rtol=1e-10, atol=1e-12)
        assert np.array_equal(t.points[k + 1], t.points[k] + t.updates[k])


@pytest.mark.parametrize(("kappa", "angle"), [(1.0, 0.0), (10.0, 30.0), (1000.0, 110.0)])
def test_newton_solves_a_quadratic_in_one_step_whatever_its_conditioning(kappa, angle):
    q = from_condition(kappa, angle)
    t = newton_descend(q.f, (2.0, -1.5), "newton", steps=1)
    assert np.abs(t.points[1]).max() < 1e-12
    assert t.values[1] < 1e-20


def test_newton_lands_on_the_lessons_and_booths_minima_in_one_step():
    lesson = newton_descend(parse(PRESETS["lesson_quadratic"].text), (2.0, -2.0), steps=1)
    booth = newton_descend(parse(PRESETS["booth"].text), (-6.0, -6.0), steps=1)
    assert np.allclose(lesson.points[1], (0.0, 0.0), atol=1e-12)
    assert np.allclose(booth.points[1], (1.0, 3.0), atol=1e-12)


def test_damped_newton_takes_the_fraction_eta_of_the_step_and_shrinks_a_quadratics_error_by_one_minus_eta():
    q = from_condition(10.0, 45.0)
    full = newton_descend(q.f, (2.0, 1.0), "newton", steps=1)
    damped = newton_descend(q.f, (2.0, 1.0), "newton_damped", steps=5, eta=0.3)
    assert np.allclose(damped.updates[0], 0.3 * full.updates[0], rtol=1e-12)
    assert np.allclose(damped.points[5], 0.7**5 * damped.points[0], rtol=1e-10)
    assert damped.lr == 0.3 and full.lr == 1.0


def test_line_search_never_raises_f_and_each_accepted_step_passes_armijos_test():
    t = newton_descend(ROSENBROCK, PRESETS["rosenbrock"].start, "newton_ls", steps=30)
    assert np.all(np.diff(t.values) <= 0)
    for k, state in enumerate(t.states):
        search = state[1]
        if search.t > 0:
            slope = t.gradients[k] @ (t.updates[k] / search.t)
            assert t.values[k + 1] <= t.values[k] + 1e-4 * search.t * slope
    assert np.allclose(t.points[-1], (1.0, 1.0), atol=1e-10)


def test_plain_newton_on_rosenbrock_goes_uphill_on_the_way_but_beats_gradient_descent():
    newton = newton_descend(ROSENBROCK, PRESETS["rosenbrock"].start, "newton", steps=10)
    gd = descend(ROSENBROCK, PRESETS["rosenbrock"].start, "gd", PRESETS["rosenbrock"].lr, 10)
    assert newton.values.max() > 50 * newton.values[0]  # the full step overshoots up the valley wall
    assert np.allclose(newton.points[-1], (1.0, 1.0), atol=1e-10)
    assert gd.values[-1] > 1.0


def test_newton_is_pulled_to_a_saddle_and_line_search_cannot_push_it_away():
    saddle = newton_descend(parse("x**2 - y**2"), (1.5, 0.3), "newton", steps=1)
    assert np.allclose(saddle.points[1], (0.0, 0.0), atol=1e-12)
    plain = newton_descend(DOUBLE_WELL, (0.3, 1.0), "newton", steps=10)
    assert np.allclose(plain.points[-1], (0.0, 0.0), atol=1e-12)
    searched = newton_descend(DOUBLE_WELL, (0.3, 1.0), "newton_ls", steps=10)
    # Newton's direction points uphill near the saddle: no step length passes, so the search stands still.
    assert searched.states[-1][1].t == 0.0
    assert np.linalg.norm(searched.points[-1]) < 0.1
    assert np.array_equal(searched.points[-1], searched.points[-2])


def test_the_positive_definite_fix_escapes_the_saddle_to_a_minimum():
    t = newton_descend(DOUBLE_WELL, (0.3, 1.0), "newton_pd", steps=15)
    assert np.allclose(np.abs(t.points[-1]), (1.0, 0.0), atol=1e-10)
    assert t.states[0][0].changed == 1  # the negative eigenvalue was flipped at the start
    g, d = t.gradients[0], t.updates[0]
    assert g @ d < 0  # downhill, where Newton's own step was not


def test_the_positive_definite_fix_is_plain_newton_where_h_is_positive_definite():
    start = PRESETS["lesson_sin"].start
    f = parse("3*x**2 + 2*x*y + y**2 + x**4")
    assert np.allclose(
        newton_descend(f, start, "newton_pd", steps=4).points, newton_descend(f, start, "newton", steps=4).points
    )


def test_a_singular_hessian_gives_the_least_squares_step():
    t = newton_descend(parse("(x + y - 2)**2"), (0.0, 0.0), "newton", steps=1)
    assert np.allclose(t.points[1], (1.0, 1.0))  # the nearest point of the zero line x + y = 2


def test_a_run_is_a_descent_trajectory_and_reports_divergence_like_descend():
    t = newton_descend(ROSENBROCK, (0.5, 0.5), "newton_pd", steps=4, delta=0.1)
    assert isinstance(t, Trajectory) and t.optimizer == "newton_pd" and t.hyper == {"delta": 0.1}
    assert t.points.shape == (5, 2) and t.updates.shape == (4, 2) and len(t.states) == 4
    bad = newton_descend(parse("log(x) + y**2"), (-1.0, 1.0), "newton", steps=5)
    assert bad.status == "diverged" and bad.diverged_at == 0 and bad.steps_taken == 0


def test_bad_names_and_hyperparameters_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="Unknown optimizer 'bfgs'"):
        make("bfgs", 1.0)
    with pytest.raises(ValueError, match="has no hyperparameter momentum"):
        make("newton", 1.0, momentum=0.9)
    with pytest.raises(ValueError, match="learning rate must be a positive number"):
        make("newton_damped", -0.5)
    with pytest.raises(ValueError, match="needs the Hessian"):
        descend_many(parse("x**2 + y**2"), np.zeros((3, 2)), "newton")


@pytest.mark.parametrize("name", list(SECOND_ORDER))
def test_every_entry_is_complete_and_runs_with_its_defaults(name):
    entry = SECOND_ORDER[name]
    assert isinstance(entry, Optimizer) and entry.second_order and entry.name == name and entry.label and entry.rule
    for h in entry.hypers:
        assert h.low <= h.default <= h.high and 0 < h.step <= h.high - h.low
    t = newton_descend(parse(PRESETS["booth"].text), (-6.0, -6.0), name, steps=20)
    assert np.allclose(t.points[-1], (1.0, 3.0), atol=1e-4)
