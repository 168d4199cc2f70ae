"""Controls declared once: a declaration draws its widget and reads and writes its share-link parameter.

A link value is checked against the very range, options or formula check that the widget itself uses, so a
link can never hold what the widget cannot show; a rejected value falls back to the default with a warning
that names the parameter. Widgets keep their values across page switches (``persist_state="session"``).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core import ExpressionError
from core.numbers import number
from ui import keep
from ui.text import code, plain

LINK_CHARS = 400  # a link value is read only this far


@dataclass(frozen=True)
class Control:
    """One control of a page: its widget, its range or options, its default and its link parameter ``name``."""

    name: str
    label: str
    kind: str  # slider, number, select, radio, select_slider, toggle, text, multiselect
    default: Any
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple = ()
    format: str | None = None
    labels: Callable[[Any], str] | None = None
    help: str | None = None
    check: Callable[[str], Any] | None = None  # a text control's own check; raises ExpressionError or ValueError
    integer: bool = False
    horizontal: bool = False
    max_chars: int = 200

    def replace(self, **changes: Any) -> Control:
        """The same control with another range or default (a point's range is the function's domain)."""
        return dataclasses.replace(self, **changes)

    # --- link text <-> value, with the widget's own rules ---------------------------------------------------
    def parse(self, raw: str) -> Any:
        """The value a link's text stands for, or ValueError saying why it cannot be used."""
        raw = raw[:LINK_CHARS]
        if self.kind in ("slider", "number"):
            return self._number(raw)
        if self.kind == "toggle":
            if raw not in ("0", "1", "true", "false"):
                raise ValueError("it must be 0 or 1")
            return raw in ("1", "true")
        if self.kind == "text":
            if len(raw) > self.max_chars:
                raise ValueError(f"it is longer than {self.max_chars} characters")
            if self.check is not None:
                self.check(raw)
            return raw
        if self.kind == "multiselect":
            parts = [p for p in raw.split(",") if p]
            return [self._option(p) for p in dict.fromkeys(parts)]
        return self._option(raw)

    def dump(self, value: Any) -> str:
        """The link text of a value."""
        if self.kind == "toggle":
            return "1" if value else "0"
        if self.kind == "multiselect":
            return ",".join(self._text(v) for v in value)
        if self.kind in ("slider", "number"):
            return str(int(value)) if self.integer else format(float(value), ".12g")
        return self._text(value)

    def accepts(self, value: Any) -> bool:
        """Whether the widget can hold this value (a point kept from another domain may not). A text the student
        typed is kept even when its check fails: the page shows the error beside it."""
        if self.kind in ("slider", "number"):
            ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            return ok and self.low <= value <= self.high and (not self.integer or value == int(value))
        if self.kind == "toggle":
            return isinstance(value, bool)
        if self.kind == "text":
            return isinstance(value, str) and len(value) <= self.max_chars
        if self.kind == "multiselect":
            return isinstance(value, list) and all(v in self.options for v in value)
        return value in self.options

    def _number(self, raw: str) -> float | int:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("it is not a number") from None
        if not math.isfinite(value):
            raise ValueError("it is not a finite number")
        if not self.low <= value <= self.high:
            raise ValueError(f"it is outside {number(self.low)} … {number(self.high)}")
        if self.integer:
            if value != int(value):
                raise ValueError("it is not a whole number")
            return int(value)
        return value

    def _text(self, option: Any) -> str:
        return option if isinstance(option, str) else repr(option)

    def _shown(self, option: Any) -> str:
        """An option as the widget writes it: a number as core.numbers does (10⁻⁵, never 1e-05), all its digits."""
        if isinstance(option, int | float) and not isinstance(option, bool):
            return number(option, 10)
        return self._text(option)

    def _option(self, raw: str) -> Any:
        for option in self.options:
            if self._text(option) == raw:
                return option
        if all(isinstance(o, int | float) for o in self.options):  # "10" names the option 10.0
            try:
                return next(o for o in self.options if o == float(raw))
            except (ValueError, StopIteration):
                pass
        shown = ", ".join(self._text(o) for o in self.options[:8])
        raise ValueError(f"it is not one of {shown}{' …' if len(self.options) > 8 else ''}")

    # --- the widget -----------------------------------------------------------------------------------------
    def widget(self, key: str, where: Any, on_change: Callable[[], None] | None = None) -> Any:
        common = dict(key=key, help=self.help, persist_state="session", on_change=on_change)
        label = self.label
        if self.kind == "slider":
            # The value Streamlit takes when given none (the low end), which the state set by Page.prepare
            # overrides: given none, Streamlit first reads the whole session's state on every draw to tell a single
            # slider from a range. It must stay the low end: after a click on a map, Streamlit moves a slider's thumb
            # only to a value other than this one (Page.set sees to the low end itself).
            value = self.low
            return where.slider(label, self.low, self.high, value, step=self.step, format=self.format, **common)
        if self.kind == "number":
            return where.number_input(label, self.low, self.high, step=self.step, format=self.format, **common)
        if self.kind == "toggle":
            return where.toggle(label, **common)
        if self.kind == "text":
            return where.text_input(label, max_chars=self.max_chars, **common)
        options = list(self.options)
        shown = self.labels or self._shown
        if self.kind == "select":
            return where.selectbox(label, options, format_func=shown, **common)
        if self.kind == "radio":
            return where.radio(label, options, format_func=shown, horizontal=self.horizontal, **common)
        if self.kind == "select_slider":
            return where.select_slider(label, options, format_func=shown, **common)
        if self.kind == "multiselect":
            return where.multiselect(label, options, format_func=shown, **common)
        raise ValueError(f"unknown control kind {self.kind!r}")


