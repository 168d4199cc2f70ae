"""Server-side cost of a typical interaction on every page, measured with AppTest, against a floor.

The floor, measured in the same run: evaluate x²y + sin(xy) on a 200×200 grid with numpy and serialize one
plotly Surface of it to JSON. Each page's interaction (moving its main slider) is reported as median and p95
milliseconds of the server's own work (the script runner's time: the page's run or the parts that reran alone,
not AppTest's reading of what was sent), as a multiple of the floor, with the bytes of chart JSON the page sends.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from streamlit.runtime.scriptrunner import ScriptRunner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from bench.apptest import charts, keep_the_page_around_parts, send_event
from ui.navigation import BY_PREFIX, PAGES

ROOT = Path(__file__).resolve().parents[1]

# page (its session prefix in ui.navigation's registry) -> (URL parameters, its main slider, the values it moves
# through); the page's file and the slider's key come from the registry.
MAIN_SLIDERS = {
    "partials": ({"f": "lesson_sin"}, "x0", [-1.5, -0.5, 0.5, 1.5]),
    "gradient": ({"f": "himmelblau"}, "x0", [-3.0, -1.0, 1.0, 3.0]),
    "weights": ({}, "y", [3.0, 4.0, 6.0, 7.0]),
    "total": ({"f": "lesson_sin"}, "x0", [-1.5, -0.5, 0.5, 1.5]),
    "descent": ({"f": "rosenbrock", "opt": "adam", "lr": "0.05", "steps": "60"}, "x0", [-1.8, -1.2, -0.6, 0.0]),
    "regression": ({"tab": "Fit a line to data"}, "steps", [40, 60, 80, 100]),
    "curvature": ({"f": "himmelblau"}, "x0", [-3.0, -1.0, 1.0, 3.0]),
    "backprop": ({}, "step", [5, 10, 15, 20]),
}
INTERACTIONS = {
    BY_PREFIX[prefix].path: (query, f"{prefix}.{name}", values)
    for prefix, (query, name, values) in MAIN_SLIDERS.items()
}
SLUGS = {row.path: row.slug for row in PAGES}  # a page file's URL path
TARGET_RATIO = 4  # a page's main gesture costs at most this many floors
keep_the_page_around_parts()  # a gesture that reran a part alone leaves its slider on the page, as in the browser


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def floor(repeats: int = 60) -> float:
    """Seconds to evaluate x²y + sin(xy) on a 200×200 grid and serialize one plotly Surface of it."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        xs = np.linspace(-2, 2, 200)
        X, Y = np.meshgrid(xs, xs)
        Z = X**2 * Y + np.sin(X * Y)
        pio.to_json(go.Figure(go.Surface(x=xs, y=xs, z=Z)), validate=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def chart_bytes(at: AppTest) -> int:
    """The figure JSON the page sends (the whole chart payload, settings included)."""
    return sum(len(element.proto.bytes) for element in charts(at))


@contextmanager
def compiled_once() -> Iterator[None]:
    """AppTest compiles the entry script and the page afresh on every run (a new ScriptCache each time), which a
    server does once per process: give AppTest one cache for the whole measurement, as the server has."""
    shared = ScriptCache()
    with (
        mock.patch.object(app_test, "ScriptCache", lambda: shared),
        mock.patch.object(local_script_runner, "ScriptCache", lambda: shared),
    ):
        yield


@contextmanager
def server_time() -> Iterator[Callable[[], float]]:
    """Seconds the script runner worked on what happened inside (the page's run, or the parts that reran alone, and
    their callbacks): the server's work for a gesture, without AppTest's reading of the page it sent."""
    spent: list[float] = []
    real = ScriptRunner._run_script

    def timed(runner: ScriptRunner, *args, **kwargs):
        start = time.perf_counter()
        try:
            return real(runner, *args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    with mock.patch.object(ScriptRunner, "_run_script", timed):
        yield lambda: sum(spent)


@compiled_once()  # a fresh shared cache for each call
def measure(page: str, rounds: int = 5) -> dict[str, float]:
    query, key, values = INTERACTIONS[page]
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    for value in values:  # warm-up: caches filled, modules imported
        at.slider(key=key).set_value(value).run()
    times = []
    for _ in range(rounds):
        for value in values:
            with server_time() as took:
                at.slider(key=key).set_value(value).run()
            times.append(took())
    assert not at.exception, at.exception
    return {"median": statistics.median(times), "p95": percentile(times, 95), "bytes": chart_bytes(at)}


# A click on the contour map, as the chart component reports it: the same page and the same points as the slider.
CLICKED = {
    "pages/gradient.py": ("gradient.contour", "gradient.y0"),
    "pages/descent.py": ("descent.playback", "descent.y0"),
}


@compiled_once()
def measure_click(page: str, rounds: int = 5) -> dict[str, float]:
    """A pick on the page's map moving x0 through the slider's values (y0 kept), timed like measure()."""
    query, key, values = INTERACTIONS[page]
    chart, other = CLICKED[page]
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    y = at.slider(key=other).value
    for value in values:
        send_event(at, chart, "pick", {"x": value, "y": y, "via": "click"})
    times = []
    for _ in range(rounds):
        for value in values:
            with server_time() as took:
                send_event(at, chart, "pick", {"x": value, "y": y, "via": "click"})
            times.append(took())
    assert not at.exception, at.exception
    assert at.slider(key=key).value == values[-1]  # the click moved the point
    return {"median": statistics.median(times), "p95": percentile(times, 95), "bytes": chart_bytes(at)}


def run(rounds: int = 8) -> list[dict]:
    """One row per page. The floor is sampled before and after every page and its median used for all rows,
    so a slow spell of a shared machine is not charged to one page alone."""
    floors = [floor(30)]
    results = {}
    clicks = {}
    for page in INTERACTIONS:
        results[page] = measure(page, rounds)
        if page in CLICKED:  # right after the slider, so both meet the same spell of a shared machine
            clicks[page] = measure_click(page, rounds)
        floors.append(floor(30))
    base = statistics.median(floors)
    print(
        f"floor (200×200 x²y + sin(xy) → plotly Surface JSON): {base * 1000:.1f} ms, median of "
        f"{len(floors)} samples between {min(floors) * 1000:.1f} and {max(floors) * 1000:.1f} ms"
    )
    print(
        f"{'page':<20}{'median ms':>10}{'p95 ms':>9}{'× floor':>9}{'chart JSON KB':>15}"
        f"  targets: ≤ {TARGET_RATIO}× floor, ≤ 400 KB"
    )
    rows = []
    for page, result in results.items():
        ratio = result["median"] / base
        ok = "ok" if ratio <= TARGET_RATIO and result["bytes"] <= 400_000 else "OVER"
        print(
            f"{SLUGS[page]:<20}{result['median'] * 1000:>10.1f}{result['p95'] * 1000:>9.1f}{ratio:>9.1f}"
            f"{result['bytes'] / 1000:>15.1f}  {ok}"
        )
        rows.append({"page": page, **result, "floor": base, "ratio": ratio})
    print(f"{'a click on the map':<20}{'median ms':>10}{'p95 ms':>9}{'slider median':>15}  target: no more")
    for page, click in clicks.items():
        ok = "ok" if click["median"] <= results[page]["median"] * 1.1 else "OVER"
        print(
            f"{SLUGS[page]:<20}{click['median'] * 1000:>10.1f}{click['p95'] * 1000:>9.1f}"
            f"{results[page]['median'] * 1000:>15.1f}  {ok}"
        )
    return rows


def run_some(slugs: list[str], rounds: int = 8) -> None:
    """Only the pages named by their URL path (``python -m bench.pages partials descent``), each between floors."""
    by_slug = {SLUGS[page]: page for page in INTERACTIONS}
    for slug in slugs:
        floors = [floor(30)]
        result = measure(by_slug[slug], rounds)
        floors.append(floor(30))
        base = statistics.median(floors)
        print(
            f"{slug}: {result['median'] * 1000:.1f} ms (p95 {result['p95'] * 1000:.1f}), floor {base * 1000:.2f} ms, "
            f"{result['median'] / base:.1f}× the floor (target ≤ {TARGET_RATIO}×)"
        )


if __name__ == "__main__":
    import sys

    run_some(sys.argv[1:]) if len(sys.argv) > 1 else run()
