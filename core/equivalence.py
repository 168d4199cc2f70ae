"""Is an answer equal to the expected expression on a function's domain? Exactly when sympy can tell; else at
many points, in 50-digit arithmetic, with a tolerance no plausible typo can hide in.

The rule, both ways: an answer is right when it equals the expected expression wherever the function is
defined. A rounded decimal is not equal (3.14159265 is not π; 6.2831853·x is not 2π·x), and neither is an
answer perturbed by 1e-9·x·y or by relu(x − 2): test points span [−64, 64], which crosses such thresholds.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import NamedTuple

import mpmath as mp
import numpy as np
import sympy as sp

from core.function import lambdify, tree_size
from core.special import relu, sigmoid, softplus

PRECISION = 50  # decimal digits of every numeric comparison
RECHECK = 120  # a mismatch must survive this precision too, so cancellation cannot fake one
TOLERANCE = mp.mpf("1e-30")  # relative (absolute below 1): a typo changes far more than 30 digits
SCALES = (1.0, 4.0, 16.0, 64.0)  # half-widths of the boxes the points are drawn from
PER_SCALE = 16
MIN_POINTS = 12  # fewer valid points than this leaves the question undecided
SYMBOLIC_SIZE = 150  # simplify only differences up to this many nodes (beyond, it can take seconds)

_MPMATH = {
    relu.__name__: lambda u: u if u > 0 else mp.mpf(0),
    sigmoid.__name__: lambda u: 1 / (1 + mp.exp(-u)),
    softplus.__name__: lambda u: mp.log1p(mp.exp(u)) if u < 30 else u + mp.log1p(mp.exp(-u)),
}

Evaluator = Callable[[Sequence[float], int], list[mp.mpf | None]]


class Comparison(NamedTuple):
    """The outcome: equal or not, decided "exact" or "numeric" (or "undecided"), and the points used."""

    equal: bool
    how: str
    points: tuple[tuple[float, ...], ...] = ()
    mismatch: tuple[float, ...] | None = None  # a point where they differ
    digits: int = 0  # digits on which they agree at the worst point (an approximation agrees on many)


def evaluator(variables: Sequence[sp.Symbol], exprs: Sequence[sp.Expr]) -> Evaluator:
    """Values of ``exprs`` at a point in mpmath at ``dps`` digits; None where one is undefined or not real.

    >>> x = sp.Symbol("x", real=True)
    >>> evaluator([x], [sp.log(x), 1 / x])((-1.0,), 50)
    [None, mpf('-1.0')]
    """
    fn = sp.lambdify(list(variables), list(exprs), modules=[_MPMATH, "mpmath"])

    def at(point: Sequence[float], dps: int = PRECISION) -> list[mp.mpf | None]:
        with mp.workdps(dps):
            try:
                values = fn(*(mp.mpf(v) for v in point))
            except (ArithmeticError, ValueError, TypeError):
                return [None] * len(exprs)
            return [_real(v) for v in values]

    return at


def _real(value: object) -> mp.mpf | None:
    try:
        value = mp.mpmathify(value)
    except (TypeError, ValueError):
        return None
    if isinstance(value, mp.mpc):
        if abs(value.imag) > mp.mpf(10) ** (-(mp.mp.dps - 10)) * max(1, abs(value.real)):
            return None
        value = value.real
    return value if mp.isfinite(value) else None


def differ(a: mp.mpf, b: mp.mpf) -> bool:
    """True when a and b differ by more than TOLERANCE, relative to their size (absolute below 1)."""
    return abs(a - b) > TOLERANCE * max(1, abs(a), abs(b))


def agreeing_digits(a: mp.mpf, b: mp.mpf) -> int:
    """How many significant digits a and b share (0 when they differ in the first)."""
    scale = max(abs(a), abs(b))
    if scale == 0 or a == b:
        return PRECISION
    return max(0, int(mp.floor(-mp.log10(abs(a - b) / scale))))


def sample(n: int, seed: int = 0) -> list[tuple[float, ...]]:
    """Test points: per scale s, half in [−s, s]ⁿ and half in (0, s]ⁿ (for domains such as log x), seeded."""
    rng = random.Random(seed)
    points = []
    for scale in SCALES:
        for k in range(PER_SCALE):
            low = -scale if k % 2 == 0 else 0.0
            points.append(tuple(round(rng.uniform(low, scale), 6) or 0.5 for _ in range(n)))
    return points


def tame(variables: Sequence[sp.Symbol], exprs: Sequence[sp.Expr], points: Sequence[Sequence[float]]) -> list[bool]:
    """Which points every exponential-type part of ``exprs`` (exp, sinh, cosh, x^y) keeps within float range.

    mpmath has no overflow: exp(exp(exp(x))) at x = 64 would be computed digit by digit for ever. Points
    where such a part overflows a float are left out; elsewhere 50 digits cost microseconds.

    >>> x = sp.Symbol("x", real=True)
    >>> tame([x], [sp.exp(sp.exp(sp.exp(x)))], [(1.0,), (64.0,)])
    [True, False]
    """
    parts = {
        node
        for expr in exprs
        for node in sp.preorder_traversal(expr)
        if isinstance(node, sp.exp | sp.sinh | sp.cosh) or (node.is_Pow and not node.exp.is_number)
    }
    if not parts:
        return [True] * len(points)
    columns = np.array(points, dtype=float).T
    with np.errstate(all="ignore"):
        values = lambdify(variables, list(parts))(*columns)
    overflow = np.zeros(len(points), dtype=bool)
    for value in values:
        overflow |= np.broadcast_to(np.isinf(np.asarray(value)), overflow.shape)
    return (~overflow).tolist()


def is_zero(difference: sp.Expr) -> bool:
    """True if sympy shows the difference is 0 (cheaply: expand, then simplify only when small)."""
    try:
        if difference == 0 or sp.expand(difference) == 0:
            return True
        return tree_size(difference, SYMBOLIC_SIZE) <= SYMBOLIC_SIZE and sp.simplify(difference) == 0
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        return False  # undecided: the numeric comparison settles it


def compare(
    variables: Sequence[sp.Symbol], given: sp.Expr, target: sp.Expr, domain: sp.Expr, seed: int = 0
) -> Comparison:
    """Compare ``given`` with ``target`` where ``domain`` (the function itself) and the target are defined.

    >>> x = sp.Symbol("x", real=True)
    >>> compare([x], sp.pi / 4, sp.atan(sp.Rational(1, 2)) + sp.atan(sp.Rational(1, 3)), x).equal
    True
    >>> compare([x], sp.Float("6.2831853") * x, 2 * sp.pi * x, sp.pi * x**2).equal
    False
    """
    if is_zero(given - target):
        return Comparison(True, "exact")
    at = evaluator(variables, [domain, target, given])
    used: list[tuple[float, ...]] = []
    mismatch: tuple[float, ...] | None = None
    worst = PRECISION
    points = sample(len(variables), seed)
    for point, ok in zip(points, tame(variables, [domain, target, given], points), strict=True):
        if not ok:
            continue
        f, t, g = at(point)
        if f is None or t is None:
            continue  # outside the function's domain, or at a singularity of the derivative
        used.append(point)
        if g is not None and mismatch is None and differ(g, t):
            # Confirm at higher precision: cancellation in a long expression can fake a difference.
            _, t, g = at(point, RECHECK)
            if t is None:
                continue
        if g is None or differ(g, t):
            mismatch = mismatch or point
        worst = 0 if g is None else min(worst, agreeing_digits(g, t))
    if mismatch is not None:
        return Comparison(False, "numeric", tuple(used), mismatch, worst)
    if len(used) < MIN_POINTS:
        return Comparison(False, "undecided", tuple(used))
    return Comparison(True, "numeric", tuple(used), None, worst)
