"""The descent loop: repeat θ ← θ + update(∇f(θ)) and record the path, for one start or a batch of starts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from core.function import Function
from core.newton import SecondOrder
from core.noise import gradient_noise
from core.numbers import number
from core.optimizers import OPTIMIZERS, make
from core.schedules import rates

MAX_STEPS = 5000
DIVERGENCE_LIMIT = 1e12  # |f| beyond this counts as diverged


class Trajectory(NamedTuple):
    """A descent path: ``points[k]`` after k steps, with f and ∇f there; ``states[k-1]`` is the state after step k."""

    points: np.ndarray  # (k+1, n)
    values: np.ndarray  # (k+1,)
    gradients: np.ndarray  # (k+1, n)
    updates: np.ndarray  # (k, n): points[k+1] - points[k] as the optimizer computed it
    states: tuple[Any, ...]
    status: str  # "ok", "diverged" or "unbounded" (f kept falling: no minimum in view)
    diverged_at: int | None
    optimizer: str
    lr: float
    hyper: dict[str, Any]
    reason: str = ""  # why the run is "diverged" or "unbounded", as a sentence a page can show
    lrs: np.ndarray | None = None  # (steps,): η_k for every step asked for (a diverged run took fewer)
    used: np.ndarray | None = None  # (k, n): the gradient step k's optimizer received, noise included
    schedule: str = "constant"
    schedule_params: dict[str, Any] | None = None
    noise: float = 0.0  # σ of the gradient noise
    seed: int = 0

    @property
    def steps_taken(self) -> int:
        return len(self.points) - 1

    @property
    def grad_norms(self) -> np.ndarray:
        """|∇f(θ_k)| at every point."""
        return np.linalg.norm(self.gradients, axis=1)


class Batch(NamedTuple):
    """Many descents at once: ``points[k, i]`` is start i after k steps.

    A diverged start stays at its last finite point for the remaining steps.
    """

    points: np.ndarray  # (steps+1, m, n)
    values: np.ndarray  # (steps+1, m)
    diverged: np.ndarray  # (m,) bool
    diverged_at: np.ndarray  # (m,) int, -1 where the start did not diverge


def _check(f: Function, steps: int, dims: int) -> None:
    if dims != len(f.variables):
        raise ValueError(f"The start needs {len(f.variables)} coordinates ({', '.join(f.names)}), got {dims}.")
    if not (0 <= steps <= MAX_STEPS):
        raise ValueError(f"The number of steps must be between 0 and {MAX_STEPS}.")


def _healthy(points: np.ndarray, values: np.ndarray, grads: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (
            np.isfinite(points).all(axis=-1)
            & np.isfinite(values)
            & (np.abs(values) <= DIVERGENCE_LIMIT)
            & np.isfinite(grads).all(axis=-1)
        )


def descend(
    f: Function,
    start: Sequence[float],
    optimizer: str = "gd",
    lr: float = 0.1,
    steps: int = 50,
    *,
    schedule: str = "constant",
    schedule_params: Mapping[str, float] | None = None,
    noise: float = 0.0,
    seed: int = 0,
    **hyper: Any,
) -> Trajectory:
    """Run ``steps`` steps of θ_{k+1} = θ_k + update(∇f(θ_k)), stopping early only if the run diverges.

    Step k uses the schedule's η_k and, with ``noise`` σ > 0, the gradient ∇f(θ_{k−1}) + σ·ε_k with ε_k the
    seeded normal draws of ``core.noise`` (stochastic gradient descent). σ = 0 is exact gradient descent.

    >>> from core.function import parse
    >>> t = descend(parse("(w1 + 2*w2 - 5)**2"), start=(1.0, 1.0), optimizer="gd", lr=0.1, steps=1)
    >>> t.points.tolist(), t.gradients[0].tolist()
    ([[1.0, 1.0], [1.4, 1.8]], [-4.0, -8.0])
    """
    point = np.array(start, dtype=float).reshape(-1)
    _check(f, int(steps), point.size)
    settings = dict(schedule=schedule, schedule_params=schedule_params, noise=noise, seed=seed)
    if OPTIMIZERS.get(optimizer, OPTIMIZERS["gd"]).second_order:
        return _descend_second_order(f, point, optimizer, lr, steps, **settings, **hyper)
    return descend_with(lambda p, k: f.value_and_grad(*p), point, optimizer, lr, steps, **settings, **hyper)


def _descend_second_order(
    f: Function, start: np.ndarray, optimizer: str, lr: float, steps: int, **hyper: Any
) -> Trajectory:
    """The loop for Newton's variants: each update also sees H(θ) and f (for the line search)."""

    def value(p: np.ndarray) -> float:
        return float(f(*p))

    def step(transform: Any, grad: np.ndarray, state: Any, point: np.ndarray, v: float) -> tuple[np.ndarray, Any]:
        return transform.update(grad, state, SecondOrder(point, float(v), grad, f.hessian_at(point), value))

    return descend_with(lambda p, k: f.value_and_grad(*p), start, optimizer, lr, steps, step=step, **hyper)


