"""Practice in a real browser: Enter in the answer box checks the answer, and the grey hint is no formula."""

from __future__ import annotations

import pytest

from bench.harness import wait_idle
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_enter_in_the_answer_box_checks_the_answer(page, server):
    page.goto(f"{server}/practice?source=lesson&n=0")
    wait_idle(page)
    box = page.get_by_label("∂f/∂x =")
    assert "6x" not in (box.get_attribute("placeholder") or "")
    box.fill("6x + 2y")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("Correct! Your answer equals ∂f/∂x.").wait_for(timeout=20_000)
    assert page.get_by_test_id("stSidebar").get_by_text("1 solved").is_visible()
    screenshot(page, "practice_enter_checks")
    # A wrong answer, also by Enter: the verdict changes without any click.
    box.fill("6x")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("Not quite").first.wait_for(timeout=20_000)
    assert page.get_by_test_id("stSidebar").get_by_text("2 answers checked").is_visible()
