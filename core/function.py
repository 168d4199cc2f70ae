"""A parsed function f(v1, …, vn): its sympy expression, its partials, and fast numpy evaluation of both."""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, lru_cache
from typing import NamedTuple

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from core import worker
from core.memo import NODE_BYTES, Memo
from core.parsing import MAX_VARIABLES, ExpressionError, parse_expression
from core.special import NUMPY_FUNCTIONS, dirac

# Bounds on the size of derived expressions, so differentiation, lambdify and LaTeX stay well inside a
# second: measured on the heavy-but-legal corpus in tests/core/test_hostile.py.
MAX_DERIVED_NODES = 4000
HEAVY_NODES = 400  # partials larger than this make their Hessian a heavy job for the worker (core.worker)

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


def _float_literal(numerator: int, denominator: int = 1) -> str:
    try:
        value = numerator / denominator  # correctly rounded, exact for small integers
    except OverflowError:
        value = math.inf if numerator > 0 else -math.inf  # the denominator of a Rational is positive
    # 1e999 is how Python source spells infinity without a name a variable could shadow.
    return repr(value) if math.isfinite(value) else ("(1e999)" if value > 0 else "(-1e999)")


def odd_root(expr: sp.Basic) -> tuple[sp.Expr, int, int] | None:
    """(b, p, q) when ``expr`` is b^(p/q) with q odd and b possibly negative: a power read as the real root.

    A teacher reads x^(1/3) as ∛x, the preview shows ∛x, and ∛(−8) = −2; sympy's x**(1/3) is the principal
    root, complex for x < 0. Every evaluation (numpy here, mpmath in core.equivalence) takes the real root.

    >>> x = sp.Symbol("x", real=True)
    >>> odd_root(x ** sp.Rational(2, 3)), odd_root(sp.sqrt(x)), odd_root((x**2 + 1) ** sp.Rational(1, 3))
    ((x, 2, 3), None, None)
    """
    if not (isinstance(expr, sp.Pow) and expr.exp.is_Rational and not expr.exp.is_Integer):
        return None
    p, q = int(expr.exp.p), int(expr.exp.q)
    if q % 2 == 0 or expr.base.is_nonnegative:
        return None
    return expr.base, p, q


def real_roots(expr: sp.Expr) -> sp.Expr:
    """``expr`` with every odd root written as the real root: b^(p/q) → sign(b)^p·|b|^(p/q).

    >>> x = sp.Symbol("x", real=True)
    >>> real_roots(2 / (3 * x ** sp.Rational(1, 3)))
    2*sign(x)/(3*Abs(x)**(1/3))
    """

    def real(node: sp.Pow) -> sp.Expr:
        base, p, q = odd_root(node)  # type: ignore[misc]
        return sp.sign(base) ** (p % 2) * sp.Abs(base) ** sp.Rational(p, q)

    return expr.replace(lambda node: odd_root(node) is not None, real)


class _Printer(NumPyPrinter):
    """numpy source for a checked expression: numbers as floats, the variables as positional names.

    numpy cannot take a Python int beyond 64 bits (cos(10**20) fails), so every number is printed as a float;
    and no variable's own name reaches the source, so a variable called ``sin``, ``numpy`` or ``builtins``
    cannot shadow anything the compiled code calls.
    """

    def __init__(self, positions: dict[sp.Symbol, str]) -> None:
        super().__init__(
            {
                "fully_qualified_modules": False,
                "inline": True,
                "allow_unknown_functions": True,
                "user_functions": {name: name for name in NUMPY_FUNCTIONS},
            }
        )
        self.positions = positions

    def _print_Symbol(self, expr: sp.Symbol) -> str:  # noqa: N802 - sympy dispatches on the class name
        return self.positions.get(expr) or super()._print_Symbol(expr)

    def _print_Integer(self, expr: sp.Integer) -> str:  # noqa: N802
        return _float_literal(int(expr.p))

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:  # noqa: N802
        root = odd_root(expr)
        if root is None:
            return super()._print_Pow(expr, rational)
        base, p, q = root
        b = self._print(base)
        if q == 3:
            real = f"{self._module_format('numpy.cbrt')}({b})"
        else:
            real = f"{self._module_format('numpy.copysign')}(abs({b})**{_float_literal(1, q)}, {b})"
        return real if p == 1 else f"({real})**{_float_literal(p)}"

    def _print_Rational(self, expr: sp.Rational) -> str:  # noqa: N802
        return _float_literal(int(expr.p), int(expr.q))

    def _print_Half(self, expr: sp.Rational) -> str:  # noqa: N802
        return self._print_Rational(expr)

    def _print_Zero(self, expr: sp.Integer) -> str:  # noqa: N802
        return self._print_Integer(expr)

    def _print_ComplexInfinity(self, expr: sp.Basic) -> str:  # noqa: N802
        return "(1e999 - 1e999)"  # zoo (1/0 found symbolically) is undefined over the reals: NaN


