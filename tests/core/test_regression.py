"""Linear regression: the MSE's gradient, its exact minimum, descent to it, and CSV checking."""

import numpy as np
import pytest

from core.regression import DataError, batch_gradient, fit, least_squares, make_dataset, mse_loss, read_csv


def test_generated_data_is_reproducible_from_the_seed():
    a, b = make_dataset(seed=7), make_dataset(seed=7)
    assert np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y)
    assert not np.array_equal(make_dataset(seed=8).y, a.y)


def test_mse_function_matches_the_definition_and_its_gradient():
    data = make_dataset(n=25, seed=1)
    L = mse_loss(data)
    for w in [(0.0, 0.0), (1.5, -2.0), (3.0, 1.0)]:
        direct = np.mean((w[0] * data.x + w[1] - data.y) ** 2)
        assert L(*w) == pytest.approx(direct, rel=1e-12)
        value, grad = batch_gradient(data, np.array(w))
        assert value == pytest.approx(direct, rel=1e-12)
        assert L.grad(*w) == pytest.approx(grad, rel=1e-10, abs=1e-12)


def test_gradient_is_zero_at_the_least_squares_solution():
    data = make_dataset(seed=2)
    target = least_squares(data)
    assert np.abs(mse_loss(data).grad(*target)).max() < 1e-10
    slope, intercept = np.polyfit(data.x, data.y, 1)
    assert target == pytest.approx([slope, intercept])


@pytest.mark.parametrize("optimizer,lr,steps", [("gd", 0.1, 400), ("momentum", 0.02, 400), ("adam", 0.1, 2000)])
def test_full_batch_descent_converges_to_least_squares(optimizer, lr, steps):
    data = make_dataset(seed=0)
    t = fit(data, (0.0, 0.0), optimizer=optimizer, lr=lr, steps=steps)
    assert t.status == "ok"
    assert np.abs(t.points[-1] - least_squares(data)).max() < 1e-3


def test_mini_batches_are_noisy_but_land_near_the_solution():
    data = make_dataset(seed=0)
    full = fit(data, (0.0, 0.0), lr=0.05, steps=300)
    mini = fit(data, (0.0, 0.0), lr=0.05, steps=300, batch_size=4, seed=5)
    assert not np.allclose(full.points, mini.points)
    assert np.abs(mini.points[-1] - least_squares(data)).max() < 0.5
    assert np.array_equal(mini.points, fit(data, (0.0, 0.0), lr=0.05, steps=300, batch_size=4, seed=5).points)


def test_a_good_csv_is_read_with_or_without_a_header():
    data = read_csv(b"x,y\n1,2\n2,4.5\n3,6.1\n")
    assert data.x.tolist() == [1.0, 2.0, 3.0] and data.y.tolist() == [2.0, 4.5, 6.1]
    assert read_csv(b"1,2\n2,4\n3,6\n").x.tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"x,y,z\n1,2,3\n4,5,6\n7,8,9\n", "exactly two numeric columns"),
        (b"x,y\n1,a\n2,3\n3,4\n", "not a number"),
        (b"x,y\n1,nan\n2,3\n3,4\n", "not a number"),
        (b"x,y\n1,inf\n2,3\n3,4\n", "not a number"),
        (b"x,y\n1,1e400\n2,3\n3,4\n", "finite"),
        (b"x,y\n1,2\n", "Too few rows"),
        (b"x,y\n" + b"1,2\n" * 6000, "Too many rows"),
        (b"x" * 300_000, "too large"),
        (b"\xff\xfe\x00x", "UTF-8"),
        (b"x,y\n1,2\n1,3\n1,4\n", "x values are equal"),
        (b"x,y\n1,2e7\n2,3\n3,4\n", "between"),
        (b"x,y\n1,2\n=cmd|' /C calc'!A0,1\n3,4\n4,5\n", "not a number"),
    ],
)
def test_a_bad_csv_is_rejected_with_the_reason(content, reason):
    with pytest.raises(DataError, match=reason):
        read_csv(content)
