"""What a student feels in Chromium: cold start, slider-to-chart latency, and playback without reruns."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from tests.e2e.harness import (
    CHART,
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    slider_point,
    start_server,
    stop_server,
    wait_idle,
)

# The chart's data as text; null while Streamlit swaps the chart element during a rerun.
CHART_DATA = (
    f'(i) => {{ const el = document.querySelectorAll("{CHART}")[i];'
    " return el && el.data ? JSON.stringify(el.data.map(t => [t.x, t.y, t.z])) : null; }"
)


def run(samples: int = 12) -> dict[str, float]:
    if CHROMIUM is None:
        print("browser benchmarks skipped: Chromium is not installed")
        return {}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = start_server(port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            # Cold start: a fresh server process until the first chart is drawn in the browser.
            while True:
                try:
                    page.goto(f"{url}/partials?f=lesson_sin", timeout=5_000)
                    break
                except Exception:
                    time.sleep(0.1)
            page.locator(f"{CHART} .main-svg").first.wait_for(state="visible", timeout=120_000)
            cold = time.perf_counter() - started
            wait_idle(page)
            latency = slider_latency(page, samples)
            reruns, advanced = playback_reruns(page, url)
            browser.close()
    finally:
        stop_server(process)
    print(f"cold start (streamlit run → first chart visible): {cold:.2f} s")
    print(
        f"slider → updated chart in the browser: median {statistics.median(latency) * 1000:.0f} ms, "
        f"p95 {sorted(latency)[int(0.95 * (len(latency) - 1))] * 1000:.0f} ms  target < 300 ms: "
        f"{'ok' if statistics.median(latency) < 0.3 else 'OVER'}"
    )
    print(f"playback: advanced {advanced} steps in the browser with {reruns} messages to the server (target 0)")
    return {"cold": cold, "latency": statistics.median(latency), "reruns": reruns}


def slider_latency(page, samples: int) -> list[float]:
    """Click the x₀ slider's track; time from the press until the slice chart in the browser holds new data."""
    times = []
    for i in range(samples):
        before = page.evaluate(CHART_DATA, 1)
        x, y = slider_point(page, 0, 0.3 if i % 2 == 0 else 0.7)
        page.mouse.move(x, y)
        start = time.perf_counter()
        page.mouse.down()
        page.mouse.up()
        changed = f"(b) => {{ const now = ({CHART_DATA})(1); return now !== null && now !== b; }}"
        page.wait_for_function(changed, arg=before, timeout=20_000, polling="raf")
        times.append(time.perf_counter() - start)
        wait_idle(page)
    return times


def playback_reruns(page, url: str) -> tuple[int, int]:
    """Play a 100-step descent; count messages the browser sends meanwhile (a rerun would send one)."""
    sent: list[object] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))  # noqa: PLW0108
    page.goto(f"{url}/descent?f=rosenbrock&opt=adam&lr=0.05&steps=100")
    wait_idle(page)
    before = len(sent)
    page.get_by_text("▶ Play").first.click()
    page.wait_for_timeout(3_000)
    page.get_by_text("❚❚ Pause").first.click()
    advanced = page.locator(CHART).first.evaluate("gd => gd.layout.sliders[0].active")
    return len(sent) - before, int(advanced)


if __name__ == "__main__":
    run()
