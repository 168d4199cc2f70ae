"""Downloads made when pressed: a file is drawn on the press (on a thread of its own, not in the page's run) and
kept until the browser has fetched it.

Streamlit stores a file made on a press under no session, so the next two script runs of *any* session delete
it; in a live class (a fragment each second on the lecturer's view) that happens before the browser has fetched
it and the download is cancelled. Each file made here is registered again at a slot of a small ring: the same
file (same bytes, type and name, so the same id) stays until ``PINNED`` later files have been made.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit import runtime
from streamlit.runtime.media_file_manager import MediaFileManager

PINNED = 4  # files kept for their download beyond Streamlit's own bookkeeping; later ones free the oldest
_pins = itertools.count()
_pinning = threading.local()
# A press runs on a thread without a script run, by design; Streamlit would log each pin as a missing context.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    lambda record: not getattr(_pinning, "now", False)
)


def pinned(data: bytes | str, mime: str, file_name: str, files: MediaFileManager | None = None) -> bytes:
    """``data`` (text as UTF-8, as Streamlit stores it), kept in the media store until ``PINNED`` later files."""
    data = data.encode() if isinstance(data, str) else data
    files = files or runtime.get_instance().media_file_mgr
    _pinning.now = True
    try:
        files.add(data, mime, f"gradient-lab.download.{next(_pins) % PINNED}", file_name, is_for_static_download=True)
    finally:
        _pinning.now = False
    return data


def button(
    label: str, make: Callable[[], bytes | str], file_name: str, mime: str, key: str, where: Any = st, **style: Any
) -> None:
    """A download button whose file ``make()`` draws when it is pressed; a press does not rerun the page."""
    where.download_button(
        label,
        data=lambda: pinned(make(), mime, file_name),
        file_name=file_name,
        mime=mime,
        key=key,
        on_click="ignore",
        **style,
    )
