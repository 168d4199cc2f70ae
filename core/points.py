"""Labelled points in the plane for the backpropagation lab: generated from a seed, or read from a CSV.

Each point is an input (x1, x2) with a target t; the generated sets have class labels t ∈ {0, 1}.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core.numbers import number
from core.regression import _NUMBER, DataError, csv_rows, read_csv

MAX_POINTS = 200  # a small data set: the loss surface evaluates the network on every point at every grid node
COLUMNS = ("x1", "x2", "t")
PATTERNS = {
    "blobs": "two clusters (a line separates them)",
    "xor": "XOR (opposite quadrants share a class)",
}


class Points(NamedTuple):
    x: np.ndarray  # inputs, shape (N, 2)
    t: np.ndarray  # targets, shape (N,)
    source: str


def make_points(pattern: str = "blobs", n: int = 12, seed: int = 0) -> Points:
    """n points with labels 0/1, reproducible from the seed: two Gaussian clusters, or the XOR quadrants.

    >>> p = make_points("xor", n=4, seed=1)
    >>> p.x.shape, sorted(set(p.t.tolist())) <= [0.0, 1.0]
    ((4, 2), True)
    """
    if pattern not in PATTERNS:
        raise ValueError(f"Unknown pattern {pattern!r}; choose one of {', '.join(PATTERNS)}.")
    rng = np.random.default_rng(seed)
    if pattern == "blobs":
        t = np.arange(n) % 2
        centres = np.where(t[:, None] == 1, 1.0, -1.0)
        x = centres + rng.normal(0.0, 0.7, (n, 2))
    else:
        x = rng.uniform(-1.5, 1.5, (n, 2))
        t = (x[:, 0] * x[:, 1] > 0).astype(int)
    return Points(x, t.astype(float), f"generated: {PATTERNS[pattern]}, {n} points (seed {seed})")


def read_points(data: bytes) -> Points:
    """Three numeric columns x1, x2, t and an optional header row; anything else raises DataError with the reason.

    The numbers are checked by the regression page's reader, one input column with the target at a time.
    """
    rows = csv_rows(data)
    for line, row in enumerate(rows, start=1):
        if len(row) != 3:
            raise DataError(f"Line {line} has {len(row)} columns; the file needs three: x1, x2 and the target t.")
    # Whether the first row is a header is decided once, for all three columns: a first row numeric in one column
    # and blank or text in another is a row of data with a bad value, not a header for one column only.
    header = not any(_NUMBER.match(cell) for cell in rows[0])
    body = rows[1:] if header else rows
    columns = []
    for i in (0, 1):
        # The reader takes two columns (x, y): give it this input column beside the target, under a header of
        # its own, so it reads exactly the same rows for both columns.
        pair = "\n".join(["x,t", *(f"{row[i]},{row[2]}" for row in body)]).encode()
        try:
            columns.append(read_csv(pair))
        except DataError as error:
            raise DataError(f"In columns {COLUMNS[i]} and t: {error}") from None
    if len(columns[0].x) > MAX_POINTS:
        raise DataError(f"Too many points ({len(columns[0].x):,}); this lab takes at most {MAX_POINTS}.")
    x = np.column_stack([columns[0].x, columns[1].x])
    return Points(x, columns[0].y, f"uploaded CSV ({len(x)} points)")


def check_targets(points: Points, loss: str) -> None:
    """Cross-entropy compares a probability with the target, so every target must lie in [0, 1]."""
    if loss != "cross_entropy":
        return
    outside = np.flatnonzero((points.t < 0) | (points.t > 1))
    if outside.size:
        row = int(outside[0])
        raise DataError(
            f"Cross-entropy needs targets between 0 and 1 (class labels), but point {row + 1} has "
            f"t = {number(points.t[row])}. Choose the squared loss, or relabel the data."
        )
