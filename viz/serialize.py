"""Figures to JSON fast: a go.Figure kept as plain dicts, numpy arrays sent as plotly.js typed arrays."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import plotly.graph_objects as go


def merged(base: dict, extra: dict) -> dict:
    """``base`` updated by ``extra``, nested dicts merged key by key."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


class LazyFigure(go.Figure):
    """A go.Figure kept as the plain dicts it was built from until something reads it as objects.

    plotly validates a figure property by property — for a page's figures that costs more than computing
    them (tens of milliseconds a rerun). The charts only need the JSON, so ``to_dict()`` (what the chart
    component, st.plotly_chart and the HTML export call) emits the dicts directly, numpy arrays encoded as
    plotly's typed arrays. Anything else — ``.data``, ``.layout``, ``.frames``, ``update_layout`` — first
    builds and validates the real figure, so the object behaves like any other go.Figure; the tests compare
    both paths for every figure builder.
    """

    def __init__(self, data: list[dict], layout: dict, frames: list[dict] | None = None, controls: dict | None = None):
        # go.Figure.__init__ is deferred: until then, reading any of its attributes lands in __getattr__.
        object.__setattr__(self, "_raw", (data, layout, frames, controls))

    def _materialize(self) -> None:
        data, layout, frames, controls = self.__dict__.pop("_raw")
        go.Figure.__init__(self, data=data, layout=merged(layout, controls or {}), frames=frames)

    def __getattr__(self, name: str) -> Any:
        if "_raw" not in self.__dict__ or name.startswith("__"):
            raise AttributeError(name)
        self._materialize()
        return getattr(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if "_raw" in self.__dict__:
            self._materialize()
        super().__setattr__(name, value)

    def to_dict(self) -> dict:
        if "_raw" not in self.__dict__:
            return super().to_dict()
        data, layout, frames, controls = self._raw
        # Playback frames and their controls go out as built: hundreds of small dicts of plain floats and
        # strings (see viz.style.short), with nothing to encode or drop.
        out = {"data": [plain(t) for t in data], "layout": {**plain(layout), **(controls or {})}}
        if frames:
            out["frames"] = frames
        return out

    def to_plotly_json(self) -> dict:
        return self.to_dict()


def plain(value: Any, key: str | None = None) -> Any:
    """A figure part as JSON-ready values: numpy arrays as plotly.js typed arrays (as plotly's to_dict writes
    them); None in a dict means unset and is dropped."""
    if isinstance(value, dict):
        return {k: plain(v, k) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        # A list of numbers or strings goes out as it is; only lists of parts (traces, axes, frames) are walked.
        if not value or not isinstance(value[0], CONTAINERS):
            return value
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value if key in UNENCODED else typed_array(value)
    return value


CONTAINERS = (dict, list, tuple, np.ndarray)
SHORT_TYPES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4"}
SHORT_TYPES |= {"float32": "f4", "float64": "f8"}
NARROWER = {np.dtype(np.int64): (np.int8, np.int16, np.int32), np.dtype(np.uint64): (np.uint8, np.uint16, np.uint32)}


def typed_array(v: np.ndarray) -> dict | np.ndarray:
    """A numpy array as a plotly.js typed array {dtype, bdata, shape}, exactly as plotly's to_dict encodes it
    (64-bit integers narrowed to the smallest type that holds them); other arrays are left for the JSON encoder.

    plotly's own to_typed_array_spec first probes every array for a dataframe (about 0.15 ms each).
    """
    if v.size == 0:
        return v
    for wide, narrows in NARROWER.items():
        if v.dtype == wide:
            low, high = v.min(), v.max()
            v = next((v.astype(t) for t in narrows if np.iinfo(t).min <= low and high <= np.iinfo(t).max), v)
    short = SHORT_TYPES.get(str(v.dtype))
    if short is None:
        return v
    out = {"dtype": short, "bdata": base64.b64encode(np.ascontiguousarray(v)).decode("ascii")}
    if v.ndim > 1:
        out["shape"] = str(v.shape)[1:-1]
    return out


UNENCODED = {"geojson", "layer", "layers", "range"}  # plotly leaves these as they are (is_skipped_key)