def numpy_source(variables: Sequence[sp.Symbol], exprs: sp.Expr | Sequence[sp.Expr]) -> str:
    """The Python source of a numpy function of ``variables`` computing ``exprs`` (one, or a list sharing common
    subexpressions), written by the checked printer. The printing is the costly part of compiling (0.7 s for a large
    Hessian, 2 ms to compile its source), so it runs in the worker; the server only compiles the text it gets back.

    >>> x = sp.Symbol("x", real=True)
    >>> numpy_source((x,), x**2 + 1).splitlines()[0]
    'def _lambdifygenerated(_v0):'
    """
    variables = tuple(variables)
    positions = {v: f"_v{i}" for i, v in enumerate(variables)}
    arguments = [sp.Symbol(name) for name in positions.values()]
    single = isinstance(exprs, sp.Basic)
    target = exprs if single else list(exprs)
    code = sp.lambdify(arguments, target, modules=_MODULES, printer=_Printer(positions), cse=not single)
    return inspect.getsource(code)


@lru_cache(maxsize=1)
def _namespace() -> dict[str, object]:
    """The names compiled sources may call: numpy's, our activations', and δ for the second partials of kinks."""
    namespace = dict(sp.lambdify((), 0, modules=_MODULES).__globals__)
    namespace["DiracDelta"] = dirac
    return namespace


_DEF = re.compile(r"^def (\w+)\(", re.MULTILINE)


class Compiled:
    """Checked expressions compiled to numpy on first use; a call has numpy semantics, never a Python exception.

    ``Compiled(vars, expr)(*values)`` is one array; ``Compiled(vars, [e1, e2])(*values)`` a list of arrays.
    Every value is a real float array of the arguments' broadcast shape: NaN where an expression is undefined
    (or complex), ±inf where it overflows. The one path every formula's f, ∇f and Hessian are compiled through:
    the source is printed in the limited worker (``numpy_source``), so a formula too large to print raises
    WorkLimitError on first use instead of occupying the server.

    >>> x, numpy = sp.symbols("x numpy", real=True)
    >>> compiled = Compiled((x, numpy), [1 / x, sp.cos(sp.Integer(10) ** 20) + numpy])
    >>> [round(float(v), 6) for v in compiled(0.0, 1.0)]
    [inf, 1.76397]
    """

    def __init__(
        self,
        variables: Sequence[sp.Symbol],
        exprs: sp.Expr | Sequence[sp.Expr] | None,
        source: str | None = None,
        outputs: int | None = None,
    ) -> None:
        self.variables = tuple(variables)
        self.single = isinstance(exprs, sp.Basic) or (exprs is None and outputs is None)
        self.exprs: tuple[sp.Expr, ...] | None = (
            None if exprs is None else (exprs,) if isinstance(exprs, sp.Basic) else tuple(exprs)
        )
        self.outputs = outputs if outputs is not None else (1 if self.exprs is None else len(self.exprs))
        if source is not None:
            self.source = source

    def __reduce__(self) -> tuple[object, ...]:
        # The compiled code stays behind; its source travels when it has been printed (then the expressions don't).
        source = self.__dict__.get("source")
        if source is not None:
            return (Compiled, (self.variables, None, source, None if self.single else self.outputs))
        return (Compiled, (self.variables, self.exprs[0] if self.single else self.exprs))

    @cached_property
    def source(self) -> str:
        target = self.exprs[0] if self.single else list(self.exprs)
        return worker.run(numpy_source, self.variables, target)

    @cached_property
    def code(self) -> Callable[..., object]:
        namespace = dict(_namespace())
        # The text was printed by our own printer from checked expressions, never taken from a visitor.
        exec(compile(self.source, "<gradient-lab>", "exec"), namespace)
        return namespace[_DEF.search(self.source).group(1)]

    def weight(self) -> int:
        """Bytes held: the source and (about) its compiled code, besides the expressions."""
        return 3 * len(self.__dict__.get("source", "")) + 1000

    def __call__(self, *values: object) -> np.ndarray | list[np.ndarray]:
        if len(values) != len(self.variables):
            names = ", ".join(v.name for v in self.variables)
            raise TypeError(f"f takes {len(self.variables)} values ({names}), got {len(values)}")
        code = self.code  # compiling may raise WorkLimitError: a message for the page, not NaN
        arrays = [np.asarray(v, dtype=float) for v in values]
        shape = np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else ()
        with np.errstate(all="ignore"):
            try:
                parts = code(*arrays)
                parts = [parts] if self.single else parts
                out = [np.broadcast_to(real_part(np.asarray(p)), shape) for p in parts]
            except (ArithmeticError, TypeError, ValueError):
                # The last resort of the one guarded path: whatever numpy could not take is undefined there.
                out = [np.full(shape, np.nan) for _ in range(self.outputs)]
        return out[0] if self.single else out


