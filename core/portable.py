"""f and ∇f as a small expression tree a browser evaluates: the server's own numpy code, operation for operation.

The tree is read from the numpy source that ``Function`` already compiles for f and ∇f together (sympy's printer
with common subexpressions named, variables renamed ``_v0``, ``_v1``, … so no name of the visitor's reaches it).
It is never made from the formula's text. Reading that source with Python's ``ast`` keeps the server's order of
arithmetic, so the browser's numbers equal the server's up to the last bit of a library function. Only the
operations below pass; anything else (a construct the printer may emit for a function the browser has no rule
for) makes ``portable`` return None, and the page falls back to asking the server.

A tree is JSON: ``{"inputs": n, "lets": [e, …], "out": [f, ∂f/∂v0, …]}`` where an expression ``e`` is a number,
``["x", i]`` (input i), ``["t", j]`` (the j-th let), ``[op, a, b]`` for op in + − * / **, ``["neg", a]``,
``["call", name, a, …]`` for a name in FUNCTIONS, ``["const", name]`` for a name in CONSTANTS, or
``["select", [condition, …], [value, …], default]`` with conditions ``[comparison, a, b]`` or ``true``.

>>> from core.function import parse
>>> portable(parse("x^2*y + sin(x*y)"))["out"][0]
['+', ['*', ['t', 1], ['x', 1]], ['call', 'sin', ['t', 0]]]
"""

from __future__ import annotations

import ast
import math
from functools import lru_cache
from typing import Any

from core import pyast
from core.function import Function
from core.parsing import ExpressionError

# numpy's names in the printed source -> the browser's (ui/live_math.js implements exactly these).
FUNCTIONS = {
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "sinh": "sinh",
    "cosh": "cosh",
    "tanh": "tanh",
    "arcsinh": "asinh",
    "arccosh": "acosh",
    "arctanh": "atanh",
    "exp": "exp",
    "log": "log",
    "sqrt": "sqrt",
    "cbrt": "cbrt",  # odd roots are real roots (x^(1/3) of a negative x), as the server computes them
    "abs": "abs",
    "sign": "sign",
    "sigmoid": "sigmoid",
    "relu": "relu",
    "softplus": "softplus",
}
CONSTANTS = {"e": "e", "pi": "pi", "nan": "nan", "inf": "inf"}
COMPARISONS = {"less", "equal", "greater", "less_equal", "greater_equal", "not_equal"}
OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
# Every string a tree may hold: what the whitelist test checks each generated tree against.
TOKENS = frozenset({"x", "t", "neg", "call", "const", "select", *OPERATORS.values()}) | set(FUNCTIONS.values())
TOKENS |= set(CONSTANTS.values()) | COMPARISONS


class UnsupportedError(ValueError):
    """The printed source holds something the browser has no rule for."""


@lru_cache(maxsize=64)  # bounded; keyed by the function's plain identity (see portable)
def _portable(identity: tuple, source: str) -> dict | None:
    try:
        return _read(source)
    except (UnsupportedError, SyntaxError, RecursionError):
        return None


def portable(f: Function) -> dict | None:
    """f and its gradient as a tree the browser evaluates, or None when the source holds anything else."""
    return _portable(f.identity, f._value_grad.source)  # printed in the worker, like the code the server runs


def portable_hessian(f: Function) -> dict | None:
    """H's entries ∂²f/∂vi∂vj, row by row, as a tree (``out`` = [H00, H01, …]) from the source the server compiles
    for ``f.second``; None when that source holds anything else (the δ of a kink's second partial) or the Hessian
    is too heavy for the worker (the page then says so itself, and the preview of H is off)."""
    try:
        source = f.second.compiled.source
    except ExpressionError:  # WorkLimitError: too heavy to print
        return None
    return _portable((*f.identity, "hessian"), source)


def _read(source: str) -> dict:
    module = pyast.parse(source)
    if len(module.body) != 1 or not isinstance(module.body[0], ast.FunctionDef):
        raise UnsupportedError("not one function")
    function = module.body[0]
    inputs = {arg.arg: i for i, arg in enumerate(function.args.args)}
    lets: dict[str, int] = {}
    trees: list[Any] = []
    *assignments, final = function.body
    reader = _Reader(inputs, lets)
    for statement in assignments:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            raise UnsupportedError("a statement other than one assignment")
        target = statement.targets[0]
        if not isinstance(target, ast.Name) or target.id in inputs or target.id in lets:
            raise UnsupportedError("an assignment to something other than a new name")
        trees.append(reader.read(statement.value))
        lets[target.id] = len(trees) - 1
    if not (isinstance(final, ast.Return) and isinstance(final.value, ast.List)):
        raise UnsupportedError("the function does not return a list")
    return {"inputs": len(inputs), "lets": trees, "out": [reader.read(e) for e in final.value.elts]}


