"""What a run of descents may cost: evaluations of f (and ∇f, and H) bounded by expression size × steps × starts.

Compiling is bounded by the worker's limits; evaluating is not, and it runs in the server, once per step and per
start. A step costs about as much as the compiled code is long (measured, ``python -m bench.load``: 0.1–0.6 µs
per character of source per step, plus a fixed ~30 µs), so the cost of a run is counted in characters of source
evaluated. A run over the budget is shortened to the steps that fit, with a note; one that cannot take even
MIN_STEPS is refused with a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from core.function import Function
from core.optimizers import OPTIMIZERS
from core.parsing import ExpressionError

EVALUATIONS = 4_000_000  # characters of compiled source evaluated by one page's runs: about 1 s of server CPU
STEP_OVERHEAD = 300  # a step's fixed cost (the optimizer's update, the bookkeeping), in the same units
LINE_SEARCH = 4  # evaluations of f a backtracking step takes on average beside its gradient and Hessian
MIN_STEPS = 5


class BudgetError(ExpressionError):
    """A run that would cost the shared server more than one page may spend."""


class Budget(NamedTuple):
    """The steps a run may take, and the note to show when they are fewer than asked for."""

    steps: int
    note: str


def step_cost(f: Function, optimizer: str) -> int:
    """The cost of one step of ``optimizer`` on f: the source evaluated (f and ∇f; H and f's line search too)."""
    cost = STEP_OVERHEAD + len(f._value_grad.source)
    entry = OPTIMIZERS.get(optimizer)
    if entry is not None and entry.second_order:
        cost += len(f.second.compiled.source) + LINE_SEARCH * len(f._value.source)
    return cost


def budget(f: Function, optimizers: Sequence[str], steps: int, starts: int = 1) -> Budget:
    """The steps each of ``optimizers`` may take from ``starts`` starts on f within EVALUATIONS.

    >>> from core.function import parse
    >>> budget(parse("x^2 + y^2"), ["gd"], 500)
    Budget(steps=500, note='')
    """
    per_step = starts * sum(step_cost(f, o) for o in optimizers)
    if per_step == 0:
        return Budget(int(steps), "")
    affordable = EVALUATIONS // per_step
    if affordable >= steps:
        return Budget(int(steps), "")
    runs = len(optimizers) * starts
    what = f"{runs} runs" if runs > 1 else "a run"
    if affordable < MIN_STEPS:
        raise BudgetError(
            f"This formula is too large to run {what} of {steps} steps here: each step evaluates about "
            f"{per_step:,} characters of compiled code, and a page may evaluate {EVALUATIONS:,} in all. "
            "Choose fewer optimizers or a simpler formula."
        )
    return Budget(
        int(affordable),
        f"Shortened to {affordable} of the {steps} steps: this formula's derivatives are large "
        f"({per_step:,} characters of compiled code per step for {what}), and a page may evaluate "
        f"{EVALUATIONS:,} on this shared server. Choose fewer steps or optimizers to see them all.",
    )
