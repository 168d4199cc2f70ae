"""The backpropagation lab's math against torch.autograd, central differences, and the chain rule's own sums."""

import numpy as np
import pytest

from core.backprop import backward_order, finite_difference, forward_order, walkthrough
from core.network import ACTIVATIONS, ARCHITECTURES, LOSSES, as_dict, build, initial_weights, loss_and_gradient, run
from core.network import train as train_network
from core.numbers import number
from core.points import DataError, check_targets, make_points, read_points
from core.rnn import sequence, unroll

torch = pytest.importorskip("torch")

NETWORKS = [(a, f, loss) for a in ARCHITECTURES for f in ACTIVATIONS for loss in LOSSES]
POINTS = make_points("xor", n=12, seed=3)


def torch_loss(net, w, x, t):
    """The same network written directly in torch: the mean loss over the examples, in float64."""
    W = {name: torch.tensor(v, dtype=torch.float64, requires_grad=True) for name, v in as_dict(net, w).items()}
    x = torch.tensor(x, dtype=torch.float64)
    t = torch.tensor(t, dtype=torch.float64)
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}
    if net.arch == "neuron":
        y = act[net.output](W["w1"] * x[:, 0] + W["w2"] * x[:, 1] + W["b"])
    else:
        h1 = act[net.activation](W["w11"] * x[:, 0] + W["w12"] * x[:, 1] + W["b1"])
        h2 = act[net.activation](W["w21"] * x[:, 0] + W["w22"] * x[:, 1] + W["b2"])
        y = act[net.output](W["v1"] * h1 + W["v2"] * h2 + W["c"])
    loss = ((y - t) ** 2).mean() if net.loss == "squared" else torch.nn.functional.binary_cross_entropy(y, t)
    loss.backward()
    return loss.item(), np.array([W[name].grad.item() for name in net.weights])


