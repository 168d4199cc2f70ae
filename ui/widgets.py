"""The function picker and the point controls every page shares, with their URL parameters."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core import OPTIMIZERS, PRESETS, ExpressionError, Function, Preset
from core.function import to_latex
from core.grid import Domain
from ui import cache
from ui.state import Param, choice, dump_number, integer, link_warning, number

CUSTOM = "custom"
DEFAULT_TEXT = "x^2 + x*y + 2*y^2 - sin(3*x)"
DEFAULT_RANGE = 3.0


@dataclass(frozen=True)
class Picked:
    """The function a page works on, with its domain and a sensible start point."""

    f: Function
    key: str  # a preset key or CUSTOM
    preset: Preset | None
    domain: Domain
    start: tuple[float, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return self.f.names


def _read_formula(raw: str) -> str:
    cache.function(raw)  # raises ExpressionError with the reason if the link's formula is not allowed
    return raw


def picker_params(page: str) -> list[Param]:
    """URL parameters of the function picker: f (a preset key or 'custom'), expr (the formula), range."""
    is_custom = lambda: st.session_state.get(f"{page}.choice") == CUSTOM  # noqa: E731
    return [
        Param("f", f"{page}.choice", choice([*PRESETS, CUSTOM])),
        Param("expr", f"{page}.text", _read_formula, active=is_custom),
        Param("range", f"{page}.range", number(0.5, 20.0), dump_number, active=is_custom),
    ]


def point_params(page: str, names: tuple[str, ...] = ("x0", "y0")) -> list[Param]:
    return [Param(name, f"{page}.{name}", number(-1e6, 1e6), dump_number) for name in names]


def _two_variables(f: Function) -> Function:
    """f over exactly two variables: a one-variable formula gets a second one it ignores (y, or x if it uses y)."""
    names = f.names
    if len(names) == 2:
        return f
    if len(names) > 2:
        raise ExpressionError(
            f"This page draws functions of two variables; this one has {len(names)} ({', '.join(names)}). "
            "The Gradient descent page handles up to 6."
        )
    padded = (*names, "x" if "y" in names else "y") if names else ("x", "y")
    return cache.function(f.text, tuple(sorted(padded)))


def function_picker(page: str, max_variables: int = 2) -> Picked:
    """Sidebar: a preset or your own formula, echoed in LaTeX; a bad formula keeps the last good function."""
    choice_key, text_key, range_key = f"{page}.choice", f"{page}.text", f"{page}.range"
    # Start from the function chosen on another page, so switching pages keeps the student's function.
    st.session_state.setdefault(choice_key, st.session_state.get("shared.choice", "lesson_quadratic"))
    st.session_state.setdefault(text_key, st.session_state.get("shared.text", DEFAULT_TEXT))
    st.session_state.setdefault(range_key, DEFAULT_RANGE)
    with st.sidebar:
        st.selectbox(
            "Function",
            [*PRESETS, CUSTOM],
            key=choice_key,
            format_func=lambda k: PRESETS[k].name if k in PRESETS else "Your own formula…",
        )
        key = st.session_state[choice_key]
        text, error = None, None
        if key == CUSTOM:
            label = "f(x, y) =" if max_variables == 2 else "f(w1, …) ="
            st.text_input(label, key=text_key, max_chars=200, help=_HELP)
            st.number_input("Domain: ± range around 0", 0.5, 20.0, step=0.5, key=range_key)
            text = st.session_state[text_key]
        try:
            f = _parse(key, text, max_variables)
            st.session_state[f"{page}.last_good"] = (key, text)
            st.session_state["shared.choice"], st.session_state["shared.text"] = key, st.session_state[text_key]
        except ExpressionError as err:
            error = str(err)
            last_key, last_text = st.session_state.get(f"{page}.last_good", ("lesson_quadratic", None))
            key, f = last_key, _parse(last_key, last_text, max_variables)
        if error:
            st.error(f"**Formula not used:** {error} Showing the last good function.", icon="⚠️")
        st.latex(f"f({', '.join(f.names)}) = {to_latex(f.expr)}")
    preset = PRESETS.get(key)
    if preset is not None:
        domain, start = preset.domain, preset.start
    else:
        r = float(st.session_state[range_key])
        domain, start = ((-r, r), (-r, r)), (0.5 * r, -0.5 * r)
    start = tuple(start[: len(f.names)]) + (0.5,) * max(0, len(f.names) - 2)
    return Picked(f, key, preset, domain, start)


def _parse(key: str, text: str | None, max_variables: int) -> Function:
    f = cache.function(PRESETS[key].text if key in PRESETS else text or "")
    if max_variables == 2:
        return _two_variables(f)
    if len(f.names) == 0:
        raise ExpressionError("The formula has no variables, so there is nothing to descend.")
    return f


_HELP = (
    "Use x and y (or up to six names like w1, w2, theta), numbers, + − * / ^, parentheses, implicit products "
    "like 2x or 3(x+y), the constants pi and e, and sin cos tan asin acos atan sinh cosh tanh exp log ln "
    "sqrt abs sigmoid relu."
)


def point_sliders(page: str, picked: Picked, labels: tuple[str, str] = ("x₀", "y₀")) -> tuple[float, float]:
    """Sliders for P = (x0, y0) over the domain; they reset to the start point when the domain changes."""
    (xa, xb), (ya, yb) = picked.domain
    keys = (f"{page}.x0", f"{page}.y0")
    seen = f"{page}._domain"
    if st.session_state.get(seen) not in (None, picked.domain):
        for key, value in zip(keys, picked.start, strict=False):
            st.session_state[key] = float(value)
    st.session_state[seen] = picked.domain
    for key, (low, high), value, name in zip(keys, picked.domain, picked.start, ("x0", "y0"), strict=True):
        current = st.session_state.get(key)
        if current is None:
            st.session_state[key] = float(value)
        elif not low <= current <= high:
            link_warning(page, f"Link parameter “{name}” = {current:g} is outside {low:g} … {high:g}; using {value:g}.")
            st.session_state[key] = float(value)
    step_x, step_y = (xb - xa) / 200, (yb - ya) / 200
    with st.sidebar:
        x0 = st.slider(f"{labels[0]} ({picked.names[0]})", float(xa), float(xb), step=step_x, key=keys[0])
        y0 = st.slider(f"{labels[1]} ({picked.names[1]})", float(ya), float(yb), step=step_y, key=keys[1])
    return float(x0), float(y0)


def lecture() -> bool:
    """True in lecture mode: bigger type and figures, advanced controls hidden."""
    return bool(st.session_state.get("lecture", False))


HYPER_KEYS = ("momentum", "alpha", "beta1", "beta2", "eps")


def optimizer_params(page: str) -> list[Param]:
    """URL parameters of the optimizer controls, in torch's hyperparameter names."""
    return [
        Param("opt", f"{page}.opt", choice(list(OPTIMIZERS))),
        Param("lr", f"{page}.lr", number(1e-7, 10.0), dump_number),
        Param("steps", f"{page}.steps", integer(1, 500)),
        Param("momentum", f"{page}.momentum", number(0.0, 0.999), dump_number),
        Param("alpha", f"{page}.alpha", number(0.5, 0.9999), dump_number),
        Param("beta1", f"{page}.beta1", number(0.0, 0.9999), dump_number),
        Param("beta2", f"{page}.beta2", number(0.5, 0.99999), dump_number),
        Param("eps", f"{page}.eps", number(1e-12, 1.0), dump_number),
    ]


