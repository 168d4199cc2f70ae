"""The optimizer table: each optimizer is one entry holding its rule, hyperparameters, step, explanation and code.

An optimizer is a pure ``(init, update)`` pair, as in optax: ``update(grads, state, params) -> (updates,
state)`` and the new parameters are ``params + updates``. Each rule is torch.optim's rule with its defaults, its
hyperparameter names and its order of arithmetic (``addcdiv`` is ``p + (value·g)/d``, Adam's first moment is a
``lerp``). What holds against torch.optim in float64 is agreement to about 12 significant digits, not bit for
bit: torch's CPU kernels round differently in places (a fused a·b + c is one rounding, numpy's is two), so most
runs differ in the last bits (on x² + 3y², 20 random starts and rates, 30 steps: gd 1 run of 20 bit-identical,
momentum and nesterov 0, adagrad 19, rmsprop 13, adam 6, adamw 2; the largest relative difference 2.3e-13).
tests/core/test_optimizers.py holds every optimizer to torch's path at a relative 1e-12. Every function works
elementwise, so the same rule steps one point of shape (n,) or a batch of shape (m, n). Sliders, link readers,
the written-out step, the code snippet and the figure all read the entry; nothing else names an optimizer's
hyperparameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from core import newton


class Transform(NamedTuple):
    """A pure optimizer: ``init(params) -> state`` and ``update(grads, state, params) -> (updates, state)``."""

    init: Callable[[np.ndarray], Any]
    update: Callable[[np.ndarray, Any, np.ndarray], tuple[np.ndarray, Any]]


class Hyper(NamedTuple):
    """One hyperparameter: torch's name (also the share-link name), its label and the range a student may set."""

    name: str
    label: str
    default: float
    low: float
    high: float
    step: float
    format: str = "%.3f"
    widget: str = "slider"  # or "number" for a value typed on a log-like scale (ε)
    integer: bool = False  # a count of steps


class StepView(NamedTuple):
    """The numbers of one optimizer step for one weight, as the written-out explanation needs them."""

    w: float  # the weight before the step
    g: float  # ∂L/∂w at the point before the step
    update: float  # the step the optimizer took for this weight
    state: Any  # optimizer state after the step
    previous: Any  # state before the step (None at step 1)
    i: int  # which weight
    k: int  # step number, from 1
    lr: float
    hyper: Mapping[str, float]


class Arrow(NamedTuple):
    """Internal state the descent figure may draw as an arrow at the point, e.g. momentum's −η·b."""

    label: str
    vector: Callable[[Any, float, Mapping[str, float]], np.ndarray]  # (state, lr, hyper) -> displacement


Fmt = Callable[[float], str]


class Explained(NamedTuple):
    """One weight's step by hand: the state lines, then ``w ← base − η × direction`` (or ``w ← base + step``)."""

    lines: list[str]
    base: float
    direction: str
    step: str | None = None  # a step the learning rate does not scale (Newton's full step)


class Optimizer(NamedTuple):
    """An entry of the optimizer table: everything the dashboard knows about one optimizer."""

    name: str
    label: str
    rule: str  # the update rule in LaTeX, one line per equation joined by \\
    hypers: tuple[Hyper, ...]
    build: Callable[..., Transform]
    about: str
    explain: Callable[[StepView, Fmt], Explained]
    code_state: tuple[str, ...]  # numpy lines that create the state, for "Show the code"
    code_update: tuple[str, ...]  # numpy lines of one step, with w, g, k, lr and the hyperparameters' names
    arrow: Arrow | None = None
    second_order: bool = False  # its update also needs the Hessian (and f, for a line search)

    @property
    def rule_lines(self) -> list[str]:
        """The rule's equations, one LaTeX display each (a narrow sidebar shows them without cutting)."""
        return self.rule.split(r" \\ ")

    @property
    def defaults(self) -> dict[str, float]:
        """torch's default for every hyperparameter."""
        return {h.name: h.default for h in self.hypers}


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
    """w ← w − η·g."""

    def init(params: np.ndarray) -> EmptyState:
        return EmptyState()

    def update(grads: np.ndarray, state: EmptyState, params: np.ndarray | None = None) -> tuple[np.ndarray, EmptyState]:
        return -lr * grads, state

    return Transform(init, update)


