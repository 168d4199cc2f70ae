"""AppTest's tree after a part reran alone, when that part holds parts of its own (a page's body holding its tabs,
a tab holding its step): the whole page, as the browser shows it.

``bench.apptest.keep_the_page_around_parts`` replaces only what the rerun parts themselves sent; a part drawn
inside one sends under its own id, so its old elements stayed beside the new ones and the tree could not be
parsed. The browser instead drops everything inside a rerun part's container that the run did not send again
(Streamlit's ``clearStaleNodes``); this does the same. Meant to be folded into ``bench.apptest``.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.testing.v1.element_tree import ElementTree, parse_tree_from_messages
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from bench import apptest

_sent: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # an AppTest's session state -> what its page shows


def _path(message: ForwardMsg) -> tuple[int, ...]:
    return tuple(message.metadata.delta_path)


def page_after(before: Sequence[ForwardMsg], sent: Sequence[ForwardMsg], parts: set[str]) -> list[ForwardMsg]:
    """What the page shows after the ``parts`` reran alone and sent ``sent``: the messages from before outside
    every rerun part's container, and the new ones."""
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
    tree = apptest._run(runner, *args, **kwargs)
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
    _sent[runner.session_state] = sent
    return tree


def keep_the_page_around_parts() -> None:
    """From now on, an AppTest run that reran parts of the page alone shows the whole page, nested parts included."""
    LocalScriptRunner.run = _run_keeping_the_page
