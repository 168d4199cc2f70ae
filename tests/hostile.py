"""A corpus of hostile and broken formulas, shared by the core and page tests.

Every string must be rejected with ExpressionError; those that would write ``canary`` if anything ever
evaluated them prove that nothing did.
"""

from __future__ import annotations


def hostile_strings(canary: str) -> list[str]:
    """At least 40 strings: injection, denial of service, malformed syntax, unicode tricks."""
    injection = [
        f"open('{canary}', 'w').write('x')",
        f"__import__('os').system('touch {canary}')",
        f"__import__('pathlib').Path('{canary}').touch()",
        f"exec(\"open('{canary}','w')\")",
        f"eval(\"open('{canary}','w')\")",
        "().__class__.__bases__[0].__subclasses__()",
        "x.__class__",
        "sin.__globals__",
        "__builtins__",
        "x.real",
        "globals()",
        "locals()['x']",
        "lambda: 1",
        "(lambda x: x)(2)",
        "[x for x in range(10)]",
        "{x: 1}",
        "x if y else 1",
        "x < y",
        "x == 1",
        "sin(*[x])",
        "sin(x=1)",
        "(y := 2)",
        "x; y",
        "x # comment",
        "'abc'",
        "b'x'",
        "import os",
        "Symbol('x')",
        "factorial(1000000)",
        "getattr(x, 'evalf')",
        "x@y",
        "x % y",
        "x // y",
    ]
    denial = [
        "9**9**9",
        "9^9^9",
        "10**10**10",
        "x**(10**1000)",
        "2**10000",
        "(10^15)^(10^15)",
        "x^(2^64)",
        "1" * 400,
        "1e400",
        "(" * 3000 + "x" + ")" * 3000,
        "(" * 50 + "x" + ")" * 50,
        "-" * 150 + "x",
        "x" + "+x" * 150,
        "sin(" * 30 + "x" + ")" * 30,
        "x^" * 60 + "x",
        "99999999999999999999 * x",
    ]
    malformed = [
        "",
        "   ",
        "x +",
        "* x",
        "(x + y",
        "x + y)",
        "sin()",
        "sin x",
        "x ** ** 2",
        "2 3",
        "x..2",
        "log(x, y, 2)",
        "sin",
        "foo(x)",
        "x/0",
        "1/(x - x)",
        "log(0)",
        "x1_",
        "a + b + c + d + f + g + h",
    ]
    unicode_tricks = [
        "x\x00",
        "x\u202e+y",
        "x\u200b+y",
        "ｘ + ｙ\u3000\x07",
        "x + y\n import os",
        "ẋ + y",
        "𝕩 + __import__('os')",
        "\ufeffx",
        "x\r\nopen('a')",
        "x ∂ y",
        "x\t+\ty\x1b[31m",
        "ß + y",
    ]
    return injection + denial + malformed + unicode_tricks
