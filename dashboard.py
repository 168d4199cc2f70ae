"""Gradient Lab: the entry point. Page config, lecture mode, and navigation over the pages; nothing else."""

from __future__ import annotations

import streamlit as st

from ui.guard import run_page
from ui.navigation import pages
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

# A limit, data or math error becomes the page's message with its last good state; a bug, a plain sentence.
run_page(page)
