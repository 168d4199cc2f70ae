"""Figure builders for descent: the drawn path is the trajectory, arrows are the gradient and update at step k."""

import numpy as np
import pytest

from core import OPTIMIZERS, PRESETS, descend, parse
from core.basins import DIVERGED, NOT_CONVERGED, basin_map
from core.grid import evaluate_grid
from core.regression import fit, least_squares, make_dataset
from viz.descent import (
    DYNAMIC,
    STATIC,
    TRACES,
    basin_figure,
    curves_figure,
    descent_figure,
    frame_arrows,
    progress_figure,
    race_figure,
    sweep_figure,
)
from viz.regression import fit_figure

LOSS = parse("(w1 + 2*w2 - 5)**2")
PRESET = PRESETS["lesson_loss"]


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_playback_has_one_frame_per_step_and_draws_the_trajectory(optimizer):
    t = descend(LOSS, (1.0, 1.0), optimizer=optimizer, lr=0.02, steps=25)
    fig = descent_figure(evaluate_grid(LOSS, PRESET.domain, 21), t, LOSS.names)
    assert len(fig.frames) == 26 == len(fig.layout.sliders[0].steps)
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["▶ Play", "❚❚ Pause"]
    assert list(fig.frames[1].traces) == [TRACES.index(name) for name in DYNAMIC]
    assert not set(STATIC) & set(DYNAMIC)
    x, y = revealed(fig, len(t.points) - 1, "2d")
    assert np.allclose(x, t.points[:, 0], atol=1e-6) and np.allclose(y, t.points[:, 1], atol=1e-6)
    assert np.allclose(revealed(fig, len(t.points) - 1, "3d")[0], t.points[:, 0], atol=1e-6)


def shown(fig, k: int) -> dict:
    """What plotly.js draws at frame k: the frame merged over its baseframe (plotly's computeFrame), by trace."""
    frames = {f.name: f for f in fig.frames}
    chain = [frames[str(k)]]
    while chain[-1].baseframe:
        chain.append(frames[chain[-1].baseframe])
    out = {}
    for frame in reversed(chain):
        out |= {TRACES[i]: data for i, data in zip(frame.traces, frame.data, strict=True)}
    return out


def revealed(fig, k: int, panel: str) -> tuple[list, list]:
    """The path drawn at frame k on a panel ("2d", "3d"): the earlier chunks, then the current one."""
    traces = shown(fig, k)
    done, now = traces[f"done{panel}"], traces[f"path{panel}"]
    assert (done.x[-1], done.y[-1]) == (now.x[0], now.y[0])  # the two parts join at the chunk's first point
    return [*done.x, *now.x[1:]], [*done.y, *now.y[1:]]


def test_playing_reveals_the_path_up_to_the_current_step_only():
    """Regression: the playback drew the whole path from step 0, so playing revealed nothing."""
    t = descend(LOSS, (1.0, 1.0), optimizer="momentum", lr=0.02, steps=12)
    fig = descent_figure(evaluate_grid(LOSS, PRESET.domain, 21), t, LOSS.names)
    opening = fig.data[TRACES.index("path2d")]
    assert [opening.x, opening.y] == [pytest.approx([1.0]), pytest.approx([1.0])]
    for k in (0, 2, 3, 5, 12):
        for panel in ("2d", "3d"):
            x, y = revealed(fig, k, panel)
            assert len(x) == k + 1
            assert np.allclose(x, t.points[: k + 1, 0], atol=1e-6) and np.allclose(y, t.points[: k + 1, 1], atol=1e-6)
        point3d = shown(fig, k)["point3d"]
        assert [point3d.x[0], point3d.y[0]] == pytest.approx(t.points[k], abs=1e-6)  # the point moves on the surface


def test_frames_grow_as_n_to_the_1_5_not_n_squared():
    grid = evaluate_grid(LOSS, PRESET.domain, 11)
    t = descend(LOSS, (1.0, 1.0), optimizer="gd", lr=0.001, steps=400)
    fig = descent_figure(grid, t, LOSS.names)
    coordinates = sum(len(d.x) for f in fig.frames for d in f.data)
    assert coordinates < 3 * 401**1.5 < 401**2 / 2


