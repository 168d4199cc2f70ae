"""axe-core on every page and tab: no serious or critical accessibility violation, with no rule left out.

axe-core is Deque's engine (the file shipped in the axe-playwright-python package, so CI installs it with the dev
requirements). It runs in each view at the layout test's three settings — a laptop, a projector in lecture mode,
the dark theme as the computer asks for it — and a fourth: the dark theme chosen in the app's own settings menu
on a computer set to light, so the product passes with an explicit theme choice and not only through
prefers-color-scheme. Each setting keeps one tab (one server, one browser) and opens the views in turn.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import tabs_by_setting
from tests.e2e.test_layout import SETTINGS, VIEWS, open_view

pytestmark = pytest.mark.e2e

try:
    from axe_playwright_python.base import AXE_SCRIPT
except ImportError:  # pragma: no cover - requirements-dev installs it
    AXE_SCRIPT = None

# The layout test's settings, and the dark theme chosen explicitly on a computer whose own setting is light: in
# Streamlit's settings menu (stored per page in localStorage, as the menu does), and in the app's own Projector
# box (ui/view.py), whose link carries it (with Streamlit's option, so the page needs no reload to apply it).
AXE_SETTINGS = {
    **SETTINGS,
    "dark-chosen": ({"width": 1280, "height": 720}, "", "light"),
    "dark-link": ({"width": 1280, "height": 720}, "theme=dark&embed_options=dark_theme", "light"),
}
CHOOSE_DARK = "localStorage.setItem(`stActiveTheme-${window.location.pathname}-v2`, JSON.stringify('Dark'));"
SERIOUS = ("serious", "critical")
# Every rule axe-core has, none disabled: only its "experimental" ones stay off, as axe's defaults have them.
RUN = "(options) => axe.run(document, options)"
OPTIONS = {"resultTypes": ["violations"]}


def report(violations: list[dict]) -> list[str]:
    """One line per offending element: rule, impact, axe's own message and the element's HTML."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
            message = "; ".join(c["message"] for c in checks) or violation["help"]
            lines.append(f"{violation['id']} ({violation['impact']}): {message}\n    {node['html'][:200]}")
    return lines


@pytest.fixture(scope="module")
def axe_tabs(browser):
    """One browser tab per setting, kept for all views."""
    if AXE_SCRIPT is None:
        pytest.skip("axe-playwright-python is not installed (requirements-dev.txt)")

    def prepare(setting: str, context) -> None:
        if setting == "dark-chosen":
            context.add_init_script(CHOOSE_DARK)

    with tabs_by_setting(browser, AXE_SETTINGS, prepare) as open_tab:
        yield open_tab


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("setting", list(AXE_SETTINGS))
def test_axe_core_finds_no_serious_violation(axe_tabs, server, setting, view):
    page = axe_tabs(setting)
    open_view(page, server, view, AXE_SETTINGS[setting][1])
    if setting.startswith("dark-"):  # the choice took: the app is dark although the computer asks for light
        assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=stApp]')).colorScheme") == "dark"
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate(RUN, OPTIONS)
    assert results["testEngine"]["name"] == "axe-core"
    serious = [v for v in results["violations"] if v["impact"] in SERIOUS]
    assert not serious, (
        f"{view} at {setting}:\n"
        + "\n".join(report(serious))
        + "\n"
        + json.dumps(sorted({v["id"] for v in results["violations"]}))
    )
