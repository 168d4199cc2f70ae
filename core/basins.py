"""Basins of attraction: which listed minimum descent reaches from each start on a grid."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from core.descent import descend_many
from core.function import Function
from core.grid import Domain, domain_axes

NOT_CONVERGED = -1
DIVERGED = -2


class BasinMap(NamedTuple):
    """labels[i, j]: index of the minimum reached from (xs[j], ys[i]), or NOT_CONVERGED / DIVERGED."""

    xs: np.ndarray
    ys: np.ndarray
    labels: np.ndarray
    ends: np.ndarray  # (n, n, 2) final points


def classify(ends: np.ndarray, minima: list[tuple[float, float]], tolerance: float) -> np.ndarray:
    """Index of the nearest listed minimum within ``tolerance`` of each end point, else NOT_CONVERGED."""
    labels = np.full(len(ends), NOT_CONVERGED)
    if not minima:
        return labels
    centres = np.asarray(minima, dtype=float)
    distance = np.linalg.norm(ends[:, None, :] - centres[None, :, :], axis=-1)
    nearest = distance.argmin(axis=1)
    close = distance[np.arange(len(ends)), nearest] <= tolerance
    labels[close] = nearest[close]
    return labels


def basin_map(
    f: Function,
    minima: list[tuple[float, float]],
    domain: Domain,
    n: int = 40,
    optimizer: str = "gd",
    lr: float = 0.01,
    steps: int = 300,
    **hyper: Any,
) -> BasinMap:
    """Run descent from every point of an n×n grid (one vectorized batch) and label where each run ends."""
    xs, ys = domain_axes(domain, n)
    X, Y = np.meshgrid(xs, ys)
    starts = np.column_stack([X.ravel(), Y.ravel()])
    batch = descend_many(f, starts, optimizer=optimizer, lr=lr, steps=steps, **hyper)
    ends = batch.points[-1]
    (x0, x1), (y0, y1) = domain
    tolerance = 0.02 * max(x1 - x0, y1 - y0)
    labels = classify(ends, minima, tolerance)
    labels[batch.diverged] = DIVERGED
    return BasinMap(xs, ys, labels.reshape(n, n), ends.reshape(n, n, 2))
