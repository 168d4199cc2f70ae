"""Basins of attraction: which listed minimum descent reaches, or is heading to, from each start on a grid."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from core.descent import MAX_STEPS, descend_many
from core.function import Function
from core.grid import Domain, domain_axes
from core.numbers import number

NOT_CONVERGED = -1
DIVERGED = -2
HORIZON = 1000  # a start still on its way after the steps shown may go on this far to show where it is heading
LOOK = 10  # the look-ahead keeps every 10th point: its arrival step is known to within 10 steps, in 1/10 the memory


class BasinMap(NamedTuple):
    """labels[i, j]: index of the minimum reached from (xs[j], ys[i]), or NOT_CONVERGED / DIVERGED.

    ``reached`` is True where the run is at that minimum after the steps shown; False where it is still on its
    way and gets there by step ``horizon``. ``arrival`` is the first step within the tolerance (−1: never); for a
    start on its way, the first multiple of LOOK steps at which it is there.
    """

    xs: np.ndarray
    ys: np.ndarray
    labels: np.ndarray
    ends: np.ndarray  # (n, n, 2) points after the steps shown
    reached: np.ndarray
    arrival: np.ndarray
    steps: int
    horizon: int


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


def _arrival(points: np.ndarray, labels: np.ndarray, minima: np.ndarray, tolerance: float) -> np.ndarray:
    """The first step k at which each labelled run is within the tolerance of its minimum (−1 if unlabelled)."""
    if not minima.size:
        return np.full(len(labels), -1)
    target = minima[np.clip(labels, 0, None)]  # (m, 2); unlabelled runs are masked out below
    near = np.linalg.norm(points - target[None], axis=-1) <= tolerance  # (steps + 1, m)
    return np.where(labels >= 0, near.argmax(axis=0), -1)


def basin_map(
    f: Function,
    minima: list[tuple[float, float]],
    domain: Domain,
    n: int = 40,
    optimizer: str = "gd",
    lr: float = 0.01,
    steps: int = 300,
    horizon: int = HORIZON,
    **hyper: Any,
) -> BasinMap:
    """Run descent from every point of an n×n grid (one vectorized batch) and label where each run ends.

    A start that is near no listed minimum after ``steps`` steps but has not diverged runs on, up to ``horizon``
    steps in all: if it then reaches a minimum, it is labelled with that minimum, as heading there (not reached).
    Every start's path is its own (the batch is elementwise), so running it on is the same run, only longer.
    """
    xs, ys = domain_axes(domain, n)
    X, Y = np.meshgrid(xs, ys)
    starts = np.column_stack([X.ravel(), Y.ravel()])
    batch = descend_many(f, starts, optimizer=optimizer, lr=lr, steps=steps, **hyper)
    ends = batch.points[-1]
    (x0, x1), (y0, y1) = domain
    tolerance = 0.02 * max(x1 - x0, y1 - y0)
    centres = np.asarray(minima, dtype=float).reshape(-1, 2)
    labels = classify(ends, minima, tolerance)
    labels[batch.diverged] = DIVERGED
    arrival = _arrival(batch.points, labels, centres, tolerance)
    reached = labels >= 0
    horizon = min(MAX_STEPS, -(-max(horizon, steps) // LOOK) * LOOK)
    on_the_way = np.flatnonzero(labels == NOT_CONVERGED)
    if horizon > steps and on_the_way.size and minima:
        longer = descend_many(f, starts[on_the_way], optimizer=optimizer, lr=lr, steps=horizon, every=LOOK, **hyper)
        heading = classify(longer.points[-1], minima, tolerance)
        heading[longer.diverged] = NOT_CONVERGED  # blew up later: it was heading nowhere listed
        labels[on_the_way] = heading
        arrival[on_the_way] = np.where(heading >= 0, LOOK * _arrival(longer.points, heading, centres, tolerance), -1)
    return BasinMap(
        xs,
        ys,
        labels.reshape(n, n),
        ends.reshape(n, n, 2),
        reached.reshape(n, n),
        arrival.reshape(n, n),
        steps,
        horizon,
    )


def shares(bm: BasinMap, count: int) -> list[tuple[float, float]]:
    """For each listed minimum: the fraction of starts that reach it within the steps shown, and that reach or
    head to it by the horizon."""
    total = bm.labels.size
    return [
        (float(((bm.labels == i) & bm.reached).sum() / total), float((bm.labels == i).sum() / total))
        for i in range(count)
    ]


def _share(fraction: float) -> str:
    return "<1%" if 0 < fraction < 0.005 else f"{fraction:.0%}"


def basin_story(bm: BasinMap, minima: list[tuple[float, float]]) -> str:
    """What the map shows, computed from it: how the colours read, and each minimum's share of the starts."""
    parts = []
    for i, ((x, y), (now, by_horizon)) in enumerate(zip(minima, shares(bm, len(minima)), strict=True)):
        later = f" (+{_share(by_horizon - now)} on the way)" if by_horizon > now else ""
        parts.append(f"minimum {i + 1} at ({number(x, 3)}, {number(y, 3)}): {_share(now)}{later}")
    heading = (bm.labels >= 0) & ~bm.reached
    legend = f"Each start is coloured by the minimum it reaches within {bm.steps} steps"
    if heading.any():
        legend += (
            f"; a paler shade of that colour: still on its way after {bm.steps} steps, it gets there by step "
            f"{int(bm.arrival[heading].max())}"
        )
    rest = []
    nowhere, diverged = float((bm.labels == NOT_CONVERGED).mean()), float((bm.labels == DIVERGED).mean())
    if nowhere:
        rest.append(f"grey ({_share(nowhere)}): near no listed minimum even after {bm.horizon} steps")
    if diverged:
        rest.append(f"black ({_share(diverged)}): diverged")
    story = f"{legend}. Starts per minimum — {'; '.join(parts)}."
    return story + (f" {'; '.join(rest).capitalize()}." if rest else "")
