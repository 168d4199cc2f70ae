"""The path and the lecturer's view in Chromium: the welcome page's first screen shows the lesson's steps, each
Next link leads on, a presenting view hides what the lecturer chose, and the theme holds through Streamlit's own
theming whatever the computer's setting."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from bench.harness import wait_idle
from tests.e2e.conftest import SCREENSHOTS, screenshot
from ui.navigation import LESSON, PAGES, following

pytestmark = pytest.mark.e2e

# The theme on screen, from the app's background: light or dark (Streamlit's exact colours vary by version).
SHOWN = """() => {
  const [r, g, b] = getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor
    .match(/\\d+/g).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 128 ? 'light' : 'dark';
}"""


def open_app(page, server, path="", query=""):
    page.goto(f"{server}/{path}{'?' + query if query else ''}")
    wait_idle(page)


def shown(page) -> str:
    return page.evaluate(SHOWN)


def wait_for_theme(page, theme: str) -> None:
    page.wait_for_function(f"() => ({SHOWN})() === '{theme}'", timeout=30_000)
    wait_idle(page)


def test_the_welcome_page_shows_the_lessons_steps_in_its_first_screen(page, server):
    open_app(page, server)
    main = page.get_by_test_id("stMain")
    for row in (r for r in PAGES if r.section == LESSON):
        link = main.get_by_role("link", name=row.label)
        box = link.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 720, (row.label, box)
        # The icon is a Material symbol (a font ligature), never an emoji.
        assert link.locator("[data-testid=stIconMaterial]").count() == 1, row.label
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "welcome-first-screen.png"))  # the first screen only


def test_next_links_lead_along_the_path(page, server):
    open_app(page, server)
    row = PAGES[1]
    page.get_by_test_id("stMain").get_by_role("link", name=row.label).click()
    while True:
        page.wait_for_url(lambda url, row=row: urlsplit(url).path.rstrip("/").endswith(f"/{row.slug}"))
        wait_idle(page)
        assert page.get_by_role("heading", level=1).first.inner_text().startswith(row.title)
        after = following(row)
        if after is None:
            break
        if after.step == 4:
            screenshot(page, f"next-{row.slug}")
        link = page.get_by_test_id("stMain").get_by_role("link", name="Next, ")
        assert after.title in link.inner_text()
        link.click()
        row = after
    assert row.slug == "practice"


def test_a_presenting_view_hides_the_sidebar_and_the_chosen_controls(page, server):
    open_app(page, server, "partials", "f=lesson_quadratic&present=sidebar,h")
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_attribute("data-collapsed") == "true"
    assert page.locator(".st-key-partials-h").count() == 1
    assert not page.locator(".st-key-partials-h").is_visible()
    screenshot(page, "presenting")
    # The lecturer opens the sidebar: the other controls are there, the hidden one is not.
    page.get_by_test_id("stExpandSidebarButton").click()
    page.wait_for_timeout(500)
    assert page.locator(".st-key-partials-x0").is_visible()
    assert not page.locator(".st-key-partials-h").is_visible()


@pytest.mark.parametrize(("scheme", "theme"), [("dark", "light"), ("light", "dark")])
def test_the_lecturers_theme_holds_against_the_computers_setting(browser, server, scheme, theme):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme=scheme)
    page = context.new_page()
    try:
        open_app(page, server, "gradient", f"f=lesson_quadratic&theme={theme}")
        wait_for_theme(page, theme)
        assert f"theme={theme}" in page.url
        screenshot(page, f"theme-{theme}-on-{scheme}")
    finally:
        context.close()


def test_choosing_a_theme_in_the_sidebar_switches_it_and_auto_switches_back(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme="light")
    page = context.new_page()
    try:
        open_app(page, server, "partials", "f=lesson_quadratic&x0=1")
        assert shown(page) == "light"
        page.get_by_test_id("stSidebar").get_by_text("Projector").click()
        page.get_by_test_id("stSidebar").get_by_text("Dark", exact=True).click()
        wait_for_theme(page, "dark")
        assert "x0=1" in page.url and "theme=dark" in page.url  # the view itself is kept
        page.get_by_test_id("stSidebar").get_by_text("Projector").click()
        page.get_by_test_id("stSidebar").get_by_text("Auto", exact=True).click()
        wait_for_theme(page, "light")
        assert "theme=" not in page.url and "x0=1" in page.url
    finally:
        context.close()


def test_the_link_for_students_is_the_full_address_without_the_projector(browser, server):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        open_app(page, server, "partials", "f=himmelblau&x0=1.5&lecture=1&theme=light")
        wait_for_theme(page, "light")
        page.get_by_text("Link to this view").click()
        student, lecturer = shown_addresses(page, server)
        assert student.startswith(f"{server}/partials?f=himmelblau&x0=1.5&")
        assert "lecture" not in student and "theme" not in student and "embed" not in student
        assert "lecture=1" in lecturer and "theme=light" in lecturer and "embed" not in lecturer
        assert lecturer == page.url.split("&embed_options=")[0]  # the address bar's view, Streamlit's own option out
        page.get_by_text("Keep lecture mode, theme and presenting view in the students' link").click()
        assert shown_addresses(page, server) == [lecturer, lecturer]  # kept: the students get the projector's view too
        page.get_by_text("Keep lecture mode, theme and presenting view in the students' link").click()
        assert shown_addresses(page, server) == [student, lecturer]
        fresh = context.new_page()
        open_app(fresh, server, student.removeprefix(f"{server}/"))
        assert fresh.get_by_role("heading", level=1).first.inner_text().startswith("Partial derivatives")
        # The fresh session read the link and wrote the same controls back.
        assert fresh.url == student
        font = "() => getComputedStyle(document.querySelector('[data-testid=stAppViewContainer]')).fontSize"
        assert fresh.evaluate(font) != "22px"  # not in lecture mode
    finally:
        context.close()


def shown_addresses(page, server: str) -> list[str]:
    """The addresses shown under 'Link to this view' (ui/link_box.js): for students, then this exact view if it
    differs."""
    return [text.strip() for text in page.locator(".gl-link-url:visible").filter(has_text=server).all_inner_texts()]


def shown_links(page, server: str) -> list[dict[str, str]]:
    """The addresses shown under 'Link to this view', each as its query's parameters."""
    return [dict(parse_qsl(urlsplit(text).query)) for text in shown_addresses(page, server)]


