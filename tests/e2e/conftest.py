"""End-to-end fixtures: the real `streamlit run dashboard.py` on a free localhost port, driven by Debian's Chromium.

The server starts once per session and is stopped afterwards; the fixture waits for /_stcore/health and each
page waits for the app to be idle, as Streamlit's own e2e suite does. Without Chromium the tests skip.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

try:
    from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

    from bench.harness import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server, wait_healthy
except ImportError:  # pragma: no cover - the dev requirements install playwright
    sync_playwright = None
    CHROMIUM = None

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def pytest_collection_modifyitems(config, items):
    reason = None
    if sync_playwright is None:
        reason = "the playwright package is not installed; end-to-end tests skipped"
    elif CHROMIUM is None:
        reason = "Chromium is not installed (apt-get install -y chromium); end-to-end tests skipped"
    if reason:
        for item in items:
            if "tests/e2e" in str(item.fspath).replace(os.sep, "/"):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    port = free_port()
    process = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    yield tab
    context.close()


@contextmanager
def tabs_by_setting(
    browser: Browser, settings: dict, prepare: Callable[[str, BrowserContext], None] | None = None
) -> Iterator[Callable[[str], Page]]:
    """One browser tab per setting (its viewport and colour scheme), opened on first use and kept for every view;
    ``prepare`` may add init scripts to a setting's context before its tab opens."""
    contexts: dict[str, BrowserContext] = {}
    opened: dict[str, Page] = {}

    def open_tab(setting: str) -> Page:
        if setting not in opened:
            viewport, _, scheme = settings[setting]
            contexts[setting] = browser.new_context(viewport=viewport, color_scheme=scheme)
            if prepare is not None:
                prepare(setting, contexts[setting])
            opened[setting] = contexts[setting].new_page()
        return opened[setting]

    try:
        yield open_tab
    finally:
        for context in contexts.values():
            context.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.exists() and any(SCREENSHOTS.glob("*.png")):
        shots = sorted(p.name for p in SCREENSHOTS.glob("*.png"))
        terminalreporter.write_line(f"e2e screenshots ({len(shots)}) in {SCREENSHOTS}: {', '.join(shots)}")
