"""core.portable: f and ∇f as a tree for the browser, read from the server's own numpy code; only whitelisted
tokens, whatever the formula; the tree's numbers equal the server's."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import ExpressionError, parse
from core.portable import TOKENS, UnsupportedError, _read, evaluate, portable, portable_hessian, tokens
from core.presets import PRESETS
from tests.hostile import BOMBS, CRASHES, hostile_strings

# Legal formulas that reach every kind of node the printer writes: cse'd lets, a Piecewise (relu's step), sign,
# constants, rational powers, the activation functions, the reciprocal functions, variables named like functions.
LEGAL = [
    "x^2*y + sin(x*y)",
    "abs(x) + relu(y)",
    "sigmoid(x*y) + softplus(x - y)",
    "tan(x) + asin(y/4) + acos(x/4)",
    "x^(1/3) + sqrt(y)",
    "exp(x)*log(y) + ln(x)",
    "sinh(x) + cosh(y) + tanh(x*y)",
    "asinh(x) + acosh(y + 3) + atanh(x/9)",
    "atan(x) + pi*e*y",
    "x/y - 3*x*y^-2",
    "sec(x) + cot(y) + csc(x)",
    *[text for text, _ in CRASHES],
    *[p.text for p in PRESETS.values()],
]


def same(a: float, b: float) -> bool:
    """Equal as the server shows them: the same float, both NaN, or within a few units in the last place."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-13 * max(abs(a), abs(b))


@pytest.mark.parametrize("text", LEGAL)
def test_the_tree_gives_the_servers_values_and_gradient(text):
    f = parse(text)
    tree = portable(f)
    assert tree is not None, text
    assert tokens(tree) <= TOKENS
    rng = np.random.default_rng(len(text))
    for point in [*rng.uniform(-2.5, 2.5, size=(6, len(f.names))), np.zeros(len(f.names))]:
        value, grad = f.value_and_grad(*point)
        got = evaluate(tree, list(point))
        assert len(got) == 1 + len(f.names)
        for mine, theirs in zip(got, [float(value), *map(float, grad)], strict=True):
            assert same(mine, theirs), (text, point, mine, theirs)


def test_lesson_gradient_as_a_tree():
    tree = portable(parse("3*x**2 + 2*x*y + y**2"))
    assert evaluate(tree, [1.0, 2.0]) == [11.0, 10.0, 6.0]
    # The variables are inputs by position: no name of the formula's is in the tree.
    assert "x" in tokens(tree) and "y" not in tokens(tree)


def trees_of_the_hostile_corpora(make) -> list[tuple[str, dict, int]]:
    """(text, tree, number of variables) for each string of the corpora that becomes a Function with a tree."""
    made = []
    for text in [*hostile_strings("CANARY_PATH"), *BOMBS, *[t for t, _ in CRASHES], "gamma + beta - zeta"]:
        try:
            f = parse(text)
        except ExpressionError:
            continue
        tree = make(f)
        if tree is not None:
            made.append((text, tree, len(f.names)))
    return made


def assert_whitelisted(text: str, tree: dict, variables: int) -> None:
    assert tokens(tree) <= TOKENS, text
    assert_numbers_finite(tree)
    assert_indices_in_range(tree, variables)


def test_every_hostile_corpus_makes_only_whitelisted_trees_or_none():
    """Each string of the corpora either never becomes a Function (ExpressionError), or its tree holds only the
    whitelist's strings and finite numbers."""
    made = trees_of_the_hostile_corpora(portable)
    for text, tree, variables in made:
        assert_whitelisted(text, tree, variables)
    assert len(made) >= len(CRASHES)


@pytest.mark.parametrize("text", LEGAL)
def test_the_hessians_tree_gives_the_servers_hessian(text):
    """H's tree (the curvature map's eigen-axes while dragging) is read from the source the server compiles for H:
    its entries are the server's H(P), or there is no tree (a kink's δ) and the preview of H is off."""
    f = parse(text)
    tree = portable_hessian(f)
    if tree is None:
        assert "DiracDelta" in f.second.compiled.source, text  # the one thing the browser has no rule for
        return
    assert tokens(tree) <= TOKENS
    rng = np.random.default_rng(len(text))
    for point in [*rng.uniform(-2.5, 2.5, size=(4, len(f.names))), np.zeros(len(f.names))]:
        got = evaluate(tree, list(point))
        for mine, theirs in zip(got, f.hessian_at(point).ravel(), strict=True):
            assert same(mine, float(theirs)), (text, point, mine, theirs)


def test_the_lessons_hessian_as_a_tree():
    assert evaluate(portable_hessian(parse("3*x**2 + 2*x*y + y**2")), [1.0, 2.0]) == [6.0, 2.0, 2.0, 2.0]
    assert portable_hessian(parse("abs(x) + y")) is None  # d²|x|/dx² = 2δ(x): the server's, on release


def test_every_hostile_corpus_makes_only_whitelisted_hessian_trees_or_none():
    made = trees_of_the_hostile_corpora(portable_hessian)
    for text, tree, variables in made:
        assert_whitelisted(text, tree, variables)
        assert len(tree["out"]) == variables**2
    assert len(made) >= len(CRASHES) // 2


def assert_numbers_finite(tree):
    if isinstance(tree, float):
        assert math.isfinite(tree)
    elif isinstance(tree, dict):
        for value in tree.values():
            assert_numbers_finite(value)
    elif isinstance(tree, list):
        for value in tree:
            assert_numbers_finite(value)


def assert_indices_in_range(tree, inputs: int, lets: int | None = None):
    if isinstance(tree, dict):
        assert tree["inputs"] == inputs
        for j, let in enumerate(tree["lets"]):
            assert_indices_in_range(let, inputs, j)  # a let reads only the lets before it
        for out in tree["out"]:
            assert_indices_in_range(out, inputs, len(tree["lets"]))
    elif isinstance(tree, list) and tree:
        if tree[0] == "x":
            assert isinstance(tree[1], int) and 0 <= tree[1] < inputs
        elif tree[0] == "t":
            assert isinstance(tree[1], int) and 0 <= tree[1] < lets
        else:
            for part in tree[1:]:
                assert_indices_in_range(part, inputs, lets)


@pytest.mark.parametrize(
    "source",
    [
        "def f(_v0):\n    return [__import__('os')]\n",
        "def f(_v0):\n    return [_v0.real]\n",
        "def f(_v0):\n    return [eval('1')]\n",
        "def f(_v0):\n    return [sin(_v0, 2)]\n",
        "def f(_v0):\n    return [sin(x=_v0)]\n",
        "def f(_v0):\n    return [_v0 % 2.0]\n",
        "def f(_v0):\n    return [[1.0][0]]\n",
        "def f(_v0):\n    return ['text']\n",
        "def f(_v0):\n    x0 = _v0\n    x0 = 1.0\n    return [x0]\n",
        "def f(_v0):\n    import os\n    return [1.0]\n",
        "def f(_v0):\n    return [select([_v0], [1.0], default=nan)]\n",
        "def f(_v0):\n    return [(lambda: 1.0)()]\n",
    ],
)
def test_anything_outside_the_whitelist_is_refused(source):
    with pytest.raises(UnsupportedError):
        _read(source)
