"""The controls every page shares, each declared once: the function picker, the point, the optimizer."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core import OPTIMIZERS, PRESETS, ExpressionError, Function, Preset
from core.function import to_latex
from core.grid import Domain
from core.optimizers import Hyper, Optimizer
from ui import cache
from ui.a11y import set_subject
from ui.controls import Control, Page, choice, number_box, rerun_parts, slider, text
from ui.parts import rerun_after_pick
from ui.text import plain

T = TypeVar("T")

CUSTOM = "custom"
DEFAULT_CHOICE = "lesson_quadratic"
DEFAULT_TEXT = "x^2 + x*y + 2*y^2 - sin(3*x)"
_HELP = (
    "Use x and y (or up to six names like w1, w2, theta), numbers, + − * / ^, parentheses, implicit products "
    "like 2x or 3(x+y), the constants pi and e, and sin cos tan asin acos atan sinh cosh tanh exp log ln "
    "sqrt abs sigmoid relu."
)


def _formula(raw: str) -> str:
    cache.function(raw)  # raises ExpressionError with the reason if the formula is not allowed
    return raw


FUNCTION = choice(
    "f",
    "Function",
    [*PRESETS, CUSTOM],
    DEFAULT_CHOICE,
    labels=lambda k: PRESETS[k].name if k in PRESETS else "Your own formula…",
)
FORMULA = text("expr", "f(x, y) =", DEFAULT_TEXT, check=_formula, help=_HELP)
RANGE = number_box("range", "Domain: ± range around 0", 0.5, 20.0, 0.5, 3.0)
POINT = ("x0", "y0")
OPTIMIZER = choice("opt", "Optimizer", list(OPTIMIZERS), "gd", labels=lambda k: OPTIMIZERS[k].label)
LEARNING_RATE = number_box("lr", "Learning rate η", 1e-7, 10.0, 0.005, 0.05, format="%.6g")
STEPS = slider("steps", "Steps", 1, 500, 1, 60, integer=True)


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


def _parse(key: str, formula: str, max_variables: int) -> Function:
    f = cache.function(PRESETS[key].text if key in PRESETS else formula)
    if max_variables == 2:
        return _two_variables(f)
    if len(f.names) == 0:
        raise ExpressionError("The formula has no variables, so there is nothing to descend.")
    return f


def function_picker(page: Page, max_variables: int = 2) -> Picked:
    """Sidebar: a preset or your own formula, shown as it was read; a bad formula keeps the last good function.

    The function chosen on another page is this page's default, so moving between pages keeps it.
    """
    page.shared |= {"shared.choice", "shared.text"}
    shared_choice = st.session_state.get("shared.choice", DEFAULT_CHOICE)
    shared_text = st.session_state.get("shared.text", DEFAULT_TEXT)
    label = "f(x, y) =" if max_variables == 2 else "f(w1, …) ="
    formula_control = FORMULA.replace(default=shared_text, label=label)
    key = page.draw(FUNCTION.replace(default=shared_choice))
    formula = shared_text
    error = None
    if key == CUSTOM:
        formula = page.draw(formula_control)
        page.draw(RANGE)
    good = page.key("_last_good")
    try:
        f = _parse(key, formula, max_variables)
        st.session_state[good] = (key, formula)
        st.session_state["shared.choice"], st.session_state["shared.text"] = key, formula
    except ExpressionError as err:
        error = str(err)
        key, formula = st.session_state.get(good, (DEFAULT_CHOICE, DEFAULT_TEXT))
        f = _parse(key, formula, max_variables)
    with st.sidebar:
        if error:
            st.error(f"**Formula not used:** {plain(error)} Showing the last good function.", icon=":material/warning:")
        # How the text was read, before it is used: x² is x^2, 2xy is 2·x·y.
        st.latex(f"f({', '.join(f.names)}) = {to_latex(f.expr)}")
        if key == CUSTOM and not error:
            notes = cache.reading(formula).notes
            if notes:
                st.caption(plain("Note: " + "; ".join(notes) + "."))
    if error and key == CUSTOM:
        page.drawn[FORMULA.name] = FORMULA.dump(formula)  # the link keeps the last good formula
    set_subject(page, f)  # the charts' accessible names say which function they draw
    preset = PRESETS.get(key)
    if preset is not None:
        domain, start = preset.domain, preset.start
    else:
        r = float(st.session_state.get(page.key(RANGE), RANGE.default))
        domain, start = ((-r, r), (-r, r)), (0.5 * r, -0.5 * r)
    start = tuple(start[: len(f.names)]) + (0.5,) * max(0, len(f.names) - 2)
    return Picked(f, key, preset, domain, start)


def nice_step(width: float) -> float:
    """A round slider step giving about 100–250 positions over ``width``: 0.05 for a ±3 domain.

    >>> nice_step(6.0), nice_step(4.0), nice_step(20.0), nice_step(1.0)
    (0.05, 0.02, 0.1, 0.005)
    """
    target = width / 250
    exponent = math.floor(math.log10(target))
    for mantissa in (1, 2, 5, 10):
        step = mantissa * 10.0**exponent
        if step >= target:
            return round(step, 12)
    return round(10.0 ** (exponent + 1), 12)


def _on_grid(value: float, step: float) -> float:
    """The slider's value on its grid, without binary round-off (1.0, not 1.0000000000000002)."""
    return round(round(value / step) * step, 10)


