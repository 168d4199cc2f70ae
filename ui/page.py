"""The frame every page shares: read the link, title and intro at the top; warnings, link and reset at the end."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui import guard
from ui.controls import Page
from ui.navigation import ensure_framed
from ui.render import share_link
from ui.text import plain


def begin(page: Page, title: str, intro: str) -> DeltaGenerator:
    """Top of a page: keep the link's parameters for the controls (first run only), the title and intro.

    Returns the slot at the top where the link's warnings appear once every control has read its parameter.
    """
    ensure_framed()
    guard.begin(page)
    page.read_link()
    st.title(title)
    st.markdown(intro)
    why = guard.message()
    if why:
        st.warning(f"**Not used:** {plain(why)} Showing the last good state of this page instead.", icon="⚠️")
    return st.container()


def finish(page: Page, slot: DeltaGenerator) -> None:
    """Bottom of a page: warnings in the slot at the top, the state written into the URL, the link, the reset."""
    with slot:
        page.show_warnings()
    share_link(page.publish())
    page.reset_button()
    guard.remember(page)
