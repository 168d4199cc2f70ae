"""Bounded caches at the boundary between the pages and core, keyed by plain values and bounded by bytes.

Every symbolic computation on a visitor's text runs in core's limited worker (core.worker) the first time a
formula is seen; the caches make each repeat free. A formula over the worker's limits raises WorkLimitError
(an ExpressionError), which the worker itself remembers, so a rerun fails at once instead of working again.

The caches are shared by every session of the process, like ``st.cache_resource``, but each is bounded by the
bytes its values hold (core.memo), not by their count: one heavy formula's results weigh hundreds of times an
ordinary one's. Arrays handed out are read-only, since every session receives the same object.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from core import PRESETS, Function, TotalDerivative, Trajectory, descend, parse, total_derivative, worker
from core.basins import BasinMap, basin_map
from core.function import parse_here
from core.grid import Domain, Grid, evaluate_grid, gradient_field
from core.memo import Memo
from core.parsing import Reading, read
from core.regression import Dataset, compare_batches, mse_loss
from core.regression import fit as fit_line
from core.steps import Step
from core.steps import derivation as derive
from core.tuning import Tuned, tune

MB = 1_000_000
# Bytes each cache may hold: with the worker's (core.function's Hessians 24 MB, LaTeX 8 MB) about 110 MB in all,
# so the server, its workers and their caches stay inside the 690 MB a class shares.
FUNCTIONS = Memo(24 * MB)
GRIDS = Memo(16 * MB)
RUNS = Memo(16 * MB)
SYMBOLIC = Memo(8 * MB)  # readings, total derivatives, derivation steps
BASINS = Memo(8 * MB)


def frozen(value: Any) -> Any:
    """The value with every array in it (at any depth of tuples) made read-only, so a shared one stays as cached."""
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, tuple):
        for part in value:
            frozen(part)
    return value


def reading(text: str) -> Reading:
    """How a formula's text was read (the expression and notes such as "'xy' read as x·y"), cached."""
    return SYMBOLIC.get(("reading", text), lambda: worker.run(read, text, formula=text))


# The presets' formulas are our own text: parsed in this process, so a cold server's first page does not wait for
# the symbolic worker to start (a second or more of a cold start on a busy machine). A visitor's text never is.
OWN_FORMULAS = frozenset(preset.text for preset in PRESETS.values())


def function(
    text: str, variables: tuple[str, ...] | None = None, constants: tuple[tuple[str, float], ...] = ()
) -> Function:
    """parse() through a bounded cache: the parsed and differentiated function (compiled on first use)."""
    key = (text, variables, constants)
    parsing = parse_here if text in OWN_FORMULAS else parse
    return FUNCTIONS.get(key, lambda: parsing(text, constants=dict(constants) or None, variables=variables))


def printed(f: Function) -> str:
    """``str(f.expr)``, kept: sympy prints the expression afresh on every call (a millisecond for a preset, more for
    a long formula), and the descent page's recording titles and every chart's accessible name ask on each rerun."""
    return SYMBOLIC.get(("printed", f.identity), lambda: str(f.expr))


def grid(f: Function, domain: Domain, n: int = 61) -> Grid:
    """f on an n×n grid over the domain (cached by the function's identity and the domain)."""
    return GRIDS.get(("grid", f.identity, domain, n), lambda: frozen(evaluate_grid(f, domain, n)))


def field(f: Function, domain: Domain, n: int = 15) -> tuple:
    """∇f on a coarse n×n grid for the arrow field (cached)."""
    return GRIDS.get(("field", f.identity, domain, n), lambda: frozen(gradient_field(f, domain, n)))


def total(f: Function, g_text: str) -> TotalDerivative:
    """Both sides of the chain rule along y = g(x) (worked out in the worker, cached)."""
    return SYMBOLIC.get(("total", f.identity, g_text), lambda: total_derivative(f, g_text))


