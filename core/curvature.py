"""Curvature: the Hessian at a point, its eigen-decomposition, what kind of point it is, and the rates it predicts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from core.descent import Trajectory, descend, descend_with
from core.function import Function, parse
from core.grid import Domain, Grid, domain_axes, robust_range

# An eigenvalue within this of zero, relative to the largest |λ|, counts as zero: only the Hessian's own scale
# decides, so 10⁻⁹(x² + y²) is a minimum like x² + y² (an absolute floor called it degenerate). Rounding in H
# and in eigh is about 10⁻¹⁶·‖H‖, so 10⁻⁶x² + 10⁶y² (ratio 10⁻¹²) is still a minimum (10⁻⁸ called it degenerate).
EIGEN_TOLERANCE = 1e-13
# P is stationary when the model's stationary point is within STATIONARY_TOLERANCE of P plus POSITION_TOLERANCE·|P|
# (a point's own rounding, with room: float64 holds |P| to 10⁻¹⁶·|P|), so a unit away from the minimum of
# (x − 10⁶)² + (y − 10⁶)² is not stationary, though it is 10⁻⁶ of |P| (a tolerance of 10⁻⁶·(1 + |P|) said it was).
# Where H is singular: when |∇f| is this small against the scale of f and H there.
STATIONARY_TOLERANCE = 1e-6
POSITION_TOLERANCE = 1e-10
KINDS = ("minimum", "maximum", "saddle", "degenerate")


def hessian_at(f: Function, point: Sequence[float]) -> np.ndarray:
    """H(P) as an (n, n) float array; NaN where a second partial is undefined at P (through ``Function.second``).

    >>> hessian_at(parse("3*x**2 + 2*x*y + y**2"), (1.0, 2.0)).tolist()
    [[6.0, 2.0], [2.0, 2.0]]
    """
    return f.hessian_at(point)


def hessian_latex(f: Function) -> str:
    r"""H as a LaTeX matrix of its symbolic entries, shortened (⋯) when long: see ``Function.second``.

    >>> hessian_latex(parse("3*x**2 + 2*x*y + y**2"))
    '\\begin{pmatrix} 6 & 2 \\\\ 2 & 2 \\end{pmatrix}'
    """
    return f.second.latex


def matrix_latex(m: np.ndarray, digits: int = 4) -> str:
    r"""A numeric matrix (or a vector, as a column) in LaTeX, to ``digits`` significant digits.

    >>> matrix_latex(np.array([[1.0, -0.5], [2.0, 2.5e-7]]))
    '\\begin{pmatrix} 1 & -0.5 \\\\ 2 & 2.5 \\cdot 10^{-7} \\end{pmatrix}'
    """
    rows = np.asarray(m, dtype=float).reshape(len(m), -1)

    def number(v: float) -> str:
        text = f"{v:.{digits}g}"
        if "e" in text:
            mantissa, exponent = text.split("e")
            return (mantissa + r" \cdot " if mantissa != "1" else "") + f"10^{{{int(exponent)}}}"
        return text

    body = r" \\ ".join(" & ".join(number(v) for v in row) for row in rows)
    return r"\begin{pmatrix} " + body + r" \end{pmatrix}"


def classify(eigenvalues: Sequence[float], tolerance: float = EIGEN_TOLERANCE) -> str:
    """What a stationary point with these Hessian eigenvalues is: both signs → saddle, any ≈ 0 → degenerate.

    >>> classify([2.0, 6.0]), classify([-2.0, 2.0]), classify([-1.0, -3.0]), classify([0.0, 0.0])
    ('minimum', 'saddle', 'maximum', 'degenerate')
    >>> classify([2e-9, 2e-9]), classify([1e-20, 1.0])
    ('minimum', 'degenerate')
    """
    lam = np.asarray(eigenvalues, dtype=float)
    zero = tolerance * float(np.max(np.abs(lam), initial=0.0))
    positive, negative = lam > zero, lam < -zero
    if positive.any() and negative.any():
        return "saddle"  # up one way and down another, whatever the remaining directions do
    if not (positive | negative).all():
        return "degenerate"  # second order cannot decide: the next terms of Taylor's series do
    return "minimum" if positive.all() else "maximum"


class Curvature(NamedTuple):
    """f, ∇f and H at P, with H = V·diag(λ)·Vᵀ (λ ascending, eigenvectors as the columns of V)."""

    point: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    kind: str  # the classification from the eigenvalue signs
    stationary: bool  # |∇f(P)| within tolerance of 0: only then is P a minimum, maximum or saddle

    @property
    def defined(self) -> bool:
        return bool(np.isfinite(self.hessian).all() and np.isfinite(self.gradient).all() and math.isfinite(self.value))

    @property
    def condition_number(self) -> float:
        """κ = |λ|max / |λ|min (∞ when some eigenvalue is 0)."""
        size = np.abs(self.eigenvalues)
        return float(size.max() / size.min()) if size.min() > 0 else math.inf

    def model(self, *offsets: np.ndarray) -> np.ndarray:
        """The second-order Taylor model q(P + d) = f(P) + ∇f(P)·d + ½ dᵀH d, for d = offsets (arrays)."""
        d = np.stack([np.asarray(o, dtype=float) for o in offsets])
        hd = np.tensordot(self.hessian, d, axes=1)
        return self.value + np.tensordot(self.gradient, d, axes=1) + 0.5 * np.sum(d * hd, axis=0)


def curvature_at(f: Function, point: Sequence[float], tolerance: float = EIGEN_TOLERANCE) -> Curvature:
    """Everything second order says about f at P.

    >>> c = curvature_at(parse("x**2 - y**2"), (0.0, 0.0))
    >>> c.eigenvalues.tolist(), c.kind, c.stationary
    ([-2.0, 2.0], 'saddle', True)
    """
    p = np.array(point, dtype=float)
    value, grad = f.value_and_grad(*p)
    h = hessian_at(f, p)
    if np.isfinite(h).all():
        lam, vec = np.linalg.eigh(h)
    else:
        lam, vec = np.full(len(p), np.nan), np.full((len(p), len(p)), np.nan)
    kind = classify(lam, tolerance) if np.isfinite(lam).all() else "undefined"
    grad = np.asarray(grad, float)
    return Curvature(p, float(value), grad, h, lam, vec, kind, stationary(float(value), grad, h, lam, p))


def stationary(value: float, grad: np.ndarray, hessian: np.ndarray, eigenvalues: np.ndarray, point: np.ndarray) -> bool:
    """Is ∇f(P) = 0, judged against the scale of f, ∇f and H rather than an absolute threshold?

    Where H is nonsingular: the quadratic model's stationary point P − H⁻¹∇f must be within
    STATIONARY_TOLERANCE·(1 + |P|) of P, whatever the size of f (10⁻⁷((x − 1)² + y²) at (0, 0) is a whole unit
    away from it, though |∇f| = 2·10⁻⁷). Where H is singular: |∇f| must be that small against |f|/(1 + |P|) and
    ‖H‖·(1 + |P|), the sizes a gradient of this f could have here.

    >>> stationary(1e-7, np.array([-2e-7, 0.0]), np.diag([2e-7, 2e-7]), np.array([2e-7, 2e-7]), np.zeros(2))
    False
    """
    if not (np.isfinite(grad).all() and math.isfinite(value)):
        return False
    norm = float(np.linalg.norm(grad))
    if norm == 0:
        return True
    size = 1.0 + float(np.linalg.norm(point))
    if np.isfinite(eigenvalues).all() and classify(eigenvalues) != "degenerate":
        step = np.linalg.solve(hessian, grad)
        reach = STATIONARY_TOLERANCE + POSITION_TOLERANCE * float(np.linalg.norm(point))
        return bool(np.linalg.norm(step) <= reach)
    finite_h = np.where(np.isfinite(hessian), hessian, 0.0)
    scale = max(abs(value) / size, float(np.linalg.norm(finite_h, 2)) * size)
    return bool(norm <= STATIONARY_TOLERANCE * scale)


def window(domain: Domain, point: Sequence[float], fraction: float = 0.25) -> Domain:
    """The square around P spanning ``fraction`` of the domain each way: where the Taylor model is drawn."""
    (xa, xb), (ya, yb) = domain
    rx, ry = fraction * (xb - xa), fraction * (yb - ya)
    return ((point[0] - rx, point[0] + rx), (point[1] - ry, point[1] + ry))


def model_grid(c: Curvature, domain: Domain, n: int = 41) -> Grid:
    """The Taylor model q sampled on an n×n grid, as a Grid like f's (z[i, j] = q(xs[j], ys[i]))."""
    xs, ys = domain_axes(domain, n)
    X, Y = np.meshgrid(xs, ys)
    z = c.model(X - c.point[0], Y - c.point[1])
    z_range, _ = robust_range(z)
    return Grid(xs, ys, z, z_range, False, False)


