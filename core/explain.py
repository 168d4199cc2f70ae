"""One optimizer step written out with numbers, the way a student does it by hand."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core.descent import Trajectory
from core.numbers import fmt
from core.optimizers import OPTIMIZERS, Fmt, StepView
from core.schedules import SCHEDULES


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
    lr = step_rate(trajectory, k)
    before, after = trajectory.points[k - 1], trajectory.points[k]
    grad = used_gradient(trajectory, k)  # with noise, the noisy gradient the optimizer actually received
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


def step_rate(trajectory: Trajectory, k: int) -> float:
    """η_k, the learning rate step k used: the schedule's, or η itself."""
    return float(trajectory.lrs[k - 1]) if trajectory.lrs is not None else trajectory.lr


def used_gradient(trajectory: Trajectory, k: int) -> np.ndarray:
    """The gradient step k's optimizer received: ∇f(θ_{k−1}), plus σ·ε_k under gradient noise."""
    return trajectory.used[k - 1] if trajectory.used is not None else trajectory.gradients[k - 1]


def step_inputs(trajectory: Trajectory, k: int, names: tuple[str, ...], number: Fmt = fmt) -> list[str]:
    """What goes into step k, one line each: θ_{k−1}, the gradient used (its noise written out) and η_k."""

    def vector(values: np.ndarray) -> str:
        return "(" + ", ".join(number(float(v)) for v in values) + ")"

    lines = [f"θ = ({', '.join(names)}) = {vector(trajectory.points[k - 1])}"]
    exact, used = trajectory.gradients[k - 1], used_gradient(trajectory, k)
    if trajectory.noise:
        noise = used - exact
        lines.append(
            f"g = ∇f(θ) + σ·ε_{k} = {vector(exact)} + {vector(noise)} = {vector(used)}"
            f"  (noise σ = {number(trajectory.noise)}, seed {trajectory.seed})"
        )
    else:
        lines.append(f"g = ∇f(θ) = {vector(exact)}")
    if trajectory.schedule != "constant":
        spec = SCHEDULES[trajectory.schedule]
        params = {**spec.defaults, **(trajectory.schedule_params or {})}
        formula = spec.explain(trajectory.lr, k, len(trajectory.lrs), params, number)
        lines.append(f"{formula} = {number(step_rate(trajectory, k))}  ({spec.label.lower()})")
    return lines


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
    last = np.full(1, np.nan)  # the last point takes no step
    if trajectory.noise and trajectory.used is not None:
        for i, var in enumerate(names):
            columns[f"g used {var}"] = np.concatenate([trajectory.used[:, i], last])
    if trajectory.schedule != "constant" and trajectory.lrs is not None:
        columns["η"] = np.concatenate([trajectory.lrs[: trajectory.steps_taken], last])
    sizes = np.zeros(len(k))
    sizes[1:] = np.linalg.norm(trajectory.updates, axis=1)
    columns["step size"] = sizes
    return columns
