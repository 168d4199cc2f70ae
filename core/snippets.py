"""'Show the code': short runnable sympy/numpy programs that reproduce a page's numbers, notebook style."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import sympy as sp

from core.function import Function
from core.optimizers import OPTIMIZERS

_SPECIAL = {
    "sigmoid": "sigmoid = sp.Lambda(u, 1 / (1 + sp.exp(-u)))  # σ(u)",
    "relu": "relu = sp.Lambda(u, sp.Max(0, u))",
}


def _header(f: Function, extra_names: Sequence[str] = ()) -> list[str]:
    return list(_header_lines(f.expr, (*f.names, *extra_names)))


@functools.lru_cache(maxsize=64)
def _header_lines(expr: sp.Expr, names: tuple[str, ...]) -> tuple[str, ...]:
    """Imports, symbols and f; cached, as printing the expression costs more than the rest of a snippet."""
    text = str(expr)
    lines = ["import sympy as sp", ""]
    lines.append(f'{", ".join(names)}{"," if len(names) == 1 else ""} = sp.symbols("{" ".join(names)}", real=True)')
    used = sorted(name for name in _SPECIAL if expr.atoms(sp.Function) and name in text)
    if used:
        lines.append('u = sp.Symbol("u", real=True)')
        lines += [_SPECIAL[name] for name in used]
    local = ", ".join(f'"{n}": {n}' for n in [*names, *used])
    lines.append(f'f = sp.sympify("{text}", locals={{{local}}})')
    return tuple(lines)


def _point(names: Sequence[str], values: Sequence[float]) -> str:
    return "{" + ", ".join(f"{n}: {float(v)!r}" for n, v in zip(names, values, strict=True)) + "}"


def partials_snippet(f: Function, point: Sequence[float]) -> str:
    """Both partials symbolically and at P."""
    x, y = f.names
    lines = _header(f)
    lines += [
        f"P = {_point(f.names, point)}",
        "",
        f"f_{x} = sp.diff(f, {x})  # {y} held constant",
        f"f_{y} = sp.diff(f, {y})  # {x} held constant",
        'print("f(P) =", float(f.subs(P)))',
        f'print("df/d{x} =", f_{x}, "=", float(f_{x}.subs(P)))',
        f'print("df/d{y} =", f_{y}, "=", float(f_{y}.subs(P)))',
    ]
    return "\n".join(lines) + "\n"


def gradient_snippet(f: Function, point: Sequence[float], theta: float) -> str:
    """∇f(P), its length, and the directional derivative along θ."""
    lines = _header(f)
    lines += [
        "import math",
        "",
        f"P = {_point(f.names, point)}",
        f"grad = [float(sp.diff(f, v).subs(P)) for v in ({', '.join(f.names)})]",
        f"theta = {float(theta)!r}  # direction of u, in radians",
        "u = (math.cos(theta), math.sin(theta))",
        'print("grad f(P) =", grad)',
        'print("|grad f(P)| =", math.hypot(*grad))',
        'print("D_u f(P) =", grad[0] * u[0] + grad[1] * u[1])',
    ]
    return "\n".join(lines) + "\n"


def total_snippet(f: Function, g_text: str, g_expr: sp.Expr, x0: float) -> str:
    """The chain rule dz/dx = ∂z/∂x + ∂z/∂y·dy/dx at x0, and the direct derivative of f(x, g(x))."""
    x, y = f.names
    lines = _header(f)
    lines += [
        f'g = sp.sympify("{g_expr}", locals={{"{x}": {x}}})  # y = g(x), typed as {g_text!r}',
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


def descent_snippet(f: Function, start: Sequence[float], optimizer: str, lr: float, steps: int, **hyper: Any) -> str:
    """The first steps of the chosen optimizer, as a plain numpy loop with the update rule written out."""
    spec = OPTIMIZERS[optimizer]
    values = {**spec.defaults, **hyper}
    lines = _header(f)
    lines[0:1] = ["import math", "", "import numpy as np", "import sympy as sp"]
    lines += [
        f"grad = sp.lambdify(({', '.join(f.names)}{',' if len(f.names) == 1 else ''}), "
        f"[sp.diff(f, v) for v in ({', '.join(f.names)}{',' if len(f.names) == 1 else ''})])",
        "",
        f"w = np.array({[float(v) for v in start]!r})",
        f"lr = {float(lr)!r}",
    ]
    lines += [f"{h.name} = {float(values[h.name])!r}" for h in spec.hypers]
    lines += spec.code_state
    lines += [
        f"for k in range(1, {int(steps)} + 1):",
        "    g = np.array(grad(*w), dtype=float)",
        *[f"    {line}" for line in spec.code_update],
        '    print("step", k, "w =", w.tolist())',
    ]
    return "\n".join(lines) + "\n"