# ---- quadratics with chosen eigenvalues, and the convergence rates their eigenvalues predict ----


class Quadratic(NamedTuple):
    """f(θ) = ½ θᵀAθ with A = R(angle)·diag(λmin, λmax)·R(angle)ᵀ: minimum 0 at the origin."""

    f: Function
    matrix: np.ndarray
    eigenvalues: np.ndarray  # ascending, of ``matrix`` as written into f's formula

    @property
    def kappa(self) -> float:
        return float(self.eigenvalues[-1] / self.eigenvalues[0])


def quadratic(lmin: float, lmax: float, angle_deg: float = 0.0) -> Quadratic:
    """The quadratic bowl whose Hessian has eigenvalues λmin ≤ λmax, its λmax axis turned by ``angle_deg``.

    >>> q = quadratic(1.0, 10.0, 0.0)
    >>> q.f.text, q.kappa
    ('0.5*(1*x**2 + 0*x*y + 10*y**2)', 10.0)
    """
    if not (0 < lmin <= lmax and math.isfinite(lmax)):
        raise ValueError("The eigenvalues must satisfy 0 < λmin ≤ λmax.")
    t = math.radians(angle_deg)
    rot = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    a = rot @ np.diag([lmin, lmax]) @ rot.T
    a[np.abs(a) < 1e-12 * lmax] = 0.0  # cos 90° is 6e-17, not 0: keep rounding noise out of the formula
    # Written with 12 significant digits: the matrix used for the predictions is the one in the formula.
    sign = "-" if a[0, 1] < 0 else "+"
    f = parse(f"0.5*({a[0, 0]:.12g}*x**2 {sign} {2 * abs(a[0, 1]):.12g}*x*y + {a[1, 1]:.12g}*y**2)")
    # The predictions use the matrix of the formula as written (12 significant digits), not the ideal one.
    a = hessian_at(f, (0.0, 0.0))
    return Quadratic(f, a, np.linalg.eigvalsh(a))


