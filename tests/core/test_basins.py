"""Basins: a start still on its way is coloured by the minimum it is heading to, checked against its own run."""

from __future__ import annotations

import numpy as np
import pytest

from core import PRESETS, descend, descend_many, parse
from core.basins import DIVERGED, NOT_CONVERGED, basin_map, basin_story, shares
from viz.descent import basin_colors, basin_figure, pale

HIMMELBLAU = PRESETS["himmelblau"]
MINIMA = [m for m, _ in HIMMELBLAU.minima]


def test_adam_with_a_small_rate_is_heading_to_a_minimum_from_every_start():
    """Regression: Adam, η = 0.01, 60 steps painted the map almost all grey ("did not converge")."""
    f = parse(HIMMELBLAU.text)
    bm = basin_map(f, MINIMA, HIMMELBLAU.domain, n=20, optimizer="adam", lr=0.01, steps=60)
    assert (bm.labels >= 0).all()  # no grey, no black: each start reaches or heads to a listed minimum
    assert (~bm.reached).mean() > 0.8  # most are still on their way after 60 steps …
    for now, by_horizon in shares(bm, 4):  # … and every minimum owns about a quarter of the plane
        assert 0.15 < by_horizon < 0.35 and now < by_horizon
    # The map's claim about one start, checked with a plain run of its own.
    i, j = np.argwhere(~bm.reached)[7]
    start = (bm.xs[j], bm.ys[i])
    k = int(bm.arrival[i, j])
    run = descend(f, start, optimizer="adam", lr=0.01, steps=k)
    target = np.array(MINIMA[bm.labels[i, j]])
    assert np.linalg.norm(run.points[60] - target) > 0.2  # not there after the steps shown
    # There by its arrival step (tolerance 2% of 10), which the look-ahead knows to within its stride of 10 steps.
    assert k % 10 == 0 and np.linalg.norm(run.points[k] - target) <= 0.2
    assert np.linalg.norm(run.points[k - 10] - target) > 0.2


def test_the_default_map_gives_every_himmelblau_minimum_a_clear_region():
    f = parse(HIMMELBLAU.text)
    bm = basin_map(f, MINIMA, HIMMELBLAU.domain, n=40, optimizer="gd", lr=HIMMELBLAU.lr, steps=60)
    for index, (x, y) in enumerate(MINIMA):
        # The minimum's own cell and its neighbours are its colour, and it is reached there, not only headed to.
        j, i = np.abs(bm.xs - x).argmin(), np.abs(bm.ys - y).argmin()
        assert (bm.labels[i - 1 : i + 2, j - 1 : j + 2] == index).all()
        assert bm.reached[i, j]
        assert 0.2 < (bm.labels == index).mean() < 0.3
    assert "near no listed minimum" not in basin_story(bm, MINIMA)


def test_far_starts_that_blow_up_later_are_not_said_to_head_anywhere():
    f = parse("x^4 - x^2 + y^2")
    bm = basin_map(f, [(-0.7071067811865476, 0.0)], ((-5.0, 5.0), (-1.0, 1.0)), n=21, lr=0.05, steps=200)
    assert (bm.labels == DIVERGED).any() and (bm.labels == NOT_CONVERGED).any() and (bm.labels == 0).any()
    story = basin_story(bm, [(-0.7071067811865476, 0.0)])
    assert "black (" in story and "Grey (" in story and "near no listed minimum even after 1000 steps" in story


def test_the_figure_paints_a_start_on_its_way_in_the_paler_shade_of_its_minimum():
    f = parse(HIMMELBLAU.text)
    bm = basin_map(f, MINIMA, HIMMELBLAU.domain, n=12, optimizer="adam", lr=0.01, steps=60)
    fig = basin_figure(bm, MINIMA, f.names)
    heat = fig.data[0]
    z = np.array(heat.z)
    colors = basin_colors(4)
    assert colors[6:] == [pale(c) for c in colors[2:6]] and pale("#0072B2") == "#8CC0DC"
    on_the_way = ~bm.reached & (bm.labels >= 0)
    assert (z[on_the_way] == bm.labels[on_the_way] + 6).all() and (z[bm.reached] == bm.labels[bm.reached] + 2).all()
    # Each band of the stepped colour scale is one colour: index c is drawn in colors[c].
    scale = heat.colorscale
    for c in np.unique(z):
        assert scale[2 * c][1] == scale[2 * c + 1][1] == colors[c]
    text = np.array(heat.text)
    i, j = np.argwhere(on_the_way)[0]
    assert text[i, j] == f"heading to minimum {bm.labels[i, j] + 1}: there by step {bm.arrival[i, j]}"


def test_a_look_ahead_keeping_every_tenth_point_is_the_same_run():
    f = parse(HIMMELBLAU.text)
    starts = np.array([[0.0, 0.0], [4.5, -4.5], [-1.0, 2.5]])
    full = descend_many(f, starts, optimizer="adam", lr=0.01, steps=200)
    thin = descend_many(f, starts, optimizer="adam", lr=0.01, steps=200, every=10)
    assert np.array_equal(thin.points, full.points[::10]) and np.array_equal(thin.values, full.values[::10])
    with pytest.raises(ValueError, match="multiple"):
        descend_many(f, starts, steps=205, every=10)
