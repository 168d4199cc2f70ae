"""The parser cannot be tricked: hostile text is rejected with ExpressionError, nothing runs, nothing hangs."""

import contextlib

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from core import ComplexityError, ExpressionError, parse
from core.parsing import MAX_LENGTH
from tests.hostile import hostile_strings

CORPUS = hostile_strings("CANARY_PATH")


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 40
    assert len(set(CORPUS)) == len(CORPUS)


@pytest.mark.timeout(10)
def test_every_hostile_string_is_rejected_and_the_canary_survives(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    canary = tmp_path / "canary"
    for text in hostile_strings(str(canary)):
        with pytest.raises(ExpressionError) as info:
            parse(text)
        assert str(info.value), text
        assert "Traceback" not in str(info.value)
    assert not canary.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("x__class__", "underscores"),
        ("x.real", "dot"),
        ("x == 1", "equation"),
        ("9**9**9", "exponent"),
        ("x" + "+x" * 150, "too long"),
        ("(" * 13 + "x" + ")" * 13, "nest"),
        ("-" * 30 + "x", "nests too deeply"),
        ("foo(x)", "Unknown function 'foo'"),
        ("sin x", "is a function"),
        ("x +", "ends with '+'"),
        ("(x + y", "never closed"),
        ("1e400", "out of range"),
        ("99999999999999999999 * x", "out of range"),
        ("x\x00", "U+0000"),
        ("x\u202e+y", "U+202E"),
        ("lambda: 1", "reserved word"),
        ("a: 1", "':'"),
        ("import os", "reserved word"),
        ("x/0", "Division by zero"),
        ("log(0)", "undefined"),
        ("a + b + c + d + f + g + h", "at most 6"),
        ("2 3", "Two numbers"),
    ],
)
def test_each_bound_has_its_own_clear_message(text, fragment):
    with pytest.raises(ExpressionError, match=None) as info:
        parse(text)
    assert fragment in str(info.value)


def test_input_over_the_length_limit_is_rejected_before_any_work():
    with pytest.raises(ExpressionError, match="too long"):
        parse("x" * (MAX_LENGTH + 1))
    with pytest.raises(ExpressionError, match="too long"):
        parse("x" * 10_000_000)


@pytest.mark.parametrize(
    "text",
    [
        "ｘ^2 + ｙ^2",  # full-width letters normalise to x, y
        "x² + y²".replace("²", "^2"),
        "x − y",  # a unicode minus sign
        "2·x × y",
    ],
)
def test_unicode_that_normalises_to_plain_text_is_accepted(text):
    assert parse(text).names == ("x", "y")


HEAVY_BUT_LEGAL = [
    "exp(exp(exp(exp(x))))",
    "x**y**x**y**x",
    "x^x^x^x^x^x^x^x",
    "e^(e^(e^(e^(e^(x*y)))))",
    "sin(cos(tan(exp(log(sqrt(x^2 + y^2 + 1))))))",
    "(x + y)^100 * (x - y)^100",
    "tan(tan(tan(tan(tan(tan(tan(tan(x*y))))))))",
    "sigmoid(sigmoid(sigmoid(sigmoid(sigmoid(x*y)))))",
    "+".join(f"sin({i}x)" for i in range(1, 20)),
    "((((x^y)^x)^y)^x)^y",
    "atan(x/y)^y^x^y",
    "relu(x)^relu(y)^relu(x)^relu(y)",
    "log(x, y)^log(y, x)^log(x, y)",
]


@pytest.mark.timeout(20)
@pytest.mark.parametrize("text", HEAVY_BUT_LEGAL)
def test_heavy_but_legal_input_works_or_is_too_complex(text):
    try:
        f = parse(text)
    except ComplexityError as error:
        assert "too complex to differentiate here" in str(error)
        return
    sp.latex(f.expr)
    for p in f.partials:
        sp.latex(p)
    f.grad(*([0.5] * len(f.variables)))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=250))
def test_fuzzed_text_only_ever_raises_expression_error(text):
    try:
        f = parse(text)
    except ExpressionError:
        return
    assert len(f.variables) <= 6


ALPHABET = "xyw12.+-*/^() ,esinlogpqrt"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_fuzzed_formula_like_text_only_ever_raises_expression_error(text):
    with contextlib.suppress(ExpressionError):
        parse(text)
