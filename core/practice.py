"""Practice: pose a partial derivative, check the student's answer, and say which rule was probably missed."""

from __future__ import annotations

import functools
import itertools
import random
import re
from collections.abc import Sequence
from typing import NamedTuple

import mpmath as mp
import numpy as np
import sympy as sp

from core.equivalence import PRECISION, Comparison, compare, differ, evaluator, tame
from core.function import Function, lambdify, parse, real_part, to_latex, tree_size
from core.parsing import MAX_LENGTH, MAX_NODES, ExpressionError, Reading, read
from core.presets import PRESETS
from core.special import relu
from core.steps import MISTAKES, mistaken

LEVELS = ("easy", "medium", "hard")


class Exercise(NamedTuple):
    """Find ∂f/∂var for f given as text."""

    text: str
    var: str
    source: str  # "lesson", "preset" or the level of a generated one


class Verdict(NamedTuple):
    """The checker's answer: plain values only, so it can cross a process boundary."""

    correct: bool
    message: str
    hint: str | None = None
    latex: str = ""  # the answer as it was read, for a rendered preview
    notes: tuple[str, ...] = ()  # how juxtaposed names were split


LESSON = [
    Exercise("3*x**2 + 2*x*y + y**2", "x", "lesson"),
    Exercise("3*x**2 + 2*x*y + y**2", "y", "lesson"),
    Exercise("x**2*y + sin(x*y)", "x", "lesson"),
    Exercise("x**2*y + sin(x*y)", "y", "lesson"),
    Exercise("(w1 + 2*w2 - 5)**2", "w1", "lesson"),
    Exercise("(w1 + 2*w2 - 5)**2", "w2", "lesson"),
]


def generate(level: str, seed: int) -> Exercise:
    """A fresh exercise of the given level, reproducible from the seed."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    rng = random.Random(f"{level}-{seed}")
    a, b, c = (rng.randint(2, 9) for _ in range(3))
    n, m = rng.randint(2, 5), rng.randint(2, 4)
    fn = rng.choice(["sin", "cos", "exp"])
    templates = {
        "easy": [
            f"{a}*x**{n} + {b}*x*y + {c}*y**{m}",
            f"{a}*x**{n}*y + {b}*y**{m}",
            f"{a}*x*y**{m} - {b}*x**{n} + {c}",
            f"x**{n}*y**{m} + {a}*x",
        ],
        "medium": [
            f"{fn}({a}*x*y) + x**{n}",
            f"x**{n}*{fn}(y) + {b}*x*y",
            f"exp({a}*x + {b}*y) * y",
            f"({a}*x + y**{m})**{n}",
            f"sqrt(x**2 + {a}*y**2)",
        ],
        "hard": [
            f"x*y/(x**2 + {a})",
            f"log({a}*x**2 + y**2 + 1)",
            f"{fn}(x**{n}*y) * exp(-x*y)",
            "atan(y/x) + x*exp(x*y)",
            f"sigmoid({a}*x + {b}*y) * x",
        ],
    }
    text = rng.choice(templates[level])
    var = rng.choice(["x", "y"])
    return Exercise(text, var, level)


def preset_exercises() -> list[Exercise]:
    return [Exercise(p.text, parse(p.text).names[0], "preset") for p in PRESETS.values()]


@functools.lru_cache(maxsize=64)
def _function(text: str) -> Function:
    # Exercises come from a small pool; parsing and differentiating one costs more than checking an answer.
    return parse(text)


def placeholder(names: Sequence[str]) -> str:
    """How to type an answer, with no formula in it: a sample formula may be some exercise's answer."""
    return f"a formula in {', '.join(names)}: ^ for powers, * or nothing for times, sin(…) for functions"


def answer_limits(text: str, var: str) -> tuple[int, int]:
    """(characters, parts) an answer may have: bounded by the derivative's size, so every exercise can be answered.

    >>> answer_limits("3*x**2 + 2*x*y + y**2", "x")
    (200, 120)
    """
    f = _function(text)
    return _limits(f, f.names.index(var))


