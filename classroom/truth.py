"""The true answer to an activity, worked out with core when the lecturer reveals it: the optimizer's own run, the
lowest points, the direction of −∇f(P), a vote's right option. Plain JSON out, as the store keeps it."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from core import OPTIMIZERS, Function, descend
from core.grid import Grid

PATH_POINTS = 400  # a revealed path is thinned to about this many points (its end always kept)
AT_REST = 1e-3  # |∇f| below this at the end: the run has come to rest
RACERS = ("gd", "momentum", "nesterov", "adam")  # the optimizers of the "which ends lowest?" vote
FATES = ("come to rest (|∇f| < 0.001)", "still moving", "diverged or run off without bound")
SIGNS = ("positive", "zero", "negative")


def global_minima(minima: Sequence[tuple[Sequence[float], float]]) -> list[list[float]]:
    """The lowest of a preset's known minima (several when they tie, as Himmelblau's four).

    >>> global_minima([((0.0, 1.0), 2.0), ((3.0, 2.0), 0.0), ((-2.8, 3.1), 0.0)])
    [[3.0, 2.0], [-2.8, 3.1]]
    """
    if not minima:
        return []
    lowest = min(value for _, value in minima)
    return [list(point) for point, value in minima if value <= lowest + 1e-9 * max(1.0, abs(lowest))]


def lowest_inside(grid: Grid) -> list[list[float]]:
    """The lowest point of the drawn grid, when it lies inside the view; ValueError when f is lowest at the edge
    (then the view holds no minimum to ask about)."""
    z = np.where(np.isfinite(grid.z), grid.z, np.inf)
    i, j = np.unravel_index(int(np.argmin(z)), z.shape)
    if not np.isfinite(z[i, j]) or i in (0, z.shape[0] - 1) or j in (0, z.shape[1] - 1):
        raise ValueError("f has no minimum inside this view (it is lowest at the edge): ask another question.")
    return [[float(grid.xs[j]), float(grid.ys[i])]]


def thinned(points: np.ndarray, count: int = PATH_POINTS) -> list[list[float]]:
    """About ``count`` points of a path, evenly by step, always with its first and last point.

    >>> thinned(np.arange(10.0).reshape(5, 2), 2)
    [[0.0, 1.0], [4.0, 5.0], [8.0, 9.0]]
    """
    stride = max(1, len(points) // count)
    kept = points[::stride].tolist()
    return kept if (len(points) - 1) % stride == 0 else [*kept, points[-1].tolist()]


def solve(activity: dict, f: Function, grid: Grid) -> dict:
    """The answer to ``activity`` for f (``grid`` is f over the activity's view)."""
    kind, question = activity["kind"], activity.get("question")
    if kind == "answer":
        return {"shown": True}  # each typed answer was marked by the checker when it was sent
    if question in ("end", "fate", "race"):
        optimizers = RACERS if question == "race" else (activity["optimizer"],)
        hyper = {} if question == "race" else activity.get("hyper", {})
        runs = [descend(f, activity["start"], o, activity["lr"], activity["steps"], **hyper) for o in optimizers]
        if question == "race":
            return {"correct": int(np.argmin([float(r.values[-1]) if r.status == "ok" else math.inf for r in runs]))}
        run = runs[0]
        if question == "fate":
            at_rest = run.status == "ok" and float(run.grad_norms[-1]) < AT_REST
            return {"correct": 2 if run.status != "ok" else (0 if at_rest else 1)}
        ends = [] if run.status == "diverged" else [run.points[-1].tolist()]
        label = OPTIMIZERS[activity["optimizer"]].label
        return {"path": thinned(run.points), "targets": ends, "label": label, "status": run.status}
    if question == "minimum":
        return {"targets": activity.get("minima") or lowest_inside(grid)}
    point = activity["point"]
    grad = f.grad(*point)
    if question == "direction":
        return {"point": point, "angle": math.degrees(math.atan2(-grad[1], -grad[0])) % 360.0}
    value = float(grad[int(question[-1])])
    zero = abs(value) <= 1e-12 * max(1.0, float(np.abs(grad).max()))
    return {"correct": 1 if zero else (0 if value > 0 else 2)}