def test_the_figure_opens_at_the_explained_step_and_labels_steps_as_the_explanation_does():
    t = descend(LOSS, (1.0, 1.0), optimizer="gd", lr=0.02, steps=6)
    fig = descent_figure(evaluate_grid(LOSS, PRESET.domain, 21), t, LOSS.names, step=3)
    slider = fig.layout.sliders[0]
    assert slider.active == 3
    assert [s.label for s in slider.steps] == ["1", "2", "3", "4", "5", "6", "end"]
    point = fig.data[TRACES.index("point2d")]
    assert [point.x[0], point.y[0]] == pytest.approx(t.points[3], abs=1e-6)
    done, now = fig.data[TRACES.index("done2d")], fig.data[TRACES.index("path2d")]
    assert len(done.x) + len(now.x) - 1 == 4


def test_the_legend_lists_only_what_the_optimizer_has():
    grid = evaluate_grid(LOSS, PRESET.domain, 21)
    for name, shown in (("gd", False), ("momentum", True), ("adam", True)):
        t = descend(LOSS, (1.0, 1.0), optimizer=name, lr=0.02, steps=3)
        velocity = descent_figure(grid, t, LOSS.names).data[TRACES.index("velocity")]
        assert (velocity.visible is not False and velocity.showlegend is not False) is shown, name


def test_frame_k_shows_the_point_the_gradient_step_and_the_update():
    # Frames hold display coordinates rounded to 7 significant digits, hence abs=1e-6.
    t = descend(LOSS, (0.0, 0.0), optimizer="momentum", lr=0.01, steps=10)
    fig = descent_figure(evaluate_grid(LOSS, PRESET.domain, 21), t, LOSS.names)
    for k in (0, 3, 9):
        frame = fig.frames[k]
        point = frame.data[DYNAMIC.index("point2d")]
        assert [point.x[0], point.y[0]] == pytest.approx(t.points[k], abs=1e-6)
        grad = frame.data[DYNAMIC.index("gradient")]
        assert [grad.x[1] - grad.x[0], grad.y[1] - grad.y[0]] == pytest.approx(-0.01 * t.gradients[k], abs=1e-6)
        update = frame.data[DYNAMIC.index("update")]
        assert [update.x[1], update.y[1]] == pytest.approx(t.points[k + 1], abs=1e-6)
        velocity = frame.data[DYNAMIC.index("velocity")]
        assert [velocity.x[1] - velocity.x[0], velocity.y[1] - velocity.y[0]] == pytest.approx(
            -0.01 * t.states[k].buf, abs=1e-6
        )


def test_for_plain_gd_the_gradient_step_is_the_update():
    t = descend(LOSS, (1.0, 1.0), optimizer="gd", lr=0.1, steps=1)
    arrows = frame_arrows(t, 0)
    x, y, dx, dy = arrows["update"]
    assert (x + dx, y + dy) == pytest.approx((1.4, 1.8))
    assert arrows["gradient"][2:] == pytest.approx(arrows["update"][2:])


def test_a_diverged_run_is_labelled_and_its_path_is_finite():
    bowl = parse("x^2 + y^2")
    t = descend(bowl, (1.0, 1.0), optimizer="gd", lr=1.5, steps=100)
    fig = race_figure(evaluate_grid(bowl, ((-2.0, 2.0), (-2.0, 2.0)), 21), {"gd": t}, bowl.names)
    path = trace(fig, "gd — diverged at step 20")
    assert np.isfinite(np.array(path.x, dtype=float)).all() and len(path.x) == 20
    assert fig.data[2].marker.symbol == "x"


def test_curves_and_weights_follow_the_trajectory():
    t = descend(parse("w1^2 + 2*w2^2 + 3*w3^2"), (1.0, 1.0, 1.0), optimizer="adam", lr=0.1, steps=30)
    loss = curves_figure({"adam": t}, "loss", log=True)
    assert np.allclose(loss.data[0].y, t.values) and loss.layout.yaxis.type == "log"
    norm = curves_figure({"adam": t}, "grad_norm")
    assert np.allclose(norm.data[0].y, np.linalg.norm(t.gradients, axis=1))
    progress = progress_figure(t, ("w1", "w2", "w3"), log=True)
    assert [d.name for d in progress.data] == ["loss f", "|∇f|", "w1", "w2", "w3"]
    assert np.allclose(progress.data[0].y, t.values)
    assert np.allclose(progress.data[1].y, np.linalg.norm(t.gradients, axis=1))
    assert np.allclose(progress.data[4].y, t.points[:, 2])
    assert progress.layout.yaxis.type == "log" and progress.layout.yaxis3.type is None