def slider(name: str, label: str, low: float, high: float, step: float, default: float, **more: Any) -> Control:
    return Control(name, label, "slider", default, low=low, high=high, step=step, **more)


def number_box(name: str, label: str, low: float, high: float, step: float, default: float, **more: Any) -> Control:
    return Control(name, label, "number", default, low=low, high=high, step=step, **more)


def choice(name: str, label: str, options: Sequence[Any], default: Any, kind: str = "select", **more: Any) -> Control:
    return Control(name, label, kind, default, options=tuple(options), **more)


def toggle(name: str, label: str, default: bool = False, **more: Any) -> Control:
    return Control(name, label, "toggle", default, **more)


def text(name: str, label: str, default: str, check: Callable[[str], Any] | None = None, **more: Any) -> Control:
    return Control(name, label, "text", default, check=check, **more)


def rerun_parts(keys: Sequence[str]) -> None:
    """A widget's callback: rerun only these parts of the page (ui.parts), or the whole page when one of them is
    not drawn any more (a run that stopped before the page's end).

    Nothing when this run already is that rerun: a widget drawn in a part has the browser ask for that part, and
    asked again, Streamlit would stop the run and start it anew (about 0.8 ms of a slider's move).
    """
    ctx = get_script_run_ctx()
    try:
        running = set(ctx.fragment_ids_this_run or ()) if ctx is not None else set()
        if running and set(ctx.fragment_storage.resolve_target(list(keys))) == running:
            return
        st.rerun(list(keys))
    except StreamlitAPIException:
        st.rerun()


