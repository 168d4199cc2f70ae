"""The charts in words and sound (viz.describe), read from the builders' own figures on the lesson's numbers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from core import PRESETS, descend, parse
from core.basins import basin_map
from core.grid import evaluate_grid, gradient_field
from core.numbers import number
from viz.descent import basin_figure, curves_figure, descent_figure, progress_figure, race_figure
from viz.describe import describe, direction_words, speakable, values
from viz.gradient import contour_field_figure, directional_figure, gradient_3d_figure

LESSON = parse("3*x**2 + 2*x*y + y**2")
DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))
GRID = evaluate_grid(LESSON, DOMAIN, 61)
FIELD = gradient_field(LESSON, DOMAIN, 15)
LOSS = parse("(w1 + 2*w2 - 5)**2")
SUBJECT = "f = " + speakable(str(LESSON.expr))


def gradient_map(x: float, y: float, **options):
    return contour_field_figure(GRID, FIELD, (x, y), LESSON(x, y), LESSON.grad(x, y), LESSON.names, **options)


def test_the_lesson_function_reads_as_written():
    assert SUBJECT == "f = 3x² + 2xy + y²"
    assert speakable(str(parse("x^2*y + sin(x*y)").expr)) == "x²y + sin(xy)"
    assert speakable(str(LOSS.expr)) == "(w1 + 2·w2 − 5)²"


def test_the_gradient_map_says_where_p_is_and_where_the_gradient_points():
    said = describe(gradient_map(1.0, 2.0), SUBJECT)
    assert said.name == "Contour map of f = 3x² + 2xy + y²"
    # ∂f/∂x = 6x + 2y = 10, ∂f/∂y = 2x + 2y = 6 and f = 3 + 4 + 4 = 11 at P = (1, 2).
    assert "P at (1, 2), where f = 11; the gradient (10, 6) points up and to the right" in said.text
    assert "over x from −3 to 3 and y from −3 to 3" in said.text
    assert said.text.startswith(said.name + ";")


@pytest.mark.parametrize(
    ("point", "words"),
    [
        ((-1.0, -2.0), "the gradient (−10, −6) points down and to the left"),
        ((1.0, -1.0), "the gradient (4, 0) points to the right"),
        ((0.0, 0.0), "the gradient is (0, 0): a stationary point"),
    ],
)
def test_the_gradient_is_described_at_other_points(point, words):
    assert words in describe(gradient_map(*point), SUBJECT).text


def test_p_on_the_domain_edge_still_gets_its_gradient_described():
    """At the edge the arrow at P is drawn with length 0 (its tip may not leave the plot): the vector itself is
    described, where dividing the drawn arrow by its scale gave 0/0."""
    fig = gradient_map(3.0, 3.0)
    arrow = next(t for t in fig.to_dict()["data"] if isinstance(t.get("meta"), dict) and "scale" in t["meta"])
    assert arrow["meta"]["scale"] == 0.0
    # ∇f(3, 3) = (18 + 6, 6 + 6) = (24, 12).
    assert "the gradient (24, 12) points up and to the right" in describe(fig, SUBJECT).text


def test_the_maps_audio_trace_is_f_along_x_through_p_with_a_tick_at_p():
    sound = describe(gradient_map(1.0, 2.0), SUBJECT).sound
    assert sound["what"] == "f along x through P"
    xs = np.array(sound["x"])
    np.testing.assert_allclose(xs, GRID.xs, rtol=1e-12)
    # The grid's row at y = 2: f(x, 2) = 3x² + 4x + 4, as float32 like the figure's own grid.
    np.testing.assert_allclose(sound["y"], 3 * xs**2 + 4 * xs + 4, rtol=1e-6)
    assert xs[sound["mark"]] == pytest.approx(1.0)


def test_the_surface_and_the_directional_derivative_are_described():
    grad = LESSON.grad(1.0, 2.0)
    surface = describe(gradient_3d_figure(GRID, (1.0, 2.0), LESSON(1.0, 2.0), grad, LESSON.names), SUBJECT)
    assert surface.name == "Surface of f = 3x² + 2xy + y²"
    assert "P at (1, 2), where f = 11" in surface.text
    assert surface.sound["what"] == "f along x through P"
    # D_u f = 10 cos θ + 6 sin θ: largest √136 = 11.66 at θ = atan2(6, 10) = 30.96°.
    directional = describe(directional_figure(grad, 0.5))
    assert "steepest ascent: θ of ∇f, value |∇f| at (30.96, 11.66)" in directional.text
    assert "steepest descent: opposite, value −|∇f| at (211, −11.66)" in directional.text


def test_a_loss_curve_says_where_it_went_and_that_it_converged():
    run = descend(LOSS, (1.0, 1.0), optimizer="gd", lr=0.02, steps=20)
    said = describe(curves_figure({"Gradient descent": run}, "loss", log=True))
    assert said.name == "Loss f(θₖ)"
    # L(1, 1) = (1 + 2 − 5)² = 4.
    end = number(run.values[-1])
    assert f"Gradient descent falls from 4 to {end} in 20 steps: converged" in said.text
    np.testing.assert_allclose(said.sound["y"], run.values)
    assert said.sound["x"] == list(range(21))


@pytest.mark.parametrize("steps", [2, 3, 399, 400, 401, 500, 797, 1000])
def test_a_long_curve_is_thinned_to_distinct_steps_in_order_with_both_ends(steps):
    run = descend(LOSS, (1.0, 1.0), optimizer="gd", lr=0.001, steps=steps)
    xs = describe(curves_figure({"GD": run}, "loss")).sound["x"]
    assert len(xs) == min(steps + 1, 400)
    assert xs[0] == 0 and xs[-1] == steps and all(a < b for a, b in itertools.pairwise(xs))  # every step distinct
    assert all(float(x).is_integer() for x in xs)


def test_a_run_cut_short_says_it_is_still_moving_and_a_diverged_one_says_so():
    slow = descend(LOSS, (1.0, 1.0), optimizer="gd", lr=0.001, steps=20)
    assert "in 20 steps: still moving" in describe(curves_figure({"slow": slow}, "loss")).text
    wild = descend(LOSS, (1.0, 1.0), optimizer="gd", lr=1.0, steps=60)
    assert wild.status == "diverged"
    assert f"wild — diverged at step {wild.diverged_at}: from 4 to" in describe(curves_figure({"wild": wild})).text


def test_the_progress_chart_describes_each_panel_over_the_steps():
    run = descend(LOSS, (1.0, 1.0), optimizer="gd", lr=0.02, steps=20)
    said = describe(progress_figure(run, LOSS.names)).text
    assert "loss f falls from 4 to" in said
    assert f"w1 rises from 1 to {number(run.points[-1][0])} in 20 steps" in said
    assert f"w2 rises from 1 to {number(run.points[-1][1])} in 20 steps" in said


def test_the_playback_says_where_it_starts_and_where_the_last_step_ends():
    run = descend(LOSS, (1.0, 1.0), optimizer="gd", lr=0.02, steps=25)
    grid = evaluate_grid(LOSS, PRESETS["lesson_loss"].domain, 21)
    said = describe(descent_figure(grid, run, LOSS.names, start_handle=True), "f = (w1 + 2·w2 − 5)²")
    assert said.name == "Surface and contour map of f = (w1 + 2·w2 − 5)²"
    assert "the start at (1, 1)" in said.text
    assert "25 steps play in the figure (Space plays and pauses), now at step 0" in said.text
    end = f"({number(run.points[-1][0])}, {number(run.points[-1][1])})"
    assert f"θ at the last step is {end}" in said.text
    # Its sound is the loss at each step (all inside the drawn range here), ticked at the step shown.
    assert said.sound["what"] == "f at each step of the descent"
    np.testing.assert_allclose(said.sound["y"], run.values, rtol=1e-6)
    assert said.sound["x"] == list(range(26)) and said.sound["mark"] == 0 and said.sound["follow"] == "slider"


def test_a_race_names_each_path_and_the_minima():
    runs = {o: descend(LESSON, (1.0, 2.0), optimizer=o, lr=0.05, steps=30) for o in ("gd", "adam")}
    said = describe(race_figure(GRID, runs, LESSON.names, [(0.0, 0.0)]), SUBJECT).text
    for label, run in runs.items():
        assert f"{label}: from (1, 2) to ({number(run.points[-1][0])}, {number(run.points[-1][1])}) in 30 steps" in said
    assert said.endswith("known minima at (0, 0).")


def test_the_basin_map_names_itself_and_its_start():
    preset = PRESETS["himmelblau"]
    minima = [m for m, _ in preset.minima]
    bm = basin_map(parse(preset.text), minima, preset.domain, n=9, lr=0.01, steps=50)
    said = describe(basin_figure(bm, minima, ("x", "y"), start=(1.0, -1.0)), "f")
    assert said.name == "Basin map of f"
    assert "the start at (1, −1)" in said.text


def test_directions_cover_the_compass():
    angles = np.radians(np.arange(0, 360, 45))
    assert [direction_words(np.cos(a), np.sin(a)) for a in angles] == [
        "to the right",
        "up and to the right",
        "up",
        "up and to the left",
        "to the left",
        "down and to the left",
        "down",
        "down and to the right",
    ]


def test_typed_arrays_are_read_as_plotly_writes_them():
    fig = gradient_map(1.0, 2.0).to_dict()
    grid = next(t for t in fig["data"] if t["type"] == "contour")
    assert isinstance(grid["z"], dict) and "bdata" in grid["z"]
    np.testing.assert_allclose(values(grid["z"]), GRID.z, rtol=1e-6)


def test_a_list_of_numbers_reads_the_same_whether_all_floats_or_mixed():
    """values() takes plain float lists (frames, paths) in one step; mixed lists, text and None as before."""
    np.testing.assert_array_equal(values([0.5, -1.0, float("nan")]), [0.5, -1.0, np.nan])
    np.testing.assert_array_equal(values([1, 2.5, None, "a", True]), [1.0, 2.5, np.nan, np.nan, np.nan])
    np.testing.assert_array_equal(values([[1.0, 2.0], [3, None]]), [[1.0, 2.0], [3.0, np.nan]])
    assert values([]).shape == (0,) and values([]).dtype == float
