"""AppTest for the backpropagation page: it runs clean, its controls change what it shows, its numbers are
core's, its link reproduces it, and bad links and uploads say what was wrong."""

import numpy as np
import pytest

from core.network import build, initial_weights, loss_and_gradient
from core.points import make_points
from tests.hostile import hostile_strings
from tests.pages.conftest import assert_clean, figures, metrics, open_page, texts

PAGE = "pages/backprop.py"


def nodes(figure):
    return next(t for t in figure["data"] if t["name"] == "nodes")


def value(text):
    """A number as core.numbers writes it (a true minus sign, ×10ⁿ for the very small and large) read back."""
    plain = text.replace("\u202f×\u202f10", "e").replace("−", "-").replace("⁻", "-")
    return float(plain.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))


def test_the_page_runs_clean_and_its_gradient_is_cores():
    at = open_page(PAGE)
    assert_clean(at)
    assert not at.error and not at.warning
    graph, surface, surface3d, rnn = figures(at)
    assert len(nodes(graph)["x"]) == 8  # one neuron: x₁, x₂, w₁, w₂, b, z, ŷ, L
    assert any(t["name"].startswith("∇L from the backward pass") for t in surface["data"])
    assert any(t["type"] == "surface" for t in surface3d["data"])
    assert list(nodes(rnn)["text"]).count("w") == 4
    # Regression: the page opened at the last step (11 of 11), every number already there. It opens at step 1.
    assert at.slider(key="backprop.step").value == 1
    assert "Step 1 of 11 — Forward pass: z" in texts(at)
    net = build("neuron", "sigmoid", "squared")
    _, grad = loss_and_gradient(net, initial_weights(net, 0), make_points("blobs", 12, 0))
    assert value(metrics(at)["backward pass ∂L/∂w1"]) == pytest.approx(grad[0], rel=1e-9)
    table = at.dataframe[0].value
    np.testing.assert_allclose(table["∂L/∂w, all examples"], grad, rtol=1e-15)


def test_the_step_control_walks_the_forward_then_the_backward_pass():
    at = open_page(PAGE)
    first = figures(at)[0]
    at.slider(key="backprop.step").set_value(0).run()
    assert_clean(at)
    assert "Step 0 of 11 — Known at the start" in texts(at)
    start = figures(at)[0]
    assert start != first
    values = next(t for t in start["data"] if t["name"] == "values and adjoints")["text"]
    assert not any("∂L" in v for v in values)
    assert (at.button(key="backprop.prev").label, at.button(key="backprop.next").label) == ("◀ Back", "Next ▶")
    at.button(key="backprop.next").click().run()
    assert "Step 1 of 11 — Forward pass: z" in texts(at)
    assert r"z = w_{1} x_{1} + w_{2} x_{2} + b = " in texts(at)
    at.button(key="backprop.prev").click().run()
    at.button(key="backprop.prev").click().run()  # stays at 0
    assert at.slider(key="backprop.step").value == 0


def test_the_2_2_1_network_draws_the_bigger_graph_from_its_first_step():
    at = open_page(PAGE)
    at.sidebar.radio(key="backprop.model").set_value("2-2-1").run()
    assert_clean(at)
    assert len(nodes(figures(at)[0])["x"]) == 18
    assert at.slider(key="backprop.step").value == 1
    assert at.sidebar.selectbox(key="backprop.fd").value == "w11"
    at.slider(key="backprop.step").set_value(25).run()
    # an input feeds both hidden units: its adjoint is a sum of two terms
    assert r"\frac{\partial L}{\partial z_{1}}\cdot w_{12} + \frac{\partial L}{\partial z_{2}}\cdot w_{22}" in texts(at)
    assert not at.warning


def test_a_training_step_moves_every_weight_and_updates_the_graph():
    at = open_page(PAGE, {"model": "2-2-1", "act": "tanh", "loss": "cross_entropy", "opt": "adam", "lr": "0.1"})
    before = figures(at)[0]
    loss_before = value(metrics(at)["mean loss L"])
    at.button(key="backprop.train").click().run()
    assert_clean(at)
    assert at.sidebar.number_input(key="backprop.trained").value == 1
    step = at.dataframe[1].value
    assert (step["after"] != step["before"]).all()
    assert value(metrics(at)["mean loss L"]) < loss_before
    assert figures(at)[0] != before
    assert at.query_params["trained"] == ["1"] or at.query_params["trained"] == "1"
    at.button(key="backprop.reset").click().run()
    assert at.sidebar.number_input(key="backprop.trained").value == 0
    assert figures(at)[0] == before


