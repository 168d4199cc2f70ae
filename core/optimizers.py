"""Optimizers as pure ``(init, update)`` pairs that take exactly torch.optim's steps, in float64 numpy.

``update(grads, state) -> (updates, state)``; the new parameters are ``params + updates``. Each rule does
its arithmetic in torch's order (``addcdiv`` is ``p + (value·g)/d``, Adam's first moment is a ``lerp``),
so a trajectory matches torch.optim to the last bit rather than to a tolerance. Every function works
elementwise, so the same rule steps one point of shape (n,) or a batch of shape (m, n).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np


class Transform(NamedTuple):
    """A pure optimizer: ``init(params) -> state`` and ``update(grads, state) -> (updates, state)``."""

    init: Callable[[np.ndarray], Any]
    update: Callable[[np.ndarray, Any], tuple[np.ndarray, Any]]


class Optimizer(NamedTuple):
    """An entry of the optimizer table: how to build it and how to explain it."""

    name: str
    label: str
    rule: str  # the update rule in LaTeX
    defaults: Mapping[str, Any]
    build: Callable[..., Transform]
    about: str


class EmptyState(NamedTuple):
    pass


class MomentumState(NamedTuple):
    buf: np.ndarray  # b_t, torch's momentum_buffer


class SumState(NamedTuple):
    sum: np.ndarray  # Σ g², torch's state_sum


class SquareAvgState(NamedTuple):
    square_avg: np.ndarray  # v_t, torch's square_avg


class AdamState(NamedTuple):
    step: int
    exp_avg: np.ndarray  # m_t
    exp_avg_sq: np.ndarray  # v_t


def sgd(lr: float) -> Transform:
    """θ ← θ − lr·g."""

    def init(params: np.ndarray) -> EmptyState:
        return EmptyState()

    def update(grads: np.ndarray, state: EmptyState) -> tuple[np.ndarray, EmptyState]:
        return -lr * grads, state

    return Transform(init, update)


def sgd_momentum(lr: float, momentum: float = 0.9, nesterov: bool = False) -> Transform:
    """b_t = μ·b_{t−1} + g (b_1 = g); θ ← θ − lr·b_t, or θ ← θ − lr·(g + μ·b_t) with Nesterov."""

    def init(params: np.ndarray) -> MomentumState:
        # μ·0 + g == g exactly, so a zero buffer reproduces torch's b_1 = g.
        return MomentumState(np.zeros_like(params, dtype=float))

    def update(grads: np.ndarray, state: MomentumState) -> tuple[np.ndarray, MomentumState]:
        buf = state.buf * momentum + grads
        direction = grads + momentum * buf if nesterov else buf
        return -lr * direction, MomentumState(buf)

    return Transform(init, update)


def nesterov(lr: float, momentum: float = 0.9) -> Transform:
    """SGD with Nesterov momentum: θ ← θ − lr·(g + μ·b_t)."""
    return sgd_momentum(lr, momentum=momentum, nesterov=True)


def adagrad(lr: float, eps: float = 1e-10) -> Transform:
    """s_t = s_{t−1} + g²; θ ← θ − lr·g/(√s_t + eps)."""

    def init(params: np.ndarray) -> SumState:
        return SumState(np.zeros_like(params, dtype=float))

    def update(grads: np.ndarray, state: SumState) -> tuple[np.ndarray, SumState]:
        total = state.sum + grads * grads
        return (-lr * grads) / (np.sqrt(total) + eps), SumState(total)

    return Transform(init, update)


def rmsprop(lr: float, alpha: float = 0.99, eps: float = 1e-8) -> Transform:
    """v_t = α·v_{t−1} + (1 − α)·g²; θ ← θ − lr·g/(√v_t + eps)."""

    def init(params: np.ndarray) -> SquareAvgState:
        return SquareAvgState(np.zeros_like(params, dtype=float))

    def update(grads: np.ndarray, state: SquareAvgState) -> tuple[np.ndarray, SquareAvgState]:
        square_avg = state.square_avg * alpha + ((1 - alpha) * grads) * grads
        return (-lr * grads) / (np.sqrt(square_avg) + eps), SquareAvgState(square_avg)

    return Transform(init, update)


def adam(lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> Transform:
    """m_t = β1·m + (1−β1)·g, v_t = β2·v + (1−β2)·g²; θ ← θ − lr·m̂/(√v̂ + eps), m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)."""
    beta1, beta2 = betas
    weight = 1 - beta1

    def init(params: np.ndarray) -> AdamState:
        zeros = np.zeros_like(params, dtype=float)
        return AdamState(0, zeros, zeros.copy())

    def update(grads: np.ndarray, state: AdamState) -> tuple[np.ndarray, AdamState]:
        step = state.step + 1
        # torch's lerp: m + w·(g − m) for w < 0.5, else g − (g − m)·(1 − w)
        if weight < 0.5:
            exp_avg = state.exp_avg + weight * (grads - state.exp_avg)
        else:
            exp_avg = grads - (grads - state.exp_avg) * (1 - weight)
        exp_avg_sq = state.exp_avg_sq * beta2 + ((1 - beta2) * grads) * grads
        step_size = lr / (1 - beta1**step)
        denom = np.sqrt(exp_avg_sq) / math.sqrt(1 - beta2**step) + eps
        return (-step_size * exp_avg) / denom, AdamState(step, exp_avg, exp_avg_sq)

    return Transform(init, update)


OPTIMIZERS: dict[str, Optimizer] = {
    "gd": Optimizer(
        "gd",
        "Gradient descent",
        r"\theta \leftarrow \theta - \eta\, g",
        {},
        sgd,
        "Plain gradient descent: step against the gradient, scaled by the learning rate.",
    ),
    "momentum": Optimizer(
        "momentum",
        "Momentum",
        r"b_t = \mu b_{t-1} + g,\quad \theta \leftarrow \theta - \eta\, b_t",
        {"momentum": 0.9},
        sgd_momentum,
        "A heavy ball: the velocity b accumulates past gradients, so steps speed up along consistent "
        "directions and zig-zags cancel.",
    ),
    "nesterov": Optimizer(
        "nesterov",
        "Nesterov momentum",
        r"b_t = \mu b_{t-1} + g,\quad \theta \leftarrow \theta - \eta\,(g + \mu b_t)",
        {"momentum": 0.9},
        nesterov,
        "Momentum that looks ahead: it adds the velocity's next contribution to the current gradient.",
    ),
    "adagrad": Optimizer(
        "adagrad",
        "AdaGrad",
        r"s_t = s_{t-1} + g^2,\quad \theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{s_t} + \epsilon}",
        {"eps": 1e-10},
        adagrad,
        "Per-weight learning rates: weights with large past gradients take smaller steps. Steps shrink "
        "forever as the sum grows.",
    ),
    "rmsprop": Optimizer(
        "rmsprop",
        "RMSProp",
        r"v_t = \alpha v_{t-1} + (1-\alpha) g^2,\quad \theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{v_t}+\epsilon}",
        {"alpha": 0.99, "eps": 1e-8},
        rmsprop,
        "AdaGrad with a moving average instead of a sum, so step sizes do not decay to zero.",
    ),
    "adam": Optimizer(
        "adam",
        "Adam",
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g,\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g^2,\ "
        r"\theta \leftarrow \theta - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
        {"betas": (0.9, 0.999), "eps": 1e-8},
        adam,
        "Momentum plus RMSProp, with bias correction of both averages: the default optimizer of deep learning.",
    ),
}


def make(name: str, lr: float, **hyper: Any) -> Transform:
    """Build the named optimizer with torch's defaults for every hyperparameter not given."""
    if name not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}.")
    spec = OPTIMIZERS[name]
    unknown = set(hyper) - set(spec.defaults)
    if unknown:
        raise ValueError(f"{spec.label} has no hyperparameter {', '.join(sorted(unknown))}.")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError("The learning rate must be a positive number.")
    return spec.build(lr, **{**spec.defaults, **hyper})
