"""AppTest helpers the benchmark and the page tests share: the charts a page sent, and a chart's event."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

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