def test_the_finite_difference_check_follows_the_chosen_weight_and_h():
    at = open_page(PAGE)
    at.sidebar.selectbox(key="backprop.fd").set_value("b").run()
    assert_clean(at)
    m = metrics(at)
    # h as every number on the page is written: 10⁻⁵, never "1e-05"
    assert value(m["central difference, h = 1\u202f×\u202f10⁻⁵"]) == pytest.approx(
        value(m["backward pass ∂L/∂b"]), abs=1e-8
    )
    at.sidebar.select_slider(key="backprop.h").set_value(0.1).run()
    m = metrics(at)
    assert "central difference, h = 0.1" in m
    assert value(m["|difference|"]) > 1e-6
    # issue 27: the caption says what the numbers show, here the step's truncation
    assert any("as the step h = 0.1 predicts: mostly truncation" in c.value for c in at.caption)


def test_the_rnn_controls_change_the_paths():
    at = open_page(PAGE)
    before = figures(at)[3]
    at.sidebar.slider(key="backprop.T").set_value(6).run()
    at.sidebar.slider(key="backprop.path").set_value(5).run()
    assert_clean(at)
    after = figures(at)[3]
    assert after != before and any(t["name"] == "path through step 5" for t in after["data"])
    assert texts(at).count(r"\Big|_{\text{step ") == 6


def test_the_link_reproduces_the_view():
    at = open_page(PAGE)
    at.sidebar.radio(key="backprop.model").set_value("2-2-1").run()
    at.sidebar.selectbox(key="backprop.act").set_value("relu").run()
    at.sidebar.number_input(key="backprop.seed").set_value(7).run()
    at.sidebar.number_input(key="backprop.example").set_value(3).run()
    at.sidebar.selectbox(key="backprop.wx").set_value("v1").run()
    at.button(key="backprop.train").click().run()
    at.slider(key="backprop.step").set_value(9).run()  # reruns the graph's part alone
    at.run()  # the whole page, as the browser shows it (AppTest holds only the part that reran)
    at.sidebar.slider(key="backprop.rw").set_value(-1.0).run()
    link = {k: v[0] if isinstance(v, list) else v for k, v in dict(at.query_params).items()}
    fresh = open_page(PAGE, link)
    assert_clean(fresh)
    assert not fresh.warning, [w.value for w in fresh.warning]
    assert figures(fresh) == figures(at)
    assert texts(fresh) == texts(at)


@pytest.mark.parametrize(
    ("name", "value"),
    [("model", "3-3-1"), ("step", "99"), ("fd", "v1"), ("example", "50"), ("h", "0.5"), ("rw", "5"), ("lr", "-1")],
)
def test_a_bad_link_parameter_warns_by_name_and_falls_back(name, value):
    default = open_page(PAGE)
    at = open_page(PAGE, {name: value})
    assert_clean(at)
    warnings = [w.value for w in at.warning]
    assert any(f"“{name}”" in w for w in warnings), warnings
    assert figures(at) == figures(default)


def test_hostile_link_parameters_warn_and_run_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    canary = tmp_path / "canary"
    for text in hostile_strings(str(canary))[:12]:
        at = open_page(PAGE, dict.fromkeys(["model", "act", "fd", "step", "lr", "h", "wx", "T"], text))
        assert_clean(at)
        assert any("ignored" in w.value for w in at.warning)
    assert not canary.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"1,2\n3,4\n5,6\n", "needs three"),
        (b"x1,x2,t\n1,2,0\n3,zz,1\n5,6,0\n", "not a number"),
        (b"\x00\x01", "not a text CSV"),
        (b"x" * 300_000, "too large"),
    ],
)
def test_a_bad_upload_names_the_file_and_keeps_the_generated_data(content, reason):
    at = open_page(PAGE)
    at.sidebar.file_uploader(key="backprop.csv").upload("points.csv", content, "text/csv").run()
    assert_clean(at)
    errors = [e.value.replace("\\", "") for e in at.error]  # messages are escaped markdown
    assert any("points.csv" in e and reason in e for e in errors), errors
    assert "generated" in texts(at)


def test_a_good_upload_is_used_and_cross_entropy_refuses_targets_outside_zero_one():
    at = open_page(PAGE)
    upload = at.sidebar.file_uploader(key="backprop.csv")
    upload.upload("points.csv", b"x1,x2,t\n0,1,0\n1,0,1\n2,2,3\n", "text/csv").run()
    assert_clean(at)
    assert "uploaded CSV (3 points)" in texts(at) and not at.error
    at.sidebar.radio(key="backprop.loss").set_value("cross_entropy").run()
    assert any("point 3 has t = 3" in e.value.replace("\\", "") for e in at.error)
    assert "generated" in texts(at)


def test_lecture_mode_enlarges_the_figures_and_keeps_the_numbers():
    normal = open_page(PAGE)
    big = open_page(PAGE, {"lecture": "1"})
    assert_clean(big)
    assert figures(big)[0]["layout"]["font"]["size"] > figures(normal)[0]["layout"]["font"]["size"]
    assert figures(big)[0]["layout"]["height"] > figures(normal)[0]["layout"]["height"]
    assert metrics(big) == metrics(normal)
