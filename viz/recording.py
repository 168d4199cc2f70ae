"""Recordings for slides: the descent played back as an animated GIF or an MP4 video, drawn frame by frame.

A frame is a 16:9 picture: a header band with the title, the formula and the step counter burned in, the map of
f with the path so far and the point, and the loss per step with the current step marked. The frames come from
the same trajectory the page plays, so a share link (seed, schedule and every setting in it) makes the same
recording. Bounded work: at most ``MAX_FRAMES`` frames of 960×540 (a longer run is sampled evenly, its last step
always kept), and one recording at a time per server process (``RENDERING``), so a class making recordings waits
in a queue of its own instead of taking both cores from the students who are only exploring.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.descent import Trajectory
from core.grid import Grid
from core.numbers import number
from viz.raster import colors

WIDTH, HEIGHT = 960, 540
HEADER = 92  # the band with the title, the formula and the step counter
MAX_FRAMES = 121
FPS = 10
LEVELS = 14  # bands of the map, like the page's contour levels
HOLD_SECONDS = 2.0  # the last frame stays this long, so a looping slide shows where the run ended
RENDERING = threading.BoundedSemaphore(1)  # one recording at a time per process
# DejaVu Sans (free licence, beside it) has the Greek letters, superscripts and ∇ the default font lacks.
FONT_FILE = Path(__file__).with_name("fonts") / "DejaVuSans.ttf"
INK, PAPER, MUTED = (20, 24, 33), (255, 255, 255), (110, 116, 128)
PATH, POINT, LOSS = (255, 255, 255), (213, 94, 0), (0, 114, 178)
RGB = tuple[int, int, int]
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class Texts(NamedTuple):
    """What is burned into every frame: the title and the formula; the step counter is each frame's own."""

    title: str
    formula: str


@functools.lru_cache(maxsize=8)
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILE), size)


def plain_formula(expr_text: str) -> str:
    """sympy's text of f written for reading: x² + 3·y² − 1 rather than x**2 + 3*y**2 - 1.

    >>> plain_formula("(x**2 + y - 11)**2 + 3*x*y - exp(-x**10)")
    '(x² + y − 11)² + 3·x·y − exp(−x¹⁰)'
    """
    text = re.sub(r"\*\*(-?\d+)\b", lambda m: m.group(1).translate(_SUPERSCRIPTS), expr_text)
    text = text.replace("**", "^").replace("*", "·")
    return re.sub(r"(?<![eE\d.])-", "−", text)


def frame_steps(steps_taken: int, limit: int = MAX_FRAMES) -> list[int]:
    """The steps k shown, one per frame: every step, or ``limit`` of them evenly spread, first and last kept.

    >>> frame_steps(4), frame_steps(10, limit=4)
    ([0, 1, 2, 3, 4], [0, 3, 7, 10])
    """
    if steps_taken + 1 <= limit:
        return list(range(steps_taken + 1))
    return sorted({round(i * steps_taken / (limit - 1)) for i in range(limit)})


def step_text(k: int, steps_taken: int) -> str:
    return f"step {k} / {steps_taken}"


def header(texts: Texts, counter: str, detail: str = "") -> Image.Image:
    """The band at the top of a frame: title and step counter on the first line, the formula (and η, f) below."""
    band = Image.new("RGB", (WIDTH, HEADER), PAPER)
    draw_header(band, texts, counter, detail)
    return band


def draw_header(band: Image.Image, texts: Texts, counter: str, detail: str = "") -> None:
    """The header's text drawn onto a picture's top band."""
    draw = ImageDraw.Draw(band)
    draw.text((20, 12), _fit(draw, texts.title, 30, WIDTH - 300), font=font(30), fill=INK)
    draw.text((20, 56), _fit(draw, texts.formula, 22, WIDTH - 360), font=font(22), fill=INK)
    _counter(draw, counter, detail)


def _counter(draw: ImageDraw.ImageDraw, counter: str, detail: str) -> None:
    draw.text((WIDTH - 20, 12), counter, font=font(30), fill=POINT, anchor="ra")
    draw.text((WIDTH - 20, 58), detail, font=font(20), fill=MUTED, anchor="ra")


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: float) -> str:
    """The text, cut with "…" so that it fits ``width`` pixels."""
    if draw.textlength(text, font=font(size)) <= width:
        return text
    while text and draw.textlength(text + "…", font=font(size)) > width:
        text = text[:-1]
    return text + "…"


class _Scene(NamedTuple):
    """What every frame shares: the background with the map and the loss axes, and the pixel mappings."""

    background: Image.Image
    map_box: tuple[int, int, int, int]
    plot_box: tuple[int, int, int, int]
    map_xy: np.ndarray  # (k+1, 2) pixel positions of θ_k
    loss_xy: np.ndarray  # (k+1, 2) pixel positions of (k, f(θ_k))


