"""Linear regression ŷ = w1·x + w2 with the MSE loss: data, the loss, its exact minimum, and SGD in epochs."""

from __future__ import annotations

import csv
import re
from typing import Any, NamedTuple

import numpy as np
import sympy as sp

from core.descent import Trajectory, descend_with
from core.function import Function
from core.numbers import number

MAX_CSV_BYTES = 200_000
MAX_ROWS = 5_000
MIN_ROWS = 3
MAX_CELL = 40  # characters; a longer cell is not a number, and its echo stays short
MIN_SPREAD = 1e-9  # spread of x relative to its size below which the slope is not determined
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


def csv_rows(data: bytes) -> list[list[str]]:
    """The non-empty rows of an uploaded CSV file, or DataError saying why the bytes are not one."""
    if len(data) > MAX_CSV_BYTES:
        raise DataError(f"The file is too large ({len(data):,} bytes; at most {MAX_CSV_BYTES:,}).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError("The file is not UTF-8 text.") from error
    if "\x00" in text:
        raise DataError("The file is not a text CSV.")
    # splitlines reads \n, \r\n and old Mac \r line endings alike.
    try:
        rows = [row for row in csv.reader(text.splitlines()) if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise DataError(f"The file is not a readable CSV ({str(error)[:60]}).") from error
    if not rows:
        raise DataError("The file is empty.")
    return rows


def read_csv(data: bytes) -> Dataset:
    """Two numeric columns (x, y), an optional header row; anything else raises DataError with the reason."""
    rows = csv_rows(data)
    if not all(_NUMBER.match(cell) for cell in rows[0]):
        rows = rows[1:]  # a header row
    if len(rows) > MAX_ROWS:
        raise DataError(f"Too many rows ({len(rows):,}; at most {MAX_ROWS:,}).")
    if len(rows) < MIN_ROWS:
        raise DataError(f"Too few rows of data ({len(rows)}; at least {MIN_ROWS}).")
    values = []
    for line, row in enumerate(rows, start=1):  # not `number`: that is the formatter the messages below use
        if len(row) != 2:
            raise DataError(f"Row {line} has {len(row)} columns; the file needs exactly two numeric columns, x and y.")
        for cell in row:
            if len(cell) > MAX_CELL or not _NUMBER.match(cell):
                shown = cell.strip()[:20] + ("…" if len(cell.strip()) > 20 else "")
                raise DataError(f"Row {line} has a value that is not a number: {shown!r}.")
        values.append([float(cell) for cell in row])
    array = np.array(values)
    if not np.isfinite(array).all() or np.abs(array).max() > 1e6:
        raise DataError("Values must be finite numbers between −1e6 and 1e6.")
    x = array[:, 0]
    if np.ptp(x) == 0:
        raise DataError("All x values are equal, so the slope cannot be fitted.")
    if np.ptp(x) <= MIN_SPREAD * np.abs(x).max():
        raise DataError(
            f"The x values barely differ (spread {number(np.ptp(x), 3)} at size {number(np.abs(x).max(), 3)}), so the "
            "least-squares slope is not determined: the fit would be meaningless."
        )
    return Dataset(x, array[:, 1], f"uploaded CSV ({len(array)} rows)")


class ResidualLoss(Function):
    """The MSE as a Function whose values and gradients come from the residuals r_i = w1·x_i + w2 − y_i.

    Its sympy expression (for display and symbolic work) is the quadratic in w1, w2; numbers never come from
    it, as its expanded coefficients cancel near the minimum and lose digits (x in [1000, 1001]).
    """

    def __init__(self, data: Dataset) -> None:
        w1, w2 = sp.symbols("w1 w2", real=True)
        x, y = data.x, data.y
        coefficients = [np.mean(x * x), 2 * np.mean(x), 1.0, -2 * np.mean(x * y), -2 * np.mean(y), np.mean(y * y)]
        a, b, c, d, e, f = (sp.Float(float(v), 15) for v in coefficients)
        expr = a * w1**2 + b * w1 * w2 + c * w2**2 + d * w1 + e * w2 + f
        super().__init__("(1/N) Σ (w1·x_i + w2 − y_i)²", expr, (w1, w2))
        self.data = data

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuilt from the data, so a copy still computes from the residuals.
        return (ResidualLoss, (self.data,))

    def __call__(self, *values: object) -> float | np.ndarray:
        value, _ = self.value_and_grad(*values)
        return float(value) if np.ndim(value) == 0 else value

    def value_and_grad(self, *values: object) -> tuple[np.ndarray, np.ndarray]:
        """L = mean r², ∂L/∂w1 = 2·mean(r·x), ∂L/∂w2 = 2·mean(r), at every point of same-shape arrays."""
        if len(values) != 2:
            raise TypeError(f"L takes 2 values (w1, w2), got {len(values)}")
        arrays = [np.asarray(v, dtype=float) for v in values]
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        w1, w2 = (np.broadcast_to(a, shape).ravel() for a in arrays)
        value, grad = np.empty(w1.size), np.empty((2, w1.size))
        chunk = max(1, 2_000_000 // len(self.data.x))  # bounded memory for a grid of points
        for start in range(0, w1.size, chunk):
            part = slice(start, start + chunk)
            with np.errstate(all="ignore"):
                r = w1[part, None] * self.data.x + w2[part, None] - self.data.y
                value[part] = np.mean(r * r, axis=1)
                grad[0, part] = 2 * np.mean(r * self.data.x, axis=1)
                grad[1, part] = 2 * np.mean(r, axis=1)
        return value.reshape(shape), grad.reshape((2, *shape))


def mse_loss(data: Dataset) -> Function:
    """L(w1, w2) = (1/N) Σ (w1·x_i + w2 − y_i)², evaluated from the residuals."""
    return ResidualLoss(data)


def least_squares(data: Dataset) -> np.ndarray:
    """The exact minimiser (w1, w2) of the MSE: slope = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², line through (x̄, ȳ).

    Centring first keeps the digits that the normal equations in raw x would lose when x is far from 0.
    """
    xm, ym = np.mean(data.x), np.mean(data.y)
    dx = data.x - xm
    slope = np.sum(dx * (data.y - ym)) / np.sum(dx * dx)
    return np.array([slope, ym - slope * xm])


def residual_factor(row: tuple[float, ...], lr: float) -> float:
    """One example x with L(w) = (w·x − y)²: its gradient is 2r·x with the residual r = w·x − y, so a step of plain
    gradient descent, w ← w − η·2r·x, moves w along x and multiplies r by 1 − 2η|x|².

    >>> residual_factor((1.0, 2.0), 0.1), residual_factor((1.0, 2.0), 0.05), residual_factor((1.0, 2.0), 0.3)
    (0.0, 0.5, -2.0)
    """
    return 1.0 - 2.0 * lr * float(np.dot(row, row))


def residual_story(factor: float) -> str:
    """What the steps after the first do, from the factor each step multiplies the residual by (see above)."""
    if factor == 0:
        return (
            "the first step lands exactly on the line of zero loss, and every later step stays there: on that line "
            "∇L = 0."
        )
    if 0 < factor < 1:
        return (
            f"every step shrinks the residual to {number(factor)} of itself, keeping its sign: the weights glide "
            "toward the line of zero loss without crossing it, closer with every step, never quite on it."
        )
    if -1 < factor < 0:
        return (
            f"every step overshoots: the residual changes sign and shrinks to {number(-factor)} of its size, so the "
            "weights zigzag across the line of zero loss and settle on it."
        )
    if factor == -1:
        return "every step overshoots by exactly the residual: the weights jump across the line and back forever."
    if factor < -1:
        return (
            f"every step overshoots by more than it corrects: the residual changes sign and grows {number(-factor)}"
            "-fold, so descent diverges."
        )
    return "no step moves the weights: the learning rate is 0."


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


def steps_per_epoch(n: int, batch_size: int | None) -> int:
    """Mini-batches in one pass over n samples: ⌈n / B⌉ (one for the full batch)."""
    return 1 if batch_size is None or batch_size >= n else -(-n // batch_size)


def epoch_batches(n: int, batch_size: int, seed: int, epoch: int) -> list[np.ndarray]:
    """One epoch's mini-batches: a permutation of 0..n−1 drawn from (seed, epoch), cut into batches of B.

    Every sample is visited once per epoch and the last batch may be smaller, as with PyTorch's
    ``DataLoader(shuffle=True, drop_last=False)``.

    >>> [b.tolist() for b in epoch_batches(5, 2, seed=0, epoch=0)]
    [[2, 4], [3, 0], [1]]
    """
    order = np.random.default_rng([seed, epoch]).permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


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
    """Descent on the MSE: full batch, or mini-batches of ``batch_size`` rows in epochs (see ``epoch_batches``).

    Step k + 1 uses batch k of the sequence epoch 0, epoch 1, …; the recorded value at each point is the
    full-data loss, so the curves compare fairly.
    """
    n = len(data.x)
    per_epoch = steps_per_epoch(n, batch_size)
    epochs: dict[int, list[np.ndarray]] = {}

    def value_and_grad(w: np.ndarray, k: int) -> tuple[float, np.ndarray]:
        loss, grad = batch_gradient(data, w)
        if per_epoch > 1:
            epoch, index = divmod(k, per_epoch)
            if epoch not in epochs:
                epochs.clear()  # only the current epoch is kept
                epochs[epoch] = epoch_batches(n, int(batch_size), seed, epoch)  # type: ignore[arg-type]
            _, grad = batch_gradient(data, w, epochs[epoch][index])
        return loss, grad

    return descend_with(value_and_grad, np.asarray(start, dtype=float), optimizer, lr, steps, **hyper)


def compared_batch_sizes(n: int) -> tuple[int, int, None]:
    """The sizes the page compares: one sample, a middle size, and the full batch (None)."""
    return 1, min(8, max(2, n // 4)), None


def compare_batches(
    data: Dataset,
    start: tuple[float, float],
    epochs: int,
    optimizer: str = "gd",
    lr: float = 0.05,
    seed: int = 0,
    **hyper: Any,
) -> dict[str, tuple[Trajectory, int]]:
    """Each compared batch size run for the same number of epochs: label -> (trajectory, steps per epoch)."""
    n = len(data.x)
    runs = {}
    for size in compared_batch_sizes(n):
        per_epoch = steps_per_epoch(n, size)
        label = f"full batch ({n})" if size is None else f"batch size {size}"
        run = fit(data, start, optimizer, lr, epochs * per_epoch, batch_size=size, seed=seed, **hyper)
        runs[label] = (run, per_epoch)
    return runs
