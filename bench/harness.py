"""Start the real dashboard and drive Debian's Chromium: shared by the end-to-end tests and the benchmarks."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[1]
# A drawn chart: the div ui/plotly_chart.js creates, once plotly.js has drawn into it.
CHART = ".gl-plotly.js-plotly-plot"
FLOOR_SLIDER = "floor.v"  # the one slider of bench/floor_app.py
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As root in a closed network: no sandbox, and no background connections that would only be refused.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, script: Path | str = "dashboard.py") -> subprocess.Popen:
    """`streamlit run dashboard.py` (or ``script``), headless, on 127.0.0.1:port, from the repository's root."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    """Poll /_stcore/health until the server answers ok."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("streamlit did not become healthy in time")


def stop_server(process: subprocess.Popen) -> None:
    """Terminate a process started here; kill it if it has not ended within 15 s, and reap it."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_idle(page: Page, timeout: float = 60_000) -> None:
    """Connected, the script not running, and no element skeletons left (as Streamlit's own e2e suite waits)."""
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout
    )
    page.wait_for_timeout(200)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout
    )
    page.get_by_test_id("stSkeleton").first.wait_for(state="detached", timeout=timeout)


def slider_point(page: Page, slider: int | str, fraction: float) -> tuple[float, float]:
    """Where ``fraction`` of a slider's track lies, in page coordinates: the slider-th sidebar slider, or the
    slider with that widget key."""
    if isinstance(slider, str):
        widget = page.locator(f".st-key-{slider.replace('.', '-')}").get_by_test_id("stSlider")
    else:
        widget = page.get_by_test_id("stSidebar").get_by_test_id("stSlider").nth(slider)
    track = widget.locator("[role=group] > div").first
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    return box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2


def click_slider(page: Page, index: int, fraction: float) -> None:
    """Click the index-th sidebar slider's track at ``fraction`` of its width, as a student would."""
    x, y = slider_point(page, index, fraction)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.up()