def point_controls(page: Page, picked: Picked, labels: tuple[str, str] = ("x₀", "y₀")) -> tuple[float, float]:
    """Sliders for P = (x0, y0) on a round grid over the domain, and boxes to type exact coordinates.

    They go back to the function's start point when another preset or domain is chosen.
    """
    controls = []
    for name, (low, high), start, label, var in zip(
        POINT, picked.domain, picked.start, labels, picked.names, strict=False
    ):
        step = nice_step(high - low)
        digits = max(0, -math.floor(math.log10(step)))
        default = _on_grid(float(start), step)
        controls.append(slider(name, f"{label} ({var})", float(low), float(high), step, default, format=f"%.{digits}f"))
    page.follow((picked.key, picked.domain), controls, tag="point")
    x, y = (float(page.draw(c)) for c in controls)
    # Opening or closing reruns what drew it: the boxes, drawn only while open, then show the point in use.
    boxes = page.place().expander("Type exact coordinates", key=page.key("_exact"), on_change="rerun")
    if boxes.open:
        with boxes:
            for control, var in zip(controls, picked.names, strict=False):
                key, typed = page.key(control), page.key(f"{control.name}_typed")
                # Each box shows the value in use; typing writes it into the slider's state before the next run.
                st.session_state[typed] = st.session_state[key]
                st.number_input(
                    var, control.low, control.high, key=typed, format="%g", on_change=_copy, args=(typed, key)
                )
    return x, y


def point(page: Page, names: Sequence[str] = POINT) -> tuple[float, ...]:
    """The point the sliders of ``point_controls`` hold now: what a part rerunning alone reads (ui.parts.body)."""
    return tuple(float(page.value(page.controls[name])) for name in names)


def on_grid(control: Control, value: float) -> float:
    """A coordinate picked on a figure as its slider can hold it: inside the range, on the slider's grid."""
    inside = min(max(float(value), control.low), control.high)
    return min(max(_on_grid(inside, control.step), control.low), control.high)


def pick_handler(page: Page, names: Sequence[str] = POINT) -> PointPick:
    """What a click, a dragged handle or an arrow key on a figure does: the named controls (drawn earlier in this
    run, e.g. the point sliders) take the picked x (and y) on their grid, before the next run draws them; the link
    follows."""
    return PointPick(page, tuple(page.controls[name] for name in names), page.part)


