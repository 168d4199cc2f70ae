"""Is an answer equal to the expected expression on a function's domain? Exactly when sympy can tell; else at
points drawn afresh for every check, in high-precision arithmetic, with no tolerance a term could hide in.

The rule, both ways: an answer is right when it equals the expected expression wherever the function is
defined. A rounded decimal is not equal (3.14159265 is not π), and neither is an answer with a tiny extra
term (2xy + 10⁻³¹), one that differs only far out (relu(x − 10⁸)), only on a small region, or only away from
a fixed set of test points. How it is decided, in order:

1. sympy shows the difference is 0 → equal ("exact");
2. the difference is a nonzero rational number, or both sides are rational functions with rational coefficients and
   their difference does not cancel to 0 → not equal ("exact");
3. otherwise the difference is evaluated with mpmath at random points (a fresh draw each check) near 0, around
   1, around 10² and around 10⁶, inside f's domain (searched for when it is a small region), and on both sides
   of every kink (|u|, relu(u), …) the answers contain. A nonzero difference is real when it stays the same
   as the working precision rises; rounding noise shrinks with it. So no fixed tolerance decides.

Odd roots are real roots throughout (x^(1/3) is ∛x, as the preview shows): see core.function.real_roots.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Sequence
from typing import NamedTuple

import mpmath as mp
import numpy as np
import sympy as sp

from core.function import lambdify, real_roots, tree_size
from core.special import relu, sigmoid, softplus

PRECISION = 50  # decimal digits of the first evaluation at each point
RECHECK = 70  # digits added on each recheck: rounding noise shrinks by 10^-70, a real difference stays
SYMBOLIC_SIZE = 150  # simplify only differences up to this many nodes (beyond, it can take seconds)
EXPAND_SIZE = 600  # expand the difference for the numeric check only while it stays this small
# Magnitude bands (low, high) the coordinates are drawn from, log-uniformly, with a random sign.
BANDS = {"near 0": (1e-4, 1e-1), "around 1": (0.1, 3.0), "around 10²": (30.0, 300.0), "around 10⁶": (3e5, 3e6)}
PER_BAND = 14  # points kept per band (and as many again with every coordinate at its own band)
CANDIDATES = 64  # points drawn per band before f's domain is known
SEARCH = 4000  # points drawn over 10^-4 … 10^6.5 when f's domain is a small region
MIN_POINTS = 12  # fewer points in f's domain than this leaves the question undecided
KINK_POINTS = 4  # base points from which each kink of the answers is located

_MPMATH = {
    relu.__name__: lambda u: u if u > 0 else mp.mpf(0),
    sigmoid.__name__: lambda u: 1 / (1 + mp.exp(-u)),
    softplus.__name__: lambda u: mp.log1p(mp.exp(u)) if u < 30 else u + mp.log1p(mp.exp(-u)),
}
_KINKS = (sp.Abs, sp.sign, sp.Heaviside, relu)
# Where these change, they change fast and then saturate: a term built on them can vanish to any precision
# except near where their argument is 0 (tanh(x − 10⁹) + 1, sigmoid(10³(x − 10⁷)), exp(−(x − 1234.5)²)).
_SWITCHES = (sp.tanh, sp.atan, sp.exp, sigmoid, softplus, sp.erf)

Evaluator = Callable[[Sequence[float], int], list[mp.mpf | None]]


class Comparison(NamedTuple):
    """The outcome: equal or not, decided "exact" or "numeric" (or "undecided"), how, and the points used."""

    equal: bool
    how: str
    points: tuple[tuple[float, ...], ...] = ()
    mismatch: tuple[float, ...] | None = None  # a point where they differ
    digits: int = 0  # digits on which they agree at the worst point (an approximation agrees on many)
    reason: str = ""  # how it was decided, in a sentence a student can read
    difference: sp.Expr | None = None  # the difference, when it was decided exactly to be a nonzero number


def evaluator(variables: Sequence[sp.Symbol], exprs: Sequence[sp.Expr]) -> Evaluator:
    """Values of ``exprs`` at a point in mpmath at ``dps`` digits; None where one is undefined or not real.

    Odd roots are real roots: ∛(−8) = −2.

    >>> x = sp.Symbol("x", real=True)
    >>> evaluator([x], [sp.log(x), 1 / x, x ** sp.Rational(1, 3)])((-8.0,), 50)
    [None, mpf('-0.125'), mpf('-2.0')]
    """
    fn = sp.lambdify(list(variables), [real_roots(e) for e in exprs], modules=[_MPMATH, "mpmath"])

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


def differ(a: mp.mpf, b: mp.mpf, digits: int = PRECISION - 10) -> bool:
    """True when a and b differ in their first ``digits`` significant digits (relative, no absolute floor).

    >>> differ(mp.mpf("1e-40"), mp.mpf("2e-40")), differ(mp.mpf(3), mp.mpf(3))
    (True, False)
    """
    return abs(a - b) > mp.mpf(10) ** (-digits) * max(abs(a), abs(b))


def agreeing_digits(a: mp.mpf, b: mp.mpf) -> int:
    """How many significant digits a and b share (0 when they differ in the first)."""
    scale = max(abs(a), abs(b))
    if scale == 0 or a == b:
        return PRECISION
    return max(0, int(mp.floor(-mp.log10(abs(a - b) / scale))))


def draw(n: int, rng: random.Random, band: tuple[float, float], positive: bool = False) -> tuple[float, ...]:
    """A point whose coordinates have magnitudes log-uniform in ``band`` and random signs (or all positive)."""
    low, high = np.log10(band[0]), np.log10(band[1])
    return tuple((1 if positive or rng.random() < 0.5 else -1) * float(10 ** rng.uniform(low, high)) for _ in range(n))


def sample(n: int, seed: int) -> list[tuple[float, ...]]:
    """Candidate points: per band, half with random signs and half positive (for domains such as log x), and
    as many again with each coordinate in a band of its own; reproducible from the seed.

    >>> points = sample(2, seed=1)
    >>> len(points), min(max(map(abs, p)) for p in points) < 0.1, max(max(map(abs, p)) for p in points) > 3e5
    (320, True, True)
    """
    rng = random.Random(seed)
    points = [draw(n, rng, band, positive=k % 2 == 1) for band in BANDS.values() for k in range(CANDIDATES)]
    bands = list(BANDS.values())
    for k in range(CANDIDATES):
        points.append(tuple(draw(1, rng, rng.choice(bands), positive=k % 2 == 1)[0] for _ in range(n)))
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
    if not parts or not points:
        return [True] * len(points)
    columns = np.array(points, dtype=float).T
    with np.errstate(all="ignore"):
        values = lambdify(variables, list(parts))(*columns)
    overflow = np.zeros(len(points), dtype=bool)
    for value in values:
        overflow |= np.broadcast_to(np.isinf(np.asarray(value)), overflow.shape)
    return (~overflow).tolist()


def is_zero(difference: sp.Expr, simplify: bool = True) -> bool:
    """True if sympy shows the difference is 0: expand, then (``simplify``) simplify when it is small.

    simplify can run for minutes on a difference that is not 0 (sin(10⁸πx)², 2^x·0.693…), so compare calls it
    only once a few random points have not already shown a difference."""
    try:
        if difference == 0 or sp.expand(difference) == 0:
            return True
        return simplify and tree_size(difference, SYMBOLIC_SIZE) <= SYMBOLIC_SIZE and sp.simplify(difference) == 0
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        return False  # undecided: the numeric comparison settles it


def _exactly_different(variables: Sequence[sp.Symbol], given: sp.Expr, target: sp.Expr) -> sp.Expr | None:
    """The difference when it is provably nonzero without numbers: a nonzero constant, or a rational function
    that does not cancel. None when sympy cannot tell this way."""
    try:
        difference = sp.expand(given - target)
        if difference.is_number:  # a Rational is exact; pi/4 − atan(1/2) − atan(1/3) is for the numbers to settle
            return difference if difference.is_Rational and difference != 0 else None
        rational = all(
            e.is_rational_function(*variables) and all(a.is_Rational for a in e.atoms(sp.Number))
            for e in (given, target)
        )
        if rational and tree_size(difference, EXPAND_SIZE) < EXPAND_SIZE:
            cancelled = sp.cancel(sp.together(difference))
            return cancelled if cancelled != 0 else None
    except (TypeError, ValueError, ArithmeticError, RecursionError, sp.PolynomialError):
        return None
    return None


def _residual(at_difference: Evaluator, point: Sequence[float]) -> bool:
    """Is the difference really nonzero at ``point``, where PRECISION digits gave a nonzero value?

    ``at_difference`` gives the difference d = Σ tᵢ (expanded) and its terms tᵢ. Rounding at p digits leaves
    noise of about 10^-p·Σ|tᵢ| in d. With 70 more digits: a |d| at that noise level is an exact 0; above it,
    d is real when it is the same value again with 140 more digits. So a term 10^-31 as small as the answer is
    seen, while the cancellation of huge equal terms is not mistaken for a difference.
    """
    for dps in (PRECISION + RECHECK, PRECISION + 2 * RECHECK):
        values = at_difference(point, dps)
        d, terms = values[0], values[1:]
        if d is None or d == 0:
            return False
        scale = sum(abs(t) for t in terms) if all(t is not None for t in terms) else abs(d)
        if abs(d) <= mp.mpf(10) ** (-(dps - 20)) * scale:
            return False  # rounding noise of an exact 0
        if dps == PRECISION + RECHECK:
            previous = d
    return _same(previous, d)  # above the noise twice: real if it is the same number


def _differs_somewhere(
    at: Evaluator,
    at_difference: Evaluator,
    points: Sequence[tuple[float, ...]],
    variables: Sequence[sp.Symbol],
    given: sp.Expr,
    target: sp.Expr,
) -> bool:
    """A few points where both sides are defined already show a real difference (then sympy need not try)."""
    for point, ok in zip(points, tame(variables, [given, target], points), strict=True):
        if not ok:
            continue
        _, t, g, d = at(point)
        if t is not None and g is not None and d is not None and d != 0 and _residual(at_difference, point):
            return True
    return False


def _same(a: mp.mpf, b: mp.mpf) -> bool:
    """The same value to 10 significant digits."""
    return abs(a - b) <= mp.mpf("1e-10") * abs(b)


def _kink_points(
    variables: Sequence[sp.Symbol], exprs: Sequence[sp.Expr], bases: Sequence[tuple[float, ...]], rng: random.Random
) -> list[tuple[float, ...]]:
    """Points on both sides of where |u|, relu(u), sign(u), θ(u) switch, for u polynomial of degree ≤ 4 in one
    variable at a time (the others at a base point), and at the critical points of quadratic u (a bump's top)."""
    arguments = {a.args[0] for e in exprs for a in e.atoms(*_KINKS, *_SWITCHES) if a.args[0].free_symbols}
    arguments |= {m.args[0] - m.args[1] for e in exprs for m in e.atoms(sp.Max, sp.Min) if len(m.args) == 2}
    return _around_roots(variables, arguments, bases, rng) + [
        p for u in sorted(arguments, key=sp.default_sort_key)[:8] for p in _tops(variables, u, rng)
    ]


def _around_roots(
    variables: Sequence[sp.Symbol], arguments: set[sp.Expr], bases: Sequence[tuple[float, ...]], rng: random.Random
) -> list[tuple[float, ...]]:
    """Points on both sides of each real root of each u (polynomial of degree ≤ 4 in one variable at a time, the
    others at a base point), at distances from 10⁻⁷ to 0.5 relative to the root."""
    found: list[tuple[float, ...]] = []
    for u in sorted(arguments, key=sp.default_sort_key)[:12]:
        for index, v in enumerate(variables):
            if v not in u.free_symbols:
                continue
            for base in bases:
                others = {w: sp.Float(b, 30) for w, b in zip(variables, base, strict=True) if w != v}
                try:
                    poly = sp.Poly(u.xreplace(others), v)
                    if not 0 < poly.degree() <= 4:
                        break
                    roots = np.roots([float(c) for c in poly.all_coeffs()])
                except (sp.PolynomialError, TypeError, ValueError, OverflowError):
                    break
                for root in roots[np.abs(roots.imag) <= 1e-9 * np.maximum(1, np.abs(roots.real))].real:
                    for offset in (1e-7, 1e-3, 0.5):
                        for side in (-1, 1):
                            point = list(base)
                            point[index] = float(root + side * offset * max(1.0, abs(root)) * rng.uniform(0.5, 1))
                            found.append(tuple(point))
    return found


def _tops(variables: Sequence[sp.Symbol], u: sp.Expr, rng: random.Random) -> list[tuple[float, ...]]:
    """Points at and around the critical point of a quadratic u: where a bump relu(r² − |p − c|²) or a small
    domain log(1 − |p − c|²) lives. Other variables (not in u) are 1."""
    try:
        if sp.Poly(u, *variables).total_degree() != 2:
            return []
        solution = sp.solve([sp.diff(u, v) for v in variables], list(variables), dict=True)
    except (sp.PolynomialError, TypeError, ValueError, NotImplementedError):
        return []
    found: list[tuple[float, ...]] = []
    for top in solution[:2]:
        try:
            centre = [float(top.get(v, 1.0)) for v in variables]
        except TypeError:  # a line of critical points: a free variable in the solution
            continue
        for scale in (1e-6, 1e-4, 1e-2):
            found += [tuple(c + scale * max(1.0, abs(c)) * rng.uniform(-1, 1) for c in centre) for _ in range(4)]
    return found


def _defined(
    variables: Sequence[sp.Symbol], domain: sp.Expr, target: sp.Expr, points: Sequence[tuple[float, ...]]
) -> list[bool]:
    """Whether f and the target are defined at each point (NaN in float arithmetic means undefined)."""
    if not points:
        return []
    columns = np.array(points, dtype=float).T
    with np.errstate(all="ignore"):
        values = lambdify(variables, [domain, target])(*columns)
    return (~np.isnan(values[0]) & ~np.isnan(values[1])).tolist()


def _in_domain(
    variables: Sequence[sp.Symbol], domain: sp.Expr, target: sp.Expr, points: Sequence[tuple[float, ...]]
) -> list[tuple[float, ...]]:
    """The points where f and the target are defined."""
    return [p for p, ok in zip(points, _defined(variables, domain, target, points), strict=True) if ok]


def _search_domain(
    variables: Sequence[sp.Symbol], domain: sp.Expr, target: sp.Expr, rng: random.Random
) -> list[tuple[float, ...]]:
    """Points inside a small domain (sqrt(x − 50), log(1 − x² − y²)): a wide search, then around what it found."""
    n = len(variables)
    wide = [draw(n, rng, (1e-4, 10**6.5), positive=k % 4 == 0) for k in range(SEARCH)]
    # The arguments of logs, roots and inverse sines bound the domain; a quadratic one has its region at its top.
    bounds = {
        node.args[0] if not node.is_Pow else node.base
        for node in sp.preorder_traversal(domain)
        if isinstance(node, sp.log | sp.asin | sp.acos | sp.atanh | sp.acosh)
        or (node.is_Pow and not node.exp.is_integer)
    }
    wide += [p for u in list(bounds)[:8] for p in _tops(variables, u, rng)]
    # Where a bound reaches 0 or ±1 (sqrt(x − 10⁷), asin(x − 1000)): both sides of it, at every scale.
    edges = {u + c for u in list(bounds)[:8] for c in (0, 1, -1)}
    wide += _around_roots(variables, edges, [tuple([1.0] * n), *wide[:KINK_POINTS]], rng)
    seeds = _in_domain(variables, domain, target, wide)
    seeds = [seeds[k] for k in sorted(rng.sample(range(len(seeds)), min(8, len(seeds))))]
    near = [
        tuple(c + rng.gauss(0, 1) * 10 ** rng.uniform(-4, 0) * max(1.0, *map(abs, seed)) for c in seed)
        for seed in seeds
        for _ in range(64)
    ]
    return seeds + _in_domain(variables, domain, target, near)


def domain_points(
    variables: Sequence[sp.Symbol], domain: sp.Expr, target: sp.Expr, seed: int
) -> tuple[list[tuple[float, ...]], bool]:
    """Up to PER_BAND points per band where f and the target are defined, and whether a search was needed."""
    candidates = sample(len(variables), seed)
    defined = _defined(variables, domain, target, candidates)
    chosen: list[tuple[float, ...]] = []
    for start in range(0, len(candidates), CANDIDATES):
        chosen += [candidates[i] for i in range(start, start + CANDIDATES) if defined[i]][:PER_BAND]
    if len(chosen) >= MIN_POINTS:
        return chosen, False
    return chosen + _search_domain(variables, domain, target, random.Random(seed + 1))[: 4 * PER_BAND], True


def compare(
    variables: Sequence[sp.Symbol], given: sp.Expr, target: sp.Expr, domain: sp.Expr, seed: int | None = None
) -> Comparison:
    """Compare ``given`` with ``target`` where ``domain`` (the function itself) and the target are defined.

    ``seed`` fixes the random points (for a test); by default every check draws new ones.

    >>> x = sp.Symbol("x", real=True)
    >>> compare([x], sp.pi / 4, sp.atan(sp.Rational(1, 2)) + sp.atan(sp.Rational(1, 3)), x).equal
    True
    >>> compare([x], sp.Float("6.2831853") * x, 2 * sp.pi * x, sp.pi * x**2).equal
    False
    >>> compare([x], 2 * x + sp.Rational(1, 10**31), 2 * x, x**2).reason
    'exact: the difference is the number 1/10000000000000000000000000000000, not 0'
    """
    exact_zero = Comparison(True, "exact", reason="exact: sympy simplifies the difference to 0")
    if is_zero(given - target, simplify=False):
        return exact_zero
    seed = secrets.randbits(64) if seed is None else seed
    rng = random.Random(seed)
    chosen, searched = domain_points(variables, domain, target, seed)
    difference = _exactly_different(variables, given, target)
    if difference is not None:
        kind = "number" if difference.is_number else "rational function"
        shown = sp.sstr(difference) if len(sp.sstr(difference)) <= 80 else "a nonzero expression"
        reason = f"exact: the difference is the {kind} {shown}, not 0"
        return Comparison(False, "exact", tuple(chosen), reason=reason, difference=difference)
    kinks = _in_domain(variables, domain, target, _kink_points(variables, [given, target], chosen[:KINK_POINTS], rng))
    points = chosen + kinks[:: max(1, len(kinks) // (8 * PER_BAND))][: 8 * PER_BAND]  # spread over every kink

    size = tree_size(given - target, EXPAND_SIZE)
    try:
        residual = sp.expand(given - target) if size < EXPAND_SIZE else given - target
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        residual = given - target
    at = evaluator(variables, [domain, target, given, residual])
    at_difference = evaluator(variables, [residual, *sp.Add.make_args(residual)[:EXPAND_SIZE]])
    few = points[:: max(1, len(points) // 6)][:6]
    if not _differs_somewhere(at, at_difference, few, variables, given, target) and is_zero(given - target):
        return exact_zero
    used: list[tuple[float, ...]] = []
    mismatch: tuple[float, ...] | None = None
    worst = PRECISION
    for point, ok in zip(points, tame(variables, [domain, target, given, residual], points), strict=True):
        if not ok:
            continue
        f, t, g, d = at(point)
        if f is None or t is None:
            continue  # outside the function's domain, or at a singularity of the derivative
        used.append(point)
        if g is None:
            # Undefined where ∂f is defined, unless that was rounding (a log of −10^-60): recheck.
            _, t, g, d = at(point, PRECISION + RECHECK)
            if t is None:
                used.pop()
                continue
        if g is None:
            different = True
        elif d is None:  # the expanded difference is undefined here (a removable singularity): compare values
            different = differ(g, t) and differ(*at(point, PRECISION + RECHECK)[1:3], PRECISION + RECHECK - 10)
        else:
            different = d != 0 and _residual(at_difference, point)
        if different and mismatch is None:
            mismatch = point
        worst = 0 if g is None else min(worst, agreeing_digits(g, t))
    bands = ", ".join(BANDS) if not searched else "inside f's domain, found by a search"
    if mismatch is not None:
        reason = f"numeric: they differ at a point drawn at random for this check ({bands})"
        return Comparison(False, "numeric", tuple(used), mismatch, worst, reason)
    if len(used) < MIN_POINTS:
        return Comparison(False, "undecided", tuple(used), reason="f is defined at too few of the points drawn")
    reason = (
        f"numeric: equal at {len(used)} points drawn at random for this check ({bands}), to {PRECISION} digits "
        f"and again at {PRECISION + RECHECK} wherever a last digit differed"
    )
    return Comparison(True, "numeric", tuple(used), None, worst, reason)
