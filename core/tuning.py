"""Choosing η: a logarithmic grid of learning rates, the best one for an optimizer, and what a sweep shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from core.descent import Trajectory, descend, descend_many
from core.function import Function
from core.numbers import number
from core.optimizers import OPTIMIZERS

# 1, 2, 5 per decade from 10⁻⁵ to 5: three steps a decade, each about half a decade on a log scale.
GRID: tuple[float, ...] = tuple(float(f"{m}e{e}") for e in range(-5, 1) for m in (1, 2, 5))
TIE = 1e-9  # final losses within TIE·max(1, |f(start)|) of the best count as a tie, which the larger η wins


class Tuned(NamedTuple):
    """An optimizer's learning rate for one function and start: the grid's final losses and the η chosen.

    ``lr`` is None when the rule has no η (Newton's method) or when every η of the grid diverged.
    """

    optimizer: str
    lr: float | None
    grid: tuple[float, ...]
    losses: tuple[float, ...]  # f after the run at each η of the grid; inf where the run diverged

    @property
    def uses_lr(self) -> bool:
        return uses_lr(self.optimizer)


def uses_lr(optimizer: str) -> bool:
    """Whether the optimizer's rule has a learning rate at all (Newton's full step and its line search do not)."""
    return r"\eta" in OPTIMIZERS[optimizer].rule


def final_losses(
    f: Function, start: Sequence[float], optimizer: str, steps: int, grid: Sequence[float] = GRID, **hyper: Any
) -> np.ndarray:
    """f(θ_steps) of the run at each η of the grid (+inf where it diverged): first-order optimizers as one batch."""
    rates = np.asarray(grid, dtype=float)
    if not OPTIMIZERS[optimizer].second_order:
        starts = np.tile(np.asarray(start, dtype=float), (rates.size, 1))
        batch = descend_many(f, starts, optimizer=optimizer, lr=rates, steps=steps, **hyper)
        return np.where(batch.diverged, np.inf, batch.values[-1])
    runs = [descend(f, start, optimizer=optimizer, lr=float(lr), steps=steps, **hyper) for lr in rates]
    return np.array([np.inf if r.status == "diverged" else r.values[-1] for r in runs])


def best_index(losses: Sequence[float], scale: float = 1.0) -> int | None:
    """The grid index with the lowest final loss; losses within TIE·max(1, |scale|) of it tie, and the larger η
    (the later index) wins. None if every run diverged.

    >>> best_index([3.0, 1.0, 1.0 + 1e-12, 2.0])
    2
    >>> best_index([float("inf")]) is None
    True
    """
    values = np.asarray(losses, dtype=float)
    finite = np.isfinite(values)
    if not finite.any():
        return None
    best = values[finite].min()
    ties = finite & (values <= best + TIE * max(1.0, abs(scale)))
    return int(np.flatnonzero(ties)[-1])


def tune(
    f: Function, start: Sequence[float], optimizer: str, steps: int, grid: Sequence[float] = GRID, **hyper: Any
) -> Tuned:
    """The η of the grid with the best final loss after ``steps`` steps from ``start`` (ties to the larger η)."""
    if not uses_lr(optimizer):
        return Tuned(optimizer, None, tuple(grid), ())
    losses = final_losses(f, start, optimizer, steps, grid, **hyper)
    index = best_index(losses, float(f(*start)))
    return Tuned(optimizer, None if index is None else float(grid[index]), tuple(grid), tuple(float(v) for v in losses))


def _etas(runs: Sequence[Trajectory]) -> str:
    return ", ".join(number(r.lr) for r in runs)


def rises(t: Trajectory) -> int:
    """How many steps raised the loss (by more than round-off): the sign of overshooting."""
    values = t.values
    return int((np.diff(values) > 1e-12 * np.maximum(1.0, np.abs(values[:-1]))).sum())


def reversals(t: Trajectory) -> int:
    """How many steps point back against the step before (a negative dot product): a zig-zag across a valley."""
    if len(t.updates) < 2:
        return 0
    return int((np.einsum("ij,ij->i", t.updates[1:], t.updates[:-1]) < 0).sum())


def _manner(t: Trajectory) -> str:
    """How a run that ends higher than the best one got there."""
    if rises(t):
        return f"its loss rises at {rises(t)} of {t.steps_taken} steps: it overshoots"
    if reversals(t) >= t.steps_taken // 3:
        return f"{reversals(t)} of its {t.steps_taken} steps turn back: it zig-zags across the valley"
    return ""


def sweep_story(runs: Sequence[Trajectory]) -> str:
    """What a sweep of one optimizer over several η shows, sentence by sentence, computed from the runs."""
    runs = sorted(runs, key=lambda r: r.lr)
    if not runs:
        return ""
    diverged = [r for r in runs if r.status == "diverged"]
    finite = [r for r in runs if r.status != "diverged"]
    story = []
    if finite:
        scale = float(runs[0].values[0]) if np.isfinite(runs[0].values[0]) else 1.0
        best = finite[best_index([r.values[-1] for r in finite], scale)]
        story.append(
            f"η = {number(best.lr)} ends lowest (f = {number(best.values[-1])} after {best.steps_taken} steps)."
        )
        for r in finite:
            if r is best or r.values[-1] <= best.values[-1]:
                continue
            size = "smaller" if r.lr < best.lr else "larger"
            manner = _manner(r) or ("too small a step is slow" if size == "smaller" else "")
            story.append(f"The {size} η = {number(r.lr)} ends higher" + (f": {manner}." if manner else "."))
        if best is runs[-1]:
            story.append("No rate shown is too large yet: add larger multiples to find where steps overshoot.")
    if diverged:
        story.append(f"η = {_etas(diverged)} diverge{'s' if len(diverged) == 1 else ''}: each step overshoots more.")
    return " ".join(story)


RACE_MODES = {"tuned": "η tuned for each optimizer", "shared": "one shared η"}


class Entrant(NamedTuple):
    """An optimizer in the race, the η it runs with and where that η came from."""

    optimizer: str
    lr: float
    source: str  # "tuned", "shared", "no η" (the rule has none), or "shared: …" when tuning found no η

    @property
    def label(self) -> str:
        """Its legend entry: the optimizer, its η and where the η came from."""
        name = OPTIMIZERS[self.optimizer].label
        if self.source == "no η":
            return f"{name} (no η)"
        return f"{name}, η = {number(self.lr)} ({self.source})"


def entrants(
    optimizers: Sequence[str], shared_lr: float, mode: str, tuned: Callable[[str], Tuned] | None
) -> list[Entrant]:
    """Each optimizer with its η: ``tuned(optimizer)`` on the grid (mode "tuned"), or the page's η for all."""
    field = []
    for optimizer in optimizers:
        if not uses_lr(optimizer):
            field.append(Entrant(optimizer, shared_lr, "no η"))
        elif mode != "tuned":
            field.append(Entrant(optimizer, shared_lr, "shared"))
        else:
            best = tuned(optimizer).lr
            if best is None:
                field.append(Entrant(optimizer, shared_lr, "shared: every η of the grid diverged"))
            else:
                field.append(Entrant(optimizer, best, "tuned"))
    return field


