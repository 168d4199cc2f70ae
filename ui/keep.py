"""Nothing lost on a visit to another page: what Streamlit drops with an unrendered page's widgets, kept here.

Streamlit forgets the state of every widget a run does not draw, so a visit to another page loses a page's open
tab and its uploads (widgets without ``persist_state``). A copy is kept in session state under the page's own
prefix (so the page's reset clears it too) and put back before the widget is drawn again.
"""

from __future__ import annotations

from typing import Any

import streamlit as st


def shadow(key: str) -> str:
    """Where the copy of the widget ``key`` ("page.name") is kept: "page._kept.name"."""
    page, _, name = key.partition(".")
    return f"{page}._kept.{name}"


def restore(key: str) -> None:
    """Before drawing the widget ``key``: its kept value, if Streamlit dropped its state since."""
    if key not in st.session_state and shadow(key) in st.session_state:
        st.session_state[key] = st.session_state[shadow(key)]


def remember(key: str) -> None:
    """After drawing the widget ``key``: keep a copy of its value."""
    if key in st.session_state:
        st.session_state[shadow(key)] = st.session_state[key]


class Upload:
    """An uploaded file as the page uses it: its name and its bytes (``getvalue``), like Streamlit's own."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self._data = data

    def getvalue(self) -> bytes:
        return self._data


def upload(label: str, key: str, types: list[str], where: Any = None, **more: Any) -> Upload | None:
    """A file uploader whose file stays in use across visits to other pages, until the student removes it.

    Coming back to the page, the uploader itself is empty (Streamlit cannot refill it); the kept file is used,
    and a caption says so, with a button to go back to the generated data.
    """
    where = where if where is not None else st
    kept_key, present_key = shadow(key), shadow(key) + ".present"
    dropped = key not in st.session_state  # a first visit, or back from another page
    file = where.file_uploader(label, type=types, key=key, **more)
    if file is not None:
        kept = Upload(file.name, file.getvalue())
        st.session_state[kept_key], st.session_state[present_key] = kept, True
        return kept
    kept = st.session_state.get(kept_key)
    if kept is not None and not dropped and st.session_state.get(present_key):
        kept = None  # the student removed the file with the uploader's ✕
    st.session_state[present_key] = False
    if kept is None:
        st.session_state.pop(kept_key, None)
        return None
    where.caption(f"Using “{kept.name}”, your upload from before.")
    where.button("Use the generated data instead", key=shadow(key) + ".forget", on_click=_forget, args=(kept_key,))
    return kept


def _forget(kept_key: str) -> None:
    st.session_state.pop(kept_key, None)
