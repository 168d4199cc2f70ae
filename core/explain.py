"""One optimizer step written out with numbers, the way a student does it by hand."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from core.descent import Trajectory
from core.numbers import fmt
from core.optimizers import OPTIMIZERS


def _paren(value: float) -> str:
    return f"({fmt(value)})" if value < 0 else fmt(value)


class StepLine(NamedTuple):
    """The lines of arithmetic for one variable in one step."""

    variable: str
    lines: tuple[str, ...]


def explain_step(trajectory: Trajectory, k: int, names: tuple[str, ...]) -> list[StepLine]:
    """The arithmetic of step k (1-based): θ_{k-1} and ∇f(θ_{k-1}) in, θ_k out, with the optimizer's state."""
    if not 1 <= k <= trajectory.steps_taken:
        raise ValueError(f"Step {k} is not in this run (1 to {trajectory.steps_taken}).")
    name = trajectory.optimizer
    hyper = {**OPTIMIZERS[name].defaults, **trajectory.hyper}
    lr = trajectory.lr
    before, after = trajectory.points[k - 1], trajectory.points[k]
    grad = trajectory.gradients[k - 1]
    state = trajectory.states[k - 1]
    previous = trajectory.states[k - 2] if k >= 2 else None
    out = []
    for i, var in enumerate(names):
        g, theta, new = float(grad[i]), float(before[i]), float(after[i])
        lines = _lines(name, hyper, lr, i, g, state, previous, k)
        lines.append(f"{var} ← {fmt(theta)} − {fmt(lr)} × {_direction(name, hyper, i, g, state)} = {fmt(new)}")
        out.append(StepLine(var, tuple(lines)))
    return out


def _prev(previous: Any, field: str, i: int) -> float:
    return 0.0 if previous is None else float(getattr(previous, field)[i])


def _lines(
    name: str, hyper: dict[str, Any], lr: float, i: int, g: float, state: Any, previous: Any, k: int
) -> list[str]:
    if name in ("momentum", "nesterov"):
        mu = hyper["momentum"]
        b = float(state.buf[i])
        return [f"b = {fmt(mu)} × {_paren(_prev(previous, 'buf', i))} + {_paren(g)} = {fmt(b)}"]
    if name == "adagrad":
        s = float(state.sum[i])
        return [f"s = {fmt(_prev(previous, 'sum', i))} + {_paren(g)}² = {fmt(s)}"]
    if name == "rmsprop":
        alpha, v = hyper["alpha"], float(state.square_avg[i])
        prev = _prev(previous, "square_avg", i)
        return [f"v = {fmt(alpha)} × {fmt(prev)} + {fmt(1 - alpha)} × {_paren(g)}² = {fmt(v)}"]
    if name == "adam":
        b1, b2 = hyper["betas"]
        m, v = float(state.exp_avg[i]), float(state.exp_avg_sq[i])
        m_hat, v_hat = _bias_corrected(state, hyper, i)
        return [
            f"m = {fmt(b1)} × {_paren(_prev(previous, 'exp_avg', i))} + {fmt(1 - b1)} × {_paren(g)} = {fmt(m)}",
            f"v = {fmt(b2)} × {fmt(_prev(previous, 'exp_avg_sq', i))} + {fmt(1 - b2)} × {_paren(g)}² = {fmt(v)}",
            f"m̂ = m / (1 − {fmt(b1)}^{k}) = {fmt(m_hat)},  v̂ = v / (1 − {fmt(b2)}^{k}) = {fmt(v_hat)}",
        ]
    return []


def _bias_corrected(state: Any, hyper: dict[str, Any], i: int) -> tuple[float, float]:
    """Adam's m̂ = m/(1 − β1^t) and v̂ = v/(1 − β2^t) for weight i."""
    b1, b2 = hyper["betas"]
    return float(state.exp_avg[i]) / (1 - b1**state.step), float(state.exp_avg_sq[i]) / (1 - b2**state.step)


def _direction(name: str, hyper: dict[str, Any], i: int, g: float, state: Any) -> str:
    if name == "momentum":
        return _paren(float(state.buf[i]))
    if name == "nesterov":
        mu = hyper["momentum"]
        return f"({fmt(g)} + {fmt(mu)} × {_paren(float(state.buf[i]))})"
    if name == "adagrad":
        return f"{_paren(g)} / (√{fmt(float(state.sum[i]))} + {fmt(hyper['eps'])})"
    if name == "rmsprop":
        return f"{_paren(g)} / (√{fmt(float(state.square_avg[i]))} + {fmt(hyper['eps'])})"
    if name == "adam":
        m_hat, v_hat = _bias_corrected(state, hyper, i)
        return f"{_paren(m_hat)} / (√{fmt(v_hat)} + {fmt(hyper['eps'])})"
    return _paren(g)


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