@pytest.mark.parametrize(("arch", "activation", "loss"), NETWORKS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_partial_equals_torch_autograd(arch, activation, loss, seed):
    net = build(arch, activation, loss)
    w = initial_weights(net, seed)
    L, grad = loss_and_gradient(net, w, POINTS)
    expected_L, expected_grad = torch_loss(net, w, POINTS.x, POINTS.t)
    assert abs(L - expected_L) <= 1e-12
    np.testing.assert_allclose(grad, expected_grad, rtol=0, atol=1e-12)
    assert np.abs(grad).max() > 1e-3  # a real gradient, not zeros agreeing with zeros


@pytest.mark.parametrize(("arch", "activation", "loss"), NETWORKS)
def test_one_examples_graph_adjoints_equal_torch_autograd(arch, activation, loss):
    net = build(arch, activation, loss)
    w = initial_weights(net, 4)
    x, t = POINTS.x[5], POINTS.t[5]
    p = run(net, as_dict(net, w), (x[0], x[1]), t)
    _, expected = torch_loss(net, w, x[None, :], np.array([t]))
    np.testing.assert_allclose([p.adjoints[name] for name in net.weights], expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize(("arch", "activation", "loss"), NETWORKS)
def test_each_adjoint_is_the_sum_over_outgoing_edges_of_adjoint_times_local_partial(arch, activation, loss):
    net = build(arch, activation, loss)
    p = run(net, as_dict(net, initial_weights(net, 1)), (0.7, -1.1), 1.0)
    for node in net.nodes[:-1]:
        outgoing = [e for e in net.edges if e.source == node.name]
        assert outgoing, node.name
        chain = sum(p.adjoints[e.target] * p.partials[(e.source, e.target)] for e in outgoing)
        if loss == "cross_entropy" and node.name == net.node("yhat").parents[0]:
            # the output's logit takes ŷ − t whole (issue 27); the product of the two factors is the same number
            assert p.adjoints[node.name] == pytest.approx(chain, rel=1e-13)
            continue
        assert p.adjoints[node.name] == chain
    # the inputs of the 2-2-1 network feed both hidden units: their adjoints are sums of two paths
    if arch == "2-2-1":
        assert len([e for e in net.edges if e.source == "x1"]) == 2


def test_the_local_partials_are_the_lessons_rules_at_the_current_values():
    net = build("2-2-1", "tanh", "squared")
    w = as_dict(net, initial_weights(net, 0))
    p = run(net, w, (0.5, 2.0), 1.0)
    v = p.values
    assert p.partials[("w12", "z1")] == 2.0 and p.partials[("x2", "z1")] == w["w12"] and p.partials[("b1", "z1")] == 1.0
    assert p.partials[("z1", "h1")] == pytest.approx(1 - np.tanh(v["z1"]) ** 2)
    assert p.partials[("z3", "yhat")] == pytest.approx(v["yhat"] * (1 - v["yhat"]))
    assert p.partials[("yhat", "L")] == pytest.approx(2 * (v["yhat"] - 1.0))
    assert v["L"] == pytest.approx((v["yhat"] - 1.0) ** 2)


@pytest.mark.parametrize(("arch", "activation", "loss"), NETWORKS)
def test_central_differences_agree_with_the_backward_pass(arch, activation, loss):
    net = build(arch, activation, loss)
    w = initial_weights(net, 2)
    for weight in net.weights:
        check = finite_difference(net, w, POINTS, weight, h=1e-6)
        assert check.central == pytest.approx(check.backprop, abs=1e-7)
        assert check.plus != check.minus or check.backprop == 0


def test_a_finite_difference_with_a_large_h_differs_by_the_curvature():
    net = build("neuron", "sigmoid", "squared")
    w = initial_weights(net, 0)
    rough = finite_difference(net, w, POINTS, "w1", h=0.5)
    fine = finite_difference(net, w, POINTS, "w1", h=1e-5)
    assert rough.difference > 1e3 * fine.difference


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_the_walkthrough_visits_every_node_forward_then_backward_in_a_valid_order(arch):
    net = build(arch, "sigmoid", "cross_entropy")
    p = run(net, as_dict(net, initial_weights(net, 0)), (1.0, -1.0), 1.0)
    steps = walkthrough(net, p, 1.0)
    computed = [n.name for n in net.nodes if n.kind not in ("input", "weight")]
    assert [s.node for s in steps if s.kind == "forward"] == forward_order(net) == computed
    order = backward_order(net)
    assert [s.node for s in steps if s.kind == "backward"] == order
    assert sorted(order) == sorted(n.name for n in net.nodes)
    for i, name in enumerate(order):  # every outgoing edge's target already has its adjoint
        assert all(e.target in order[:i] for e in net.edges if e.source == name)
    assert order[0] == "L" and order[-2:] == ["x1", "x2"]


def test_a_backward_step_writes_the_sum_with_its_numbers():
    net = build("2-2-1", "relu", "squared")
    w = np.array([1.0, 2.0, 0.5, -1.0, 1.0, 0.25, 2.0, -3.0, 0.1])
    p = run(net, as_dict(net, w), (1.0, 0.5), 1.0)
    step = next(s for s in walkthrough(net, p, 1.0) if s.kind == "backward" and s.node == "x1")
    assert len(step.edges) == 2
    # z1 = 1 + 1 + 0.5 = 2.5 (relu passes it), z2 = −1 + 0.5 + 0.25 < 0 (relu blocks it)
    assert p.values["z1"] == 2.5 and p.values["h2"] == 0.0
    two_paths = r"\frac{\partial L}{\partial z_{1}}\cdot w_{11} + \frac{\partial L}{\partial z_{2}}\cdot w_{21}"
    assert two_paths in step.latex
    forward = next(s for s in walkthrough(net, p, 1.0) if s.node == "z1")
    assert forward.latex.endswith("= 2.5") and r"1\cdot 1 + 2\cdot 0.5 + 0.5" in forward.latex


TORCH_OPTIMIZERS = {
    "gd": lambda params, lr: torch.optim.SGD(params, lr=lr),
    "momentum": lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9),
    "adam": lambda params, lr: torch.optim.Adam(params, lr=lr),
}


@pytest.mark.parametrize("optimizer", list(TORCH_OPTIMIZERS))
def test_training_steps_move_every_weight_as_torch_optim_does(optimizer):
    net = build("2-2-1", "tanh", "cross_entropy")
    w0 = initial_weights(net, 0)
    run3 = train_network(net, w0, POINTS, optimizer, 0.1, 3)
    # the same three steps in torch: autograd's gradient, torch.optim's update
    W = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    opt = TORCH_OPTIMIZERS[optimizer]([W], 0.1)
    for k in range(1, 4):
        opt.zero_grad()
        loss, grad = torch_loss(net, W.detach().numpy(), POINTS.x, POINTS.t)
        W.grad = torch.tensor(grad, dtype=torch.float64)
        opt.step()
        np.testing.assert_allclose(run3.points[k], W.detach().numpy(), rtol=0, atol=1e-12)
        assert run3.values[k - 1] == pytest.approx(loss, abs=1e-12)
    assert (run3.points[1] != w0).all()
    assert run3.values[3] < run3.values[0]
    assert run3.status == "ok"


def test_training_stops_honestly_when_the_loss_blows_up():
    net = build("neuron", "relu", "squared")
    points = make_points("blobs", 12, 0)._replace(t=np.full(12, 1e5))
    result = train_network(net, initial_weights(net, 0), points, "gd", 10.0, 50)
    assert result.status == "diverged" and len(result.points) == result.diverged_at


def torch_rnn(w, u, xs, target, h0):
    W = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    U = torch.tensor(u, dtype=torch.float64, requires_grad=True)
    h = torch.tensor(h0, dtype=torch.float64)
    for x in xs:
        h = torch.tanh(W * h + U * float(x))
    loss = (h - target) ** 2
    loss.backward()
    return loss.item(), W.grad.item(), U.grad.item()


@pytest.mark.parametrize("steps", [1, 2, 3, 5, 6])
@pytest.mark.parametrize(("w", "u", "h0"), [(0.8, 1.2, 0.0), (-1.5, 0.4, 0.5), (1.9, -2.0, -0.3)])
def test_rnn_gradient_through_time_equals_torch_autograd(steps, w, u, h0):
    xs = sequence(steps, seed=steps)
    r = unroll(w, u, xs, target=0.5, h0=h0)
    loss, dw, du = torch_rnn(w, u, xs, 0.5, h0)
    assert r.loss == pytest.approx(loss, abs=1e-12)
    assert r.grad_w == pytest.approx(dw, abs=1e-12)
    assert r.grad_u == pytest.approx(du, abs=1e-12)


def test_rnn_paths_through_time_are_the_chain_products_and_sum_to_the_total():
    r = unroll(0.9, 1.1, np.array([0.5, -0.2, 0.8, 0.3]), target=-0.4, h0=0.5)
    T = r.steps
    for t in range(1, T + 1):
        product = r.adjoints[T] * np.prod(r.carry[t:T]) * r.direct_w[t - 1]
        assert r.paths_w[t - 1] == pytest.approx(product, rel=1e-14)
    assert r.grad_w == pytest.approx(sum(r.paths_w), rel=1e-15)
    assert np.count_nonzero(r.paths_w) == T  # every use of w contributes
    # holding the earlier states fixed keeps only the last path: the partial, not the total derivative
    assert r.paths_w[-1] != pytest.approx(r.grad_w)
    eps = 1e-6
    numeric = (unroll(0.9 + eps, 1.1, r.xs, -0.4, 0.5).loss - unroll(0.9 - eps, 1.1, r.xs, -0.4, 0.5).loss) / (2 * eps)
    assert numeric == pytest.approx(r.grad_w, abs=1e-8)


def test_uploaded_points_are_read_and_checked():
    points = read_points(b"x1,x2,label\n0,1,0\n1,0,1\n2,2,1\n")
    assert points.x.tolist() == [[0, 1], [1, 0], [2, 2]] and points.t.tolist() == [0, 1, 1]
    check_targets(points, "cross_entropy")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"1,2\n3,4\n5,6\n", "Line 1 has 2 columns; the file needs three"),
        (b"1,2,0\n3,x,1\n5,6,0\n", "In columns x2 and t: Row 2 has a value that is not a number: 'x'"),
        (b"1,2,0\n3,4,1\n", "Too few rows"),
        (b"\xff\xfe", "not UTF-8"),
        (b"", "empty"),
        ("\n".join(f"{i},{i},1" for i in range(201)).encode(), "at most 200"),
    ],
)
def test_a_bad_upload_says_what_is_wrong(data, message):
    with pytest.raises(DataError, match=message):
        read_points(data)


