"""The learning-rate grid figure: every η of the grid, ✕ where it diverged, the tuned η starred."""

from __future__ import annotations

import numpy as np

from core import parse
from core.tuning import GRID, tune
from viz.tuning import grid_figure


def named(fig, name):
    [match] = [d for d in fig.data if d.name == name]
    return match


def test_grid_figure_shows_each_rate_the_divergence_and_the_tuned_rate():
    f = parse("x^2 + 10*y^2")
    tuned = tune(f, (-2.5, 1.0), "gd", 30)
    assert tuned.lr == 0.05
    fig = grid_figure(tuned, 0.09, 30)
    loss = named(fig, "loss after 30 steps")
    assert list(loss.x) == list(GRID)
    diverging = [lr for lr in GRID if lr >= 0.2]  # |1 − 20η| > 1 past η = 0.1; at 0.1 y bounces for ever
    assert list(named(fig, "diverged").x) == diverging
    shown = np.array(loss.y, dtype=float)
    assert np.isnan(shown[GRID.index(0.2) :]).all() and shown[GRID.index(0.1)] > 10 * shown[GRID.index(0.05)]
    star = named(fig, "tuned η = 0.05")
    assert star.y[0] == tuned.losses[GRID.index(0.05)] == min(tuned.losses)
    assert list(named(fig, "η on the sidebar = 0.09").x) == [0.09, 0.09]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
