"""The shared look: every chart fits its panel, writes powers of ten, scales for a projector, reads in both themes."""

from __future__ import annotations

import numpy as np
import pytest

from core import descend, parse
from core.grid import evaluate_grid
from viz.descent import race_figure
from viz.style import (
    BACKGROUNDS,
    GRADIENT,
    ON_PAGE,
    PALETTE,
    POINT,
    TANGENT,
    UPDATE,
    VELOCITY,
    figure,
    log_axis,
    nice_step,
    short,
    shortened,
    subscripted,
    subscripted_axes,
    trace,
)


def luminance(color: str) -> float:
    """WCAG relative luminance of "#RRGGBB"."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_computed_as_wcag_defines_it():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("color", [*PALETTE, POINT, TANGENT, GRADIENT, UPDATE, VELOCITY, *ON_PAGE.values()])
@pytest.mark.parametrize("theme", list(BACKGROUNDS))
def test_every_line_colour_stands_out_on_both_themes(color, theme):
    # WCAG 1.4.11: graphical objects need 3:1 against what they sit on.
    assert contrast(color, BACKGROUNDS[theme]) >= 3.0


def test_the_palette_colours_are_distinct():
    assert len(set(PALETTE)) == len(PALETTE) == 8


def test_every_axis_makes_room_for_its_labels_and_writes_powers_of_ten():
    layout = figure([trace("scatter", x=[1, 2], y=[3, 4])]).to_dict()["layout"]
    template = layout["template"]["layout"]
    for axis in ("xaxis", "yaxis"):
        assert template[axis]["automargin"] is True
        assert template[axis]["exponentformat"] == "power"
    assert layout["margin"]["autoexpand"] is True
    # Transparent: the chart takes the page's background, light or dark.
    assert template["paper_bgcolor"] == template["plot_bgcolor"] == "rgba(0, 0, 0, 0)"
    assert layout["legend"]["yanchor"] == "bottom" and layout["legend"]["y"] > 1  # above the plot, not on it


def test_a_titled_chart_keeps_its_legend_below_clear_of_the_title():
    layout = figure([trace("scatter", x=[1], y=[1])], title="Loss").to_dict()["layout"]
    assert layout["legend"]["yref"] == "container" and layout["legend"]["y"] == 0


def test_lecture_mode_scales_every_chart_font_to_a_projector():
    laptop = figure([], height=400).to_dict()["layout"]
    lecture = figure([], height=400, lecture=True).to_dict()["layout"]
    assert laptop["font"]["size"] == 14
    assert lecture["font"]["size"] >= 18  # tick labels inherit it: readable at 1920×1080
    assert lecture["legend"]["font"]["size"] > laptop["legend"]["font"]["size"]
    assert lecture["height"] == 460


def test_a_log_axis_over_many_decades_labels_whole_powers_of_ten():
    values = np.logspace(-25, 2, 50)
    axis = log_axis(values)
    assert axis == {"type": "log", "dtick": 5}  # 27 decades: 10⁻²⁵, 10⁻²⁰, … about six labels


def test_a_log_axis_over_a_narrow_range_labels_plain_values():
    # 1.16 … 16.4 (the regression's MSE): plotly alone writes small crowded digits 2 … 9 here.
    axis = log_axis(np.array([16.35, 7.0, 1.157, np.nan, 0.0]))
    assert axis == {"type": "log", "tickmode": "array", "tickvals": [2.0, 5.0, 10.0], "ticktext": ["2", "5", "10"]}


@pytest.mark.parametrize(("at_least", "step"), [(3.04, 5.0), (0.013, 0.02), (1.0, 1.0), (7.0, 10.0)])
def test_nice_steps_are_one_two_or_five_times_a_power_of_ten(at_least, step):
    assert nice_step(at_least) == pytest.approx(step)


def test_coordinates_rounded_in_one_pass_are_exactly_the_ones_rounded_one_by_one():
    rng = np.random.default_rng(7)
    values = rng.normal(size=500) * 10.0 ** rng.integers(-12, 12, size=500)
    values[:8] = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-320, 0.1 + 0.2, 123456789.0]
    fast, slow = shortened(values), [short(v) for v in values.tolist()]
    assert len(fast) == len(slow) == 500
    # Bit for bit: the same doubles (signs of zero and NaN included), so the figures' JSON is unchanged.
    assert np.array_equal(np.array(fast).view(np.int64), np.array(slow).view(np.int64))
    assert fast[6] == 0.3 and fast[7] == 123456800.0
    assert shortened(np.zeros((2, 3))) == [0.0] * 6 and shortened([]) == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [("w1", "w₁"), ("w2", "w₂"), ("w12", "w₁₂"), ("x", "x"), ("θ1", "θ₁"), ("step 1", "step 1"), ("x_1", "x_1")],
)
def test_a_variables_digits_are_written_as_subscripts(name, shown):
    assert subscripted(name) == shown


def test_the_lessons_weights_title_the_maps_axes_as_the_lesson_writes_them():
    """The several-weights and regression maps: w₁ and w₂ on the axes, as in the text beside them; x and y stay."""
    loss = parse("(w1 + 2*w2 - y)**2", constants={"y": 5.0})
    grid = evaluate_grid(loss, ((-1.0, 4.0), (-1.0, 4.0)), 11)
    run = descend(loss, (1.0, 1.0), optimizer="gd", lr=0.1, steps=3)
    layout = race_figure(grid, {"one step": run}, loss.names).to_dict()["layout"]
    assert (layout["xaxis"]["title"]["text"], layout["yaxis"]["title"]["text"]) == ("w₁", "w₂")
    f = parse("x**2 + y**2")
    plain = race_figure(evaluate_grid(f, ((-1.0, 1.0), (-1.0, 1.0)), 11), {}, f.names).to_dict()["layout"]
    assert (plain["xaxis"]["title"]["text"], plain["yaxis"]["title"]["text"]) == ("x", "y")
    scene = subscripted_axes({"scene": {"xaxis": {"title": {"text": "w1"}}, "zaxis": {"title": "L"}}})["scene"]
    assert (scene["xaxis"]["title"]["text"], scene["zaxis"]["title"]) == ("w₁", "L")
