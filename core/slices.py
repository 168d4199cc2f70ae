"""The curves a figure draws through P: the slices y = y0 and x = x0 that define the partials, and a path y = g(x)."""

from __future__ import annotations

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


def path_data(f: Function, td: TotalDerivative, domain: Domain, x0: float, n: int = 121) -> PathData:
    """Points of the path y = g(x) over the x-range of the domain, lifted onto the surface."""
    (xa, xb), _ = domain
    xs = np.linspace(xa, xb, n)
    gs, g0 = td.path(xs), td.path(x0)
    return PathData(xs, gs, np.asarray(f(xs, gs)), np.asarray(f(xs, np.full(n, g0))))
