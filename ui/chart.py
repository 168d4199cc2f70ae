"""Plotly charts that update in place: a small custom component applies each new figure with Plotly.react.

st.plotly_chart derives a chart's identity from its figure, so a rerun that changes the figure remounts
the chart: a new WebGL context, every shader compiled again and the camera reset, for each 3D scene on
every slider move. This component keeps one chart per key for the session and hands it the new figure.
plotly.js is the copy shipped inside the plotly package (so figures and renderer always match), served
by the app from static/ and loaded once per browser tab: the app keeps working offline.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from core.memo import once
from viz.describe import describe

STATIC = Path(__file__).resolve().parents[1] / "static"  # served at app/static/ (server.enableStaticServing)
PLOTLY_JS = f"plotly-{plotly.__version__}.min.js"
PLOTLY_JS_GZ = f"{PLOTLY_JS}.gz"
COMPONENT = "gradient_lab.plotly_chart"

log = logging.getLogger("gradient_lab")

# The component's script: the chart's accessibility (ui/a11y.js) and the live drag's math and overlay
# (ui/live_math.js, ui/live_drag.js) before the chart itself, which calls them; one module in the browser.
SCRIPTS = ("a11y.js", "live_math.js", "live_drag.js", "plotly_load.js", "plotly_chart.js")
_mount = st.components.v2.component(
    COMPONENT,
    js="\n".join(Path(__file__).with_name(name).read_text() for name in SCRIPTS),
    css=Path(__file__).with_name("a11y.css").read_text(),
    isolate_styles=False,
)
_preload = st.components.v2.component(
    "gradient_lab.plotly_preload",
    js="\n".join(Path(__file__).with_name(name).read_text() for name in ("plotly_load.js", "plotly_preload.js")),
    css=".st-key-gradient_lab-plotly_preload { display: none; }",  # it draws nothing: no gap in the sidebar either
    isolate_styles=False,
)
_frame = st.components.v2.component(
    "gradient_lab.chart_frame", js=Path(__file__).with_name("chart_frame.js").read_text(), isolate_styles=False
)


@once  # a replica's first students arrive together: one of them checks the copy, the others wait for it
def ensure_plotly_js() -> bool:
    """Copy the plotly package's plotly.min.js into static/ once per process (the name carries the version),
    with a gzipped copy beside it.

    The server gzips every response of app/static/ again for each request: 4.8 MB of plotly.js cost about
    140 ms of server CPU per student (python -m bench.load). The copy gzipped once here is served as it is
    (application/gzip is never compressed again) and unpacked by the browser (plotly_chart.js).
    False when static/ cannot be written (a read-only checkout): the charts then fall back to st.plotly_chart.
    """
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    target = STATIC / PLOTLY_JS
    packed = STATIC / PLOTLY_JS_GZ
    try:
        shipped = source.read_bytes()
        if not target.exists() or target.read_bytes() != shipped:
            STATIC.mkdir(exist_ok=True)
            _write_atomically(target, shipped)
        if not _unpacks_to(packed, shipped):
            _write_atomically(packed, gzip.compress(shipped, compresslevel=9, mtime=0))
    except OSError:
        log.warning("could not copy plotly.js to %s; charts will remount on every rerun", STATIC, exc_info=True)
        return False
    return True


def _unpacks_to(packed: Path, data: bytes) -> bool:
    try:
        return gzip.decompress(packed.read_bytes()) == data
    except (OSError, EOFError):  # missing, or not gzip (gzip.BadGzipFile is an OSError)
        return False


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it: replicas starting together on one checkout
    never serve a half-written file."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, path)


def plotly_src() -> dict[str, str]:
    """Where plotly.js is on this server, under server.baseUrlPath when one is set: {src, gz}, the plain file and
    its gzipped copy."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    folder = f"/{base}/app/static" if base else "/app/static"
    return {"src": f"{folder}/{PLOTLY_JS}", "gz": f"{folder}/{PLOTLY_JS_GZ}"}


def chart_payload(
    fig: go.Figure | dict,
    config: dict,
    revision: str,
    pick: Sequence[str] = (),
    live: dict | None = None,
    a11y: dict | None = None,
) -> bytes:
    """The bytes the component receives: JSON {src, gz, config, revision, pick, live, a11y, figure}, the figure
    serialized by plotly; src and gz are plotly.js and its gzipped copy.

    ``pick`` names the subplots ("xy", "scene") where a click or a dragged handle is sent back as a ``pick`` event.
    ``live`` is the map's live-drag spec (ui.live), or None; ``a11y`` the chart's name, description, sound and
    keys (ui/a11y.js).
    plotly.io writes the figure with orjson when it is installed; splicing it in avoids parsing it back.
    """
    head = {**plotly_src(), "config": config, "revision": revision, "pick": list(pick), "live": live, "a11y": a11y}
    head = json.dumps(head)
    return f'{head[:-1]}, "figure": {pio.to_json(fig, validate=False)}}}'.encode()