def optimizer_controls(page: str, default_lr: float, default_steps: int = 60) -> tuple[str, float, int, dict]:
    """Optimizer, learning rate, steps and hyperparameters (advanced ones hidden in lecture mode)."""
    st.session_state.setdefault(f"{page}.lr", float(default_lr))
    with st.sidebar:
        st.subheader("Optimizer")
        name = st.selectbox("Optimizer", list(OPTIMIZERS), key=f"{page}.opt", format_func=lambda k: OPTIMIZERS[k].label)
        lr = st.number_input(
            "Learning rate η",
            min_value=1e-7,
            max_value=10.0,
            format="%.6g",
            key=f"{page}.lr",
            step=float(default_lr) / 2 or 0.01,
        )
        st.session_state.setdefault(f"{page}.steps", default_steps)
        steps = st.slider("Steps", 1, 500, key=f"{page}.steps")
        defaults = OPTIMIZERS[name].defaults
        hyper: dict = {}
        if defaults and not lecture():
            with st.expander("Hyperparameters (torch.optim names)"):
                if "momentum" in defaults:
                    hyper["momentum"] = st.slider(
                        "momentum μ", 0.0, 0.99, step=0.01, key=_default(page, "momentum", 0.9)
                    )
                if "alpha" in defaults:
                    hyper["alpha"] = st.slider(
                        "alpha α", 0.5, 0.999, step=0.001, format="%.3f", key=_default(page, "alpha", 0.99)
                    )
                if "betas" in defaults:
                    b1 = st.slider("beta1 β₁", 0.0, 0.999, step=0.001, format="%.3f", key=_default(page, "beta1", 0.9))
                    b2 = st.slider(
                        "beta2 β₂", 0.5, 0.9999, step=0.0001, format="%.4f", key=_default(page, "beta2", 0.999)
                    )
                    hyper["betas"] = (b1, b2)
                if "eps" in defaults:
                    hyper["eps"] = st.number_input(
                        "eps ε", 1e-12, 1.0, format="%.1e", key=_default(page, "eps", float(defaults["eps"]))
                    )
        st.latex(OPTIMIZERS[name].rule)
    return name, float(lr), int(steps), hyper


def start_controls(page: str, picked: Picked) -> tuple[float, ...]:
    """The start point: sliders for two variables, number inputs for more."""
    if len(picked.names) == 2:
        return point_sliders(page, picked, labels=("start", "start"))
    values = []
    with st.sidebar:
        st.caption("Start point")
        for name, default in zip(picked.names, picked.start, strict=False):
            key = f"{page}.start.{name}"
            st.session_state.setdefault(key, float(default))
            values.append(st.number_input(name, -1e3, 1e3, step=0.1, key=key))
    return tuple(float(v) for v in values)


def _default(page: str, name: str, value: object) -> str:
    """The widget key for ``name``, holding ``value`` unless a link or the student already set it."""
    key = f"{page}.{name}"
    st.session_state.setdefault(key, value)
    return key
