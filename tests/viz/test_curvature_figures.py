"""Curvature figures are data: eigen-axes are the eigenvectors, marks sit at 2/λmax and η*, paths are the runs."""

import numpy as np
import pytest

from core import PRESETS, descend, parse
from core.curvature import (
    SADDLES,
    curvature_at,
    escape_runs,
    from_condition,
    lr_sweep,
    model_grid,
    optimal_gd,
    saddle_start,
    stable_lr,
    window,
)
from core.grid import evaluate_grid
from viz.curvature import (
    distance_figure,
    eigen_axes,
    hessian_figure,
    lr_sweep_figure,
    paths_figure,
    rates_figure,
    taylor_figure,
)

ROSENBROCK = PRESETS["rosenbrock"]


def by_name(fig, start):
    return next(t for t in fig.data if t.name.startswith(start))


@pytest.mark.parametrize(("text", "point"), [(ROSENBROCK.text, (-0.5, 1.0)), ("x**2 - y**2", (0.3, 0.2))])
def test_eigen_axes_run_along_the_eigenvectors_with_lengths_in_the_ratio_of_the_eigenvalues(text, point):
    f = parse(text)
    c = curvature_at(f, point)
    grid = evaluate_grid(f, ROSENBROCK.domain, 21)
    fig = hessian_figure(grid, c, f.names, model_grid(c, window(ROSENBROCK.domain, point), 11))
    lengths = []
    for i, v in enumerate(c.eigenvectors.T):
        axis = by_name(fig, f"eigen-axis {i + 1}")
        direction = np.array([axis.x[1] - axis.x[0], axis.y[1] - axis.y[0]])
        midpoint = np.array([np.mean(axis.x), np.mean(axis.y)])
        assert np.allclose(midpoint, point)
        assert abs(direction @ v) == pytest.approx(np.linalg.norm(direction))  # parallel to vᵢ
        lengths.append(np.linalg.norm(direction))
    assert lengths[0] / lengths[1] == pytest.approx(abs(c.eigenvalues[0] / c.eigenvalues[1]))
    assert max(lengths) == pytest.approx(0.3 * 4.0)  # the longest spans 30 % of the shorter side of the map


def test_the_axes_are_coloured_by_the_sign_of_their_curvature_and_p_is_named_by_its_kind():
    f = parse("x**2 - y**2")
    c = curvature_at(f, (0.0, 0.0))
    fig = hessian_figure(evaluate_grid(f, ((-2, 2), (-2, 2)), 11), c, f.names)
    down, up = by_name(fig, "eigen-axis 1"), by_name(fig, "eigen-axis 2")
    assert "curves down" in down.name and "curves up" in up.name and down.line.color != up.line.color
    assert by_name(fig, "P:").name == "P: saddle"
    assert fig.layout.yaxis.scaleanchor == "x"


def test_eigen_axes_of_a_flat_point_have_no_length():
    c = curvature_at(parse("x**4 + y**4"), (0.0, 0.0))
    assert all(np.ptp(xs) == 0 and np.ptp(ys) == 0 for xs, ys in eigen_axes(c, ((-1, 1), (-1, 1))))


def test_the_taylor_figure_puts_f_and_its_model_side_by_side_on_one_z_range():
    f = parse(PRESETS["lesson_sin"].text)
    c = curvature_at(f, (0.5, 0.5))
    local = window(((-2, 2), (-2, 2)), (0.5, 0.5))
    near, model = evaluate_grid(f, local, 11), model_grid(c, local, 11)
    fig = taylor_figure(near, model, c, f.names)
    surfaces = [t for t in fig.data if t.type == "surface"]
    assert [s.scene for s in surfaces] == ["scene", "scene2"]
    assert np.allclose(np.array(surfaces[1].z, dtype=float), model.z, rtol=1e-6)
    assert fig.layout.scene.zaxis.range == fig.layout.scene2.zaxis.range


def test_predicted_lines_fall_by_rho_squared_per_step_and_measured_lines_are_the_losses():
    q = from_condition(10.0, 30.0)
    lr, rho = optimal_gd(q.eigenvalues)
    t = descend(q.f, (2.0, 1.0), "gd", lr, 40)
    fig = rates_figure({"GD": t}, {"GD": rho})
    measured, predicted = by_name(fig, "GD: measured"), by_name(fig, "GD: predicted")
    assert np.allclose(np.array(measured.y, dtype=float), t.values)
    line = np.array(predicted.y, dtype=float)
    assert np.allclose(line[1:] / line[:-1], rho**2)
    assert line[-1] == pytest.approx(t.values[-1])
    assert fig.layout.yaxis.type == "log"


def test_the_sweep_marks_two_over_lmax_and_the_best_step():
    q = from_condition(20.0, 0.0)
    lrs = np.linspace(0.05, 2.3, 10) / q.eigenvalues[-1]
    predicted, measured = lr_sweep(q, lrs, steps=40)
    best = optimal_gd(q.eigenvalues)[0]
    fig = lr_sweep_figure(lrs, predicted, measured, stable_lr(q.eigenvalues), best, lr=best)
    edge = by_name(fig, "largest stable η")
    assert list(edge.x) == [0.1, 0.1] == [2 / 20.0] * 2
    assert list(by_name(fig, "fastest η*").x) == [best, best]
    curve = by_name(fig, "predicted")
    assert np.allclose(np.array(curve.y, dtype=float), np.max(np.abs(1 - np.outer(lrs, q.eigenvalues)), axis=1))
    assert by_name(fig, "this η").x[0] == best


def test_paths_are_the_runs_with_marked_minima_and_saddles():
    f = parse(ROSENBROCK.text)
    runs = {
        "GD": descend(f, ROSENBROCK.start, "gd", ROSENBROCK.lr, 10),
        "Newton": descend(f, ROSENBROCK.start, "newton", 1.0, 10),
    }
    fig = paths_figure(evaluate_grid(f, ROSENBROCK.domain, 21), runs, f.names, {"minimum": [(1.0, 1.0)], "saddle": []})
    for label, t in runs.items():
        path = by_name(fig, label)
        assert np.array_equal(np.array(path.x, dtype=float), t.points[:, 0])
        assert np.array_equal(np.array(path.y, dtype=float), t.points[:, 1])
    assert list(by_name(fig, "minimum").x) == [1.0]
    assert not any(t.name == "saddle" for t in fig.data)  # nothing to mark, no empty legend entry


def test_the_distance_figure_measures_from_the_saddle():
    s = SADDLES["double_well"]
    f = parse(s.text)
    runs = escape_runs(f, saddle_start(f, s.point, 0.4, 1e-6), 0.1, 30)
    fig = distance_figure(runs, s.point)
    gd = by_name(fig, "gd")
    assert np.allclose(np.array(gd.y, dtype=float), np.linalg.norm(runs["gd"].points, axis=1))
    assert gd.y[0] == pytest.approx(0.4, rel=1e-6)
