"""AppTest helpers the benchmark and the page tests share: the charts a page sent, a chart's event, and the page
around a part that reran alone."""

from __future__ import annotations

import json
import weakref

from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import ElementTree, parse_tree_from_messages
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from ui.chart import COMPONENT


def charts(at: AppTest) -> list:
    """The chart elements the page sent, in page order."""
    return [e for e in at.get("bidi_component") if e.proto.component_name == COMPONENT]


def send_event(at: AppTest, key: str, event: str, value: object) -> AppTest:
    """Run the page as the browser does after the chart under ``key`` sent a trigger value (ui/plotly_chart.js):
    the widgets' states plus the component's event list, so Streamlit calls the chart's on_<event>_change."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    element = next(e for e in charts(at) if e.proto.id.endswith(key) or key in e.proto.id)
    states = at._tree.get_widget_states()
    state = WidgetState(id=_make_trigger_id(element.proto.id, "events"))
    state.json_trigger_value = json.dumps([{"event": event, "value": value}])
    states.widgets.append(state)
    at._tree._runner._run(states, timeout=at.default_timeout)  # AppTest has no public way to send one yet
    return at


_sent: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # an AppTest's session state -> what its page shows
_run = LocalScriptRunner.run


def _run_keeping_the_page(runner: LocalScriptRunner, *args, **kwargs) -> ElementTree:
    """A run's tree as the browser shows it: after a part of the page reran alone (ui.parts), the rest of the page
    from the runs before, not only what the part sent (AppTest alone keeps only the part)."""
    tree = _run(runner, *args, **kwargs)
    started = [
        data
        for event, data in zip(runner.events, runner.event_data, strict=True)
        if event == ScriptRunnerEvent.SCRIPT_STARTED
    ]
    parts = set((started[-1].get("fragment_ids_this_run") or ()) if started else ())
    sent = list(runner.forward_msgs())
    if parts:
        before = _sent.get(runner.session_state, [])
        sent = [m for m in before if not (m.HasField("delta") and m.delta.fragment_id in parts)] + sent
        tree = parse_tree_from_messages(sent)
    _sent[runner.session_state] = sent
    return tree


def keep_the_page_around_parts() -> None:
    """From now on, an AppTest run that reran parts of the page alone shows the whole page, as the browser does."""
    LocalScriptRunner.run = _run_keeping_the_page
