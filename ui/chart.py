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
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from ui.plotly_js import ensure_plotly_js, plotly_src, static_script
from viz.describe import describe

COMPONENT = "gradient_lab.plotly_chart"

log = logging.getLogger("gradient_lab")

# The component's script: the chart's accessibility (ui/a11y.js) and the live drag's math and overlay
# (ui/live_math.js, ui/live_drag.js) before the chart itself, which calls them; one module in the browser.
SCRIPTS = ("a11y.js", "live_math.js", "live_drag.js", "plotly_load.js", "plotly_chart.js")


def script(names: Sequence[str] = SCRIPTS) -> str:
    """The component's script as its messages carry it: a loader of the script served from static/
    (ui/script_loader.js), or, where static/ cannot be written, the script itself."""
    source = "\n".join(Path(__file__).with_name(name).read_text() for name in names)
    address = static_script("chart", source)
    if address is None:
        return source
    return f"const SOURCE = {json.dumps(address)};\n" + Path(__file__).with_name("script_loader.js").read_text()


_mount = st.components.v2.component(
    COMPONENT,
    js=script(),
    css=Path(__file__).with_name("a11y.css").read_text(),
    isolate_styles=False,
)
_frame = st.components.v2.component(
    "gradient_lab.chart_frame", js=Path(__file__).with_name("chart_frame.js").read_text(), isolate_styles=False
)


def chart_payload(
    fig: go.Figure | dict,
    config: dict,
    revision: str,
    pick: Sequence[str] = (),
    live: dict | None = None,
    a11y: dict | None = None,
    export: str | None = None,
) -> bytes:
    """The bytes the component receives: JSON {src, gz, config, revision, pick, live, a11y, export, figure}, where
    src and gz are plotly.js and its gzipped copy.

    ``pick`` names the subplots ("xy", "scene") where a click or a dragged handle is sent back as a ``pick`` event.
    ``live`` is the map's live-drag spec (ui.live), or None; ``a11y`` the chart's name, description, sound and
    keys (ui/a11y.js); ``export`` the file name of the chart's "Figure as HTML" download, or None for none.
    """
    head = {**plotly_src(), "config": config, "revision": revision, "pick": list(pick), "live": live, "a11y": a11y}
    head["export"] = export
    spec = fig if isinstance(fig, dict) else fig.to_dict()
    # One orjson pass (plotly.io's own writer, without its escaping of "<", ">" and "/" for HTML, which JSON.parse
    # does not need: a third of its time on a playback's frames); plotly.io for what orjson cannot write.
    try:
        return orjson.dumps({**head, "figure": spec}, option=JSON_OPTIONS)
    except TypeError:
        figure = orjson.loads(pio.to_json(spec, validate=False))
        return orjson.dumps({**head, "figure": figure}, option=JSON_OPTIONS)


JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS  # as plotly.io writes a figure with orjson


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
    export: str | None = None,
) -> None:
    """Draw the figure in the chart kept under ``key``; zoom and camera survive updates (layout.uirevision).

    The chart sends events back (see plotly_chart.js): ``on_pick({"x", "y", "via"})`` after a click on a subplot
    named in ``pick``, a dragged handle shape or an arrow key; ``on_step(frame)`` when the student moves the
    figure's own step slider (never during playback). Both run as callbacks, before the page's next run draws its
    controls. With a ``live`` spec (ui.live) a drag of the point is previewed in the browser on every animation
    frame and picked once, on release (ui/live_drag.js). The chart's accessible name and description are read
    from the figure (viz.describe; ``subject`` names the function drawn); an ``on_pick`` with a ``keys()`` method
    (ui.widgets.pick_handler) lets the arrow keys move its point. An event reruns the whole page, or what a
    handler's ``rerun()`` reruns (ui.parts.rerun_after_pick); with ``whole_page=False``, whose handler changes
    only what the fragment drawing the chart reads (a live class's answer), that fragment reruns alone, as the
    browser asks. ``export`` names the file of the "Figure as HTML" button the browser draws under the chart.
    """
    if not ensure_plotly_js():  # a read-only checkout: Streamlit's own chart (without the HTML export)
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
    payload = chart_payload(spec, config, revision=key, pick=pick, live=live, a11y=a11y, export=export)
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
        # reruns, also for a chart in a part of the page that would rerun alone (ui.parts), unless the handler
        # names what it changes (P's sliders drawn by the body: the body alone).
        if whole_page:
            getattr(handler, "rerun", st.rerun)()


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def show_frame(key: str, frame: int) -> None:
    """Turn the animated chart under ``key`` to its frame ``frame`` in the browser, without sending the figure
    again (a small element of its own; the chart turns once it is drawn)."""
    if ensure_plotly_js():
        _frame(data={"chart": key, "frame": int(frame)}, key=f"{key}.frame")
