"""'Show the code': short runnable sympy/numpy programs that reproduce a page's numbers, notebook style.

A snippet runs for a function of 1 to 6 variables with any names: a variable whose name the snippet itself
uses (f, g, P, sp, np, w, lr, …) or Python reserves (print, lambda) is bound to that name plus an underscore,
which no formula can contain, so nothing clashes.
"""

from __future__ import annotations

import builtins
import functools
import keyword
from collections.abc import Mapping, Sequence
from typing import Any

import sympy as sp
from sympy.printing.str import StrPrinter

from core.function import Function, real_roots
from core.optimizers import OPTIMIZERS
from core.schedules import SCHEDULES

_SPECIAL = {
    "sigmoid": "sigmoid = sp.Lambda(u_, 1 / (1 + sp.exp(-u_)))  # σ(u)",
    "relu": "relu = sp.Lambda(u_, sp.Max(0, u_))",
    "softplus": "softplus = sp.Lambda(u_, sp.log(1 + sp.exp(u_)))",
}
# Every name a snippet binds or calls; a variable named like one of these is renamed in the code.
_OWN = frozenset(
    {"sp", "np", "math", "f", "g", "P", "grad", "theta", "direction", "at", "x0", "chain", "direct"}
    | {"dz_dx", "dz_dy", "dy_dx", "w", "lr", "mu", "alpha", "beta1", "beta2", "eps", "b", "s", "v", "m", "k"}
    | {"m_hat", "v_hat", "variables", "partials", "hess", "value", "H", "d", "t", "lam", "V"}
    | {"steps", "base_lr", "sigma", "seed", "rng", "noise", "W", "peak", "start", "end", "pct"}
    | {"dirac", "newton_direction", "slope", "trial", "order", "exp", "modules"}
    | {h.name for spec in OPTIMIZERS.values() for h in spec.hypers}  # the optimizer table's names
    | {p.name for spec in SCHEDULES.values() for p in spec.params}  # the schedule table's
    | set(_SPECIAL)
)
_RESERVED = _OWN | set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins))


def identifier(name: str) -> str:
    """The Python name a snippet binds a variable to: the name itself unless the snippet or Python uses it.

    >>> identifier("x"), identifier("f"), identifier("print")
    ('x', 'f_', 'print_')
    """
    return f"{name}_" if name in _RESERVED else name


def _tuple(names: Sequence[str]) -> str:
    """Python tuple syntax for identifiers, one-element tuples included: (x,)."""
    return f"({', '.join(names)}{',' if len(names) == 1 else ''})"


def _header(f: Function, extra_names: Sequence[str] = ()) -> list[str]:
    return list(_header_lines(f.expr, (*f.names, *extra_names)))


class _Source(StrPrinter):
    """f as sympify reads it back: Euler's e as exp(1), so a variable named E stays a variable."""

    def _print_Exp1(self, expr: sp.Expr) -> str:  # noqa: N802 - sympy dispatches on the class name
        return "exp(1)"


@functools.lru_cache(maxsize=256)  # a page prints the same f in its snippet on every rerun
def source(expr: sp.Expr) -> str:
    """The text of f in a snippet: odd roots as real roots (as the dashboard computes them), e as exp(1).

    >>> x, E = sp.symbols("x E", real=True)
    >>> source(sp.E * E * x + x ** sp.Rational(1, 3))
    'exp(1)*E*x + Abs(x)**(1/3)*sign(x)'
    """
    return _Source().doprint(real_roots(expr))


@functools.lru_cache(maxsize=64)
def _header_lines(expr: sp.Expr, names: tuple[str, ...]) -> tuple[str, ...]:
    """Imports, symbols and f; cached, as printing the expression costs more than the rest of a snippet."""
    text = source(expr)
    idents = [identifier(n) for n in names]
    lines = ["import sympy as sp", ""]
    # seq=True: a tuple even for one variable, so `x, = ...` unpacks.
    lines.append(
        f'{", ".join(idents)}{"," if len(names) == 1 else ""} = sp.symbols("{" ".join(names)}", real=True, seq=True)'
    )
    used = sorted(name for name in _SPECIAL if expr.atoms(sp.Function) and name in text)
    if used:
        lines.append('u_ = sp.Symbol("u_", real=True)')
        lines += [_SPECIAL[name] for name in used]
    local = ", ".join([*(f'"{n}": {i}' for n, i in zip(names, idents, strict=True)), *(f'"{n}": {n}' for n in used)])
    lines.append(f'f = sp.sympify("{text}", locals={{{local}}})')
    return tuple(lines)


def _point(names: Sequence[str], values: Sequence[float]) -> str:
    return "{" + ", ".join(f"{identifier(n)}: {float(v)!r}" for n, v in zip(names, values, strict=True)) + "}"


def partials_snippet(f: Function, point: Sequence[float]) -> str:
    """Every partial, symbolically and at P."""
    lines = _header(f)
    lines += [f"P = {_point(f.names, point)}", "", 'print("f(P) =", float(f.subs(P)))']
    for name in f.names:
        ident = identifier(name)
        held = ", ".join(n for n in f.names if n != name)
        comment = f"  # {held} held constant" if held else ""
        lines += [
            f"f_{ident} = sp.diff(f, {ident}){comment}",
            f'print("df/d{name} =", f_{ident}, "=", float(f_{ident}.subs(P)))',
        ]
    return "\n".join(lines) + "\n"


