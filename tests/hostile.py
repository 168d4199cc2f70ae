"""A corpus of hostile and broken formulas, shared by the core and page tests, and a watch to run them under.

Every string of ``hostile_strings`` must be rejected with ExpressionError; those that would write ``canary``
if anything ever evaluated them prove that nothing did. ``BOMBS`` are legal formulas whose symbolic work
explodes; ``CRASHES`` used to reach a Python exception in numeric code.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


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


# Short formulas that pass the parser's static bounds but make sympy's work explode (issue 13). Each must end,
# through core, in a result or an ExpressionError (the worker's WorkLimitError for the ones that explode),
# with the server process's memory unmoved.
BOMBS = [
    # from the issue
    "2^(1e15*x)+y",  # the steps' simplify builds 2^(10^15)
    "((x+y+1)^100)^100",  # expand in the steps passes 690 MB
    "cosh(x^0.33333333)+y",  # memory runs out inside parsing itself
    "(x+y+1)^100",  # 33 s of CPU on the partials page
    # factorial-like growth: products of high powers of different linear factors
    "(x+1)^100*(x+2)^100*(y+3)^100*(y+4)^100",
    "((x+y)^100+(x-y)^100)^100",
    # nested exponentials and towers
    "exp(exp(exp(exp(exp(exp(x*y))))))",
    "2^(2^(2^(2^(x*y))))",
    "x^x^x^x^x^x^x^x^x^x+y",
    "(x^y)^(x^y)^(x^y)^(x^y)",
    # big trigonometric arguments and powers of them
    "sin(1e15*x)^100+cos(1e15*y)^100",
    "tan(999999999999999*x*y)^99",
    # expand bombs
    "((x-y)^50+(x+y)^50)^2",
    "((x+y)^10+1)^10*((x-y)^10+1)^10",
    "(x+y+1)^99*(x-y-1)^99",
    # rational powers with long denominators
    "sinh(y^0.1234567)+x",
    "(x^0.333333333333333+y^0.666666666666667)^99",
]

# Inputs that used to reach a Python exception in numeric code (issue 13): each must evaluate with numpy's
# semantics (inf or nan, never an exception). (formula, point)
CRASHES = [
    ("x + cos(10^20) + y", (0.5, 0.5)),
    ("sin(atan(1e-15)) + x + y", (0.5, 0.5)),
    ("1/x + y", (0.0, 0.5)),
    ("x^(-1) + y^(-2)", (0.0, 0.0)),
    ("log(x) + y", (-1.0, 0.5)),
    ("sqrt(x) + y", (-1.0, 0.5)),
    ("gamma + beta - zeta", (1.0, 2.0, 3.0)),  # sympy's own function names, as variables
    ("abs(sigma - 1) + delta*x", (2.0, 0.5, 1.0)),
    ("e1 + pi2 + E1", (1.0, 2.0, 3.0)),
    ("x0 + x1 + sin(x0*x1)^2 + cos(x0*x1)", (1.0, 2.0)),
    ("exp(1000*x)*exp(-1000*y)", (1.0, 1.0)),
]


def through_core(texts: list[str], cpu_seconds: float | None = None) -> list[dict[str, object]]:
    """Each formula through core as a page would: parse, the steps of ∂f/∂(first variable), the total derivative.

    Runs in the calling process (meant to be a child process under watch). Every stage must end in a result or
    an ExpressionError; the record says which, how long it took, and how the process's own memory moved.
    """
    from core import ExpressionError, parse, total_derivative, worker
    from core.steps import derivation

    if cpu_seconds is not None:
        worker.CPU_SECONDS = cpu_seconds
    parse("x + y")  # start the worker before the first measurement
    records = []
    for text in texts:
        record: dict[str, object] = {"text": text, "rss_before": rss_mb()}
        start = time.monotonic()
        try:
            f = parse(text)
            record["parse"] = "ok"
            derivation(f.expr, f.names[0], formula=text)
            record["steps"] = "ok"
            if len(f.names) == 2:
                total_derivative(f, "x^2")
                record["total"] = "ok"
        except ExpressionError as error:
            stage = next(s for s in ("parse", "steps", "total") if s not in record)
            record[stage] = f"{type(error).__name__}: {error}"
        record["seconds"] = time.monotonic() - start
        record["rss_after"] = rss_mb()
        records.append(record)
    return records


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process in MB, from /proc (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    # the parent pid is the second field after the parenthesised command name
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [pid], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


def watched(code: str, kill_mb: float = 700, kill_seconds: float = 600) -> tuple[str, dict[int, float], bool]:
    """Run ``python -c code`` from the project root; sample the resident memory of it and every descendant.

    Returns (stdout, peak MB per process, whether the watchdog had to kill it). The watchdog kills the tree
    past ``kill_mb`` in any process or after ``kill_seconds``, so a failing test cannot take the machine down.
    """
    root = Path(__file__).resolve().parents[1]
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peaks: dict[int, float] = {}
    killed = False
    start = time.monotonic()
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    while process.poll() is None:
        for pid in process_tree(process.pid):
            peaks[pid] = max(peaks.get(pid, 0.0), rss_mb(pid))
        if max(peaks.values(), default=0.0) > kill_mb or time.monotonic() - start > kill_seconds:
            killed = True
            for pid in reversed(process_tree(process.pid)):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)
    reader.join(timeout=10)
    return "".join(output), peaks, killed
