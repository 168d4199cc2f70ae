"""Parts of a page that rerun alone: the page's body and a step control with Back/Next (each check-yourself
question is one too, ui.lesson_path).

A part is a keyed ``st.fragment``. A control drawn in a part (``Page.draw``) reruns that part, nothing else: the
charts around it are not computed or sent again. At its end the part writes the address bar as the page's end does
(``Page.relink``, ui.page), and the "Link to this view" box follows the address bar in the browser
(ui/link_box.js). The sidebar's controls that only the body reads are a part too (``rerunning_the_body``), but for
the point a chart in the body moves, which the body draws itself (``drawn_by_the_body``): a click on a map that
moves it reruns the body alone (``rerun_after_pick``). Anything else a part's widget sets that code outside the part
reads reruns the whole page. A part's errors take the page's one error path (``ui.guard.shielded``), also when the
part reruns alone; a part that failed does not write the address bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import guard, keep
from ui.controls import Control, Page, rerun_parts
from ui.navigation import FRAMED

BODY = "body"  # the part with the page's charts, rerun by the point and the settings in the sidebar
T = TypeVar("T")


def key(page: Page, name: str) -> str:
    """The fragment key of the part ``name`` of ``page`` (not a widget key: "descent.part.step")."""
    return f"{page.name}.part.{name}"


def part(page: Page, name: str, draw: Callable[[], None]) -> None:
    """Draw ``draw()`` as the part ``name`` of the page: rerun alone when a control in it changes, then write the
    address bar."""
    own = key(page, name)

    def body() -> None:
        outer = page.rerun, page.part
        page.rerun, page.part = (own,), own
        try:
            # In the page's run, or in a part around it rerunning (descent's step in the body): that run keeps the
            # session's fair share and writes the address bar, once.
            if FRAMED.get() or outer[1] is not None:
                guard.shielded(draw, own)
            else:  # rerunning alone: a part's rerun counts towards the fair share as a page's does
                with guard.fair_share():
                    # The address bar follows, as at the page's end: the link box shows it (ui/link_box.js).
                    if guard.shielded(draw, own) and page.relink is not None:
                        page.relink()
        finally:
            page.rerun, page.part = outer

    st.fragment(body, key=own)()


def rerunning_the_body(page: Page, draw: Callable[[], T], name: str = "controls", where: Any = None) -> T:
    """Draw ``draw()``'s controls (in the sidebar, or in ``where``) as a part: a change reruns only the body
    (``body``), and ``draw()``'s value is returned.

    In a part, a control asks the server to rerun that part rather than the page; its callback then reruns the
    body instead. Asked for the page, the browser would first re-render the whole page for a run that never
    happens (measured in Chromium: 15-40 ms of a slider move, more on the larger pages). A widget in it without a
    callback of its own reruns the page, as it would outside a part.
    """
    own = key(page, name)
    result: list[T] = []

    def controls() -> None:
        # Rerunning alone, by itself: only a widget without a callback asks for that (with the body, a chart's pick).
        if not FRAMED.get() and len(get_script_run_ctx().fragment_ids_this_run) == 1:
            st.rerun()
        outer = page.rerun, page.part
        page.rerun, page.part = (key(page, BODY),), own
        try:
            result.append(draw())
        finally:
            page.rerun, page.part = outer

    with where if where is not None else st.sidebar:
        st.fragment(controls, key=own)()
    return result[0]


def drawn_by_the_body(page: Page, draw: Callable[[], object], where: Any = None) -> None:
    """Keep the place of ``draw()``'s controls here (in the sidebar, or in ``where``): the body draws them there, at
    its start (``body``). For the controls a chart in the body moves (the point P): a click on the map then reruns
    the body alone, which shows the sliders' new values with the charts, as a move of the sliders does. Their values
    before the body has drawn them: ``Page.value``.

    Drawn in a part of their own (``rerunning_the_body``), a click reran that part too, and cost 1-2 ms more than a
    slider's move (python -m bench.pages). Settings a chart never moves stay there: drawn by the body, each of them
    would make every move of P draw them again.
    """
    # With how many link parameters come before them: the link lists them in the sidebar's order.
    page.body_controls.append(((where if where is not None else st.sidebar).container(), draw, len(page.drawn)))


def rerun_after_pick(page: Page, names: Sequence[str], chart_part: str | None) -> None:
    """After a chart drawn in the part ``chart_part`` moved the controls ``names`` (a click, a dragged point, an
    arrow key): the body when it drew both (it shows their new values with the charts); the sidebar's part that
    drew the controls and the body; otherwise the page."""
    drawn_in = {page.drawn_in.get(name) for name in names}
    body_key = key(page, BODY)
    if len(drawn_in) != 1 or None in drawn_in or chart_part != body_key:
        st.rerun()
    else:
        rerun_parts(list(dict.fromkeys([*drawn_in, body_key])))


def body(page: Page, draw: Callable[[], None]) -> None:
    """The page's charts and numbers as a part, with the controls kept for it (``drawn_by_the_body``) drawn first in
    their places: a control drawn ``rerunning_the_body`` or by the body reruns it without the page around it.
    ``draw`` reads their values itself (``Page.value``): a rerun of the part alone does not run the code that drew
    the sidebar's parts."""

    def drawn() -> None:
        moved = 0
        for place, controls, before in page.body_controls:
            had = set(page.drawn)
            outer, page.slot = page.slot, place
            try:
                with place:
                    controls()
            finally:
                page.slot = outer
            new = [name for name in page.drawn if name not in had]
            if new:  # the page's run: their link parameters go where the sidebar shows them, not after the settings
                rest = [name for name in page.drawn if name in had]
                at = before + moved
                page.drawn = {name: page.drawn[name] for name in [*rest[:at], *new, *rest[at:]]}
                moved += len(new)
        draw()

    part(page, BODY, drawn)


def tabs(page: Page, control: Control, renders: Sequence[Callable[[], None]]) -> None:
    """Views named by a choice control's options, one open at a time: a row of buttons (one always pressed) above
    the open view, which alone is drawn (a switch reruns the page); its name goes into the link like any control's
    value.

    Not ``st.tabs``: on every pass of Streamlit's page, its panel walked its content for a control a key could reach
    (react-aria's useHasTabbableChild), which made the browser work out the page's styles there and then. Streamlit
    passes over the whole page three to four times a move. React's share of the browser's work per slider move
    fell by 10-23 ms (a Chromium trace of 8 moves, old and new taking turns in fresh servers): curvature 78 → 56 ms,
    regression 85 → 67, descent 83 → 73. The time until the charts are painted did not change beyond the noise.

    A view is no part of its own: it is the page's body (descent) or all of it but a closed expander (regression,
    curvature), so its controls rerun the body. A part inside the body cost every move of the body's controls
    0.4-0.5 ms of Streamlit's bookkeeping (python -m bench.pages) and saved a view's controls next to nothing.
    """
    name = page.prepare(control)
    page.drawn[control.name] = control.dump(st.session_state[name])
    # The buttons sit in a part (the body); a switch reruns the whole page, whose sidebar shows the open view's
    # settings.
    chosen = st.segmented_control(
        control.label, list(control.options), required=True, key=name, label_visibility="collapsed", on_change=st.rerun
    )
    keep.remember(name)
    dict(zip(control.options, renders, strict=True))[chosen]()
