"""f sampled on a grid over a domain, with undefined values as gaps and poles clipped to a robust z-range."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core.function import Function

Domain = tuple[tuple[float, float], tuple[float, float]]


class Grid(NamedTuple):
    """z[i, j] = f(xs[j], ys[i]); NaN where f is undefined or was clipped away as a pole."""

    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray
    z_range: tuple[float, float]
    clipped: bool  # True when values beyond the robust range were cut out
    undefined: bool  # True when f is undefined somewhere on the grid


def robust_range(values: np.ndarray) -> tuple[tuple[float, float], bool]:
    """The range to show: all finite values, unless a few extreme ones (a pole) would flatten the rest.

    >>> robust_range(np.array([0.0, 1.0, 2.0, 3.0]))
    ((0.0, 3.0), False)
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (-1.0, 1.0), False
    low, high = float(finite.min()), float(finite.max())
    p2, p98 = (float(v) for v in np.percentile(finite, [2, 98]))
    spread = max(p98 - p2, 1e-12)
    if high - low > 20 * spread:
        # A pole: keep the bulk of the surface, with a margin, and cut the spikes out.
        return (p2 - 0.25 * spread, p98 + 0.25 * spread), True
    if high == low:
        return (low - 1.0, high + 1.0), False
    return (low, high), False


def domain_axes(domain: Domain, n: int) -> tuple[np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = domain
    return np.linspace(x0, x1, n), np.linspace(y0, y1, n)


def evaluate_grid(f: Function, domain: Domain, n: int = 61) -> Grid:
    """Sample f on an n×n grid; z has NaN gaps where f is undefined or beyond the robust range."""
    xs, ys = domain_axes(domain, n)
    X, Y = np.meshgrid(xs, ys)
    z = np.asarray(f(X, Y), dtype=float)
    undefined = bool(np.isnan(z).any())
    z = np.where(np.isfinite(z), z, np.nan)
    (low, high), clipped = robust_range(z)
    if clipped:
        with np.errstate(invalid="ignore"):
            z = np.where((z >= low) & (z <= high), z, np.nan)
    return Grid(xs, ys, z, (low, high), clipped, undefined)


def gradient_field(f: Function, domain: Domain, n: int = 15) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points (X, Y) of a coarse n×n grid and ∇f at each, shape (2, n, n); undefined gradients are NaN."""
    xs, ys = domain_axes(domain, n)
    X, Y = np.meshgrid(xs, ys)
    G = f.grad(X, Y)
    return X, Y, np.where(np.isfinite(G), G, np.nan)