def test_a_run_that_reaches_zero_says_so_on_a_log_scale():
    """A log axis has no 0: the run's lone first point is drawn as a marker and the legend says where it hit 0."""
    t = descend(parse("x^2 + y^2"), (1.0, 1.0), optimizer="gd", lr=0.5, steps=5)  # one step lands on (0, 0)
    assert t.grad_norms[0] == pytest.approx(2 * np.sqrt(2)) and t.grad_norms[1] == 0
    curves = curves_figure({"exact": t}, "grad_norm", log=True)
    assert curves.layout.yaxis.title.text == "|∇f(θₖ)|"  # the title names it; the axis keeps to the symbol
    norm = curves.data[0]
    assert norm.name == "exact — 0 at step 1 (off the log scale)" and norm.mode == "lines+markers"
    assert norm.y[0] == pytest.approx(2 * np.sqrt(2)) and np.isnan(norm.y[1])
    adam = descend(parse("x^2 + y^2"), (1.0, 1.0), optimizer="adam", lr=0.1, steps=5)
    assert norm.marker.maxdisplayed is None  # every step marked: the lone point shows
    never_zero = curves_figure({"adam": adam}, "grad_norm", log=True).data[0]
    assert never_zero.marker.maxdisplayed == 12 and "off the log scale" not in never_zero.name  # a few marks only
    progress = progress_figure(t, ("x", "y"), log=True)
    assert [d.name for d in progress.data[:2]] == [
        "loss f — 0 at step 1 (off the log scale)",
        "|∇f| — 0 at step 1 (off the log scale)",
    ]
    assert progress_figure(t, ("x", "y")).data[1].name == "|∇f|"  # a linear axis shows the 0 itself


def test_sweep_draws_one_panel_per_learning_rate():
    bowl = parse("x^2 + 10*y^2")
    runs = {f"η = {lr}": descend(bowl, (-2.5, 1.0), "gd", lr, 30) for lr in (0.01, 0.09, 0.15)}
    fig = sweep_figure(evaluate_grid(bowl, ((-3.0, 3.0), (-3.0, 3.0)), 21), runs, bowl.names)
    assert [a.text for a in fig.layout.annotations] == [
        "η = 0.01",
        "η = 0.09",
        f"η = 0.15 — diverged at step {runs['η = 0.15'].diverged_at}",
    ]


def test_basin_map_assigns_known_starts_to_the_right_minimum():
    preset = PRESETS["himmelblau"]
    f = parse(preset.text)
    minima = [m for m, _ in preset.minima]
    bm = basin_map(f, minima, preset.domain, n=21, optimizer="gd", lr=0.01, steps=400)
    x, y = bm.xs, bm.ys
    for start, expected in [((3.5, 2.5), 0), ((-3.0, 3.5), 1), ((-4.0, -4.0), 2), ((4.0, -2.0), 3)]:
        j, i = np.abs(x - start[0]).argmin(), np.abs(y - start[1]).argmin()
        assert bm.labels[i, j] == expected, (start, bm.labels[i, j])
    fig = basin_figure(bm, minima, f.names)
    assert np.array_equal(np.array(fig.data[0].z), bm.labels + 2)
    # Not by colour alone: each basin also carries marks of its own shape, each mark on a start of that basin.
    marks = [t for t in fig.data if (t.name or "").startswith("basin of minimum")]
    assert [t.name.split(" (")[0] for t in marks] == [f"basin of minimum {i}" for i in (1, 2, 3, 4)]
    assert len({t.marker.symbol for t in marks}) == 4
    for label, t in enumerate(marks):
        for mx, my in zip(t.x, t.y, strict=True):
            assert bm.labels[np.flatnonzero(bm.ys == my)[0], np.flatnonzero(bm.xs == mx)[0]] == label


