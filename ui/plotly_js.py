"""plotly.js for the browser: the plotly package's own copy, served from static/, and its preload.

Light on purpose (streamlit and the plotly package's version, no sympy, numpy or plotly's figure classes): the
entry script draws the preload before it imports the rest, so on a cold start the browser fetches, unpacks and
compiles the 4.8 MB script while the server is still importing and computing the first page.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

import plotly
import streamlit as st

STATIC = Path(__file__).resolve().parents[1] / "static"  # served at app/static/ (server.enableStaticServing)
PLOTLY_JS = f"plotly-{plotly.__version__}.min.js"
PLOTLY_JS_GZ = f"{PLOTLY_JS}.gz"

log = logging.getLogger("gradient_lab")

_preload = st.components.v2.component(
    "gradient_lab.plotly_preload",
    js="\n".join(Path(__file__).with_name(name).read_text() for name in ("plotly_load.js", "plotly_preload.js")),
    css=".st-key-gradient_lab-plotly_preload { display: none; }",  # it draws nothing: no gap in the sidebar either
    isolate_styles=False,
)
_checking = threading.Lock()


def ensure_plotly_js() -> bool:
    """Copy the plotly package's plotly.min.js into static/ once per process (the name carries the version),
    with a gzipped copy beside it.

    The server gzips every response of app/static/ again for each request: 4.8 MB of plotly.js cost about
    140 ms of server CPU per student (python -m bench.load). The copy gzipped once here is served as it is
    (application/gzip is never compressed again) and unpacked by the browser (plotly_load.js).
    False when static/ cannot be written (a read-only checkout): the charts then fall back to st.plotly_chart.
    A replica's first students arrive together: one of them checks the copy, the others wait for its answer.
    """
    with _checking:
        return _ensured()


@functools.cache
def _ensured() -> bool:
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


ensure_plotly_js.cache_clear = _ensured.cache_clear  # type: ignore[attr-defined]


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


def static_folder() -> str:
    """Where static/ is served on this server, under server.baseUrlPath when one is set."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static" if base else "/app/static"


def plotly_src() -> dict[str, str]:
    """Where plotly.js is on this server: {src, gz}, the plain file and its gzipped copy."""
    return {"src": f"{static_folder()}/{PLOTLY_JS}", "gz": f"{static_folder()}/{PLOTLY_JS_GZ}"}


def static_script(name: str, source: str) -> str | None:
    """``source`` written into static/ once, under a name that carries its content's digest (a browser may keep it
    for good); the address it is served at, or None when static/ cannot be written. Older versions go."""
    digest = hashlib.blake2b(source.encode(), digest_size=8).hexdigest()
    target = STATIC / f"gradient-lab-{name}-{digest}.js"
    try:
        if not target.exists() or target.read_text() != source:
            STATIC.mkdir(exist_ok=True)
            _write_atomically(target, source.encode())
        for old in STATIC.glob(f"gradient-lab-{name}-*.js"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        log.warning("could not write %s to %s; its script goes in every message", name, STATIC, exc_info=True)
        return None
    return f"{static_folder()}/{target.name}"


def preload_plotly() -> None:
    """Start loading plotly.js in the browser at the top of a run (ui/plotly_preload.js): on a cold start the
    browser fetches and compiles it while the server still imports and computes the page, not after the first
    chart."""
    if ensure_plotly_js():
        _preload(data=plotly_src(), key="gradient_lab.plotly_preload")
