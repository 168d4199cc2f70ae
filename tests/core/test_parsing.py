"""Math as students type it: superscripts, Unicode operators, juxtaposed names, and the constants a float cannot hold.

Every reading is checked against an expression built independently with sympy's own constructors.
"""

import csv
from pathlib import Path

import pytest
import sympy as sp

from core import ExpressionError, parse
from core.parsing import FUNCTIONS, Reading, read
from core.special import relu, sigmoid, softplus

x, y, w1, w2, theta, x0 = sp.symbols("x y w1 w2 theta x0", real=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x²+y²", x**2 + y**2),  # issue 15: was read as x2 + y2
        ("3x²y", 3 * x**2 * y),  # issue 15: was one variable x2y
        ("x³ − y", x**3 - y),
        ("x⁻¹ + y", 1 / x + y),
        ("(x+y)⁽²⁾", (x + y) ** 2),
        ("e^x²", sp.exp(x**2)),
        ("2·x × y ÷ 3", 2 * x * y / 3),
        ("x ⋅ y − 1", x * y - 1),
        ("2πx", 2 * sp.pi * x),
        ("√(x) + y", sp.sqrt(x) + y),
    ],
)
def test_superscripts_and_unicode_operators_read_as_written(text, expected):
    assert sp.simplify(read(text).expr - expected) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sec(x) + csc(y) + cot(x)", 1 / sp.cos(x) + 1 / sp.sin(y) + sp.cos(x) / sp.sin(x)),
        ("arcsin(x) + arccos(y) + arctan(x)", sp.asin(x) + sp.acos(y) + sp.atan(x)),
        ("asinh(x) + atanh(y)", sp.asinh(x) + sp.atanh(y)),
        ("softplus(x) + y", sp.log(1 + sp.exp(x)) + y),
    ],
)
def test_the_functions_a_calculus_student_writes(text, expected):
    expr = read(text).expr
    assert sp.simplify((expr - expected).rewrite(sp.exp)) == 0
    f = parse(text)
    assert f(0.3, 0.4) == pytest.approx(float(expected.subs({x: 0.3, y: 0.4})), rel=1e-12)


def test_softplus_differentiates_to_sigmoid_and_evaluates_without_overflow():
    f = parse("softplus(x) + y")
    assert f.grad(0.0, 0.0).tolist() == [0.5, 1.0]
    assert f(1000.0, 0.0) == pytest.approx(1000.0)


@pytest.mark.parametrize(
    ("text", "variables", "expected", "note"),
    [
        ("2xy", ("x", "y"), 2 * x * y, "'xy' read as x·y"),  # issue 15: was "Unknown variable xy"
        ("ycos(xy)", ("x", "y"), y * sp.cos(x * y), "'ycos' read as y·cos"),  # issue 15: suggested ycos*(...)
        ("2xy", None, 2 * x * y, "'xy' read as x·y"),
        ("ycos(xy)", None, y * sp.cos(x * y), "'ycos' read as y·cos"),
        ("xsin(y)", None, x * sp.sin(y), "'xsin' read as x·sin"),
        ("pix", None, sp.pi * x, "'pix' read as pi·x"),
        ("2w1w2", ("w1", "w2"), 2 * w1 * w2, "'w1w2' read as w1·w2"),
        ("x(y + 1)", ("x", "y"), x * (y + 1), "'x(…)' read as x·(…)"),
    ],
)
def test_juxtaposed_names_multiply_with_a_note(text, variables, expected, note):
    reading = read(text, variables=variables)
    assert reading.expr == expected
    assert note in reading.notes


@pytest.mark.parametrize(
    ("text", "expected"),
    [("theta*w1 + x0", theta * w1 + x0), ("w1 + 2w2", w1 + 2 * w2), ("sin(x)^2", sp.sin(x) ** 2)],
)
def test_names_with_digits_greek_names_and_functions_keep_their_meaning(text, expected):
    reading = read(text)
    assert reading == Reading(expected, ())


def test_a_function_without_parentheses_is_shown_how_to_write_it():
    with pytest.raises(ExpressionError, match=r"as sin\(x\)\.$"):
        read("sin x + y")


def test_a_declared_multi_letter_variable_is_not_split():
    assert read("xy + x", variables=("x", "xy")).expr == sp.Symbol("xy", real=True) + x


@pytest.mark.parametrize(
    ("text", "variables", "fragment"),
    [
        ("cos x y", None, "is a function: write it with parentheses, as cos(x*y) or cos(x)*y"),  # issue 15
        ("sin2x y", None, "can be read as sin(2x*y) or sin(2x)*y"),  # issue 27: sinx alone is sin(x)
        ("xyz", ("x", "xy", "yz", "z"), "can be read as x*yz or xy*z"),
        ("acoshy(x)", None, "write acosh(…) with the whole argument inside the parentheses"),
    ],
)
def test_an_ambiguity_is_reported_not_guessed(text, variables, fragment):
    with pytest.raises(ExpressionError) as info:
        read(text, variables=variables)
    assert fragment in str(info.value)


