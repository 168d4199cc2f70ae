"""Gradient Lab: the entry point. Page config, the lecturer's view settings, and navigation over the pages."""

from __future__ import annotations

import logging

import streamlit as st

from ui.navigation import FRAMED, pages
from ui.render import page_style
from ui.view import read_view, view_controls

st.set_page_config(page_title="Gradient Lab", page_icon="∇", layout="wide")

page = st.navigation(pages())

for warning in read_view():
    st.warning(warning, icon=":material/link:")
view_controls()
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
