"""The descent loop: exact step counts, honest divergence, and a vectorized batch equal to single runs."""

import numpy as np
import pytest

from core import PRESETS, descend, descend_many, parse
from core.optimizers import FIRST_ORDER

BOWL = parse("x**2 + y**2")


def test_runs_exactly_the_requested_steps():
    t = descend(BOWL, (1.0, -1.0), optimizer="gd", lr=0.1, steps=37)
    assert t.points.shape == (38, 2) and t.values.shape == (38,) and t.gradients.shape == (38, 2)
    assert t.status == "ok" and t.diverged_at is None
    assert t.points[-1] == pytest.approx([0.8**37, -(0.8**37)])


def test_gd_with_learning_rate_1_5_on_a_bowl_diverges_with_finite_points():
    t = descend(BOWL, (1.0, 1.0), optimizer="gd", lr=1.5, steps=200)
    assert t.status == "diverged"
    assert np.isfinite(t.points).all() and np.isfinite(t.values).all()
    # Each step multiplies the point by 1 − 2·1.5 = −2: |f| = 2·4^k passes 1e12 at step k = 20.
    assert t.diverged_at == 20
    assert len(t.points) == 20
    assert t.points[3].tolist() == [-8.0, -8.0]


def test_overflow_to_infinity_is_reported_as_divergence():
    # x ← 1 − 10³⁰⁰·2 = −2·10³⁰⁰, where x² overflows to inf.
    t = descend(parse("x**2 + y**2"), (1.0, 0.0), optimizer="gd", lr=1e300, steps=50)
    assert t.status == "diverged"
    assert t.diverged_at == 1
    assert t.points.tolist() == [[1.0, 0.0]]  # the path stops at the last finite point


def test_a_start_where_f_is_undefined_is_diverged_at_step_zero():
    t = descend(parse("log(x) + y**2"), (-1.0, 0.0), optimizer="gd", lr=0.1, steps=10)
    assert t.status == "diverged" and t.diverged_at == 0
    assert t.points.tolist() == [[-1.0, 0.0]]


@pytest.mark.parametrize("name", list(FIRST_ORDER))
def test_batch_equals_single_runs(name):
    f = parse(PRESETS["himmelblau"].text)
    starts = np.array([[0.0, 0.0], [-4.0, 4.0], [4.0, -4.0], [-1.0, -3.0]])
    batch = descend_many(f, starts, optimizer=name, lr=0.01, steps=60)
    assert batch.points.shape == (61, 4, 2)
    for i, start in enumerate(starts):
        single = descend(f, start, optimizer=name, lr=0.01, steps=60)
        assert batch.points[:, i] == pytest.approx(single.points, rel=1e-12, abs=1e-12)
        assert batch.values[:, i] == pytest.approx(single.values, rel=1e-12, abs=1e-12)


def test_a_diverged_start_stays_at_its_last_finite_point():
    starts = np.array([[0.1, 0.1], [10.0, 10.0]])
    f = parse("x**4 + y**4")
    batch = descend_many(f, starts, optimizer="gd", lr=0.01, steps=30)
    assert batch.diverged.tolist() == [False, True]
    assert np.isfinite(batch.points).all()
    k = batch.diverged_at[1]
    single = descend(f, starts[1], optimizer="gd", lr=0.01, steps=30)
    assert single.diverged_at == k
    assert (batch.points[k:, 1] == single.points[-1]).all()
    assert batch.diverged_at[0] == -1


def test_batch_of_the_lessons_loss_lands_on_the_zero_loss_line():
    f = parse("(w1 + 2*w2 - 5)**2")
    starts = np.random.default_rng(1).uniform(-3, 3, size=(100, 2))
    batch = descend_many(f, starts, optimizer="gd", lr=0.1, steps=1)
    end = batch.points[-1]
    assert end[:, 0] + 2 * end[:, 1] == pytest.approx(np.full(100, 5.0))


def test_bad_arguments_raise_value_errors():
    with pytest.raises(ValueError, match="coordinates"):
        descend(BOWL, (1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="Unknown optimizer"):
        descend(BOWL, (1.0, 2.0), optimizer="sgdx")
    with pytest.raises(ValueError, match="learning rate"):
        descend(BOWL, (1.0, 2.0), lr=float("nan"))
    with pytest.raises(ValueError, match="steps"):
        descend(BOWL, (1.0, 2.0), steps=10**9)
