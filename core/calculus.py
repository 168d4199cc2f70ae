"""Partial derivatives, the gradient, the Hessian, directional and total derivatives of a parsed function."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import sympy as sp

from core import worker
from core.function import Compiled, ComplexityError, Function, natural_key, parse, tree_size
from core.numbers import number
from core.parsing import ExpressionError
from core.special import relu


def _symbol(f: Function | sp.Expr, name: str | sp.Symbol) -> sp.Symbol:
    if isinstance(name, sp.Symbol):
        return name
    expr = f.expr if isinstance(f, Function) else f
    for symbol in (*getattr(f, "variables", ()), *expr.free_symbols):
        if symbol.name == name:
            return symbol
    return sp.Symbol(name, real=True)


def partial(f: Function | sp.Expr, var: str | sp.Symbol) -> sp.Expr:
    """∂f/∂var: differentiate in var while every other variable is held constant.

    >>> partial(parse("x**2*y + sin(x*y)"), "x")
    2*x*y + y*cos(x*y)
    """
    symbol = _symbol(f, var)
    if isinstance(f, Function) and symbol in f.variables:
        return f.partials[f.variables.index(symbol)]
    expr = f.expr if isinstance(f, Function) else f
    return sp.diff(expr, symbol)


def gradient(f: Function | sp.Expr, wrt: Sequence[str | sp.Symbol] | None = None) -> tuple[sp.Expr, ...]:
    """∇f = (∂f/∂v1, …, ∂f/∂vn), in the order of ``wrt`` (default: the function's variables).

    >>> gradient(parse("(w1 + 2*w2 - y)**2"), wrt=("w1", "w2"))
    (2*w1 + 4*w2 - 2*y, 4*w1 + 8*w2 - 4*y)
    """
    names = wrt if wrt is not None else f.variables if isinstance(f, Function) else _sorted_free(f)
    return tuple(_readable(partial(f, v)) for v in names)


def _readable(expr: sp.Expr) -> sp.Expr:
    # Expanding a small, low-degree polynomial shows the lesson's form (2w1 + 4w2 - 2y); others keep their shape
    # ((x + y + 1)^99 expanded would have 5000 terms).
    small = tree_size(expr, 60) <= 60 and all(abs(p.exp) <= 4 for p in expr.atoms(sp.Pow) if p.exp.is_number)
    return sp.expand(expr) if small and expr.is_polynomial() else expr


def _sorted_free(expr: sp.Expr) -> tuple[sp.Symbol, ...]:
    return tuple(sorted(expr.free_symbols, key=lambda s: natural_key(s.name)))


def hessian(f: Function | sp.Expr, wrt: Sequence[str | sp.Symbol] | None = None) -> sp.Matrix:
    """H_ij = ∂²f/∂vi∂vj.

    >>> hessian(parse("3*x**2 + 2*x*y + y**2"))
    Matrix([
    [6, 2],
    [2, 2]])
    """
    if isinstance(f, Function) and wrt is None:
        return f.hessian
    names = wrt if wrt is not None else _sorted_free(f if isinstance(f, sp.Expr) else f.expr)
    expr = f.expr if isinstance(f, Function) else f
    symbols = [_symbol(f, n) for n in names]
    return sp.Matrix([[sp.diff(expr, a, b) for b in symbols] for a in symbols])


def directional_derivative(grad: Sequence[float], theta: float | np.ndarray) -> float | np.ndarray:
    """D_u f = ∇f · u with u = (cos θ, sin θ): largest (|∇f|) when u points along ∇f.

    >>> round(float(directional_derivative([3.0, 4.0], np.arctan2(4, 3))), 12)
    5.0
    """
    gx, gy = float(grad[0]), float(grad[1])
    return gx * np.cos(theta) + gy * np.sin(theta)


def steepest_ascent(grad: Sequence[float]) -> tuple[float, float]:
    """|∇f| and the direction θ of ∇f in degrees, in [0, 360); θ is NaN where ∇f = 0 (no steepest direction).

    >>> steepest_ascent([0.0, 2.0])
    (2.0, 90.0)
    """
    gx, gy = float(grad[0]), float(grad[1])
    norm = math.hypot(gx, gy)
    return norm, (math.degrees(math.atan2(gy, gx)) % 360 if norm > 0 else math.nan)


def secant_slopes(f: Function, point: Sequence[float], index: int, hs: Sequence[float]) -> np.ndarray:
    """[f(p + h·e_i) − f(p)] / h for each h: the difference quotient whose limit is ∂f/∂v_i."""
    base = np.asarray(point, dtype=float)
    f0 = f(*base)
    slopes = []
    for h in hs:
        moved = base.copy()
        moved[index] += h
        slopes.append((f(*moved) - f0) / h)
    return np.asarray(slopes, dtype=float)


class PartialAt(NamedTuple):
    """∂f/∂v at P, checked against its definition: the limit of [f(P + h·e) − f(P)]/h must be the same from both sides.

    ``value`` is the formula's ∂f/∂v at P (or the quotients' common limit where the formula is 0/0 there);
    ``left`` and ``right`` are the one-sided quotients at the smallest h tried; ``reason`` says, in a sentence
    a page can show, why the partial does not exist ("" when it does).
    """

    value: float
    left: float
    right: float
    exists: bool
    reason: str


# Functions whose derivative can jump: only where f contains one can ∂f fail to exist with a finite formula.
NOT_SMOOTH = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min, sp.Piecewise, relu)
STEPS = (1e-6, 1e-7)  # two small h (relative to |P|): a real corner keeps its gap as h shrinks, a curve does not


def partial_at(f: Function, point: Sequence[float], index: int) -> PartialAt:
    """Whether ∂f/∂v_index exists at P, with the one-sided difference quotients that decide it.

    >>> k = partial_at(parse("abs(x) + y"), (0.0, 1.0), 0)
    >>> k.exists, round(k.left, 6), round(k.right, 6), float(k.value)
    (False, -1.0, 1.0, 0.0)
    >>> smooth = partial_at(parse("abs(x) + y"), (0.5, 1.0), 0)
    >>> smooth.exists, smooth.value, smooth.reason
    (True, 1.0, '')
    """
    base = np.asarray(point, dtype=float)
    name = f.names[index]
    f0 = float(f(*base))
    value = float(f.grad(*base)[index])
    if not math.isfinite(f0):
        return PartialAt(value, math.nan, math.nan, False, f"f is undefined at P, so ∂f/∂{name} does not exist there.")
    scale = max(1.0, abs(float(base[index])))
    sides = []
    for h in STEPS:
        step = np.zeros_like(base)
        step[index] = h * scale
        sides.append(((f0 - float(f(*(base - step)))) / (h * scale), (float(f(*(base + step))) - f0) / (h * scale)))
    (left1, right1), (left, right) = sides
    # Rounding alone moves a quotient by about eps·|f|/h (16 times that covers the four values in a gap):
    # differences below that say nothing. Relative to f itself, so a kink of slopes ±1e-6 is still seen.
    noise = 16 * np.finfo(float).eps * abs(f0) / (STEPS[-1] * scale)
    if not (math.isfinite(left) and math.isfinite(right)):
        side = "left" if not math.isfinite(left) else "right"
        reason = f"f is undefined just to the {side} of P along {name}, so ∂f/∂{name} does not exist there."
        return PartialAt(value, left, right, False, reason)
    if math.isfinite(value) and not f.expr.has(*NOT_SMOOTH):
        # A composition of smooth functions, with a finite formula at P: ∂f exists there, however sharply it
        # turns (√(x² + 10⁻²⁰) bends within 10⁻¹⁰ of 0, far inside any h a float can use).
        return PartialAt(value, left, right, True, "")
    steepest, before = max(abs(left), abs(right)), max(abs(left1), abs(right1))
    if steepest > 2 * before + noise:
        reason = (
            f"The difference quotients grow without bound as h → 0 ({number(before)}, then {number(steepest)}): "
            f"f is infinitely steep (or jumps) at P along {name}, so ∂f/∂{name} does not exist there."
        )
        return PartialAt(value, left, right, False, reason)
    gap, gap1 = abs(right - left), abs(right1 - left1)
    corner = gap > 1e-6 * max(abs(left), abs(right)) + noise and gap > 0.5 * gap1
    if not corner:
        # The formula's ∂f just to each side: no f(P ± h) − f(P), whose rounding hides a slope of ±10⁻⁹ under
        # f ≈ 1 (10⁻⁹|x| + y at (0, 1)) or ±10⁻³ beside a slope of 10⁹. A corner keeps its gap as h shrinks;
        # a curve's gap shrinks with h, and rounding stays below a thousand ulps of the slopes.
        sided = []
        for h in STEPS:
            step = np.zeros_like(base)
            step[index] = h * scale
            with np.errstate(all="ignore"):
                sided.append((float(f.grad(*(base - step))[index]), float(f.grad(*(base + step))[index])))
        (slope_left1, slope_right1), (slope_left, slope_right) = sided
        slopes = [v for pair in sided for v in pair]
        if all(math.isfinite(v) for v in slopes):
            floor = 1e3 * np.finfo(float).eps * max(map(abs, slopes))
            formula_gap = abs(slope_right - slope_left)
            if formula_gap > floor and formula_gap > 0.5 * abs(slope_right1 - slope_left1):
                corner, left, right = True, slope_left, slope_right
    if corner:
        reason = (
            f"The slope is {number(right)} just to the right of P and {number(left)} just to the left along {name}: "
            f"f has a corner there, so ∂f/∂{name} does not exist."
        )
        return PartialAt(value, left, right, False, reason)
    return PartialAt(value if math.isfinite(value) else (left + right) / 2, left, right, True, "")


def partials_at(f: Function, point: Sequence[float]) -> tuple[PartialAt, ...]:
    """``partial_at`` for every variable of f."""
    return tuple(partial_at(f, point, i) for i in range(len(f.variables)))


class TangentPlane(NamedTuple):
    """z = z0 + fx·(x − x0) + fy·(y − y0)."""

    x0: float
    y0: float
    z0: float
    fx: float
    fy: float

    def __call__(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray | float:
        return self.z0 + self.fx * (np.asarray(x) - self.x0) + self.fy * (np.asarray(y) - self.y0)


def tangent_plane(f: Function, point: Sequence[float]) -> TangentPlane:
    """The plane that touches the surface z = f(x, y) at P, with slopes ∂f/∂x(P) and ∂f/∂y(P)."""
    x0, y0 = float(point[0]), float(point[1])
    fx, fy = f.grad(x0, y0)
    return TangentPlane(x0, y0, f(x0, y0), float(fx), float(fy))


class TotalDerivative(NamedTuple):
    """dz/dx = ∂z/∂x + ∂z/∂y · dy/dx for z = f(x, y) with y = g(x); ``direct`` is d/dx f(x, g(x))."""

    g: sp.Expr
    dz_dx_partial: sp.Expr
    dz_dy: sp.Expr
    dy_dx: sp.Expr
    chain: sp.Expr
    direct: sp.Expr
    x: sp.Symbol
    y: sp.Symbol
    path: Function  # y = g(x) as a numeric function
    terms: Callable[[float, float], list]  # (x, y) -> the five terms above, compiled once

    def at(self, x0: float) -> dict[str, float]:
        """Every term's value at x0, with y0 = g(x0) substituted into the partials (NaN where undefined)."""
        y0 = self.path(x0)
        values = {"x": float(x0), "y": y0}
        for name, term in zip(TERMS, self.terms(x0, y0), strict=True):
            values[name] = float(term)
        return values


