"""One number format on every page: 4 significant digits, powers of ten, no round-off noise, no "− −"."""

from __future__ import annotations

import re

import pytest
from streamlit.proto.Metric_pb2 import Metric

from tests.pages.conftest import figures, open_page, texts

# More than 4 significant digits in a row, e.g. 7.243197505 or 24.16609195: what the pages showed before.
LONG = re.compile(r"\d\.\d{5,}|\d{2}\.\d{4,}")


def test_metrics_show_four_significant_digits():
    at = open_page("pages/gradient.py", {"f": "himmelblau", "x0": "1.3", "y0": "-2.1", "theta": "37"})
    values = [m.value for m in at.metric]
    assert values and not [v for v in values if LONG.search(v)]


def test_tangent_plane_equation_never_writes_minus_minus():
    # Regression: "(y − −2.0)" in the tangent-plane equation.
    at = open_page("pages/partials.py", {"f": "lesson_quadratic", "x0": "1", "y0": "-2", "plane": "1"})
    equation = next(x.value.strip("$\n") for x in at.latex if x.value.strip("$\n").startswith("z = "))
    assert equation == r"z = 3 + 2\,(x - 1) - 2\,(y + 2)"  # ∂f/∂x = 2, ∂f/∂y = −2 at (1, −2)


def test_a_vector_metric_is_split_into_one_metric_per_weight():
    # Regression: "final weights (0.0005662, −0.…" cut off in one box.
    at = open_page("pages/descent.py", {"f": "lesson_quadratic", "opt": "gd", "lr": "0.1", "steps": "60"})
    labels = [m.label for m in at.metric]
    assert "final x" in labels and "final y" in labels
    assert not [m.value for m in at.metric if "," in m.value]


def test_tiny_values_are_written_as_powers_of_ten():
    # Regression: "final loss 1.282508828e-06".
    at = open_page("pages/descent.py", {"f": "lesson_quadratic", "opt": "gd", "lr": "0.1", "steps": "60"})
    loss = {m.label: m.value for m in at.metric}["final loss f(θ)"]
    assert re.fullmatch(r"\d\.\d{1,3}\u202f×\u202f10⁻\S+", loss), loss


def test_round_off_noise_shows_as_zero():
    # One step from (1, 1) lands exactly on the zero-loss line; what is left of L is round-off.
    at = open_page("pages/several_weights.py")
    assert "L goes from 4 to 0 in one step." in texts(at)


def test_log_axes_on_pages_write_powers_of_ten():
    at = open_page("pages/descent.py", {"f": "rosenbrock", "tab": "Compare optimizers"})
    logs = [f["layout"]["yaxis"] for f in figures(at) if f["layout"].get("yaxis", {}).get("type") == "log"]
    assert logs
    template = figures(at)[0]["layout"]["template"]["layout"]
    assert template["yaxis"]["exponentformat"] == "power"  # 10⁻⁶, not 1μ


# Python's own exponent notation, "1e-05", which read beside the pages' "3 × 10⁻⁵" as another kind of number.
GRAY = Metric.MetricColor.GRAY  # a neutral badge: no good or bad direction
PYTHON_EXPONENT = re.compile(r"\d(\.\d+)?e[-+]?\d")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("pages/backprop.py", {}),  # the finite-difference step h = 10⁻⁵
        ("pages/curvature.py", {"tab": "Saddle escape"}),  # the start's offset ε = 10⁻⁶
        ("pages/partials.py", {"f": "lesson_quadratic"}),  # the secant table's h down to 10⁻⁶
    ],
)
def test_no_page_writes_pythons_exponent_notation(path, query):
    # Regression: "central difference, h = 1e-05" and a select slider's "1e-05" beside metrics in ×10ⁿ.
    at = open_page(path, query)
    # Code is left out: the link's query and the snippets write numbers for a machine to read.
    shown = [m.value for m in [*at.markdown, *at.latex, *at.caption, *at.error, *at.warning, *at.info]]
    shown += [f"{m.label} {m.value}" for m in at.metric]
    shown += [o for s in at.select_slider for o in s.options] + [s.label for s in at.select_slider]
    shown += [d.get("name") or "" for f in figures(at) for d in f["data"]]
    assert not [s for s in shown if PYTHON_EXPONENT.search(s)]
    assert "10⁻" in "\n".join(shown)  # the small numbers are there, written as powers of ten


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("pages/descent.py", {}),
        ("pages/regression.py", {"tab": "Fit a line to data"}),
        ("pages/backprop.py", {"trained": "3"}),
    ],
)
def test_every_change_badge_says_what_it_compares_to(path, query):
    # Regression: an unexplained "↓ -8" under the final loss, and a red "↑ +1.4×10⁻⁹" under the regression's MSE.
    at = open_page(path, query)
    badges = [m for m in at.metric if m.proto.delta]
    assert badges
    assert all(m.proto.delta_description for m in badges), [m.label for m in badges]
    gap = [m for m in badges if m.label == "MSE"]
    assert all(m.proto.delta_description == "above least squares" and m.proto.color == GRAY for m in gap)
