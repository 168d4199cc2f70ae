"""Bounded caches at the boundary between the pages and core, keyed by plain values.

Every symbolic computation on a visitor's text runs in core's limited worker (core.worker) the first time a
formula is seen; the caches make each repeat free. A formula over the worker's limits raises WorkLimitError
(an ExpressionError), which the worker itself remembers, so a rerun fails at once instead of working again.
"""

from __future__ import annotations

import streamlit as st

from core import PRESETS, Function, TotalDerivative, parse, total_derivative, worker
from core.basins import BasinMap, basin_map
from core.grid import Domain, Grid, evaluate_grid, gradient_field
from core.parsing import Reading, read
from core.regression import Dataset, mse_loss
from core.steps import Step
from core.steps import derivation as derive
from core.tuning import Tuned, tune

# A stream of distinct formulas from strangers cannot grow memory without end: every cache has max_entries.
FUNCTIONS = 128
GRIDS = 64

# A Function is keyed by what identifies it (text, variables, expression), a dataset by its numbers.
BY_VALUE = {Function: lambda f: f.identity, Dataset: lambda d: (d.x.tobytes(), d.y.tobytes())}


@st.cache_data(max_entries=FUNCTIONS, show_spinner=False)
def reading(text: str) -> Reading:
    """How a formula's text was read (the expression and notes such as "'xy' read as x·y"), cached."""
    return worker.run(read, text, formula=text)


@st.cache_resource(max_entries=FUNCTIONS, show_spinner=False)
def function(
    text: str, variables: tuple[str, ...] | None = None, constants: tuple[tuple[str, float], ...] = ()
) -> Function:
    """parse() through a bounded cache: the parsed and differentiated function (compiled on first use)."""
    return parse(text, constants=dict(constants) or None, variables=variables)


@st.cache_data(max_entries=GRIDS, show_spinner=False, hash_funcs=BY_VALUE)
def grid(f: Function, domain: Domain, n: int = 61) -> Grid:
    """f on an n×n grid over the domain (cached by the function's identity and the domain)."""
    return evaluate_grid(f, domain, n)


@st.cache_data(max_entries=GRIDS, show_spinner=False, hash_funcs=BY_VALUE)
def field(f: Function, domain: Domain, n: int = 15) -> tuple:
    """∇f on a coarse n×n grid for the arrow field (cached)."""
    return gradient_field(f, domain, n)


@st.cache_resource(max_entries=FUNCTIONS, show_spinner=False, hash_funcs=BY_VALUE)
def total(f: Function, g_text: str) -> TotalDerivative:
    """Both sides of the chain rule along y = g(x) (worked out in the worker, cached)."""
    return total_derivative(f, g_text)


@st.cache_data(max_entries=GRIDS, show_spinner=False)
def basins(preset_key: str, optimizer: str, lr: float, steps: int, hyper: tuple, n: int) -> BasinMap:
    """Basin map of a preset for one optimizer setting (cached: the grid of runs is the page's heaviest work)."""
    preset = PRESETS[preset_key]
    f = function(preset.text)
    return basin_map(f, [m for m, _ in preset.minima], preset.domain, n, optimizer, lr, steps, **dict(hyper))


@st.cache_data(max_entries=GRIDS, show_spinner=False, hash_funcs=BY_VALUE)
def tuned(f: Function, start: tuple[float, ...], optimizer: str, steps: int, hyper: tuple = ()) -> Tuned:
    """The η of the learning-rate grid with the best final loss for this function, start and optimizer (cached:
    the grid is a batch of runs)."""
    return tune(f, start, optimizer, steps, **dict(hyper))


# A resource, not data: cache_data would unpickle the steps' sympy objects on every hit.
@st.cache_resource(max_entries=FUNCTIONS, show_spinner=False, hash_funcs=BY_VALUE)
def derivation(f: Function, var: str) -> list[Step]:
    """The named-rule steps of ∂f/∂var (worked out in the worker, cached)."""
    return derive(f.expr, var, formula=f.text)


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=BY_VALUE)
def mse(data: Dataset) -> Function:
    """The mean-squared-error loss of a dataset as a Function (cached by the data's numbers).

    Built here, not in the worker: its formula is ours (a quadratic in w1, w2), and only numbers come from the file.
    """
    return mse_loss(data)
