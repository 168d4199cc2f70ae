"""Every sentence true of its picture: each claim a page makes about its default figure (and each preset's) is
checked on the figure's own data, computed through core and the viz builders as the page computes it.

One row per claim: the page, the preset, the sentence the student reads (quoted or paraphrased), and a check
that computes what the picture shows and asserts the sentence of it. The page's defaults (optimizer, steps, the
race's field, the sweep's multiples, the basin grid) are read from the controls the page itself declared.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pytest

from core import PRESETS, descend, parse, total_derivative
from core.basins import NOT_CONVERGED, basin_map, basin_story, shares
from core.calculus import secant_slopes
from core.curvature import curvature_at
from core.grid import evaluate_grid
from core.numbers import number
from core.regression import residual_factor, residual_story
from core.rnn import sequence, unroll
from core.slices import path_data, path_domain
from core.tuning import entrants, reversals, sweep_story, tune
from tests.pages.conftest import open_page
from viz.curvature import DOWN, UP, hessian_figure
from viz.descent import basin_figure
from viz.gradient import directional_figure
from viz.home import welcome_figure
from viz.regression import minima_line
from viz.total import total_surface_figure

TWO_D = [k for k, p in PRESETS.items() if len(parse(p.text).names) == 2]


@functools.cache
def function(key: str):
    """Each preset parsed once for the whole module."""
    return parse(PRESETS[key].text)


@functools.cache
def page_defaults() -> dict[str, object]:
    """The descent page's own defaults, as its declarations say (one AppTest run per tab)."""
    found: dict[str, object] = {}
    for tab in ["Step by step", "Compare optimizers", "Learning-rate sweep", "Basins of attraction"]:
        at = open_page("pages/descent.py", {"tab": tab})
        found |= {name: c.default for name, c in at.session_state["descent._controls"].items()}
    return found


@functools.cache
def default_run(key: str, optimizer: str | None = None):
    p, d = PRESETS[key], page_defaults()
    return descend(function(key), p.start, optimizer=optimizer or d["opt"], lr=p.lr, steps=d["steps"])


def drawn(fig, name: str) -> list:
    """The traces of a figure with this name that hold data (a legend key drawn apart holds none)."""
    return [d for d in fig.data if d.name == name and list(d.x) != [None]]


class Claim(NamedTuple):
    page: str
    preset: str
    sentence: str
    check: Callable[[], None]


# --- descent: compare optimizers ---------------------------------------------------------------------------------
def race_never_diverges(key: str) -> Callable[[], None]:
    def check() -> None:
        d = page_defaults()
        assert d["race_lr"] == "tuned"
        p, f = PRESETS[key], function(key)
        field = entrants(d["race"], p.lr, "tuned", lambda o: tune(f, p.start, o, d["steps"]))
        for e in field:
            run = descend(f, p.start, optimizer=e.optimizer, lr=e.lr, steps=d["steps"])
            assert run.status != "diverged", (e.label, run.diverged_at)
            # A run that falls without bound is said so beside the race, with its reason (saddle, x²y + sin xy).
            assert run.status == "ok" or "without bound" in run.reason
            assert f"η = {number(e.lr)} (tuned)" in e.label or (e.source == "no η" and "(no η)" in e.label)

    return check


