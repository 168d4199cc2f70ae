"""Evaluation and derivatives checked against independent references: finite differences and expr.subs."""

import math
import pickle

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from core import PRESETS, hessian, parse

PRESET_KEYS = sorted(PRESETS)


def _point_in(domain, fx, fy):
    (x0, x1), (y0, y1) = domain
    return x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)


unit = st.floats(0.02, 0.98)


@pytest.mark.parametrize("key", PRESET_KEYS)
@settings(max_examples=30, deadline=None)
@given(fx=unit, fy=unit)
def test_grad_matches_central_differences(key, fx, fy):
    preset = PRESETS[key]
    f = parse(preset.text)
    p = np.array(_point_in(preset.domain, fx, fy))
    grad = f.grad(*p)
    if not np.isfinite(grad).all():
        # The only undefined gradient in the domains is Ackley's cusp at the origin.
        assert key == "ackley" and np.allclose(p, 0.0)
        return
    for i in range(2):
        h = 1e-6 * max(1.0, abs(p[i]))
        e = np.zeros(2)
        e[i] = h
        numeric = (f(*(p + e)) - f(*(p - e))) / (2 * h)
        scale = max(1.0, abs(grad[i]), abs(f(*p)) / max(1.0, abs(p[i])))
        assert abs(numeric - grad[i]) <= 1e-5 * scale, (key, p, i, numeric, grad[i])


@pytest.mark.parametrize("key", PRESET_KEYS)
@settings(max_examples=15, deadline=None)
@given(fx=unit, fy=unit)
def test_lambdified_value_matches_subs(key, fx, fy):
    preset = PRESETS[key]
    f = parse(preset.text)
    p = _point_in(preset.domain, fx, fy)
    exact = float(f.expr.subs(dict(zip(f.variables, p, strict=True))).evalf(30))
    assert math.isclose(f(*p), exact, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("key", PRESET_KEYS)
def test_vectorized_and_scalar_evaluation_agree(key):
    preset = PRESETS[key]
    f = parse(preset.text)
    (x0, x1), (y0, y1) = preset.domain
    X, Y = np.meshgrid(np.linspace(x0, x1, 7), np.linspace(y0, y1, 5))
    Z = f(X, Y)
    G = f.grad(X, Y)
    assert Z.shape == X.shape and G.shape == (2, *X.shape)
    for i, j in [(0, 0), (2, 3), (4, 6)]:
        assert Z[i, j] == pytest.approx(f(X[i, j], Y[i, j]), rel=1e-13, abs=1e-13)
        assert G[:, i, j] == pytest.approx(f.grad(X[i, j], Y[i, j]), rel=1e-13, abs=1e-13, nan_ok=True)


def test_constant_partials_broadcast_to_the_grid_shape():
    f = parse("2*x + 3*y")
    X = np.zeros((4, 5))
    assert f.grad(X, X).shape == (2, 4, 5)
    assert np.all(f.grad(X, X)[0] == 2.0) and np.all(f.grad(X, X)[1] == 3.0)
    assert parse("7", variables=("x", "y"))(X, X).shape == (4, 5)


def test_scalar_call_returns_a_python_float_and_grad_an_array():
    f = parse("x*y")
    assert isinstance(f(2.0, 3.0), float)
    assert f.grad(2.0, 3.0).shape == (2,)
    with pytest.raises(TypeError, match="takes 2 values"):
        f(1.0)


def test_variables_sorted_naturally_and_padded_on_request():
    assert parse("w10 + w2 + w1").names == ("w1", "w2", "w10")
    assert parse("x**2", variables=("x", "y")).names == ("x", "y")
    assert parse("x**2", variables=("x", "y")).grad(3.0, 1.0).tolist() == [6.0, 0.0]


def test_undefined_values_are_nan_without_warnings():
    f = parse("log(x) + sqrt(y)")
    assert math.isnan(f(-1.0, 1.0)) and math.isnan(f(1.0, -1.0))
    gx, gy = f.grad(-1.0, -1.0)
    assert gx == -1.0 and math.isnan(gy)  # 1/x is defined at x = −1; 1/(2√y) is not at y = −1
    assert math.isinf(parse("1/x", variables=("x", "y"))(0.0, 0.0))


def test_hessian_of_the_lesson_quadratic():
    assert hessian(parse("3*x**2 + 2*x*y + y**2")) == sp.Matrix([[6, 2], [2, 2]])


def test_sigmoid_and_relu_evaluate_and_differentiate():
    f = parse("sigmoid(x) + relu(y)")
    assert f(0.0, -2.0) == 0.5
    assert f(0.0, 3.0) == 3.5
    assert f.grad(0.0, 3.0).tolist() == [0.25, 1.0]
    assert f.grad(0.0, -3.0).tolist() == [0.25, 0.0]
    assert f(800.0, 0.0) == 1.0


def test_a_function_survives_the_trip_to_the_worker_and_back():
    f = parse("x^2*y + sin(x*y)")
    g = pickle.loads(pickle.dumps(f))
    assert g.identity == f.identity and g.partials == f.partials
    assert g(0.3, -1.2) == f(0.3, -1.2) and g.grad(0.3, -1.2).tolist() == f.grad(0.3, -1.2).tolist()


def test_lambdified_values_equal_substitution_at_points_where_numbers_are_large():
    # The compiled code prints every number as a float: check it against exact substitution.
    f = parse("x + cos(10^12) + (1e15)^2*y + 3/7*x*y")
    x, y = f.variables
    for point in [(0.5, 0.25), (-2.0, 3.0)]:
        exact = float(f.expr.subs({x: point[0], y: point[1]}).evalf(30))
        assert f(*point) == pytest.approx(exact, rel=1e-12)
