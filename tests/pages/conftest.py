"""AppTest helpers: run a page through the real entry point (dashboard.py and its navigation)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from streamlit.testing.v1 import AppTest

from bench.apptest import charts, keep_the_page_around_parts, send_event  # noqa: F401 (the page tests' helpers)
from ui.chart import read_payload
from ui.view import PROJECTOR

keep_the_page_around_parts()  # the tree after a part reran alone is the whole page, as in the browser

ROOT = Path(__file__).resolve().parents[2]


def open_page(path: str, query: dict[str, str] | None = None, timeout: float = 60) -> AppTest:
    """Start a fresh session on dashboard.py with the given link parameters, then switch to the page."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(path).run()
    return at


def figures(at: AppTest) -> list[dict]:
    """The plotly figures the page sent, as JSON."""
    return [read_payload(element.proto.bytes)["figure"] for element in charts(at)]


def keyed_figure(at: AppTest, key: str) -> dict:
    """The figure of the chart drawn under ``key`` (tests pick a chart by its key, never by its place)."""
    matches = [read_payload(e.proto.bytes)["figure"] for e in charts(at) if e.proto.id.endswith(key)]
    assert len(matches) == 1, key
    return matches[0]


def trace(figure: dict, name: str) -> dict:
    """The trace of a figure with this name (tests pick traces by name, never by position)."""
    matches = [d for d in figure["data"] if d.get("name") == name]
    assert len(matches) == 1, (name, [d.get("name") for d in figure["data"]])
    return matches[0]


def texts(at: AppTest) -> str:
    """All text on the page that a student reads: markdown, LaTeX, metrics, tables, alerts, code."""
    parts = [m.value for m in at.markdown] + [m.value for m in at.latex] + [c.value for c in at.code]
    parts += [c.value for c in at.caption]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value for e in [*at.error, *at.warning, *at.info, *at.success]]
    parts += [str(t.proto) for t in at.get("table")]
    return "\n".join(str(p) for p in parts)


def metrics(at: AppTest) -> dict[str, str]:
    """The page's metrics, label -> shown value."""
    return {m.label: m.value for m in at.metric}


def opened(at: AppTest, key: str, language: str = "python") -> str:
    """Open the expander ``key`` that writes its code only while open ("Show the code", "LaTeX source"): the code
    in it."""
    at.session_state[key] = True
    at.run()
    shown = [c.value for c in at.code if c.language == language]
    assert len(shown) == 1, shown
    return shown[0]


def address(at: AppTest, slug: str, projector: bool = True) -> str:
    """The address bar of the view as ``/slug?query`` (the server writes it; the "Link to this view" box shows it,
    ui/link_box.js, tests/e2e), without lecture mode, theme and presenting view unless ``projector``."""
    query = {name: value for name, value in at.query_params.items() if projector or name not in PROJECTOR}
    return f"/{slug}" + (f"?{urlencode(query, doseq=True)}" if query else "")


def link_box(at: AppTest, slug: str) -> str:
    """The students' link in the "Link to this view" box of the page at ``/slug``: its address bar without the
    projector's choices."""
    boxes = [e for e in at.get("bidi_component") if e.proto.component_name == "gradient_lab.link_box"]
    assert len(boxes) == 1 and json.loads(boxes[0].proto.json)["projector"] == list(PROJECTOR)  # the box is drawn
    return address(at, slug, projector=False)


def assert_clean(at: AppTest) -> None:
    """No exception reached the page, and the entry point's last-resort guard did not fire."""
    assert not at.exception, [e.value for e in at.exception]
    assert not any("Something went wrong" in e.value for e in at.error), [e.value for e in at.error]


@pytest.fixture
def page_texts():
    return texts
