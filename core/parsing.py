"""Safe parsing of a formula typed by a stranger into a sympy expression.

The text never reaches ``eval``, ``sympify`` or ``parse_expr``: it is tokenized against a whitelist,
parsed by Python's ``ast`` into a tree that is checked node by node, and the sympy expression is built
from that checked tree by hand, with bounds on size, depth, literals and exponents so that no input
can make sympy hang at parse time. Students' notation (x², 2xy, ·, −) is rewritten first by core.notation;
``read`` returns the expression with notes on how the text was read, for a preview.
"""

from __future__ import annotations

import ast
import itertools
import keyword
import math
import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from typing import NamedTuple

import sympy as sp

from core import pyast
from core.notation import (
    LOG_BASES,
    UNSUPPORTED,
    AmbiguityError,
    bars,
    fractions,
    log_bases,
    radicals,
    readings,
    split_names,
    superscripts,
    symbols,
)
from core.special import relu, sigmoid, softplus

MAX_LENGTH = 200
MAX_DEPTH = 12
MAX_NODES = 120
MAX_VARIABLES = 6
MAX_LITERAL = 1e15
MAX_EXPONENT = 100
MAX_RESULT_DIGITS = 300


class ExpressionError(ValueError):
    """A formula that is not allowed, with a message a student can act on."""


def _log(arg: sp.Expr, *rest: sp.Expr) -> sp.Expr:
    # log(x, b) is the logarithm to base b, as in sympy and Python's math.log.
    if arg.is_number and arg.is_nonpositive:
        raise ExpressionError(f"log({arg}) is undefined: the logarithm needs a positive argument.")
    if not rest:
        return sp.log(arg)
    base = rest[0]
    if base.is_number:
        if not base.is_positive:
            raise ExpressionError(f"log(…, {base}) is undefined: the base of a logarithm must be a positive number.")
        if base == 1:
            raise ExpressionError("log(…, 1) is undefined: every power of 1 is 1, so base 1 has no logarithm.")
    return sp.log(arg) / sp.log(base)


