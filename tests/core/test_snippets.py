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

from core import OPTIMIZERS, PRESETS, Function, descend, parse
from core.calculus import total_derivative
from core.parsing import read
from core.snippets import descent_snippet, gradient_snippet, identifier, partials_snippet, total_snippet

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


# issue 27: every optimizer of the table, Newton's variants included, on the functions where snippets and the
# dashboard parted: a singular Hessian (the lesson's loss), |x| and relu (DiracDelta in the Hessian), Euler's e
# beside a variable E, and odd roots of negative numbers (real roots, as the dashboard takes them).
NEWTON_CASES = [
    (parse("(w1 + 2*w2 - 5)**2"), (1.0, 1.0)),
    (parse("abs(x - 1) + 3*relu(x*y) + y^2"), (0.3, 0.7)),
    (parse("abs(x) + relu(y - 1)^2 + E*e + x^(1/3)"), (0.5, -2.0, 3.0)),
    (parse("x^(2/3) + (y + 1)^2"), (-1.5, 0.3)),
    (parse("e^(E*x/4) + E^2 + (x - e)^2"), (0.3, 0.2)),
    (function("(f - 1)^2 + exp(1)*lam^2 + H*d", ("f", "lam", "H", "d")), (0.4, 0.3, 0.2, 0.1)),
    # issue 27 tried again: a rank-one Hessian beside a kink, the optimizers' own state names as variables,
    # Euler's e beside a variable E in an exponent, and a zero Hessian at the start.
    (function("(a + b + c)^2 + abs(a - b)", ("a", "b", "c")), (0.3, 0.2, 0.1)),
    (function("t^2 + sigmoid(m*t) + softplus(k) + E*e^v", ("t", "m", "k", "v", "E")), (0.4, -0.3, 0.2, 0.1, 0.5)),
    (function("x^4 + y^4 + relu(x)^3", ("x", "y")), (0.0, 0.0)),
]


def test_every_optimizer_snippet_reproduces_the_dashboards_steps():
    snippets, runs = [], []
    for f, start in NEWTON_CASES:
        for name in OPTIMIZERS:
            snippets.append(descent_snippet(f, start, name, 0.05, 4))
            runs.append((name, f, descend(f, start, optimizer=name, lr=0.05, steps=4)))
    for (name, f, t), out in zip(runs, run_all(snippets), strict=True):
        lines = out.splitlines()
        assert lines and not lines[0].startswith("ERROR"), (name, f.text, out)
        if t.status == "diverged":  # the snippet stops where the dashboard's run stops, and says so
            assert lines[-1].startswith("stopped:") and len(lines) == len(t.points), (name, f.text, out)
        else:
            assert len(lines) == 4, (name, f.text, out)
        for k, line in enumerate(lines[: len(t.points) - 1], start=1):
            assert numbers(line) == pytest.approx(t.points[k].tolist(), rel=1e-9, abs=1e-12), (name, f.text, line)


def test_newton_on_the_lessons_singular_hessian_runs_in_a_fresh_interpreter():
    """Each snippet alone in its own Python, as a student runs it: np.linalg.solve used to raise there."""
    f = parse("(w1 + 2*w2 - 5)**2")
    for name in ("newton", "newton_damped", "newton_ls", "newton_pd"):
        result = subprocess.run(
            [sys.executable, "-c", descent_snippet(f, (1.0, 1.0), name, 0.5, 2)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        t = descend(f, (1.0, 1.0), optimizer=name, lr=0.5, steps=2)
        lines = result.stdout.splitlines()
        assert [numbers(line) for line in lines] == [pytest.approx(p.tolist(), rel=1e-12) for p in t.points[1:]]


def test_eulers_e_and_a_variable_e_stay_apart_in_every_snippet():
    f = parse("E*x + e^x + 2e")
    code = partials_snippet(f, (1.5, 0.5))
    assert 'f = sp.sympify("E*x + exp(x) + 2*exp(1)"' in code
    out = run_all([code])[0].splitlines()
    assert numbers(out[0])[0] == pytest.approx(f(1.5, 0.5), rel=1e-12)
    assert numbers(out[1])[-1] == pytest.approx(0.5) and numbers(out[2])[-1] == pytest.approx(1.5 + np.exp(0.5))


def test_the_total_derivative_snippet_keeps_eulers_e_apart_from_a_variable_e():
    f = function("E^2 + y*exp(1)", ("E", "y"))  # the variables are E and y; Euler's e multiplies y
    td = total_derivative(f, "e*E^(1/3)")  # y = g(E) = e·∛E, real for E < 0
    code = total_snippet(f, "e*E^(1/3)", td.g, -8.0)
    out = run_all([code])[0].splitlines()
    values = td.at(-8.0)
    assert numbers(out[3])[0] == pytest.approx(float(values["chain"]), rel=1e-12)
    assert numbers(out[4])[0] == pytest.approx(float(values["chain"]), rel=1e-12)


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


def test_a_snippet_stops_where_the_dashboards_run_stops():
    # issue 27 tried again: Newton on |x|·|y| lands on the kink (0, 0), where the Hessian is undefined; the
    # dashboard stops there and the snippet printed steps of nan.
    f = parse("abs(x)*abs(y)")
    t = descend(f, (0.5, -0.5), optimizer="newton", lr=0.05, steps=4)
    assert t.status == "diverged" and t.points.tolist() == [[0.5, -0.5], [0.0, 0.0]]
    lines = run_all([descent_snippet(f, (0.5, -0.5), "newton", 0.05, 4)])[0].splitlines()
    assert [numbers(line) for line in lines[:1]] == [[0.0, 0.0]]
    assert lines[1:] == ["stopped: the step is undefined here (a kink of ∇f or of the Hessian) or overflows"]
