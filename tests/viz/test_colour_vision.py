"""The palette for every reader: colours stay apart for normal vision and as simulated for the three dichromacies.

Simulation: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color vision
deficiency", the matrices of severity 1.0 applied to linear RGB. Distance: CIEDE2000 in CIELAB (D65). Both are
written out here from their papers and checked on published values, so the test needs nothing beyond numpy.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from viz.style import (
    DASHES,
    GRADIENT,
    ON_PAGE,
    PALETTE,
    POINT,
    SYMBOLS,
    TANGENT,
    UPDATE,
    VELOCITY,
    keyed,
    series,
    trace,
)

# Machado et al. (2009), Table 1, severity 1.0 (linear RGB in, linear RGB out).
SIMULATIONS = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}
SRGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)
D65 = np.array([0.95047, 1.0, 1.08883])
APART = 10.0  # CIEDE2000: two lines this far apart are told apart at a glance (2.3 is a just-noticeable step)


def linear(color: str) -> np.ndarray:
    """ "#RRGGBB" as linear-light RGB in [0, 1]."""
    c = np.array([int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    """Linear RGB as CIELAB under D65."""
    t = SRGB_TO_XYZ @ np.clip(rgb, 0, 1) / D65
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(color: str, vision: str) -> np.ndarray:
    """How a reader with ``vision`` sees ``color``, in CIELAB."""
    return lab(SIMULATIONS[vision] @ linear(color))


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """The CIEDE2000 colour difference (Sharma, Wu & Dalal 2005, equations 1-22; kL = kC = kH = 1)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_hue = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    rotation = (
        -2 * np.sqrt(c_mean**7 / (c_mean**7 + 25**7)) * np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2))))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    dl, dc, dhh = (l2 - l1) / s_l, (c2 - c1) / s_c, d_hue / s_h
    return float(np.sqrt(dl**2 + dc**2 + dhh**2 + rotation * dc * dhh))


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    # Sharma, Wu & Dalal (2005), Table 1: pairs 1, 7, 17 and 25 of their test data.
    [
        ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
        ((50, 0, 0), (50, -1, 2), 2.3669),
        ((50, 2.5, 0), (73, 25, -18), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_ciede2000_reproduces_the_published_test_data(lab1, lab2, expected):
    assert ciede2000(np.array(lab1, float), np.array(lab2, float)) == pytest.approx(expected, abs=1e-4)


def test_the_simulations_keep_greys_grey_and_lose_what_each_deficiency_loses():
    for matrix in SIMULATIONS.values():
        assert matrix.sum(axis=1) == pytest.approx(np.ones(3), abs=2e-3)  # white stays white
    # Pure red and green, far apart for normal vision, come close for the red-green deficiencies only.
    red, green = "#D55E00", "#009E73"
    assert ciede2000(seen(red, "normal"), seen(green, "normal")) > 40
    assert ciede2000(seen("#B87700", "deuteranopia"), seen(red, "deuteranopia")) < 1  # the pair
    assert ciede2000(seen("#0072B2", "tritanopia"), seen("#009E73", "tritanopia")) < 15


def closest_pair(colors: list[str], vision: str) -> tuple[float, str, str]:
    return min((ciede2000(seen(a, vision), seen(b, vision)), a, b) for a, b in itertools.combinations(colors, 2))


@pytest.mark.parametrize("vision", list(SIMULATIONS))
def test_every_two_palette_colours_stay_apart_for_every_reader(vision):
    # Regression: ochre #B87700 and vermillion #D55E00 (Momentum and Adam in the race, two Himmelblau basins)
    # were 0.5 apart for a deuteranope: the same colour.
    distance, a, b = closest_pair(PALETTE, vision)
    assert distance >= APART, f"{a} and {b} are {distance:.1f} apart for {vision}"


def test_the_named_colours_are_palette_colours():
    # The point, tangent, gradient, update and state arrows share charts: as palette colours they stay apart.
    assert {POINT, TANGENT, GRADIENT, UPDATE, VELOCITY} <= set(PALETTE)
    assert len({POINT, TANGENT, GRADIENT, UPDATE, VELOCITY}) == 5


def test_series_differ_by_dash_and_marker_as_well_as_colour():
    looks = [series(i) for i in range(len(PALETTE))]
    for part in ("color", "dash", "symbol"):
        assert len({look[part] for look in looks}) == len(PALETTE), part
    assert series(8) == series(0)
    assert len(set(DASHES)) == len(set(SYMBOLS)) == len(PALETTE)
    assert "x" not in SYMBOLS  # ✕ marks the end of a diverged run


def test_a_keyed_trace_names_itself_in_the_legend_in_a_colour_that_stands_out_on_the_page():
    line = trace("scatter3d", x=[0, 1], y=[0, 1], z=[0, 1], mode="lines", name="slice", line=dict(color="#E69F00"))
    drawn, key = keyed(line)
    assert drawn["showlegend"] is False and drawn["x"] == [0, 1] and drawn["line"]["color"] == "#E69F00"
    assert key["type"] == "scatter3d" and key["x"] == key["y"] == key["z"] == [None]
    assert key["name"] == "slice" and key["line"]["color"] == ON_PAGE["#E69F00"]
    assert key["legendgroup"] == drawn["legendgroup"] == "slice"  # one click hides both
