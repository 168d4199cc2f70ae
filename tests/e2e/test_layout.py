"""Every chart readable: each page and tab on a laptop, on a projector and in the dark theme, measured in Chromium.

plotly draws a chart's text (tick labels, axis titles, legend entries, annotations, colorbar labels) as SVG text,
so the browser knows where each one landed. A text outside its chart's box is clipped; two texts whose boxes
intersect collide. Both fail, naming page, setting, chart and text, and so do a y axis without numbers, a metric
cut with "…", a legend symbol that does not stand out from the background (3:1), a cut sidebar label or formula,
a formula cut at its column's edge, small type on a projector, and a page whose first screen shows no chart. One
server and one browser serve every case; each setting keeps its tab and opens the pages in turn.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from bench.harness import CHART, wait_idle
from tests.e2e.conftest import SCREENSHOTS, tabs_by_setting
from ui.navigation import PAGES as REGISTRY

pytestmark = pytest.mark.e2e

# name -> (viewport, query, colour scheme)
SETTINGS = {
    "laptop": ({"width": 1280, "height": 720}, "", "light"),
    "lecture": ({"width": 1920, "height": 1080}, "lecture=1", "light"),
    "dark": ({"width": 1280, "height": 720}, "", "dark"),
}
# Every page of the registry, and every tab of the pages with tabs (a tab opens from its link parameter).
TABS = {
    "descent": {
        "descent-step": "descent?tab=" + quote("Step by step"),
        "descent-race": "descent?tab=" + quote("Compare optimizers"),
        "descent-sweep": "descent?tab=" + quote("Learning-rate sweep"),
        "descent-basins": "descent?tab=" + quote("Basins of attraction"),
        # The longest update rule and a long formula in the sidebar.
        "descent-adam": "descent?f=rosenbrock&opt=adam",
        # Gradient noise and a schedule: the noisy step written out, η_k on the loss panel's right axis.
        "descent-noisy": "descent?f=himmelblau&opt=adam&lr=0.1&schedule=warmup_cosine&noise=4&seed=3",
    },
    "regression": {
        "regression-lesson": "regression?tab=" + quote("The lesson's loss"),
        "regression-fit": "regression?tab=" + quote("Fit a line to data"),
    },
    "curvature": {
        "curvature-hessian": "curvature?tab=" + quote("Hessian at P"),
        "curvature-condition": "curvature?tab=" + quote("Condition number"),
        "curvature-newton": "curvature?tab=" + quote("Newton's method"),
        "curvature-saddle": "curvature?tab=" + quote("Saddle escape"),
    },
}
VIEWS = {}
for row in REGISTRY:
    VIEWS |= TABS.get(row.slug, {row.slug or "home": row.slug})
NO_CHART = {"practice", "classroom"}  # a page of exercises, a class not yet started: nothing to plot
PATH_FIRST = {"home"}  # the welcome page's first screen is the path (tests/e2e/test_lesson_path.py), its chart below
LECTURE_TICK_PX = 18  # the smallest tick label a projector audience reads from the back
SMALLEST_PX = 12  # the smallest label in a chart (an annotation, a graph's numbers) on a laptop
OVERLAP_PX = 1.0  # boxes may touch: an intersection must exceed this in both directions to count
TEXT_CONTRAST = 4.5  # WCAG AA for normal text, against whatever the text sits on
SYMBOL_CONTRAST = 3.0  # WCAG 1.4.11 for a legend symbol, light or dark
SLAB_CONTRAST = 1.5  # a chart background this far from the page's is a slab of another colour

# In the page: for every drawn chart, its box and every visible text it draws, with what kind of text it is.
MEASURE = r"""
() => {
  const kinds = [["legend", ".legend"], ["annotation", ".annotation"], ["colorbar", ".colorbar"],
    ["buttons", ".updatemenu-container"], ["slider", ".slider-container"], ["title", ".g-gtitle"]];
  function kind(t) {
    for (const [name, selector] of kinds) if (t.closest(selector)) return name;
    const tick = t.closest("[class$='tick']");
    if (tick) return tick.getAttribute("class");
    const title = t.closest("[class^='g-'][class$='title']");
    return title ? title.getAttribute("class").slice(2) : "text";
  }
  const rect = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  // Each legend entry's symbol as the colours it is painted in (with their opacity): strokes, fills, and the
  // stops of a gradient fill (a colour scale's swatch).
  function paints(gd, paint, alpha) {
    const url = paint.match(/url\("?#([^")]+)"?\)/);
    if (!url) return paint === "none" ? [] : [{color: paint, alpha}];
    const gradient = gd.querySelector(`[id="${url[1]}"]`) || document.getElementById(url[1]);
    return gradient ? [...gradient.querySelectorAll("stop")].map((stop) => ({color: getComputedStyle(stop).stopColor,
      alpha: alpha * parseFloat(getComputedStyle(stop).stopOpacity)})) : [];
  }
  function legendSymbols(gd) {
    return [...gd.querySelectorAll(".legend .traces")].filter((item) => item.checkVisibility()).map((item) => {
      const colors = [];
      for (const shape of item.querySelectorAll(".layers path, .layers rect")) {
        const box = shape.getBBox();
        if (!(box.width > 0 || box.height > 0) || !shape.checkVisibility({visibilityProperty: true})) continue;
        const style = getComputedStyle(shape);
        const opacity = parseFloat(style.opacity);
        if (parseFloat(style.strokeWidth) > 0)
          colors.push(...paints(gd, style.stroke, opacity * parseFloat(style.strokeOpacity)));
        colors.push(...paints(gd, style.fill, opacity * parseFloat(style.fillOpacity)));
      }
      return {text: (item.querySelector(".legendtext") || item).textContent.trim(), colors};
    });
  }
  return [...document.querySelectorAll(".gl-plotly")].map((gd) => {
    const full = gd._fullLayout;
    const texts = [...gd.querySelectorAll("svg text")]
      .filter((t) => t.textContent.trim() && t.checkVisibility({opacityProperty: true, visibilityProperty: true}))
      .map((t) => ({text: t.textContent.trim(), kind: kind(t), box: rect(t.getBoundingClientRect()),
                    size: parseFloat(getComputedStyle(t).fontSize), fill: getComputedStyle(t).fill}));
    const paper = getComputedStyle(gd.querySelector("svg.main-svg") || gd).backgroundColor;
    const yaxes = full ? (full._subplots.yaxis || []).map((id) => {
      const ax = full["yaxis" + id.slice(1)];
      return {id, labelled: ax.visible && ax.showticklabels};
    }) : [];
    const title = gd.layout && gd.layout.title && gd.layout.title.text;
    const name = title || (texts.find((t) => t.kind.endsWith("title")) || {}).text || "";
    // A graph's nodes (the markers of a trace named "nodes") and the boxes drawn behind annotations.
    const nodes = [...gd.querySelectorAll(".scatterlayer .trace")]
      .filter((g) => g.__data__ && g.__data__[0] && g.__data__[0].trace.name === "nodes")
      .flatMap((g) => [...g.querySelectorAll("path.point")].map((p) => rect(p.getBoundingClientRect())));
    const labels = [...gd.querySelectorAll(".annotation")].filter((a) => a.querySelector("rect.bg"))
      .map((a) => { const bg = a.querySelector("rect.bg"), text = a.querySelector("text");
        return {text: a.textContent.trim(), box: rect(bg.getBoundingClientRect()), ground: getComputedStyle(bg).fill,
                alpha: parseFloat(getComputedStyle(bg).fillOpacity), fill: text && getComputedStyle(text).fill}; });
    return {drawn: Boolean(full), box: rect(gd.getBoundingClientRect()), name, texts, yaxes, paper,
            legend: legendSymbols(gd), nodes, labels};
  });
}
"""

# In the page: metric values, sidebar labels and formulas cut by their boxes; font sizes to compare.
PAGE_TEXT = """
() => {
  const cut = (e) => e.scrollWidth > e.clientWidth + 1;
  const metrics = [...document.querySelectorAll("[data-testid=stMetricValue]")].map((m) => ({
    text: m.innerText.trim(),
    cut: m.innerText.trim().endsWith("…") || [m, ...m.querySelectorAll("*")].some(cut),
    size: parseFloat(getComputedStyle(m.querySelector("*") || m).fontSize),
  }));
  // A metric's delta and the words after it ("+0.3 above least squares"), cut at the column's edge.
  const deltas = [...document.querySelectorAll("[data-testid=stMetric]")]
    .map((m) => [m, m.querySelector("[data-testid=stMetricDelta]")])
    .filter(([, d]) => d && d.checkVisibility())
    .map(([m, d]) => ({text: d.parentElement.innerText.replace(/\\s+/g, " ").trim(),
                       label: (m.querySelector("[data-testid=stMetricLabel]") || m).innerText.trim(),
                       cut: [d.parentElement, ...d.parentElement.querySelectorAll("*")].some(cut)
                         || d.parentElement.getBoundingClientRect().right > m.getBoundingClientRect().right + 1}));
  const sidebar = document.querySelector("[data-testid=stSidebar]");
  const shown = sidebar && sidebar.getBoundingClientRect().width > 50;
  const edge = shown ? sidebar.getBoundingClientRect().right : 0;
  // A label is cut when its own box scrolls or when it runs past the sidebar's edge.
  const names = "[data-testid=stSidebarNav] span, [data-testid=stSidebarNav] p, label p";
  const labels = shown ? [...sidebar.querySelectorAll(names)]
    .filter((e) => /[A-Za-z]/.test(e.innerText) && e.checkVisibility()
      && (cut(e) || e.getBoundingClientRect().right > edge + 1))
    .map((e) => e.innerText.trim()) : [];
  // A formula is cut when its box scrolls or reaches past the sidebar; named by its TeX source.
  const formulas = shown ? [...sidebar.querySelectorAll(".katex-display")]
    .filter((e) => e.checkVisibility()
      && (cut(e) || e.querySelector(".katex-html").getBoundingClientRect().right > edge))
    .map((e) => (e.querySelector("annotation") || e).textContent.trim().slice(0, 60)) : [];
  // A formula on the page cut at its column's edge: its box (as wide as it fits) scrolls. A subscript's overhang
  // of a pixel or two scrolls too, and hides nothing.
  const cutFormulas = [...document.querySelectorAll("[data-testid=stMain] .katex-display")]
    .filter((e) => e.checkVisibility() && e.scrollWidth > e.clientWidth + 4)
    .map((e) => (e.querySelector("annotation") || e).textContent.trim().slice(0, 60));
  // A slider's value above its handle, never on it ("-1.50" read "-1 50" with the handle over the point).
  const sliders = [...document.querySelectorAll("[data-testid=stSlider]")].filter((s) => s.checkVisibility())
    .flatMap((s) => [...s.querySelectorAll("[data-testid=stSliderThumbValue]")].map((value) => {
      const thumb = value.parentElement;  // the handle: the value is drawn as its child, above it
      const r = (e) => { const b = e.getBoundingClientRect(); return {left: b.left, top: b.top, right: b.right,
                                                                        bottom: b.bottom}; };
      return value ? {text: value.innerText.trim(), value: r(value), thumb: r(thumb)} : null;
    })).filter(Boolean);
  const paragraph = document.querySelector("[data-testid=stMain] [data-testid=stMarkdownContainer] p");
  return {metrics, deltas, labels, formulas, cutFormulas, sliders,
          body: paragraph ? parseFloat(getComputedStyle(paragraph).fontSize) : 16, height: window.innerHeight,
          background: getComputedStyle(document.querySelector("[data-testid=stApp]")).backgroundColor};
}
"""


def overlaps(a: dict, b: dict) -> bool:
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return width > OVERLAP_PX and height > OVERLAP_PX


def outside(inner: dict, outer: dict) -> bool:
    return (
        inner["left"] < outer["left"] - 0.5
        or inner["right"] > outer["right"] + 0.5
        or inner["top"] < outer["top"] - 0.5
        or inner["bottom"] > outer["bottom"] + 0.5
    )


def rgba(css: str) -> tuple[float, float, float, float]:
    """A computed CSS colour, "rgb(r, g, b)" or "rgba(r, g, b, a)", as numbers."""
    parts = [float(p) for p in css[css.index("(") + 1 : -1].replace("/", ",").replace(" ", ",").split(",") if p]
    return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)


def luminance(color: tuple[float, ...]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in color[:3]]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def over(color: tuple[float, ...], alpha: float, behind: tuple[float, ...]) -> tuple[float, ...]:
    """``color`` painted with opacity ``alpha`` (times its own) over the opaque ``behind``."""
    a = alpha * color[3]
    return (*(a * c + (1 - a) * b for c, b in zip(color[:3], behind[:3], strict=True)), 1.0)


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def chart_violations(chart: dict, setting: str, page_background: str) -> list[str]:
    """What is wrong with one chart's text: clipped, colliding, too small for the setting, illegible on its
    background, or a bare y axis; and a chart background that stands out from the page's."""
    found = []
    texts = chart["texts"]
    page = rgba(page_background)
    paper = rgba(chart["paper"])
    behind = paper if paper[3] > 0.5 else page
    if contrast(behind, page) > SLAB_CONTRAST:
        found.append(f"its background {chart['paper']} stands out from the page's {page_background}")
    for t in texts:
        if outside(t["box"], chart["box"]):
            found.append(f"{t['kind']} “{t['text']}” lies outside the chart")
        # Texts on buttons and sliders sit on their own backgrounds; everything else on the chart's.
        if t["kind"] not in ("buttons", "slider") and contrast(rgba(t["fill"]), behind) < TEXT_CONTRAST:
            found.append(f"{t['kind']} “{t['text']}” has contrast {contrast(rgba(t['fill']), behind):.1f}")
        if setting == "lecture" and "tick" in t["kind"] and t["size"] < LECTURE_TICK_PX:
            found.append(f"{t['kind']} “{t['text']}” is {t['size']:g} px, under {LECTURE_TICK_PX} px")
        smallest = LECTURE_TICK_PX if setting == "lecture" else SMALLEST_PX
        if t["kind"] in ("annotation", "text") and t["size"] < smallest - 0.01:
            found.append(f"{t['kind']} “{t['text']}” is {t['size']:g} px, under {smallest} px")
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if overlaps(a["box"], b["box"]):
                found.append(f"{a['kind']} “{a['text']}” overlaps {b['kind']} “{b['text']}”")
    for label in chart["labels"]:
        if any(overlaps(label["box"], node) for node in chart["nodes"]):
            found.append(f"label “{label['text']}” lies over a node")
        if label["ground"] in ("none", "") or label["alpha"] == 0:
            continue  # a label without a box of its own
        # A label on a box: opaque (no line shows through the text), in the page's own background, text legible.
        ground = over(rgba(label["ground"]), label["alpha"], page)
        if label["alpha"] * rgba(label["ground"])[3] < 0.999 or contrast(ground, page) > 1.05:
            found.append(f"label “{label['text']}” sits on {label['ground']} at {label['alpha']:g}, not the page's")
        if label["fill"] and contrast(rgba(label["fill"]), ground) < TEXT_CONTRAST:
            found.append(f"label “{label['text']}” has contrast {contrast(rgba(label['fill']), ground):.1f} on its box")
    for item in chart["legend"]:
        # WCAG 1.4.11: a graphical object needs 3:1 against what it sits on; a symbol drawn in several colours
        # (a white line with dark-rimmed markers) is seen when any of them is.
        shown = max((contrast(over(rgba(c["color"]), c["alpha"], behind), behind) for c in item["colors"]), default=1)
        if shown < SYMBOL_CONTRAST:
            found.append(f"legend symbol of “{item['text']}” has contrast {shown:.1f}")
    for axis in chart["yaxes"]:
        ticks = [t for t in texts if t["kind"] == f"{axis['id']}tick" and not outside(t["box"], chart["box"])]
        if axis["labelled"] and not ticks:
            found.append(f"y axis {axis['id']} shows no tick labels")
    return found


