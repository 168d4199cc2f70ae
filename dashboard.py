"""Gradient Lab: the entry point. Page config, lecture mode, and navigation over the pages; nothing else."""

from __future__ import annotations

import logging

import streamlit as st

from ui.navigation import FRAMED, pages
from ui.render import page_style
from ui.state import LECTURE
from ui.text import code, plain

st.set_page_config(page_title="Gradient Lab", page_icon="∇", layout="wide")

page = st.navigation(pages())

if "lecture" not in st.session_state:
    raw = st.query_params.get("lecture", "0")
    try:
        st.session_state["lecture"] = LECTURE.parse(raw)
    except ValueError as error:
        st.session_state["lecture"] = False
        st.warning(
            f"{plain('Link parameter “lecture” =')} {code(raw)} {plain(f'was ignored ({error}); using 0.')}", icon="🔗"
        )
with st.sidebar:
    st.toggle(LECTURE.label, key="lecture", help=LECTURE.help)
page_style(lecture=st.session_state["lecture"])

token = FRAMED.set(True)
try:
    page.run()
except Exception:
    # A bug must never show a visitor a traceback: log it and say so plainly.
    logging.getLogger("gradient_lab").exception("page %s failed", page.title)
    st.error("Something went wrong while drawing this page. Try another function or reset the controls.")
finally:
    FRAMED.reset(token)
