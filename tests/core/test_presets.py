"""Every listed minimum is a true stationary point with the listed value."""

import numpy as np
import pytest

from core import PRESETS, parse


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_preset_parses_over_two_variables_with_a_sane_domain(key):
    preset = PRESETS[key]
    f = parse(preset.text)
    assert len(f.variables) == 2
    (x0, x1), (y0, y1) = preset.domain
    assert x0 < x1 and y0 < y1
    assert x0 <= preset.start[0] <= x1 and y0 <= preset.start[1] <= y1
    assert len(preset.about) > 80


@pytest.mark.parametrize(
    ("key", "point", "value"),
    [(key, point, value) for key, preset in PRESETS.items() for point, value in preset.minima],
)
def test_listed_minimum_is_stationary_with_its_value(key, point, value):
    f = parse(PRESETS[key].text)
    assert f(*point) == pytest.approx(value, abs=1e-9)
    h = 1e-5
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        central = (f(*(np.array(point) + e)) - f(*(np.array(point) - e))) / (2 * h)
        assert abs(central) < 1e-5, (key, point, i, central)
    grad = f.grad(*point)
    if np.isfinite(grad).all():  # Ackley's minimum is a cusp where ∇f is undefined
        assert np.abs(grad).max() < 1e-7 * max(1.0, abs(value))
    else:
        assert key == "ackley"


@pytest.mark.parametrize(
    ("key", "point"),
    [(key, point) for key, preset in PRESETS.items() for point, _ in preset.minima],
)
def test_listed_minimum_is_a_local_minimum(key, point):
    f = parse(PRESETS[key].text)
    rng = np.random.default_rng(0)
    around = np.array(point) + rng.normal(scale=1e-3, size=(50, 2))
    assert (f(around[:, 0], around[:, 1]) >= f(*point) - 1e-12).all()


def test_the_lessons_functions_are_presets():
    texts = {p.text for p in PRESETS.values()}
    assert {"3*x**2 + 2*x*y + y**2", "x**2*y + sin(x*y)", "(w1 + 2*w2 - 5)**2"} <= texts