def from_condition(kappa: float, angle_deg: float = 0.0, lmin: float = 1.0) -> Quadratic:
    """The quadratic with condition number κ = λmax/λmin."""
    return quadratic(lmin, kappa * lmin, angle_deg)


def iteration_matrix(method: str, lam: float, lr: float, momentum: float = 0.0) -> np.ndarray:
    """The linear map one step applies to the error along an eigenvector with eigenvalue λ.

    gd: e ← (1 − ηλ)e. momentum (heavy ball, torch's form): (e_k, e_{k−1}) ← ((1 + μ − ηλ)e_k − μe_{k−1}, e_k).
    nesterov (torch's form, state (e, b)): b ← μb + λe; e ← (1 − ηλ(1 + μ))e − ημ²b.
    """
    if method == "gd":
        return np.array([[1 - lr * lam]])
    if method == "momentum":
        return np.array([[1 + momentum - lr * lam, -momentum], [1.0, 0.0]])
    if method == "nesterov":
        return np.array([[1 - lr * lam * (1 + momentum), -lr * momentum**2], [lam, momentum]])
    raise ValueError(f"No predicted rate for {method!r}; choose gd, momentum or nesterov.")


def predicted_rate(method: str, eigenvalues: Sequence[float], lr: float, momentum: float = 0.0) -> float:
    """ρ = the largest spectral radius of the iteration matrices: the error shrinks like ρᵏ, the loss like ρ²ᵏ.

    For gd this is max |1 − ηλᵢ|.

    >>> predicted_rate("gd", [1.0, 10.0], 0.1)
    0.9
    """
    return max(
        float(np.max(np.abs(np.linalg.eigvals(iteration_matrix(method, lam, lr, momentum))))) for lam in eigenvalues
    )


def stable_lr(eigenvalues: Sequence[float]) -> float:
    """The largest η for which gradient descent does not diverge: 2/λmax."""
    return 2.0 / float(max(eigenvalues))


def optimal_gd(eigenvalues: Sequence[float]) -> tuple[float, float]:
    """(η, ρ) of the best fixed step: η = 2/(λmin + λmax), ρ = (κ − 1)/(κ + 1)."""
    lmin, lmax = float(min(eigenvalues)), float(max(eigenvalues))
    return 2.0 / (lmin + lmax), (lmax - lmin) / (lmax + lmin)


def optimal_momentum(eigenvalues: Sequence[float]) -> tuple[float, float, float]:
    """Polyak's heavy ball: (η, μ, ρ) = (4/(√λmax + √λmin)², ((√κ − 1)/(√κ + 1))², (√κ − 1)/(√κ + 1))."""
    lo, hi = math.sqrt(float(min(eigenvalues))), math.sqrt(float(max(eigenvalues)))
    rate = (hi - lo) / (hi + lo)
    return 4.0 / (hi + lo) ** 2, rate**2, rate