def _limits(f: Function, index: int) -> tuple[int, int]:
    # Six parts per node of ∂f/∂v or f (a hand-factored form is larger than sympy's), about 8 characters each.
    nodes = max(MAX_NODES, 6 * max(tree_size(f.partials[index], 10**4), tree_size(f.expr, 10**4)))
    return (MAX_LENGTH if nodes == MAX_NODES else 8 * nodes), nodes


def read_answer(text: str, var: str, answer: str) -> Reading:
    """The answer read over the exercise's variables (2xy is 2·x·y), within the exercise's limits."""
    f = _function(text)
    return _read_answer(f, f.names.index(var), answer)


def _read_answer(f: Function, index: int, answer: str) -> Reading:
    length, nodes = _limits(f, index)
    reading = read(answer, variables=f.names, max_length=length, max_nodes=nodes)
    unknown = sorted(s.name for s in reading.expr.free_symbols if s.name not in f.names)
    if unknown:
        hint = _unknown_hint(unknown[0], f.names)
        raise ExpressionError(
            f"Unknown variable {', '.join(unknown)}: this exercise's f uses {', '.join(f.names)}.{hint}"
        )
    return reading


def _unknown_hint(name: str, names: Sequence[str]) -> str:
    """What a name made of the exercise's variables and digits probably meant: x2 is x^2 or x·2, x3y is x^3·y."""
    variables = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    parts = re.fullmatch(rf"((?:{variables})*?)({variables})(\d+)((?:{variables})*)", name)
    if parts is None:
        return ""
    head, base, digits, rest = (re.findall(variables, g) if i in (0, 3) else g for i, g in enumerate(parts.groups()))
    power = "*".join(p for p in (*head, f"{base}^{digits}", *rest) if p)
    product = "*".join(p for p in (*head, base, digits, *rest) if p) if head or rest else f"{digits}*{base}"
    return f" For {base} to the power {digits} write {power}; for a product write {product}."


def check_answer(text: str, var: str, answer: str, seed: int | None = None) -> Verdict:
    """Is ``answer`` ∂f/∂var for f given as ``text``? Plain values in, a picklable Verdict out.

    Exact symbolic equivalence first; else core.equivalence's high-precision comparison at points drawn afresh
    for each check (``seed`` fixes them, for a test). The message says how it was decided. Raises
    ExpressionError for an answer that does not parse, so the page shows a parse message.

    >>> check_answer("3*x**2 + 2*x*y + y**2", "x", "2(3x + y)").correct
    True
    >>> check_answer("x*(atan(1/2) + atan(1/3))", "x", "pi/4").correct
    True
    """
    f = _function(text)
    index = f.names.index(var)
    target = f.partials[index]
    reading = _read_answer(f, index, answer)
    given = reading.expr
    shown = dict(latex=to_latex(given), notes=reading.notes)
    result = compare(f.variables, given, target, f.expr, seed)
    how = _how(result)
    if result.equal:
        return Verdict(True, f"Correct! Your answer equals ∂f/∂{var}. {how}", **shown)
    if result.how == "undecided":
        return Verdict(
            False,
            f"Could not compare: ∂f/∂{var} is undefined at almost every point drawn, even after a search of f's "
            "domain.",
            **shown,
        )
    at = evaluator(f.variables, [f.expr, target, given])
    explained = _explain_at(f, at, [target, given], result)
    if explained is None:
        difference = sp.sstr(result.difference) if result.difference is not None else "a nonzero amount"
        message = f"Not quite. Your answer and ∂f/∂{var} differ by {difference} everywhere. {how}"
    else:
        point, expected, got = explained
        where = ", ".join(f"{n} = {_short(v)}" for n, v in zip(f.names, point, strict=True))
        if got is None:
            message = (
                f"Not quite. At ({where}) your answer is undefined, but ∂f/∂{var} = {_pair(expected, expected)[0]}."
            )
        else:
            shown_got, shown_expected = _pair(got, expected)
            message = f"Not quite. At ({where}) your answer gives {shown_got}, but ∂f/∂{var} = {shown_expected}."
            if shown_got == shown_expected:  # a tiny term: the difference itself, at a precision that holds it
                gap = _gap(f, [target, given], point)
                message = (
                    f"Not quite. At ({where}) your answer is ∂f/∂{var} {'+ ' if gap > 0 else '− '}"
                    f"{mp.nstr(abs(gap), 3)}: an extra term, however small, makes a different answer."
                )
        message += f" {how}"
    hint = _hint(f, index, given, result)
    return Verdict(False, message, hint, **shown)