def lambdify(variables: Sequence[sp.Symbol], expr: sp.Expr | Sequence[sp.Expr]) -> Compiled:
    """numpy function of ``variables`` for a checked expression (never for raw user text), through Compiled."""
    return Compiled(variables, expr)


class Function:
    """f: R^n -> R from a formula; ``f(*values)`` evaluates it, ``f.grad(*values)`` evaluates ∇f.

    ``partials`` come from the worker for a visitor's formula (``parse``); a trusted expression built in
    process (the regression loss) may leave them out and they are taken here.
    """

    def __init__(
        self,
        text: str,
        expr: sp.Expr,
        variables: tuple[sp.Symbol, ...],
        partials: Sequence[sp.Expr] | None = None,
        compiled: tuple[Compiled, Compiled] | None = None,
    ) -> None:
        self.text = text
        self.expr = expr
        self.variables = tuple(variables)
        self.partials: tuple[sp.Expr, ...] = (
            tuple(partials) if partials is not None else tuple(sp.diff(expr, v) for v in variables)
        )
        size = sum(tree_size(p) for p in self.partials) + tree_size(expr)
        if size > MAX_DERIVED_NODES:
            raise ComplexityError(
                "This formula is too complex to differentiate here: its derivatives grow beyond "
                f"{MAX_DERIVED_NODES} terms. Try a simpler one."
            )
        # f alone, and f with ∇f in one call sharing common subexpressions (grad and the descent loop use it).
        self._value, self._value_grad = compiled or (
            Compiled(self.variables, expr),
            Compiled(self.variables, [expr, *self.partials]),
        )

    def __reduce__(self) -> tuple[object, ...]:
        # Sent to and from the worker as plain parts with the compiled sources printed there; the receiver only
        # compiles the source text on first use.
        return (Function, (self.text, self.expr, self.variables, self.partials, (self._value, self._value_grad)))

    def weight(self) -> int:
        """Bytes this function holds in a cache: its expressions' nodes and compiled sources."""
        nodes = sum(tree_size(e, 10**6) for e in (self.expr, *self.partials))
        return NODE_BYTES * nodes + self._value.weight() + self._value_grad.weight()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    @cached_property
    def identity(self) -> tuple[str, tuple[str, ...], str]:
        """Plain values that identify this function (text, variables, expression), e.g. as a cache key."""
        return (self.text, self.names, str(self.expr))

    def __repr__(self) -> str:
        return f"Function({self.text!r}, variables={self.names})"

    def __call__(self, *values: object) -> float | np.ndarray:
        result = self._value(*values)
        return float(result) if result.shape == () else np.array(result)

    def grad(self, *values: object) -> np.ndarray:
        """∇f at a point (shape (n,)) or at every point of same-shape arrays (shape (n, *shape))."""
        return self.value_and_grad(*values)[1]

    def value_and_grad(self, *values: object) -> tuple[np.ndarray, np.ndarray]:
        """(f, ∇f) at the same points, computed together: shapes ``shape`` and (n, *shape)."""
        parts = np.array(self._value_grad(*values))
        return parts[0], parts[1:]

    @cached_property
    def hessian(self) -> sp.Matrix:
        """The matrix of second partials ∂²f/∂vi∂vj as sympy expressions (worked out in the worker).

        The pages never need it: they use ``second`` (compiled, and its LaTeX), which is all the server keeps.
        """
        return worker.run(second_partials, self.partials, self.variables, formula=self.text)

    @property
    def second(self) -> Hessian:
        """H compiled and written out, both in the worker; WorkLimitError when that is too much for it.

        Kept in a memo bounded by bytes (a large Hessian's compiled source weighs as much as a hundred small
        functions), not on the function itself.
        """
        heavy = sum(tree_size(p, HEAVY_NODES) for p in self.partials) > HEAVY_NODES

        def compute() -> Hessian:
            return worker.run(hessian_parts, self.partials, self.variables, formula=self.text, heavy=heavy)

        return _SECONDS.get(self.identity, compute)

    def hessian_at(self, point: Sequence[float]) -> np.ndarray:
        """H(P) as an (n, n) float array; NaN where a second partial is undefined at P.

        >>> parse("3*x**2 + 2*x*y + y**2").hessian_at((1.0, 2.0)).tolist()
        [[6.0, 2.0], [2.0, 2.0]]
        """
        n = len(self.variables)
        values = self.second.compiled(*(float(v) for v in point))
        return np.array(values, dtype=float).reshape(n, n)

    def hessian_latex_whole(self) -> str:
        """H's whole LaTeX, however long (for a download): printed in the worker, under its limits."""
        return worker.run(whole_hessian_latex, self.partials, self.variables, formula=self.text, heavy=True)


