"""The benchmark's browser tab (bench/stclient.py) does to the server what the frontend does, no more: a message
sent by reference is drawn from the tab's own copy, and a click on a chart inside a fragment reruns that fragment.

Regression: a tab that reconnected to the other replica got its map as a reference (the frontend had sent the
hash), did not draw it, found no map to click, and reconnected again: the live-class benchmark's replica burnt
72 s of CPU on those loops and missed its 10 s target."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.class_load import Tab
from bench.stclient import Run, Session

MAP_ID = "$$ID-0123abcd-classroom.map"
FRAGMENT_RUN, CUT_SHORT = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY, ForwardMsg.FINISHED_EARLY_FOR_RERUN
WHOLE_RUN = ForwardMsg.FINISHED_SUCCESSFULLY


def _chart(fragment: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.hash = "chart-hash"
    msg.metadata.cacheable = True
    msg.delta.fragment_id = fragment
    msg.delta.new_element.bidi_component.id = MAP_ID
    msg.delta.new_element.bidi_component.json = json.dumps({"figure": {}})
    return msg


def _reference(ref_hash: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.ref_hash = ref_hash
    return msg


def _finished(tab: Tab) -> None:
    done = ForwardMsg()
    done.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    assert tab._read(done, Run(0, 0, 0, 0))


def test_a_chart_sent_by_reference_is_drawn_from_the_tabs_copy_with_its_widget():
    tab = Tab("127.0.0.1", 1, "/classroom?room=ABCDEF", fetch_plotly_js=False)
    tab._read(_chart("answering-fragment"), Run(0, 0, 0, 0))
    _finished(tab)
    tab.widgets.clear()  # a reconnect: the page is drawn again
    run = Run(0, 0, 0, 0)
    tab._read(_reference("chart-hash"), run)
    assert run.references == 1
    assert tab.widgets == {"classroom.map": MAP_ID}
    assert tab.errors == []


def test_a_reference_the_tab_does_not_hold_is_an_error_it_reports():
    tab = Tab("127.0.0.1", 1, "/classroom?room=ABCDEF", fetch_plotly_js=False)
    tab._read(_reference("never-sent"), Run(0, 0, 0, 0))
    assert tab.widgets == {}
    assert tab.errors == ["the server referred to a message this tab does not hold (never-sent)"]


def test_a_click_on_a_chart_inside_a_fragment_asks_for_that_fragment_only():
    sent = []
    tab = Tab("127.0.0.1", 1, "/classroom?room=ABCDEF", fetch_plotly_js=False)
    tab._read(_chart("answering-fragment"), Run(0, 0, 0, 0))

    async def run(msg, start, timeout):
        sent.append(msg)

    tab._run = run

    # A thread of its own: in one pytest run the e2e tests' Playwright keeps an event loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, tab.pick("classroom.map", 0.5, -0.25)).result(timeout=30)
    (msg,) = sent
    assert msg.rerun_script.fragment_id == "answering-fragment"
    (state,) = msg.rerun_script.widget_states.widgets
    assert json.loads(state.json_trigger_value) == [{"event": "pick", "value": {"x": 0.5, "y": -0.25, "via": "click"}}]


def test_a_run_of_parts_of_the_page_ends_the_wait_and_a_run_cut_short_does_not():
    """Regression: a slider whose callback reruns only the page's body (ui.parts) ends its run with
    FINISHED_FRAGMENT_RUN_SUCCESSFULLY; the client waited for a whole run that never came (test_deploy timed out)."""
    session = Session("127.0.0.1", 1, "/descent", fetch_plotly_js=False)
    finished = [ForwardMsg(script_finished=status) for status in (FRAGMENT_RUN, CUT_SHORT, WHOLE_RUN)]
    assert [session._read(msg, Run(0, 0, 0, 0)) for msg in finished] == [True, False, True]
