"""Formula bombs through every page under AppTest, in a child process under a memory and time watch (issue 13).

Each bomb goes in as a share link (the formula box, the total-derivative path, the practice answer): the page
must end with a result or a clear message, never the last-resort error, and the process that draws the page
must stay under 400 MB. The worker's CPU limit is lowered to 2 s so the corpus runs in reasonable time.
"""

from __future__ import annotations

import json

import pytest

from tests.hostile import BOMBS, watched

RESIDENT_LIMIT_MB = 400

# The child: every bomb through every page that takes a formula, as a student would send it.
CHILD = r"""
import json, time
from core import worker
worker.CPU_SECONDS = 2
from tests.hostile import BOMBS
from tests.pages.conftest import open_page
from streamlit.testing.v1 import AppTest

records = []
for text in BOMBS:
    for path, query in [
        ("pages/partials.py", {"f": "custom", "expr": text}),
        ("pages/descent.py", {"f": "custom", "expr": text}),
        ("pages/total_derivative.py", {"f": "lesson_quadratic", "g": text}),
    ]:
        start = time.monotonic()
        at = open_page(path, query, timeout=120)
        messages = [e.value for e in [*at.error, *at.warning]]
        records.append({
            "text": text, "page": path, "seconds": time.monotonic() - start,
            "exception": [e.value for e in at.exception], "messages": messages,
        })
    at = open_page("pages/practice.py", {"source": "lesson"}, timeout=120)
    start = time.monotonic()
    at.text_input(key="practice.answer").input(text[:200])
    at.button(key="practice.check").click().run(timeout=120)
    messages = [e.value for e in [*at.error, *at.warning, *at.success]]
    records.append({
        "text": text, "page": "pages/practice.py", "seconds": time.monotonic() - start,
        "exception": [e.value for e in at.exception], "messages": messages,
    })
print("RESULT", json.dumps(records))
"""


@pytest.fixture(scope="module")
def bombs_through_pages():
    output, peaks, killed = watched(CHILD, kill_mb=900, kill_seconds=1800)
    assert not killed, f"the watchdog had to kill the run: peaks {peaks}"
    line = next((ln for ln in output.splitlines() if ln.startswith("RESULT ")), None)
    assert line is not None, output[-3000:]
    return json.loads(line[len("RESULT ") :]), peaks


def test_no_page_process_passes_400_mb_while_the_bombs_run(bombs_through_pages):
    _, peaks = bombs_through_pages
    assert len(peaks) >= 2  # the page's process and at least one worker were watched
    assert max(peaks.values()) < RESIDENT_LIMIT_MB, peaks


@pytest.mark.parametrize("text", BOMBS)
def test_a_bomb_on_any_page_ends_in_a_result_or_a_clear_message(bombs_through_pages, text):
    for record in (r for r in bombs_through_pages[0] if r["text"] == text):
        assert not record["exception"], record
        assert not any("Something went wrong" in m for m in record["messages"]), record
        assert record["seconds"] < 120, record  # a watchdog bound only: the worker's limits end a job in seconds


def test_the_workers_limit_is_what_stops_the_bomb_that_explodes_in_parsing(bombs_through_pages):
    records = [r for r in bombs_through_pages[0] if r["text"] == "cosh(x^0.33333333)+y"]
    formula_pages = [r for r in records if r["page"] in ("pages/partials.py", "pages/descent.py")]
    assert formula_pages
    for record in formula_pages:
        assert any("too complex to work with here" in m for m in record["messages"]), record
