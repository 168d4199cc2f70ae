"""The chart component's payload and its plotly.js: what the browser receives for every chart."""

from __future__ import annotations

import ast
import gzip
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import plotly
import plotly.io as pio

from tests.pages.conftest import ROOT, charts, figures, open_page
from ui import chart, plotly_js
from ui.render import CHART_CONFIG
from viz.style import figure, trace


def test_the_payload_carries_the_figure_its_config_and_where_plotly_js_is():
    fig = figure([trace("scatter", x=[0.0, 1.0, 2.0], y=[1.0, 0.5, 0.25], name="f")], title="decay")
    payload = chart.read_payload(chart.chart_payload(fig, CHART_CONFIG, revision="page.chart"))
    assert payload["figure"] == json.loads(pio.to_json(fig, validate=False))
    assert payload["figure"]["data"][0]["y"] == [1.0, 0.5, 0.25]
    assert payload["config"] == CHART_CONFIG
    assert payload["revision"] == "page.chart"
    assert payload["src"] == f"/app/static/plotly-{plotly.__version__}.min.js"
    assert payload["gz"] == f"/app/static/plotly-{plotly.__version__}.min.js.gz"


def test_numpy_numbers_and_gaps_in_the_charts_words_are_valid_json():
    """The head (live spec, accessible name and sound) is written by orjson: a numpy number is a number, a missing
    sample null; the json module wrote NaN, which the browser's JSON.parse refuses."""
    import numpy as np

    fig = figure([trace("scatter", x=[0.0, 1.0], y=[1.0, 0.5], name="f")])
    a11y = {"name": "A chart", "description": "f", "sound": {"x": [np.float64(0.5), 1.0], "y": [float("nan"), 2.0]}}
    raw = chart.chart_payload(fig, CHART_CONFIG, revision="page.chart", a11y=a11y)
    assert b"NaN" not in raw
    payload = chart.read_payload(raw)
    assert payload["a11y"]["sound"] == {"x": [0.5, 1.0], "y": [None, 2.0]}
    assert payload["figure"]["data"][0]["y"] == [1.0, 0.5]


def test_the_charts_script_is_served_from_static_and_each_message_carries_a_small_loader(tmp_path, monkeypatch):
    """The chart's script (77 KB) went in every chart's message on every rerun; it is written into static/ once,
    under a name with its content's digest, and the messages carry ui/script_loader.js naming it."""
    source = "\n".join((ROOT / "ui" / name).read_text() for name in chart.SCRIPTS)
    static = tmp_path / "static"
    static.mkdir()
    (static / "gradient-lab-chart-0123456789abcdef.js").write_text("/* an older script */")
    monkeypatch.setattr(plotly_js, "STATIC", static)
    loader = chart.script()
    files = sorted(p.name for p in static.iterdir())
    assert len(files) == 1 and files[0].startswith("gradient-lab-chart-")  # the older one went
    assert (static / files[0]).read_text() == source
    assert loader.startswith(f'const SOURCE = "/app/static/{files[0]}";')
    assert len(loader) < len(source) / 20
    assert chart.script() == loader and sorted(p.name for p in static.iterdir()) == files  # written once
    at = open_page("pages/gradient.py", {"f": "himmelblau"})
    assert {len(c.proto.js_content) for c in charts(at)} == {len(chart.script())}  # every chart carries the loader


def test_where_static_cannot_be_written_the_message_carries_the_script_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(plotly_js, "STATIC", tmp_path / "no" / "such" / "static")  # its parent does not exist
    assert chart.script() == "\n".join((ROOT / "ui" / name).read_text() for name in chart.SCRIPTS)


def test_plotly_js_is_the_plotly_packages_own_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(plotly_js, "STATIC", tmp_path / "static")
    plotly_js.ensure_plotly_js.cache_clear()
    try:
        assert plotly_js.ensure_plotly_js()
        copied = tmp_path / "static" / plotly_js.PLOTLY_JS
        shipped = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        assert copied.read_bytes() == shipped.read_bytes()
        packed = (tmp_path / "static" / plotly_js.PLOTLY_JS_GZ).read_bytes()
        assert gzip.decompress(packed) == shipped.read_bytes()
        assert len(packed) < len(shipped.read_bytes()) / 2
        assert sorted(p.name for p in (tmp_path / "static").iterdir()) == sorted(
            [plotly_js.PLOTLY_JS, plotly_js.PLOTLY_JS_GZ]
        )
    finally:
        plotly_js.ensure_plotly_js.cache_clear()