def grid_words(steps: int) -> str:
    """How a tuned η is chosen, in one sentence."""
    return (
        f"Tuned: each optimizer runs every η of a logarithmic grid ({len(GRID)} rates, 1, 2 and 5 per decade from "
        f"{number(GRID[0])} to {number(GRID[-1])}) and keeps the one with the lowest loss after {steps} steps from "
        "this start; a tie goes to the larger η."
    )


def grid_story(tuned: Tuned) -> str:
    """What the grid figure shows: the best η, and from which η on the runs diverge."""
    losses = np.asarray(tuned.losses, dtype=float)
    diverged = [lr for lr, loss in zip(tuned.grid, losses, strict=True) if not np.isfinite(loss)]
    if tuned.lr is None:
        return f"Every η of the grid ({number(tuned.grid[0])} to {number(tuned.grid[-1])}) diverges from this start."
    best = float(losses[list(tuned.grid).index(tuned.lr)])
    story = f"On the grid, η = {number(tuned.lr)} ends lowest (f = {number(best)})."
    if not diverged:
        return story + f" None of its {len(tuned.grid)} rates diverges, up to η = {number(tuned.grid[-1])}."
    first = min(diverged)
    every = all(not np.isfinite(loss) for lr, loss in zip(tuned.grid, losses, strict=True) if lr >= first)
    if every:
        return story + f" From η = {number(first)} up, every run diverges."
    return story + f" Some runs diverge: η = {', '.join(number(v) for v in diverged)}."
