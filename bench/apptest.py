"""AppTest helpers the benchmark and the page tests share: the charts a page sent, a chart's event, and the page
around a part that reran alone."""

from __future__ import annotations

import json
import weakref
from collections.abc import Sequence

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
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
_pages: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # ... -> the pages its navigation registered
_run = LocalScriptRunner.run


def _path(message: ForwardMsg) -> tuple[int, ...]:
    return tuple(message.metadata.delta_path)


def page_after(before: Sequence[ForwardMsg], sent: Sequence[ForwardMsg], parts: set[str]) -> list[ForwardMsg]:
    """What the page shows after the ``parts`` reran alone and sent ``sent``: the messages from before outside
    every rerun part's container, and the new ones. The browser drops everything inside a rerun part's container
    that the run did not send again (a part inside it included), as Streamlit's ``clearStaleNodes`` does."""
    containers = [
        _path(m) for m in sent if m.HasField("delta") and m.delta.HasField("add_block") and m.delta.fragment_id in parts
    ]

    def stale(message: ForwardMsg) -> bool:
        if not message.HasField("delta"):
            return False
        path = _path(message)
        return message.delta.fragment_id in parts or any(path[: len(c)] == c for c in containers)

    # In the page's order (a stable sort keeps the later of two messages to one place later), as a full run sends
    # them: AppTest's tree keeps a container's children in the order they first came.
    return sorted([m for m in before if not stale(m)] + list(sent), key=_path)


def _run_keeping_the_page(runner: LocalScriptRunner, *args, **kwargs) -> ElementTree:
    """A run's tree as the browser shows it: after parts of the page reran alone (ui.parts), the rest of the page
    from the runs before, not only what the parts sent (AppTest alone keeps only the parts).

    After a whole run, the parts that run did not draw are forgotten, as the server forgets them when a run ends:
    AppTest's page runs end in ``st.stop`` (ui.navigation.ensure_framed), which skips that, and a part whose place
    moved would then rerun twice, under its old place and its new one. And the pages ``st.navigation`` registered
    stay known to a part rerunning alone (a ``st.page_link`` in it), as in the server, whose session keeps one
    PagesManager where AppTest makes a new one per run."""
    pages = runner._pages_manager
    if runner.session_state in _pages:  # a part rerunning alone still knows the pages st.navigation registered
        pages._set_pages(_pages[runner.session_state])
    tree = _run(runner, *args, **kwargs)
    _pages[runner.session_state] = pages.get_pages()
    started = [
        data
        for event, data in zip(runner.events, runner.event_data, strict=True)
        if event == ScriptRunnerEvent.SCRIPT_STARTED
    ]
    parts = set((started[-1].get("fragment_ids_this_run") or ()) if started else ())
    sent = list(runner.forward_msgs())
    if parts:
        sent = page_after(_sent.get(runner.session_state, []), sent, parts)
        tree = parse_tree_from_messages(sent)
    else:
        drawn = {m.delta.fragment_id for m in sent if m.HasField("delta") and m.delta.fragment_id}
        runner._fragment_storage.clear(new_fragment_ids=frozenset(drawn))
    _sent[runner.session_state] = sent
    return tree


def keep_the_page_around_parts() -> None:
    """From now on, an AppTest run that reran parts of the page alone shows the whole page, as the browser does."""
    LocalScriptRunner.run = _run_keeping_the_page