@dataclass(frozen=True)
class PointPick:
    """A figure's pick handler for the point held by ``controls`` (x, and y if there are two)."""

    page: Page
    controls: tuple[Control, ...]
    part: str | None = None  # the part of the page that drew the figure (ui.parts)

    def __call__(self, event: dict) -> None:
        for control, value in zip(self.controls, (event["x"], event["y"]), strict=False):
            self.page.set(control, on_grid(control, value))

    def rerun(self) -> None:
        """After the pick: what the moved controls change (ui.parts.rerun_after_pick)."""
        rerun_after_pick(self.page, [control.name for control in self.controls], self.part)

    def keys(self) -> dict[str, list[float]]:
        """Where the arrow keys move the point from, by how much and within what (ui/a11y.js): the sliders'
        values, steps and ranges."""
        point = [float(st.session_state.get(self.page.key(c), c.default)) for c in self.controls]
        return {
            "point": point,
            "step": [float(c.step) for c in self.controls],
            "low": [float(c.low) for c in self.controls],
            "high": [float(c.high) for c in self.controls],
        }


def _copy(source: str, target: str) -> None:
    st.session_state[target] = st.session_state[source]


def step_by(key: str, delta: int, low: int, high: int, rerun: tuple[str, ...] = ()) -> None:
    """Move the count held in session state under ``key`` by ``delta``, within [low, high] (a button's callback);
    in a part of the page (ui.parts) that part reruns with the link (``rerun``), nothing else."""
    st.session_state[key] = min(max(low, st.session_state.get(key, low) + delta), high)
    if rerun:
        rerun_parts(rerun)


def step_row(page: Page, key: str, low: int, high: int, control: Callable[[DeltaGenerator], T]) -> T:
    """◀ Back, the step's own control (``control(row)``, its value returned) and Next ▶ in one row (keys B and N):
    the step held under ``key`` moves by one, within [low, high].

    One block with the three in it, where three columns were four blocks: fewer messages on every rerun that draws
    the step (on the descent page, every move of the start)."""
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.button(
        "◀ Back",
        key=page.key("prev"),
        on_click=step_by,
        args=(key, -1, low, high, page.rerun),
        shortcut="B",
        help="Previous step",
    )
    value = control(row)
    row.button(
        "Next ▶",
        key=page.key("next"),
        on_click=step_by,
        args=(key, 1, low, high, page.rerun),
        shortcut="N",
        help="Next step",
    )
    return value


EXPLAINED_STEP = slider("k", "Explain step k (the figure follows)", 1, 5000, 1, 1, integer=True)


def explained_step(page: Page, steps: int, token: object, where: DeltaGenerator) -> int:
    """The page's one step index k, 1 … ``steps``: a declared control (``k`` in the link) drawn in ``where`` that
    the written-out step, the figure's frame k − 1, Back/Next and the figure's own slider and playback all read or
    set (under ``page.key(EXPLAINED_STEP)``). Another function (``token``) starts again at step 1."""
    page.follow(token, [EXPLAINED_STEP], tag="k")
    control = EXPLAINED_STEP.replace(high=max(1, int(steps)))
    if steps <= 1:
        page.prepare(control)
        page.set(control, 1)
        where.markdown("**Step k = 1**")
        return 1
    # The address bar gets k with the page's other controls when the run that drew it ends (Page.relink: the page,
    # the body, or the step's part rerunning alone), in one message.
    return int(page.draw(control, where=where))


def lecture() -> bool:
    """True in lecture mode: bigger type and figures (what is computed never changes)."""
    return bool(st.session_state.get("lecture", False))


def hyper_control(h: Hyper) -> Control:
    """The control of one hyperparameter, from the optimizer table's own range."""
    kind = h.widget
    return Control(
        h.name, h.label, kind, h.default, low=h.low, high=h.high, step=h.step, format=h.format, integer=h.integer
    )


class OptimizerSettings(NamedTuple):
    """The sidebar's optimizer, learning rate, steps and that optimizer's hyperparameters."""

    name: str
    lr: float
    steps: int
    hyper: dict


