"""What the limited worker costs: a cold parse of a fresh formula in-process (before) and through the worker
(after), the worker's round trip, its start, and a cached repeat through ui.cache."""

from __future__ import annotations

import statistics
import time

from core import parse, worker
from core.function import parse_here


def _median_ms(work, count: int) -> float:
    times = []
    for i in range(count):
        start = time.perf_counter()
        work(i)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def _fresh(i: int, tag: int) -> str:
    # A formula no cache has seen: parse, differentiate, compile, evaluate f and ∇f once (what a page does first).
    return f"x^2 + {i + 3 + 1000 * tag}*y^2 + sin({i + 2}*x*y) + exp(-x^2/{i + 1})"


def _first_use(f) -> None:
    f(0.5, 0.5)
    f.grad(0.5, 0.5)


def run(count: int = 60) -> dict[str, float]:
    worker.shutdown()
    start = time.perf_counter()
    parse("x + y")
    started = 1e3 * (time.perf_counter() - start)
    # Interleaved, so both see the same load on the machine and the same state of sympy's caches.
    before_times, after_times = [], []
    for i in range(count):
        for way, tag, times in ((parse_here, 1, before_times), (parse, 2, after_times)):
            start = time.perf_counter()
            _first_use(way(_fresh(i, tag)))
            times.append(time.perf_counter() - start)
    before, after = 1e3 * statistics.median(before_times), 1e3 * statistics.median(after_times)
    round_trip = _median_ms(lambda i: worker.run(abs, -i), count)

    from ui import cache  # outside a Streamlit run its caches still work (bare mode)

    cache.function("x^2 + 3*y^2")
    cached = 1e3 * _median_ms(lambda i: cache.function("x^2 + 3*y^2"), count)
    print(
        f"cold parse + first f, ∇f of a fresh formula: in-process {before:.1f} ms (before), through the worker "
        f"{after:.1f} ms (after); worker round trip {round_trip:.2f} ms; first job incl. worker start "
        f"{started:.0f} ms; cached repeat (ui.cache.function) {cached:.0f} µs"
    )
    return {"before_ms": before, "after_ms": after, "round_trip_ms": round_trip, "cached_us": cached}


if __name__ == "__main__":
    run()
