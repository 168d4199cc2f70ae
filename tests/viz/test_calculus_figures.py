"""Figure builders for the calculus pages, tested through their data: geometry, never pixels."""

import math

import numpy as np
import pytest

from core import PRESETS, parse, secant_slopes, tangent_plane, total_derivative
from core.grid import evaluate_grid, gradient_field
from core.numbers import number
from core.slices import path_data, slices
from viz.calculus import partials_surface_figure, slice_figure
from viz.gradient import contour_field_figure, directional_figure, gradient_3d_figure
from viz.total import total_curves_figure, total_surface_figure

F = parse("x^2*y + sin(x*y)")
DOMAIN = ((-2.0, 2.0), (-2.0, 2.0))
P = (0.7, -1.1)


def by_name(fig, prefix):
    matches = [t for t in fig.data if (t.name or "").startswith(prefix)]
    assert matches, [t.name for t in fig.data]
    return matches[0]


def test_x_slice_tangent_line_has_slope_df_dx_and_passes_through_p():
    s = slices(F, P, DOMAIN)
    fig = partials_surface_figure(evaluate_grid(F, DOMAIN, 41), s, F.names)
    line = by_name(fig, "tangent, slope ∂f/∂x")
    x, z = np.array(line.x), np.array(line.z)
    assert (z[1] - z[0]) / (x[1] - x[0]) == pytest.approx(F.grad(*P)[0])
    assert np.allclose(line.y, P[1])
    assert np.interp(P[0], x, z) == pytest.approx(F(*P))


def test_y_slice_tangent_and_slice_curves_lie_in_their_planes():
    s = slices(F, P, DOMAIN)
    fig = partials_surface_figure(evaluate_grid(F, DOMAIN, 41), s, F.names)
    line = by_name(fig, "tangent, slope ∂f/∂y")
    y, z = np.array(line.y), np.array(line.z)
    assert (z[1] - z[0]) / (y[1] - y[0]) == pytest.approx(F.grad(*P)[1])
    curve = by_name(fig, "slice f(x,")
    assert np.allclose(curve.y, P[1])
    xs = np.array(curve.x)
    assert np.allclose(np.array(curve.z, dtype=float), F(xs, np.full_like(xs, P[1])), equal_nan=True)
    assert fig.data[0].type == "surface"


def test_2d_slice_figure_tangent_slope_and_secant_slope():
    s = slices(F, P, DOMAIN)
    h = 0.1
    secant = float(secant_slopes(F, P, 0, [h])[0])
    fig = slice_figure(s, 0, F.names, (-10.0, 10.0), secant=(h, secant))
    tangent = by_name(fig, "tangent: slope ∂f/∂x")
    assert np.diff(tangent.y)[0] / np.diff(tangent.x)[0] == pytest.approx(s.fx)
    line = by_name(fig, "secant, h = 0.1")
    assert np.diff(line.y)[0] / np.diff(line.x)[0] == pytest.approx((F(P[0] + h, P[1]) - F(*P)) / h)
    assert fig.layout.annotations[0].text == f"slope = {number(s.fx)}"


def test_secant_slopes_converge_to_the_partial():
    slopes = secant_slopes(F, P, 0, [1.0, 0.1, 0.01, 0.001, 1e-4])
    errors = np.abs(slopes - F.grad(*P)[0])
    assert (np.diff(errors) < 0).all() and errors[-1] < 1e-3


def test_tangent_plane_touches_the_surface_at_p():
    plane = tangent_plane(F, P)
    assert plane(*P) == pytest.approx(F(*P))
    for d in (1e-3, -1e-3):
        assert abs(plane(P[0] + d, P[1] + d) - F(P[0] + d, P[1] + d)) < 10 * d * d
    s = slices(F, P, DOMAIN)
    fig = partials_surface_figure(evaluate_grid(F, DOMAIN, 41), s, F.names, plane=plane)
    trace = by_name(fig, "tangent plane")
    X, Y = np.meshgrid(trace.x, trace.y)
    Z = np.array(trace.z, dtype=float)
    shown = np.isfinite(Z)
    assert shown.any()
    assert np.allclose(Z[shown], plane(X, Y)[shown])


