"""Bounded caches at the boundary between the pages and core, keyed by plain values."""

from __future__ import annotations

import streamlit as st

from core import PRESETS, Function, TotalDerivative, parse, total_derivative
from core.basins import BasinMap, basin_map
from core.grid import Domain, Grid, evaluate_grid, gradient_field
from core.parsing import Reading, read
from core.regression import Dataset, mse_loss
from core.steps import Step
from core.steps import derivation as derive

# A stream of distinct formulas from strangers cannot grow memory without end: every cache has max_entries.
FUNCTIONS = 128
GRIDS = 64


@st.cache_data(max_entries=FUNCTIONS, show_spinner=False)
def reading(text: str) -> Reading:
    """How a formula's text was read (the expression and notes such as "'xy' read as x·y"), cached."""
    return read(text)


@st.cache_resource(max_entries=FUNCTIONS, show_spinner=False)
def function(
    text: str, variables: tuple[str, ...] | None = None, constants: tuple[tuple[str, float], ...] = ()
) -> Function:
    """parse() through a bounded cache: the parsed, differentiated and lambdified function."""
    return parse(text, constants=dict(constants) or None, variables=variables)


def _key(f: Function) -> tuple[str, tuple[str, ...], str]:
    return f.identity


@st.cache_data(max_entries=GRIDS, show_spinner=False)
def _grid(key: tuple, domain: Domain, n: int, _f: Function) -> Grid:
    return evaluate_grid(_f, domain, n)


def grid(f: Function, domain: Domain, n: int = 61) -> Grid:
    """f on an n×n grid over the domain (cached by the function's text and the domain)."""
    return _grid(_key(f), tuple(map(tuple, domain)), n, f)


@st.cache_data(max_entries=GRIDS, show_spinner=False)
def _field(key: tuple, domain: Domain, n: int, _f: Function) -> tuple:
    return gradient_field(_f, domain, n)


def field(f: Function, domain: Domain, n: int = 15) -> tuple:
    """∇f on a coarse n×n grid for the arrow field (cached)."""
    return _field(_key(f), tuple(map(tuple, domain)), n, f)


@st.cache_resource(max_entries=FUNCTIONS, show_spinner=False)
def _total(key: tuple, g_text: str, _f: Function) -> TotalDerivative:
    return total_derivative(_f, g_text)


def total(f: Function, g_text: str) -> TotalDerivative:
    """Both sides of the chain rule along y = g(x) (cached)."""
    return _total(_key(f), g_text, f)


@st.cache_data(max_entries=GRIDS, show_spinner=False)
def basins(preset_key: str, optimizer: str, lr: float, steps: int, hyper: tuple, n: int) -> BasinMap:
    """Basin map of a preset for one optimizer setting (cached: the grid of runs is the page's heaviest work)."""
    preset = PRESETS[preset_key]
    f = function(preset.text)
    return basin_map(f, [m for m, _ in preset.minima], preset.domain, n, optimizer, lr, steps, **dict(hyper))


@st.cache_resource(max_entries=FUNCTIONS, show_spinner=False)
def _derivation(key: tuple, var: str, _f: Function) -> list[Step]:
    return derive(_f.expr, var)


def derivation(f: Function, var: str) -> list[Step]:
    """The named-rule steps of ∂f/∂var (cached)."""
    return _derivation(_key(f), var, f)


@st.cache_resource(max_entries=16, show_spinner=False)
def _mse(key: tuple, _data: Dataset) -> Function:
    return mse_loss(_data)


def mse(data: Dataset) -> Function:
    """The mean-squared-error loss of a dataset as a Function (cached by the data's bytes)."""
    return _mse((data.x.tobytes(), data.y.tobytes()), data)
