"""What a page's charts are about, for their accessible names: the function the page draws, in words."""

from __future__ import annotations

import re

import streamlit as st

from core import Function
from ui import cache
from ui.controls import Page
from viz.describe import speakable

SUBJECT = "_subject"


def spoken(f: Function, symbol: str = "f") -> str:
    """f as a screen reader says it: "f = 3x² + 2xy + y²" (``symbol`` L for a loss)."""
    text = cache.printed(f)
    if re.search(r"\d{7}", text):  # a float read as a long fraction (389711431703/100000000000): say 4 digits
        text = str(f.expr.evalf(4))
    return f"{symbol} = {speakable(text)}"


def set_subject(page: Page, f: Function) -> None:
    """The page's charts draw ``f``: their names say so ("Contour map of f = 3x² + 2xy + y²")."""
    st.session_state[page.key(SUBJECT)] = spoken(f)


def subject(chart_key: str, about: Function | str | None = None) -> str:
    """What a chart draws: ``about`` when the chart draws a function of its own (a tab's saddle; words as they are),
    else the function of the page it belongs to (its key starts with the page's name), "" if the page has none."""
    if isinstance(about, str):
        return about
    if about is not None:
        return spoken(about)
    page = chart_key.split(".", 1)[0]
    return str(st.session_state.get(f"{page}.{SUBJECT}", ""))
