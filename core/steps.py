"""Step-by-step derivation of ∂f/∂v, naming the rule applied at every node of the expression tree.

The walker goes top-down: each rule rewrites d/dv[expr] in terms of simpler derivatives, records the step,
then differentiates the pieces. Passing ``mistake`` makes it apply one rule the way students often get it
wrong (forgetting the chain rule's inner derivative, say), which the practice checker uses for hints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import sympy as sp

from core import worker
from core.function import to_latex, tree_size
from core.special import relu, sigmoid

STEPS_HEAVY_NODES = 40  # a formula with more nodes than this has its steps worked out in the restricted lane

MISTAKES = ("chain rule", "product rule", "quotient rule", "power rule", "constant rule", "constant multiple rule")


class Step(NamedTuple):
    """One rule applied: d/dv[before] = after, with the rule's name and the LaTeX of both sides."""

    rule: str
    before: sp.Expr
    after: sp.Expr
    latex: str  # "\\frac{\\partial}{\\partial x}[...] = ..."


def _d(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """An unevaluated ∂expr/∂var, shown in a step until the walker reaches it."""
    return sp.Derivative(expr, var, evaluate=False)


# The derivative of each one-argument function in terms of its argument u, and the rule's name.
OUTER: dict[type, tuple[str, Callable[[sp.Expr], sp.Expr]]] = {
    sp.sin: ("sine rule: (sin u)′ = cos u", sp.cos),
    sp.cos: ("cosine rule: (cos u)′ = −sin u", lambda u: -sp.sin(u)),
    sp.tan: ("tangent rule: (tan u)′ = 1 + tan² u", lambda u: 1 + sp.tan(u) ** 2),
    sp.asin: ("arcsine rule: (asin u)′ = 1/√(1 − u²)", lambda u: 1 / sp.sqrt(1 - u**2)),
    sp.acos: ("arccosine rule: (acos u)′ = −1/√(1 − u²)", lambda u: -1 / sp.sqrt(1 - u**2)),
    sp.atan: ("arctangent rule: (atan u)′ = 1/(1 + u²)", lambda u: 1 / (1 + u**2)),
    sp.sinh: ("hyperbolic sine rule: (sinh u)′ = cosh u", sp.cosh),
    sp.cosh: ("hyperbolic cosine rule: (cosh u)′ = sinh u", sp.sinh),
    sp.tanh: ("hyperbolic tangent rule: (tanh u)′ = 1 − tanh² u", lambda u: 1 - sp.tanh(u) ** 2),
    sp.exp: ("exponential rule: (eᵘ)′ = eᵘ", sp.exp),
    sp.log: ("logarithm rule: (ln u)′ = 1/u", lambda u: 1 / u),
    sp.Abs: ("absolute value rule: |u|′ = sign(u)", sp.sign),
    sp.sign: ("sign rule: sign′(u) = 0 away from 0", lambda u: sp.Integer(0)),
    sigmoid: ("sigmoid rule: σ′(u) = σ(u)(1 − σ(u))", lambda u: sigmoid(u) * (1 - sigmoid(u))),
    relu: ("relu rule: relu′(u) = θ(u), the unit step", sp.Heaviside),
    sp.Heaviside: ("step rule: θ′(u) = 0 away from 0", lambda u: sp.Integer(0)),
}


class Walker:
    """Differentiates in var, recording a Step per rule (or, with ``mistake``, misapplying that one rule)."""

    def __init__(self, var: sp.Symbol, mistake: str | None = None) -> None:
        self.var = var
        self.mistake = mistake
        self.steps: list[Step] = []

    def record(self, rule: str, before: sp.Expr, after: sp.Expr) -> None:
        if self.mistake is None:
            operator = rf"\frac{{\partial}}{{\partial {sp.latex(self.var)}}}"
            latex = rf"{operator}\left[{to_latex(before)}\right] = {to_latex(after)}"
            self.steps.append(Step(rule, before, after, latex))

    def d(self, expr: sp.Expr) -> sp.Expr:
        v = self.var
        if not expr.has(v):
            return self.constant(expr)
        if expr == v:
            self.record("variable rule: ∂v/∂v = 1", expr, sp.Integer(1))
            return sp.Integer(1)
        if isinstance(expr, sp.Add):
            return self.sum(expr)
        if isinstance(expr, sp.Mul):
            return self.product(expr)
        if isinstance(expr, sp.Pow):
            return self.power(expr)
        if isinstance(expr, sp.Function) and type(expr) in OUTER and len(expr.args) == 1:
            return self.outer(expr)
        # Anything else (never produced by the parser): fall back on sympy, and say so.
        result = sp.diff(expr, v)
        self.record("differentiate (sympy)", expr, result)
        return result

    def constant(self, expr: sp.Expr) -> sp.Expr:
        others = sorted(s.name for s in expr.free_symbols)
        held = f" ({', '.join(others)} held constant)" if others else ""
        self.record(f"constant rule{held}: the derivative of a constant is 0", expr, sp.Integer(0))
        if self.mistake == "constant rule" and others:
            # Treating the other variable as if it moved: differentiate in it instead.
            return sum((sp.diff(expr, s) for s in expr.free_symbols), sp.Integer(0))
        return sp.Integer(0)

    def sum(self, expr: sp.Add) -> sp.Expr:
        terms = expr.args
        self.record("sum rule: differentiate term by term", expr, sp.Add(*[_d(t, self.var) for t in terms]))
        return sp.Add(*[self.d(t) for t in terms])

    def product(self, expr: sp.Mul) -> sp.Expr:
        v = self.var
        constant = sp.Mul(*[a for a in expr.args if not a.has(v)])
        varying = [a for a in expr.args if a.has(v)]
        rest = sp.Mul(*varying)
        if constant != 1:
            self.record("constant multiple rule: (c·u)′ = c·u′", expr, constant * _d(rest, v))
            inner = self.d(rest)
            return inner if self.mistake == "constant multiple rule" else constant * inner
        numerator = [a for a in varying if not (isinstance(a, sp.Pow) and a.exp.is_negative)]
        denominator = [1 / a for a in varying if isinstance(a, sp.Pow) and a.exp.is_negative]
        if numerator and denominator:
            u, w = sp.Mul(*numerator), sp.Mul(*denominator)
            self.record("quotient rule: (u/w)′ = (u′w − u w′)/w²", expr, (_d(u, v) * w - u * _d(w, v)) / w**2)
            du, dw = self.d(u), self.d(w)
            if self.mistake == "quotient rule":
                return (du * w + u * dw) / w**2
            return (du * w - u * dw) / w**2
        first, second = varying[0], sp.Mul(*varying[1:])
        self.record("product rule: (u·w)′ = u′w + u w′", expr, _d(first, v) * second + first * _d(second, v))
        du, dw = self.d(first), self.d(second)
        if self.mistake == "product rule":
            return du * dw
        return du * second + first * dw

    def power(self, expr: sp.Pow) -> sp.Expr:
        v = self.var
        base, exponent = expr.args
        if not exponent.has(v):
            outer = exponent * base ** (exponent - 1)
            if self.mistake == "power rule":
                outer = exponent * base**exponent
            if base == v:
                self.record("power rule: (vⁿ)′ = n·vⁿ⁻¹", expr, exponent * base ** (exponent - 1))
                return outer
            self.record(
                "chain rule with the power rule: (uⁿ)′ = n·uⁿ⁻¹·u′",
                expr,
                exponent * base ** (exponent - 1) * _d(base, v),
            )
            return self.chain(outer, base)
        if not base.has(v):
            outer = expr * sp.log(base)
            self.record("exponential rule: (aᵘ)′ = aᵘ·ln a·u′", expr, outer * _d(exponent, v))
            return self.chain(outer, exponent)
        # u^w with both varying: write it as e^(w·ln u).
        rewritten = sp.exp(exponent * sp.log(base))
        self.record("logarithmic differentiation: uʷ = e^(w·ln u)", expr, expr * _d(exponent * sp.log(base), v))
        return expr * self.d(rewritten.args[0])

    def outer(self, expr: sp.Function) -> sp.Expr:
        rule, derivative = OUTER[type(expr)]
        inner = expr.args[0]
        outer = derivative(inner)
        if inner == self.var:
            self.record(rule, expr, outer)
            return outer
        self.record(f"chain rule with the {rule}", expr, outer * _d(inner, self.var))
        return self.chain(outer, inner)

    def chain(self, outer: sp.Expr, inner: sp.Expr) -> sp.Expr:
        if inner == self.var:
            return outer
        inner_derivative = self.d(inner)
        return outer if self.mistake == "chain rule" else outer * inner_derivative


def derivation(expr: sp.Expr, var: sp.Symbol | str, formula: str | None = None) -> list[Step]:
    """The steps of ∂expr/∂var, ending with the simplified result, which equals sympy.diff.

    The walk and its simplification run in the limited worker (core.worker): steps too heavy to work out
    raise WorkLimitError, naming ``formula`` if given.

    >>> x, y = sp.symbols("x y", real=True)
    >>> [s.rule.split(":")[0] for s in derivation(3*x**2 + 2*x*y + y**2, x)]  # doctest: +NORMALIZE_WHITESPACE
    ['sum rule', 'constant rule (y held constant)', 'constant multiple rule', 'power rule',
     'constant multiple rule', 'variable rule', 'result']
    >>> derivation(3*x**2 + 2*x*y + y**2, x)[-1].after
    6*x + 2*y
    """
    # Steps can expand what the formula only writes down: a large formula's are a heavy job for the worker.
    heavy = tree_size(expr, STEPS_HEAVY_NODES) > STEPS_HEAVY_NODES
    return worker.run(derivation_here, expr, var, formula=formula, heavy=heavy)


def derivation_here(expr: sp.Expr, var: sp.Symbol | str) -> list[Step]:
    """``derivation`` in this process (the worker's side)."""
    symbol = var if isinstance(var, sp.Symbol) else _symbol(expr, var)
    walker = Walker(symbol)
    raw = walker.d(expr)
    result = tidy(raw)
    walker.steps.append(
        Step("result", expr, result, rf"\frac{{\partial f}}{{\partial {sp.latex(symbol)}}} = {to_latex(result)}")
    )
    return walker.steps


def mistaken(expr: sp.Expr, var: sp.Symbol, mistake: str) -> sp.Expr:
    """The derivative a student gets by misapplying one rule (one of MISTAKES)."""
    return Walker(var, mistake).d(expr)


def tidy(expr: sp.Expr) -> sp.Expr:
    """The walker's result in its most compact form: expanded, factored, or simplified while that is cheap.

    Expanding and simplify are tried only for low powers ((x + y + 1)^99 has 5000 terms) and modest numbers
    (2^(10^15·x) tempts simplify to build 2^(10^15)); the worker's limits stop whatever else explodes.
    """
    candidates = [expr, sp.factor_terms(expr)]
    # simplify expands too: both only for low powers and modest numbers.
    low_powers = all(abs(p.exp) <= MAX_EXPANDED_POWER for p in expr.atoms(sp.Pow) if p.exp.is_number)
    modest = all(abs(n.p) <= MAX_SIMPLIFIED_NUMBER for n in expr.atoms(sp.Rational))
    if low_powers and expr.is_polynomial():
        candidates.append(sp.expand(expr))
    if low_powers and modest and tree_size(expr, 80) <= 80:
        candidates.append(sp.simplify(expr))
    return min(candidates, key=sp.count_ops)


MAX_EXPANDED_POWER = 12
MAX_SIMPLIFIED_NUMBER = 10**6


def _symbol(expr: sp.Expr, name: str) -> sp.Symbol:
    for s in expr.free_symbols:
        if s.name == name:
            return s
    return sp.Symbol(name, real=True)
