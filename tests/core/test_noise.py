"""Gradient noise: stochastic gradient descent, deterministic given its seed, and exactly GD at σ = 0."""

import numpy as np
import pytest

from core import descend, parse
from core.explain import explain_step, step_inputs, step_table, used_gradient
from core.noise import gradient_noise
from core.numbers import fmt
from tests.core.test_optimizers import torch_path

F = parse("x**2 + 3*y**2")
LESSON = parse("(w1 + 2*w2 - 5)**2")


def test_the_same_seed_gives_the_same_path_and_another_seed_another():
    a = descend(F, (1.0, 1.0), optimizer="momentum", lr=0.05, steps=40, noise=0.5, seed=11)
    b = descend(F, (1.0, 1.0), optimizer="momentum", lr=0.05, steps=40, noise=0.5, seed=11)
    c = descend(F, (1.0, 1.0), optimizer="momentum", lr=0.05, steps=40, noise=0.5, seed=12)
    assert np.array_equal(a.points, b.points) and np.array_equal(a.used, b.used)
    assert not np.allclose(a.points[1:], c.points[1:])


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam", "newton"])
def test_no_noise_is_todays_path_exactly(optimizer):
    plain = descend(F, (1.0, 1.0), optimizer=optimizer, lr=0.05, steps=30)
    zero = descend(F, (1.0, 1.0), optimizer=optimizer, lr=0.05, steps=30, noise=0.0, seed=1234)
    assert np.array_equal(plain.points, zero.points)
    assert np.array_equal(zero.used, zero.gradients[:-1])  # the optimizer saw the exact gradients
    if optimizer != "newton":
        assert zero.points == pytest.approx(torch_path(optimizer, 0.05, 30), rel=1e-12, abs=1e-15)


def test_the_noise_is_sigma_times_the_seeds_normal_draws():
    t = descend(F, (1.0, 1.0), optimizer="gd", lr=0.1, steps=20, noise=0.3, seed=5)
    eps = np.random.default_rng(5).standard_normal((20, 2))
    assert np.array_equal(t.used, t.gradients[:-1] + 0.3 * eps)
    # Gradient descent on the noisy gradient: θ_k = θ_{k−1} − η·g̃_k, every step.
    assert np.array_equal(t.points[1:], t.points[:-1] + (-0.1 * t.used))


def test_the_draws_do_not_depend_on_the_optimizer_the_rate_or_the_length():
    short = gradient_noise(1.0, 3, 5, 2)
    assert np.array_equal(short, gradient_noise(1.0, 3, 50, 2)[:5])
    assert np.array_equal(2.5 * short, gradient_noise(2.5, 3, 5, 2))
    gd = descend(F, (1.0, 1.0), optimizer="gd", lr=0.1, steps=5, noise=1.0, seed=3)
    adam = descend(F, (1.0, 1.0), optimizer="adam", lr=0.3, steps=5, noise=1.0, seed=3)
    assert np.array_equal(gd.used[0] - gd.gradients[0], short[0])
    assert np.allclose(adam.used - adam.gradients[:-1], short, rtol=0, atol=1e-15)


def test_a_bad_noise_size_or_seed_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="σ must be a number ≥ 0"):
        descend(F, (1.0, 1.0), noise=-1.0)
    with pytest.raises(ValueError, match="seed must be a whole number from 0 to 9999"):
        descend(F, (1.0, 1.0), noise=1.0, seed=10_000)


def test_the_explained_step_shows_and_uses_the_noisy_gradient():
    t = descend(LESSON, (1.0, 1.0), optimizer="gd", lr=0.1, steps=3, noise=2.0, seed=42)
    g = used_gradient(t, 1)
    assert np.array_equal(g, t.used[0]) and not np.array_equal(g, t.gradients[0])
    lines = [step.lines[-1] for step in explain_step(t, 1, ("w1", "w2"))]
    # w ← w − η × g̃ with the g̃ the optimizer received, and the result is the point the run reached.
    for i, line in enumerate(lines):
        assert line == f"w{i + 1} ← 1.0 − 0.1 × {fmt(g[i]) if g[i] >= 0 else f'({fmt(g[i])})'} = {fmt(t.points[1][i])}"
        assert t.points[1][i] == 1.0 - 0.1 * g[i]
    shown = step_inputs(t, 1, ("w1", "w2"))
    # The exact gradient of the lesson, (−4, −8), then the noise, then their sum.
    assert shown[1].startswith("g = ∇f(θ) + σ·ε_1 = (−4.0, −8.0) + (")
    assert f"= ({fmt(g[0])}, {fmt(g[1])})" in shown[1] and "seed 42" in shown[1]


def test_a_smaller_rate_shrinks_the_jitter_around_the_minimum():
    """Near the minimum the noise keeps θ moving; its spread scales like √η."""

    def spread(lr):
        t = descend(F, (1.0, 1.0), optimizer="gd", lr=lr, steps=400, noise=1.0, seed=0)
        return float(np.sqrt((t.points[200:] ** 2).sum(axis=1).mean()))

    assert spread(0.01) < spread(0.1) / 2.5  # √10 ≈ 3.2 in theory


@pytest.mark.parametrize("momentum", [0.5, 0.9])
def test_momentum_averages_the_noise_out_of_each_step(momentum):
    """On a slope of constant gradient g, a step's noise over its mean is σ√2/|g| for gradient descent; the
    velocity adds up 1/(1 − μ) of the signal but only 1/√(1 − μ²) of the noise: the ratio falls by
    √((1 − μ)/(1 + μ))."""
    slope = parse("3*x + 4*y")  # |g| = 5

    def noise_to_signal(**settings):
        t = descend(slope, (0.0, 0.0), lr=0.001, steps=3000, noise=5.0, seed=0, **settings)
        steps = t.updates[100:]
        mean = steps.mean(axis=0)
        return float(np.sqrt(((steps - mean) ** 2).sum(axis=1).mean()) / np.linalg.norm(mean))

    gd = noise_to_signal(optimizer="gd")
    assert gd == pytest.approx(np.sqrt(2), rel=0.05)
    assert noise_to_signal(optimizer="momentum", momentum=momentum) == pytest.approx(
        gd * np.sqrt((1 - momentum) / (1 + momentum)), rel=0.1
    )


def test_adams_jitter_grows_far_more_slowly_with_the_noise_than_gradient_descents():
    """Adam divides by √v̂, which the noise inflates: four times the noise, under twice the spread (GD: four)."""

    def spread(optimizer, sigma):
        t = descend(F, (1.0, 1.0), optimizer=optimizer, lr=0.05, steps=600, noise=sigma, seed=0)
        return float(np.sqrt((t.points[300:] ** 2).sum(axis=1).mean()))

    assert spread("gd", 8.0) / spread("gd", 2.0) == pytest.approx(4.0, rel=0.1)
    assert spread("adam", 8.0) / spread("adam", 2.0) < 2.5


def test_the_step_table_lists_the_gradient_used_and_eta_when_they_differ_from_the_plain_run():
    plain = step_table(descend(F, (1.0, 1.0), steps=3), ("x", "y"))
    assert "η" not in plain and "g used x" not in plain
    t = descend(F, (1.0, 1.0), steps=3, noise=0.5, seed=1, schedule="exponential", schedule_params={"gamma": 0.5})
    table = step_table(t, ("x", "y"))
    assert table["η"][:3].tolist() == [0.1, 0.05, 0.025] and np.isnan(table["η"][3])
    assert table["g used x"][:3].tolist() == t.used[:, 0].tolist()