def page_violations(text: dict, charts: list[dict], setting: str, view: str) -> list[str]:
    """Cut metrics and sidebar text, lecture-mode metric size, and whether the first screen shows a chart."""
    found = [f"metric “{m['text']}” is cut off" for m in text["metrics"] if m["cut"]]
    found += [f"metric “{d['label']}”: its delta “{d['text']}” is cut off" for d in text["deltas"] if d["cut"]]
    found += [f"sidebar label “{label}” is cut off" for label in text["labels"]]
    found += [f"sidebar formula “{formula}” is cut off" for formula in text["formulas"]]
    found += [f"formula “{formula}” is cut off at its column's edge" for formula in text["cutFormulas"]]
    found += [
        f"slider value “{s['text']}” sits on its handle" for s in text["sliders"] if overlaps(s["value"], s["thumb"])
    ]
    if setting == "lecture":
        found += [
            f"metric “{m['text']}” is {m['size']:g} px, under twice the body text ({text['body']:g} px)"
            for m in text["metrics"]
            if m["size"] < 2 * text["body"] - 0.5
        ]
    if view not in NO_CHART | PATH_FIRST:
        if not charts:
            found.append("no chart is drawn")
        else:
            first = min(charts, key=lambda c: c["box"]["top"])["box"]
            height = first["bottom"] - first["top"]
            # In the first screen: at least half of the first chart shows without scrolling.
            if first["top"] + 0.5 * height > text["height"] + 0.5:
                found.append(f"the first chart starts at {first['top']:.0f} px: not in the first screen")
    return found


