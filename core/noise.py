"""Gradient noise: the seeded jitter that turns gradient descent into stochastic gradient descent."""

from __future__ import annotations

import numpy as np

MAX_SEED = 9999


def gradient_noise(sigma: float, seed: int, steps: int, dims: int) -> np.ndarray:
    """σ·ε_k for k = 1 … steps, ε_k ~ N(0, I) drawn in order from ``numpy.random.default_rng(seed)``.

    Step k's optimizer sees g̃_k = ∇f(θ_{k−1}) + σ·ε_k. The draws depend only on the seed, so the same seed gives
    the same noise whatever the optimizer, η or σ (σ only scales it), and a run's first steps are the first rows
    of a longer run's.

    >>> short, long = gradient_noise(0.5, 7, 3, 2), gradient_noise(0.5, 7, 5, 2)
    >>> short.shape, bool((short == long[:3]).all())
    ((3, 2), True)
    """
    if not (np.isfinite(sigma) and sigma >= 0):
        raise ValueError("The noise size σ must be a number ≥ 0.")
    if not 0 <= int(seed) <= MAX_SEED:
        raise ValueError(f"The seed must be a whole number from 0 to {MAX_SEED}.")
    return sigma * np.random.default_rng(int(seed)).standard_normal((int(steps), int(dims)))
