"""3D charts keep their numbers inside and apart: no tick label, axis title or surface cut at a scene's edge, and
no two tick labels over one another, in Chromium.

plotly draws a 3D scene's tick labels and titles in WebGL, not as SVG text, so the layout test cannot see where
they land. What it can see is the picture: a scene's canvas ends at its box, and whatever reaches the box's left
or right edge is cut there ("40" of the vertical axis showing as "4"). So each scene is photographed and the
columns at its left and right edges must be the page's own background. And each tick label is drawn alone, the
scene otherwise unchanged: its ink against the scene without labels is its box, and no two boxes may overlap. Each
3D view is measured on a laptop, on a projector in lecture mode and in the dark theme, one tab per setting, as the
layout test does.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

from bench.harness import CHART, wait_idle
from tests.e2e.conftest import SCREENSHOTS, tabs_by_setting
from tests.e2e.test_layout import SETTINGS, VIEWS, luminance, overlaps, rgba, settle

pytestmark = pytest.mark.e2e

Image = pytest.importorskip("PIL.Image")
ImageFilter = pytest.importorskip("PIL.ImageFilter")

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


# One scene's tick labels as plotly placed them on its last draw: per axis, each label's value and text.
TICKS = """([chart, id]) => {
  const scene = document.querySelectorAll(".gl-plotly")[chart]._fullLayout[id]._scene;
  return scene.axesOptions.ticks.map((ticks, i) => ticks.map((t) => ({value: t.x / scene.dataScale[i], text: t.text})));
}"""
# Draw the scene with only the given labels: {axis: [value, text]} shows that one label of the axis, every other
# label, every grid line and the axis titles hidden (a title stands further off when its axis shows labels), so two
# pictures differ by the label alone. Resolves once WebGL has drawn.
ONLY = """async ([chart, id, shown]) => {
  const gd = document.querySelectorAll(".gl-plotly")[chart];
  const update = {};
  for (const axis of ["xaxis", "yaxis", "zaxis"]) {
    const label = shown[axis];
    Object.assign(update, {[`${id}.${axis}.showgrid`]: false, [`${id}.${axis}.showticklabels`]: Boolean(label),
                           [`${id}.${axis}.title.text`]: ""});
    if (label) Object.assign(update, {[`${id}.${axis}.tickmode`]: "array", [`${id}.${axis}.tickvals`]: [label[0]],
                                      [`${id}.${axis}.ticktext`]: [label[1]]});
  }
  await window.Plotly.relayout(gd, update);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""
DIFFERS = 40  # a channel this far from the label-less picture is the label's ink
GLYPH_GAP = 5  # the widest gap between two glyphs of one label, in pixels (closed to find the label whole)


def ink_box(picture: np.ndarray, blank: np.ndarray) -> dict | None:
    """The box (in the picture's pixels) of the label ``picture`` draws beyond ``blank``; None when nothing.

    The label is the largest patch of changed pixels once the gaps between its glyphs are closed: a speck where
    WebGL drew a line's edge a little differently this time lies apart and is left out."""
    ink = (np.abs(picture.astype(int) - blank.astype(int)) > DIFFERS).any(axis=2)
    if not ink.any():
        return None
    closed = np.asarray(Image.fromarray(ink.astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(GLYPH_GAP))) > 0
    patches = []
    unseen = set(zip(*np.nonzero(closed), strict=True))
    while unseen:  # flood-fill each patch of the closed picture (a few hundred pixels at most)
        todo, patch = [unseen.pop()], []
        while todo:
            y, x = todo.pop()
            patch.append((y, x))
            for near in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                if near in unseen:
                    unseen.remove(near)
                    todo.append(near)
        rows, cols = np.array(patch).T
        patches.append((int(ink[rows, cols].sum()), rows, cols))
    _, rows, cols = max(patches, key=lambda p: p[0])
    inked = ink[rows, cols]
    rows, cols = rows[inked], cols[inked]
    return {
        "left": int(cols.min()),
        "top": int(rows.min()),
        "right": int(cols.max()) + 1,
        "bottom": int(rows.max()) + 1,
    }


def tick_violations(boxes: dict[str, list[tuple[str, dict | None]]], width: int, height: int) -> list[str]:
    """Tick labels drawn nowhere, at (so cut by) the scene's edge, or over one another (any two, any axes)."""
    found = []
    placed = []
    for axis, labels in boxes.items():
        for text, box in labels:
            if box is None:
                found.append(f"{axis} label “{text}” is not drawn")
                continue
            if box["left"] <= 0 or box["top"] <= 0 or box["right"] >= width or box["bottom"] >= height:
                found.append(f"{axis} label “{text}” reaches the scene's edge (cut there)")
            placed.append((f"{axis} label “{text}”", box))
    for i, (a, box_a) in enumerate(placed):
        for b, box_b in placed[i + 1 :]:
            if overlaps(box_a, box_b):
                width = min(box_a["right"], box_b["right"]) - max(box_a["left"], box_b["left"])
                height = min(box_a["bottom"], box_b["bottom"]) - max(box_a["top"], box_b["top"])
                found.append(f"{a} overlaps {b} ({width}×{height} px)")
    return found


def test_the_tick_check_sees_overlapping_and_cut_labels():
    """So the test below can fail: two boxes that share pixels overlap, a box at the edge is cut, a label no
    render drew is missing; labels side by side pass."""
    blank = np.full((40, 60, 3), 255, dtype=np.uint8)
    drawn = blank.copy()
    drawn[10:20, 5:15] = 0
    assert ink_box(drawn, blank) == {"left": 5, "top": 10, "right": 15, "bottom": 20}
    speck = drawn.copy()
    speck[30, 50] = 0  # a pixel of a line drawn a little differently, far from the label
    assert ink_box(speck, blank) == {"left": 5, "top": 10, "right": 15, "bottom": 20}
    assert ink_box(blank, blank) is None
    one, two = {"left": 5, "top": 10, "right": 15, "bottom": 20}, {"left": 12, "top": 12, "right": 22, "bottom": 22}
    assert tick_violations({"xaxis": [("0", one), ("2", two)]}, 60, 40) == [
        "xaxis label “0” overlaps xaxis label “2” (3×8 px)"
    ]
    apart = {"left": 16, "top": 10, "right": 26, "bottom": 20}
    assert tick_violations({"xaxis": [("0", one)], "zaxis": [("40", apart)]}, 60, 40) == []
    edge = {"left": 0, "top": 10, "right": 8, "bottom": 20}
    assert tick_violations({"zaxis": [("40", edge), ("50", None)]}, 60, 40) == [
        "zaxis label “40” reaches the scene's edge (cut there)",
        "zaxis label “50” is not drawn",
    ]


@pytest.fixture(scope="module")
def scene_tabs(browser):
    with tabs_by_setting(browser, SETTINGS) as open_tab:
        yield open_tab


@pytest.mark.parametrize("view", SCENE_VIEWS)
@pytest.mark.parametrize("setting", list(SETTINGS))
def test_no_3d_scene_cuts_its_labels_at_its_edges_or_overlaps_its_tick_labels(scene_tabs, server, setting, view):
    """Each scene photographed: nothing drawn at its left or right edge. Then each tick label of each axis drawn
    alone (the scene unchanged but for that label), its ink's box found against the scene without labels: no two
    boxes overlap and none reaches the scene's edge. The dark theme lays labels out as the laptop does (same
    viewport, same type): there the photograph's edges are checked, the labels' boxes are the laptop's."""
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
        where = [scene["chart"], scene["id"]]
        ticks = dict(zip(("xaxis", "yaxis", "zaxis"), page.evaluate(TICKS, where), strict=True))
        page.evaluate(SHOW, where)
        page.wait_for_timeout(300)
        box = page.evaluate(SCENES)[number]
        clip = {k: box[k] for k in ("width", "height")} | {"x": box["left"], "y": box["top"]}
        # The scene alone: the chart's SVG (legend, a 2D panel's axis title beside the scene) is hidden meanwhile.
        page.evaluate(HIDE_SVG, [scene["chart"], "hidden"])

        def photograph(clip=clip) -> np.ndarray:
            return np.asarray(Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB"))

        picture = photograph()
        SCREENSHOTS.mkdir(exist_ok=True)
        Image.fromarray(picture).save(SCREENSHOTS / f"scene-{setting}-{view}-{scene['chart'] + 1}-{scene['id']}.png")
        name = f"chart {scene['chart'] + 1} {scene['id']}"
        for side, count in cut_at_edges(picture, background).items():
            if count:
                found.append(f"{name}: {count} px drawn at its {side} edge")
        if setting != "dark":

            def only(shown: dict, where=where, photograph=photograph) -> np.ndarray:
                page.evaluate(ONLY, [*where, shown])
                return photograph()

            blank = only({})
            boxes = {
                axis: [(t["text"], ink_box(only({axis: [t["value"], t["text"]]}), blank)) for t in labels]
                for axis, labels in ticks.items()
            }
            found += [f"{name}: {p}" for p in tick_violations(boxes, blank.shape[1], blank.shape[0])]
        page.evaluate(HIDE_SVG, [scene["chart"], ""])
    assert not found, f"{view} at {setting}:\n" + "\n".join(found)
