"""The race's tuned η and the basin map's look-ahead: what one cold computation costs (the page caches both)."""

from __future__ import annotations

import statistics
import time

from core import PRESETS, parse
from core.basins import basin_map
from core.tuning import GRID, tune

RACE = ("gd", "momentum", "nesterov", "adam", "newton")  # the race's default field


def _median(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(repeats: int = 3) -> None:
    for steps in (60, 500):
        worst, where = 0.0, ""
        for key, preset in PRESETS.items():
            f = parse(preset.text)
            cost = _median(lambda f=f, p=preset, k=steps: [tune(f, p.start, o, k) for o in RACE], repeats)
            if cost > worst:
                worst, where = cost, key
        print(
            f"tuning the default race ({len(RACE)} optimizers × {len(GRID)} rates × {steps} steps), slowest preset "
            f"{where}: median {worst:.3f} s  target < 1 s: {'ok' if worst < 1 else 'OVER'}"
        )
    p = PRESETS["himmelblau"]
    f, minima = parse(p.text), [m for m, _ in p.minima]
    for n in (40, 60):
        cost = _median(lambda n=n: basin_map(f, minima, p.domain, n, "adam", 0.01, 60), repeats)
        print(
            f"basin map with look-ahead, Himmelblau, Adam η = 0.01, {n}×{n} starts, 60 steps (+ up to 1000 for "
            f"starts on their way): median {cost:.3f} s  target < 1 s: {'ok' if cost < 1 else 'OVER'}"
        )


if __name__ == "__main__":
    run()