def sgd_momentum(lr: float, momentum: float = 0.9, nesterov: bool = False) -> Transform:
    """b_t = μ·b_{t−1} + g (b_1 = g); w ← w − η·b_t, or w ← w − η·(g + μ·b_t) with Nesterov."""

    def init(params: np.ndarray) -> MomentumState:
        # μ·0 + g == g exactly, so a zero buffer reproduces torch's b_1 = g.
        return MomentumState(np.zeros_like(params, dtype=float))

    def update(
        grads: np.ndarray, state: MomentumState, params: np.ndarray | None = None
    ) -> tuple[np.ndarray, MomentumState]:
        buf = state.buf * momentum + grads
        direction = grads + momentum * buf if nesterov else buf
        return -lr * direction, MomentumState(buf)

    return Transform(init, update)


def nesterov(lr: float, momentum: float = 0.9) -> Transform:
    """SGD with Nesterov momentum: w ← w − η·(g + μ·b_t)."""
    return sgd_momentum(lr, momentum=momentum, nesterov=True)


def adagrad(lr: float, eps: float = 1e-10) -> Transform:
    """s_t = s_{t−1} + g²; w ← w − η·g/(√s_t + ε)."""

    def init(params: np.ndarray) -> SumState:
        return SumState(np.zeros_like(params, dtype=float))

    def update(grads: np.ndarray, state: SumState, params: np.ndarray | None = None) -> tuple[np.ndarray, SumState]:
        total = state.sum + grads * grads
        return (-lr * grads) / (np.sqrt(total) + eps), SumState(total)

    return Transform(init, update)


def rmsprop(lr: float, alpha: float = 0.99, eps: float = 1e-8) -> Transform:
    """v_t = α·v_{t−1} + (1 − α)·g²; w ← w − η·g/(√v_t + ε)."""

    def init(params: np.ndarray) -> SquareAvgState:
        return SquareAvgState(np.zeros_like(params, dtype=float))

    def update(
        grads: np.ndarray, state: SquareAvgState, params: np.ndarray | None = None
    ) -> tuple[np.ndarray, SquareAvgState]:
        square_avg = state.square_avg * alpha + ((1 - alpha) * grads) * grads
        return (-lr * grads) / (np.sqrt(square_avg) + eps), SquareAvgState(square_avg)

    return Transform(init, update)


def _adam_moments(
    grads: np.ndarray, state: AdamState, beta1: float, beta2: float
) -> tuple[int, np.ndarray, np.ndarray]:
    """m_t as torch's lerp (m + w·(g − m) for w < 0.5, else g − (g − m)·(1 − w)) and v_t = β2·v + (1 − β2)·g²."""
    weight = 1 - beta1
    if weight < 0.5:
        exp_avg = state.exp_avg + weight * (grads - state.exp_avg)
    else:
        exp_avg = grads - (grads - state.exp_avg) * (1 - weight)
    exp_avg_sq = state.exp_avg_sq * beta2 + ((1 - beta2) * grads) * grads
    return state.step + 1, exp_avg, exp_avg_sq


def _adam_step(
    exp_avg: np.ndarray, exp_avg_sq: np.ndarray, step: int, lr: float, beta1: float, beta2: float, eps: float
):
    """−η·m̂/(√v̂ + ε) in torch's order: (−η/(1 − β1^t))·m / (√v/√(1 − β2^t) + ε)."""
    step_size = lr / (1 - beta1**step)
    denom = np.sqrt(exp_avg_sq) / math.sqrt(1 - beta2**step) + eps
    return (-step_size * exp_avg) / denom


def _adam_init(params: np.ndarray) -> AdamState:
    zeros = np.zeros_like(params, dtype=float)
    return AdamState(0, zeros, zeros.copy())