def _gap(f: Function, exprs: list[sp.Expr], point: tuple[float, ...]) -> mp.mpf:
    """answer − ∂f at the point, at the precision that separates them (up to 1000 digits)."""
    residual = sp.expand(exprs[1] - exprs[0]) if tree_size(exprs[1] - exprs[0], 600) < 600 else exprs[1] - exprs[0]
    at = evaluator(f.variables, [residual])
    for dps in (60, 200, 1000):
        (gap,) = at(point, dps)
        if gap is not None and gap != 0:
            return gap
    return mp.mpf(0)


def _how(result: Comparison) -> str:
    """How the checker decided, for the student: exactly, or at how many random points."""
    if result.how == "exact":
        if result.equal:
            return "(Decided exactly: sympy simplifies the difference to 0.)"
        return "(Decided exactly: the difference does not cancel to 0.)"
    bands = "from near 0 up to 10⁶, where f is defined" if "10⁶" in result.reason else "inside f's small domain"
    if result.equal:
        return f"(Equal at {len(result.points)} points drawn at random for this check, {bands}, to {PRECISION} digits.)"
    return f"(Decided with numbers: they differ at a point drawn at random for this check, {bands}.)"


def check(exercise: Exercise, answer: str, seed: int | None = None) -> Verdict:
    """check_answer for an Exercise."""
    return check_answer(exercise.text, exercise.var, answer, seed)


RTOL, ATOL = 1e-8, 1e-10  # a hint's float comparison: two values agree within these
APPROXIMATE = 6  # an answer that agrees with the derivative on this many digits everywhere is a rounding


def _explain_at(
    f: Function, at: object, exprs: list[sp.Expr], result: Comparison
) -> tuple[tuple[float, ...], mp.mpf, mp.mpf | None] | None:
    """The simplest point where f is defined and the answer visibly differs: integers first, nonzero first.
    None when they differ by less than the digits shown at every such point (a tiny term, decided exactly)."""
    kinks = [a.args[0] for e in exprs for a in e.atoms(sp.Abs, sp.Heaviside, sp.sign, relu)]
    kink_at = evaluator(f.variables, kinks) if kinks else None
    grid = sorted(
        itertools.product(range(-3, 4), repeat=len(f.names)),
        key=lambda p: (sum(v == 0 for v in p), sum(map(abs, p)), [v < 0 for v in p], p),
    )
    candidates = [p for p in [*grid[:400], result.mismatch] if p is not None]
    for point, ok in zip(candidates, tame(f.variables, [f.expr, *exprs], candidates), strict=True):
        if not ok:
            continue
        values = at(point)  # type: ignore[operator]
        fv, expected, got = values
        if fv is None or expected is None:
            continue
        if kink_at is not None and point != result.mismatch and any(v == 0 for v in kink_at(point)):
            continue  # at a kink the derivative's value is a convention, not a lesson
        if got is None or point == result.mismatch or (differ(got, expected, SHOWN) and _real_gap(at, point)):
            return tuple(float(v) for v in point), expected, got
    return None


def _real_gap(at: object, point: tuple[float, ...]) -> bool:
    """The answer and ∂f differ at ``point`` by the same amount with 70 more digits: not rounding noise (which
    made "your answer gives −3.6e-71, but ∂f/∂x = 0" where the two are equal)."""
    gaps = []
    for dps in (PRECISION, PRECISION + 70):
        _, expected, got = at(point, dps)  # type: ignore[operator]
        if expected is None or got is None:
            return False
        gaps.append(got - expected)
    return gaps[1] != 0 and abs(gaps[0] - gaps[1]) <= mp.mpf("1e-10") * abs(gaps[1])


SHOWN = 40  # the most digits a message shows; differences beyond them are told as the exact difference


