"""A contour map's colours as a picture behind the plot: it stays drawn while a playback animates the figure.

plotly.js redraws only animatable traces (scatter) during an animation frame and drops the others' layers until
the animation ends; a layout image is not a trace, so the map stays visible underneath. With the contour trace's
levels (``levels``) the picture is the contour map itself: the same bands of colour and a line at every level,
so the map keeps its contour lines while the frames play.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import struct
import threading
import zlib
from collections import OrderedDict

import numpy as np

from core.grid import Grid
from viz.style import SURFACE_SCALE

_LOCK = threading.Lock()  # sessions run in threads of one process


def channels(color: str) -> list[float]:
    """(r, g, b) of "#rrggbb" or "rgb(r, g, b)"."""
    if color.startswith("#"):
        return [float(int(color[i : i + 2], 16)) for i in (1, 3, 5)]
    return [float(v) for v in re.findall(r"[\d.]+", color)[:3]]


def colors(z: np.ndarray, z_range: tuple[float, float], scale: list = SURFACE_SCALE) -> np.ndarray:
    """RGBA bytes of z on a plotly colour scale over z_range; NaN is transparent."""
    low, high = z_range
    t = np.clip((z - low) / (high - low), 0.0, 1.0) if high > low else np.zeros_like(z)
    stops = np.array([float(s) for s, _ in scale])
    rgb = np.array([channels(c) for _, c in scale])
    finite = np.isfinite(t)
    t = np.where(finite, t, 0.0)
    out = np.stack([np.interp(t, stops, rgb[:, c]) for c in range(3)] + [np.where(finite, 255.0, 0.0)], axis=-1)
    return np.round(out).astype(np.uint8)


def png(rgba: np.ndarray) -> bytes:
    """An RGBA array (rows top to bottom) as PNG bytes: a signature, IHDR, one zlib IDAT, IEND."""
    height, width, _ = rgba.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + rgba[i].tobytes() for i in range(height))  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b"")


def levels(z_range: tuple[float, float], count: int = 30) -> dict:
    """Contour levels for a plotly contour trace: about ``count`` at a round spacing over z_range, as
    {start, end, size} (plotly's ``contours``)."""
    low, high = z_range
    width = high - low if high > low else 1.0
    raw = width / count
    power = 10.0 ** math.floor(math.log10(raw))
    size = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return {"start": math.ceil(low / size) * size, "end": math.floor(high / size) * size, "size": size}


LINE_SHADE = 0.55  # a line is its band's colour this much as bright: plotly's thin black line over the band
UPSAMPLE = 8  # picture pixels per grid cell: about one per screen pixel where the map is drawn


def contour_picture(z: np.ndarray, z_range: tuple[float, float], contours: dict, scale: list = SURFACE_SCALE) -> bytes:
    """A filled contour map as an indexed PNG (rows top to bottom as given): each band between two levels in the
    colour of its middle, a line (the band's colour, darker) where the band changes, NaN transparent. z is refined
    UPSAMPLE times by linear interpolation, which is exact at the grid's nodes.

    Palette: 0 transparent, 1 … count + 1 the bands from below the first level up, then the bands' line colours.
    """
    rows, cols = z.shape
    fine_r = np.linspace(0, rows - 1, (rows - 1) * UPSAMPLE + 1)
    fine_c = np.linspace(0, cols - 1, (cols - 1) * UPSAMPLE + 1)
    along = np.array([np.interp(fine_c, np.arange(cols), row) for row in z])  # NaN spreads to its neighbours
    fine = np.array([np.interp(fine_r, np.arange(rows), column) for column in along.T]).T
    start, size = contours["start"], contours["size"]
    count = min(round((contours["end"] - start) / size) + 1, 120)  # levels (a palette holds 256 colours)
    finite = np.isfinite(fine)
    with np.errstate(invalid="ignore"):
        band = np.clip(np.floor((np.where(finite, fine, start) - start) / size) + 1, 0, count).astype(int)
    middles = start + (np.arange(count + 1) - 0.5) * size
    palette = colors(middles, z_range, scale)[:, :3]
    index = band + 1  # 0 is transparent
    edge = np.zeros_like(finite)
    edge[:, :-1] |= (band[:, :-1] != band[:, 1:]) & finite[:, 1:]
    edge[:-1, :] |= (band[:-1, :] != band[1:, :]) & finite[1:, :]
    index = np.where(edge & finite, index + count + 1, np.where(finite, index, 0)).astype(np.uint8)
    rgb = np.vstack([[0, 0, 0], palette, np.round(palette * LINE_SHADE)]).astype(np.uint8)
    alpha = np.array([0] + [255] * (2 * count + 2), dtype=np.uint8)
    return indexed_png(index, rgb, alpha)


def indexed_png(index: np.ndarray, rgb: np.ndarray, alpha: np.ndarray) -> bytes:
    """An 8-bit palette PNG: IHDR, PLTE (rgb), tRNS (alpha per entry), one IDAT, IEND."""
    height, width = index.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + index[i].tobytes() for i in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"PLTE", rgb.tobytes())
        + chunk(b"tRNS", alpha.tobytes())
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def map_image(grid: Grid, xref: str = "x", yref: str = "y", contours: dict | None = None) -> dict:
    """A layout image of f's colours stretched over the grid's domain, below the traces; with ``contours`` (the
    contour trace's levels) the filled contour map with its lines."""
    return dict(
        source=picture_source(grid.z, grid.z_range, contours),
        xref=xref,
        yref=yref,
        x=float(grid.xs[0]),
        y=float(grid.ys[-1]),
        sizex=float(grid.xs[-1] - grid.xs[0]),
        sizey=float(grid.ys[-1] - grid.ys[0]),
        xanchor="left",
        yanchor="top",
        sizing="stretch",
        layer="below",
    )


# A slider move or a click on the descent page draws the same map again; colouring and packing it was about a
# tenth of that page's run (py-spy on python -m bench.load). The last few pictures are kept, found by their
# grid's bytes (a digest, so a key holds no grid); bounded, as the whole class shares one process.
_PICTURES: OrderedDict[tuple, str] = OrderedDict()
PICTURES_KEPT = 32


def picture_source(z: np.ndarray, z_range: tuple[float, float], contours: dict | None = None) -> str:
    """z's colours as a PNG data URL, rows from the largest y down (the first row of an image is its top); with
    ``contours``, the contour map with its lines (contour_picture)."""
    data = np.ascontiguousarray(z, dtype=float)
    drawn = tuple(sorted(contours.items())) if contours else None
    key = (hashlib.blake2b(data.tobytes(), digest_size=16).digest(), data.shape, tuple(map(float, z_range)), drawn)
    with _LOCK:
        if key in _PICTURES:
            _PICTURES.move_to_end(key)
            return _PICTURES[key]
    picture = contour_picture(data[::-1], z_range, contours) if contours else png(colors(data[::-1], z_range))
    source = "data:image/png;base64," + base64.b64encode(picture).decode("ascii")
    with _LOCK:
        _PICTURES[key] = source
        while len(_PICTURES) > PICTURES_KEPT:
            _PICTURES.popitem(last=False)
    return source
