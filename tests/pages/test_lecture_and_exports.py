"""Lecture mode, exports (CSV, a chart's HTML) and 'Show the code' snippets checked against the page's numbers."""

import csv
import io
import re
import subprocess
import sys

import numpy as np
import pytest

from core import descend, parse
from core.explain import step_table
from tests.pages.conftest import assert_clean, charts, figures, open_page, opened
from ui.chart import read_payload
from ui.render import csv_bytes


def test_lecture_mode_by_url_enlarges_type_and_computes_the_same():
    normal = open_page("pages/descent.py", {"f": "rosenbrock", "opt": "adam", "beta1": "0.5"})
    big = open_page("pages/descent.py", {"f": "rosenbrock", "opt": "adam", "beta1": "0.5", "lecture": "1"})
    assert_clean(big)
    assert big.sidebar.toggle(key="lecture").value is True
    assert any("font-size: 22px" in h.proto.body for h in big.get("html"))
    assert not any("font-size: 22px" in h.proto.body for h in normal.get("html"))  # lecture CSS only in lecture
    assert figures(big)[0]["layout"]["font"]["size"] > figures(normal)[0]["layout"]["font"]["size"]
    assert figures(big)[0]["layout"]["height"] > figures(normal)[0]["layout"]["height"]
    # Regression: lecture mode hid the hyperparameters and silently ran the defaults instead of the link's.
    assert big.slider(key="descent.beta1").value == normal.slider(key="descent.beta1").value == 0.5
    assert [m.value for m in big.metric] == [m.value for m in normal.metric]
    assert big.query_params["lecture"] == "1" and big.query_params["beta1"] == "0.5"


def test_lecture_mode_by_toggle():
    at = open_page("pages/partials.py")
    assert not any("font-size: 22px" in h.proto.body for h in at.get("html"))  # the page's own CSS only
    at.sidebar.toggle(key="lecture").set_value(True).run()
    assert_clean(at)
    assert any("font-size: 22px" in h.proto.body for h in at.get("html"))
    assert figures(at)[0]["layout"]["font"]["size"] == 20


def test_steps_csv_holds_every_step_at_full_precision():
    f = parse("(w1 + 2*w2 - 5)**2")
    t = descend(f, (1.0, 1.0), optimizer="adam", lr=0.1, steps=25)
    rows = list(csv.DictReader(io.StringIO(csv_bytes(step_table(t, f.names)).decode())))
    assert len(rows) == 26
    assert [float(r["w1"]) for r in rows] == t.points[:, 0].tolist()
    assert [float(r["f"]) for r in rows] == t.values.tolist()
    assert [float(r["∂f/∂w2"]) for r in rows] == t.gradients[:, 1].tolist()
    assert float(rows[0]["step size"]) == 0.0
    assert float(rows[3]["step size"]) == pytest.approx(np.linalg.norm(t.points[3] - t.points[2]))


def test_every_chart_offers_its_figure_as_html_written_in_the_browser():
    """A chart's "⬇ Figure as HTML" is drawn by the chart itself (ui/plotly_chart.js), named in its payload: no
    download button on the server for each chart on each rerun. The welcome picture offers none."""
    at = open_page("pages/descent.py", {"f": "lesson_loss", "opt": "gd", "lr": "0.1", "steps": "3"})
    assert_clean(at)
    exports = [read_payload(c.proto.bytes)["export"] for c in charts(at)]
    assert exports == ["descent-playback.html", "descent-progress.html"]
    assert "⬇ Figure as HTML" not in [b.label for b in at.get("download_button")]
    home = open_page("pages/home.py")
    assert [read_payload(c.proto.bytes)["export"] for c in charts(home)] == [None]


def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return result.stdout


def _numbers(line: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", line.rsplit("=", maxsplit=1)[-1])]


def _metric(at, label):
    return float({m.label: m.value for m in at.metric}[label].replace("−", "-"))


def test_partials_snippet_prints_the_pages_numbers():
    at = open_page("pages/partials.py", {"f": "lesson_sin", "x0": "0.7", "y0": "-1.2"})
    assert not [c for c in at.code if c.language == "python"]  # closed: not written
    out = _run(opened(at, "partials.code")).splitlines()
    # The page shows 4 significant digits; the snippet prints full precision.
    assert _numbers(out[0])[0] == pytest.approx(_metric(at, "f(P)"), rel=5e-4)
    assert _numbers(out[1])[-1] == pytest.approx(_metric(at, "∂f/∂x at P"), rel=5e-4)
    assert _numbers(out[2])[-1] == pytest.approx(_metric(at, "∂f/∂y at P"), rel=5e-4)


def test_gradient_snippet_prints_the_pages_numbers():
    at = open_page("pages/gradient.py", {"f": "himmelblau", "x0": "1", "y0": "-2", "theta": "60"})
    out = _run(opened(at, "gradient.code")).splitlines()
    assert _numbers(out[1])[0] == pytest.approx(_metric(at, "|∇f(P)|"), rel=5e-4)  # the page shows 4 significant digits
    assert _numbers(out[2])[0] == pytest.approx(_metric(at, "Dᵤf(P), θ = 60°"), rel=5e-4)


def test_total_derivative_snippet_prints_the_pages_numbers():
    at = open_page("pages/total_derivative.py", {"f": "lesson_sin", "g": "x^3 - 1", "x0": "0.5"})
    out = _run(opened(at, "total.code")).splitlines()
    values = [_numbers(line)[0] for line in out]
    assert values[3] == pytest.approx(values[4], rel=1e-12)  # chain rule == direct
    shown = float(at.latex[-3].value.split("=")[-1].strip(" $\n").replace("−", "-"))
    assert values[3] == pytest.approx(shown, rel=5e-4)  # the page shows 4 significant digits


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_descent_snippet_reproduces_the_first_steps(optimizer):
    query = {"f": "himmelblau", "opt": optimizer, "lr": "0.01", "steps": "30", "x0": "0.5", "y0": "-1"}
    at = open_page("pages/descent.py", query)
    out = _run(opened(at, "descent.code")).splitlines()
    t = descend(parse("(x**2 + y - 11)**2 + (x + y**2 - 7)**2"), (0.5, -1.0), optimizer=optimizer, lr=0.01, steps=5)
    assert len(out) == 5
    for k, line in enumerate(out, start=1):
        assert _numbers(line) == pytest.approx(t.points[k].tolist(), rel=1e-12)


def test_regression_snippet_reproduces_the_lessons_steps_at_the_pages_rate():
    at = open_page("pages/regression.py", {"lr": "0.05"})
    out = _run(opened(at, "regression.code")).splitlines()
    t = descend(parse("(w1 + 2*w2 - 5)**2"), (1.0, 1.0), optimizer="gd", lr=0.05, steps=5)
    assert [_numbers(line) for line in out] == [pytest.approx(p.tolist(), rel=1e-12) for p in t.points[1:]]
    lesson = _run(opened(open_page("pages/regression.py"), "regression.code")).splitlines()
    assert lesson[0] == "step 1 w = [1.4, 1.8]"  # the lesson's step, and then it stays on the line
