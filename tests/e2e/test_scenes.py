"""3D charts keep their numbers inside: no tick label, axis title or surface cut at a scene's edge, in Chromium.

plotly draws a 3D scene's tick labels and titles in WebGL, not as SVG text, so the layout test cannot see where
they land. What it can see is the picture: a scene's canvas ends at its box, and whatever reaches the box's left
or right edge is cut there ("40" of the vertical axis showing as "4"). So each scene is photographed and the
columns at its left and right edges must be the page's own background. Each 3D view is measured on a laptop, on a
projector in lecture mode and in the dark theme, one tab per setting, as the layout test does.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

from bench.harness import CHART, wait_idle
from tests.e2e.conftest import SCREENSHOTS, tabs_by_setting
from tests.e2e.test_layout import SETTINGS, VIEWS, luminance, rgba, settle

pytestmark = pytest.mark.e2e

Image = pytest.importorskip("PIL.Image")

# The views that draw a 3D scene (each must: the test fails if one no longer does).
SCENE_VIEWS = ["home", "partials", "gradient", "total_derivative", "descent-step", "curvature-hessian", "backprop"]
EDGE_PX = 3  # the strip at each side of a scene that must stay empty
INK = 1.6  # a pixel this far (contrast ratio) from the background is something drawn

# In the page: each 3D scene's box on the screen (its canvas ends there).
SCENES = """
() => [...document.querySelectorAll(".gl-plotly")].flatMap((gd, chart) => {
  const full = gd._fullLayout;
  return ((full && full._subplots.gl3d) || []).map((id) => {
    const box = full[id]._scene.container.getBoundingClientRect();
    return {chart, id, left: box.left, top: box.top, width: box.width, height: box.height};
  });
})
"""


# Scroll the page's own scroller until the scene is in view (Streamlit scrolls its main block, not the window).
SHOW = """([chart, id]) => document.querySelectorAll(".gl-plotly")[chart]._fullLayout[id]._scene.container
  .scrollIntoView({block: "center"})"""
HIDE_SVG = """([chart, visibility]) => document.querySelectorAll(".gl-plotly")[chart]
  .querySelectorAll("svg").forEach((svg) => { svg.style.visibility = visibility; })"""


def luminances(pixels: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of each RGB pixel (the layout test's ``luminance``, for an array)."""
    c = pixels[..., :3] / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def cut_at_edges(picture: np.ndarray, background: tuple[float, ...]) -> dict[str, int]:
    """How many pixels of the strips at the left and right edge of a scene's picture stand out from the background."""
    ground = luminance(background)
    found = {}
    for side, strip in (("left", picture[:, :EDGE_PX]), ("right", picture[:, -EDGE_PX:])):
        lum = luminances(strip.astype(float))
        ratio = (np.maximum(lum, ground) + 0.05) / (np.minimum(lum, ground) + 0.05)
        found[side] = int((ratio > INK).sum())
    return found


def test_the_edge_check_sees_a_cut_label():
    """So the test below can fail: ink at the left edge is found, a blank edge is not."""
    white = (255.0, 255.0, 255.0, 1.0)
    blank = np.full((40, 60, 3), 255, dtype=np.uint8)
    assert cut_at_edges(blank, white) == {"left": 0, "right": 0}
    cut = blank.copy()
    cut[10:20, 0:2] = 40  # the stroke of a digit at the very edge
    assert cut_at_edges(cut, white)["left"] == 20 and cut_at_edges(cut, white)["right"] == 0


@pytest.fixture(scope="module")
def scene_tabs(browser):
    with tabs_by_setting(browser, SETTINGS) as open_tab:
        yield open_tab


@pytest.mark.parametrize("view", SCENE_VIEWS)
@pytest.mark.parametrize("setting", list(SETTINGS))
def test_no_3d_scene_cuts_its_labels_at_its_edges(scene_tabs, server, setting, view):
    page = scene_tabs(setting)
    _, query, _ = SETTINGS[setting]
    path = VIEWS[view]
    joiner = "&" if "?" in path else "?"
    page.goto(f"{server}/{path}{joiner + query if query else ''}")
    wait_idle(page)
    page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
    settle(page)
    page.wait_for_timeout(500)  # WebGL draws a frame after the layout settles
    background = rgba(page.evaluate("getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"))
    scenes = page.evaluate(SCENES)
    assert scenes, f"{view} draws no 3D scene any more: take it off SCENE_VIEWS"
    found = []
    for number, scene in enumerate(scenes):
        page.evaluate(SHOW, [scene["chart"], scene["id"]])
        page.wait_for_timeout(300)
        box = page.evaluate(SCENES)[number]
        clip = {k: box[k] for k in ("width", "height")} | {"x": box["left"], "y": box["top"]}
        # The scene alone: the chart's SVG (legend, a 2D panel's axis title beside the scene) is hidden meanwhile.
        page.evaluate(HIDE_SVG, [scene["chart"], "hidden"])
        picture = np.asarray(Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB"))
        page.evaluate(HIDE_SVG, [scene["chart"], ""])
        SCREENSHOTS.mkdir(exist_ok=True)
        Image.fromarray(picture).save(SCREENSHOTS / f"scene-{setting}-{view}-{scene['chart'] + 1}-{scene['id']}.png")
        for side, count in cut_at_edges(picture, background).items():
            if count:
                found.append(f"chart {scene['chart'] + 1} {scene['id']}: {count} px drawn at its {side} edge")
    assert not found, f"{view} at {setting}:\n" + "\n".join(found)
