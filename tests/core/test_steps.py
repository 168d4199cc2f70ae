"""Derivation steps: every step names a rule, and the walker's result equals sympy.diff (simplify of the difference)."""

import pytest
import sympy as sp

from core import PRESETS, parse
from core.practice import LEVELS, generate
from core.steps import MISTAKES, derivation, mistaken

# Textbook functions of two variables: every rule, alone and combined.
CORPUS = [
    "x",
    "y",
    "7",
    "x + y",
    "3*x - 2*y + 5",
    "x^2",
    "x^5 - 4x^3 + x",
    "x^2*y^3",
    "5x*y",
    "x^2 + y^2",
    "(x + y)^2",
    "(2x - 3y)^5",
    "sqrt(x)",
    "sqrt(x^2 + y^2)",
    "1/x",
    "1/(x + y)",
    "x/y",
    "y/x",
    "x/(x^2 + 1)",
    "(x + 1)/(x - 1)",
    "x*y/(x + y)",
    "exp(x)",
    "exp(x*y)",
    "exp(-x^2 - y^2)",
    "x*exp(y)",
    "2^x",
    "e^(x + y)",
    "log(x)",
    "ln(x*y)",
    "log(x^2 + y^2 + 1)",
    "log(x, 2)",
    "sin(x)",
    "cos(y)",
    "tan(x)",
    "sin(x)*cos(y)",
    "sin(x*y)",
    "cos(x^2 + y)",
    "tan(x*y)^2",
    "sin(x)^2 + cos(x)^2",
    "asin(x/2)",
    "acos(y/3)",
    "atan(y/x)",
    "sinh(x)",
    "cosh(x*y)",
    "tanh(x - y)",
    "abs(x)",
    "abs(x*y - 1)",
    "sigmoid(x)",
    "sigmoid(2x + 3y)",
    "relu(x)",
    "relu(x - y)*y",
    "x^y",
    "x^x",
    "y^(x^2)",
    "x*sin(x)*exp(x)",
    "x^2*log(y)*cos(x*y)",
    "(x^2 + y)^3 * sin(x)",
    "exp(sin(x*y))",
    "log(cos(x)^2 + 2)",
    "sqrt(1 + exp(x*y))",
    "x^3*y - x*y^3",
    "(x - 1)^2 + 100(y - x^2)^2",
    "sigmoid(x*y)*(1 - sigmoid(x*y))",
    "x^(1/3)",
    "sin(x)/x",
    "exp(x)/(1 + exp(x))",
]
LESSON = ["3*x**2 + 2*x*y + y**2", "x**2*y + sin(x*y)", "(w1 + 2*w2 - y)**2"]


def test_corpus_has_at_least_fifty_functions():
    assert len(set(CORPUS)) >= 50


def _check(text: str) -> None:
    f = parse(text, variables=("x", "y")) if set(parse(text).names) <= {"x", "y"} else parse(text)
    for var in f.variables:
        steps = derivation(f.expr, var)
        assert steps[-1].rule == "result"
        assert all(step.rule and step.latex for step in steps)
        assert all(":" in step.rule for step in steps[:-1]), [s.rule for s in steps]
        assert sp.simplify(steps[-1].after - sp.diff(f.expr, var)) == 0, (text, var)


@pytest.mark.parametrize("text", CORPUS)
def test_textbook_function(text):
    _check(text)


@pytest.mark.parametrize("text", LESSON)
def test_lessons_functions(text):
    _check(text)


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_preset(key):
    _check(PRESETS[key].text)


@pytest.mark.parametrize("level", LEVELS)
def test_generated_exercises(level):
    for seed in range(8):
        _check(generate(level, seed).text)


def test_the_lessons_steps_name_the_rules_a_student_uses():
    x, y = sp.symbols("x y", real=True)
    rules = [s.rule.split(":")[0] for s in derivation(x**2 * y + sp.sin(x * y), x)]
    assert "chain rule with the sine rule" in rules
    assert "power rule" in rules and "sum rule" in rules
    constant = [s for s in derivation(3 * x**2 + 2 * x * y + y**2, x) if s.rule.startswith("constant rule")]
    assert constant[0].rule.startswith("constant rule (y held constant)")
    assert constant[0].after == 0


@pytest.mark.parametrize(
    ("text", "mistake", "wrong"),
    [
        ("sin(x*y)", "chain rule", "cos(x*y)"),
        ("x*sin(x)", "product rule", "cos(x)"),
        ("x/(x + 1)", "quotient rule", "(2*x + 1)/(x + 1)**2"),
        ("x^3", "power rule", "3*x^3"),
        ("x + y^2", "constant rule", "1 + 2*y"),
        ("5*x^2", "constant multiple rule", "2*x"),
    ],
)
def test_each_mistake_produces_the_classic_wrong_answer(text, mistake, wrong):
    f = parse(text, variables=("x", "y"))
    assert mistake in MISTAKES
    assert sp.simplify(mistaken(f.expr, f.variables[0], mistake) - parse(wrong, variables=("x", "y")).expr) == 0
