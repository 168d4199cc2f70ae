"""Newton's method as pure ``(init, update)`` pairs that also see the Hessian, composed like optax transforms.

``update(updates, state, info) -> (updates, state)``: the first transform of a chain turns the gradient into a
direction d, the next ones scale it. ``info`` carries what second order needs at θ: f(θ), ∇f(θ), H(θ) and f
itself (for the line search). ``newton_descend`` runs one and returns the same ``Trajectory`` as ``descend``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from core.curvature import hessian_at
from core.descent import Trajectory, _check, _healthy
from core.function import Function


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


class Hyper(NamedTuple):
    """A hyperparameter with the range a control offers."""

    name: str
    label: str
    default: float
    low: float
    high: float
    step: float


class Entry(NamedTuple):
    """One second-order optimizer: how to build it and how to explain it (shaped like an optimizer-table entry)."""

    name: str
    label: str
    rule: str  # the update rule in LaTeX
    hyper: tuple[Hyper, ...]
    build: Callable[..., NewtonTransform]
    about: str

    @property
    def defaults(self) -> dict[str, float]:
        return {h.name: h.default for h in self.hyper}


ETA = Hyper("eta", "damping η", 0.5, 0.05, 1.0, 0.05)
ARMIJO = Hyper("c", "Armijo constant c", 1e-4, 1e-6, 0.5, 1e-4)
SHRINK = Hyper("shrink", "backtracking factor s", 0.5, 0.1, 0.9, 0.05)
DELTA = Hyper("delta", "eigenvalue floor δ", 1e-2, 1e-4, 1.0, 1e-3)

NEWTON: dict[str, Entry] = {
    "newton": Entry(
        "newton",
        "Newton's method",
        r"\theta \leftarrow \theta - H^{-1} g",
        (),
        lambda: chain(newton_direction()),
        "Jump to the stationary point of the local quadratic model f + g·d + ½dᵀHd. On a quadratic that is the "
        "answer, in one step; near a minimum it converges quadratically. It looks for ∇f = 0, so a saddle "
        "or a maximum attracts it as much as a minimum.",
    ),
    "newton_damped": Entry(
        "newton_damped",
        "Damped Newton",
        r"\theta \leftarrow \theta - \eta\, H^{-1} g",
        (ETA,),
        lambda eta: chain(newton_direction(), scale(eta)),
        "Only a fraction η of Newton's step: safer far from the solution, but it gives up the one-step answer "
        "on a quadratic and the quadratic convergence near a minimum.",
    ),
    "newton_ls": Entry(
        "newton_ls",
        "Newton + line search",
        r"d = -H^{-1} g,\quad \theta \leftarrow \theta + t\,d,\quad "
        r"t = \max\{s^j : f(\theta + s^j d) \le f(\theta) + c\, s^j\, g^\top d\}",
        (ARMIJO, SHRINK),
        lambda c, shrink: chain(newton_direction(), backtracking(c, shrink)),
        "Try the full Newton step and halve it until f decreases enough (Armijo's test). It never goes uphill, "
        "but it keeps Newton's direction: where H is indefinite that direction can point uphill, and then no "
        "step length helps.",
    ),
    "newton_pd": Entry(
        "newton_pd",
        "Newton, positive-definite fix",
        r"H = V \Lambda V^\top,\quad \theta \leftarrow \theta - V\,\max(|\Lambda|, \delta)^{-1} V^\top g",
        (DELTA,),
        lambda delta: chain(modified_direction(delta)),
        "Make H positive definite before solving: flip negative eigenvalues and raise tiny ones to δ. Along "
        "negative curvature it now steps away from the saddle, so it always heads downhill.",
    ),
}


def make(name: str, **hyper: float) -> NewtonTransform:
    """Build the named Newton variant with its defaults for every hyperparameter not given."""
    if name not in NEWTON:
        raise ValueError(f"Unknown Newton variant {name!r}; choose one of {', '.join(NEWTON)}.")
    entry = NEWTON[name]
    unknown = set(hyper) - set(entry.defaults)
    if unknown:
        raise ValueError(f"{entry.label} has no hyperparameter {', '.join(sorted(unknown))}.")
    values = {**entry.defaults, **hyper}
    for h in entry.hyper:
        if not (math.isfinite(values[h.name]) and h.low <= values[h.name] <= h.high):
            raise ValueError(f"{h.label} must be between {h.low:g} and {h.high:g}.")
    return entry.build(**values)


def newton_descend(
    f: Function, start: Sequence[float], method: str = "newton", steps: int = 20, **hyper: float
) -> Trajectory:
    """Run ``steps`` steps of θ ← θ + update(∇f(θ), H(θ)), stopping early only if the run diverges.

    >>> from core.function import parse
    >>> t = newton_descend(parse("3*x**2 + 2*x*y + y**2"), (2.0, -2.0), steps=1)
    >>> float(t.values[0]), bool(np.abs(t.points[-1]).max() < 1e-12)  # the minimum (0, 0) in one step
    (8.0, True)
    """
    point = np.array(start, dtype=float).reshape(-1)
    _check(f, int(steps), point.size)
    transform = make(method, **hyper)

    def value(p: np.ndarray) -> float:
        return float(f(*p))

    v, grad = f.value_and_grad(*point)
    points, values, grads, updates, states = [point], [float(v)], [grad], [], []
    diverged_at = None if bool(_healthy(point, np.asarray(v), grad)) else 0
    state = transform.init(point)
    for k in range(1, int(steps) + 1 if diverged_at is None else 0):
        info = SecondOrder(point, float(v), grad, hessian_at(f, point), value)
        with np.errstate(all="ignore"):
            update, state = transform.update(grad, state, info)
            point = point + update
        v, grad = f.value_and_grad(*point)
        if not _healthy(point, np.asarray(v), grad):
            diverged_at = k
            break
        points.append(point)
        values.append(float(v))
        grads.append(grad)
        updates.append(update)
        states.append(state)
    n = point.size
    return Trajectory(
        points=np.array(points),
        values=np.array(values, dtype=float),
        gradients=np.array(grads).reshape(-1, n),
        updates=np.array(updates).reshape(-1, n),
        states=tuple(states),
        status="ok" if diverged_at is None else "diverged",
        diverged_at=diverged_at,
        optimizer=method,
        lr=float(hyper.get("eta", NEWTON[method].defaults.get("eta", 1.0))),
        hyper=dict(hyper),
    )
