"""Figure builders for the backpropagation lab, tested through their data: nodes, edges, labels, the arrow."""

import numpy as np
import plotly.graph_objects as go
import pytest

from core.backprop import loss_surface, walkthrough
from core.network import ARCHITECTURES, as_dict, build, initial_weights, loss_and_gradient, run
from core.points import make_points
from core.rnn import sequence, unroll
from viz.backprop import POSITIONS, graph_figure, rnn_figure, surface3d_figure, surface_figure
from viz.style import GRADIENT, UPDATE

POINTS = make_points("blobs", 10, 0)


def named(fig, name):
    return next(t for t in fig.data if t.name == name)


def setup(arch, activation="tanh", loss="squared"):
    net = build(arch, activation, loss)
    p = run(net, as_dict(net, initial_weights(net, 0)), (0.5, -1.0), 1.0)
    return net, p, walkthrough(net, p, 1.0)


@pytest.mark.parametrize(("arch", "nodes", "edges"), [("neuron", 8, 7), ("2-2-1", 18, 19)])
def test_the_graph_draws_every_node_and_labels_every_edge_with_its_partial(arch, nodes, edges):
    net, p, steps = setup(arch)
    fig = graph_figure(net, p, steps, len(steps) - 1)
    assert len(named(fig, "nodes").x) == nodes == len(net.nodes) == len(POSITIONS[arch])
    labels = [a for a in fig.layout.annotations if a.name == "edge label"]
    assert len(labels) == edges == len(net.edges)
    # three segments' worth of points per edge: source, arrow tip, gap
    assert len(named(fig, "edges").x) == 3 * edges
    first = net.edges[0]  # w → z: ∂z/∂w is the input, here x₁ = 0.5
    assert labels[0].text == f"{first.text} = 0.5" and first.text == "x₁"
    bias = next(a for a, e in zip(labels, net.edges, strict=True) if e.source.startswith("b"))
    assert bias.text == "1"
    loss = next(a for a, e in zip(labels, net.edges, strict=True) if e.target == "L")
    expected = 2 * (p.values["yhat"] - 1.0)
    assert loss.text == f"2(ŷ − t) = {expected:.3g}".replace("-", "−")


def test_step_zero_shows_only_the_inputs_and_weights_and_the_last_step_every_adjoint():
    net, p, steps = setup("2-2-1")
    start = named(graph_figure(net, p, steps, 0), "values and adjoints").text
    names = [n.name for n in net.nodes]
    assert start[names.index("x1")] == "= 0.5" and start[names.index("z1")] == "" and start[names.index("L")] == ""
    assert not any("∂L" in t for t in start)
    end = named(graph_figure(net, p, steps, len(steps) - 1), "values and adjoints").text
    assert all("∂L/∂" in t for t in end)
    assert "∂L/∂w₁₁ = " in end[names.index("w11")]


def test_the_current_step_highlights_its_node_and_the_edges_it_uses():
    net, p, steps = setup("2-2-1")
    k = next(i for i, s in enumerate(steps) if s.kind == "backward" and s.node == "x1")
    fig = graph_figure(net, p, steps, k)
    used = named(fig, "edges used")
    assert len(used.x) == 3 * 2  # x₁ feeds z₁ and z₂: its adjoint sums two edges
    assert used.line.color == GRADIENT
    ring = named(fig, "nodes").marker.line.color
    assert [c for c in ring if c != "white"] and ring[[n.name for n in net.nodes].index("x1")] != "white"
    k = next(i for i, s in enumerate(steps) if s.kind == "forward" and s.node == "z3")
    forward = named(graph_figure(net, p, steps, k), "edges used")
    assert len(forward.x) == 3 * 5 and forward.line.color == UPDATE
    assert named(graph_figure(net, p, steps, 0), "edges used").x == ()  # the start uses no edge


@pytest.mark.parametrize("k", [0, 7, 25])
def test_one_frame_per_step_replays_the_walk_through_in_the_browser(k):
    net, p, steps = setup("2-2-1")
    fig = graph_figure(net, p, steps, k)
    assert len(fig.frames) == len(steps) == 26 == len(fig.layout.sliders[0].steps)
    assert fig.layout.sliders[0].active == k
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["▶ Play", "❚❚ Pause"]
    # the frame of step k is what the figure shows at step k
    frame = {t.name: t for t in fig.frames[k].data}
    assert frame["values and adjoints"].text == named(fig, "values and adjoints").text
    assert frame["nodes"].marker.line.color == named(fig, "nodes").marker.line.color
    assert [fig.data[i].name for i in fig.frames[k].traces] == ["edges used", "nodes", "values and adjoints"]


