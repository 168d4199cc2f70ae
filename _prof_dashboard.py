"""Gradient Lab: the entry point. Page config, lecture mode, and navigation over the pages; nothing else."""

from __future__ import annotations

import logging

import streamlit as st

from ui.render import lecture_style
from ui.state import flag

st.set_page_config(page_title="Gradient Lab", page_icon="∇", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Welcome", icon="🏠", default=True),
    st.Page("pages/partials.py", title="Partial derivatives", icon="📐", url_path="partial-derivatives"),
    st.Page("pages/gradient.py", title="Gradient", icon="🧭", url_path="the-gradient"),
    st.Page("pages/total_derivative.py", title="Partial vs total derivative", icon="🔗", url_path="total-derivative"),
    st.Page("pages/descent.py", title="Gradient descent", icon="⛷️", url_path="gradient-descent"),
    st.Page("pages/regression.py", title="ML loss: linear regression", icon="📈", url_path="linear-regression"),
    st.Page("pages/practice.py", title="Practice", icon="✍️", url_path="practice-partials"),
]

# URL paths differ from the file names on purpose: Streamlit's legacy pages/-folder mode would otherwise run a
# page file directly, without this frame, on a server's first request and under AppTest.
page = st.navigation(PAGES)

if "lecture" not in st.session_state:
    try:
        st.session_state["lecture"] = flag(st.query_params.get("lecture", "0"))
    except ValueError:
        st.session_state["lecture"] = False
        st.warning("Link parameter “lecture” was ignored (it must be 0 or 1).", icon="🔗")
with st.sidebar:
    st.toggle("🎓 Lecture mode", key="lecture", help="Bigger type and figures for a projector; fewer controls.")
if st.session_state["lecture"]:
    lecture_style()

try:
    import cProfile as _cp

    _p = _cp.Profile()
    _p.enable()
    try:
        page.run()
    finally:
        _p.disable()
        _p.dump_stats("/tmp/page-" + page.title.replace(" ", "_") + ".prof")
except Exception:
    # A bug must never show a visitor a traceback: log it and say so plainly.
    logging.getLogger("gradient_lab").exception("page %s failed", page.title)
    st.error("Something went wrong while drawing this page. Try another function or reset the controls.")
