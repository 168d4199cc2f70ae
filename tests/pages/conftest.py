"""AppTest helpers: run a page through the real entry point (dashboard.py and its navigation)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.chart import COMPONENT, read_payload

ROOT = Path(__file__).resolve().parents[2]


def open_page(path: str, query: dict[str, str] | None = None, timeout: float = 60) -> AppTest:
    """Start a fresh session on dashboard.py with the given link parameters, then switch to the page."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(path).run()
    return at


def charts(at: AppTest) -> list:
    """The chart elements the page sent, in page order."""
    return [e for e in at.get("bidi_component") if e.proto.component_name == COMPONENT]


def figures(at: AppTest) -> list[dict]:
    """The plotly figures the page sent, as JSON."""
    return [read_payload(element.proto.bytes)["figure"] for element in charts(at)]


def texts(at: AppTest) -> str:
    """All text on the page that a student reads: markdown, LaTeX, metrics, tables, alerts, code."""
    parts = [m.value for m in at.markdown] + [m.value for m in at.latex] + [c.value for c in at.code]
    parts += [c.value for c in at.caption]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value for e in [*at.error, *at.warning, *at.info, *at.success]]
    parts += [str(t.proto) for t in at.get("table")]
    return "\n".join(str(p) for p in parts)


def assert_clean(at: AppTest) -> None:
    """No exception reached the page, and the entry point's last-resort guard did not fire."""
    assert not at.exception, [e.value for e in at.exception]
    assert not any("Something went wrong" in e.value for e in at.error), [e.value for e in at.error]


@pytest.fixture
def page_texts():
    return texts


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
