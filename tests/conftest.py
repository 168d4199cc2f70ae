"""Checks that hold in every test."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from plotly.io.json import to_json_plotly

from viz import serialize


def canonical(part: object) -> str:
    """JSON as plotly writes it for the browser, keys sorted."""
    return json.dumps(json.loads(to_json_plotly(part)), sort_keys=True)


@pytest.fixture(autouse=True)
def figures_send_what_plotly_would_validate(monkeypatch):
    """Every figure built during a test sends exactly the JSON that plotly's validated figure would.

    LazyFigure skips plotly's property-by-property validation on the way to the browser; this compares its
    fast output with the validated figure's for every figure any test builds (pages included).
    """
    mismatches: list[str] = []
    build = serialize.LazyFigure.__init__

    def checked(self, data, layout, frames=None, controls=None):
        build(self, data, layout, frames=frames, controls=controls)
        fast = self.to_dict()
        slow = go.Figure(data=data, layout=serialize.merged(layout, controls or {}), frames=frames).to_dict()
        for part in ("data", "layout", "frames"):
            if canonical(fast.get(part)) != canonical(slow.get(part)):
                mismatches.append(f"{part} of a figure titled {fast['layout'].get('title')}")

    monkeypatch.setattr(serialize.LazyFigure, "__init__", checked)
    yield
    assert not mismatches, mismatches