TERMS = ("dz_dx_partial", "dz_dy", "dy_dx", "chain", "direct")


def total_derivative(f: Function, g_text: str) -> TotalDerivative:
    """Both sides of the chain rule for z = f(x, y) along the path y = g(x), worked out in the limited worker.

    >>> td = total_derivative(parse("x**2*y"), "x^2")
    >>> td.chain, td.direct
    (2*x**3 + 2*x*y, 4*x**3)
    >>> td.at(0.0)["dy_dx"], total_derivative(parse("x + y"), "1/x").at(0.0)["dy_dx"]
    (0.0, -inf)
    """
    if len(f.variables) != 2:
        raise ExpressionError("The total derivative page needs f of two variables, x and y.")
    return worker.run(total_derivative_here, f, g_text, formula=g_text)


def total_derivative_here(f: Function, g_text: str) -> TotalDerivative:
    """``total_derivative`` in this process (the worker's side)."""
    x, y = f.variables
    g = parse(g_text, variables=(x.name,))
    g_expr = g.expr  # over a real symbol named like x, which sympy treats as x itself
    dz_dx, dz_dy = f.partials
    dy_dx = sp.diff(g_expr, x)
    chain = dz_dx + dz_dy * dy_dx
    direct = sp.diff(f.expr.subs(y, g_expr), x)
    if tree_size(chain) + tree_size(direct) > 2 * 4000:
        raise ComplexityError("f along this path is too complex to differentiate here. Try a simpler g(x).")
    terms = Compiled([x, y], [dz_dx, dz_dy, dy_dx, chain, direct])
    return TotalDerivative(g_expr, dz_dx, dz_dy, dy_dx, chain, direct, x, y, g, terms)
