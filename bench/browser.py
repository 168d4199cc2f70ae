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

# Timed inside the page, from the press on the slider:
# - first: the first chart has its new figure drawn into the page (flat charts are drawn in an animation-frame
#   callback, so that frame paints it right away). Plotly.react is wrapped to note when each draw returns.
# - every: the first frame painted after every chart holds its new figure (a check queued from a frame
#   callback runs after that frame is painted); for a 3D scene this still leaves its GPU work uncounted.
WATCH = f"""() => {{
  const charts = [...document.querySelectorAll('{CHART}')];
  const before = charts.map(gd => gd.data);
  const t = window.__benchLatency = {{down: null, first: null, every: null}};
  document.addEventListener('pointerdown', () => {{ t.down = performance.now(); }}, {{capture: true, once: true}});
  if (!Plotly.__benchWrapped) {{
    const react = Plotly.react;
    Plotly.react = function (...args) {{
      const out = react.apply(this, args);
      const w = window.__benchLatency;
      if (w.down !== null && w.first === null) w.first = performance.now() - w.down;
      return out;
    }};
    Plotly.__benchWrapped = true;
  }}
  const check = () => {{
    const updated = charts.filter((gd, i) => gd.data !== before[i]).length;
    if (updated === charts.length) {{ t.every = performance.now() - t.down; return; }}
    requestAnimationFrame(() => setTimeout(check, 0));
  }};
  requestAnimationFrame(() => setTimeout(check, 0));
}}"""


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
            first, every = slider_latency(page, samples)
            reruns, advanced = playback_reruns(page, url)
            browser.close()
    finally:
        stop_server(process)
    print(f"cold start (streamlit run → first chart visible): {cold:.2f} s")
    for label, times in (("first chart drawn", first), ("every chart painted", every)):
        median, p95 = statistics.median(times), sorted(times)[int(0.95 * (len(times) - 1))]
        print(
            f"slider → {label} in the browser: median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
            f"  target < 300 ms: {'ok' if median < 0.3 else 'OVER'}"
        )
    print(f"playback: advanced {advanced} steps in the browser with {reruns} messages to the server (target 0)")
    return {"cold": cold, "latency": statistics.median(every), "reruns": reruns}


def slider_latency(page, samples: int) -> tuple[list[float], list[float]]:
    """Click the x₀ slider's track; from the press, the time until the first chart and until every chart
    on the page (the 3D scene and both slices) shows the new figure."""
    first, every = [], []
    for i in range(samples):
        x, y = slider_point(page, 0, 0.3 if i % 2 == 0 else 0.7)
        page.mouse.move(x, y)
        page.evaluate(WATCH)
        page.mouse.down()
        page.mouse.up()
        page.wait_for_function("() => window.__benchLatency.every !== null", timeout=20_000)
        times = page.evaluate("() => window.__benchLatency")
        first.append(times["first"] / 1000)
        every.append(times["every"] / 1000)
        wait_idle(page)
    return first, every


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