def _short(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def _pair(a: mp.mpf, b: mp.mpf) -> tuple[str, str]:
    """Both numbers with just enough digits to tell them apart (never the same string for different values)."""
    for digits in (6, 10, 15, 20, 30, SHOWN):
        left, right = (mp.nstr(v, digits, min_fixed=-5, max_fixed=10).removesuffix(".0") for v in (a, b))
        if left != right:
            break
    return left, right


def _hint(f: Function, index: int, given: sp.Expr, result: Comparison) -> str | None:
    if result.digits >= APPROXIMATE:
        return (
            f"Your answer agrees with ∂f/∂{f.names[index]} to {result.digits} digits but is not equal to it. Answers "
            "are checked exactly: a rounded decimal (3.14159 for π) or a tiny extra term makes a different answer. "
            "Write π as pi, fractions as 1/3, √2 as sqrt(2)."
        )
    if not result.points:
        return None  # decided exactly with no point of f's domain at hand: nothing to compare a rule at
    points = np.array(result.points, dtype=float)
    with np.errstate(all="ignore"):
        given_values = np.broadcast_to(real_part(np.asarray(lambdify(f.variables, given)(*points.T))), len(points))
    grads = f.grad(*points.T)
    return (
        _dropped_term(f, index, given_values, points)
        or _other_variable(f, index, given_values, grads)
        or _missed_rule(f, index, given_values, grads, points)
    )


def _dropped_term(f: Function, index: int, given_values: np.ndarray, points: np.ndarray) -> str | None:
    """The answer is the derivative with one of its terms left out: name the term and why it stays."""
    var = f.variables[index]
    terms = sp.Add.make_args(sp.expand(f.partials[index]))
    if not 1 < len(terms) <= 12:
        return None
    for missing in terms:
        rest = f.partials[index] - missing
        with np.errstate(all="ignore"):
            values = np.broadcast_to(real_part(np.asarray(lambdify(f.variables, rest)(*points.T))), len(points))
        if np.allclose(given_values, values, rtol=RTOL, atol=ATOL):
            others = sorted(s.name for s in missing.free_symbols if s != var)
            why = (
                f"a term with both {var.name} and {', '.join(others)} keeps {', '.join(others)} as a constant "
                f"factor when you differentiate in {var.name}; it does not vanish"
                if others and var in _sources(f.expr, missing)
                else "check each term of f again"
            )
            return f"You left out the term {sp.sstr(missing)} of ∂f/∂{var.name}: {why}."
    return None


def _sources(expr: sp.Expr, term: sp.Expr) -> set[sp.Symbol]:
    # The variables of f's terms that share a variable with the missing term.
    shared = term.free_symbols
    return {s for t in sp.Add.make_args(sp.expand(expr)) if t.free_symbols & shared for s in t.free_symbols}


def _other_variable(f: Function, index: int, given_values: np.ndarray, grads: np.ndarray) -> str | None:
    """The answer is the partial in another variable: say so."""
    asked = f.names[index]
    for other, values in zip(f.names, grads, strict=True):
        if other != asked and np.allclose(given_values, values, rtol=RTOL, atol=ATOL):
            return f"That is ∂f/∂{other}: this exercise asks for ∂f/∂{asked}, with {other} held constant."
    return None


def _missed_rule(f: Function, index: int, given_values: np.ndarray, grads: np.ndarray, points: np.ndarray) -> str:
    """Compare the answer with derivatives that misapply one rule; the first that matches names the likely slip."""
    var = f.variables[index]
    advice = {
        "chain rule": "multiply by the derivative of the inside function (chain rule)",
        "product rule": "use (u·w)′ = u′w + u w′ — not u′·w′ (product rule)",
        "quotient rule": "mind the minus sign in (u′w − u w′)/w² (quotient rule)",
        "power rule": "lower the exponent by one: (xⁿ)′ = n·xⁿ⁻¹ (power rule)",
        "constant rule": f"treat the other variables as constants while differentiating in {var.name} (constant rule)",
        "constant multiple rule": "keep constant factors: (c·u)′ = c·u′ (constant multiple rule)",
    }
    for mistake in MISTAKES:
        with np.errstate(all="ignore"):
            wrong = real_part(np.asarray(lambdify(f.variables, mistaken(f.expr, var, mistake))(*points.T)))
        wrong = np.broadcast_to(wrong, given_values.shape)
        same_as_answer = np.allclose(given_values, wrong, rtol=RTOL, atol=ATOL)
        if same_as_answer and not np.allclose(wrong, grads[index], rtol=RTOL, atol=ATOL):
            return f"It looks like a slip in the {mistake}: {advice[mistake]}."
    return "Compare your answer with the derivation's steps, one rule at a time."


class Question(NamedTuple):
    """A check-yourself question: the prompt a student reads (markdown, $…$ for math) and the partial derivative
    that answers it, checked by ``check``."""

    prompt: str
    exercise: Exercise


def _q(prompt: str, text: str, var: str) -> Question:
    return Question(prompt, Exercise(text, var, "check"))


# Two or three questions per idea of the lesson, each answered by a partial derivative the checker knows.
CHECK_YOURSELF: dict[str, tuple[Question, ...]] = {
    "partials": (
        _q("$f = 3x^2 + 2xy + y^2$. Holding y constant, $\\partial f/\\partial x$ =", "3*x**2 + 2*x*y + y**2", "x"),
        _q("$f = x^2y + \\sin(xy)$. Holding x constant, $\\partial f/\\partial y$ =", "x**2*y + sin(x*y)", "y"),
    ),
    "gradient": (
        _q("$f = x^2 + 3y^2$. The first component of $\\nabla f$, $\\partial f/\\partial x$ =", "x**2 + 3*y**2", "x"),
        _q("The second component of the same $\\nabla f$, $\\partial f/\\partial y$ =", "x**2 + 3*y**2", "y"),
        _q("$f = x\\,e^{y}$. The second component of $\\nabla f$ =", "x*exp(y)", "y"),
    ),
    "several_weights": (
        _q("$L = (w_1 + 2w_2 - 5)^2$. $\\partial L/\\partial w_1$ =", "(w1 + 2*w2 - 5)**2", "w1"),
        _q("The same loss: $\\partial L/\\partial w_2$ =", "(w1 + 2*w2 - 5)**2", "w2"),
        _q(
            "Two examples: $L = (w_1 + 2w_2 - 5)^2 + (w_1 + w_2 - 3)^2$. $\\partial L/\\partial w_1$ =",
            "(w1 + 2*w2 - 5)**2 + (w1 + w2 - 3)**2",
            "w1",
        ),
    ),
    "total_derivative": (
        _q("$z = x^2y$ with $y = x^2$. The total derivative $dz/dx$ (in x alone) =", "x**2*x**2", "x"),
        _q("$z = xy$ with $y = \\sin x$. The total derivative $dz/dx$ (in x alone) =", "x*sin(x)", "x"),
        _q("$z = x^2y$ again, but the partial: holding y constant, $\\partial z/\\partial x$ =", "x**2*y", "x"),
    ),
    "descent": (
        _q("$f = (x - 1)^2 + 10y^2$. The step uses $\\partial f/\\partial x$ =", "(x - 1)**2 + 10*y**2", "x"),
        _q("…and $\\partial f/\\partial y$ =", "(x - 1)**2 + 10*y**2", "y"),
    ),
    "curvature": (
        _q(
            "$f = 3x^2 + 2xy + y^2$ has $\\partial f/\\partial x = 6x + 2y$. The Hessian entry "
            "$\\partial^2 f/\\partial x^2 = \\partial/\\partial x\\,(6x + 2y)$ =",
            "6*x + 2*y",
            "x",
        ),
        _q(
            "The mixed entry $\\partial^2 f/\\partial y\\,\\partial x = \\partial/\\partial y\\,(6x + 2y)$ =",
            "6*x + 2*y",
            "y",
        ),
    ),
    "backprop": (
        _q("$L = (2w - 1)^2$. By the chain rule, $\\partial L/\\partial w$ =", "(2*w - 1)**2", "w"),
        _q(
            "$a = \\sigma(3w_1 + 2w_2)$, a neuron with inputs 3 and 2. $\\partial a/\\partial w_1$ "
            "(write σ as sigmoid) =",
            "sigmoid(3*w1 + 2*w2)",
            "w1",
        ),
    ),
    "regression": (
        _q(
            "A line through one point (x, y) = (2, 5): $L = (2w_1 + w_2 - 5)^2$. $\\partial L/\\partial w_1$ =",
            "(2*w1 + w2 - 5)**2",
            "w1",
        ),
        _q("The same loss: $\\partial L/\\partial w_2$ =", "(2*w1 + w2 - 5)**2", "w2"),
    ),
}
