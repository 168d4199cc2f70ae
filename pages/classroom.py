"""Page: live class — the lecturer opens a room, students join by code or QR code, predict, answer and vote."""

from __future__ import annotations

from ui.classroom import class_page
from ui.controls import Page
from ui.page import begin, finish

PAGE = Page("classroom")

slot = begin(
    PAGE,
    "Ask the whole room at once: everyone predicts on the map, types a derivative or votes on their own screen, "
    "and the answers appear together before the reveal.",
)
class_page(PAGE)
finish(PAGE, slot)