# name -> (builder, allowed argument counts)
FUNCTIONS: dict[str, tuple[Callable[..., sp.Expr], tuple[int, ...]]] = {
    "sin": (sp.sin, (1,)),
    "cos": (sp.cos, (1,)),
    "tan": (sp.tan, (1,)),
    "sec": (sp.sec, (1,)),
    "csc": (sp.csc, (1,)),
    "cot": (sp.cot, (1,)),
    "asin": (sp.asin, (1,)),
    "acos": (sp.acos, (1,)),
    "atan": (sp.atan, (1,)),
    "arcsin": (sp.asin, (1,)),
    "arccos": (sp.acos, (1,)),
    "arctan": (sp.atan, (1,)),
    "cosec": (sp.csc, (1,)),
    "sinh": (sp.sinh, (1,)),
    "sech": (sp.sech, (1,)),
    "csch": (sp.csch, (1,)),
    "coth": (sp.coth, (1,)),
    "cosh": (sp.cosh, (1,)),
    "tanh": (sp.tanh, (1,)),
    "asinh": (sp.asinh, (1,)),
    "acosh": (sp.acosh, (1,)),
    "atanh": (sp.atanh, (1,)),
    "arcsinh": (sp.asinh, (1,)),
    "arccosh": (sp.acosh, (1,)),
    "arctanh": (sp.atanh, (1,)),
    "arsinh": (sp.asinh, (1,)),
    "arcosh": (sp.acosh, (1,)),
    "artanh": (sp.atanh, (1,)),
    "exp": (sp.exp, (1,)),
    "log": (_log, (1, 2)),
    "ln": (sp.log, (1,)),
    "log2": (lambda arg: _log(arg, sp.Integer(2)), (1,)),
    "log10": (lambda arg: _log(arg, sp.Integer(10)), (1,)),
    "sqrt": (sp.sqrt, (1,)),
    "cbrt": (lambda arg: _power(arg, sp.Rational(1, 3)), (1,)),  # the real cube root, as ∛ shows
    "abs": (sp.Abs, (1,)),
    "sigmoid": (sigmoid, (1,)),
    "relu": (relu, (1,)),
    "softplus": (softplus, (1,)),
}
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "e": sp.E}
RESERVED = frozenset(FUNCTIONS) | frozenset(CONSTANTS)

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z][A-Za-z0-9]*)
  | (?P<op>\*\*|[-+*/^(),])
    """,
    re.VERBOSE,
)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")


def normalize(text: str, max_length: int = MAX_LENGTH) -> str:
    """Superscripts as powers, NFKC, Unicode operators as ASCII; then only plain printable ASCII may be left."""
    if not isinstance(text, str):
        raise ExpressionError("The formula must be text.")
    if len(text) > max_length * 4:
        raise ExpressionError(f"The formula is too long (at most {max_length} characters).")
    # Superscripts before NFKC, which would turn x² into x2.
    try:
        text = symbols(radicals(unicodedata.normalize("NFKC", superscripts(fractions(text)))))
    except AmbiguityError as error:
        raise ExpressionError(str(error)) from None
    if "=" in text and text.rsplit("=", 1)[-1].strip():  # ∂f/∂x = 6x + 2y: the answer is the right-hand side
        right = text.rsplit("=", 1)[-1].strip()
        raise ExpressionError(
            f"'=' at position {text.index('=') + 1} is not allowed: write an expression, not an equation: for "
            f"{text.strip()} write {right}."
        )
    for position, char in enumerate(text):
        if char in "\t\n\r ":
            continue
        if not (" " < char < "\x7f"):
            label = f"U+{ord(char):04X}"
            raise ExpressionError(
                f"Character {label} at position {position + 1} is not allowed: "
                "use plain letters, digits and + - * / ^ ( )."
            )
    text = text.strip()
    if not text:
        raise ExpressionError("The formula is empty.")
    if len(text) > max_length:
        raise ExpressionError(f"The formula is too long: {len(text)} characters (at most {max_length}).")
    return text


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """Split checked text into (kind, value, position) tokens, or raise naming the first bad character."""
    tokens: list[tuple[str, str, int]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            hint = {
                "_": "underscores are not allowed in names: write x1 for x₁",
                "|": "write abs(x) for |x|",
                ".": "a dot may only appear inside a number",
                "=": "write an expression, not an equation",
                "[": "use round parentheses",
                "]": "use round parentheses",
                "{": "use round parentheses: e^(2x) for e^{2x}",
                "}": "use round parentheses: e^(2x) for e^{2x}",
                "!": "factorials are not supported",
                "#": "comments are not allowed",
                ";": "write a single expression",
            }.get(char, "only letters, digits and + - * / ^ ( ) , are allowed")
            right = text.rsplit("=", 1)[-1].strip()
            if char == "=" and right:  # f(x, y) = x^2 + y^2: the expression is the right-hand side
                hint += f": for {text.strip()} write {right}"
            raise ExpressionError(f"'{char}' at position {position + 1} is not allowed: {hint}.")
        kind = match.lastgroup or ""
        if kind == "name" and keyword.iskeyword(match.group()):
            raise ExpressionError(f"'{match.group()}' at position {position + 1} is a reserved word, not a variable.")
        if kind != "space":
            tokens.append((kind, match.group(), position))
        position = match.end()
    return tokens


def _implicit_products(tokens: list[tuple[str, str, int]], multipliers: Collection[str] = ()) -> tuple[str, list[str]]:
    """Join tokens into Python syntax, writing ``^`` as ``**`` and adding the ``*`` of 2x, 3(x+y), (a)(b).

    A declared variable (in ``multipliers``) before ``(`` multiplies: x(y + 1) is x·(y + 1), with a note.
    """
    out: list[str] = []
    notes: list[str] = []
    previous: tuple[str, str, int] | None = None
    for index, token in enumerate(tokens):
        kind, value, _ = token
        if previous is not None:
            p_kind, p_value, _ = previous
            ends_operand = p_kind in ("number", "name") or p_value == ")"
            starts_operand = kind in ("number", "name") or value == "("
            is_call = p_kind == "name" and p_value in FUNCTIONS and value == "("
            if p_kind == "name" and value == "(" and not is_call and p_value in multipliers:
                notes.append(f"'{p_value}(…)' read as {p_value}·(…)")
            elif p_kind == "name" and value == "(" and not is_call and p_value not in CONSTANTS:
                raise ExpressionError(unknown_function(p_value, previous[2]))
            if p_kind == "name" and p_value in FUNCTIONS and kind in ("number", "name"):
                raise ExpressionError(_bare_function(p_value, previous[2], tokens[index:]))
            if ends_operand and starts_operand and not is_call:
                if p_kind == "number" and kind == "number":
                    raise ExpressionError(
                        f"Two numbers in a row at position {token[2] + 1}: put an operator between them."
                    )
                out.append("*")
        out.append("**" if value == "^" else value)
        previous = token
    return " ".join(out), notes


def unknown_function(name: str, position: int | None = None) -> str:
    """The message for a name used as a function that is not one: what to type instead when there is a way."""
    where = "" if position is None else f" at position {position + 1}"
    instead = UNSUPPORTED.get(name) or UNSUPPORTED.get(name.lower())
    if instead is not None:
        return f"'{name}(…)'{where} is not available here: {instead}."
    known = ", ".join(sorted(FUNCTIONS))
    return f"Unknown function '{name}'{where}. Allowed functions: {known}. To multiply, write {name}*(...)."


def _bare_function(name: str, position: int, rest: list[tuple[str, str, int]]) -> str:
    """The message for a function without parentheses: sin x is sin(x), but cos x y could be two things."""
    message = f"'{name}' at position {position + 1} is a function: write it with parentheses, as "
    arg = rest[0][1]
    if len(rest) > 2 and rest[1][1] in FUNCTIONS and rest[2][0] in ("number", "name"):  # sin x cos y
        after, its = rest[1][1], rest[2][1]
        return message + f"{name}({arg})*{after}({its}) or {name}({arg}*{after}({its})) (the two are different)."
    if len(rest) > 1 and rest[1][0] in ("number", "name"):
        after = rest[1][1]
        return message + f"{name}({arg}*{after}) or {name}({arg})*{after} (the two are different)."
    if len(rest) > 2 and rest[1][1] in ("^", "/") and rest[2][0] in ("number", "name"):  # sin x^2, log x/2
        op, after = rest[1][1], rest[2][1]
        return message + f"{name}({arg}{op}{after}) or {name}({arg}){op}{after} (the two are different)."
    return message + f"{name}({arg})."


def _check_depth(tokens: list[tuple[str, str, int]]) -> None:
    depth = 0
    for _, value, position in tokens:
        if value == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExpressionError(f"Parentheses nest too deeply at position {position + 1} (at most {MAX_DEPTH}).")
        elif value == ")":
            depth -= 1
            if depth < 0:
                raise ExpressionError(f"Unmatched ')' at position {position + 1}.")
    if depth:
        raise ExpressionError("Unbalanced parentheses: a '(' is never closed.")


def _number(text: str) -> sp.Expr:
    value = float(text)
    if not math.isfinite(value) or (value != 0 and not (1 / MAX_LITERAL <= abs(value) <= MAX_LITERAL)):
        raise ExpressionError(f"The number {text} is out of range (use magnitudes between 1e-15 and 1e15).")
    digits = re.sub(r"[eE].*", "", text).replace(".", "").lstrip("0")
    if len(digits) > 15:
        raise ExpressionError(f"The number {text} has too many digits (at most 15).")
    # Rationals keep the lesson's arithmetic exact: 0.1 is 1/10, not 0.1000000000000000055...
    return sp.Rational(text) if ("." in text or "e" in text.lower()) else sp.Integer(text)


def _power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    if exponent.is_number:
        if not exponent.is_real or abs(float(exponent)) > MAX_EXPONENT:
            raise ExpressionError(f"The exponent {exponent} must be a real number of size at most {MAX_EXPONENT}.")
        if base.is_number and base != 0:
            digits = abs(float(exponent)) * abs(math.log10(abs(complex(base)) or 1.0))
            if digits > MAX_RESULT_DIGITS:
                raise ExpressionError("That power is too large a number to work with.")
    elif base.is_number and base.is_positive and float(base) > 1e6:
        raise ExpressionError("A very large number raised to a variable power is not supported.")
    if base.is_number and base.is_negative and exponent.is_Rational and exponent.q % 2 == 1:
        # An odd root of a negative number is the real root, as written: (−8)^(1/3) = −2, not 1 + i√3.
        return (-1) ** int(exponent.p) * sp.Pow(-base, exponent)
    return sp.Pow(base, exponent)


class _Builder:
    """Walks a checked ``ast`` tree and builds the sympy expression, one allowed node type at a time."""

    def __init__(self, symbols: dict[str, sp.Symbol], typed_numbers: list[str], max_nodes: int = MAX_NODES) -> None:
        self.symbols = symbols
        self.typed_numbers = typed_numbers
        self.max_nodes = max_nodes
        self.nodes = 0
        self.notes: list[str] = []  # readings the tree shows: log(a, b) is log to base b

    def build(self, node: ast.AST, depth: int = 0) -> sp.Expr:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise ExpressionError(f"The formula is too large (more than {self.max_nodes} parts).")
        if depth > 2 * MAX_DEPTH:
            raise ExpressionError("The formula nests too deeply.")
        if isinstance(node, ast.Expression):
            return self.build(node.body, depth + 1)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return _number(self._typed(node.value))
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
            operand = self.build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            # Sums and products may be long; only powers, signs and calls count towards the depth.
            inner = depth + 1 if isinstance(node.op, ast.Pow) else depth
            left = self.build(node.left, inner)
            right = self.build(node.right, inner)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, ast.Div):
                if right == 0:
                    raise ExpressionError("Division by zero in the formula.")
                return left / right
            if isinstance(node.op, ast.Pow):
                return _power(left, right)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        raise ExpressionError("Only numbers, variables, + - * / ^ and the listed functions are allowed.")

    def _typed(self, value: float) -> str:
        # ast turns "0.1" into the float 0.1; take the digits as typed so Rational sees "0.1" exactly.
        for typed in self.typed_numbers:
            if float(typed) == value:
                return typed
        return repr(value)

    def _name(self, name: str) -> sp.Expr:
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise ExpressionError(f"'{name}' is a function: write {name}(...) with parentheses.")
        if not _NAME.match(name):
            raise ExpressionError(f"'{name}' is not a valid variable name.")
        if name not in self.symbols:
            if len(self.symbols) >= MAX_VARIABLES + 8:
                raise ExpressionError("Too many different names in the formula.")
            self.symbols[name] = sp.Symbol(name, real=True)
        return self.symbols[name]

    def _call(self, node: ast.Call, depth: int) -> sp.Expr:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else "that"
            raise ExpressionError(unknown_function(name))
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise ExpressionError("Functions take plain arguments only.")
        builder, arities = FUNCTIONS[node.func.id]
        if len(node.args) not in arities:
            expected = " or ".join(str(a) for a in arities)
            raise ExpressionError(f"{node.func.id}() takes {expected} argument(s), got {len(node.args)}.")
        args = [self.build(arg, depth + 1) for arg in node.args]
        if node.func.id == "log" and len(args) == 2:
            self.notes.append(f"log({args[0]}, {args[1]}) read as the logarithm of {args[0]} to base {args[1]}")
        elif node.func.id in LOG_BASES:
            base = LOG_BASES[node.func.id]
            self.notes.append(f"{node.func.id}({args[0]}) read as log({args[0]}, {base}), the logarithm to base {base}")
        return builder(*args)


class Reading(NamedTuple):
    """How a formula was read: the expression (for a rendered preview) and a note for each liberty taken."""

    expr: sp.Expr
    notes: tuple[str, ...] = ()


def read(
    text: str,
    variables: Sequence[str] | None = None,
    constants: dict[str, float] | None = None,
    *,
    max_length: int = MAX_LENGTH,
    max_nodes: int = MAX_NODES,
) -> Reading:
    """Text -> Reading(expr, notes) over real symbols, through the whitelist only.

    ``variables``, when given, are the names juxtaposed text may be split into (2xy is 2·x·y); without them
    any letters-only name that is not a function, a constant or a Greek name is split into single letters.

    >>> read("3x²y + 2xy", variables=("x", "y"))
    Reading(expr=3*x**2*y + 2*x*y, notes=("'xy' read as x·y",))
    >>> read("ycos(xy)").notes
    ("'ycos' read as y·cos", "'xy' read as x·y")
    """
    text = normalize(text, max_length)
    declared = None if variables is None else (*variables, *(constants or ()))
    keep = {*FUNCTIONS, *CONSTANTS, *(declared or ()), *(constants or ())}
    try:
        text, notes = bars(text, FUNCTIONS)
        text, base_notes = log_bases(text)
        tokens = tokenize(text)
        if not tokens:
            raise ExpressionError("The formula is empty.")
        _check_depth(tokens)
        tokens, teacher_notes = readings(tokens, FUNCTIONS, keep, declared)
        tokens, split_notes = split_names(tokens, keep, FUNCTIONS, CONSTANTS, declared)
    except AmbiguityError as error:
        raise ExpressionError(str(error)) from None
    notes += base_notes + teacher_notes + split_notes
    python_text, product_notes = _implicit_products(tokens, declared or ())
    try:
        tree = pyast.parse(python_text, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(_syntax_message(tokens)) from error
    except (RecursionError, MemoryError, ValueError) as error:
        raise ExpressionError("The formula is too complex to read.") from error
    symbols: dict[str, sp.Symbol] = {}
    builder = _Builder(symbols, [value for kind, value, _ in tokens if kind == "number"], max_nodes)
    expr = builder.build(tree)
    if not any("the logarithm to base" in note for note in notes):  # log_2(x) already said how it was read
        notes += builder.notes
    if constants:
        expr = expr.subs(
            {symbols[name]: _constant(name, value) for name, value in constants.items() if name in symbols}
        )
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ExpressionError("The formula divides by zero or is undefined everywhere.")
    if not isinstance(expr, sp.Expr):
        raise ExpressionError("The formula must be a single number-valued expression.")
    check_constants(expr)
    return Reading(expr, tuple(notes + product_notes))


def parse_expression(
    text: str, constants: dict[str, float] | None = None, variables: Sequence[str] | None = None
) -> sp.Expr:
    """Text -> sympy expression: the expression of ``read``.

    >>> parse_expression("3x^2 + 2xy")
    3*x**2 + 2*x*y
    >>> parse_expression("3x^2 + 2x y")
    3*x**2 + 2*x*y
    >>> parse_expression("(w1 + 2w2 - y)^2", constants={"y": 5})
    (w1 + 2*w2 - 5)**2
    """
    return read(text, variables, constants).expr


def check_constants(expr: sp.Expr) -> None:
    """Every constant in the expression must be a float that numpy can compute, or ExpressionError says which.

    >>> check_constants(sp.exp(sp.Integer(1000)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    core.parsing.ExpressionError: The constant exp(1000) cannot be computed with floating-point...
    """
    stack = [expr]
    while stack:
        node = stack.pop()
        if not node.is_number:
            stack.extend(node.args)
        elif node.is_Rational:
            try:
                value = float(node)
            except OverflowError:
                value = math.inf
            if not math.isfinite(value) or (value == 0 and node != 0):
                raise ExpressionError(
                    f"A constant in the formula, about {sp.N(node, 3)}, does not fit a floating-point number "
                    "(between about 1e-308 and 1e308 in size)."
                )
        elif not (node.is_NumberSymbol or node.is_Float or node == sp.I):
            _check_computable(node)


def _check_computable(node: sp.Expr) -> None:
    # The constant's true value, to 15 digits (sympy raises its working precision as needed): it must be a
    # finite number a float can hold. The compiled function then evaluates it on numpy's guarded path.
    try:
        value = complex(node.evalf(15))
        ok = math.isfinite(abs(value)) and (value != 0 or node.is_zero is not False)
    except (ArithmeticError, TypeError, ValueError, AttributeError):
        ok = False
    if not ok:
        shown = str(node) if len(str(node)) <= 60 else f"about {sp.N(node, 3)}"
        raise ExpressionError(
            f"The constant {shown} cannot be computed with floating-point numbers: use smaller numbers."
        )


def _constant(name: str, value: float) -> sp.Expr:
    if not math.isfinite(float(value)):
        raise ExpressionError(f"The constant {name} must be a finite number.")
    return sp.nsimplify(value, rational=True) if isinstance(value, float) else sp.sympify(int(value))


def _syntax_message(tokens: list[tuple[str, str, int]]) -> str:
    last_kind, last_value, _ = tokens[-1]
    if last_kind == "op" and last_value not in (")",):
        return f"The formula ends with '{last_value}': something is missing after it."
    for (_, a, position), (_, b, _) in itertools.pairwise(tokens):
        if a in "+-*/^" and b in "*/^)," and not (a == "*" and b == "*"):
            return f"'{a}' followed by '{b}' at position {position + 1} is not a valid formula."
        if a == "(" and b == ")":
            return f"Empty parentheses at position {position + 1}."
    if tokens[0][1] in "*/^),":
        return f"The formula cannot start with '{tokens[0][1]}'."
    return "That is not a valid formula: check the operators and parentheses."
