"""The one piece of link state outside a page: lecture mode, read from ``?lecture=`` on a session's first run."""

from __future__ import annotations

from urllib.parse import urlencode

from ui.controls import toggle

LECTURE = toggle(
    "lecture", "🎓 Lecture mode", help="Bigger type and figures for a projector; the same numbers and controls."
)


def query_string(values: dict[str, str]) -> str:
    return urlencode(values)