def test_every_function_name_is_reachable_and_none_is_split():
    for name in FUNCTIONS:
        notes = read(f"{name}(x/2 + 1/3)").notes
        assert notes == (() if name not in ("log2", "log10") else (notes[0],)), name
        assert all("base" in note for note in notes)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("(1e15)^20*(1e15)^20*x+y", "does not fit a floating-point number"),  # issue 13: OverflowError
        ("x + exp(1000)", "cannot be computed with floating-point numbers"),  # beyond a float, not a crash
        ("cosh(800) * y", "cannot be computed with floating-point numbers"),
        ("log(x, 0) + y", "base of a logarithm must be a positive number"),  # issue 13: dropped the x term
        ("log(x, -2) + y", "base of a logarithm must be a positive number"),
        ("log(x, 1) + y", "base 1 has no logarithm"),
        ("log(-3) + x", "needs a positive argument"),
    ],
)
def test_constants_beyond_a_float_and_degenerate_logs_are_rejected(text, fragment):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert fragment in str(info.value)


def test_large_but_representable_constants_still_work():
    f = parse("x*10^20 + log(x, 2) + y/10^18")
    assert f(2.0, 1e18) == pytest.approx(2e20 + 1 + 1)


def test_the_answer_limits_can_be_raised_for_long_answers():
    text = "+".join(f"{k}*x" for k in range(1, 80))
    with pytest.raises(ExpressionError, match="too long"):
        read(text)
    assert read(text, max_length=2000, max_nodes=1000).expr == sum(range(1, 80)) * x


# issue 27: one table of notations with the teacher's reading, read by the formula box (no declared variables)
# and by the practice answer parser (the row's variables declared). A column formula_box, when filled, is where
# the box must differ: it cannot know that x or σ is a variable, so x(y + 1) there is refused with what to type.
TABLE = list(csv.DictReader((Path(__file__).parent / "notation_table.csv").open(encoding="utf-8")))
SPECIAL = {"relu": relu, "sigmoid": sigmoid, "softplus": softplus}


def test_the_notation_table_is_large_and_covers_every_class():
    assert len(TABLE) >= 150
    refused = [row for row in TABLE if row["reading"] == "REFUSED"]
    assert len(refused) >= 30 and all(row["note"] for row in refused)  # every refusal says what to type
    assert len({row["formula"] for row in TABLE}) == len(TABLE)


@pytest.mark.parametrize("parser", ["formula box", "practice answer"])
@pytest.mark.parametrize("row", TABLE, ids=lambda row: row["formula"])
def test_the_notation_table_reads_as_a_teacher_reads(row, parser):
    names = row["variables"].split()
    variables = None if parser == "formula box" else tuple(names)
    reading, note = row["reading"], row["note"]
    if parser == "formula box" and row["formula_box"]:
        reading, note = row["formula_box"].split(": ", 1)
    if reading == "REFUSED":
        with pytest.raises(ExpressionError) as info:
            read(row["formula"], variables=variables)
        assert note in str(info.value)
        return
    result = read(row["formula"], variables=variables)
    # The reference: the teacher's reading in sympy's syntax, built by sympy (Euler's e written exp(1)).
    expected = sp.sympify(reading, locals={**{n: sp.Symbol(n, real=True) for n in names}, **SPECIAL})
    assert result.expr == expected or sp.simplify(result.expr - expected) == 0, result.expr
    if note:
        assert any(note in n for n in result.notes), result.notes
    else:
        assert result.notes == ()


def test_the_practice_page_reads_answers_through_the_same_table():
    # A row checked end to end through core.practice.read_answer, which bounds and declares like the page.
    from core.practice import read_answer

    assert read_answer("sin(2*x)*y", "x", "2ycos2x").expr == 2 * y * sp.cos(2 * x)
    assert "'ycos2x' read as y·cos(2x)" in read_answer("sin(2*x)*y", "x", "2ycos2x").notes
    with pytest.raises(ExpressionError, match="decimal comma"):
        read_answer("x**2", "x", "0,5x")


@pytest.mark.parametrize(
    ("answer", "hint"),
    [("3x2", "write x^2; for a product write 2*x"), ("2x3y", "write x^3*y; for a product write x*3*y")],
)
def test_an_answer_with_a_variable_fused_to_digits_is_refused_with_what_to_type(answer, hint):
    # "Unknown variable x3y" alone misled: the student meant a power or a product of the exercise's variables.
    from core.practice import read_answer

    with pytest.raises(ExpressionError, match="Unknown variable") as info:
        read_answer("x**2*y", "x", answer)
    assert hint in str(info.value)
