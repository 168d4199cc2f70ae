"""The page list, and the one small guard that keeps every page inside the dashboard's frame.

Streamlit runs a ``pages/`` folder beside the entry script in its legacy multipage mode until the first
``st.navigation`` call of the process (and AppTest resets that on every run). A share link that is the very
first request of a fresh server would then run its page file alone, without the frame. There is no supported
way to say otherwise: Streamlit 1.67 decides it from the folder's existence alone (``PagesManager`` at the first
session; no config option), and the layout keeps the folder. So ``ensure_framed`` notices a bare run and runs
the frame in its place, in the same script run, so no click is lost to an extra rerun. The end-to-end test
``test_a_deep_link_as_a_fresh_servers_first_request_runs_inside_the_frame`` pins it.
"""

from __future__ import annotations

import runpy
from contextvars import ContextVar
from pathlib import Path

import streamlit as st

FRAMED: ContextVar[bool] = ContextVar("framed", default=False)
ENTRY = Path(__file__).resolve().parents[1] / "dashboard.py"


def pages() -> list[st.Page]:
    """Every page, with URL paths equal to the file names so both modes resolve a link the same way."""
    return [
        st.Page("pages/home.py", title="Welcome", icon="🏠", default=True),
        st.Page("pages/partials.py", title="Partial derivatives", icon="📐", url_path="partials"),
        st.Page("pages/gradient.py", title="Gradient", icon="🧭", url_path="gradient"),
        st.Page(
            "pages/total_derivative.py", title="Partial vs total derivative", icon="🔗", url_path="total_derivative"
        ),
        st.Page("pages/descent.py", title="Gradient descent", icon="⛷️", url_path="descent"),
        st.Page("pages/curvature.py", title="Curvature and Newton's method", icon="🥣", url_path="curvature"),
        st.Page("pages/regression.py", title="ML loss: linear regression", icon="📈", url_path="regression"),
        st.Page("pages/backprop.py", title="Backpropagation", icon="🕸️", url_path="backprop"),
        st.Page("pages/practice.py", title="Practice", icon="✍️", url_path="practice"),
        st.Page("pages/classroom.py", title="Live class", icon="🎓", url_path="classroom"),
    ]


def ensure_framed() -> None:
    """Outside the frame, run the entry script (which draws this page inside it), then end this bare run."""
    if not FRAMED.get():
        runpy.run_path(str(ENTRY), run_name="__main__")
        st.stop()
