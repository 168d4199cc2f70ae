"""One optimizer step written out with numbers, the way a student does it by hand."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core.descent import Trajectory
from core.numbers import fmt
from core.optimizers import OPTIMIZERS, StepView


class StepLine(NamedTuple):
    """The lines of arithmetic for one variable in one step."""

    variable: str
    lines: tuple[str, ...]


def explain_step(trajectory: Trajectory, k: int, names: tuple[str, ...]) -> list[StepLine]:
    """The arithmetic of step k (1-based): w_{k-1} and ∇L(w_{k-1}) in, w_k out, with the optimizer's state."""
    if not 1 <= k <= trajectory.steps_taken:
        raise ValueError(f"Step {k} is not in this run (1 to {trajectory.steps_taken}).")
    spec = OPTIMIZERS[trajectory.optimizer]
    hyper = {**spec.defaults, **trajectory.hyper}
    lr = trajectory.lr
    before, after = trajectory.points[k - 1], trajectory.points[k]
    grad = trajectory.gradients[k - 1]
    state = trajectory.states[k - 1]
    previous = trajectory.states[k - 2] if k >= 2 else None
    out = []
    for i, var in enumerate(names):
        view = StepView(
            float(before[i]), float(grad[i]), float(trajectory.updates[k - 1][i]), state, previous, i, k, lr, hyper
        )
        step = spec.explain(view, fmt)
        change = f"+ {step.step}" if step.step is not None else f"− {fmt(lr)} × {step.direction}"
        last = f"{var} ← {fmt(step.base)} {change} = {fmt(float(after[i]))}"
        out.append(StepLine(var, (*step.lines, last)))
    return out


def step_table(trajectory: Trajectory, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Columns of the every-step table: k, the weights, f, the gradient, its norm and the step size."""
    k = np.arange(len(trajectory.points))
    columns: dict[str, np.ndarray] = {"k": k}
    for i, var in enumerate(names):
        columns[var] = trajectory.points[:, i]
    columns["f"] = trajectory.values
    for i, var in enumerate(names):
        columns[f"∂f/∂{var}"] = trajectory.gradients[:, i]
    columns["|∇f|"] = trajectory.grad_norms
    sizes = np.zeros(len(k))
    sizes[1:] = np.linalg.norm(trajectory.updates, axis=1)
    columns["step size"] = sizes
    return columns