class _Reader:
    """One expression of the printed source as a tree; anything outside the whitelist raises UnsupportedError."""

    def __init__(self, inputs: dict[str, int], lets: dict[str, int]) -> None:
        self.inputs, self.lets = inputs, lets

    def read(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            value = float(node.value)
            return value if math.isfinite(value) else ["const", "inf"]  # the printer writes -∞ as -(1e999)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            return [OPERATORS[type(node.op)], self.read(node.left), self.read(node.right)]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return ["neg", self.read(node.operand)]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            return self.read(node.operand)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node)
        raise UnsupportedError(f"{type(node).__name__} in the source")

    def name(self, name: str) -> Any:
        if name in self.inputs:
            return ["x", self.inputs[name]]
        if name in self.lets:
            return ["t", self.lets[name]]
        if name in CONSTANTS:
            return ["const", CONSTANTS[name]]
        raise UnsupportedError(f"the name {name!r}")

    def call(self, node: ast.Call) -> Any:
        name = node.func.id
        if name == "select":
            return self.select(node)
        if name not in FUNCTIONS or node.keywords or len(node.args) != 1:
            raise UnsupportedError(f"a call of {name!r}")
        return ["call", FUNCTIONS[name], self.read(node.args[0])]

    def select(self, node: ast.Call) -> Any:
        """numpy.select(conditions, values, default): the first value whose condition holds (a Piecewise)."""
        if len(node.args) != 2 or [k.arg for k in node.keywords] != ["default"]:
            raise UnsupportedError("a select of another shape")
        conditions, values = node.args
        if not (isinstance(conditions, ast.List) and isinstance(values, ast.List)):
            raise UnsupportedError("a select without lists")
        if len(conditions.elts) != len(values.elts):
            raise UnsupportedError("a select whose lists differ in length")
        return [
            "select",
            [self.condition(c) for c in conditions.elts],
            [self.read(v) for v in values.elts],
            self.read(node.keywords[0].value),
        ]

    def condition(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and node.value is True:
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in COMPARISONS
            and len(node.args) == 2
            and not node.keywords
        ):
            return [node.func.id, self.read(node.args[0]), self.read(node.args[1])]
        raise UnsupportedError("a condition other than a comparison")


def tokens(tree: Any) -> set:
    """Every string in a tree (or part of one), for the whitelist check."""
    if isinstance(tree, str):
        return {tree}
    if isinstance(tree, dict):  # the keys are the tree's fixed fields (inputs, lets, out)
        return set().union(set(), *(tokens(v) for v in tree.values()))
    if isinstance(tree, list):
        return set().union(set(), *(tokens(v) for v in tree))
    return set()


def evaluate(tree: dict, values: list[float]) -> list[float]:
    """The tree's outputs at ``values``, in plain Python floats with numpy's rules (a reference for the tests and
    a model of ui/live_math.js): NaN where undefined, ±inf where it overflows."""
    import numpy as np

    from core.special import NUMPY_FUNCTIONS

    names = {**{v: getattr(np, k) for k, v in FUNCTIONS.items() if hasattr(np, k)}, **NUMPY_FUNCTIONS}
    constants = {"e": math.e, "pi": math.pi, "nan": math.nan, "inf": math.inf}
    lets: list[float] = []

    def run(e: Any) -> Any:
        if isinstance(e, float):
            return np.float64(e)
        op = e[0]
        if op == "x":
            return np.float64(values[e[1]])
        if op == "t":
            return lets[e[1]]
        if op == "const":
            return np.float64(constants[e[1]])
        if op == "neg":
            return -run(e[1])
        if op == "call":
            return np.float64(names[e[1]](run(e[2])))
        if op == "select":
            for condition, value in zip(e[1], e[2], strict=True):
                if condition is True or getattr(np, condition[0])(run(condition[1]), run(condition[2])):
                    return run(value)
            return run(e[3])
        a, b = run(e[1]), run(e[2])
        return {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power}[op](a, b)

    with np.errstate(all="ignore"):
        for let in tree["lets"]:
            lets.append(run(let))
        return [float(run(e)) for e in tree["out"]]