def _scene(grid: Grid, t: Trajectory, names: Sequence[str]) -> _Scene:
    background = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(background)
    small = font(16)
    # The map: f's colours, the first image row at the largest y, stretched over a square.
    side = HEIGHT - HEADER - 46
    left, top = 56, HEADER + 8
    picture = Image.fromarray(colors(_banded(grid, side), grid.z_range), "RGBA").convert("RGB")
    background.paste(picture, (left, top))
    map_box = (left, top, left + side, top + side)
    (x0, x1), (y0, y1) = (float(grid.xs[0]), float(grid.xs[-1])), (float(grid.ys[0]), float(grid.ys[-1]))
    for value, label in ((x0, number(x0)), (x1, number(x1))):
        px = left + (value - x0) / (x1 - x0) * side
        draw.text((px, top + side + 4), label, font=small, fill=INK, anchor="ma")
    draw.text((left + side / 2, top + side + 4), names[0], font=small, fill=INK, anchor="ma")
    for value, label in ((y0, number(y0)), (y1, number(y1))):
        py = top + (y1 - value) / (y1 - y0) * side
        draw.text((left - 6, py), label, font=small, fill=INK, anchor="rm")
    draw.text((left - 6, top + side / 2), names[1], font=small, fill=INK, anchor="rm")
    points = t.points[:, :2]
    map_xy = np.column_stack(
        [left + (points[:, 0] - x0) / (x1 - x0) * side, top + (y1 - points[:, 1]) / (y1 - y0) * side]
    )
    # The loss per step, on its own axes to the right.
    p_left, p_top, p_right, p_bottom = left + side + 110, top + 24, WIDTH - 24, top + side
    draw.rectangle((p_left, p_top, p_right, p_bottom), outline=MUTED)
    draw.text((p_left, p_top - 6), "loss f(θₖ)", font=font(18), fill=INK, anchor="ld")
    values = np.asarray(t.values, dtype=float)
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    high = high if high > low else low + 1.0
    # A loss that falls by orders of magnitude is read on a log scale, as the page's log switch shows it.
    log = low > 0 and high / low > 100
    scaled, bottom, span = (np.log10(values), np.log10(low), np.log10(high / low)) if log else (values, low, high - low)
    steps = max(1, t.steps_taken)
    loss_xy = np.column_stack(
        [
            p_left + np.arange(len(values)) / steps * (p_right - p_left),
            p_bottom - (scaled - bottom) / span * (p_bottom - p_top),
        ]
    )
    draw.text((p_left - 6, p_top), number(high), font=small, fill=INK, anchor="rm")
    draw.text((p_left - 6, p_bottom), number(low), font=small, fill=INK, anchor="rm")
    if log:
        draw.text((p_right, p_top - 6), "log scale", font=small, fill=MUTED, anchor="rd")
    draw.text((p_left, p_bottom + 4), "0", font=small, fill=INK, anchor="ma")
    draw.text((p_right, p_bottom + 4), str(t.steps_taken), font=small, fill=INK, anchor="ma")
    draw.text(((p_left + p_right) / 2, p_bottom + 4), "step k", font=small, fill=INK, anchor="ma")
    draw.line([tuple(p) for p in loss_xy], fill=(200, 214, 230), width=2)  # the whole curve, faint
    return _Scene(background, map_box, (p_left, p_top, p_right, p_bottom), map_xy, loss_xy)


def _banded(grid: Grid, side: int, levels: int = LEVELS) -> np.ndarray:
    """f interpolated to side × side pixels and put in one of ``levels`` bands: filled level sets, as the page's
    contour map draws them, so the path is seen crossing level curves (rows from the largest y down)."""
    low, high = grid.z_range
    fine = np.array(
        Image.fromarray(np.nan_to_num(grid.z[::-1], nan=low).astype(np.float32), "F").resize(
            (side, side), Image.Resampling.BILINEAR
        )
    )
    if not high > low:
        return fine
    band = np.floor((np.clip(fine, low, high) - low) / (high - low) * levels).clip(0, levels - 1)
    return low + (band + 0.5) / levels * (high - low)


def _detail(t: Trajectory, k: int) -> str:
    """η of the step just taken (the schedule's η_k) and the loss now."""
    eta = t.lr if k == 0 or t.lrs is None else float(t.lrs[k - 1])
    return f"η = {number(eta)}   f = {number(float(t.values[k]))}"


