"""Linear regression: the MSE's gradient, its exact minimum, descent to it, and CSV checking."""

import numpy as np
import pytest

from core.regression import (
    DataError,
    Dataset,
    batch_gradient,
    epoch_batches,
    fit,
    least_squares,
    make_dataset,
    mse_loss,
    read_csv,
    steps_per_epoch,
)


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


def test_old_mac_line_endings_are_read():
    """issue 13: a CSV with CR-only line endings was one long row."""
    data = read_csv(b"x,y\r1,2\r2,4.5\r3,6.1\r")
    assert data.x.tolist() == [1.0, 2.0, 3.0] and data.y.tolist() == [2.0, 4.5, 6.1]
    assert read_csv(b"x,y\r\n1,2\r\n2,4\r\n3,6\r\n").y.tolist() == [2.0, 4.0, 6.0]


def test_a_very_long_cell_is_a_clear_error_not_a_csv_crash():
    """issue 13: a cell beyond csv's field limit raised csv.Error to the generic error."""
    with pytest.raises(DataError, match="not a readable CSV"):
        read_csv(b"x,y\n" + b"1" * 150_000 + b",2\n2,3\n3,4\n")
    with pytest.raises(DataError) as info:
        read_csv(b"x,y\n1,2\n" + b"7" * 60 + b",3\n3,4\n")
    assert "not a number: '77777777777777777777…'" in str(info.value)


@pytest.mark.parametrize(
    "xs",
    [[1.0, 1.0 + 1e-12, 1.0 + 2e-12, 1.0], [1e5, 1e5 + 1e-6, 1e5, 1e5 + 2e-6]],
)
def test_x_with_near_zero_spread_is_rejected_with_that_reason(xs):
    """issue 13: a nearly singular CSV was accepted with a meaningless least-squares target."""
    content = "x,y\n" + "".join(f"{x!r},{k}\n" for k, x in enumerate(xs))
    with pytest.raises(DataError, match="barely differ"):
        read_csv(content.encode())


def test_mse_near_its_minimum_matches_exact_rationals():
    """issue 15: the expanded polynomial gave 8.30048811622e-05 where the exact value is 8.30047013195e-05."""
    from fractions import Fraction

    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(1000.0, 1001.0, 40))
    y = 2.0 * x + 1.0 + rng.normal(0.0, 0.01, 40)
    data = Dataset(x, y, "test")
    w = least_squares(data)
    exact_w1, exact_w2 = Fraction(w[0]), Fraction(w[1])
    residuals = [exact_w1 * Fraction(xi) + exact_w2 - Fraction(yi) for xi, yi in zip(x, y, strict=True)]
    exact = sum(r * r for r in residuals) / len(x)
    exact_grad = [2 * sum(r * Fraction(xi) for r, xi in zip(residuals, x, strict=True)) / len(x)]
    exact_grad.append(2 * sum(residuals) / len(x))
    L = mse_loss(data)
    assert L(*w) == pytest.approx(float(exact), rel=1e-9)
    value, grad = L.value_and_grad(*w)
    assert float(value) == pytest.approx(float(exact), rel=1e-9)
    assert grad.tolist() == pytest.approx([float(g) for g in exact_grad], abs=1e-9)
    # the least-squares target is the minimum: the exact gradient there is tiny next to the data's scale
    assert abs(float(exact_grad[0])) < 1e-8


def test_the_loss_on_a_grid_matches_pointwise_values():
    data = make_dataset(seed=4)
    L = mse_loss(data)
    W1, W2 = np.meshgrid(np.linspace(-1, 3, 7), np.linspace(-2, 2, 5))
    grid = L(W1, W2)
    assert grid.shape == (5, 7)
    assert grid[2, 3] == pytest.approx(np.mean((W1[2, 3] * data.x + W2[2, 3] - data.y) ** 2), rel=1e-14)
    assert L.grad(W1, W2).shape == (2, 5, 7)


@pytest.mark.parametrize(("n", "batch_size"), [(40, 1), (40, 8), (40, 16), (7, 3), (5, 5)])
def test_each_epoch_visits_every_sample_once_like_a_torch_dataloader(n, batch_size):
    torch = pytest.importorskip("torch")
    loader = torch.utils.data.DataLoader(list(range(n)), batch_size=batch_size, shuffle=True, drop_last=False)
    torch_sizes = [len(batch) for batch in loader]
    for epoch in range(3):
        batches = epoch_batches(n, batch_size, seed=1, epoch=epoch)
        assert [len(b) for b in batches] == torch_sizes
        assert sorted(np.concatenate(batches).tolist()) == list(range(n))
    assert steps_per_epoch(n, batch_size) == len(torch_sizes)
    if n > batch_size:
        first, second = (np.concatenate(epoch_batches(n, batch_size, 1, e)) for e in (0, 1))
        assert not np.array_equal(first, second)  # reshuffled each epoch


def test_mini_batch_descent_steps_through_the_epochs_in_order():
    """issue 15: every step drew a fresh batch, so one epoch's worth of steps saw only 24-32 of 40 samples."""
    data = make_dataset(seed=0)
    t = fit(data, (0.0, 0.0), lr=0.05, steps=25, batch_size=16, seed=9)
    w = np.zeros(2)
    sequence = [b for epoch in range(10) for b in epoch_batches(40, 16, 9, epoch)]
    for k in range(25):
        _, grad = batch_gradient(data, w, sequence[k])
        w = w + (-0.05 * grad)
        assert t.points[k + 1] == pytest.approx(w, rel=1e-14, abs=1e-15)