def test_regression_an_open_link_box_follows_next_on_the_explained_step(page, server):
    """Regression (issue 25): Back/Next rerun only the step (a fragment), and an open 'Link to this view' kept the
    old step k until the next full rerun, though the address bar was current."""
    open_app(page, server, "descent", "f=lesson_loss&opt=gd&lr=0.1&steps=10&k=3")
    page.get_by_text("Step 3: θ = (").wait_for(timeout=60_000)
    page.get_by_text("Link to this view").click()
    assert [link["k"] for link in shown_links(page, server)] == ["3"]
    for key, k in (("n", "4"), ("n", "5"), ("b", "4")):
        page.keyboard.press(key)
        page.get_by_text(f"Step {k}: θ = (").wait_for(timeout=60_000)
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('k') === '{k}'", timeout=10_000)
        page.wait_for_function(
            """([server, k]) => [...document.querySelectorAll('.gl-link-url')]
                 .filter((e) => e.innerText.includes(server))
                 .every((e) => new URL(e.innerText.trim()).searchParams.get('k') === k)""",
            arg=[server, k],
            timeout=10_000,
        )
        wait_idle(page)
        links = shown_links(page, server)
        assert [link["k"] for link in links] == [k]
        assert links[0] == dict(parse_qsl(urlsplit(page.url).query))  # the shown link is the address bar's view