def optimizer_controls(
    page: Page,
    default_lr: float,
    default_steps: int = 60,
    table: Mapping[str, Optimizer] = OPTIMIZERS,
    notation: tuple[str, str] = ("w", "L"),
) -> OptimizerSettings:
    """Optimizer, learning rate, steps and the chosen optimizer's hyperparameters, all from the optimizer table
    (or the part of it a page can run: ``FIRST_ORDER`` where only gradient estimates exist).

    ``notation`` is the page's own (point, function): weights w and loss L, or θ and f; the rule follows it.
    """
    st.sidebar.subheader("Optimizer")
    name = page.draw(OPTIMIZER.replace(options=tuple(table)))
    lr = page.draw(LEARNING_RATE.replace(default=float(default_lr)))
    steps = page.draw(STEPS.replace(default=default_steps))
    spec: Optimizer = OPTIMIZERS[name]
    hyper: dict = {}
    if spec.hypers:
        box = st.sidebar.expander("Hyperparameters", expanded=False)
        hyper = {h.name: float(page.draw(hyper_control(h), where=box)) for h in spec.hypers}
    # One line per equation: each fits the sidebar on its own, where one long display would be cut.
    for line in spec.rule_lines:
        st.sidebar.latex(in_notation(line, notation))
    point, function = notation
    where = "weights" if point == "w" else "point"
    st.sidebar.caption(f"g = ∇{function}({point}): the gradient at the current {where} {point}.")
    return OptimizerSettings(name, float(lr), int(steps), hyper)


def optimizer_settings(page: Page) -> OptimizerSettings:
    """The settings ``optimizer_controls`` drew, as they are now: what a part rerunning alone reads (ui.parts.body).
    The optimizer must be the one drawn: another one's hyperparameters are drawn only by the page's next run."""
    name = page.value(page.controls[OPTIMIZER.name])
    hyper = {h.name: float(page.value(page.controls[h.name])) for h in OPTIMIZERS[name].hypers}
    lr, steps = page.value(page.controls[LEARNING_RATE.name]), page.value(page.controls[STEPS.name])
    return OptimizerSettings(name, float(lr), int(steps), hyper)


def in_notation(rule: str, notation: tuple[str, str]) -> str:
    r"""An optimizer's rule (written with weights w and loss L) in a page's notation.

    >>> in_notation(r"w \leftarrow w - \eta\, g", ("θ", "f"))
    '\\theta \\leftarrow \\theta - \\eta\\, g'
    """
    point, function = notation
    symbol = {"θ": r"\theta"}.get(point, point)
    rule = re.sub(r"(?<![\\A-Za-z])w(?![A-Za-z])", lambda _: symbol, rule)
    return re.sub(r"(?<![\\A-Za-z])L(?=\()", function, rule)


def learning_rate_follows(page: Page, token: object, default_lr: float) -> None:
    """A preset brings its own learning rate: choosing another one sets η to it (the student may change it after)."""
    page.follow(token, [LEARNING_RATE.replace(default=float(default_lr))], tag="lr")


def start_names(names: Sequence[str]) -> tuple[str, ...]:
    """The controls ``start_controls`` draws for these variables: P's two sliders, or a box per variable."""
    return POINT if len(names) == 2 else tuple(f"start_{var}" for var in names)


def start_controls(page: Page, picked: Picked) -> tuple[float, ...]:
    """The start point: sliders for two variables, number inputs for more."""
    if len(picked.names) == 2:
        return point_controls(page, picked, labels=("start", "start"))
    page.place().caption("Start point")
    controls = [
        number_box(name, var, -1e3, 1e3, 0.1, float(default))
        for name, var, default in zip(start_names(picked.names), picked.names, picked.start, strict=False)
    ]
    page.follow((picked.key, picked.names), controls, tag="start")
    return tuple(float(page.draw(c)) for c in controls)
