"""The lecturer's view: lecture mode, theme and a presenting view are choices for the projector, kept in the
link; the link to this view is complete (site, page and every declared control), and a link for students leaves
the projector's choices out unless the lecturer keeps them."""

from __future__ import annotations

import re
from contextvars import ContextVar
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.controls import Control, Page, choice
from ui.state import VIEW
from ui.text import code, plain

SIDEBAR = "sidebar"
PRESENT = choice(
    "present",
    "Presenting view hides",
    [SIDEBAR],
    [],
    kind="multiselect",
    help="For the projector: the sidebar starts closed, and the chosen controls are hidden; the link keeps both.",
)
PROJECTOR = ("lecture", "theme", PRESENT.name)  # what a link for students leaves out
PROJECTOR_BOX: ContextVar[DeltaGenerator | None] = ContextVar("projector_box", default=None)

_theme = st.components.v2.component(
    "gradient_lab.theme", js=Path(__file__).with_name("theme.js").read_text(), isolate_styles=False
)


def read_view() -> list[str]:
    """On a session's first run, lecture mode and theme from the link; the warnings for values it refused."""
    warnings = []
    for control in VIEW:
        if control.name in st.session_state:
            continue
        raw = st.query_params.get(control.name)
        value = control.default
        if raw is not None:
            try:
                value = control.parse(raw)
            except ValueError as error:
                warnings.append(
                    f"{plain(f'Link parameter “{control.name}” =')} {code(raw)} "
                    f"{plain(f'was ignored ({error}); using {control.dump(control.default)}.')}"
                )
        st.session_state[control.name] = value
    return warnings


def view_controls() -> None:
    """Sidebar: the lecture-mode toggle, and the projector's box (theme, and the page's presenting view)."""
    with st.sidebar:
        lecture, theme = VIEW
        st.toggle(lecture.label, key=lecture.name, help=lecture.help)
        box = st.expander("Projector", icon=":material/co_present:")
        box.radio(
            theme.label,
            list(theme.options),
            format_func=theme.labels,
            horizontal=True,
            key=theme.name,
            help=theme.help,
        )
        _theme(data={"theme": st.session_state[theme.name]}, key="gradient_lab.theme")
    PROJECTOR_BOX.set(box)


def view_values() -> dict[str, str]:
    """Lecture mode and theme as link parameters, when they differ from the defaults."""
    values = {}
    for control in VIEW:
        value = st.session_state.get(control.name, control.default)
        if value != control.default:
            values[control.name] = control.dump(value)
    return values


def class_name(key: str) -> str:
    """The CSS class Streamlit gives the element of a widget with this key."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def presenting(page: Page) -> list[str]:
    """The presenting view: the lecturer picks the sidebar and any of the page's controls to hide (in the link)."""
    controls: dict[str, Control] = dict(page.controls)
    labels = {SIDEBAR: "the sidebar", **{name: c.label for name, c in controls.items()}}
    present = PRESENT.replace(options=(SIDEBAR, *controls), labels=lambda name: labels.get(name, name))
    hidden = page.draw(present, where=PROJECTOR_BOX.get() or st.sidebar)
    if not hidden:
        page.drawn.pop(PRESENT.name)  # the link names a presenting view only when there is one
    keys = [page.key(name) for name in hidden if name != SIDEBAR]
    if keys:
        st.html("<style>" + ", ".join(f".{class_name(k)}" for k in keys) + " { display: none !important; }</style>")
    # Only when the choice changes (or the link brings it): a lecturer who opens the sidebar to change a control
    # keeps it open.
    closed, seen = SIDEBAR in hidden, page.key("_sidebar_closed")
    if st.session_state.get(seen, False) != closed:
        st.set_page_config(initial_sidebar_state="collapsed" if closed else "expanded")
    st.session_state[seen] = closed
    return hidden


_link_box = st.components.v2.component(
    "gradient_lab.link_box",
    js=Path(__file__).with_name("link_box.js").read_text(),
    css=Path(__file__).with_name("link_box.css").read_text(),
    isolate_styles=False,
)
KEEP = "Keep lecture mode, theme and presenting view in the students' link"


def share_link(page: Page) -> None:
    """'Link to this view': the link for students first (the projector's choices left out unless kept), then this
    exact view as the lecturer sees it. The browser writes both from its address bar (ui/link_box.js), which the
    page keeps current (ui.page.relink): a part that reruns alone need not draw the box again."""
    with st.expander("Link to this view", icon=":material/link:"):
        _link_box(data={"projector": list(PROJECTOR), "keep": KEEP}, key=page.key("_link_box"))
