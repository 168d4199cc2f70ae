"""Practice: pose a partial derivative, check the student's answer, and say which rule was probably missed."""

from __future__ import annotations

import random
from typing import NamedTuple

import numpy as np
import sympy as sp

from core.function import Function, lambdify, parse, real_part, tree_size
from core.presets import PRESETS
from core.steps import MISTAKES, mistaken

LEVELS = ("easy", "medium", "hard")


class Exercise(NamedTuple):
    """Find ∂f/∂var for f given as text."""

    text: str
    var: str
    source: str  # "lesson", "preset" or the level of a generated one


class Verdict(NamedTuple):
    correct: bool
    message: str
    hint: str | None = None


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


def check(exercise: Exercise, answer: str, seed: int = 0) -> Verdict:
    """Symbolic equivalence first (simplify of the difference), numeric at random points if that is inconclusive.

    Raises ExpressionError for an answer that does not parse, so the page shows a parse message, not a verdict.
    """
    f = parse(exercise.text)
    index = f.names.index(exercise.var)
    var = f.variables[index]
    given = parse(answer, variables=f.names)
    symbolic = _simplifies_to_zero(given.expr - f.partials[index])
    if symbolic is True:
        return Verdict(True, "Correct! Your answer equals ∂f/∂" + var.name + ".")
    points = _sample(f, given, np.random.default_rng(seed))
    if points is None:
        return Verdict(False, "Could not compare: the functions are undefined at every test point.")
    grads = f.grad(*points.T)
    given_values = given(*points.T)
    close = np.isclose(given_values, grads[index], rtol=RTOL, atol=ATOL)
    if symbolic is None and close.all():
        return Verdict(True, "Correct! (Checked numerically at 12 random points.)")
    worst = int(np.argmax(~close)) if not close.all() else 0
    where = ", ".join(f"{n} = {v:.3g}" for n, v in zip(f.names, points[worst], strict=True))
    message = (
        f"Not quite. At ({where}) your answer gives {given_values[worst]:.6g}, "
        f"but ∂f/∂{var.name} = {grads[index][worst]:.6g}."
    )
    hint = _other_variable(f, index, given_values, grads) or _missed_rule(f, index, given_values, grads, points)
    return Verdict(False, message, hint)


RTOL, ATOL = 1e-8, 1e-10  # two numeric answers agree at a point within these


def _other_variable(f: Function, index: int, given_values: np.ndarray, grads: np.ndarray) -> str | None:
    """The answer is the partial in another variable: say so."""
    asked = f.names[index]
    for other, values in zip(f.names, grads, strict=True):
        if other != asked and np.allclose(given_values, values, rtol=RTOL, atol=ATOL):
            return f"That is ∂f/∂{other}: this exercise asks for ∂f/∂{asked}, with {other} held constant."
    return None


def _simplifies_to_zero(difference: sp.Expr) -> bool | None:
    """True if the difference is 0, False if it is a nonzero constant, None when simplify cannot decide cheaply."""
    if difference == 0 or sp.expand(difference) == 0:
        return True
    if tree_size(difference, 150) > 150:
        return None
    simplified = sp.simplify(difference)
    if simplified == 0:
        return True
    if simplified.is_number:
        return False
    return None


def _sample(f: Function, given: Function, rng: np.random.Generator) -> np.ndarray | None:
    """12 random points where f's partial and the answer are both defined."""
    for scale in (1.5, 0.7, 3.0):
        candidates = rng.uniform(-scale, scale, size=(200, len(f.names)))
        ok = np.isfinite(f.grad(*candidates.T)).all(axis=0) & np.isfinite(given(*candidates.T))
        if ok.sum() >= 12:
            return candidates[ok][:12]
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
