"""Keyboard, screen reader and ear in a real browser (issue 29): a map takes one Tab stop and its arrow keys move P,
its description follows and is announced once; each toolbar is one Tab stop; formulas keep their MathML; the
audio trace plays the slice through P."""

from __future__ import annotations

from itertools import pairwise
from urllib.parse import parse_qs, urlsplit

import pytest

from bench.harness import wait_idle
from core.numbers import number
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

CONTOUR = ".st-key-gradient-contour .gl-plotly"


def link(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def open_gradient(page, server: str) -> None:
    page.goto(f"{server}/gradient?f=lesson_quadratic&x0=1&y0=2")
    wait_idle(page)
    page.locator(f"{CONTOUR}[aria-describedby]").wait_for(state="attached", timeout=30_000)


def focused(page) -> dict:
    """What has the keyboard's focus: its chart's key (if inside one), its role and its classes."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const keyed = el.closest('[class*="st-key-"]');
            const key = keyed && [...keyed.classList].find(c => c.startsWith('st-key-'));
            return {key, role: el.getAttribute('role'), cls: String(el.className.baseVal ?? el.className),
                    chart: el.classList.contains('gl-plotly'), tool: el.classList.contains('modebar-btn')};
        }"""
    )


def tab_to(page, selector: str, limit: int = 60) -> int:
    """Press Tab until the element matching ``selector`` has the focus; the number of presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab")


def description(page, selector: str = CONTOUR) -> str:
    return page.evaluate(
        "s => { const d = document.querySelector(s); "
        "return document.getElementById(d.getAttribute('aria-describedby')).textContent; }",
        selector,
    )


def assert_one_stop_each(page, charts: int) -> None:
    """Each chart on the page is one Tab stop, and its toolbar (of many buttons) adds at most one more."""
    stops = page.evaluate(
        """() => [...document.querySelectorAll('.gl-plotly')].map(gd => ({
            key: [...gd.closest('[class*="st-key-"]').classList].find(c => c.startsWith('st-key-')),
            tools: [...gd.querySelectorAll('.modebar-btn')].filter(b => b.tabIndex >= 0).length,
            buttons: gd.querySelectorAll('.modebar-btn').length,
            chart: gd.tabIndex}))"""
    )
    assert len(stops) == charts
    for stop in stops:
        assert stop["chart"] == 0 and stop["tools"] <= 1 < stop["buttons"], stop


def test_the_keyboard_moves_p_on_the_map_and_the_new_description_is_announced_once(page, server):
    open_gradient(page, server)
    chart = page.locator(CONTOUR)
    assert chart.get_attribute("aria-label") == "Contour map of f = 3x² + 2xy + y²"
    assert "P at (1, 2), where f = 11; the gradient (10, 6) points up and to the right" in description(page)
    assert page.locator(".st-key-gradient-contour [aria-live=polite]").text_content() == ""

    tab_to(page, CONTOUR)
    assert focused(page)["chart"]
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus shows
    assert page.locator(".st-key-gradient-contour .gl-keys").is_visible()  # and so do the keys
    screenshot(page, "a11y-map-focused")

    # Three quick presses add up (the page is asked at most every 150 ms, the last point always): x0 1 → 1.15,
    # three of the slider's steps of 0.05 on a ±3 domain.
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') === '1.15'", timeout=30_000)
    wait_idle(page)
    page.keyboard.press("Shift+ArrowDown")  # y0: 2 → 1.5, ten steps
    page.wait_for_function("() => new URLSearchParams(location.search).get('y0') === '1.5'", timeout=30_000)
    wait_idle(page)
    assert (link(page)["x0"], link(page)["y0"]) == ("1.15", "1.5")
    page.wait_for_function(
        "s => document.querySelector(s).getAttribute('aria-describedby') && "
        "document.getElementById(document.querySelector(s).getAttribute('aria-describedby'))"
        ".textContent.includes('P at (1.15, 1.5)')",
        arg=CONTOUR,
        timeout=30_000,
    )
    # ∇f = (6x + 2y, 2x + 2y) at (1.15, 1.5) = (9.9, 5.3); f = 3·1.15² + 2·1.15·1.5 + 1.5² = 9.6675, written
    # to 4 digits as the page writes it.
    said = description(page)
    value = number(3 * 1.15**2 + 2 * 1.15 * 1.5 + 1.5**2)
    assert f"P at (1.15, 1.5), where f = {value}; the gradient (9.9, 5.3) points up and to the right" in said
    live = page.locator(".st-key-gradient-contour [aria-live=polite]")
    assert "P at (1.15, 1.5)" in live.text_content()
    assert focused(page)["chart"]  # the focus stayed on the map through the reruns
    # Said once, by the chart the gesture was on: the other charts changed too (D_u f follows P) but stay quiet.
    for quiet in ("gradient-directional", "gradient-surface"):
        assert page.locator(f".st-key-{quiet} [aria-live=polite]").text_content() == ""


def test_each_toolbar_is_one_tab_stop_formulas_keep_mathml_and_the_audio_trace_plays(page, server):
    open_gradient(page, server)
    tab_to(page, CONTOUR)
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["tool"] and first["key"] == "st-key-gradient-contour"
    buttons = page.locator(".st-key-gradient-contour .modebar-btn")
    count = buttons.count()
    assert count >= 5
    page.keyboard.press("ArrowRight")
    second = page.evaluate("() => document.activeElement.getAttribute('data-title')")
    assert second == buttons.nth(1).get_attribute("data-title")
    page.keyboard.press("Tab")  # out of the toolbar in one press, whichever button has the focus
    after = focused(page)
    assert not (after["tool"] and after["key"] == "st-key-gradient-contour")
    # Over the whole page: every chart is one Tab stop and its toolbar one more.
    assert_one_stop_each(page, charts=3)

    # The formulas keep KaTeX's MathML, which screen readers read (the drawn HTML is hidden from them).
    mathml = page.locator(".katex .katex-mathml math")
    # st.latex (the sidebar's f, ∇f under the map) and $…$ in markdown (the directional derivative's text).
    assert mathml.count() >= 4
    assert page.locator(".katex").count() == mathml.count()  # every formula, none drawn as HTML only
    assert page.locator(".katex .katex-html[aria-hidden=true]").count() == mathml.count()
    assert page.locator(".katex-mathml math annotation[encoding='application/x-tex']").count() == mathml.count()

    # The audio trace: S on the focused map plays f along x through P, with a tick at P.
    page.focus(CONTOUR)
    page.keyboard.press("s")
    page.wait_for_function("() => window.__gradientLabSound", timeout=10_000)
    played = page.evaluate("() => window.__gradientLabSound")
    assert played["what"] == "f along x through P"
    notes = played["notes"]
    assert len(notes) == 61  # the grid's row through y = 2
    assert notes[0]["pan"] == -1 and notes[-1]["pan"] == 1
    # f(x, 2) = 3x² + 4x + 4 is lowest at x = −2/3: the lowest pitch (220 Hz) near there, highest at x = 3.
    lowest = min(range(61), key=lambda i: notes[i]["hz"])
    assert -0.8 <= -3 + 0.1 * lowest <= -0.6
    assert max(n["hz"] for n in notes) == pytest.approx(880) == notes[-1]["hz"]
    assert played["tick"]["pan"] == pytest.approx((1 + 3) / 6 * 2 - 1)  # the tick where x = 1 (P)
    page.keyboard.press("s")  # again: stops


def test_the_descent_playback_plays_with_space_and_its_start_moves_with_the_keys(page, server):
    page.goto(f"{server}/descent?f=lesson_quadratic&x0=2&y0=-2")
    wait_idle(page)
    chart = ".st-key-descent-playback .gl-plotly"
    page.locator(f"{chart}[aria-describedby]").wait_for(state="attached", timeout=30_000)
    assert "the start at (2, −2)" in description(page, chart)
    assert "Space plays and pauses" in description(page, chart)
    tab_to(page, chart)
    page.keyboard.press("Space")
    page.wait_for_function(
        "s => document.querySelector(s)._fullLayout.sliders[0].active > 3", arg=chart, timeout=30_000
    )
    page.keyboard.press("Space")  # pause
    paused = page.evaluate("s => document.querySelector(s)._fullLayout.sliders[0].active", chart)
    page.wait_for_timeout(500)
    assert page.evaluate("s => document.querySelector(s)._fullLayout.sliders[0].active", chart) == paused < 60
    # S: the loss at each step as sound, the tick at the step the figure shows now.
    page.keyboard.press("s")
    page.wait_for_function("() => window.__gradientLabSound", timeout=10_000)
    played = page.evaluate("() => window.__gradientLabSound")
    assert played["what"] == "f at each step of the descent"
    assert played["tick"]["at"] == played["notes"][paused]["at"]
    # f falls along the descent: the pitch never rises (lesson quadratic, η = 0.1).
    pitches = [n["hz"] for n in played["notes"]]
    assert pitches[0] == pytest.approx(880) and all(a >= b for a, b in pairwise(pitches))
    page.keyboard.press("s")
    page.keyboard.press("ArrowLeft")  # the start: x 2 → 1.95
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') === '1.95'", timeout=30_000)
    wait_idle(page)
    page.wait_for_function(
        "s => document.getElementById(document.querySelector(s).getAttribute('aria-describedby'))"
        ".textContent.includes('the start at (1.95, −2)')",
        arg=chart,
        timeout=30_000,
    )
    assert_one_stop_each(page, charts=2)  # the playback and the progress chart
    # The step buttons show their keys.
    for label, key in (("Back", "B"), ("Next", "N")):
        shown = page.locator(f"button:has(kbd[aria-label='Shortcut {key}'])", has_text=label).filter(visible=True)
        assert shown.count() == 1, label


def test_a_formula_wider_than_its_column_takes_the_focus_so_the_keyboard_can_scroll_it(page, server):
    """axe-core's scrollable-region-focusable: a display formula that scrolls sideways is a Tab stop (and only
    while it scrolls, so the Tab order does not pass through every formula)."""
    page.goto(f"{server}/regression?tab=The+lesson%27s+loss")
    wait_idle(page)
    formulas = page.locator("[data-testid=stMain] .katex-display")
    formulas.first.wait_for(timeout=30_000)
    assert page.locator("[data-testid=stMain] .katex-display[tabindex]").count() == 0  # each fits its column
    formula = formulas.nth(1)
    formula.evaluate("f => { f.style.width = '60px'; window.dispatchEvent(new Event('resize')); }")
    page.wait_for_function("f => f.getAttribute('tabindex') === '0'", arg=formula.element_handle(), timeout=5_000)
    assert formula.get_attribute("role") == "group"
    formula.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("f => f.scrollLeft > 0", arg=formula.element_handle(), timeout=5_000)
    formula.evaluate("f => { f.style.width = ''; window.dispatchEvent(new Event('resize')); }")
    page.wait_for_function("f => !f.hasAttribute('tabindex')", arg=formula.element_handle(), timeout=5_000)


MEASURED = """async (where) => {
  // Every read of a formula's width, while the page (or the element ``where``) changes in 20 small batches within
  // one task (as a rerun's commits and chart redraws do), then one frame and its tasks.
  const real = Object.getOwnPropertyDescriptor(Element.prototype, "scrollWidth");
  let reads = 0;
  Object.defineProperty(Element.prototype, "scrollWidth", {
    configurable: true,
    get() {
      if (this.classList.contains("katex-display")) reads += 1;
      return real.get.call(this);
    },
  });
  try {
    for (let i = 0; i < 20; i += 1) {
      (where ? document.querySelector(where) : document.body).appendChild(document.createElement("div")).remove();
      await Promise.resolve(); // the observer hears each batch
    }
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  } finally {
    Object.defineProperty(Element.prototype, "scrollWidth", real);
  }
  return [reads, document.querySelectorAll(".katex-display").length];
}"""


def test_the_formulas_are_measured_once_a_frame_not_after_every_change_of_the_page(page, server):
    """Measuring the formulas lays the page out: after each of a rerun's many small changes, that cost a layout of
    the whole page each time before its charts could be painted. Twenty batches in one task: each formula is read
    once, in the next frame; changes inside a chart (a drag's preview on every frame) are not looked at."""
    page.goto(f"{server}/regression?tab=The+lesson%27s+loss")
    wait_idle(page)
    page.locator("[data-testid=stMain] .katex-display").first.wait_for(timeout=30_000)
    reads, formulas = page.evaluate(MEASURED, None)
    assert formulas >= 3
    assert reads == formulas, (reads, formulas)
    # Every chart drawn, and a frame after: a chart drawn the first time moves what is below it (a 3D scene a frame
    # after the flat charts), which rightly has the formulas read again; on a loaded machine that fell in the window.
    page.wait_for_function(
        "() => { const charts = [...document.querySelectorAll('.gl-plotly')];"
        " return charts.length > 0 && charts.every((chart) => chart.querySelector('.main-svg')); }",
        timeout=30_000,
    )
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())))")
    reads, _ = page.evaluate(MEASURED, ".gl-plotly")  # a chart redrawn, a dragged point's preview: no formula
    assert reads == 0
