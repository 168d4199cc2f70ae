"""The largest stable learning rate 2/λmax of a least-squares loss, checked against numpy and against descent."""

import numpy as np
import pytest

from core.descent import descend
from core.function import parse
from core.regression import Dataset, fit, least_squares, make_dataset, mse_loss
from core.stability import (
    largest_eigenvalue,
    least_squares_hessian,
    line_design,
    max_stable_lr,
    original_weights,
    standardize,
)

HOURS = Dataset(np.arange(1.0, 9.0), np.array([52.0, 55, 61, 64, 70, 74, 79, 85]), "hours vs score")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_hessian_and_its_top_eigenvalue_match_numpy(seed):
    data = make_dataset(n=30, seed=seed)
    H = least_squares_hessian(line_design(data.x))
    L = mse_loss(data)
    symbolic = np.array([[float(L.expr.diff(a).diff(b)) for b in L.variables] for a in L.variables])
    assert pytest.approx(symbolic, rel=1e-10) == H
    assert largest_eigenvalue(H) == pytest.approx(np.linalg.eigvalsh(H).max(), rel=1e-12)


def test_the_lesson_loss_is_stable_below_0_2_and_diverges_above():
    H = least_squares_hessian(np.array([[1.0, 2.0]]))
    assert max_stable_lr(H) == pytest.approx(2 / np.linalg.eigvalsh(H).max()) == pytest.approx(0.2)
    loss = parse("(w1 + 2*w2 - 5)^2")
    assert descend(loss, (1.0, 1.0), optimizer="gd", lr=0.19, steps=200).status != "diverged"
    assert descend(loss, (1.0, 1.0), optimizer="gd", lr=0.21, steps=200).status == "diverged"


def test_an_ordinary_csv_diverges_above_the_bound_and_converges_below_it():
    """Regression: hours vs score (x from 1 to 8) diverged at the default η = 0.05 with no hint why."""
    bound = max_stable_lr(least_squares_hessian(line_design(HOURS.x)))
    assert bound < 0.05
    assert fit(HOURS, (0.0, 0.0), optimizer="gd", lr=0.05, steps=300).status == "diverged"
    run = fit(HOURS, (0.0, 0.0), optimizer="gd", lr=0.95 * bound, steps=20_000)
    assert run.points[-1] == pytest.approx(least_squares(HOURS), rel=1e-6)


def test_standardized_features_allow_the_default_rate_and_give_the_same_line():
    scaling = standardize(HOURS.x)
    assert scaling.x.mean() == pytest.approx(0.0, abs=1e-12) and scaling.x.std() == pytest.approx(1.0)
    standardized = Dataset(scaling.x, HOURS.y, "standardized")
    assert max_stable_lr(least_squares_hessian(line_design(scaling.x))) == pytest.approx(1.0)  # H = 2·I
    run = fit(standardized, (0.0, 0.0), optimizer="gd", lr=0.05, steps=2_000)
    assert original_weights(run.points[-1], scaling) == pytest.approx(least_squares(HOURS), rel=1e-8)


def test_a_constant_feature_is_only_shifted():
    scaling = standardize(np.array([4.0, 4.0, 4.0]))
    assert scaling.scale == 1.0 and list(scaling.x) == [0.0, 0.0, 0.0]
