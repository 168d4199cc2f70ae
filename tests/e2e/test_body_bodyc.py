"""Issue 28 item 4 in Chromium on the curvature and regression pages: a click on a sidebar slider reruns only the
page's body and its link. The sidebar stays, the address bar and the shown numbers follow the slider, and the
server sends nothing of the page around the body (its opening sentence, the sidebar's controls)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.harness import slider_point, wait_idle
from core import PRESETS
from core.curvature import curvature_at
from core.numbers import number
from core.regression import make_dataset
from tests.e2e.test_direct_manipulation import chart, link, open_page
from tests.e2e.test_live_drag import metrics, receiving
from ui import cache


def settled(page, got: list[bytes], around: tuple[bytes, ...]) -> int:
    """Wait until the opening run is over and watched (its frames hold the page around the body); frames so far."""
    page.wait_for_timeout(1500)  # no rerun of the page's opening still on its way
    wait_idle(page)
    assert all(any(text in frame for frame in got) for text in around)
    return len(got)


def click_slider(page, key: str, fraction: float, old: str) -> dict[str, str]:
    """Click the slider's track at ``fraction`` of its width; the link once its value left ``old``."""
    name = key.split(".")[1]
    page.mouse.click(*slider_point(page, key, fraction))
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('{name}') !== '{old}'", timeout=60_000)
    wait_idle(page)
    return link(page)


def test_a_click_on_the_p_slider_reruns_only_the_curvature_body(page, server):
    around = (b"the slope itself changes",)  # drawn only by a whole-page run
    got = receiving(page)
    open_page(page, server, "curvature", "f=himmelblau&x0=0&y0=0")
    chart(page, "curvature.hessian")
    before = settled(page, got, around)
    params = click_slider(page, "curvature.x0", 0.8, "0")
    x0, y0 = float(params["x0"]), float(params["y0"])
    assert x0 > 1 and y0 == 0  # the track's right part (himmelblau: −5 … 5)
    c = curvature_at(cache.function(PRESETS["himmelblau"].text), (x0, y0))
    shown = metrics(page)
    assert (shown["λ₁"], shown["λ₂"]) == (number(c.eigenvalues[0]), number(c.eigenvalues[1]))  # the server's, at P
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_test_id("stSlider").count() == 2 and sidebar.get_by_text("Type exact coordinates").count()
    after = got[before:]
    assert any("λ₁".encode() in frame for frame in after)  # the body reran
    assert any(b"Type exact coordinates" in frame for frame in after)  # with P's sliders, its own (ui.parts)
    assert not any(text in frame for frame in after for text in around)  # the page around it did not
    assert page.get_by_test_id("stException").count() == 0


def test_a_click_on_the_steps_slider_reruns_only_the_regression_fit(page, server):
    around = (b"Training a model is gradient descent", "Learning rate η".encode())
    got = receiving(page)
    open_page(page, server, "regression", "tab=Fit+a+line+to+data&opt=gd&lr=0.05&steps=100")
    chart(page, "regression.surface")
    before = settled(page, got, around)
    steps = int(click_slider(page, "regression.steps", 0.1, "100")["steps"])
    assert 20 < steps < 80  # a tenth of the track: 1 … 500
    data, w = make_dataset(seed=0), np.zeros(2)
    for _ in range(steps):  # full-batch gradient descent on the MSE, written out
        r = w[0] * data.x + w[1] - data.y
        w = w - 0.05 * np.array([2 * np.sum(r * data.x), 2 * np.sum(r)]) / len(data.x)
    shown = metrics(page)
    assert (shown[f"w₁ (step {steps})"], shown[f"w₂ (step {steps})"]) == (number(w[0]), number(w[1]))
    assert page.get_by_test_id("stSidebar").get_by_test_id("stSlider").count() >= 1  # the sidebar is still there
    after = got[before:]
    assert any(f"step {steps}".encode() in frame for frame in after)
    assert not any(text in frame for frame in after for text in around)
    assert page.get_by_test_id("stException").count() == 0


@pytest.mark.parametrize("eta", ["0.05"])
def test_a_new_eta_reruns_the_lesson_tab_and_its_link_to_step_3_still_works(page, server, eta):
    """The lesson tab's link to the hand step (st.page_link) is drawn again when the body reruns alone."""
    open_page(page, server, "regression", "")
    box = page.get_by_test_id("stSidebar").get_by_label("Learning rate η")
    box.fill(eta)
    box.press("Enter")
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('lr') === '{eta}'", timeout=60_000)
    wait_idle(page)
    page.get_by_text("shrinks the residual to 0.5 of itself").first.wait_for(timeout=30_000)  # r ← (1 − 10η)·r
    hand = page.get_by_test_id("stPageLink").filter(has_text="the hand step")
    assert hand.count() == 1
    hand.click()
    page.wait_for_url("**/several_weights**", timeout=60_000)
    assert page.get_by_test_id("stException").count() == 0


def test_another_optimizer_reruns_the_whole_regression_page_with_its_hyperparameters(page, server):
    """The optimizer is drawn with η and the steps, whose moves rerun the body alone; choosing another one reruns
    the whole page from the body, so the sidebar shows the new optimizer's hyperparameters and rule."""
    open_page(page, server, "regression", "tab=Fit+a+line+to+data&opt=gd&lr=0.05&steps=20")
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_text("Hyperparameters").count() == 0  # plain gradient descent has none
    chart(page, "regression.surface")  # the page is drawn: the box reacts to a click
    box = page.locator(".st-key-regression-opt input")
    box.click()
    box.fill("Momentum")  # typing filters the list; Momentum comes before Nesterov momentum
    page.get_by_role("option", name="Momentum", exact=True).wait_for(timeout=30_000)
    box.press("Enter")
    page.wait_for_function("() => new URLSearchParams(location.search).get('opt') === 'momentum'", timeout=60_000)
    wait_idle(page)
    sidebar.get_by_text("Hyperparameters").wait_for(timeout=30_000)
    assert link(page)["momentum"] == "0.9"  # the table's default, in the link as in the sidebar
    assert "w₁ (step 20)" in metrics(page)
    assert page.get_by_test_id("stException").count() == 0
