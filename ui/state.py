"""Share links: each page's state mirrored into the URL, and read back (untrusted) from a link on first load."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from core import ExpressionError


@dataclass(frozen=True)
class Param:
    """One piece of page state: its query-parameter name, its widget key, and how to read and write it."""

    name: str
    key: str
    parse: Callable[[str], Any]
    dump: Callable[[Any], str] = str
    active: Callable[[], bool] | None = None  # published only while this returns True


def number(low: float, high: float) -> Callable[[str], float]:
    """A reader for a finite number in [low, high]."""

    def read(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"“{raw[:30]}” is not a number") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"{raw[:30]} is outside {low:g} … {high:g}")
        return value

    return read


def integer(low: int, high: int) -> Callable[[str], int]:
    def read(raw: str) -> int:
        value = number(low, high)(raw)
        if value != int(value):
            raise ValueError(f"{raw[:30]} is not a whole number")
        return int(value)

    return read


def choice(options: Sequence[str]) -> Callable[[str], str]:
    def read(raw: str) -> str:
        if raw not in options:
            raise ValueError(f"“{raw[:30]}” is not one of {', '.join(options)}")
        return raw

    return read


def flag(raw: str) -> bool:
    if raw not in ("0", "1", "true", "false"):
        raise ValueError(f"“{raw[:30]}” is not 0 or 1")
    return raw in ("1", "true")


def dump_flag(value: bool) -> str:
    return "1" if value else "0"


def dump_number(value: float) -> str:
    return repr(round(float(value), 10))


def restore(page: str, params: Sequence[Param]) -> None:
    """On a page's first run in a session, copy valid URL parameters into widget state; warn about the rest."""
    done = f"{page}._restored"
    if st.session_state.get(done):
        return
    st.session_state[done] = True
    warnings = []
    for param in params:
        raw = st.query_params.get(param.name)
        if raw is None:
            continue
        try:
            st.session_state[param.key] = param.parse(str(raw)[:400])
        except (ValueError, ExpressionError) as error:
            warnings.append(f"Link parameter “{param.name}” was ignored ({error}); using the default.")
    st.session_state[f"{page}._warnings"] = warnings


def link_warning(page: str, message: str) -> None:
    """Add a warning about a link parameter that was readable but did not fit (e.g. a point outside the domain)."""
    st.session_state.setdefault(f"{page}._warnings", []).append(message)


def show_warnings(page: str) -> None:
    for message in st.session_state.pop(f"{page}._warnings", []):
        st.warning(message, icon="🔗")


def publish(params: Sequence[Param]) -> dict[str, str]:
    """Write the current state into the address bar, so copying it reproduces this view."""
    values = {
        p.name: p.dump(st.session_state[p.key])
        for p in params
        if p.key in st.session_state and (p.active is None or p.active())
    }
    if st.session_state.get("lecture"):
        values["lecture"] = "1"
    st.query_params.from_dict(values)
    return values


def query_string(values: dict[str, str]) -> str:
    return urlencode(values)
