"""Descents a page shows, within the evaluation budget (core.budget) and through the bounded cache (ui.cache).

A run over the budget is shortened with a note beside it; one that cannot be afforded at all raises BudgetError,
an ExpressionError, so the page shows its message like any other limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from core import Function, Trajectory
from core.budget import budget
from ui import cache


def descent(f: Function, start: Sequence[float], optimizer: str, lr: float, steps: int, **hyper: Any) -> Trajectory:
    """One run of ``optimizer`` from ``start``: cached, and shortened (with a note) when f is costly to evaluate."""
    allowed = budget(f, [optimizer], steps)
    if allowed.note:
        st.info(allowed.note, icon="⏱️")
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
        st.info(allowed.note, icon="⏱️")
    return {
        label: cache.run(f, start, optimizer, lr, allowed.steps, **hyper)
        for label, (optimizer, lr, hyper) in runs.items()
    }
