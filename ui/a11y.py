"""What a page's charts are about, for their accessible names: the function the page draws, in words."""

from __future__ import annotations

import streamlit as st

from core import Function
from ui.controls import Page
from viz.describe import speakable

SUBJECT = "_subject"


def set_subject(page: Page, f: Function) -> None:
    """The page's charts draw ``f``: their names say so ("Contour map of f = 3x² + 2xy + y²")."""
    st.session_state[page.key(SUBJECT)] = f"f = {speakable(str(f.expr))}"


def subject(chart_key: str) -> str:
    """The function drawn by the page a chart belongs to (its key starts with the page's name), "" if none."""
    page = chart_key.split(".", 1)[0]
    return str(st.session_state.get(f"{page}.{SUBJECT}", ""))