class Hessian(NamedTuple):
    """What the server keeps of H: its entries compiled (row by row), its LaTeX (shortened when long), its size."""

    compiled: Compiled
    latex: str
    nodes: int  # nodes in the symbolic matrix (counted up to 10⁶)
    shortened: bool

    def weight(self) -> int:
        return self.compiled.weight() + len(self.latex)


_SECONDS: Memo[Hessian] = Memo(24_000_000)


def second_partials(partials: Sequence[sp.Expr], variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """H_ij = ∂(∂f/∂vi)/∂vj."""
    return sp.Matrix([[sp.diff(p, v) for v in variables] for p in partials])


def hessian_parts(partials: Sequence[sp.Expr], variables: Sequence[sp.Symbol]) -> Hessian:
    r"""H compiled, its LaTeX within LATEX_NODES nodes in all, and its size: the worker's job for ``Function.second``.

    >>> x, y = sp.symbols("x y", real=True)
    >>> h = hessian_parts((2 * x * y, x**2), (x, y))
    >>> h.latex, h.nodes, h.shortened
    ('\\begin{pmatrix} 2 y & 2 x \\\\ 2 x & 0 \\end{pmatrix}', 10, False)
    """
    matrix = second_partials(partials, variables)
    compiled = Compiled(variables, list(matrix))
    _ = compiled.source  # printed here, in the worker
    nodes = sum(tree_size(e, 10**6) for e in matrix)
    budget = max(20, LATEX_NODES // len(matrix))
    rows = [" & ".join(to_latex(e, budget, note=False) for e in matrix.row(i)) for i in range(matrix.rows)]
    shortened = any(tree_size(e, budget) > budget for e in matrix)
    return Hessian(compiled, r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}", nodes, shortened)


def whole_hessian_latex(partials: Sequence[sp.Expr], variables: Sequence[sp.Symbol]) -> str:
    """Every entry of H in LaTeX, unshortened."""
    matrix = second_partials(partials, variables)
    rows = [" & ".join(_latex(e) for e in matrix.row(i)) for i in range(matrix.rows)]
    return r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}"


def parse(
    text: str,
    constants: dict[str, float] | None = None,
    variables: Iterable[str] | None = None,
) -> Function:
    """Formula text -> Function over its free variables sorted by name (w2 before w10).

    ``constants`` fixes names to numbers (the lesson's y = 5); ``variables`` names the variables in order,
    which may include ones the formula does not use (f = x² as a function of x and y). Parsing and
    differentiation run in the limited worker (core.worker): a formula too heavy for it raises WorkLimitError.

    >>> f = parse("3*x**2 + 2*x*y + y**2")
    >>> f.variables, f.partials
    ((x, y), (6*x + 2*y, 2*x + 2*y))
    >>> f(1.0, 2.0), f.grad(1.0, 2.0).tolist()
    (11.0, [10.0, 6.0])
    """
    names = tuple(variables) if variables is not None else None
    return worker.run(parse_here, text, constants, names, formula=text)


def parse_here(
    text: str,
    constants: dict[str, float] | None = None,
    variables: Iterable[str] | None = None,
) -> Function:
    """``parse`` in this process, without the worker's limits: for the worker itself and trusted text."""
    expr = parse_expression(text, constants, tuple(variables) if variables is not None else None)
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
    f = Function(text, expr, symbols)
    if worker.inside_worker():
        _ = f._value.source, f._value_grad.source  # printed here, so the server only compiles the text
    return f


LATEX_NODES = 600  # a formula shown on a page: at most this many nodes printed (about 3000 characters)
_LATEX: Memo[str] = Memo(8_000_000)  # sympy's printer is a visible share of a rerun; bounded by bytes
_DOTS = sp.Symbol(r"\cdots")


def to_latex(expr: sp.Basic, nodes: int = LATEX_NODES, note: bool = True) -> str:
    r"""LaTeX of an expression, with long decimals shortened so a formula stays readable; one larger than ``nodes``
    nodes is shortened (``\cdots`` for what is left out; with ``note``, its size is said after it), so the cost
    of printing it, and of drawing it in the browser, stays bounded.

    >>> to_latex(parse("x^2*y + sin(x*y)").partials[0])
    '2 x y + y \\cos{\\left(x y \\right)}'
    >>> x = sp.Symbol("x")
    >>> to_latex(sum(x**k for k in range(1, 40)), nodes=12)
    'x^{39} + x^{38} + x^{37} + \\cdots \\quad\\left[\\text{shortened: 116 parts in all}\\right]'
    """
    size = tree_size(expr, nodes)
    if size <= nodes:
        return _LATEX.get(expr, lambda: _latex(expr))
    short = _shorten(expr, nodes)[0]
    text = sp.latex(short, order="none")
    if note:
        total = tree_size(expr, 10**6)
        text += rf" \quad\left[\text{{shortened: {total:,} parts in all}}\right]".replace(",", r"\,")
    return text


def whole_latex(exprs: Sequence[sp.Basic]) -> list[str]:
    """Each expression's whole LaTeX, unshortened (for a download; run it in the worker, under its limits)."""
    return [_latex(e) for e in exprs]


def shortened(expr: sp.Basic, nodes: int = LATEX_NODES) -> bool:
    """Whether ``to_latex`` shows this expression shortened."""
    return tree_size(expr, nodes) > nodes


def _latex(expr: sp.Basic) -> str:
    expr = expr.xreplace({n: sp.Float(n, 6) for n in expr.atoms(sp.Float)})
    return sp.latex(expr)


def _shorten(expr: sp.Basic, budget: int) -> tuple[sp.Basic, int]:
    """The expression with whatever does not fit in ``budget`` nodes replaced by ⋯, and the nodes kept."""
    if tree_size(expr, budget) <= budget:
        return expr.xreplace({n: sp.Float(n, 6) for n in expr.atoms(sp.Float)}), tree_size(expr, budget)
    if not expr.args or budget < 3:
        return _DOTS, 1
    if isinstance(expr, sp.Add | sp.Mul):
        kept, used = [], 1
        args = expr.as_ordered_terms() if isinstance(expr, sp.Add) else expr.as_ordered_factors()
        for arg in args:
            if used >= budget:
                break
            short, size = _shorten(arg, budget - used)
            kept.append(short)
            used += size
        if len(kept) < len(args) or kept[-1] is _DOTS:
            kept = [k for k in kept if k is not _DOTS] + [_DOTS]
        return expr.func(*kept, evaluate=False), used
    share = max(1, (budget - 1) // len(expr.args))
    parts = [_shorten(arg, share) for arg in expr.args]
    return expr.func(*(p for p, _ in parts), evaluate=False), 1 + sum(n for _, n in parts)
