"""Gradient Lab: the entry point. Page config, the lecturer's view settings, and navigation over the pages."""

from __future__ import annotations

import gc
from pathlib import Path

import streamlit as st

from ui.plotly_js import preload_plotly

# The icon as a file: a text icon is first tested against every emoji (half a second of a cold start), and "∇",
# no emoji, would then be asked of the server as an address.
st.set_page_config(page_title="Gradient Lab", page_icon=Path(__file__).with_name("ui") / "favicon.svg", layout="wide")
with st.sidebar:  # first of all, hidden: the browser loads plotly.js while the server imports and works on the page
    preload_plotly()

# The rest of the app is imported after the preload has gone out: on a cold start these imports (sympy, numpy,
# plotly's figures) are half a second the browser spends loading plotly.js instead of waiting.
from core import worker  # noqa: E402
from ui.guard import run_page  # noqa: E402
from ui.navigation import pages  # noqa: E402
from ui.render import page_style  # noqa: E402
from ui.view import read_view, view_controls  # noqa: E402

# Python collects its young objects after every 700 allocations. A rerun allocates tens of thousands that live
# until it ends (a figure's frames, the messages), which each collection walks again: a slider move on the descent
# page spent 0.7 ms of its median and 3 ms of its mean collecting (python -m bench.pages; taking turns in one
# process, 700 against 10 000). Objects freed by their last reference, nearly all of them, are freed as before.
gc.set_threshold(10_000, 10, 10)
worker.warm()  # the symbolic worker starts while the page runs up to its first formula (once per process)
page = st.navigation(pages())

for warning in read_view():
    st.warning(warning, icon=":material/link:")
view_controls()
page_style(lecture=st.session_state["lecture"])

# A limit, data or math error becomes the page's message with its last good state; a bug, a plain sentence.
run_page(page)
