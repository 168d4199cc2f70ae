"""Newton's method as pure ``(init, update)`` pairs that also see the Hessian, composed like optax transforms.

``update(updates, state, info) -> (updates, state)``: the first transform of a chain turns the gradient into a
direction d, the next ones scale it. ``info`` carries what second order needs at θ: f(θ), ∇f(θ), H(θ) and f
itself (for the line search). The variants are entries of the optimizer table (core.optimizers), and
``core.descent.descend`` runs them like any other optimizer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np


class SecondOrder(NamedTuple):
    """What a second-order update sees at θ besides the incoming updates."""

    params: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray
    f: Callable[[np.ndarray], float]


class NewtonTransform(NamedTuple):
    """``init(params) -> state`` and ``update(updates, state, info) -> (updates, state)``."""

    init: Callable[[np.ndarray], Any]
    update: Callable[[np.ndarray, Any, SecondOrder], tuple[np.ndarray, Any]]


class EmptyState(NamedTuple):
    pass


class LineSearchState(NamedTuple):
    t: float  # the accepted step length (0 when no length passed the test)
    trials: int  # how many lengths were tried


class ModifiedState(NamedTuple):
    changed: int  # how many eigenvalues were replaced (negative ones flipped, tiny ones raised to δ)


def newton_direction() -> NewtonTransform:
    """d = −H⁻¹g, from solving H d = −g (the least-squares d of smallest norm when H is singular)."""

    def update(grads: np.ndarray, state: EmptyState, info: SecondOrder) -> tuple[np.ndarray, EmptyState]:
        with np.errstate(all="ignore"):
            if not np.isfinite(info.hessian).all():
                return np.full_like(grads, np.nan), state
            try:
                return np.linalg.solve(info.hessian, -grads), state
            except np.linalg.LinAlgError:
                return np.linalg.lstsq(info.hessian, -grads, rcond=None)[0], state

    return NewtonTransform(lambda params: EmptyState(), update)


def modified_direction(delta: float = 1e-2) -> NewtonTransform:
    """d = −V·diag(1/max(|λᵢ|, δ))·Vᵀg: Newton with H's eigenvalues made positive, so d always goes downhill.

    Along negative curvature the step is reversed (away from a saddle or a maximum) instead of towards it.
    """

    def update(grads: np.ndarray, state: ModifiedState, info: SecondOrder) -> tuple[np.ndarray, ModifiedState]:
        if not np.isfinite(info.hessian).all():
            return np.full_like(grads, np.nan), state
        lam, vec = np.linalg.eigh(info.hessian)
        fixed = np.maximum(np.abs(lam), delta)
        return -(vec @ ((vec.T @ grads) / fixed)), ModifiedState(int(np.sum(fixed != lam)))

    return NewtonTransform(lambda params: ModifiedState(0), update)


def scale(eta: float) -> NewtonTransform:
    """d ← η·d: a damped step, a fixed fraction of the full one."""

    def update(updates: np.ndarray, state: EmptyState, info: SecondOrder) -> tuple[np.ndarray, EmptyState]:
        return eta * updates, state

    return NewtonTransform(lambda params: EmptyState(), update)


def backtracking(c: float = 1e-4, shrink: float = 0.5, max_trials: int = 30) -> NewtonTransform:
    """d ← t·d with the first t in 1, s, s², … that satisfies Armijo's test f(θ + t·d) ≤ f(θ) + c·t·∇f·d.

    When d points uphill (∇f·d ≥ 0, e.g. Newton's step where H is indefinite) no t passes: the step is 0.
    """

    def update(updates: np.ndarray, state: LineSearchState, info: SecondOrder) -> tuple[np.ndarray, LineSearchState]:
        slope = float(info.gradient @ updates)
        t = 1.0
        for trial in range(1, max_trials + 1):
            with np.errstate(all="ignore"):
                # A NaN value (f undefined there) fails the test, so the step shrinks back into f's domain.
                if slope < 0 and info.f(info.params + t * updates) <= info.value + c * t * slope:
                    return t * updates, LineSearchState(t, trial)
            t *= shrink
        return np.zeros_like(updates), LineSearchState(0.0, max_trials)

    return NewtonTransform(lambda params: LineSearchState(1.0, 0), update)


def chain(*transforms: NewtonTransform) -> NewtonTransform:
    """Apply the transforms in order, each to the previous one's output; the state is the tuple of their states."""

    def init(params: np.ndarray) -> tuple:
        return tuple(t.init(params) for t in transforms)

    def update(grads: np.ndarray, state: tuple, info: SecondOrder) -> tuple[np.ndarray, tuple]:
        states = []
        for transform, inner in zip(transforms, state, strict=True):
            grads, new = transform.update(grads, inner, info)
            states.append(new)
        return grads, tuple(states)

    return NewtonTransform(init, update)