def read_payload(payload: bytes) -> dict:
    """The inverse of chart_payload, for tests and the benchmark: {src, gz, config, revision, pick, live, a11y,
    figure}."""
    return json.loads(payload)


def plotly_chart(
    fig: go.Figure,
    key: str,
    config: dict,
    on_pick: Callable[[dict], None] | None = None,
    pick: Sequence[str] = ("xy", "scene"),
    on_step: Callable[[int], None] | None = None,
    live: dict | None = None,
    subject: str = "",
    whole_page: bool = True,
) -> None:
    """Draw the figure in the chart kept under ``key``; zoom and camera survive updates (layout.uirevision).

    The chart sends events back (see plotly_chart.js): ``on_pick({"x", "y", "via"})`` after a click on a subplot
    named in ``pick``, a dragged handle shape or an arrow key; ``on_step(frame)`` when the student moves the
    figure's own step slider (never during playback). Both run as callbacks, before the page's next run draws its
    controls. With a ``live`` spec (ui.live) a drag of the point is previewed in the browser on every animation
    frame and picked once, on release (ui/live_drag.js). The chart's accessible name and description are read
    from the figure (viz.describe; ``subject`` names the function drawn); an ``on_pick`` with a ``keys()`` method
    (ui.widgets.pick_handler) lets the arrow keys move its point. An event reruns the whole page; with
    ``whole_page=False``, whose handler changes only what the fragment drawing the chart reads (a live class's
    answer), that fragment reruns alone, as the browser asks.
    """
    if not ensure_plotly_js():
        st.plotly_chart(fig, key=key, config=config)
        return
    callbacks = {}
    if on_pick is not None:
        callbacks["on_pick_change"] = functools.partial(_deliver, key, "pick", on_pick, whole_page)
        if live is None:  # plotly.js drags the handle ring (viz.handles); with a live spec, ui/live_drag.js does
            config = {**config, "edits": {"shapePosition": True}}
    if on_step is not None:
        callbacks["on_step_change"] = functools.partial(_deliver, key, "step", on_step, whole_page)
    live = live if on_pick is not None else None
    spec = fig.to_dict()  # once: described here, serialized in chart_payload
    a11y = _described(spec, subject, key)
    if on_pick is not None and hasattr(on_pick, "keys"):
        a11y["keys"] = on_pick.keys()
    pick = pick if on_pick is not None else ()
    payload = chart_payload(spec, config, revision=key, pick=pick, live=live, a11y=a11y)
    _mount(data=payload, key=key, **callbacks)


def _described(spec: dict, subject: str, key: str) -> dict:
    """The chart's name, description and sound (viz.describe). Words are an aid to the chart, never a reason to
    lose it: a figure the describer cannot read is named by its key and logged."""
    try:
        return describe(spec, subject).payload()
    except Exception:  # whatever fails here, the chart itself is drawn
        log.exception("could not describe the chart %s", key)
        return {"name": f"A chart ({key})", "description": "No description available.", "sound": None}


def _deliver(key: str, event: str, handler: Callable[[Any], None], whole_page: bool = True) -> None:
    """Hand a chart's event to its handler; a malformed event (not from our own script) is dropped."""
    value = (st.session_state.get(key) or {}).get(event)
    if event == "pick":
        ok = isinstance(value, dict) and all(_number(value.get(axis)) for axis in ("x", "y"))
    else:
        ok = _number(value) and isinstance(value, int) and value >= 0
    if ok:
        handler(value)
        # What a chart's event sets (the point, the start, the step) is read all over the page: the whole page
        # reruns, also for a chart in a part of the page that would rerun alone (ui.parts).
        if whole_page:
            st.rerun()


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def preload_plotly() -> None:
    """Start loading plotly.js in the browser at the top of a run (ui/plotly_preload.js): on a cold start the
    browser fetches and compiles it while the server still computes the page, not after the first chart."""
    if ensure_plotly_js():
        _preload(data=plotly_src(), key="gradient_lab.plotly_preload")


def show_frame(key: str, frame: int) -> None:
    """Turn the animated chart under ``key`` to its frame ``frame`` in the browser, without sending the figure
    again (a small element of its own; the chart turns once it is drawn)."""
    if ensure_plotly_js():
        _frame(data={"chart": key, "frame": int(frame)}, key=f"{key}.frame")
