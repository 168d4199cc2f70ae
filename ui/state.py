"""Link state outside a page: the lecturer's choices for the projector, read from the link on a session's first
run. Lecture mode and the theme hold for every page; a link for students leaves them out (ui.view)."""

from __future__ import annotations

from ui.controls import choice, toggle

LECTURE = toggle(
    "lecture",
    "Lecture mode",
    help="Bigger type and figures for a projector; the same numbers and controls.",
)
THEMES = {"auto": "Auto", "light": "Light", "dark": "Dark"}
THEME = choice(
    "theme",
    "Theme",
    list(THEMES),
    "auto",
    kind="radio",
    horizontal=True,
    labels=THEMES.get,
    help="Auto follows the computer's setting; Light or Dark holds on any computer (a projector, say).",
)
VIEW = (LECTURE, THEME)  # kept in session_state under their own names, for every page
