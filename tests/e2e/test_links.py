"""Links in a real browser: a deep link as a fresh server's very first request, hostile link text shown as text,
settings kept across pages, and the reset."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bench.harness import free_port, start_server, stop_server, wait_healthy, wait_idle
from ui.navigation import PAGES

pytestmark = pytest.mark.e2e
LABELS = {row.slug: row.label for row in PAGES}  # each page's name in the navigation


def test_a_deep_link_as_a_fresh_servers_first_request_runs_inside_the_frame(browser):
    """Streamlit runs pages/ in its legacy mode until the first st.navigation call of the process; the page's
    guard must still draw it inside the dashboard, with the link's parameters applied."""
    port = free_port()
    process = start_server(port)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process)
        page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        page.goto(f"{url}/gradient?f=himmelblau&x0=1.5&y0=-2&theta=120")
        wait_idle(page)
        nav = page.get_by_test_id("stSidebarNav")
        assert nav.get_by_role("link", name=LABELS["descent"], exact=True).count() == 1  # the frame's navigation
        assert page.get_by_test_id("stMetricValue").all_inner_texts()[:2] == ["−67.5", "−9.5"]  # ∇f(1.5, −2)
        assert page.get_by_test_id("stException").count() == 0
        page.context.close()
    finally:
        stop_server(process)


INJECTION = {
    "lr": "[Sign in here](https://evil.example/login)",
    "steps": "![a](https://evil.example/p.gif)",
    "f": "<img src=https://evil.example/q.gif>",
    "opt": "https://evil.example/autolink",
    "expr": "[x](https://evil.example/y)",
}


def test_link_text_is_shown_as_text_never_as_a_link_or_an_image(page, server):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    query = "&".join(f"{k}={v}" for k, v in INJECTION.items())
    page.goto(f"{server}/descent?{query}")
    wait_idle(page)
    warnings = page.get_by_test_id("stAlertContentWarning").all_inner_texts()
    for name in ("lr", "steps", "f", "opt"):
        assert any(f"“{name}”" in w for w in warnings), (name, warnings)
    assert any("Sign in here" in w for w in warnings)  # shown, as plain text
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("img[src*='evil.example']").count() == 0
    assert not [r for r in requests if urlsplit(r).hostname == "evil.example"]  # no fetch from another host


def test_settings_survive_a_visit_to_another_page(page, server):
    page.goto(f"{server}/descent?f=rosenbrock&opt=momentum&lr=0.0015&steps=120")
    wait_idle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=LABELS["gradient"], exact=True).click()
    wait_idle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=LABELS["descent"], exact=True).click()
    page.wait_for_url(lambda url: urlsplit(url).path.endswith("/descent"))
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('steps=')")
    query = parse_qs(urlsplit(page.url).query)
    assert query["opt"] == ["momentum"]
    assert query["lr"] == ["0.0015"]
    assert query["steps"] == ["120"]


def test_reset_restores_the_defaults_and_clears_the_link(page, server):
    page.goto(f"{server}/partials?f=himmelblau&x0=1.5&h=0.01")
    wait_idle(page)
    page.get_by_role("button", name="↺ Reset this page").click()
    wait_idle(page)
    page.wait_for_function("() => !location.search.includes('himmelblau')")
    query = parse_qs(urlsplit(page.url).query)
    assert query["h"] == ["0.5"]
    assert query["x0"] == ["2"]  # the lesson quadratic's own start
