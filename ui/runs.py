"""Descents a page shows, within the evaluation budget (core.budget) and through the bounded cache (ui.cache).

A run over the budget is shortened with a note beside it; one that cannot be afforded at all raises BudgetError,
an ExpressionError, so the page shows its message like any other limit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from core import Function, Trajectory
from core.budget import budget
from core.tuning import GRID, Tuned, uses_lr
from ui import cache


def descent(f: Function, start: Sequence[float], optimizer: str, lr: float, steps: int, **hyper: Any) -> Trajectory:
    """One run of ``optimizer`` from ``start``: cached, and shortened (with a note) when f is costly to evaluate."""
    allowed = budget(f, [optimizer], steps)
    if allowed.note:
        st.info(allowed.note, icon=":material/timer:")
    return cache.run(f, start, optimizer, lr, allowed.steps, **hyper)


def race(
    f: Function,
    start: Sequence[float],
    runs: Mapping[str, tuple[str, float, Mapping[str, Any]]],
    steps: int,
) -> dict[str, Trajectory]:
    """Several runs from one start, ``{label: (optimizer, η, hyperparameters)}``, sharing one budget."""
    allowed = budget(f, [optimizer for optimizer, _, _ in runs.values()], steps)
    if allowed.note:
        st.info(allowed.note, icon=":material/timer:")
    return {
        label: cache.run(f, start, optimizer, lr, allowed.steps, **hyper)
        for label, (optimizer, lr, hyper) in runs.items()
    }


def tuning(
    f: Function, start: Sequence[float], optimizers: Sequence[str], steps: int, hyper: tuple = ()
) -> Callable[[str], Tuned]:
    """Each optimizer's η tuned on the learning-rate grid (cached), within the budget: every η of the grid is a
    run, so a costly f tunes over fewer steps, with a note."""
    tunable = [o for o in optimizers if uses_lr(o)]
    allowed = budget(f, tunable, steps, starts=len(GRID)) if tunable else None
    if allowed is not None and allowed.note:
        st.info(f"Tuning η: {allowed.note}", icon=":material/timer:")
    horizon = allowed.steps if allowed is not None else steps
    return lambda optimizer: cache.tuned(f, start, optimizer, horizon, hyper)
