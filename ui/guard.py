"""The one error path: a limit, data or math error on any page becomes that page's message, with its last good state.

``run_page`` runs a page for the entry point. Each run that reaches the page's end records the page's controls
(and the shared function) as its last good state (``remember``). When a run stops on an ExpressionError (a worker
limit, a budget, a formula), a DataError (an upload) or a numeric error, the message is kept, the last good state
(or the page's defaults when there is none) is put back, and the page runs again: it shows the message at its top
above the last good state. A formula that parses but fails further on is thereby never left as the function every
page shares. Only a bug reaches the last-resort message.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import streamlit as st

from core import ExpressionError, worker
from core.regression import DataError
from ui import keep
from ui.controls import Page
from ui.navigation import FRAMED
from ui.text import plain

log = logging.getLogger("gradient_lab")

SHARED = ("shared.choice", "shared.text")  # the function every page starts from
LAST_RESORT = "Something went wrong while drawing this page. Try another function or reset the controls."
RECOVERABLE = (ExpressionError, DataError, ArithmeticError, np.linalg.LinAlgError)
_CURRENT = "_guard.page"  # the Page drawing in this session's run
_RESTORE = "_guard.restore"  # state to put back at the next run's start, before any widget is drawn
_MESSAGE = "_guard.message"  # why, shown at the top of that run


# The server process's fair share: a tab may use SHARE of a core, measured over the last WINDOW seconds; a tab
# rerunning a heavy view in a loop waits (in its own thread, so nobody else does) before its next run.
SHARE = 0.5
WINDOW = 2.0
MAX_WAIT = 1.0
_OWNER = "_guard.owner"  # who this session's worker jobs are for
_CPU = "_guard.cpu"  # (finished at, CPU seconds) of this session's recent runs


def wait_for_share(history: list[tuple[float, float]], now: float) -> float:
    """Seconds a session must wait before its next run so that its runs stay within SHARE of a core.

    >>> wait_for_share([(9.5, 0.4)], now=10.0), wait_for_share([(9.0, 0.9), (9.8, 0.9)], now=10.0)
    (0.0, 1.0)
    """
    used = sum(cpu for end, cpu in history if now - end < WINDOW)
    return min(MAX_WAIT, max(0.0, (used - SHARE * WINDOW) / SHARE))


def run_page(page: st.Page) -> None:
    """Run the page inside the dashboard's frame, for this session's fair share of the server and its workers."""
    # A token of this session's own (AppTest gives every session the same id). Not reset afterwards: a
    # fragment's rerun happens in this session's thread too.
    worker.OWNER.set(st.session_state.setdefault(_OWNER, uuid.uuid4().hex))
    st.session_state.pop(_CURRENT, None)  # set again by the page's begin, if it has one
    token = FRAMED.set(True)
    try:
        with fair_share():
            shielded(page.run, page.title)
    finally:
        FRAMED.reset(token)


@contextmanager
def fair_share() -> Iterator[None]:
    """A run of this session (the page's, or a part's rerunning alone) waits first if the session's recent runs
    used more than SHARE of a core; its CPU time joins them."""
    history = [(end, cpu) for end, cpu in st.session_state.get(_CPU, []) if time.monotonic() - end < WINDOW]
    wait = wait_for_share(history, time.monotonic())
    if wait > 0:  # even a sleep of 0 s hands the GIL to the server's event loop, and the run waits to get it back
        time.sleep(wait)
    started = time.thread_time()
    try:
        yield
    finally:
        st.session_state[_CPU] = [*history, (time.monotonic(), time.thread_time() - started)]


def shielded(draw: Callable[[], None], name: str) -> bool:
    """``draw()`` with the one error path: a recoverable error becomes the page's message with its last good state,
    a bug a plain sentence in its place. Pages run through it, and so do their parts that rerun alone (ui.parts).
    True when ``draw()`` finished."""
    try:
        draw()
    except RECOVERABLE as error:
        recover(error)
    except Exception:
        # A bug must never show a visitor a traceback: log it and say so plainly.
        log.exception("%s failed", name)
        st.error(LAST_RESORT)
    else:
        return True
    return False


def begin(page: Page) -> None:
    """At a page's start: note which page runs, and put back the state a failed run asked for."""
    st.session_state[_CURRENT] = page
    restore = st.session_state.pop(_RESTORE, None)
    if restore is not None and restore[0] == page.name:
        for key, value in restore[1].items():
            # The kept copy (ui.keep) goes too, or it would bring back what is being undone.
            st.session_state.pop(keep.shadow(key), None)
            if value is _DEFAULT:
                st.session_state.pop(key, None)
            else:
                st.session_state[key] = value


def message() -> str | None:
    """Why this run shows the last good state (once), or None."""
    return st.session_state.pop(_MESSAGE, None)


def remember(page: Page) -> None:
    """At a page's end: this run's controls and shared function are the page's last good state."""
    keys = [page.key(c) for c in page.controls.values()] + [page.key("_last_good"), *SHARED]
    st.session_state[page.key("_good_state")] = {k: st.session_state[k] for k in keys if k in st.session_state}
    st.session_state.pop(page.key("_recovering"), None)


class _Default:
    def __repr__(self) -> str:
        return "<default>"


_DEFAULT = _Default()


def describe(error: BaseException) -> str:
    """The error as a student reads it."""
    if isinstance(error, ExpressionError | DataError):
        return str(error)
    return f"the numbers went out of range ({type(error).__name__}: {error})."


def recover(error: BaseException) -> None:
    """Keep the message, put back the last good state and rerun; if that state fails too, say so in place."""
    page: Page | None = st.session_state.get(_CURRENT)
    text = describe(error)
    if page is None or st.session_state.get(page.key("_recovering")):
        st.session_state.pop(page.key("_recovering"), None) if page is not None else None
        st.error(f"**This view cannot be shown:** {plain(text)}", icon=":material/warning:")
        return
    good: dict[str, Any] = st.session_state.get(page.key("_good_state")) or {}
    keys = {page.key(c) for c in page.controls.values()} | set(SHARED) | {page.key("_last_good")} | set(good)
    restore = {k: good.get(k, _DEFAULT) for k in keys} | {page.key("_link"): {}}  # nothing left from the link
    st.session_state[_RESTORE] = (page.name, restore)
    st.session_state[_MESSAGE] = text
    st.session_state[page.key("_recovering")] = True
    st.rerun()