def test_gradient_arrow_at_p_is_grad_f_at_p():
    grid = evaluate_grid(F, DOMAIN, 41)
    grad = F.grad(*P)
    fig = contour_field_figure(grid, gradient_field(F, DOMAIN, 9), P, F(*P), grad, F.names)
    arrow = by_name(fig, "∇f(P)")
    vector = (np.array([arrow.x[1], arrow.y[1]]) - np.array(P)) / arrow.meta["scale"]
    assert vector == pytest.approx(grad)
    level = by_name(fig, "level curve")
    assert level.contours.start == pytest.approx(F(*P)) and level.contours.end == pytest.approx(F(*P))


def test_field_arrows_point_along_minus_grad_in_descent_mode():
    grid = evaluate_grid(F, DOMAIN, 21)
    field = gradient_field(F, DOMAIN, 5)
    fig = contour_field_figure(grid, field, P, F(*P), F.grad(*P), F.names, descent=True)
    segments = by_name(fig, "−∇f field")
    x0, x1, y0, y1 = segments.x[0], segments.x[1], segments.y[0], segments.y[1]
    g = F.grad(x0, y0)
    direction = np.array([x1 - x0, y1 - y0])
    assert np.dot(direction, g) < 0
    cross = direction[0] * g[1] - direction[1] * g[0]
    assert abs(cross) < 1e-9 * np.linalg.norm(g) * np.linalg.norm(direction) + 1e-12


def test_directional_derivative_peaks_at_the_gradients_angle_with_value_norm():
    grad = F.grad(*P)
    fig = directional_figure(grad, 0.3, n=3600)
    curve = fig.data[0]
    y = np.array(curve.y)
    peak_angle = np.array(curve.x)[y.argmax()]
    assert peak_angle == pytest.approx(math.degrees(math.atan2(grad[1], grad[0])) % 360, abs=0.1)
    assert y.max() == pytest.approx(np.hypot(*grad), rel=1e-6)
    assert y.min() == pytest.approx(-np.hypot(*grad), rel=1e-6)
    assert fig.data[1].y[0] == pytest.approx(np.hypot(*grad))


def test_3d_gradient_arrow_is_lifted_along_the_surface():
    grid = evaluate_grid(F, DOMAIN, 21)
    grad = F.grad(*P)
    fig = gradient_3d_figure(grid, P, F(*P), grad, F.names)
    cone = next(t for t in fig.data if t.type == "cone")
    assert [cone.u[0], cone.v[0], cone.w[0]] == pytest.approx([grad[0], grad[1], grad[0] ** 2 + grad[1] ** 2])


def test_path_on_the_total_derivative_page_lies_on_the_surface():
    td = total_derivative(F, "x^2 - 1")
    path = path_data(F, td, DOMAIN, 0.5)
    assert np.allclose(path.gs, path.xs**2 - 1)
    assert np.allclose(path.z_path, F(path.xs, path.xs**2 - 1))
    grid = evaluate_grid(F, DOMAIN, 41)
    values = td.at(0.5)
    fig = total_surface_figure(grid, path, values, F.names)
    trace = by_name(fig, "path y = g(x)")
    x, y, z = (np.array(v, dtype=float) for v in (trace.x, trace.y, trace.z))
    shown = np.isfinite(y) & np.isfinite(z)
    assert shown.sum() > 20
    assert np.allclose(z[shown], F(x[shown], y[shown]))
    along = by_name(fig, "dz/dx =")
    assert np.diff(along.z)[0] / np.diff(along.x)[0] == pytest.approx(values["chain"])
    curves = total_curves_figure(path, values, F.names)
    assert by_name(curves, "slope dz/dx").y[1] - by_name(curves, "slope dz/dx").y[0] == pytest.approx(
        values["chain"] * (by_name(curves, "slope dz/dx").x[1] - by_name(curves, "slope dz/dx").x[0])
    )