def basins(preset_key: str, optimizer: str, lr: float, steps: int, hyper: tuple, n: int) -> BasinMap:
    """Basin map of a preset for one optimizer setting (cached: the grid of runs is the page's heaviest work)."""
    preset = PRESETS[preset_key]

    def compute() -> BasinMap:
        f = function(preset.text)
        minima = [m for m, _ in preset.minima]
        return frozen(basin_map(f, minima, preset.domain, n, optimizer, lr, steps, **dict(hyper)))

    return BASINS.get((preset_key, optimizer, lr, steps, hyper, n), compute)


def derivation(f: Function, var: str) -> list[Step]:
    """The named-rule steps of ∂f/∂var (worked out in the worker, cached)."""
    return SYMBOLIC.get(("steps", f.identity, var), lambda: derive(f.expr, var, formula=f.text))


def mse(data: Dataset) -> Function:
    """The mean-squared-error loss of a dataset as a Function (cached by the data's numbers).

    Built here, not in the worker: its formula is ours (a quadratic in w1, w2), and only numbers come from the file.
    """
    return FUNCTIONS.get(("mse", data.x.tobytes(), data.y.tobytes()), lambda: mse_loss(data))


def run(f: Function, start: Sequence[float], optimizer: str, lr: float, steps: int, **hyper: Any) -> Trajectory:
    """``descend`` through a bounded cache: a rerun of the same view (a slider elsewhere, a tab) costs nothing."""
    # A schedule's parameters come as a dict: keyed by their sorted items.
    settings = tuple(sorted((k, tuple(sorted(v.items())) if isinstance(v, Mapping) else v) for k, v in hyper.items()))
    key = (f.identity, tuple(float(v) for v in start), optimizer, float(lr), int(steps), settings)
    return RUNS.get(key, lambda: frozen(descend(f, start, optimizer=optimizer, lr=lr, steps=steps, **hyper)))


def fit(
    data: Dataset,
    start: Sequence[float],
    optimizer: str,
    lr: float,
    steps: int,
    batch_size: int | None,
    seed: int,
    hyper: Mapping[str, Any],
) -> Trajectory:
    """``core.regression.fit`` through the bounded runs cache: the steps slider moved back, or a rerun of the same
    view, costs nothing."""
    start = tuple(float(v) for v in start)
    key = ("fit", data.x.tobytes(), data.y.tobytes(), start, optimizer, lr, int(steps), batch_size, seed)
    key += (tuple(sorted(hyper.items())),)

    def made() -> Trajectory:
        run = fit_line(data, start, optimizer, lr, steps, batch_size=batch_size, seed=seed, **hyper)
        return frozen(run)

    return RUNS.get(key, made)


def batches(
    data: Dataset, start: Sequence[float], epochs: int, optimizer: str, lr: float, seed: int, hyper: Mapping[str, Any]
) -> dict[str, tuple[Trajectory, Any]]:
    """``compare_batches`` (batch size 1, a middle size, the full batch) through the bounded runs cache."""
    start = tuple(float(v) for v in start)
    key = (
        "batches",
        data.x.tobytes(),
        data.y.tobytes(),
        start,
        epochs,
        optimizer,
        lr,
        seed,
        tuple(sorted(hyper.items())),
    )

    def made() -> tuple:
        runs = compare_batches(data, start, epochs, optimizer=optimizer, lr=lr, seed=seed, **hyper)
        return frozen(tuple(runs.items()))

    return dict(RUNS.get(key, made))


def tuned(f: Function, start: Sequence[float], optimizer: str, steps: int, hyper: tuple = ()) -> Tuned:
    """The η of the learning-rate grid with the best final loss for this function, start and optimizer (cached:
    the grid is a batch of runs; what it keeps is a few numbers)."""
    key = ("tuned", f.identity, tuple(float(v) for v in start), optimizer, int(steps), hyper)
    return RUNS.get(key, lambda: tune(f, start, optimizer, steps, **dict(hyper)))
