"""AppTest helpers the benchmark and the page tests share: the charts a page sent, a chart's event, and the page
around a part that reran alone."""

from __future__ import annotations

import json
import weakref
from collections.abc import Sequence
from urllib import parse

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import ElementTree, parse_tree_from_messages
from streamlit.testing.v1.local_script_runner import LocalScriptRunner, require_widgets_deltas

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
_states: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # ... -> its widgets' states as its page shows them
_pages: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # ... -> the pages its navigation registered
_run = LocalScriptRunner.run
_app_run = AppTest._run
_finished = LocalScriptRunner._on_script_finished


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


def _widget_parts(sent: Sequence[ForwardMsg]) -> dict[str, str]:
    """Widget id -> the part (fragment id) that drew it, for the widgets the page drew in parts."""
    parts = {}
    for message in sent:
        if message.HasField("delta") and message.delta.fragment_id and message.delta.HasField("new_element"):
            element = message.delta.new_element
            kind = element.WhichOneof("type")
            widget_id = getattr(getattr(element, kind), "id", "") if kind else ""
            if widget_id:
                parts[widget_id] = message.delta.fragment_id
    return parts


def _finish_as_the_server(runner: LocalScriptRunner, ctx: object, event: object, stop: bool, run: object) -> None:
    """A run's end as the server's: AppTest's page runs end in ``st.stop`` (ui.navigation.ensure_framed, the app's
    only one), after which Streamlit does not forget the widgets the run did not draw, as the server does at the end
    of every run. Kept, a slider drawn before under another id (another function's range) gave its old value back
    to the new one after a part's rerun."""
    _finished(runner, ctx, event, False, run)


def _changed_part(runner: LocalScriptRunner, states: WidgetStates | None) -> str | None:
    """The part the browser asks to rerun for these widget states: the one that drew every widget changed since the
    page was shown (a chart's event counts as its chart's), or None for the whole page."""
    if states is None or runner.session_state not in _sent or runner.session_state not in _states:
        return None
    before = _states[runner.session_state]
    changed = [w.id for w in states.widgets if before.get(w.id) != w.SerializeToString(deterministic=True)]
    drawn = _widget_parts(_sent[runner.session_state])

    def part_of(widget_id: str) -> str | None:
        if widget_id in drawn:
            return drawn[widget_id]
        return next((part for element, part in drawn.items() if element in widget_id), None)  # an event's trigger

    parts = {part_of(widget_id) for widget_id in changed}
    return parts.pop() if len(parts) == 1 and None not in parts else None


def _run_as_the_browser(
    runner: LocalScriptRunner,
    widget_state: WidgetStates | None = None,
    query_params: dict | None = None,
    timeout: float = 3,
    page_hash: str = "",
    context_info: object = None,
) -> ElementTree:
    """LocalScriptRunner.run, asking for the part that drew the changed widget, as the browser does (AppTest alone
    asks for the whole page): the widget's callback then finds its rerun under way (ui.controls.rerun_parts)."""
    part = _changed_part(runner, widget_state)
    if part is None:
        return _run(runner, widget_state, query_params, timeout, page_hash, context_info)
    rerun_data = RerunData(
        widget_states=widget_state,
        query_string=parse.urlencode(query_params or {}, doseq=True),
        page_script_hash=page_hash,
        context_info=context_info,
        fragment_id=part,
    )
    # A runner starts with a request for the whole page (ScriptRunner.__init__); the server's starts with the
    # browser's own request, this one.
    runner._requests = ScriptRequests()
    runner.request_rerun(rerun_data)
    try:
        if not runner._script_thread:
            runner.start()
        require_widgets_deltas(runner, timeout)
    finally:
        runner.join()
    return parse_tree_from_messages(runner.forward_msgs())


def _run_noting_the_widgets(at: AppTest, *args, **kwargs) -> AppTest:
    """AppTest's run, noting its widgets' states as the page shows them: the next run's changes are measured from
    them (``_changed_part``)."""
    _app_run(at, *args, **kwargs)
    shown = at._tree.get_widget_states().widgets
    _states[at._session_state] = {w.id: w.SerializeToString(deterministic=True) for w in shown}
    return at


def _run_keeping_the_page(runner: LocalScriptRunner, *args, **kwargs) -> ElementTree:
    """A run's tree as the browser shows it: after parts of the page reran alone (ui.parts), the rest of the page
    from the runs before, not only what the parts sent (AppTest alone keeps only the parts).

    After a whole run, the parts that run did not draw are forgotten, as the server forgets them when a run ends:
    AppTest's page runs end in ``st.stop`` (ui.navigation.ensure_framed), which skips that, and a part whose place
    moved would then rerun twice, under its old place and its new one (the widgets: ``_finish_as_the_server``).
    And the pages ``st.navigation`` registered stay known to a part rerunning alone (a ``st.page_link`` in it), as
    in the server, whose session keeps one PagesManager where AppTest makes a new one per run."""
    pages = runner._pages_manager
    if runner.session_state in _pages:  # a part rerunning alone still knows the pages st.navigation registered
        pages._set_pages(_pages[runner.session_state])
    tree = _run_as_the_browser(runner, *args, **kwargs)
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
    """From now on, an AppTest run that reran parts of the page alone shows the whole page, and a widget drawn in a
    part asks for that part alone, as in the browser."""
    LocalScriptRunner.run = _run_keeping_the_page
    LocalScriptRunner._on_script_finished = _finish_as_the_server
    AppTest._run = _run_noting_the_widgets