def test_basin_map_marks_diverged_and_unconverged_starts():
    f = parse("x^4 - x^2 + y^2")
    bm = basin_map(f, [(-0.7071067811865476, 0.0)], ((-5.0, 5.0), (-1.0, 1.0)), n=21, lr=0.05, steps=200)
    assert (bm.labels == DIVERGED).any()  # far starts overshoot on the steep quartic walls
    assert (bm.labels == NOT_CONVERGED).any()  # the unlisted minimum at x = +0.707
    assert (bm.labels == 0).any()


def test_regression_fit_figure_moves_the_line_with_the_step_slider():
    data = make_dataset(seed=3)
    t = fit(data, (0.0, 0.0), optimizer="gd", lr=0.05, steps=40)
    target = least_squares(data)
    fig = fit_figure(data, t, target)
    assert len(fig.frames) == 41
    line = fig.frames[17].data[0]
    assert np.allclose(line.y, t.points[17][0] * np.array(line.x) + t.points[17][1])
    assert np.allclose(fig.data[1].y, target[0] * np.array(fig.data[1].x) + target[1])


def test_the_lesson_map_draws_the_whole_line_of_minima():
    """Regression: "known minima" marked one star although the zero-loss set is the line w1 + 2w2 = 5."""
    from viz.regression import minima_line

    line, key = minima_line((1.0, 2.0), 5.0, PRESET.domain)
    assert key["name"] == line["name"] and key["x"] == [None]  # its legend entry, apart (viz.style.keyed)
    x, y = np.asarray(line["x"]), np.asarray(line["y"])
    assert np.allclose(x + 2 * y, 5.0)
    assert (x[0], x[-1]) == PRESET.domain[0]
    assert all(LOSS(a, b) == pytest.approx(0.0, abs=1e-12) for a, b in zip(x, y, strict=True))


def test_the_map_has_a_picture_underneath_that_survives_playback():
    """Regression: the contour panel stayed blank for the whole of Play (plotly.js drops non-scatter traces while
    frames play); a layout image of the same colours stays drawn."""
    grid = evaluate_grid(LOSS, PRESET.domain, 21)
    t = descend(LOSS, (1.0, 1.0), optimizer="gd", lr=0.02, steps=3)
    fig = descent_figure(grid, t, LOSS.names)
    image = fig.layout.images[0]
    width, height = grid.xs[-1] - grid.xs[0], grid.ys[-1] - grid.ys[0]
    assert (image.x, image.y, image.sizex, image.sizey) == (grid.xs[0], grid.ys[-1], width, height)
    assert image.layer == "below" and image.xref == "x" and image.yref == "y"
    picture = decoded(image.source)
    assert picture.shape == (161, 161, 4)  # 8 picture pixels per grid cell
    low = np.unravel_index(np.nanargmin(grid.z), grid.z.shape)
    # The image's first row is the top (largest y); the lowest band is coloured near Viridis' dark end.
    r, g, b, a = picture[(20 - low[0]) * 8, low[1] * 8]
    assert a == 255 and r < 80 and g < 20 and b > 60


def decoded(source: str, mode: str = "RGBA") -> np.ndarray:
    """A data URL's picture as an array: RGBA, or the palette indices ("P")."""
    import base64
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))).convert(mode))


