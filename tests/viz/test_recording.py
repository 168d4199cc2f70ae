"""Recordings for slides: the frames a run draws, with the title, the formula and the step counter burned in,
and the GIF and MP4 made of them (decoded again: frame count, size, and the text in the first and last frames)."""

import io

import av
import numpy as np
import pytest
from PIL import Image

from core import PRESETS, descend, parse
from core.grid import evaluate_grid
from viz.recording import (
    HEADER,
    HEIGHT,
    HOLD_SECONDS,
    MAX_FRAMES,
    POINT,
    WIDTH,
    Texts,
    _detail,
    descent_frames,
    frame_steps,
    gif_bytes,
    header,
    mp4_bytes,
    plain_formula,
    recording,
    step_text,
)

PRESET = PRESETS["himmelblau"]
F = parse(PRESET.text)
GRID = evaluate_grid(F, PRESET.domain, 51)
TEXTS = Texts("Himmelblau: Adam, η = 0.1, noise σ = 4 (seed 3)", "f(x, y) = " + plain_formula(str(F.expr)))


def run(steps=30, **settings):
    return descend(F, (0.0, 0.0), optimizer="adam", lr=0.1, steps=steps, noise=4.0, seed=3, **settings)


def band(picture) -> np.ndarray:
    return np.asarray(picture.convert("RGB"), dtype=float)[:HEADER]


def expected_band(t, k) -> np.ndarray:
    return band(header(TEXTS, step_text(k, t.steps_taken), _detail(t, k)))


def test_the_formula_is_written_for_reading():
    assert plain_formula(str(F.expr)) == "(x + y² − 7)² + (x² + y − 11)²"
    assert plain_formula("x**(1/2) - 2*y") == "x^(1/2) − 2·y"
    assert plain_formula("1.0e-5*x") == "1.0e-5·x"  # a number's exponent keeps its minus


def test_a_long_run_is_sampled_evenly_keeping_its_first_and_last_step():
    assert frame_steps(30) == list(range(31))
    shown = frame_steps(500)
    assert len(shown) == MAX_FRAMES and shown[0] == 0 and shown[-1] == 500
    assert max(np.diff(shown)) - min(np.diff(shown)) <= 1


def test_every_frame_carries_the_title_the_formula_and_its_own_step():
    t = run()
    frames = list(descent_frames(GRID, t, F.names, TEXTS))
    assert len(frames) == 31 and {f.size for f in frames} == {(WIDTH, HEIGHT)}
    for k in (0, 1, 30):
        assert np.array_equal(band(frames[k]), expected_band(t, k)), k
    # The counter is what differs: frame 0 does not carry "step 1 / 30".
    assert not np.array_equal(band(frames[0]), expected_band(t, 1))
    assert "η = 0.1" in _detail(t, 0) and "f = " in _detail(t, 30)


def test_the_point_is_drawn_where_theta_k_is_on_the_map():
    t = run()
    frames = list(descent_frames(GRID, t, F.names, TEXTS))
    (x0, x1), (y0, y1) = PRESET.domain
    side = HEIGHT - HEADER - 46
    for k in (10, 30):
        x, y = t.points[k]
        px, py = 56 + (x - x0) / (x1 - x0) * side, HEADER + 8 + (y1 - y) / (y1 - y0) * side
        assert frames[k].getpixel((round(px), round(py))) == POINT, k


def test_the_gif_decodes_to_every_frame_with_the_text_and_holds_the_last():
    t = run()
    data = gif_bytes(descent_frames(GRID, t, F.names, TEXTS))
    gif = Image.open(io.BytesIO(data))
    assert (gif.n_frames, gif.size, gif.info["loop"]) == (31, (WIDTH, HEIGHT), 0)
    gif.seek(0)
    first = band(gif)
    gif.seek(30)
    assert gif.info["duration"] == HOLD_SECONDS * 1000
    last = band(gif)
    # The palette holds every colour of the header's text, so the text survives the GIF's 256 colours.
    assert np.abs(first - expected_band(t, 0)).mean() < 1.0
    assert np.abs(last - expected_band(t, 30)).mean() < 1.0
    assert np.abs(last - expected_band(t, 29)).mean() > 2 * np.abs(last - expected_band(t, 30)).mean()


def test_the_mp4_decodes_to_every_frame_and_the_hold_with_the_text():
    t = run()
    data = mp4_bytes(descent_frames(GRID, t, F.names, TEXTS))
    with av.open(io.BytesIO(data)) as video:
        stream = video.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", WIDTH, HEIGHT)
        decoded = [frame.to_image() for frame in video.decode(stream)]
    assert len(decoded) == 31 + round(HOLD_SECONDS * 10) - 1
    first, last = band(decoded[0]), band(decoded[-1])
    assert np.abs(first - expected_band(t, 0)).mean() < 4.0
    assert np.abs(last - expected_band(t, 30)).mean() < 4.0
    assert np.abs(first - expected_band(t, 30)).mean() > np.abs(first - expected_band(t, 0)).mean()


def test_the_same_run_makes_the_same_recording_and_a_scheduled_one_shows_its_eta():
    assert recording(GRID, run(), F.names, TEXTS, "gif") == recording(GRID, run(), F.names, TEXTS, "gif")
    scheduled = run(schedule="one_cycle")
    assert _detail(scheduled, 1).startswith("η = 0.004 ")  # η_1 = η/25
    with pytest.raises(ValueError, match="gif or an mp4"):
        recording(GRID, run(), F.names, TEXTS, "avi")


def test_a_path_that_leaves_the_map_is_cut_at_its_edge():
    far = descend(F, (4.5, 4.5), optimizer="gd", lr=0.05, steps=2)  # a steep wall throws it far off the map
    assert np.abs(far.points[1:]).min() > 5
    frames = list(descent_frames(GRID, far, F.names, TEXTS))
    assert len(frames) == far.steps_taken + 1
    assert np.array_equal(band(frames[-1]), expected_band(far, far.steps_taken))  # the header stays clean