def _first_order_step(transform: Any, grad: np.ndarray, state: Any, point: np.ndarray, value: float):
    return transform.update(grad, state, point)


def descend_with(
    value_and_grad: Callable[[np.ndarray, int], tuple[Any, np.ndarray]],
    start: np.ndarray,
    optimizer: str,
    lr: float,
    steps: int,
    step: Callable[..., tuple[np.ndarray, Any]] = _first_order_step,
    *,
    schedule: str = "constant",
    schedule_params: Mapping[str, float] | None = None,
    noise: float = 0.0,
    seed: int = 0,
    **hyper: Any,
) -> Trajectory:
    """The loop itself, for any ``value_and_grad(θ, k)``: f's exact gradient, or a mini-batch estimate of it.

    ``step(transform, g, state, θ, f(θ))`` applies one update; second-order updates also see H(θ). A schedule
    rebuilds the optimizer with η_k before step k (the state carries over, as torch's scheduler only changes the
    group's lr); gradient noise σ·ε_k is added to the gradient the update sees.
    """
    transform = make(optimizer, lr, **hyper)
    spec = OPTIMIZERS[optimizer]
    point = np.array(start, dtype=float)
    n = point.size
    etas = rates(schedule, lr, int(steps), **(schedule_params or {}))
    jitter = gradient_noise(noise, seed, int(steps), n) if noise else None
    value, grad = value_and_grad(point, 0)
    points, values, grads, updates, states, used = [point], [float(value)], [grad], [], [], []
    diverged_at = None if bool(_healthy(point, np.asarray(value), grad)) else 0
    state = transform.init(point)
    for k in range(1, int(steps) + 1 if diverged_at is None else 0):
        if schedule != "constant":
            # Built from the entry directly: a rate decayed to 0 is a schedule's own, not a student's bad η.
            transform = spec.build(etas[k - 1], **{**spec.defaults, **hyper})
        g = grad if jitter is None else grad + jitter[k - 1]
        with np.errstate(all="ignore"):
            update, state = step(transform, g, state, point, value)
            point = point + update
        value, grad = value_and_grad(point, k)
        if not _healthy(point, np.asarray(value), grad):
            diverged_at = k
            break
        points.append(point)
        values.append(float(value))
        grads.append(grad)
        updates.append(update)
        states.append(state)
        used.append(g)
    gradients = np.array(grads).reshape(-1, n)
    with np.errstate(all="ignore"):
        status, reason = _verdict(value_and_grad, points, values, diverged_at, float(value))
    return Trajectory(
        points=np.array(points),
        values=np.array(values, dtype=float),
        gradients=gradients,
        updates=np.array(updates).reshape(-1, n),
        states=tuple(states),
        status=status,
        diverged_at=diverged_at,
        optimizer=optimizer,
        lr=float(lr),
        hyper=dict(hyper),
        reason=reason,
        lrs=np.array(etas, dtype=float),
        used=np.array(used).reshape(-1, n),
        schedule=schedule,
        schedule_params=dict(schedule_params or {}),
        noise=float(noise),
        seed=int(seed),
    )


