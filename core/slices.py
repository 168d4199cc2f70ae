"""The curves a figure draws through P: the slices y = y0 and x = x0 that define the partials, and a path y = g(x)."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from core.calculus import TotalDerivative
from core.function import Function
from core.grid import Domain


class Slices(NamedTuple):
    """z = f(x, y0) over xs and z = f(x0, y) over ys, with P = (x0, y0, z0) and the slopes ∂f/∂x(P), ∂f/∂y(P)."""

    x0: float
    y0: float
    z0: float
    fx: float
    fy: float
    xs: np.ndarray
    zx: np.ndarray  # f(xs, y0)
    ys: np.ndarray
    zy: np.ndarray  # f(x0, ys)


def slices(f: Function, point: tuple[float, float], domain: Domain, n: int = 121) -> Slices:
    """Both slices through P, and the partials at P (the slopes of their tangent lines)."""
    x0, y0 = float(point[0]), float(point[1])
    (xa, xb), (ya, yb) = domain
    xs, ys = np.linspace(xa, xb, n), np.linspace(ya, yb, n)
    fx, fy = (float(v) for v in f.grad(x0, y0))
    return Slices(x0, y0, f(x0, y0), fx, fy, xs, f(xs, np.full(n, y0)), ys, f(np.full(n, x0), ys))


class PathData(NamedTuple):
    """The path (x, g(x), f(x, g(x))) and, for comparison, the slice f(x, g(x0)) with y frozen at g(x0)."""

    xs: np.ndarray
    gs: np.ndarray
    z_path: np.ndarray
    z_slice: np.ndarray
    z0: float = float("nan")  # f(x0, g(x0)) itself: P's height, exact rather than read off the sampled path


def path_data(f: Function, td: TotalDerivative, domain: Domain, x0: float, n: int = 121) -> PathData:
    """Points of the path y = g(x) over the x-range of the domain, lifted onto the surface."""
    (xa, xb), _ = domain
    xs = np.linspace(xa, xb, n)
    gs, g0 = td.path(xs), td.path(x0)
    with np.errstate(all="ignore"):
        z0 = float(f(x0, g0))
    return PathData(xs, gs, np.asarray(f(xs, gs)), np.asarray(f(xs, np.full(n, g0))), z0)


REACH = 3.0  # the surface may grow past the domain by this many domain heights on each side to hold a path


def path_domain(domain: Domain, td: TotalDerivative, x0: float, n: int = 121) -> Domain:
    """The domain to draw the surface over so that the path y = g(x) and P = (x0, g(x0)) lie on it.

    The x-range stays; the y-range grows to hold g over it (at most REACH domain heights past each side, so a
    pole of g cannot stretch the surface into a line) and always holds g(x0), with a 5% margin.

    >>> from core.calculus import total_derivative
    >>> from core.function import parse
    >>> path_domain(((-3.0, 3.0), (-3.0, 3.0)), total_derivative(parse("x^2 + y^2"), "x^2"), 2.0)
    ((-3.0, 3.0), (-3.0, 9.6))
    """
    (xa, xb), (ya, yb) = domain
    height = yb - ya
    with np.errstate(all="ignore"):
        gs = np.asarray(td.path(np.linspace(xa, xb, n)), dtype=float) * np.ones(n)
        g0 = float(td.path(x0))
    gs = gs[np.isfinite(gs)]
    low, high = ya, yb
    if gs.size:
        low = min(low, max(float(gs.min()), ya - REACH * height))
        high = max(high, min(float(gs.max()), yb + REACH * height))
    if math.isfinite(g0):
        low, high = min(low, g0), max(high, g0)
    if (low, high) == (ya, yb):
        return domain
    pad = 0.05 * (high - low)
    return (xa, xb), (float(low - pad) if low < ya else ya, float(high + pad) if high > yb else yb)
