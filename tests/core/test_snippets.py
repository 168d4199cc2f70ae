"""'Show the code' snippets run as written, for every preset, 1 to 6 variables and awkward names, and print the
numbers that core (and so the page) computes.

All snippets run in one child Python, each in a fresh namespace as a script would, to keep the test quick.
"""

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from core import PRESETS, Function, descend, parse
from core.parsing import read
from core.snippets import descent_snippet, gradient_snippet, identifier, partials_snippet

RUNNER = """
import contextlib, io, json, sys
outputs = []
for code in json.load(sys.stdin):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(code, "<snippet>", "exec"), {"__name__": "__main__"})
        except Exception as error:
            print("ERROR", type(error).__name__, error)
    outputs.append(out.getvalue())
print(json.dumps(outputs))
"""


def run_all(snippets: list[str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps(snippets),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def numbers(line: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", line.rsplit("=", maxsplit=1)[-1])]


def function(text: str, names: tuple[str, ...]) -> Function:
    """A Function over exactly these variable names (read with them declared, so 'sp' stays one name)."""
    expr = read(text, variables=names).expr
    symbols = {s.name: s for s in expr.free_symbols}
    return Function(text, expr, tuple(symbols[n] for n in names))


AWKWARD = [
    function("f^2 + g*P - f*P", ("f", "g", "P")),  # issue 15: clashed with the snippet's f, g and P
    function("w*lr + sp^2 + np*k", ("w", "lr", "sp", "np", "k")),
    function("print^2 + sigmoid(lambdax) + E*S", ("print", "lambdax", "E", "S")),
    function("u^2 + softplus(u) + relu(gamma - 1)", ("u", "gamma")),
    function("(x - 1)^2", ("x",)),  # issue 15: one variable failed to unpack
    function("(a - 1)^2 + (b - 2)^2 + c^2 + d^2 + e1^2 + h^2", ("a", "b", "c", "d", "e1", "h")),
]


def test_awkward_names_are_renamed_only_where_they_clash():
    assert [identifier(n) for n in ("x", "w1", "f", "np", "print", "u")] == ["x", "w1", "f_", "np_", "print_", "u"]


CASES = [(key, parse(p.text)) for key, p in PRESETS.items()] + [(f.text, f) for f in AWKWARD]


def point_for(f: Function) -> tuple[float, ...]:
    return tuple(0.3 + 0.25 * i for i in range(len(f.names)))


def test_every_snippet_prints_the_numbers_core_computes():
    snippets, checks = [], []
    for label, f in CASES:
        P = point_for(f)
        snippets.append(partials_snippet(f, P))
        checks.append(("partials", label, f, P))
        snippets.append(gradient_snippet(f, P, 0.7))
        checks.append(("gradient", label, f, P))
        for optimizer in ("gd", "adam", "momentum"):
            snippets.append(descent_snippet(f, P, optimizer, 1e-4, 3))
            checks.append((optimizer, label, f, P))
    outputs = run_all(snippets)
    for (kind, label, f, P), out in zip(checks, outputs, strict=True):
        lines = out.splitlines()
        assert lines and not lines[0].startswith("ERROR"), (kind, label, out)
        if kind == "partials":
            assert numbers(lines[0])[0] == pytest.approx(f(*P), rel=1e-9), (label, lines[0])
            for line, expected in zip(lines[1:], f.grad(*P), strict=True):
                assert numbers(line)[-1] == pytest.approx(expected, rel=1e-9, abs=1e-12), (label, line)
        elif kind == "gradient":
            grad = f.grad(*P)
            assert numbers(lines[0]) == pytest.approx(grad.tolist(), rel=1e-9, abs=1e-12), (label, lines[0])
            assert numbers(lines[1])[0] == pytest.approx(float(np.hypot.reduce(grad)), rel=1e-9)
            if len(f.names) == 2:
                expected = grad[0] * np.cos(0.7) + grad[1] * np.sin(0.7)
                assert numbers(lines[2])[0] == pytest.approx(expected, rel=1e-9, abs=1e-12)
        else:
            t = descend(f, P, optimizer=kind, lr=1e-4, steps=3)
            assert len(lines) == 3, (label, out)
            for k, line in enumerate(lines, start=1):
                assert numbers(line) == pytest.approx(t.points[k].tolist(), rel=1e-9), (kind, label, line)


SCHEDULED = [
    ("gd", "step", {"step_size": 2, "gamma": 0.5}, 0.0),
    ("momentum", "exponential", {}, 0.7),
    ("adam", "cosine", {"eta_min": 0.01}, 0.0),
    ("adamw", "warmup_cosine", {"warmup": 3}, 1.5),
    ("nesterov", "one_cycle", {"pct_start": 0.5}, 0.2),
    ("rmsprop", "constant", {}, 0.3),
]


@pytest.mark.parametrize("f", [parse("x**2 + 3*y**2"), AWKWARD[1]], ids=["parabola", "awkward"])
def test_a_snippet_with_a_schedule_and_noise_prints_the_pages_steps(f):
    """The snippet shows the first 5 steps of a 12-step run: η_k from the schedule over T = 12, the seeded noise."""
    P = point_for(f)
    settings = [dict(optimizer=o, schedule=s, schedule_params=p, noise=n, seed=7) for o, s, p, n in SCHEDULED]
    outputs = run_all([descent_snippet(f, P, lr=0.01, steps=5, total=12, **s) for s in settings])
    for s, out in zip(settings, outputs, strict=True):
        t = descend(f, P, lr=0.01, steps=12, **s)
        lines = out.splitlines()
        assert len(lines) == 5, (s, out)
        for k, line in enumerate(lines, start=1):
            assert numbers(line) == pytest.approx(t.points[k].tolist(), rel=1e-9), (s, line)
