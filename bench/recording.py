"""What a recording for slides costs: the longest descent (sampled to the frame bound) and the 2-2-1 walk-through,
drawn and encoded as GIF and MP4, and the files' sizes. `python -m bench.recording`"""

from __future__ import annotations

import resource
import time

from core import PRESETS, descend, parse
from core.backprop import walkthrough
from core.descent import MAX_STEPS
from core.grid import evaluate_grid
from core.network import as_dict, build, initial_weights
from core.network import run as forward_backward
from viz.backprop_recording import walkthrough_frames, walkthrough_recording
from viz.recording import Texts, descent_frames, recording


def _timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def run() -> dict[str, float]:
    preset = PRESETS["himmelblau"]
    f = parse(preset.text)
    t = descend(f, preset.start, optimizer="adam", lr=0.1, steps=min(500, MAX_STEPS), noise=2.0, seed=1)
    grid = evaluate_grid(f, preset.domain, 51)
    texts = Texts("Himmelblau: Adam, η = 0.1, noise σ = 2 (seed 1)", "f(x, y) = …")
    found: dict[str, float] = {}
    # Peak memory first, while the process's high-water mark is still the imports': a GIF holds every frame in its
    # palette form (0.5 MB each), an MP4 only the frame being encoded.
    for kind in ("mp4", "gif"):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        recording(grid, t, f.names, texts, kind)
        found[f"descent {kind} peak MB added"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    found["descent frames s"], frames = _timed(lambda: list(descent_frames(grid, t, f.names, texts)))
    for kind in ("gif", "mp4"):
        found[f"descent {kind} s"], data = _timed(lambda kind=kind: recording(grid, t, f.names, texts, kind))
        found[f"descent {kind} MB"] = len(data) / 1e6
    net = build("2-2-1", "sigmoid", "squared")
    p = forward_backward(net, as_dict(net, initial_weights(net, 0)), (0.5, -1.0), 1.0)
    steps = walkthrough(net, p, 1.0)
    found["walk-through frames s"], _ = _timed(lambda: list(walkthrough_frames(net, p, steps, texts)))
    for kind in ("gif", "mp4"):
        found[f"walk-through {kind} s"], _ = _timed(lambda kind=kind: walkthrough_recording(net, p, steps, texts, kind))
    print(f"descent: {t.steps_taken} steps as {len(frames)} frames; walk-through: {len(steps)} frames")
    for name, value in found.items():
        print(f"  {name:>24}: {value:.2f}")
    return found


if __name__ == "__main__":
    run()
