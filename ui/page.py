"""The frame every page shares: read the link, title and intro at the top; questions, the next page, warnings,
the presenting view, link and reset at the end. Title, opening sentence and place on the path come from the
page's registry row."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui import guard
from ui.controls import Page
from ui.lesson_path import check_yourself, next_link, opening
from ui.navigation import BY_PREFIX, ensure_framed
from ui.text import plain
from ui.view import presenting, share_link, view_values


def begin(page: Page, intro: str) -> DeltaGenerator:
    """Top of a page: keep the link's parameters for the controls (first run only), the title, the opening
    sentence from the registry and the page's own ``intro``.

    Returns the slot at the top where the link's warnings appear once every control has read its parameter.
    """
    ensure_framed()
    guard.begin(page)
    page.read_link()
    opening(BY_PREFIX[page.name])
    st.markdown(intro)
    why = guard.message()
    if why:
        st.warning(
            f"**Not used:** {plain(why)} Showing the last good state of this page instead.", icon=":material/warning:"
        )
    return st.container()


def finish(page: Page, slot: DeltaGenerator) -> None:
    """Bottom of a page: its questions and the next page; warnings in the slot at the top, the presenting view,
    the state written into the URL, the link, the reset."""
    row = BY_PREFIX[page.name]
    check_yourself(row)
    next_link(row)
    presenting(page)
    with slot:
        page.show_warnings()
    page.reset_button()
    relink(page)
    page.relink = lambda: relink(page)  # after a part of the page that reruns alone (ui.parts)
    if row.link:
        share_link(page)


def relink(page: Page) -> None:
    """The state written into the address bar (the link box shows it, ui/link_box.js), and kept as the page's last
    good one."""
    page.publish(view_values())
    guard.remember(page)
