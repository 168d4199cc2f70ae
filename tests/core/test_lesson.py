"""The lesson's worked examples, reproduced by core exactly."""

import numpy as np
import sympy as sp

from core import descend, gradient, parse, partial, total_derivative

x, y, w1, w2 = sp.symbols("x y w1 w2", real=True)
Y = sp.Symbol("y", real=True)


def test_partials_of_3x2_plus_2xy_plus_y2():
    f = parse("3x^2 + 2xy + y^2".replace("xy", "x*y"))
    assert partial(f, "x") == 6 * x + 2 * y
    assert partial(f, "y") == 2 * x + 2 * y


def test_partials_of_x2y_plus_sin_xy():
    f = parse("x^2*y + sin(x*y)")
    assert partial(f, "x") == 2 * x * y + y * sp.cos(x * y)
    assert partial(f, "y") == x**2 + x * sp.cos(x * y)


def test_gradient_of_the_lesson_loss():
    grad = gradient(parse("(w1 + 2*w2 - y)**2"), wrt=("w1", "w2"))
    assert grad == (2 * w1 + 4 * w2 - 2 * Y, 4 * w1 + 8 * w2 - 4 * Y)


def test_one_descent_step_lands_on_1_4_and_1_8():
    loss = parse("(w1 + 2*w2 - y)**2", constants={"y": 5})
    assert [v.name for v in loss.variables] == ["w1", "w2"]
    t = descend(loss, start=(1.0, 1.0), optimizer="gd", lr=0.1, steps=1)
    assert t.gradients[0].tolist() == [-4.0, -8.0]
    assert t.points[1].tolist() == [1.4, 1.8]
    assert t.points[0].tolist() == [1.0, 1.0]


def test_total_derivative_is_partial_plus_partial_times_dydx():
    f = parse("x^2*y + sin(x*y)")
    td = total_derivative(f, "x^2")
    assert sp.simplify(td.chain.subs(y, x**2) - td.direct) == 0
    values = td.at(0.7)
    assert np.isclose(values["chain"], values["dz_dx_partial"] + values["dz_dy"] * values["dy_dx"], rtol=1e-14)
    # d/dx [x^4 + sin(x^3)] = 4x^3 + 3x^2 cos(x^3)
    assert np.isclose(values["direct"], 4 * 0.7**3 + 3 * 0.7**2 * np.cos(0.7**3), rtol=1e-14)
    assert np.isclose(values["chain"], values["direct"], rtol=1e-14)
