"""Resident memory: after 500 distinct formulas in one session, and of `streamlit run` under 10 browser sessions."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    click_slider,
    free_port,
    start_server,
    stop_server,
    wait_idle,
)


def rss_mb(pid: int | str = "self") -> float:
    """Current resident set size of a process, in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def formulas(count: int = 500) -> list[str]:
    """Distinct, legal formulas: each is parsed, differentiated, lambdified and drawn once."""
    shapes = [
        "x^2 + {a}*y^2 + sin({b}*x*y)",
        "exp(-(x^2 + y^2)/{a}) * cos({b}*x)",
        "({a}*x - y)^2 + log(1 + {b}*y^2)",
        "sigmoid({a}*x + y) + relu(y - {b})",
        "atan({a}*x*y) + x^3/{b}",
    ]
    return [shapes[i % len(shapes)].format(a=1 + i // len(shapes), b=1 + i % 7) for i in range(count)]


def distinct_formulas(count: int = 500) -> list[tuple[int, float]]:
    """Type ``count`` distinct formulas into the partials page of one AppTest session; RSS along the way."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["f"] = "custom"
    at.run()
    at.switch_page("pages/partials.py").run()
    readings = [(0, rss_mb())]
    for i, text in enumerate(formulas(count), start=1):
        at.text_input(key="partials.expr").input(text).run()
        assert not at.exception and not at.error, (text, at.exception, [e.value for e in at.error])
        if i in (100, 250, 500) or i == count:
            readings.append((i, rss_mb()))
    print("resident memory while typing distinct formulas (one process, bounded caches):")
    print("  " + ", ".join(f"after {n}: {mb:.0f} MB" for n, mb in readings))
    return readings


def sessions(count: int = 10, rounds: int = 3) -> tuple[float, float]:
    """`streamlit run` with ``count`` concurrent browser sessions, each on a page, moving its main slider."""
    if CHROMIUM is None:
        print("10-session memory skipped: Chromium is not installed")
        return float("nan"), float("nan")
    from playwright.sync_api import sync_playwright

    port = free_port()
    process = start_server(port)
    url = f"http://127.0.0.1:{port}"
    paths = [
        "partials?f=rosenbrock",
        "gradient?f=himmelblau",
        "total_derivative",
        "descent?f=rastrigin",
        "regression?tab=Fit+a+line+to+data",
        "practice",
        "partials?f=ackley",
        "descent?f=six_hump_camel",
        "gradient?f=beale",
        "total_derivative?f=lesson_sin",
    ]
    try:
        from bench.harness import wait_healthy

        wait_healthy(url, process)
        idle = rss_mb(process.pid)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = []
            for i in range(count):
                page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
                page.goto(f"{url}/{paths[i % len(paths)]}")
                pages.append(page)
            for page in pages:
                wait_idle(page)
            peak = rss_mb(process.pid)
            for r in range(rounds):
                for i, page in enumerate(pages):
                    if "practice" not in page.url:
                        click_slider(page, 0, 0.2 + 0.6 * ((r + i) % 2))
                for page in pages:
                    wait_idle(page)
                peak = max(peak, rss_mb(process.pid))
            time.sleep(1)
            final = rss_mb(process.pid)
            browser.close()
    finally:
        stop_server(process)
    print(
        f"`streamlit run` resident memory: idle {idle:.0f} MB; with {count} sessions open and {rounds} rounds of "
        f"slider moves: peak {peak:.0f} MB, after {final:.0f} MB  (Community Cloud limit ≈ 690 MB)"
    )
    return idle, peak


if __name__ == "__main__":
    distinct_formulas()
    sessions()
