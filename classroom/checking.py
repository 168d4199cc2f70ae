"""A typed derivative marked for the class: core's practice checker says right or wrong, and wrong answers get
the key of their equivalence class, so the lecturer sees equal answers as one group whatever their form.

Runs in core's limited worker (``core.worker.run(mark, ...)``), like the practice page's own check.
"""

from __future__ import annotations

import functools
import hashlib
from typing import NamedTuple

import mpmath as mp

from core.equivalence import PRECISION, evaluator
from core.function import Function, parse
from core.practice import Verdict, check_answer, read_answer

CORRECT = "correct"  # the class of every answer the checker accepts
# Fixed points away from 0 and from each other's multiples, at the checker's growing scales: two answers
# that take the same values at all of them (to 20 digits) are one class; the checker itself compares at more.
_COORDINATES = (0.6180339887, -1.4142135624, 1.7320508076, -0.5772156649, 2.7182818285, -0.3183098862, 1.0986122887)
_SCALES = (1.0, 1.0, 4.0, 16.0)
POINTS = 8
DIGITS = 20
ZERO = mp.mpf("1e-30")  # a value this small is 0 (cancellation leaves such residues in one form of 0 and not another)


class Mark(NamedTuple):
    """The checker's verdict on one answer and the key of its class (CORRECT, or 16 hex digits)."""

    verdict: Verdict
    key: str


@functools.lru_cache(maxsize=64)
def _function(text: str) -> Function:
    return parse(text)


def points(dimensions: int) -> list[tuple[float, ...]]:
    """The POINTS fixed points in ``dimensions`` variables.

    >>> points(2)[:2]
    [(0.6180339887, -1.4142135624), (1.7320508076, -0.5772156649)]
    """
    found = []
    for k in range(POINTS):
        scale = _SCALES[k % len(_SCALES)]
        found.append(tuple(scale * _COORDINATES[(k * dimensions + i) % len(_COORDINATES)] for i in range(dimensions)))
    return found


def fingerprint(text: str, var: str, answer: str) -> str:
    """The class key of an answer to ∂f/∂var: its values at the fixed points, in 50-digit arithmetic, hashed."""
    f = _function(text)
    given = read_answer(text, var, answer).expr
    at = evaluator(f.variables, [given])
    shown = []
    for point in points(len(f.variables)):
        (value,) = at(point, PRECISION)
        if value is None:
            shown.append("undefined")
        else:
            shown.append("0" if abs(value) < ZERO else mp.nstr(value, DIGITS, min_fixed=1, max_fixed=0))
    return hashlib.sha256("|".join(shown).encode()).hexdigest()[:16]


def mark(text: str, var: str, answer: str) -> Mark:
    """The verdict of core.practice.check_answer and the answer's class. ExpressionError for an unreadable answer.

    >>> mark("3*x**2 + 2*x*y + y**2", "x", "2(3x + y)").key
    'correct'
    >>> wrong = mark("3*x**2", "x", "3x")
    >>> wrong.verdict.correct, wrong.key == mark("3*x**2", "x", "x + 2x").key != mark("3*x**2", "x", "2x").key
    (False, True)
    """
    verdict = check_answer(text, var, answer)
    return Mark(verdict, CORRECT if verdict.correct else fingerprint(text, var, answer))