def test_cross_entropy_rejects_targets_outside_zero_one():
    points = read_points(b"0,1,0\n1,0,2.5\n2,2,1\n")
    check_targets(points, "squared")
    with pytest.raises(DataError, match=r"point 2 has t = 2.5"):
        check_targets(points, "cross_entropy")


# issue 27: cross-entropy from the logit. Formed from σ(z) it was inf or NaN once |z| ≳ 37 and lost digits from
# |z| ≈ 30 (σ(z) rounds to 1); the loss is finite (≈ |z|). The reference is mpmath at 50 digits.
LOGITS = [-1e300, -1e5, -800.0, -40.0, -37.0, -30.0, -1.5, 0.0, 1e-9, 2.5, 30.0, 37.0, 40.0, 800.0, 1e5, 1e300]


def reference_cross_entropy(z, t):
    mp = pytest.importorskip("mpmath")
    with mp.workdps(50):
        z, t = mp.mpf(z), mp.mpf(t)
        loss = t * mp.log1p(mp.exp(-z)) + (1 - t) * mp.log1p(mp.exp(z))
        dz = 1 / (1 + mp.exp(-z)) - t
        return loss, dz


@pytest.mark.parametrize("t", [0.0, 1.0, 0.25])
@pytest.mark.parametrize("z", LOGITS)
def test_cross_entropy_from_the_logit_is_finite_and_right_to_the_last_digits(z, t):
    loss, dz = LOSSES["cross_entropy"].of_logit, LOSSES["cross_entropy"].dz
    expected_loss, expected_dz = reference_cross_entropy(z, t)
    assert np.isfinite(loss(z, t)) and np.isfinite(dz(z, t))
    assert float(loss(z, t)) == pytest.approx(float(expected_loss), rel=4e-16, abs=1e-300)
    assert float(dz(z, t)) == pytest.approx(float(expected_dz), rel=4e-16, abs=1e-300)


