"""The welcome picture: the descent path lies on the surface, from its start to its end."""

from __future__ import annotations

import numpy as np

from core import PRESETS, descend, parse
from core.grid import evaluate_grid
from viz.home import welcome_figure


def test_the_welcome_path_runs_on_the_surface_from_start_to_end():
    preset = PRESETS["lesson_quadratic"]
    f = parse(preset.text)
    run = descend(f, preset.start, optimizer="momentum", lr=0.05, steps=40)
    fig = welcome_figure(evaluate_grid(f, preset.domain, 41), run, f.names)
    by_name = {t.name: t for t in fig.data}
    path = by_name["gradient descent"]
    assert (path.x[0], path.y[0]) == preset.start
    np.testing.assert_allclose(path.z, [f(x, y) for x, y in zip(path.x, path.y, strict=True)])
    assert (by_name["end"].x[0], by_name["end"].y[0]) == tuple(run.points[-1])
    assert by_name["end"].z[0] < by_name["start"].z[0]  # it went downhill
