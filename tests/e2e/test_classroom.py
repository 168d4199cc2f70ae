"""A live class in a real browser: a lecturer's tab and a student's tab in Chromium share one room; the student's
click on the map reaches the lecturer's live view without a reload, and the reveal reaches the student."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bench.harness import wait_idle
from tests.e2e.conftest import SCREENSHOTS, screenshot
from tests.e2e.test_direct_manipulation import chart, pixel

pytestmark = pytest.mark.e2e

SETTINGS = {  # name -> (viewport, query, colour scheme), as the layout test's
    "laptop": ({"width": 1280, "height": 720}, "", "light"),
    "lecture": ({"width": 1920, "height": 1080}, "&lecture=1", "light"),
    "dark": ({"width": 1280, "height": 720}, "", "dark"),
}


@pytest.fixture(autouse=True)
def closes_its_tabs(browser):
    """Every tab a test opened is closed after it, passed or failed: a live view left open reruns every second
    for the rest of the session."""
    before = set(browser.contexts)
    yield
    for context in set(browser.contexts) - before:
        context.close()


def tab(browser, setting: str):
    viewport, _, scheme = SETTINGS[setting]
    return browser.new_context(viewport=viewport, color_scheme=scheme).new_page()


def open_class(browser, server: str, setting: str):
    """A lecturer's tab on the live class page with Himmelblau, after "Start a class"."""
    lecturer = tab(browser, setting)
    lecturer.goto(f"{server}/classroom?f=himmelblau{SETTINGS[setting][1]}")
    wait_idle(lecturer)
    lecturer.get_by_role("button", name="Start a class").click()
    lecturer.get_by_text("Scan to join").wait_for(timeout=30_000)
    wait_idle(lecturer)
    return lecturer


def ask_for_the_minimum(lecturer) -> None:
    """The lecturer starts "Where is the minimum?" and the live view opens."""
    lecturer.get_by_test_id("stSidebar").get_by_text("Where is the minimum?").click()
    wait_idle(lecturer)
    lecturer.get_by_role("button", name="▶ Start this activity").click()
    lecturer.get_by_text("Answers", exact=True).wait_for(timeout=30_000)


def first_answer_in_the_cloud(lecturer) -> list[float]:
    """The first point of the lecturer's cloud of answers, once plotly has drawn it: the count and the cloud come
    in the same run, but the cloud is drawn a moment after the count shows."""
    answers = 'gd => gd?.data?.find(t => t.name.startsWith("the class\'s answers"))'
    cloud = ".st-key-classroom-cloud .gl-plotly.js-plotly-plot"
    lecturer.wait_for_function(f"() => ({answers})(document.querySelector('{cloud}'))?.x?.length", timeout=30_000)
    return lecturer.evaluate(
        f"() => {{ const t = ({answers})(document.querySelector('{cloud}')); return [t.x[0], t.y[0]]; }}"
    )


def metric(page, label: str) -> float:
    """A metric's number as core.numbers writes it (a true minus, ×10ⁿ for the very small), read back."""
    box = page.get_by_test_id("stMetric").filter(has_text=label).first
    shown = box.get_by_test_id("stMetricValue").inner_text().strip().rstrip("%°")
    plain = shown.replace("\u202f×\u202f10", "e").replace("−", "-").replace("⁻", "-")
    return float(plain.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_a_student_tab_and_a_lecturer_tab_share_a_room(browser, server, setting):
    lecturer = open_class(browser, server, setting)
    room = parse_qs(urlsplit(lecturer.url).query)["room"][0]
    assert lecturer.locator(".gl-room-code").inner_text() == room
    qr = lecturer.get_by_test_id("stImage").locator("img").first
    assert qr.evaluate("img => img.naturalWidth") >= 200  # the QR code, drawn
    join = next(t for t in lecturer.get_by_test_id("stCode").all_inner_texts() if "classroom?room=" in t).strip()
    assert join == f"{server}/classroom?room={room}"

    ask_for_the_minimum(lecturer)

    student = tab(browser, setting)
    errors = []
    student.on("pageerror", lambda error: errors.append(str(error)))
    student.goto(join)
    wait_idle(student)
    assert "me" in parse_qs(urlsplit(student.url).query)  # the tab's anonymous id, in its own link
    assert "key" not in student.url
    gd = chart(student, "classroom.map")
    student.mouse.click(*pixel(gd, 3.0, 2.0))  # on one of Himmelblau's minima
    student.get_by_text("Your answer is in.").wait_for(timeout=30_000)

    # The lecturer's view refreshes by itself (a fragment every second): no reload, no click.
    lecturer.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.startsWith('Answers')
            && m.querySelector('[data-testid=stMetricValue]').innerText === '1')""",
        timeout=30_000,
    )
    cloud = first_answer_in_the_cloud(lecturer)
    assert cloud == pytest.approx([3.0, 2.0], abs=0.06)
    lecturer.get_by_role("button", name="Reveal").click()
    lecturer.get_by_text("Median distance").wait_for(timeout=30_000)
    wait_idle(lecturer)
    assert metric(lecturer, "Median distance") < 0.06 and metric(lecturer, "Close to the answer") == 100
    SCREENSHOTS.mkdir(exist_ok=True)
    lecturer.screenshot(path=str(SCREENSHOTS / f"classroom-lecturer-{setting}.png"))

    # The student's page learns of the reveal on its next check (every 3 s) and shows the answer and the distance.
    student.get_by_text("Your distance from the answer").wait_for(timeout=30_000)
    wait_idle(student)
    assert metric(student, "Your distance from the answer") < 0.06
    screenshot(student, f"classroom-student-{setting}")
    assert not errors, errors
    assert student.get_by_test_id("stException").count() == 0 and lecturer.get_by_test_id("stException").count() == 0


def test_a_keyboard_only_student_marks_an_answer_with_the_arrows_and_sends_it_with_enter(browser, server):
    """issue 29: the class map's click sends an answer, so its keys only move a mark; Enter sends it, once."""
    lecturer = open_class(browser, server, "laptop")
    ask_for_the_minimum(lecturer)
    join = next(t for t in lecturer.get_by_test_id("stCode").all_inner_texts() if "classroom?room=" in t).strip()

    student = tab(browser, "laptop")
    student.goto(join)
    wait_idle(student)
    gd = chart(student, "classroom.map")
    gd.focus()
    assert "Enter" in gd.get_attribute("aria-keyshortcuts")
    # From the middle of [−5, 5]² in steps of 0.25: 12 to the right and 8 up is (3, 2), one of the minima.
    student.keyboard.press("Shift+ArrowRight")
    for _ in range(2):
        student.keyboard.press("ArrowRight")
    for _ in range(8):
        student.keyboard.press("ArrowUp")
    live = student.locator(".gl-announce").first
    assert live.inner_text() == "Marked (3, 2). Press Enter to send it."
    assert student.get_by_text("Your answer is in.").count() == 0  # the keys sent nothing
    student.keyboard.press("Enter")
    student.get_by_text("Your answer is in.").wait_for(timeout=30_000)
    lecturer.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.startsWith('Answers')
            && m.querySelector('[data-testid=stMetricValue]').innerText === '1')""",
        timeout=30_000,
    )
    cloud = first_answer_in_the_cloud(lecturer)
    assert cloud == pytest.approx([3.0, 2.0], abs=1e-9)