@pytest.mark.parametrize("scale", [1.0, 20.0, 60.0, 500.0])
def test_a_saturated_classifier_has_a_finite_loss_and_gradient(scale):
    """A neuron whose logits reach ±scale·(a few): the loss and ∂L/∂w from the graph equal the 50-digit values."""
    mp = pytest.importorskip("mpmath")
    net = build("neuron", "sigmoid", "cross_entropy")
    w = np.array([scale, -scale, 0.5 * scale])
    L, grad = loss_and_gradient(net, w, POINTS)
    z = POINTS.x @ w[:2] + w[2]
    with mp.workdps(50):
        per = [reference_cross_entropy(zi, ti) for zi, ti in zip(z, POINTS.t, strict=True)]
        expected_L = sum(loss for loss, _ in per) / len(per)
        expected_grad = [
            sum(d * mp.mpf(float(a)) for (_, d), a in zip(per, column, strict=True)) / len(per)
            for column in (POINTS.x[:, 0], POINTS.x[:, 1], np.ones(len(z)))
        ]
    assert np.isfinite(L) and np.all(np.isfinite(grad))
    assert pytest.approx(float(expected_L), rel=1e-14) == L
    np.testing.assert_allclose(grad, [float(g) for g in expected_grad], rtol=1e-13, atol=1e-300)


def test_the_finite_difference_check_holds_where_sigma_rounds_to_one():
    """issue 27: at |z| ≈ 35 the check was off by 0.3 while its caption blamed the step size."""
    net = build("neuron", "sigmoid", "cross_entropy")
    w = np.array([15.0, -15.0, 7.5])  # logits up to about ±36 on these points
    assert np.abs(POINTS.x @ w[:2] + w[2]).max() > 30
    for weight in net.weights:
        check = finite_difference(net, w, POINTS, weight, h=1e-5)
        assert check.difference < 1e-6 * max(1.0, abs(check.backprop)), (weight, check)
        assert "as the step h = 1\u202f×\u202f10⁻⁵ predicts" in check.caption


def test_the_caption_names_what_explains_the_gap():
    net = build("neuron", "sigmoid", "squared")
    w = initial_weights(net, 0)
    rough = finite_difference(net, w, POINTS, "w1", h=0.5)
    assert rough.caption.startswith(f"The two differ by {number(rough.difference, 2)}, as the step h = 0.5 predicts")
    assert "mostly truncation" in rough.caption
    tiny = finite_difference(net, w, POINTS, "w1", h=1e-13)
    assert "mostly rounding" in tiny.caption and "as the step h = 1\u202f×\u202f10⁻¹³ predicts" in tiny.caption
    # A ReLU neuron with one example exactly at its kink in b: no step explains the gap, and the caption says so.
    net = build("neuron", "relu", "squared")
    w = np.array([0.7, -0.4, 0.0])
    w[2] = -(POINTS.x[0] @ w[:2])
    kink = finite_difference(net, w, POINTS, "b", h=1e-5)
    assert kink.difference > 1e-3
    assert "more than the step h = 1\u202f×\u202f10⁻⁵ explains" in kink.caption and "kink" in kink.caption
