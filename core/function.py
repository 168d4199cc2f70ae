"""A parsed function f(v1, …, vn): its sympy expression, its partials, and fast numpy evaluation of both."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, lru_cache

import numpy as np
import sympy as sp

from core.parsing import MAX_VARIABLES, ExpressionError, parse_expression
from core.special import NUMPY_FUNCTIONS

# Bounds on the size of derived expressions, so differentiation, lambdify and LaTeX stay well inside a
# second: measured on the heavy-but-legal corpus in tests/core/test_hostile.py.
MAX_DERIVED_NODES = 4000

_MODULES: list[object] = [NUMPY_FUNCTIONS, "numpy"]


class ComplexityError(ExpressionError):
    """A legal formula whose derivatives are too large to work with interactively."""


def natural_key(name: str) -> tuple[object, ...]:
    """Sort key that puts w2 before w10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def tree_size(expr: sp.Basic, limit: int = MAX_DERIVED_NODES) -> int:
    """Number of nodes in the expression tree, counting stops just past ``limit``."""
    count = 0
    for _ in sp.preorder_traversal(expr):
        count += 1
        if count > limit:
            break
    return count


def real_part(values: np.ndarray) -> np.ndarray:
    """Real values stay; a genuinely complex value is undefined over the reals, so it becomes NaN."""
    if not np.iscomplexobj(values):
        return np.asarray(values, dtype=float)
    small = np.abs(values.imag) <= 1e-12 * np.maximum(1.0, np.abs(values.real))
    return np.where(small, values.real, np.nan)


def lambdify(variables: Sequence[sp.Symbol], expr: sp.Expr | Sequence[sp.Expr]) -> Callable[..., object]:
    """numpy function of ``variables`` for a checked expression (never for raw user text)."""
    return sp.lambdify(variables, expr, modules=_MODULES, cse=not isinstance(expr, sp.Expr))


class Function:
    """f: R^n -> R from a formula; ``f(*values)`` evaluates it, ``f.grad(*values)`` evaluates ∇f."""

    def __init__(self, text: str, expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> None:
        self.text = text
        self.expr = expr
        self.variables = variables
        self.partials: tuple[sp.Expr, ...] = tuple(sp.diff(expr, v) for v in variables)
        size = sum(tree_size(p) for p in self.partials) + tree_size(expr)
        if size > MAX_DERIVED_NODES:
            raise ComplexityError(
                "This formula is too complex to differentiate here: its derivatives grow beyond "
                f"{MAX_DERIVED_NODES} terms. Try a simpler one."
            )
        self._value = lambdify(variables, expr)
        # f and ∇f in one call, sharing common subexpressions: grad and the descent loop both use it.
        self._value_grad = lambdify(variables, [expr, *self.partials])

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    @cached_property
    def identity(self) -> tuple[str, tuple[str, ...], str]:
        """Plain values that identify this function (text, variables, expression), e.g. as a cache key."""
        return (self.text, self.names, str(self.expr))

    def __repr__(self) -> str:
        return f"Function({self.text!r}, variables={self.names})"

    def _args(self, values: Sequence[object]) -> tuple[list[np.ndarray], tuple[int, ...]]:
        if len(values) != len(self.variables):
            raise TypeError(f"f takes {len(self.variables)} values ({', '.join(self.names)}), got {len(values)}")
        arrays = [np.asarray(v, dtype=float) for v in values]
        return arrays, np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else ()

    def __call__(self, *values: object) -> float | np.ndarray:
        arrays, shape = self._args(values)
        with np.errstate(all="ignore"):
            result = real_part(np.asarray(self._value(*arrays)))
        result = np.broadcast_to(result, shape) if result.shape != shape else result
        return float(result) if shape == () else np.array(result)

    def grad(self, *values: object) -> np.ndarray:
        """∇f at a point (shape (n,)) or at every point of same-shape arrays (shape (n, *shape))."""
        return self.value_and_grad(*values)[1]

    def value_and_grad(self, *values: object) -> tuple[np.ndarray, np.ndarray]:
        """(f, ∇f) at the same points, computed together: shapes ``shape`` and (n, *shape)."""
        arrays, shape = self._args(values)
        with np.errstate(all="ignore"):
            parts = self._value_grad(*arrays)
            out = np.empty((len(parts), *shape))
            for i, part in enumerate(parts):
                out[i] = real_part(np.asarray(part))
        return out[0], out[1:]

    @cached_property
    def hessian(self) -> sp.Matrix:
        """The matrix of second partials ∂²f/∂vi∂vj."""
        return sp.Matrix([[sp.diff(p, v) for v in self.variables] for p in self.partials])


def parse(
    text: str,
    constants: dict[str, float] | None = None,
    variables: Iterable[str] | None = None,
) -> Function:
    """Formula text -> Function over its free variables sorted by name (w2 before w10).

    ``constants`` fixes names to numbers (the lesson's y = 5); ``variables`` names the variables in order,
    which may include ones the formula does not use (f = x² as a function of x and y).

    >>> f = parse("3*x**2 + 2*x*y + y**2")
    >>> f.variables, f.partials
    ((x, y), (6*x + 2*y, 2*x + 2*y))
    >>> f(1.0, 2.0), f.grad(1.0, 2.0).tolist()
    (11.0, [10.0, 6.0])
    """
    expr = parse_expression(text, constants)
    free = {s.name: s for s in expr.free_symbols}
    if variables is None:
        names = sorted(free, key=natural_key)
    else:
        names = list(variables)
        missing = sorted(set(free) - set(names), key=natural_key)
        if missing:
            allowed = ", ".join(names)
            raise ExpressionError(f"Unknown variable {', '.join(missing)}: this formula may use {allowed}.")
    if len(names) > MAX_VARIABLES:
        raise ExpressionError(f"Too many variables ({len(names)}); at most {MAX_VARIABLES} are supported.")
    symbols = tuple(free.get(name, sp.Symbol(name, real=True)) for name in names)
    return Function(text, expr, symbols)


@lru_cache(maxsize=512)  # bounded; sympy's printer is a visible share of a rerun
def to_latex(expr: sp.Basic) -> str:
    """LaTeX of an expression, with long decimals shortened so a formula stays readable.

    >>> to_latex(parse("x^2*y + sin(x*y)").partials[0])
    '2 x y + y \\\\cos{\\\\left(x y \\\\right)}'
    """
    expr = expr.xreplace({n: sp.Float(n, 6) for n in expr.atoms(sp.Float)})
    return sp.latex(expr)
