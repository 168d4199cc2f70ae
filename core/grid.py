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
    """n evenly spaced values along each axis; a value within rounding of 0 is exactly 0, so 1/x shows its gap."""
    axes = []
    for low, high in domain:
        values = np.linspace(low, high, n)
        values[np.abs(values) < 1e-12 * (high - low)] = 0.0
        axes.append(values)
    return axes[0], axes[1]


def cut_jumps(z: np.ndarray, spread: float) -> tuple[np.ndarray, bool]:
    """Gap out neighbours that jump across a pole (opposite signs, a jump over 3× the typical spread), as tan(x)."""
    z = z.copy()
    cut = np.zeros(z.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        for axis in (0, 1):
            a = np.moveaxis(z, axis, 0)
            jump = (np.abs(a[1:] - a[:-1]) > 3 * spread) & (a[1:] * a[:-1] < 0)
            c = np.moveaxis(cut, axis, 0)
            c[1:] |= jump
            c[:-1] |= jump
    z[cut] = np.nan
    return z, bool(cut.any())


def evaluate_grid(f: Function, domain: Domain, n: int = 61) -> Grid:
    """Sample f on an n×n grid; z has NaN gaps where f is undefined or beyond the robust range."""
    xs, ys = domain_axes(domain, n)
    X, Y = np.meshgrid(xs, ys)
    z = np.asarray(f(X, Y), dtype=float)
    undefined = bool((~np.isfinite(z)).any())
    z = np.where(np.isfinite(z), z, np.nan)
    (low, high), clipped = robust_range(z)
    if clipped:
        with np.errstate(invalid="ignore"):
            z = np.where((z >= low) & (z <= high), z, np.nan)
    finite = z[np.isfinite(z)]
    if finite.size:
        p10, p90 = np.percentile(finite, [10, 90])
        z, jumped = cut_jumps(z, max(float(p90 - p10), 1e-12))
        clipped = clipped or jumped
    return Grid(xs, ys, z, (low, high), clipped, undefined)


def gradient_field(f: Function, domain: Domain, n: int = 15) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points (X, Y) of a coarse n×n grid and ∇f at each, shape (2, n, n); undefined gradients are NaN."""
    xs, ys = domain_axes(domain, n)
    X, Y = np.meshgrid(xs, ys)
    G = f.grad(X, Y)
    return X, Y, np.where(np.isfinite(G), G, np.nan)