def test_the_arrow_is_the_backward_pass_gradient_at_the_current_weights():
    net = build("2-2-1", "sigmoid", "cross_entropy")
    w = initial_weights(net, 1)
    _, grad = loss_and_gradient(net, w, POINTS)
    i, j = net.weights.index("v1"), net.weights.index("c")
    grid = loss_surface(net, w, POINTS, ("v1", "c"), n=21)
    fig = surface_figure(grid, (w[i], w[j]), (grad[i], grad[j]), ("v1", "c"))
    tip = next(t for t in fig.data if t.name.startswith("∇L from the backward pass"))
    scale = tip.meta["scale"]
    assert tip.x[0] == w[i] and tip.y[0] == w[j]
    assert (tip.x[1] - tip.x[0]) / scale == pytest.approx(grad[i], rel=1e-12)
    assert (tip.y[1] - tip.y[0]) / scale == pytest.approx(grad[j], rel=1e-12)
    # the surface is centred on the current weights and really varies with them
    assert grid.xs[10] == pytest.approx(w[i]) and grid.ys[10] == pytest.approx(w[j])
    assert np.ptp(grid.z) > 0.1
    assert fig.layout.xaxis.title.text == "v₁" and fig.layout.yaxis.title.text == "c"  # as the page writes v1


def test_the_3d_surface_lifts_the_gradient_up_the_steepest_slope():
    net = build("neuron", "tanh", "squared")
    w = initial_weights(net, 0)
    value, grad = loss_and_gradient(net, w, POINTS)
    grid = loss_surface(net, w, POINTS, ("w1", "b"), n=11)
    fig = surface3d_figure(grid, (w[0], w[2]), value, (grad[0], grad[2]), ("w1", "b"))
    lifted = named(fig, "∇L lifted onto the surface")
    scale = lifted.meta["scale"]
    assert (lifted.x[1] - lifted.x[0]) / scale == pytest.approx(grad[0], rel=1e-12)
    assert (lifted.y[1] - lifted.y[0]) / scale == pytest.approx(grad[2], rel=1e-12)
    assert (lifted.z[1] - lifted.z[0]) / scale == pytest.approx(grad[0] ** 2 + grad[2] ** 2, rel=1e-12)
    assert named(fig, "current weights").z[0] == value
    assert fig.layout.scene.zaxis.title.text == "L"


def test_the_training_path_is_drawn_when_there_is_one():
    net = build("neuron", "sigmoid", "squared")
    w = initial_weights(net, 0)
    grid = loss_surface(net, w, POINTS, ("w1", "w2"), n=11)
    path = np.array([[0.0, 0.0], [0.5, 0.2], [w[0], w[1]]])
    fig = surface_figure(grid, (w[0], w[1]), (0.1, 0.2), ("w1", "w2"), path=path)
    assert list(named(fig, "training so far").x) == [0.0, 0.5, w[0]]
    assert "training so far" not in [t.name for t in surface_figure(grid, (w[0], w[1]), (0.1, 0.2), ("w1", "w2")).data]


@pytest.mark.parametrize("path", [1, 3, 4])
def test_the_unrolled_rnn_shows_one_w_per_step_and_highlights_one_path(path):
    r = unroll(0.8, 1.2, sequence(4, 0), 0.5, 0.5)
    fig = rnn_figure(r, path)
    nodes = named(fig, "nodes")
    assert list(nodes.text).count("w") == 4 and len(nodes.x) == 5 + 4 + 4 + 1  # h₀…h₄, x₁…x₄, w × 4, L
    labels = [a for a in fig.layout.annotations if a.name == "edge label"]
    assert len(labels) == 3 * 4 + 1
    # the path from w at step t runs w → h_t → … → h_T → L: 1 + (T − t) + 1 edges
    assert len(named(fig, f"path through step {path}").x) == 3 * (2 + 4 - path)
    terms = [a.text for a in fig.layout.annotations if a.name == "values" and a.text.startswith("step")]
    assert terms == [f"step {t}: term {r.paths_w[t - 1]:.3g}".replace("-", "−") for t in range(1, 5)]


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_lazy_figures_match_their_validated_form_and_lecture_mode_enlarges_them(arch):
    net, p, steps = setup(arch, "relu", "cross_entropy")
    fig = graph_figure(net, p, steps, 3)
    lazy = fig.to_dict()
    real = go.Figure(fig).to_dict()
    assert [t["name"] for t in lazy["data"]] == [t["name"] for t in real["data"]]
    big = graph_figure(net, p, steps, 3, lecture=True)
    assert big.layout.font.size > fig.layout.font.size and big.layout.height > fig.layout.height
