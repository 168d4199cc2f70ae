"""Plotly charts that update in place: a small custom component applies each new figure with Plotly.react.

st.plotly_chart derives a chart's identity from its figure, so a rerun that changes the figure remounts
the chart: a new WebGL context, every shader compiled again and the camera reset, for each 3D scene on
every slider move. This component keeps one chart per key for the session and hands it the new figure.
plotly.js is the copy shipped inside the plotly package (so figures and renderer always match), served
by the app from static/ and loaded once per browser tab: the app keeps working offline.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

STATIC = Path(__file__).resolve().parents[1] / "static"  # served at app/static/ (server.enableStaticServing)
PLOTLY_JS = f"plotly-{plotly.__version__}.min.js"
COMPONENT = "gradient_lab.plotly_chart"

log = logging.getLogger("gradient_lab")

_mount = st.components.v2.component(
    COMPONENT, js=Path(__file__).with_name("plotly_chart.js").read_text(), isolate_styles=False
)


@functools.cache
def ensure_plotly_js() -> bool:
    """Copy the plotly package's plotly.min.js into static/ once per process (the name carries the version).

    False when that is impossible (a read-only checkout): the charts then fall back to st.plotly_chart.
    """
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    target = STATIC / PLOTLY_JS
    try:
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            STATIC.mkdir(exist_ok=True)
            shutil.copyfile(source, target)
    except OSError:
        log.warning("could not copy plotly.js to %s; charts will remount on every rerun", STATIC, exc_info=True)
        return False
    return True


def plotly_src() -> str:
    """The address of plotly.js on this server, under server.baseUrlPath when one is set."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/{PLOTLY_JS}" if base else f"/app/static/{PLOTLY_JS}"


def chart_payload(fig: go.Figure, config: dict, revision: str) -> bytes:
    """The bytes the component receives: JSON {src, config, revision, figure}, the figure serialized by plotly.

    plotly.io writes the figure with orjson when it is installed; splicing it in avoids parsing it back.
    """
    head = json.dumps({"src": plotly_src(), "config": config, "revision": revision})
    return f'{head[:-1]}, "figure": {pio.to_json(fig, validate=False)}}}'.encode()


def read_payload(payload: bytes) -> dict:
    """The inverse of chart_payload, for tests and the benchmark: {src, config, revision, figure}."""
    return json.loads(payload)


def plotly_chart(fig: go.Figure, key: str, config: dict) -> None:
    """Draw the figure in the chart kept under ``key``; zoom and camera survive updates (layout.uirevision)."""
    if ensure_plotly_js():
        _mount(data=chart_payload(fig, config, revision=key), key=key)
    else:
        st.plotly_chart(fig, key=key, config=config)