def tuned_nesterov(eigenvalues: Sequence[float]) -> tuple[float, float, float]:
    """Nesterov's constant-step tuning η = 1/λmax, μ = (√κ − 1)/(√κ + 1), with the rate ρ that predicts."""
    lmin, lmax = float(min(eigenvalues)), float(max(eigenvalues))
    root = math.sqrt(lmax / lmin)
    lr, momentum = 1.0 / lmax, (root - 1) / (root + 1)
    return lr, momentum, predicted_rate("nesterov", eigenvalues, lr, momentum)


def measured_rate(values: np.ndarray, last: int = 20) -> float:
    """The per-step error rate the loss shows over its ``last`` steps: (f_end/f_start)^(1/(2·last)).

    The loss of a quadratic is quadratic in the error, so its per-step ratio is ρ², not ρ.
    """
    v = np.asarray(values, dtype=float)
    w = min(int(last), len(v) - 1)
    if w < 1 or not v[-1 - w] > 0:
        return math.nan
    return float((v[-1] / v[-1 - w]) ** (1.0 / (2 * w)))


# ---- escaping a saddle ----


class Saddle(NamedTuple):
    """A function with a saddle point to start beside, and where the escapes end up."""

    name: str
    text: str
    point: tuple[float, float]
    domain: Domain
    minima: tuple[tuple[float, float], ...]


SADDLES: dict[str, Saddle] = {
    "double_well": Saddle(
        "Double well x⁴/4 − x²/2 + y²/2",
        "x**4/4 - x**2/2 + y**2/2",
        (0.0, 0.0),
        ((-1.6, 1.6), (-1.6, 1.6)),
        ((-1.0, 0.0), (1.0, 0.0)),
    ),
    "saddle": Saddle("Saddle x² − y²", "x**2 - y**2", (0.0, 0.0), ((-2.0, 2.0), (-2.0, 2.0)), ()),
}


def _oriented(v: np.ndarray) -> np.ndarray:
    """An eigenvector with its sign fixed (first clearly nonzero entry positive), so a start is reproducible."""
    first = v[np.argmax(np.abs(v) > 1e-12)]
    return v if first > 0 else -v


def saddle_start(f: Function, saddle: Sequence[float], distance: float, offset: float) -> np.ndarray:
    """The saddle moved ``distance`` along its most upward-curving direction and ``offset`` along the downward one.

    Descent from there first slides down into the saddle; only the tiny ``offset`` can carry it out.

    >>> saddle_start(parse("x**2 - y**2"), (0.0, 0.0), 1.5, 1e-3).tolist()
    [1.5, 0.001]
    """
    c = curvature_at(f, saddle)
    down, up = _oriented(c.eigenvectors[:, 0]), _oriented(c.eigenvectors[:, -1])
    return np.asarray(saddle, dtype=float) + distance * up + offset * down


def noisy_descend(f: Function, start: Sequence[float], lr: float, steps: int, noise: float, seed: int) -> Trajectory:
    """Gradient descent on a gradient with Gaussian noise: θ ← θ − η(∇f(θ) + σξ), ξ ~ N(0, I) from ``seed``.

    The recorded gradients are the noisy ones the steps used.
    """
    rng = np.random.default_rng(seed)
    start = np.asarray(start, dtype=float)

    def value_and_grad(p: np.ndarray, k: int) -> tuple[float, np.ndarray]:
        value, grad = f.value_and_grad(*p)
        return value, grad + noise * rng.standard_normal(p.size)

    return descend_with(value_and_grad, start, "gd", lr, steps)


def escape_runs(
    f: Function,
    start: Sequence[float],
    lr: float,
    steps: int,
    momentum: float = 0.9,
    noise: float = 0.01,
    seed: int = 0,
) -> dict[str, Trajectory]:
    """Gradient descent, heavy-ball momentum and noisy gradient descent from the same start with the same η."""
    return {
        "gd": descend(f, start, "gd", lr, steps),
        "momentum": descend(f, start, "momentum", lr, steps, momentum=momentum),
        "noisy": noisy_descend(f, start, lr, steps, noise, seed),
    }


def steps_near(t: Trajectory, point: Sequence[float], radius: float) -> int:
    """How many of the path's points lie within ``radius`` of ``point``: the time spent stalled there."""
    return int(np.sum(np.linalg.norm(t.points - np.asarray(point, dtype=float), axis=1) <= radius))


def lr_sweep(
    q: Quadratic, lrs: Sequence[float], steps: int = 60, start: Sequence[float] = (2.0, 1.0)
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient descent's predicted rate max|1 − ηλᵢ| and the rate measured over the last half of a run, per η."""
    predicted = np.array([predicted_rate("gd", q.eigenvalues, lr) for lr in lrs])
    measured = np.array([measured_rate(descend(q.f, start, "gd", lr, steps).values, steps // 2) for lr in lrs])
    return predicted, measured