@pytest.fixture(scope="module")
def tabs(browser):
    """One browser tab per setting, kept for all views."""
    with tabs_by_setting(browser, SETTINGS) as open_tab:
        yield open_tab


def settle(page) -> list[dict]:
    """Wait until every chart has been drawn and its text has stopped moving (automargin redraws once)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gl-plotly')].every((gd) => gd._fullLayout)", timeout=60_000
    )
    previous = None
    for _ in range(20):
        charts = page.evaluate(MEASURE)
        if charts == previous:
            return charts
        previous = charts
        page.wait_for_timeout(250)
    return charts


def open_view(page, server: str, view: str, query: str) -> None:
    """Open one view with a setting's query, wait until the app is idle and its first chart (if any) is drawn."""
    path = VIEWS[view]
    joiner = "&" if "?" in path else "?"
    page.goto(f"{server}/{path}{joiner + query if query else ''}")
    wait_idle(page)
    if view not in NO_CHART and page.locator(".gl-plotly").count():
        page.locator(CHART).first.wait_for(state="visible", timeout=60_000)


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("setting", list(SETTINGS))
def test_every_text_of_every_chart_is_readable(tabs, server, setting, view):
    page = tabs(setting)
    open_view(page, server, view, SETTINGS[setting][1])
    charts = settle(page)
    text = page.evaluate(PAGE_TEXT)
    # The first screen as the student sees it, then every chart whole.
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"layout-{setting}-{view}.png"))
    for number in range(len(charts)):
        page.locator(".gl-plotly").nth(number).screenshot(
            path=str(SCREENSHOTS / f"layout-{setting}-{view}-{number + 1}.png")
        )
    found = page_violations(text, charts, setting, view)
    for number, chart in enumerate(charts, start=1):
        problems = chart_violations(chart, setting, text["background"])
        found += [f"chart {number} ({chart['name'] or 'untitled'}): {v}" for v in problems]
    assert not found, f"{view} at {setting}: {len(found)} problems\n" + "\n".join(found)