def _verdict(
    value_and_grad: Callable[[np.ndarray, int], tuple[Any, np.ndarray]],
    points: list[np.ndarray],
    values: list[float],
    diverged_at: int | None,
    last: float,
) -> tuple[str, str]:
    """The run's status with its reason: a loss that falls without bound is "unbounded", not "ok" or "diverged"."""
    if diverged_at == 0:
        return "diverged", "f or its gradient is undefined at the start: move the start point."
    if diverged_at is not None:
        # Falling past −10¹² is not a step that was too large: f has no lower bound along this path.
        if last < -DIVERGENCE_LIMIT:
            return "unbounded", (
                f"The loss fell below −10¹² at step {diverged_at}: f has no minimum in view "
                "(it falls without bound along this path), so the run stopped there."
            )
        return "diverged", (
            f"At step {diverged_at} the loss or the gradient blew up (|f| > 10¹² or not a number): "
            "the steps grew instead of shrinking. Try a smaller learning rate."
        )
    if _falls_without_bound(value_and_grad, points, values):
        return "unbounded", (
            f"The loss was still falling at the last step ({number(values[-1])}), and further along the path it only "
            "falls faster: f has no minimum in view (it falls without bound in this direction)."
        )
    return "ok", ""


PROBES = (1.0, 10.0, 100.0, 1000.0)  # distances ahead, in units of max(1, |θ|), where f is looked at


def _falls_without_bound(
    value_and_grad: Callable[[np.ndarray, int], tuple[Any, np.ndarray]],
    points: list[np.ndarray],
    values: list[float],
) -> bool:
    """f still falls at the end, and keeps falling far ahead along the last step's direction.

    A bounded f that is still falling when the steps run out (a slow approach to a minimum, a sine's slope)
    levels off or rises again ahead; x·y or a plane fall by orders of magnitude more within 1000 |θ|.
    """
    if len(values) < 4 or not (np.diff(values[-4:]) < 0).all():
        return False
    direction = points[-1] - points[-2]
    length = float(np.linalg.norm(direction))
    if not length > 0:
        return False
    here, scale = values[-1], max(1.0, float(np.linalg.norm(points[-1])))
    ahead = [float(value_and_grad(points[-1] + d * scale * direction / length, len(values))[0]) for d in PROBES]
    return bool(np.all(np.diff([here, *ahead]) < 0) and ahead[-1] < here - 100 * (1 + abs(here)))


def descend_many(
    f: Function,
    starts: np.ndarray,
    optimizer: str = "gd",
    lr: float | np.ndarray = 0.1,
    steps: int = 50,
    every: int = 1,
    **hyper: Any,
) -> Batch:
    """``descend`` for every row of ``starts`` (m, n) at once, vectorized over the starts (``lr`` may give each
    start its own rate, shape (m,)). With ``every`` > 1 only every such step is kept (``points[j]`` is after
    j·every steps; ``steps`` must be a multiple), so a long look-ahead over many starts stays small in memory."""
    params = np.array(starts, dtype=float)
    if params.ndim != 2:
        raise ValueError("starts must be an array of shape (m, n).")
    _check(f, int(steps), params.shape[1])
    if OPTIMIZERS[optimizer].second_order:
        raise ValueError(f"{OPTIMIZERS[optimizer].label} needs the Hessian at each start; run it with descend.")
    if every < 1 or int(steps) % every:
        raise ValueError(f"steps ({steps}) must be a multiple of every ({every}).")
    transform = make(optimizer, lr, **hyper)
    m, n = params.shape
    points = np.empty((int(steps) // every + 1, m, n))
    values = np.empty((int(steps) // every + 1, m))
    # Work in (n, m) layout: each variable's coordinates contiguous, as the lambdified f wants them.
    params = np.ascontiguousarray(params.T)
    value, grads = f.value_and_grad(*params)
    alive = _healthy(params.T, value, grads.T)
    diverged_at = np.where(alive, -1, 0)
    grads = np.where(alive, grads, 0.0)
    points[0], values[0] = params.T, value
    state = transform.init(params)
    with np.errstate(all="ignore"):
        for k in range(1, int(steps) + 1):
            update, state = transform.update(grads, state, params)
            moved = params + update
            new_value, new_grads = f.value_and_grad(*moved)
            ok = _healthy(moved.T, new_value, new_grads.T)
            diverged_at[alive & ~ok] = k
            alive &= ok
            params = np.where(alive, moved, params)
            value = np.where(alive, new_value, value)
            # A frozen start feeds zero gradients so its optimizer state stays finite.
            grads = np.where(alive, new_grads, 0.0)
            if k % every == 0:
                points[k // every], values[k // every] = params.T, value
    return Batch(points, values, diverged_at >= 0, diverged_at)