# --- descent: learning-rate sweep --------------------------------------------------------------------------------
def sweep_caption_follows_the_sweep(key: str) -> Callable[[], None]:
    def check() -> None:
        d, p, f = page_defaults(), PRESETS[key], function(key)
        runs = [descend(f, p.start, optimizer=d["opt"], lr=m * p.lr, steps=d["steps"]) for m in sorted(d["factors"])]
        story = sweep_story(runs)
        finite = [r for r in runs if r.status != "diverged"]
        diverged = [r for r in runs if r.status == "diverged"]
        # "η = … ends lowest": the lowest final loss, a near tie going to the larger η.
        lowest = min(r.values[-1] for r in finite)
        tie = 1e-9 * max(1.0, abs(runs[0].values[0]))
        best = max((r for r in finite if r.values[-1] <= lowest + tie), key=lambda r: r.lr)
        assert story.startswith(f"η = {number(best.lr)} ends lowest")
        for r in finite:
            if r is not best:
                assert f"η = {number(r.lr)} ends higher" in story
                assert r.values[-1] > best.values[-1]
        for eta in re.findall(r"η = ([^ ]+) ends higher: [^.]*overshoots", story):
            assert any(number(r.lr) == eta and np.diff(r.values).max() > 0 for r in runs)
        for eta in re.findall(r"η = ([^ ]+) ends higher: [^.]*zig-zags", story):
            assert any(number(r.lr) == eta and reversals(r) >= r.steps_taken // 3 for r in runs)
        said = re.search(r"η = ([^:]+) diverges?:", story)
        assert (said.group(1).split(", ") if said else []) == [number(r.lr) for r in diverged]
        # The old fixed caption promised divergence whatever the sweep showed.
        assert ("diverge" in story) == bool(diverged)
        assert ("No rate shown is too large yet" in story) == (best is runs[-1])

    return check


# --- descent: basins of attraction -------------------------------------------------------------------------------
@functools.cache
def default_basins(key: str, optimizer: str | None = None, lr: float | None = None):
    d, p = page_defaults(), PRESETS[key]
    minima = [m for m, _ in p.minima]
    n = d["basin_n"]
    return basin_map(function(key), minima, p.domain, n, optimizer or d["opt"], lr or p.lr, d["steps"]), minima


def basins_caption_counts_the_map(key: str) -> Callable[[], None]:
    def check() -> None:
        bm, minima = default_basins(key)
        story = basin_story(bm, minima)
        for i, (now, _) in enumerate(shares(bm, len(minima))):
            counted = ((bm.labels == i) & bm.reached).sum() / bm.labels.size
            assert now == counted
            shown = "<1%" if 0 < counted < 0.005 else f"{counted:.0%}"
            assert f"minimum {i + 1} at ({number(minima[i][0], 3)}, {number(minima[i][1], 3)}): {shown}" in story
        grey = (bm.labels == NOT_CONVERGED).mean()
        assert ("Grey" in story) == bool(grey)
        # The figure paints what the caption says: a reached start in its minimum's colour, a start on its way
        # in that colour's paler shade, and the hover text says which.
        heat = basin_figure(bm, minima, function(key).names).data[0]
        z, colours = np.array(heat.z), [stop[1] for stop in heat.colorscale[::2]]
        i, j = np.unravel_index(np.argmax(bm.labels), bm.labels.shape)
        assert colours[z[i, j]] in (colours[bm.labels[i, j] + 2], colours[bm.labels[i, j] + 2 + len(minima)])

    return check


def himmelblau_minima_own_clear_regions(optimizer: str | None, lr: float | None) -> Callable[[], None]:
    def check() -> None:
        bm, minima = default_basins("himmelblau", optimizer, lr)
        assert (bm.labels >= 0).all()  # no grey: every start reaches or heads to one of the four
        for i, (x, y) in enumerate(minima):
            region = bm.labels == i
            assert 0.2 < region.mean() < 0.3  # a quarter each, as "four regions" says
            col, row = np.abs(bm.xs - x).argmin(), np.abs(bm.ys - y).argmin()
            assert region[row - 2 : row + 3, col - 2 : col + 3].all()  # a clear block around the minimum itself

    return check


# --- the presets' own sentences (shown beside every picture of them) ----------------------------------------------
def lesson_loss_step() -> None:
    run = descend(function("lesson_loss"), (1.0, 1.0), optimizer="gd", lr=0.1, steps=1)
    assert run.points[1].tolist() == [1.4, 1.8] and run.values[1] == 0.0


def minima_are_minima(key: str) -> Callable[[], None]:
    def check() -> None:
        f = function(key)
        for (x, y), value in PRESETS[key].minima:
            assert f(x, y) == pytest.approx(value, abs=1e-9)
            grad = f.grad(x, y)
            if key == "ackley":
                assert not np.isfinite(grad).all()  # "the gradient is undefined exactly there"
                continue
            assert np.linalg.norm(grad) < 1e-6
            h = 1e-3  # a minimum: every neighbour is higher
            assert all(f(x + a, y + b) > f(x, y) for a, b in [(h, 0), (-h, 0), (0, h), (0, -h), (h, h), (-h, h)])

    return check


def rosenbrock_valley() -> None:
    run = default_run("rosenbrock")
    x, y = run.points[-1]
    assert abs(y - x * x) < 0.5  # "finding the valley is easy": the run sits in it
    assert math.dist((x, y), (1.0, 1.0)) > 1.0  # "following it to the minimum is hard": far from (1, 1)


def booth_is_solved() -> None:
    for optimizer in page_defaults()["race"]:
        p, f = PRESETS["booth"], function("booth")
        t = tune(f, p.start, optimizer, page_defaults()["steps"])
        run = descend(f, p.start, optimizer=optimizer, lr=t.lr or p.lr, steps=page_defaults()["steps"])
        assert math.dist(run.points[-1], (1.0, 3.0)) < 0.5, optimizer


def matyas_is_slow() -> None:
    run = default_run("matyas")
    assert run.values[-1] > 0.25 * run.values[-31]  # the last 30 steps do not even quarter the loss
    assert math.dist(run.points[-1], (0.0, 0.0)) > 0.5


def three_hump_gets_stuck() -> None:
    p = PRESETS["three_hump_camel"]
    run = descend(function("three_hump_camel"), p.start, optimizer="gd", lr=p.lr, steps=1000)
    (local, value) = p.minima[1]
    assert math.dist(run.points[-1], local) < 1e-3 and run.values[-1] == pytest.approx(value) and value > 0


def goldstein_price_spans_six_decades() -> None:
    grid = evaluate_grid(function("goldstein_price"), PRESETS["goldstein_price"].domain, 61)
    assert np.nanmax(grid.z) / np.nanmin(grid.z) > 1e5


def rastrigin_dimple() -> None:
    run = default_run("rastrigin")
    assert math.dist(run.points[-1], (2.0, 2.0)) < 0.1 and run.values[-1] > 7  # a dimple, not the origin


def lesson_sin_unbounded() -> None:
    f = function("lesson_sin")
    assert [f(t, -t) < -(t**3) + 2 for t in (10.0, 100.0)] == [True, True]  # x²y → −∞ along y = −x


def saddle_stall_then_escape() -> None:
    run = default_run("saddle")
    distance = np.linalg.norm(run.points, axis=1)
    k = int(distance.argmin())
    assert distance[k] < 0.15 and run.points[0][1] == 0.01  # walks into the saddle along the x-axis …
    assert abs(run.points[-1][1]) > 100 and run.status == "unbounded"  # … and the tiny y sends it away


def ill_conditioned_zigzag() -> None:
    gd, momentum, adam = (default_run("ill_conditioned", o) for o in ("gd", "momentum", "adam"))
    ys = gd.points[:, 1]
    assert (np.sign(ys[1:]) != np.sign(ys[:-1])).all()  # gradient descent crosses the valley at every step
    assert (np.diff(np.abs(gd.points[:, 0])) < 0).all()  # while it moves steadily along x
    assert reversals(momentum) < reversals(gd) / 2 and reversals(adam) < reversals(gd) / 2


# --- partial vs total derivative: P and the path on the drawn surface ----------------------------------------------
def total_view_on_surface(key: str) -> Callable[[], None]:
    def check() -> None:
        p, f = PRESETS[key], function(key)
        td = total_derivative(f, f"{f.names[0]}^2")  # the page's default path y = x²
        x0 = p.start[0]
        shown = path_domain(p.domain, td, x0)
        grid = evaluate_grid(f, shown, 61)
        values = td.at(x0)
        fig = total_surface_figure(grid, path_data(f, td, shown, x0), values, f.names)
        [point] = drawn(fig, "P")
        z_axis = fig.layout.scene.zaxis.range
        assert grid.xs[0] <= point.x[0] <= grid.xs[-1] and grid.ys[0] <= point.y[0] <= grid.ys[-1]
        assert z_axis[0] <= point.z[0] <= z_axis[1]
        assert point.y[0] == pytest.approx(x0**2) and point.z[0] == f(x0, x0**2)  # on the surface itself
        [path] = drawn(fig, f"path {f.names[1]} = g({f.names[0]}) on the surface")
        ys, zs = np.array(path.y, dtype=float), np.array(path.z, dtype=float)
        shown = np.isfinite(ys)
        assert (ys[shown] >= grid.ys[0]).all() and (ys[shown] <= grid.ys[-1]).all()
        assert (zs[shown] >= z_axis[0]).all() and (zs[shown] <= z_axis[1]).all()
        # The whole path is drawn unless y = x² leaves even the grown surface (3 domain heights past its edge).
        assert shown.all() or path.x[~shown].min() ** 2 > p.domain[1][1] + 3 * (p.domain[1][1] - p.domain[1][0])
        assert shown.mean() > 0.8

    return check


# --- the other pages' default pictures --------------------------------------------------------------------------
def home_rolls_to_the_minimum() -> None:
    p = PRESETS["lesson_quadratic"]
    run = descend(function("lesson_quadratic"), p.start, optimizer="momentum", lr=0.05, steps=40)
    fig = welcome_figure(evaluate_grid(function("lesson_quadratic"), p.domain, 41), run, ("x", "y"))
    [end] = drawn(fig, "end")
    # Rolling down to it: 88% of the way there, with 98.8% of the height gone, after the 40 steps drawn.
    assert math.dist((end.x[0], end.y[0]), (0.0, 0.0)) < 0.15 * math.dist(p.start, (0.0, 0.0))
    assert end.z[0] < 0.02 * run.values[0]


def secants_approach_the_partial() -> None:
    f, (x0, y0) = function("lesson_quadratic"), PRESETS["lesson_quadratic"].start
    slopes = secant_slopes(f, (x0, y0), 0, [1.0, 0.1, 0.01, 0.001, 1e-4, 1e-5, 1e-6])
    distance = np.abs(np.asarray(slopes) - f.grad(x0, y0)[0])
    assert (np.diff(distance) < 0).all()  # "as h shrinks, the secant slope approaches ∂f/∂x(P)" (to h = 10⁻⁶)
    # "Below about h = 10⁻⁸ it would get worse again": round-off then outweighs what a smaller h gains.
    below = np.abs(np.asarray(secant_slopes(f, (x0, y0), 0, [1e-7, 1e-10, 1e-12])) - f.grad(x0, y0)[0])
    assert below[1] > below[0] and below[2] > below[0]


def steepest_ascent_along_the_gradient() -> None:
    f, (x0, y0) = function("lesson_quadratic"), PRESETS["lesson_quadratic"].start
    grad = f.grad(x0, y0)
    fig = directional_figure(grad, 0.0)
    curve = next(d for d in fig.data if d.name == "D<sub>u</sub>f(P)")
    values, angles = np.array(curve.y), np.array(curve.x)
    norm = float(np.linalg.norm(grad))
    steepest = math.degrees(math.atan2(grad[1], grad[0])) % 360
    assert values.max() == pytest.approx(norm, rel=1e-4) and values.min() == pytest.approx(-norm, rel=1e-4)
    assert angles[values.argmax()] == pytest.approx(steepest, abs=1.0)  # "largest when u points along ∇f"
    assert angles[values.argmin()] == pytest.approx((steepest + 180) % 360, abs=1.0)  # "smallest against it"
    for across in (steepest + 90, steepest + 270):  # "zero along the level curve", at right angles to ∇f
        assert np.interp(across % 360, angles, values) == pytest.approx(0.0, abs=1e-3 * norm)


CLAIMS = [
    *(
        Claim("descent race", k, "none diverges by default (a run without bound is said so)", race_never_diverges(k))
        for k in TWO_D
    ),
    *(
        Claim("descent sweep", k, "the caption says what the sweep shows", sweep_caption_follows_the_sweep(k))
        for k in TWO_D
    ),
    *(
        Claim("descent basins", k, "the caption's shares are the map's", basins_caption_counts_the_map(k))
        for k in TWO_D
        if PRESETS[k].minima
    ),
    Claim(
        "descent basins",
        "himmelblau",
        "the basins split the plane into four regions",
        himmelblau_minima_own_clear_regions(None, None),
    ),
    Claim(
        "descent basins",
        "himmelblau",
        "four regions, also for Adam at η = 0.01 (was almost all grey)",
        himmelblau_minima_own_clear_regions("adam", 0.01),
    ),
    Claim("presets", "lesson_loss", "one step with η = 0.1 from (1, 1) lands exactly on (1.4, 1.8)", lesson_loss_step),
    *(
        Claim(
            "presets", k, "the listed minima are minima (Ackley's gradient undefined at its cusp)", minima_are_minima(k)
        )
        for k in PRESETS
        if PRESETS[k].minima
    ),
    Claim("presets", "rosenbrock", "finding the valley is easy; following it to (1, 1) is hard", rosenbrock_valley),
    Claim("presets", "booth", "the easy case every optimizer should solve", booth_is_solved),
    Claim("presets", "matyas", "gradients are small, so progress is slow", matyas_is_slow),
    Claim(
        "presets", "three_hump_camel", "descent can get stuck in a hump that is not the lowest", three_hump_gets_stuck
    ),
    Claim("presets", "goldstein_price", "values span six orders of magnitude", goldstein_price_spans_six_decades),
    Claim("presets", "rastrigin", "descent stops in whichever dimple it starts in", rastrigin_dimple),
    Claim("presets", "lesson_sin", "the surface has no minimum: it falls away without bound", lesson_sin_unbounded),
    Claim("presets", "saddle", "walks into the saddle and stalls; a tiny y sends it away", saddle_stall_then_escape),
    Claim(
        "presets",
        "ill_conditioned",
        "gradient descent zig-zags; momentum and Adam average it out",
        ill_conditioned_zigzag,
    ),
    *(
        Claim("total derivative", k, "P and the path y = x² lie on the drawn surface", total_view_on_surface(k))
        for k in TWO_D
    ),
    Claim("home", "lesson_quadratic", "momentum rolling down to the minimum", home_rolls_to_the_minimum),
    Claim(
        "partials",
        "lesson_quadratic",
        "as h shrinks, the secant slope approaches ∂f/∂x(P)",
        secants_approach_the_partial,
    ),
    Claim(
        "gradient",
        "lesson_quadratic",
        "Dᵤf is largest along ∇f and smallest against it",
        steepest_ascent_along_the_gradient,
    ),
]


# --- curvature: the Hessian map's code ----------------------------------------------------------------------------
def hessian_axes_as_captioned(key: str) -> Callable[[], None]:
    """ "The axes through P point along H's eigenvectors, their lengths ∝ |λ|: solid blue curves up, dashed
    orange curves down." — at the page's default P (the preset's start) of every preset."""

    def check() -> None:
        p, f = PRESETS[key], function(key)
        c = curvature_at(f, p.start)
        if not c.defined:
            return
        fig = hessian_figure(evaluate_grid(f, p.domain, 31), c, f.names)
        axes = [d for d in fig.data if (d.name or "").startswith("eigen-axis")]
        assert len(axes) == 2
        lengths = []
        for axis, lam, vector in zip(axes, c.eigenvalues, c.eigenvectors.T, strict=True):
            if "flat" in axis.name:
                assert axis.line.dash == "dashdot"
            else:
                assert (axis.line.dash, axis.line.color) == (("solid", UP) if lam > 0 else ("dash", DOWN)), axis.name
            dx, dy = np.diff(axis.x)[0], np.diff(axis.y)[0]
            assert abs(dx * vector[1] - dy * vector[0]) < 1e-9 * max(1.0, abs(dx) + abs(dy))  # along vᵢ
            lengths.append(math.hypot(dx, dy))
        if min(abs(c.eigenvalues)) > 0:
            assert lengths[0] / lengths[1] == pytest.approx(abs(c.eigenvalues[0] / c.eigenvalues[1]))

    return check


CLAIMS += [
    Claim(
        "curvature", k, "solid blue curves up, dashed orange curves down; lengths ∝ |λ|", hessian_axes_as_captioned(k)
    )
    for k in TWO_D
]


# --- regression and backpropagation -------------------------------------------------------------------------------
def lesson_step_lands_on_the_dashed_line() -> None:
    """ "The loss is zero on the whole dashed line w₁ + 2w₂ = 5; the first step lands where w₁ + 2w₂ = 5" (step 3)."""
    loss = parse("(w1 + 2*w2 - 5)**2")
    step = descend(loss, (1.0, 1.0), optimizer="gd", lr=0.1, steps=1)
    assert step.points[1] @ np.array([1.0, 2.0]) == 5.0 and step.values[1] == 0.0
    line = next(d for d in minima_line((1.0, 2.0), 5.0, PRESETS["lesson_loss"].domain) if d["x"][0] is not None)
    assert line["line"]["dash"] == "dash"
    assert all(loss(w1, w2) == 0.0 for w1, w2 in zip(line["x"], line["y"], strict=True))


def residual_follows_its_factor() -> None:
    """ "r_{k+1} = (1 − 10η) r_k", and the words for each η: lands (0.1), shrinks keeping its sign (0.05), zigzags
    and settles (0.15), bounces forever (0.2), diverges (0.25) — plain GD on the lesson's loss from (1, 1)."""
    loss = parse("(w1 + 2*w2 - 5)**2")
    words = {0.05: "keeping its sign", 0.1: "lands exactly", 0.15: "zigzag", 0.2: "back forever", 0.25: "diverges"}
    for lr, said in words.items():
        factor = residual_factor((1.0, 2.0), lr)
        assert factor == pytest.approx(1 - 10 * lr, abs=1e-15)
        run = descend(loss, (1.0, 1.0), optimizer="gd", lr=lr, steps=6)
        r = run.points @ np.array([1.0, 2.0]) - 5.0
        assert r == pytest.approx(-2.0 * factor ** np.arange(7), abs=1e-12)
        assert said in residual_story(factor)
        shrinks, flips = abs(r[-1]) < abs(r[0]) - 1e-9, bool(np.all(r[1:] * r[:-1] < 0))
        assert (shrinks, flips) == {
            0.05: (True, False),
            0.1: (True, False),
            0.15: (True, True),
            0.2: (False, True),
            0.25: (False, True),
        }[lr]


def unrolled_paths_sum_to_the_total() -> None:
    """ "The same w acts at every step, so L depends on w along T paths: dL/dw is their sum" — and only the last
    term is the partial with the earlier states held fixed (the page's default w = 0.8, u = 1.2, T = 4)."""
    xs = sequence(4, 0)
    r = unroll(0.8, 1.2, xs, 0.5, 0.5)
    assert r.grad_w == pytest.approx(r.paths_w.sum(), rel=1e-12) and r.grad_u == pytest.approx(r.paths_u.sum())
    h = 1e-6  # the total derivative, by central differences through the whole unrolled chain
    numeric = (unroll(0.8 + h, 1.2, xs, 0.5, 0.5).loss - unroll(0.8 - h, 1.2, xs, 0.5, 0.5).loss) / (2 * h)
    assert r.grad_w == pytest.approx(numeric, rel=1e-6)
    assert r.paths_w[-1] == pytest.approx(2 * (r.hs[-1] - 0.5) * (1 - r.hs[-1] ** 2) * r.hs[-2])
    assert abs(r.paths_w[-1] - r.grad_w) > 1e-3  # the partial alone is not the total here


CLAIMS += [
    Claim(
        "several_weights",
        "lesson_loss",
        "the step lands on the dashed line of zero loss",
        lesson_step_lands_on_the_dashed_line,
    ),
    Claim("regression", "lesson_loss", "every step multiplies the residual by 1 − 10η", residual_follows_its_factor),
    Claim("backprop", "rnn", "dL/dw is the sum over the unrolled paths", unrolled_paths_sum_to_the_total),
]


@pytest.mark.parametrize("claim", CLAIMS, ids=[f"{c.page}|{c.preset}|{c.sentence[:40]}" for c in CLAIMS])
def test_claim(claim: Claim) -> None:
    claim.check()