def descent_frames(
    grid: Grid, t: Trajectory, names: Sequence[str], texts: Texts, limit: int = MAX_FRAMES
) -> Iterator[Image.Image]:
    """One picture per shown step k: the header with "step k / N", the path θ_0 … θ_k on the map, the loss.

    Drawn one at a time as the encoder asks (a frame is 1.5 MB; 121 of them at once would be 190 MB)."""
    scene = _scene(grid, t, names)
    # The path and the loss curve grow on one canvas, each frame adding the segments since the last frame.
    trail = scene.background.copy()
    trail.paste(header(texts, "", ""), (0, 0))
    board = trail.crop(scene.map_box)  # the map alone: a point that left the domain is cut at its edge
    on_map = scene.map_xy - np.array(scene.map_box[:2])
    shown = 0
    for k in frame_steps(t.steps_taken, limit):
        path = [tuple(p) for p in on_map[shown : k + 1]]
        if len(path) > 1:
            ImageDraw.Draw(board).line(path, fill=PATH, width=2)
            ImageDraw.Draw(trail).line([tuple(p) for p in scene.loss_xy[shown : k + 1]], fill=LOSS, width=3)
        shown = k
        frame = trail.copy()
        frame.paste(board, scene.map_box[:2])
        draw = ImageDraw.Draw(frame)
        _counter(draw, step_text(k, t.steps_taken), _detail(t, k))
        sx, sy = scene.map_xy[0]
        draw.ellipse((sx - 7, sy - 7, sx + 7, sy + 7), outline=POINT, width=3)
        x, y = scene.map_xy[k]
        if _inside((x, y), scene.map_box):
            draw.ellipse((x - 8, y - 8, x + 8, y + 8), fill=POINT, outline=PAPER, width=2)
        lx, ly = scene.loss_xy[k]
        draw.ellipse((lx - 6, ly - 6, lx + 6, ly + 6), fill=POINT)
        yield frame


def _inside(point: tuple[float, float], box: tuple[int, int, int, int]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def gif_bytes(frames: Iterable[Image.Image], fps: int = FPS, inks: Sequence[RGB] = (POINT, LOSS)) -> bytes:
    """An animated GIF that loops, on one chosen palette (see ``palette``), the last frame held.

    Each frame is reduced to its palette as it arrives (a third of its size); Pillow's encoder needs them all."""
    chosen = palette(inks)
    quantized = [f.quantize(palette=chosen, dither=Image.Dither.NONE) for f in frames]
    durations = [round(1000 / fps)] * len(quantized)
    durations[-1] = max(durations[-1], round(1000 * HOLD_SECONDS))
    out = io.BytesIO()
    quantized[0].save(out, format="GIF", save_all=True, append_images=quantized[1:], duration=durations, loop=0)
    return out.getvalue()


def palette(inks: Sequence[RGB]) -> Image.Image:
    """A GIF's 256 colours, chosen rather than guessed: each drawn colour ("ink") blended with the paper in 8 steps
    for its anti-aliased edges, greys for text, and the rest along the map's colour scale (its colours lie on
    that one curve)."""
    blends = np.linspace(0.0, 1.0, 8)[:, None]
    paper = np.asarray(PAPER, dtype=float)
    inked = [np.asarray(c, dtype=float) * (1 - blends) + paper * blends for c in inks]
    greys = np.repeat(np.linspace(0, 255, 40)[:, None], 3, axis=1)
    fixed = np.concatenate([*inked, greys, np.asarray([(200, 214, 230), INK, MUTED], dtype=float)])
    scale = colors(np.linspace(0.0, 1.0, 256 - len(fixed)), (0.0, 1.0))[:, :3].astype(float)
    picture = Image.new("P", (1, 1))
    picture.putpalette(np.round(np.concatenate([scale, fixed])).astype(np.uint8).tobytes())
    return picture


def mp4_bytes(frames: Iterable[Image.Image], fps: int = FPS) -> bytes:
    """An H.264 MP4 (yuv420p, what PowerPoint, Keynote and Google Slides play), the last frame held."""
    import av  # imported here: only a recording needs FFmpeg's libraries in memory

    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"crf": "20", "preset": "veryfast"}
        last = None
        for picture in frames:  # encoded as they are drawn: one frame in memory at a time
            last = picture
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                container.mux(packet)
        for _ in range(round(HOLD_SECONDS * fps) - 1):
            for packet in stream.encode(av.VideoFrame.from_image(last)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def encoded(
    frames_of: Callable[[], Iterable[Image.Image]], kind: str, fps: int = FPS, inks: Sequence[RGB] = (POINT, LOSS)
) -> bytes:
    """The frames ``frames_of`` draws as a "gif" or an "mp4", made by one renderer at a time (see above)."""
    if kind not in ("gif", "mp4"):
        raise ValueError(f"A recording is a gif or an mp4, not {kind!r}.")
    with RENDERING:
        frames = frames_of()
        return gif_bytes(frames, fps, inks) if kind == "gif" else mp4_bytes(frames, fps)


def recording(
    grid: Grid, t: Trajectory, names: Sequence[str], texts: Texts, kind: str, limit: int = MAX_FRAMES
) -> bytes:
    """The descent as a "gif" or an "mp4"."""
    return encoded(lambda: descent_frames(grid, t, names, texts, limit), kind)