def test_the_map_keeps_its_contour_lines_while_playing():
    """Regression (issue 25): during Play the contour lines vanished into a blur. The picture under the map is the
    contour map: the contour trace's own levels, a line wherever f crosses one, bands of one colour between."""
    from viz.raster import UPSAMPLE

    grid = evaluate_grid(LOSS, PRESET.domain, 21)
    fig = descent_figure(grid, descend(LOSS, (1.0, 1.0), lr=0.02, steps=3), LOSS.names)
    trace = next(t for t in fig.data if t.type == "contour")
    assert trace.autocontour is False
    start, end, size = trace.contours.start, trace.contours.end, trace.contours.size
    assert 20 <= (end - start) / size <= 60  # about 30 levels over the colour range
    index = decoded(fig.layout.images[0].source, "P")
    count = round((end - start) / size) + 1
    lines = index > count + 1  # the palette's second half: each band's line colour
    assert 0.02 < lines.mean() < 0.4
    # Every line pixel has f across a level between it and its right or lower neighbour (on the refined grid).
    rows, cols = grid.z.shape
    fine_x = np.linspace(grid.xs[0], grid.xs[-1], (cols - 1) * UPSAMPLE + 1)
    fine_y = np.linspace(grid.ys[-1], grid.ys[0], (rows - 1) * UPSAMPLE + 1)
    X, Y = np.meshgrid(fine_x, fine_y)
    band = np.floor((LOSS(X, Y) - start) / size)
    crossed = np.zeros_like(lines)
    crossed[:, :-1] |= band[:, :-1] != band[:, 1:]
    crossed[:-1, :] |= band[:-1, :] != band[1:, :]
    near = crossed.copy()  # the picture interpolates f between nodes: its lines lie within 2 pixels of the true ones
    for shift in (1, 2):
        near[shift:, :] |= crossed[:-shift, :]
        near[:-shift, :] |= crossed[shift:, :]
        near[:, shift:] |= crossed[:, :-shift]
        near[:, :-shift] |= crossed[:, shift:]
    assert near[lines].mean() > 0.97
    # Between the lines, each band is one colour: a band and its line's colour per band.
    assert len(np.unique(index)) <= 2 * (count + 1)


def test_the_map_picture_is_made_once_per_grid_and_the_kept_pictures_are_bounded(monkeypatch):
    from viz import raster

    monkeypatch.setattr(raster, "_PICTURES", raster.OrderedDict())
    made = []
    monkeypatch.setattr(
        raster, "contour_picture", lambda z, *a, real=raster.contour_picture: made.append(z.shape) or real(z, *a)
    )
    grid = evaluate_grid(LOSS, PRESET.domain, 21)
    t = descend(LOSS, (1.0, 1.0), optimizer="gd", lr=0.02, steps=3)
    first = descent_figure(grid, t, LOSS.names).layout.images[0].source
    moved = descend(LOSS, (-1.0, 2.0), optimizer="gd", lr=0.02, steps=3)  # a slider move: same map, new path
    again = descent_figure(evaluate_grid(LOSS, PRESET.domain, 21), moved, LOSS.names).layout.images[0].source
    assert again == first and made == [(21, 21)]  # coloured and packed once
    other = descent_figure(evaluate_grid(LOSS, PRESET.domain, 31), t, LOSS.names).layout.images[0].source
    assert other != first and made == [(21, 21), (31, 31)]
    drawn = raster.levels(grid.z_range)
    for n in range(raster.PICTURES_KEPT + 5):  # a class exploring many functions: the oldest pictures go
        raster.picture_source(np.full((2, 2), float(n)), (0.0, 100.0), drawn)
    assert len(raster._PICTURES) == raster.PICTURES_KEPT
    assert raster.picture_source(grid.z, grid.z_range, drawn) == first  # made again, the same picture
    assert len(made) == 2 + raster.PICTURES_KEPT + 5 + 1


def test_under_noise_and_a_schedule_the_plain_step_arrow_is_the_step_actually_taken():
    """Frame k draws step k + 1's −η_{k+1}·g̃_{k+1}: the schedule's rate and the noisy gradient the optimizer saw."""
    t = descend(LOSS, (1.0, 1.0), optimizer="gd", lr=0.05, steps=6, noise=2.0, seed=9, schedule="exponential")
    for k in range(6):
        x, y, dx, dy = frame_arrows(t, k)["gradient"]
        assert (x, y) == tuple(t.points[k])  # from θ_k
        assert (dx, dy) == (-t.lrs[k] * t.used[k][0], -t.lrs[k] * t.used[k][1])
        assert np.allclose((dx, dy), t.updates[k], rtol=0, atol=1e-15)  # for plain descent, the update itself
    progress = progress_figure(t, ("w1", "w2"))
    eta = next(d for d in progress.data if d.name == "ηₖ (right axis)")
    assert eta.yaxis == "y4" and list(eta.y) == t.lrs.tolist() and list(eta.x) == [1, 2, 3, 4, 5, 6]
    assert "ηₖ (right axis)" not in [d.name for d in progress_figure(descend(LOSS, (1.0, 1.0)), ("w1", "w2")).data]