def adam(lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Transform:
    """m_t = β1·m + (1−β1)·g, v_t = β2·v + (1−β2)·g²; w ← w − η·m̂/(√v̂ + ε), m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)."""

    def update(grads: np.ndarray, state: AdamState, params: np.ndarray | None = None) -> tuple[np.ndarray, AdamState]:
        step, exp_avg, exp_avg_sq = _adam_moments(grads, state, beta1, beta2)
        return _adam_step(exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps), AdamState(step, exp_avg, exp_avg_sq)

    return Transform(_adam_init, update)


def adamw(
    lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, weight_decay: float = 0.01
) -> Transform:
    """Adam with decoupled weight decay (torch.optim.AdamW): w ← w·(1 − η·λ), then w ← w − η·m̂/(√v̂ + ε)."""

    def update(grads: np.ndarray, state: AdamState, params: np.ndarray) -> tuple[np.ndarray, AdamState]:
        step, exp_avg, exp_avg_sq = _adam_moments(grads, state, beta1, beta2)
        decayed = params * (1 - lr * weight_decay)
        moved = decayed + _adam_step(exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps)
        return moved - params, AdamState(step, exp_avg, exp_avg_sq)

    return Transform(_adam_init, update)


def _paren(value: float, fmt: Fmt) -> str:
    return f"({fmt(value)})" if value < 0 else fmt(value)


def _before(view: StepView, field: str) -> float:
    return 0.0 if view.previous is None else float(getattr(view.previous, field)[view.i])


def _explain_gd(v: StepView, fmt: Fmt) -> Explained:
    return Explained([], v.w, _paren(v.g, fmt))


def _explain_momentum(v: StepView, fmt: Fmt) -> Explained:
    mu, b = v.hyper["momentum"], float(v.state.buf[v.i])
    line = f"b = {fmt(mu)} × {_paren(_before(v, 'buf'), fmt)} + {_paren(v.g, fmt)} = {fmt(b)}"
    return Explained([line], v.w, _paren(b, fmt))


def _explain_nesterov(v: StepView, fmt: Fmt) -> Explained:
    mu, b = v.hyper["momentum"], float(v.state.buf[v.i])
    return _explain_momentum(v, fmt)._replace(direction=f"({fmt(v.g)} + {fmt(mu)} × {_paren(b, fmt)})")


def _explain_adagrad(v: StepView, fmt: Fmt) -> Explained:
    s = float(v.state.sum[v.i])
    line = f"s = {fmt(_before(v, 'sum'))} + {_paren(v.g, fmt)}² = {fmt(s)}"
    return Explained([line], v.w, f"{_paren(v.g, fmt)} / (√{fmt(s)} + {fmt(v.hyper['eps'])})")


def _explain_rmsprop(v: StepView, fmt: Fmt) -> Explained:
    alpha, avg = v.hyper["alpha"], float(v.state.square_avg[v.i])
    line = f"v = {fmt(alpha)} × {fmt(_before(v, 'square_avg'))} + {fmt(1 - alpha)} × {_paren(v.g, fmt)}² = {fmt(avg)}"
    return Explained([line], v.w, f"{_paren(v.g, fmt)} / (√{fmt(avg)} + {fmt(v.hyper['eps'])})")


def bias_corrected(state: AdamState, beta1: float, beta2: float, i: int) -> tuple[float, float]:
    """Adam's m̂ = m/(1 − β1^t) and v̂ = v/(1 − β2^t) for weight i."""
    return float(state.exp_avg[i]) / (1 - beta1**state.step), float(state.exp_avg_sq[i]) / (1 - beta2**state.step)


def _explain_adam(v: StepView, fmt: Fmt) -> Explained:
    b1, b2 = v.hyper["beta1"], v.hyper["beta2"]
    m, sq = float(v.state.exp_avg[v.i]), float(v.state.exp_avg_sq[v.i])
    m_hat, v_hat = bias_corrected(v.state, b1, b2, v.i)
    lines = [
        f"m = {fmt(b1)} × {_paren(_before(v, 'exp_avg'), fmt)} + {fmt(1 - b1)} × {_paren(v.g, fmt)} = {fmt(m)}",
        f"v = {fmt(b2)} × {fmt(_before(v, 'exp_avg_sq'))} + {fmt(1 - b2)} × {_paren(v.g, fmt)}² = {fmt(sq)}",
        f"m̂ = m / (1 − {fmt(b1)}^{v.k}) = {fmt(m_hat)},  v̂ = v / (1 − {fmt(b2)}^{v.k}) = {fmt(v_hat)}",
    ]
    return Explained(lines, v.w, f"{_paren(m_hat, fmt)} / (√{fmt(v_hat)} + {fmt(v.hyper['eps'])})")


def _explain_adamw(v: StepView, fmt: Fmt) -> Explained:
    adam_part = _explain_adam(v, fmt)
    decayed = v.w * (1 - v.lr * v.hyper["weight_decay"])
    decay = f"decay: {fmt(v.w)} × (1 − {fmt(v.lr)} × {fmt(v.hyper['weight_decay'])}) = {fmt(decayed)}"
    return Explained([*adam_part.lines, decay], decayed, adam_part.direction)


_MOMENTUM = Hyper("momentum", "momentum μ", 0.9, 0.0, 0.99, 0.01, "%.2f")
_EPS = Hyper("eps", "eps ε", 1e-8, 1e-12, 1.0, 1e-9, "%.1e", "number")
_BETA1 = Hyper("beta1", "beta1 β₁", 0.9, 0.0, 0.999, 0.001)
_BETA2 = Hyper("beta2", "beta2 β₂", 0.999, 0.5, 0.9999, 0.0001, "%.4f")
_ADAM_STATE = ("m = np.zeros_like(w)  # first moment", "v = np.zeros_like(w)  # second moment")
_ADAM_MOMENTS = ("m = m + (1 - beta1) * (g - m)", "v = v * beta2 + ((1 - beta2) * g) * g")
_ADAM_STEP = "(-(lr / (1 - beta1**k)) * m) / (np.sqrt(v) / math.sqrt(1 - beta2**k) + eps)"


def _velocity(state: MomentumState, lr: float, hyper: Mapping[str, float]) -> np.ndarray:
    return -lr * state.buf


def _first_moment(state: AdamState, lr: float, hyper: Mapping[str, float]) -> np.ndarray:
    return -lr * state.exp_avg / (1 - hyper["beta1"] ** state.step)


_VELOCITY = Arrow("−η·b (velocity)", _velocity)
_MOMENT = Arrow("−η·m̂ (average gradient)", _first_moment)

OPTIMIZERS: dict[str, Optimizer] = {
    "gd": Optimizer(
        "gd",
        "Gradient descent",
        r"w \leftarrow w - \eta\, g",
        (),
        sgd,
        "Plain gradient descent: step against the gradient, scaled by the learning rate.",
        _explain_gd,
        (),
        ("w = w + (-lr * g)",),
    ),
    "momentum": Optimizer(
        "momentum",
        "Momentum",
        r"b_t = \mu\, b_{t-1} + g \\ w \leftarrow w - \eta\, b_t",
        (_MOMENTUM,),
        sgd_momentum,
        "A heavy ball: the velocity b adds up past gradients, so steps speed up along consistent directions "
        "and zig-zags cancel.",
        _explain_momentum,
        ("b = np.zeros_like(w)  # velocity",),
        ("b = b * momentum + g", "w = w + (-lr * b)"),
        _VELOCITY,
    ),
    "nesterov": Optimizer(
        "nesterov",
        "Nesterov momentum",
        r"b_t = \mu\, b_{t-1} + g \\ w \leftarrow w - \eta\,(g + \mu\, b_t)",
        (_MOMENTUM,),
        nesterov,
        "Momentum that looks ahead: it adds the velocity's next contribution to the current gradient.",
        _explain_nesterov,
        ("b = np.zeros_like(w)  # velocity",),
        ("b = b * momentum + g", "w = w + (-lr * (g + momentum * b))"),
        _VELOCITY,
    ),
    "adagrad": Optimizer(
        "adagrad",
        "AdaGrad",
        r"s_t = s_{t-1} + g^2 \\ w \leftarrow w - \eta\, \frac{g}{\sqrt{s_t} + \epsilon}",
        (_EPS._replace(default=1e-10),),
        adagrad,
        "Per-weight learning rates: weights with large past gradients take smaller steps. Steps shrink forever "
        "as the sum grows.",
        _explain_adagrad,
        ("s = np.zeros_like(w)  # sum of squared gradients",),
        ("s = s + g * g", "w = w + (-lr * g) / (np.sqrt(s) + eps)"),
    ),
    "rmsprop": Optimizer(
        "rmsprop",
        "RMSProp",
        r"v_t = \alpha\, v_{t-1} + (1-\alpha)\, g^2 \\ w \leftarrow w - \eta\, \frac{g}{\sqrt{v_t}+\epsilon}",
        (Hyper("alpha", "alpha α", 0.99, 0.5, 0.999, 0.001), _EPS),
        rmsprop,
        "AdaGrad with a moving average instead of a sum, so step sizes do not decay to zero.",
        _explain_rmsprop,
        ("v = np.zeros_like(w)  # moving average of g²",),
        ("v = v * alpha + ((1 - alpha) * g) * g", "w = w + (-lr * g) / (np.sqrt(v) + eps)"),
    ),
    "adam": Optimizer(
        "adam",
        "Adam",
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g \\ v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g^2 \\ "
        r"\hat m_t = \frac{m_t}{1-\beta_1^t},\ \hat v_t = \frac{v_t}{1-\beta_2^t} \\ "
        r"w \leftarrow w - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
        (_BETA1, _BETA2, _EPS),
        adam,
        "Momentum plus RMSProp, with bias correction of both averages: the default optimizer of deep learning.",
        _explain_adam,
        _ADAM_STATE,
        (*_ADAM_MOMENTS, f"w = w + {_ADAM_STEP}"),
        _MOMENT,
    ),
    "adamw": Optimizer(
        "adamw",
        "AdamW",
        r"w \leftarrow w\,(1 - \eta\lambda) \\ m_t,\ v_t,\ \hat m_t,\ \hat v_t \text{ as in Adam} \\ "
        r"w \leftarrow w - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
        (_BETA1, _BETA2, _EPS, Hyper("weight_decay", "weight decay λ", 0.01, 0.0, 1.0, 0.01, "%.2f")),
        adamw,
        "Adam with decoupled weight decay: every step first shrinks the weights towards zero by the factor "
        "1 − ηλ, separately from the gradient step.",
        _explain_adamw,
        _ADAM_STATE,
        (*_ADAM_MOMENTS, f"w = w * (1 - lr * weight_decay) + {_ADAM_STEP}"),
        _MOMENT,
    ),
}


def _explain_newton(v: StepView, fmt: Fmt) -> Explained:
    """The full step d taken (a line search's t·d included): w ← w + d."""
    return Explained([f"d = {fmt(v.update)} (this weight's part of the step −H⁻¹∇L)"], v.w, "", _paren(v.update, fmt))


def _explain_damped(v: StepView, fmt: Fmt) -> Explained:
    d = v.update / v.lr
    return Explained([f"H⁻¹∇L for this weight = {fmt(-d)}"], v.w, _paren(-d, fmt))


_NEWTON_CODE = ("H = np.array(hess(*w), dtype=float)",)
# The dashboard's handling, written out: δ in the Hessian of |x| or relu is 0 off the kink and undefined on it;
# a singular H gets the least-squares step of smallest norm (core.newton.newton_direction).
# (``dirac`` is defined by the snippet before the gradient, which needs it too where f has a kink.)
_HESS_STATE = ('hess = sp.lambdify(variables, sp.hessian(f, variables), modules=[{"DiracDelta": dirac}, "numpy"])',)
_NEWTON_STATE = (
    *_HESS_STATE,
    "",
    "",
    "def newton_direction(H, g):  # d = -H⁻¹g; where H is singular, the least-squares d of smallest norm",
    "    if not np.isfinite(H).all():",
    "        return np.full_like(g, np.nan)",
    "    try:",
    "        return np.linalg.solve(H, -g)",
    "    except np.linalg.LinAlgError:",
    "        return np.linalg.lstsq(H, -g, rcond=None)[0]",
    "",
    "",
)

SECOND_ORDER: dict[str, Optimizer] = {
    "newton": Optimizer(
        "newton",
        "Newton's method",
        r"w \leftarrow w - H^{-1} g",
        (),
        lambda lr: newton.chain(newton.newton_direction()),
        "Jump to the stationary point of the local quadratic model L + g·d + ½dᵀHd. On a quadratic that is the "
        "answer, in one step; near a minimum it converges quadratically. It looks for ∇L = 0, so a saddle or a "
        "maximum attracts it as much as a minimum.",
        _explain_newton,
        _NEWTON_STATE,
        (*_NEWTON_CODE, "w = w + newton_direction(H, g)"),
        second_order=True,
    ),
    "newton_damped": Optimizer(
        "newton_damped",
        "Damped Newton",
        r"w \leftarrow w - \eta\, H^{-1} g",
        (),
        lambda lr: newton.chain(newton.newton_direction(), newton.scale(lr)),
        "Only a fraction η of Newton's step: safer far from the solution, but it gives up the one-step answer on a "
        "quadratic and the quadratic convergence near a minimum.",
        _explain_damped,
        _NEWTON_STATE,
        (*_NEWTON_CODE, "w = w + lr * newton_direction(H, g)"),
        second_order=True,
    ),
    "newton_ls": Optimizer(
        "newton_ls",
        "Newton + line search",
        r"d = -H^{-1} g,\quad w \leftarrow w + t\,d \\ t = \max\{s^j : L(w + s^j d) \le L(w) + c\, s^j\, g^\top d\}",
        (
            Hyper("c", "Armijo constant c", 1e-4, 1e-6, 0.5, 1e-4, "%.1e", "number"),
            Hyper("shrink", "backtracking factor s", 0.5, 0.1, 0.9, 0.05, "%.2f"),
        ),
        lambda lr, c, shrink: newton.chain(newton.newton_direction(), newton.backtracking(c, shrink)),
        "Try the full Newton step and shrink it until L decreases enough (Armijo's test). It never goes uphill, but "
        "it keeps Newton's direction: where H is indefinite that direction can point uphill, and then no step "
        "length helps.",
        _explain_newton,
        (*_NEWTON_STATE, "value = sp.lambdify(variables, f)"),
        (
            *_NEWTON_CODE,
            "d = newton_direction(H, g)",
            "t, slope = 1.0, float(g @ d)",
            "for trial in range(30):  # Armijo's test; an uphill d (slope >= 0) never passes",
            "    if slope < 0 and value(*(w + t * d)) <= value(*w) + c * t * slope:",
            "        break",
            "    t = t * shrink",
            "else:",
            "    t = 0.0  # no length passed: stay",
            "w = w + t * d if t > 0 else w",
        ),
        second_order=True,
    ),
    "newton_pd": Optimizer(
        "newton_pd",
        "Newton, positive-definite fix",
        r"H = V \Lambda V^\top,\quad w \leftarrow w - V\,\max(|\Lambda|, \delta)^{-1} V^\top g",
        (Hyper("delta", "eigenvalue floor δ", 1e-2, 1e-4, 1.0, 1e-3, "%.4f"),),
        lambda lr, delta: newton.chain(newton.modified_direction(delta)),
        "Make H positive definite before solving: flip negative eigenvalues and raise tiny ones to δ. Along "
        "negative curvature it now steps away from the saddle, so it always heads downhill.",
        _explain_newton,
        _HESS_STATE,
        (
            *_NEWTON_CODE,
            "lam, V = np.linalg.eigh(np.where(np.isfinite(H), H, 0.0))",
            "w = w - V @ ((V.T @ g) / np.maximum(np.abs(lam), delta)) if np.isfinite(H).all() else w * np.nan",
        ),
        second_order=True,
    ),
}
FIRST_ORDER = dict(OPTIMIZERS)  # what a loop that only has gradients (mini-batches, a batch of starts) can run
OPTIMIZERS.update(SECOND_ORDER)


def make(name: str, lr: float | np.ndarray, **hyper: float) -> Transform:
    """Build the named optimizer with torch's defaults for every hyperparameter not given.

    ``lr`` may be one rate per start of a batch (shape (m,)): every rule is elementwise, so each start then steps
    exactly as it would alone at its own rate.
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}.")
    spec = OPTIMIZERS[name]
    unknown = set(hyper) - set(spec.defaults)
    if unknown:
        raise ValueError(f"{spec.label} has no hyperparameter {', '.join(sorted(unknown))}.")
    rates = np.asarray(lr, dtype=float)
    if not (rates.size and np.isfinite(rates).all() and (rates > 0).all()):
        raise ValueError("The learning rate must be a positive number.")
    return spec.build(lr, **{**spec.defaults, **hyper})
