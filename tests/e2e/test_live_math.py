"""ui/live_math.js in Chromium against the server's math: f and ∇f from core.portable's tree, every first-order
optimizer of the table, and numbers written as core.numbers writes them. No server: the script alone."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from core import descend, parse
from core.numbers import number
from core.optimizers import FIRST_ORDER
from core.portable import portable
from core.presets import PRESETS
from tests.core.test_portable import LEGAL

pytestmark = pytest.mark.e2e

SCRIPT = (Path(__file__).resolve().parents[2] / "ui" / "live_math.js").read_text()


@pytest.fixture(scope="module")
def js(browser):
    context = browser.new_context()
    tab = context.new_page()
    tab.set_content("<html><body></body></html>")
    tab.add_script_tag(content=SCRIPT + "\nwindow.LiveMath = LiveMath;")
    yield tab
    context.close()


def close(a: float | None, b: float, rel: float = 1e-12) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def test_f_and_its_gradient_equal_the_servers(js):
    cases = []
    for text in LEGAL:
        f = parse(text)
        rng = np.random.default_rng(len(text))
        points = [list(map(float, p)) for p in rng.uniform(-2.5, 2.5, size=(5, len(f.names)))]
        cases.append((f, portable(f), points))
    got = js.evaluate(
        "cases => cases.map(([tree, points]) => { const f = LiveMath.compile(tree); return points.map(p => f(p)); })",
        [[tree, points] for _, tree, points in cases],
    )
    for (f, _, points), values in zip(cases, got, strict=True):
        for point, mine in zip(points, values, strict=True):
            value, grad = f.value_and_grad(*point)
            for a, b in zip(mine, [float(value), *map(float, grad)], strict=True):
                assert close(a, b), (f.text, point, a, b)


def test_numbers_are_written_as_the_server_writes_them(js):
    rng = np.random.default_rng(7)
    values = [0.0, 1.4, -4.0, 2.0625, 0.125, 12345.0, 99999.4, 99995.0, 1e5, 0.00012345, 9.99951e-5, -3.5e-7, 1e-300]
    values += [float(v) for v in rng.normal(size=60) * 10.0 ** rng.integers(-9, 9, size=60)]
    cases = [(v, d, s) for v in values for d in (2, 3, 4) for s in (0.0, 1e6)]
    got = js.evaluate("cases => cases.map(([v, d, s]) => LiveMath.number(v, d, s))", cases)
    assert got == [number(v, d, scale=s) for v, d, s in cases]


def test_the_js_optimizers_are_the_tables_first_order_entries(js):
    assert sorted(js.evaluate("LiveMath.OPTIMIZERS")) == sorted(FIRST_ORDER)


@pytest.mark.parametrize("name", list(FIRST_ORDER))
@pytest.mark.parametrize("preset", ["lesson_quadratic", "rosenbrock", "himmelblau"])
def test_a_descent_in_the_browser_is_the_servers_path(js, name, preset):
    p = PRESETS[preset]
    f = parse(p.text)
    spec = FIRST_ORDER[name]
    rng = np.random.default_rng(len(name) + len(preset))
    # Hyperparameters inside the table's own ranges, not only the defaults.
    hyper = {h.name: float(rng.uniform(h.low, h.high)) if h.widget == "slider" else h.default for h in spec.hypers}
    start = [float(v) for v in p.start]
    run = descend(f, start, optimizer=name, lr=p.lr, steps=60, **hyper)
    path = js.evaluate(
        """([tree, start, name, lr, hyper]) => {
            const f = LiveMath.compile(tree);
            const out = LiveMath.descend(f, start, name, lr, 60, hyper);
            return { points: out.points, values: out.values, divergedAt: out.divergedAt };
        }""",
        [portable(f), start, name, p.lr, hyper],
    )
    assert path["divergedAt"] == run.diverged_at
    assert len(path["points"]) == len(run.points)
    for mine, theirs in zip(path["points"], run.points.tolist(), strict=True):
        assert [number(v) for v in mine] == [number(v) for v in theirs]
        assert all(close(a, b, rel=1e-9) for a, b in zip(mine, theirs, strict=True))
    assert [number(v) for v in path["values"]] == [number(v) for v in run.values]


NETWORKS = [
    ("neuron", "sigmoid", "squared"),
    ("neuron", "tanh", "cross_entropy"),
    ("2-2-1", "relu", "squared"),
    ("2-2-1", "tanh", "cross_entropy"),
]


@pytest.mark.parametrize(("arch", "activation", "loss"), NETWORKS)
def test_the_network_in_the_browser_is_cores_loss_gradient_and_training(js, arch, activation, loss):
    """LiveMath.network (core.network's graph sent as data, as ui.live sends it) gives core's mean loss and ∇L, and
    training it with the table's optimizers follows core.network.train's path."""
    from core.network import build, initial_weights, loss_and_gradient, train
    from core.points import make_points
    from ui.live import network_data

    net = build(arch, activation, loss)
    points = make_points("blobs" if loss == "squared" else "xor", 12, 3)
    rng = np.random.default_rng(len(arch) + len(activation))
    starts = [initial_weights(net, seed) for seed in range(3)] + [rng.normal(0, 2, len(net.weights))]
    spec = network_data(net, points)
    got = js.evaluate(
        "([spec, starts]) => { const f = LiveMath.network(spec); return starts.map(w => f(w)); }",
        [spec, [list(map(float, w)) for w in starts]],
    )
    for w, mine in zip(starts, got, strict=True):
        value, grad = loss_and_gradient(net, w, points)
        # To the last bits of a library function (tanh, exp): a partial that cancels to 10⁻⁶ keeps 10⁻¹⁵ absolute.
        np.testing.assert_allclose(mine, [value, *grad], rtol=1e-13, atol=1e-15)
    for name in ("gd", "adam"):
        run = train(net, starts[0], points, name, 0.5, 40)
        path = js.evaluate(
            """([spec, start, name, hyper]) => {
                const out = LiveMath.descend(LiveMath.network(spec), start, name, 0.5, 40, hyper);
                return { points: out.points, values: out.values };
            }""",
            [spec, list(map(float, starts[0])), name, dict(FIRST_ORDER[name].defaults)],
        )
        assert len(path["points"]) == len(run.points)
        assert [number(v, 6) for v in path["values"]] == [number(v, 6) for v in run.values]
        assert all(
            close(a, b, rel=1e-9)
            for p, q in zip(path["points"], run.points, strict=True)
            for a, b in zip(p, q, strict=True)
        )
