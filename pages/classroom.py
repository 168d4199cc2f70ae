"""Page: live class — the lecturer opens a room, students join by code or QR code, predict, answer and vote."""

from __future__ import annotations

from ui.classroom import class_page
from ui.controls import Page
from ui.page import begin, finish

PAGE = Page("classroom")

slot = begin(
    PAGE,
    "The lecturer starts a class from the sidebar and shows its code; students join with the code or the QR code, "
    "with no account, and each answers on their own screen.",
)
class_page(PAGE)
finish(PAGE, slot)