@pytest.mark.parametrize("text", ["1/x + y", "log(x) + y^2", "sqrt(x*y)", "tan(x) + y"])
def test_poles_and_undefined_regions_become_gaps_with_a_clipped_range(text):
    f = parse(text)
    grid = evaluate_grid(f, ((-2.0, 2.0), (-2.0, 2.0)), 61)
    assert np.isnan(grid.z).any()
    assert grid.undefined or grid.clipped
    finite = grid.z[np.isfinite(grid.z)]
    assert finite.min() >= grid.z_range[0] and finite.max() <= grid.z_range[1]
    s = slices(f, (1.0, 1.0), ((-2.0, 2.0), (-2.0, 2.0)))
    fig = partials_surface_figure(grid, s, f.names)
    assert fig.layout.scene.zaxis.range == grid.z_range


def test_a_pole_is_clipped_but_a_steep_smooth_function_is_not():
    pole = evaluate_grid(parse("1/(x^2 + y^2)"), ((-1.0, 1.0), (-1.0, 1.0)), 40)
    assert pole.clipped and np.isnan(pole.z).any()
    assert pole.z_range[1] < 100
    rosen = PRESETS["rosenbrock"]
    assert not evaluate_grid(parse(rosen.text), rosen.domain, 40).clipped


def test_field_arrows_have_heads_on_their_tips_only():
    """Regression: the field's arrows had no heads, so ascent and descent looked the same."""
    grid = evaluate_grid(F, DOMAIN, 21)
    fig = contour_field_figure(grid, gradient_field(F, DOMAIN, 5), P, F(*P), F.grad(*P), F.names)
    field = by_name(fig, "∇f field")
    assert field.marker.symbol == "arrow" and field.marker.angleref == "previous"
    sizes = np.array(field.marker.size)
    assert len(sizes) == len(field.x)
    assert (sizes[1::3] > 0).all() and (sizes[0::3] == 0).all()  # a head on each tip (tail, tip, gap)


def test_the_direction_u_is_drawn_at_p_at_angle_theta():
    grid = evaluate_grid(F, DOMAIN, 21)
    theta = math.radians(120)
    fig = contour_field_figure(grid, gradient_field(F, DOMAIN, 5), P, F(*P), F.grad(*P), F.names, direction=theta)
    u = by_name(fig, "u at θ = 120°")
    assert (u.x[0], u.y[0]) == P
    d = np.array([u.x[1] - u.x[0], u.y[1] - u.y[0]])
    assert d / np.linalg.norm(d) == pytest.approx([math.cos(theta), math.sin(theta)])


def test_the_gradient_arrow_near_the_edge_stays_inside_with_its_true_length_in_the_legend():
    """Regression: the ∇f arrow at P ran off the plot near the domain's edge."""
    grid = evaluate_grid(F, DOMAIN, 21)
    edge = (1.9, 1.8)
    grad = F.grad(*edge)
    fig = contour_field_figure(grid, gradient_field(F, DOMAIN, 5), edge, F(*edge), grad, F.names)
    arrow = by_name(fig, "∇f(P)")
    assert -2.0 <= arrow.x[1] <= 2.0 and -2.0 <= arrow.y[1] <= 2.0
    d = np.array([arrow.x[1] - edge[0], arrow.y[1] - edge[1]])
    assert d / arrow.meta["scale"] == pytest.approx(grad)  # still exactly along ∇f, only shorter
    assert f"length |∇f| = {np.linalg.norm(grad):.3g}" in arrow.name


def test_p_carries_a_draggable_ring():
    grid = evaluate_grid(F, DOMAIN, 21)
    fig = contour_field_figure(grid, gradient_field(F, DOMAIN, 5), P, F(*P), F.grad(*P), F.names)
    ring = fig.layout.shapes[0]
    assert ring.name == "handle" and (ring.xanchor, ring.yanchor) == P and ring.xsizemode == "pixel"
