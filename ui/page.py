"""The frame every page shares: restore state from the link, warn about bad parameters, publish the link."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.navigation import ensure_framed
from ui.render import share_link
from ui.state import Param, publish, restore, show_warnings


def begin(page: str, title: str, intro: str, params: Sequence[Param]) -> DeltaGenerator:
    """Top of a page: read the link's parameters (first run only), the title and intro; returns the message slot."""
    ensure_framed()
    restore(page, params)
    st.title(title)
    st.markdown(intro)
    return st.container()


def finish(page: str, params: Sequence[Param], slot: DeltaGenerator) -> None:
    """Bottom of a page: show link warnings in the slot at the top, write the state into the URL, offer the link."""
    with slot:
        show_warnings(page)
    share_link(publish(params))