def gradient_snippet(f: Function, point: Sequence[float], theta: float) -> str:
    """∇f(P), its length, and (for two variables) the directional derivative along θ."""
    idents = [identifier(n) for n in f.names]
    lines = _header(f)
    lines += [
        "import math",
        "",
        f"P = {_point(f.names, point)}",
        f"grad = [float(sp.diff(f, v).subs(P)) for v in {_tuple(idents)}]",
        'print("grad f(P) =", grad)',
        'print("|grad f(P)| =", math.hypot(*grad))',
    ]
    if len(f.names) == 2:
        lines += [
            f"theta = {float(theta)!r}  # direction of u, in radians",
            "direction = (math.cos(theta), math.sin(theta))",
            'print("D_u f(P) =", grad[0] * direction[0] + grad[1] * direction[1])',
        ]
    return "\n".join(lines) + "\n"


def total_snippet(f: Function, g_text: str, g_expr: sp.Expr, x0: float) -> str:
    """The chain rule dz/dx = ∂z/∂x + ∂z/∂y·dy/dx at x0, and the direct derivative of f(x, g(x))."""
    x, y = (identifier(n) for n in f.names)
    lines = _header(f)
    lines += [
        f'g = sp.sympify("{source(g_expr)}", locals={{"{f.names[0]}": {x}}})  # y = g(x), typed as {g_text!r}',
        f"x0 = {float(x0)!r}",
        f"at = {{{x}: x0, {y}: g.subs({x}, x0)}}",
        "",
        f"dz_dx, dz_dy, dy_dx = sp.diff(f, {x}), sp.diff(f, {y}), sp.diff(g, {x})",
        "chain = dz_dx + dz_dy * dy_dx",
        f"direct = sp.diff(f.subs({y}, g), {x})",
        'print("dz/dx (partial) =", float(dz_dx.subs(at)))',
        'print("dz/dy =", float(dz_dy.subs(at)))',
        f'print("dy/dx =", float(dy_dx.subs({x}, x0)))',
        'print("total dz/dx =", float(chain.subs(at)))',
        f'print("d/dx f(x, g(x)) =", float(direct.subs({x}, x0)))',
    ]
    return "\n".join(lines) + "\n"


def update_code(optimizer: str, values: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(setup, step) lines of one optimizer's update, from its entry in the optimizer table.

    The setup names the hyperparameters and zeroes the state; the step reads g and w and updates w.
    """
    spec = OPTIMIZERS[optimizer]
    setup = [f"{h.name} = {float(values[h.name])!r}" for h in spec.hypers]
    return setup + list(spec.code_state), list(spec.code_update)


def descent_snippet(
    f: Function,
    start: Sequence[float],
    optimizer: str,
    lr: float,
    steps: int,
    *,
    total: int | None = None,
    schedule: str = "constant",
    schedule_params: Mapping[str, float] | None = None,
    noise: float = 0.0,
    seed: int = 0,
    **hyper: Any,
) -> str:
    """The first ``steps`` steps of the chosen optimizer, as a plain numpy loop with the update rule written out.

    A schedule computes η for step k of a run of ``total`` steps (its T) from its entry's code; gradient noise
    draws the same σ·ε_k as ``core.noise`` from numpy's generator with the run's seed.
    """
    setup, step = update_code(optimizer, {**OPTIMIZERS[optimizer].defaults, **hyper})
    variables = _tuple([identifier(n) for n in f.names])
    lines = _header(f)
    lines[0:1] = ["import math", "", "import numpy as np", "import sympy as sp"]
    # δ appears in the derivatives of sign(x) (a real odd root) and in second derivatives of |x| and relu.
    kinks = any(name in source(f.expr) for name in ("relu", "sign", "Abs"))
    second = OPTIMIZERS[optimizer].second_order
    modules = ', modules=[{"DiracDelta": dirac}, "numpy"]' if kinks else ""
    lines += [f"variables = {variables}"]
    if kinks or second:
        lines += [
            "",
            "",
            "def dirac(u, *order):  # δ(u): 0 off the kink of |x| or relu, undefined on it (as the dashboard)",
            "    return np.where(np.asarray(u, dtype=float) == 0, np.nan, 0.0)",
            "",
            "",
        ]
    lines += [
        f"grad = sp.lambdify(variables, [sp.diff(f, v) for v in variables]{modules})",
        "",
        f"w = np.array({[float(v) for v in start]!r})",
    ]
    scheduled = schedule != "constant"
    if scheduled:
        spec = SCHEDULES[schedule]
        values = {**spec.defaults, **(schedule_params or {})}
        lines += [
            f"base_lr = {float(lr)!r}  # η; the {spec.label.lower()} schedule sets lr for each step",
            f"steps = {int(total if total is not None else steps)}  # T, the run's length",
            *(f"{p.name} = {(int(values[p.name]) if p.integer else float(values[p.name]))!r}" for p in spec.params),
        ]
    else:
        lines.append(f"lr = {float(lr)!r}")
    if noise:
        lines += [
            f"sigma = {float(noise)!r}  # gradient noise: g = grad f(w) + sigma * eps_k, eps_k ~ N(0, I)",
            f"noise = sigma * np.random.default_rng({int(seed)}).standard_normal(({int(steps)}, len(w)))",
        ]
    lines += [
        *setup,
        f"for k in range(1, {int(steps)} + 1):",
        *([f"    {line}" for line in SCHEDULES[schedule].code] if scheduled else []),
        "    g = np.array(grad(*w), dtype=float)" + (" + noise[k - 1]" if noise else ""),
        *[f"    {line}" for line in step],
        "    if not np.isfinite(w).all():  # as the dashboard: the run ends where a step is undefined or blows up",
        '        print("stopped: the step is undefined here (a kink of ∇f or of the Hessian) or overflows")',
        "        break",
        '    print("step", k, "w =", w.tolist())',
    ]
    return "\n".join(lines) + "\n"
