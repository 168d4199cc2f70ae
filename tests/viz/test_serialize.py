"""The figure serializer: the fast JSON path matches what plotly itself would write."""

from __future__ import annotations

import numpy as np
import pytest
from _plotly_utils.utils import to_typed_array_spec

from viz.serialize import typed_array
from viz.style import figure, trace


@pytest.mark.parametrize(
    "array",
    [
        np.arange(5),
        np.arange(5) * 100_000,
        np.array([2**40, 1]),
        np.arange(5, dtype=np.uint64) * 70_000,
        np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4),
        np.eye(3)[:, 1],  # not contiguous
        np.array([], dtype=float),
        np.array(["a", "b"], dtype=object),
    ],
)
def test_arrays_are_encoded_exactly_as_plotly_encodes_them(array):
    ours, plotlys = typed_array(array), to_typed_array_spec(array)
    if isinstance(plotlys, dict):
        assert ours == plotlys
    else:
        assert ours is array  # left for the JSON encoder, as plotly leaves it


def test_a_lazy_figure_is_a_real_figure_once_read():
    fig = figure([trace("scatter", x=np.array([0.0, 1.0]), y=[2, 3], name="f")], title="t")
    assert fig.to_dict()["data"][0]["x"] == {"dtype": "f8", "bdata": "AAAAAAAAAAAAAAAAAADwPw=="}
    assert fig.data[0].name == "f"  # validated on first read
    fig.update_layout(title_text="changed")
    assert fig.to_dict()["layout"]["title"]["text"] == "changed"
