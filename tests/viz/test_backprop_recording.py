"""The backprop walk-through as a recording: one frame per step, the step's edges and node drawn as the page
draws them, the title and the step burned in; the GIF and MP4 decode to every step."""

import io

import av
import numpy as np
import pytest
from PIL import Image

from core.backprop import walkthrough
from core.network import as_dict, build, initial_weights, run
from viz.backprop import KIND_COLORS, POSITIONS
from viz.backprop_recording import _rgb, step_counter, step_detail, walkthrough_frames, walkthrough_recording
from viz.recording import HEADER, HEIGHT, HOLD_SECONDS, POINT, WIDTH, Texts, header

TEXTS = Texts("Backpropagation: 2-2-1 network, example 1", "x = (0.5, −1), t = 1")


def walk(arch="2-2-1"):
    net = build(arch, "sigmoid", "squared")
    p = run(net, as_dict(net, initial_weights(net, 0)), (0.5, -1.0), 1.0)
    return net, p, walkthrough(net, p, 1.0)


def band(picture) -> np.ndarray:
    return np.asarray(picture.convert("RGB"), dtype=float)[:HEADER]


def expected(net, p, steps, k) -> np.ndarray:
    return band(header(TEXTS, step_counter(k, len(steps) - 1), step_detail(net, p, steps[k])))


@pytest.mark.parametrize("arch", ["neuron", "2-2-1"])
def test_one_frame_per_step_with_its_counter_and_what_it_works_out(arch):
    net, p, steps = walk(arch)
    frames = list(walkthrough_frames(net, p, steps, TEXTS))
    assert len(frames) == len(steps) and {f.size for f in frames} == {(WIDTH, HEIGHT)}
    for k in (0, 1, len(steps) - 1):
        assert np.array_equal(band(frames[k]), expected(net, p, steps, k)), k
    assert not np.array_equal(band(frames[0]), expected(net, p, steps, 1))
    assert step_detail(net, p, steps[1]).startswith("Forward pass: z")
    assert step_detail(net, p, steps[-1]).startswith("Backward pass: ∂L/∂")


def test_the_current_node_is_ringed_in_the_points_colour():
    net, p, steps = walk("neuron")
    frames = list(walkthrough_frames(net, p, steps, TEXTS))
    k = next(i for i, s in enumerate(steps) if s.kind == "forward" and s.node == "z")
    xs, ys = zip(*POSITIONS["neuron"].values(), strict=True)
    x0, x1, y0, y1 = min(xs) - 2.6, max(xs) + 0.6, min(ys) - 1.0, max(ys) + 0.5
    cx = 20 + (POSITIONS["neuron"]["z"][0] - x0) / (x1 - x0) * (WIDTH - 40)
    cy = HEADER + 10 + (y1 - POSITIONS["neuron"]["z"][1]) / (y1 - y0) * (HEIGHT - HEADER - 20)

    def ring(frame) -> list:
        """The ring's pixels along a ray to the right of the node's centre (its edge to ŷ leaves there too)."""
        return [frame.getpixel((round(cx + dx), round(cy))) for dx in range(12, 22)]

    # The step's node is ringed 5 px wide in the points' colour; at the start its ring is 3 px of its kind's.
    assert ring(frames[k]).count(POINT) >= 5
    assert ring(frames[0]).count(POINT) <= 3 and ring(frames[0]).count(_rgb(KIND_COLORS["pre"])) >= 3


def test_the_gif_and_the_mp4_hold_every_step_a_second():
    net, p, steps = walk()
    gif = Image.open(io.BytesIO(walkthrough_recording(net, p, steps, TEXTS, "gif")))
    assert (gif.n_frames, gif.size) == (len(steps), (WIDTH, HEIGHT))
    gif.seek(1)
    assert gif.info["duration"] == 1000
    assert np.abs(band(gif) - expected(net, p, steps, 1)).mean() < 1.0
    with av.open(io.BytesIO(walkthrough_recording(net, p, steps, TEXTS, "mp4"))) as video:
        decoded = [frame.to_image() for frame in video.decode(video.streams.video[0])]
    assert len(decoded) == len(steps) + round(HOLD_SECONDS) - 1
    last = len(steps) - 1
    assert np.abs(band(decoded[-1]) - expected(net, p, steps, last)).mean() < 4.0