def test_a_stale_or_broken_copy_is_written_again(tmp_path, monkeypatch):
    static = tmp_path / "static"
    static.mkdir()
    (static / plotly_js.PLOTLY_JS).write_text("/* an older plotly.js */")
    (static / plotly_js.PLOTLY_JS_GZ).write_bytes(b"not gzip at all")
    monkeypatch.setattr(plotly_js, "STATIC", static)
    plotly_js.ensure_plotly_js.cache_clear()
    try:
        assert plotly_js.ensure_plotly_js()
        shipped = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
        assert (static / plotly_js.PLOTLY_JS).read_bytes() == shipped
        assert gzip.decompress((static / plotly_js.PLOTLY_JS_GZ).read_bytes()) == shipped
    finally:
        plotly_js.ensure_plotly_js.cache_clear()


def test_an_unwritable_static_folder_falls_back_to_st_plotly_chart(tmp_path, monkeypatch):
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("")
    monkeypatch.setattr(plotly_js, "STATIC", blocker / "static")
    plotly_js.ensure_plotly_js.cache_clear()
    try:
        assert plotly_js.ensure_plotly_js() is False
        at = open_page("pages/partials.py", {"f": "lesson_quadratic"})
        assert not at.exception
        assert charts(at) == []
        drawn = [element.key for element in at.get("plotly_chart")]  # the same charts, by Streamlit's own element
        assert drawn == ["partials.surface", "partials.map", "partials.slice_x", "partials.slice_y"]
    finally:
        plotly_js.ensure_plotly_js.cache_clear()


def test_each_chart_keeps_its_key_across_reruns():
    at = open_page("pages/partials.py", {"f": "lesson_quadratic"})
    ids = [element.proto.id for element in charts(at)]
    first = figures(at)
    at.slider(key="partials.x0").set_value(-1.0).run()
    assert [element.proto.id for element in charts(at)] == ids  # same identity: updated in place, not remounted
    assert figures(at) != first


def test_a_replicas_first_students_arriving_together_check_the_copy_once(tmp_path, monkeypatch):
    """Regression: with functools.cache each of a cold replica's first 20 sessions unpacked the 4.8 MB copy again
    (0.6 s of CPU in the bench's live class)."""
    monkeypatch.setattr(plotly_js, "STATIC", tmp_path / "static")
    checks: list[int] = []
    unpacks_to = plotly_js._unpacks_to

    def counted(packed, data):
        checks.append(1)
        time.sleep(0.2)  # long enough that every caller arrives while the first one checks
        return unpacks_to(packed, data)

    monkeypatch.setattr(plotly_js, "_unpacks_to", counted)
    plotly_js.ensure_plotly_js.cache_clear()
    try:
        with ThreadPoolExecutor(8) as pool:
            assert all(pool.map(lambda _: plotly_js.ensure_plotly_js(), range(8)))
        assert checks == [1]
    finally:
        plotly_js.ensure_plotly_js.cache_clear()


def test_the_preload_goes_out_before_the_app_is_imported():
    """On a cold start the browser loads plotly.js while the server imports sympy, numpy and the app: the entry
    script draws the preload first, from a module that imports none of them (Streamlit, already loaded by the
    server, brings plotly's figures itself)."""
    fresh = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, ui.plotly_js; print(sorted({'sympy', 'numpy', 'core', 'viz'} & set(sys.modules)))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert fresh.stdout.strip() == "[]"
    entry = ast.parse((ROOT / "dashboard.py").read_text())
    statements = [ast.unparse(node) for node in entry.body]
    preload = next(i for i, line in enumerate(statements) if "preload_plotly()" in line)
    imports = [
        i for i, node in enumerate(entry.body) if isinstance(node, ast.ImportFrom) and node.module != "ui.plotly_js"
    ]
    app_imports = [i for i in imports if entry.body[i].module not in ("__future__", "pathlib", "streamlit")]
    assert app_imports and min(app_imports) > preload
    at = open_page("pages/partials.py", {"f": "lesson_quadratic"})
    assert at.sidebar[0].proto.component_name == "gradient_lab.plotly_preload"  # the sidebar's first element
