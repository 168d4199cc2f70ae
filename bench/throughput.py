"""descend_many throughput: Rosenbrock, 10,000 starts × 500 steps of Adam, one vectorized batch."""

from __future__ import annotations

import statistics
import time

import numpy as np

from core import PRESETS, descend_many, parse


def run(starts: int = 10_000, steps: int = 500, repeats: int = 5) -> float:
    f = parse(PRESETS["rosenbrock"].text)
    points = np.random.default_rng(0).uniform((-2.0, -1.0), (2.0, 3.0), size=(starts, 2))
    descend_many(f, points[:100], optimizer="adam", lr=0.01, steps=10)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        batch = descend_many(f, points, optimizer="adam", lr=0.01, steps=steps)
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    rate = starts * steps / median
    print(
        f"descend_many, Rosenbrock, {starts:,} starts × {steps} steps, Adam: median {median:.3f} s, best {best:.3f} s "
        f"({rate / 1e6:.1f} M point-steps/s; {int(batch.diverged.sum())} diverged)  target < 0.5 s: "
        f"{'ok' if median < 0.5 else 'OVER'}"
    )
    return median


if __name__ == "__main__":
    run()
