"""Gradient Lab: the entry point. Page config, the lecturer's view settings, and navigation over the pages."""

from __future__ import annotations

import streamlit as st

from core import worker
from ui.guard import run_page
from ui.navigation import pages
from ui.render import page_style
from ui.view import read_view, view_controls

worker.warm()  # the symbolic worker starts while the page runs up to its first formula (once per process)
st.set_page_config(page_title="Gradient Lab", page_icon="∇", layout="wide")

page = st.navigation(pages())

for warning in read_view():
    st.warning(warning, icon=":material/link:")
view_controls()
page_style(lecture=st.session_state["lecture"])

# A limit, data or math error becomes the page's message with its last good state; a bug, a plain sentence.
run_page(page)
