"""Recordings in Chromium: the descent page's GIF and MP4 buttons download the run the link describes, frame for
frame, with the title, the formula and the step counter burned into the first and the last frame."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest
from PIL import Image

from bench.harness import wait_idle
from core import PRESETS, descend, parse
from core.backprop import walkthrough
from core.grid import evaluate_grid
from core.network import as_dict, build, initial_weights, run, train
from core.points import make_points
from ui.recording import recording_texts, walkthrough_texts
from viz.backprop_recording import walkthrough_recording
from viz.recording import HEADER, HEIGHT, WIDTH, _detail, header, recording, step_text

pytestmark = pytest.mark.e2e

LINK = "f=himmelblau&opt=momentum&lr=0.01&steps=40&schedule=cosine&noise=3&seed=5"


def expected_run():
    preset = PRESETS["himmelblau"]
    f = parse(preset.text)
    run = descend(f, preset.start, optimizer="momentum", lr=0.01, steps=40, schedule="cosine", noise=3.0, seed=5)
    return f, preset, run, recording_texts(run, preset.name, f.names, str(f.expr))


def download(page, server, label: str) -> bytes:
    page.goto(f"{server}/descent?{LINK}")
    wait_idle(page)
    with page.expect_download(timeout=60_000) as done:
        page.get_by_role("button", name=label).click()
    with open(done.value.path(), "rb") as file:
        return file.read()


def band(picture) -> np.ndarray:
    return np.asarray(picture.convert("RGB"), dtype=float)[:HEADER]


def test_the_gif_is_the_links_run_with_its_text(page, server):
    f, preset, run, texts = expected_run()
    data = download(page, server, "🎞 GIF for slides")
    # The very bytes core and viz make from the link's settings: the seed and the schedule came through.
    assert data == recording(evaluate_grid(f, preset.domain, 51), run, f.names, texts, "gif")
    gif = Image.open(io.BytesIO(data))
    assert (gif.n_frames, gif.size) == (41, (WIDTH, HEIGHT))
    for k in (0, 40):
        gif.seek(k)
        want = band(header(texts, step_text(k, 40), _detail(run, k)))
        assert np.abs(band(gif) - want).mean() < 1.0, k
    assert texts.title.startswith("Himmelblau: Momentum, η = 0.01, cosine annealing, noise σ = 3 (seed 5)")


def test_the_mp4_has_every_frame_at_the_slides_size(page, server):
    _, _, run, texts = expected_run()
    data = download(page, server, "🎬 MP4 video")
    with av.open(io.BytesIO(data)) as video:
        stream = video.streams.video[0]
        decoded = [frame.to_image() for frame in video.decode(stream)]
    assert (stream.width, stream.height) == (WIDTH, HEIGHT)
    assert len(decoded) == 41 + 19  # every step, then the last one held for two seconds at 10 frames a second
    assert np.abs(band(decoded[0]) - band(header(texts, step_text(0, 40), _detail(run, 0)))).mean() < 4.0
    assert np.abs(band(decoded[-1]) - band(header(texts, step_text(40, 40), _detail(run, 40)))).mean() < 4.0


def test_the_backprop_walk_through_downloads_the_links_example_and_weights(page, server):
    points = make_points("blobs", 12, 4)
    net = build("neuron", "tanh", "squared")
    history = train(net, initial_weights(net, 4), points, "momentum", 0.3, 5)
    x, t = points.x[1], float(points.t[1])
    p = run(net, as_dict(net, history.points[-1]), (float(x[0]), float(x[1])), t)
    steps = walkthrough(net, p, t)
    texts = walkthrough_texts(net, "neuron", 2, x, t)
    page.goto(f"{server}/backprop?model=neuron&act=tanh&seed=4&example=2&opt=momentum&lr=0.3&trained=5")
    wait_idle(page)
    with page.expect_download(timeout=60_000) as done:
        page.get_by_role("button", name="🎞 GIF for slides").click()
    with open(done.value.path(), "rb") as file:
        data = file.read()
    assert data == walkthrough_recording(net, p, steps, texts, "gif")
    assert Image.open(io.BytesIO(data)).n_frames == len(steps)