class Page:
    """A page's controls and its link: read the link on the page's first run, draw controls, write the link."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.drawn: dict[str, str] = {}  # link parameter -> value, for the controls drawn in this run
        self.controls: dict[str, Control] = {}  # the declarations behind them, as drawn (ranges included)
        self.shared: set[str] = set()  # state outside the page that its defaults come from (the shared function)
        self.rerun: tuple[str, ...] = ()  # inside a part that reruns alone (ui.parts): what a control change reruns
        self.part: str | None = None  # the part of the page drawing now (ui.parts)
        self.drawn_in: dict[str, str] = {}  # control name -> the part of the page that drew it
        self.slot: Any = None  # where the sidebar's controls go now: st.sidebar, or their place (ui.parts.body)
        self.body_controls: list[tuple[Any, Callable[[], object], int]] = []  # for the body to draw (ui.parts)
        self.relink: Callable[[], None] | None = None  # writes the address bar after a part reran alone (ui.page)

    def key(self, control: Control | str) -> str:
        return f"{self.name}.{control if isinstance(control, str) else control.name}"

    # --- the link ---------------------------------------------------------------------------------------
    def read_link(self) -> None:
        """On the page's first run in a session, keep the link's parameters until each control reads its own."""
        done = self.key("_link_read")
        if st.session_state.get(done):
            return
        st.session_state[done] = True
        st.session_state[self.key("_link")] = {k: str(v) for k, v in st.query_params.to_dict().items()}

    def _pending(self, name: str) -> str | None:
        return st.session_state.get(self.key("_link"), {}).pop(name, None)

    def warn(self, markdown: str) -> None:
        """A message shown at the top of the page on this run: markdown whose visitor's text is already escaped."""
        st.session_state.setdefault(self.key("_warnings"), []).append(markdown)

    def warn_link(self, name: str, raw: str, reason: str, fallback: str) -> None:
        """The link's value is quoted as code (never a link or an image); the reason may quote it too: escaped."""
        self.warn(
            f"{plain(f'Link parameter “{name}” =')} {code(raw)} {plain(f'was ignored ({reason}); using {fallback}.')}"
        )

    def show_warnings(self) -> None:
        for message in st.session_state.pop(self.key("_warnings"), []):
            st.warning(message, icon=":material/link:")

    def publish(self, view: dict[str, str] | None = None) -> dict[str, str]:
        """Write the drawn controls, then the ``view`` settings outside the page (lecture mode, theme), into the
        address bar; returns what it wrote."""
        # Kept for the generated control tests, which read every declaration a page drew.
        st.session_state[self.key("_controls")] = dict(self.controls)
        values = {**self.drawn, **(view or {})}
        st.query_params.from_dict(values)
        return values

    # --- drawing --------------------------------------------------------------------------------------
    def prepare(self, control: Control) -> str:
        """Give the control a valid state before its widget is drawn: the link's value, the kept one or the default."""
        key = self.key(control)
        self.controls[control.name] = control
        raw = self._pending(control.name)
        if raw is not None:
            try:
                st.session_state[key] = control.parse(raw)
            except (ValueError, ExpressionError) as error:
                self.warn_link(control.name, raw, str(error).rstrip("."), f"{control.dump(control.default)}")
        keep.restore(key)  # a value Streamlit dropped on a visit to another page (a tab, a widget without persist)
        if key not in st.session_state or not control.accepts(st.session_state[key]):
            st.session_state[key] = control.default
        elif control.name in st.session_state.get(self.key("_set"), ()):
            st.session_state[self.key("_set")].discard(control.name)
            st.session_state[key] = st.session_state[key]
        return key

    def draw(self, control: Control, where: Any = None) -> Any:
        """Draw the control (in the sidebar unless ``where`` is given) and return its value."""
        key = self.prepare(control)
        value = control.widget(key, where if where is not None else self.place(), on_change=self.rerun_callback())
        self.drawn[control.name] = control.dump(value)
        if self.part is not None:
            self.drawn_in[control.name] = self.part
        keep.remember(key)
        return value

    def place(self) -> Any:
        """Where the sidebar's controls go now: the sidebar, or the place kept for them while the body draws them
        (ui.parts.drawn_by_the_body)."""
        return self.slot if self.slot is not None else st.sidebar

    def rerun_callback(self) -> Callable[[], None] | None:
        """Inside a part of the page (ui.parts): a change reruns that part and the page's link, nothing else."""
        return functools.partial(rerun_parts, self.rerun) if self.rerun else None

    def value(self, control: Control) -> Any:
        """A control's value without drawing it (still read from the link, kept across reruns)."""
        key = self.prepare(control)
        self.drawn[control.name] = control.dump(st.session_state[key])
        keep.remember(key)
        return st.session_state[key]

    def set(self, control: Control, value: Any) -> None:
        """Set a control before it is drawn (a preset's own learning rate, a click on the map), in this run or, from
        a callback that then reruns, the next."""
        st.session_state[self.key(control)] = value
        # Written again where it is drawn (prepare): Streamlit tells the browser a widget's new value only when its
        # state was written in the run that draws it, or differs from the widget's own default, which a click at the
        # low end of a slider's range does not.
        st.session_state.setdefault(self.key("_set"), set()).add(control.name)

    def follow(self, token: Any, controls: Sequence[Control], tag: str) -> None:
        """When ``token`` (e.g. the chosen preset) changes, the controls go back to their current defaults."""
        seen = self.key(f"_follows_{tag}")
        if seen in st.session_state and st.session_state[seen] != token:
            for control in controls:
                st.session_state[self.key(control)] = control.default
        st.session_state[seen] = token

    def reset_button(self) -> None:
        """One button that restores the page's defaults and clears its link."""
        st.sidebar.button(
            "↺ Reset this page",
            key=self.key("_reset"),
            on_click=self._reset,
            args=(tuple(self.shared),),
            help="Back to the page's defaults; the link is cleared too.",
            width="stretch",
        )

    def _reset(self, extra_keys: tuple[str, ...]) -> None:
        prefix = f"{self.name}."
        for key in [k for k in st.session_state if str(k).startswith(prefix) or k in extra_keys]:
            del st.session_state[key]
        st.session_state[self.key("_link_read")] = True
        st.session_state[self.key("_link")] = {}
        st.query_params.clear()
