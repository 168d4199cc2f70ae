"""A contour map's colours as a picture behind the plot: it stays drawn while a playback animates the figure.

plotly.js redraws only animatable traces (scatter) during an animation frame and drops the others' layers until
the animation ends; a layout image is not a trace, so the map stays visible underneath.
"""

from __future__ import annotations

import base64
import hashlib
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


def map_image(grid: Grid, xref: str = "x", yref: str = "y") -> dict:
    """A layout image of f's colours stretched over the grid's domain, below the traces."""
    return dict(
        source=picture_source(grid.z, grid.z_range),
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


def picture_source(z: np.ndarray, z_range: tuple[float, float]) -> str:
    """z's colours as a PNG data URL, rows from the largest y down (the first row of an image is its top)."""
    data = np.ascontiguousarray(z, dtype=float)
    key = (hashlib.blake2b(data.tobytes(), digest_size=16).digest(), data.shape, tuple(map(float, z_range)))
    with _LOCK:
        if key in _PICTURES:
            _PICTURES.move_to_end(key)
            return _PICTURES[key]
    source = "data:image/png;base64," + base64.b64encode(png(colors(data[::-1], z_range))).decode("ascii")
    with _LOCK:
        _PICTURES[key] = source
        while len(_PICTURES) > PICTURES_KEPT:
            _PICTURES.popitem(last=False)
    return source
