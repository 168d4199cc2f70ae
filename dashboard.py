"""Gradient Lab: the entry point. Page config, the lecturer's view settings, and navigation over the pages."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core import worker
from ui.chart import preload_plotly
from ui.guard import run_page
from ui.navigation import pages
from ui.render import page_style
from ui.view import read_view, view_controls

worker.warm()  # the symbolic worker starts while the page runs up to its first formula (once per process)
# The icon as a file: a text icon is first tested against every emoji (half a second of a cold start), and "∇",
# no emoji, would then be asked of the server as an address.
st.set_page_config(page_title="Gradient Lab", page_icon=Path(__file__).with_name("ui") / "favicon.svg", layout="wide")

page = st.navigation(pages())

for warning in read_view():
    st.warning(warning, icon=":material/link:")
view_controls()
page_style(lecture=st.session_state["lecture"])
with st.sidebar:  # below the sidebar's controls, beside the other elements that draw nothing
    preload_plotly()  # the browser loads plotly.js while the server works on the page

# A limit, data or math error becomes the page's message with its last good state; a bug, a plain sentence.
run_page(page)
