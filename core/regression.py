"""Linear regression ŷ = w1·x + w2 with the mean-squared-error loss: data, the loss, its exact minimum, SGD."""

from __future__ import annotations

import csv
import io
import re
from typing import Any, NamedTuple

import numpy as np
import sympy as sp

from core.descent import Trajectory, descend_with
from core.function import Function

MAX_CSV_BYTES = 200_000
MAX_ROWS = 5_000
MIN_ROWS = 3
_NUMBER = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d{1,3})?\s*\Z")


class DataError(ValueError):
    """A dataset that cannot be used, with the reason."""


class Dataset(NamedTuple):
    x: np.ndarray
    y: np.ndarray
    source: str


def make_dataset(n: int = 40, slope: float = 2.0, intercept: float = 1.0, noise: float = 1.0, seed: int = 0) -> Dataset:
    """y = slope·x + intercept + Gaussian noise at n points x in [−3, 3], reproducible from the seed."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3.0, 3.0, n))
    y = slope * x + intercept + rng.normal(0.0, noise, n)
    return Dataset(x, y, f"generated: y = {slope}·x + {intercept} + noise (seed {seed})")


def read_csv(data: bytes) -> Dataset:
    """Two numeric columns (x, y), an optional header row; anything else raises DataError with the reason."""
    if len(data) > MAX_CSV_BYTES:
        raise DataError(f"The file is too large ({len(data):,} bytes; at most {MAX_CSV_BYTES:,}).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError("The file is not UTF-8 text.") from error
    if "\x00" in text:
        raise DataError("The file is not a text CSV.")
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise DataError("The file is empty.")
    if not all(_NUMBER.match(cell) for cell in rows[0]):
        rows = rows[1:]  # a header row
    if len(rows) > MAX_ROWS:
        raise DataError(f"Too many rows ({len(rows):,}; at most {MAX_ROWS:,}).")
    if len(rows) < MIN_ROWS:
        raise DataError(f"Too few rows of data ({len(rows)}; at least {MIN_ROWS}).")
    values = []
    for number, row in enumerate(rows, start=1):
        if len(row) != 2:
            raise DataError(
                f"Row {number} has {len(row)} columns; the file needs exactly two numeric columns, x and y."
            )
        for cell in row:
            if not _NUMBER.match(cell):
                raise DataError(f"Row {number} has a value that is not a number: {cell.strip()[:20]!r}.")
        values.append([float(cell) for cell in row])
    array = np.array(values)
    if not np.isfinite(array).all() or np.abs(array).max() > 1e6:
        raise DataError("Values must be finite numbers between −1e6 and 1e6.")
    if np.ptp(array[:, 0]) == 0:
        raise DataError("All x values are equal, so the slope cannot be fitted.")
    return Dataset(array[:, 0], array[:, 1], f"uploaded CSV ({len(array)} rows)")


def mse_loss(data: Dataset) -> Function:
    """L(w1, w2) = (1/N) Σ (w1·x_i + w2 − y_i)², as a quadratic in w1, w2 with the data's moments as coefficients."""
    w1, w2 = sp.symbols("w1 w2", real=True)
    x, y = data.x, data.y
    coefficients = [np.mean(x * x), 2 * np.mean(x), 1.0, -2 * np.mean(x * y), -2 * np.mean(y), np.mean(y * y)]
    a, b, c, d, e, f = (sp.Float(float(v), 15) for v in coefficients)
    expr = a * w1**2 + b * w1 * w2 + c * w2**2 + d * w1 + e * w2 + f
    return Function("(1/N) Σ (w1·x_i + w2 − y_i)²", expr, (w1, w2))


def least_squares(data: Dataset) -> np.ndarray:
    """The exact minimiser (w1, w2) of the MSE: the solution of the normal equations."""
    design = np.column_stack([data.x, np.ones_like(data.x)])
    solution, *_ = np.linalg.lstsq(design, data.y, rcond=None)
    return solution


def loss_domain(target: np.ndarray, start: tuple[float, float] = (0.0, 0.0)) -> tuple[tuple[float, float], ...]:
    """A (w1, w2) window holding the start and the least-squares target with a margin, for the loss map."""
    (x0, x1), (y0, y1) = sorted([start[0], float(target[0])]), sorted([start[1], float(target[1])])
    pad = max(x1 - x0, y1 - y0, 1.0) * 0.6
    return ((x0 - pad, x1 + pad), (y0 - pad, y1 + pad))


def batch_gradient(data: Dataset, w: np.ndarray, rows: np.ndarray | slice = slice(None)) -> tuple[float, np.ndarray]:
    """(L, ∇L) over the chosen rows: ∂L/∂w1 = (2/B) Σ r_i·x_i, ∂L/∂w2 = (2/B) Σ r_i with r_i = w1·x_i + w2 − y_i."""
    x, y = data.x[rows], data.y[rows]
    with np.errstate(all="ignore"):
        residual = w[0] * x + w[1] - y
        return float(np.mean(residual**2)), np.array([2 * np.mean(residual * x), 2 * np.mean(residual)])


def fit(
    data: Dataset,
    start: tuple[float, float],
    optimizer: str = "gd",
    lr: float = 0.05,
    steps: int = 100,
    batch_size: int | None = None,
    seed: int = 0,
    **hyper: Any,
) -> Trajectory:
    """Descent on the MSE: full batch, or mini-batches of ``batch_size`` rows drawn afresh (seeded) at every step.

    The recorded value at each point is the full-data loss, so the curves compare fairly.
    """
    n = len(data.x)
    rng = np.random.default_rng(seed)
    full = batch_size is None or batch_size >= n

    def value_and_grad(w: np.ndarray, k: int) -> tuple[float, np.ndarray]:
        loss, grad = batch_gradient(data, w)
        if not full:
            _, grad = batch_gradient(data, w, rng.choice(n, size=batch_size, replace=False))
        return loss, grad

    return descend_with(value_and_grad, np.asarray(start, dtype=float), optimizer, lr, steps, **hyper)
