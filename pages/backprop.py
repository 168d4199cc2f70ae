"""Page: backpropagation — the chain rule on a computation graph, node by node, checked, trained, and through time."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.backprop import backward_order, finite_difference, forward_order, loss_surface, num, walkthrough
from core.explain import fmt
from core.network import (
    ACTIVATIONS,
    ARCHITECTURES,
    LOSSES,
    as_dict,
    build,
    initial_weights,
    output_activation,
    run,
    text,
    train,
)
from core.optimizers import OPTIMIZERS
from core.points import MAX_POINTS, PATTERNS, check_targets, make_points, read_points
from core.regression import DataError
from core.rnn import path_latex, sequence, unroll
from ui.page import begin, finish
from ui.render import show
from ui.state import Param, choice, dump_number, integer, link_warning, number
from ui.widgets import lecture
from viz.backprop import graph_figure, rnn_figure, surface3d_figure, surface_figure

PAGE = "backprop"
NETWORKS = {arch: build(arch, "sigmoid", "squared") for arch in ARCHITECTURES}
WEIGHTS = {arch: net.weights for arch, net in NETWORKS.items()}
ALL_WEIGHTS = sorted({w for names in WEIGHTS.values() for w in names})
# The walk-through's last step: the start, every computed node forward, every node backward.
LAST_STEP = {arch: len(forward_order(net)) + len(backward_order(net)) for arch, net in NETWORKS.items()}
H_OPTIONS = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8]
MAX_TRAINED = 200
RNN_TARGET, RNN_H0 = 0.5, 0.5


def _read_h(raw: str) -> float:
    value = number(1e-8, 0.1)(raw)
    if value not in H_OPTIONS:
        raise ValueError(f"{raw[:30]} is not one of {', '.join(f'{h:g}' for h in H_OPTIONS)}")
    return value


# Every control of the page: its link name, widget key and reader (the widgets are drawn below, in this order).
PARAMS = [
    Param("model", f"{PAGE}.model", choice(list(ARCHITECTURES))),
    Param("act", f"{PAGE}.act", choice(list(ACTIVATIONS))),
    Param("loss", f"{PAGE}.loss", choice(list(LOSSES))),
    Param("data", f"{PAGE}.data", choice(list(PATTERNS))),
    Param("seed", f"{PAGE}.seed", integer(0, 10_000)),
    Param("example", f"{PAGE}.example", integer(1, MAX_POINTS)),
    Param("step", f"{PAGE}.step", integer(0, max(LAST_STEP.values()))),
    Param("opt", f"{PAGE}.opt", choice(list(OPTIMIZERS))),
    Param("lr", f"{PAGE}.lr", number(1e-4, 10.0), dump_number),
    Param("trained", f"{PAGE}.trained", integer(0, MAX_TRAINED)),
    Param("fd", f"{PAGE}.fd", choice(ALL_WEIGHTS)),
    Param("h", f"{PAGE}.h", _read_h, lambda h: f"{h:g}"),
    Param("wx", f"{PAGE}.wx", choice(ALL_WEIGHTS)),
    Param("wy", f"{PAGE}.wy", choice(ALL_WEIGHTS)),
    Param("T", f"{PAGE}.T", integer(2, 6)),
    Param("rw", f"{PAGE}.rw", number(-2.0, 2.0), dump_number),
    Param("ru", f"{PAGE}.ru", number(-2.0, 2.0), dump_number),
    Param("path", f"{PAGE}.path", integer(1, 6)),
]
DEFAULTS = {
    "model": "neuron",
    "act": "sigmoid",
    "loss": "squared",
    "data": "blobs",
    "seed": 0,
    "example": 1,
    "opt": "gd",
    "lr": 0.5,
    "trained": 0,
    "h": 1e-5,
    "T": 4,
    "rw": 0.8,
    "ru": 1.2,
    "path": 1,
}

slot = begin(
    PAGE,
    "🕸️ Backpropagation",
    "How does a network get ∂L/∂w for every weight? By the chain rule on its **computation graph**: every edge "
    "carries a local partial derivative, and a node's ∂L/∂node is the sum, over the edges leaving it, of the next "
    "node's ∂L/∂· times that edge's partial — the total derivative, summed over every path to the loss.",
    PARAMS,
)
big = lecture()
for name, value in DEFAULTS.items():
    st.session_state.setdefault(f"{PAGE}.{name}", value)


def _keep(key: str, options: list, default: object, link_name: str, changed: bool) -> None:
    """A choice that depends on another control (the network, the data): reset to the default when it no longer
    fits, with a warning unless the student just changed what it depends on."""
    value = st.session_state.get(key)
    if value in options:
        return
    if value is not None and not changed:
        link_warning(PAGE, f"Link parameter “{link_name}” = {value} does not fit this view; using {default}.")
    st.session_state[key] = default


def _move(key: str, delta: int, high: int) -> None:
    st.session_state[key] = min(max(0, st.session_state[key] + delta), high)


# ---- Controls ---------------------------------------------------------------------------------------------------
with st.sidebar:
    st.subheader("Network")
    arch = st.radio("Network", list(ARCHITECTURES), key=f"{PAGE}.model", format_func=ARCHITECTURES.get)
    activation = st.selectbox(
        "Activation" + (" of the hidden units" if arch == "2-2-1" else ""),
        list(ACTIVATIONS),
        key=f"{PAGE}.act",
        format_func=lambda a: ACTIVATIONS[a].label,
    )
    loss = st.radio("Loss", list(LOSSES), key=f"{PAGE}.loss", format_func=lambda k: LOSSES[k].label)
    st.subheader("Data")
    pattern = st.selectbox("Generated data", list(PATTERNS), key=f"{PAGE}.data", format_func=PATTERNS.get)
    seed = int(st.number_input("Seed (data and starting weights)", 0, 10_000, step=1, key=f"{PAGE}.seed"))
    upload = st.file_uploader("…or upload a CSV: x1, x2, t", type=["csv"], key=f"{PAGE}.csv")
points, data_error = make_points(pattern, 12, seed), None
if upload is not None:
    try:
        points = read_points(upload.getvalue())
    except DataError as error:
        data_error = f"**CSV “{upload.name}” not used:** {error} The generated data stays in use."
try:
    check_targets(points, loss)
except DataError as error:
    data_error = f"**Data not used with cross-entropy:** {error} The generated data stays in use."
    points = make_points(pattern, 12, seed)

seen = st.session_state.get(f"{PAGE}._seen")  # what the dependent controls were last fitted to
arch_changed = seen is not None and seen[0] != arch
_keep(f"{PAGE}.fd", list(WEIGHTS[arch]), WEIGHTS[arch][0], "fd", arch_changed)
_keep(f"{PAGE}.wx", list(WEIGHTS[arch]), WEIGHTS[arch][0], "wx", arch_changed)
_keep(
    f"{PAGE}.wy",
    [w for w in WEIGHTS[arch] if w != st.session_state[f"{PAGE}.wx"]],
    WEIGHTS[arch][1],
    "wy",
    arch_changed,
)
_keep(f"{PAGE}.example", list(range(1, len(points.x) + 1)), 1, "example", seen is not None and seen[1] != len(points.x))
if f"{PAGE}.step" not in st.session_state or arch_changed:
    st.session_state[f"{PAGE}.step"] = LAST_STEP[arch]  # start with every number on the graph
_keep(f"{PAGE}.step", list(range(LAST_STEP[arch] + 1)), LAST_STEP[arch], "step", arch_changed)
_keep(f"{PAGE}.path", list(range(1, st.session_state[f"{PAGE}.T"] + 1)), 1, "path", seen is not None)
st.session_state[f"{PAGE}._seen"] = (arch, len(points.x))

with st.sidebar:
    example = int(st.number_input("Example shown on the graph", 1, len(points.x), step=1, key=f"{PAGE}.example"))
    st.subheader("Training")
    optimizer = st.selectbox(
        "Optimizer", list(OPTIMIZERS), key=f"{PAGE}.opt", format_func=lambda k: OPTIMIZERS[k].label
    )
    lr = float(st.number_input("Learning rate η", 1e-4, 10.0, format="%.4g", key=f"{PAGE}.lr"))
    trained = int(st.number_input("Training steps taken", 0, MAX_TRAINED, step=1, key=f"{PAGE}.trained"))
    left, right = st.columns(2)
    left.button("Train one step", key=f"{PAGE}.train", on_click=_move, args=(f"{PAGE}.trained", 1, MAX_TRAINED))
    right.button("Reset weights", key=f"{PAGE}.reset", on_click=_move, args=(f"{PAGE}.trained", -MAX_TRAINED, 0))
    st.subheader("Checks and surface")
    fd_weight = st.selectbox("Finite-difference check of", WEIGHTS[arch], key=f"{PAGE}.fd", format_func=text)
    h = 1e-5 if big else st.select_slider("Step h", H_OPTIONS, key=f"{PAGE}.h", format_func=lambda v: f"{v:g}")
    wx = st.selectbox("Surface: first weight", WEIGHTS[arch], key=f"{PAGE}.wx")
    wy = st.selectbox("Surface: second weight", [w for w in WEIGHTS[arch] if w != wx], key=f"{PAGE}.wy")
    st.subheader("Through time")
    T = st.slider("Time steps T", 2, 6, key=f"{PAGE}.T")
    rnn_w = st.slider("Recurrent weight w", -2.0, 2.0, step=0.05, key=f"{PAGE}.rw")
    rnn_u = st.slider("Input weight u", -2.0, 2.0, step=0.05, key=f"{PAGE}.ru")
    path = st.slider("Highlight the path through step", 1, T, key=f"{PAGE}.path") if T > 1 else 1

last = LAST_STEP[arch]
back, middle, forward = st.columns([1, 10, 1], vertical_alignment="bottom")
back.button(
    "◀", key=f"{PAGE}.prev", on_click=_move, args=(f"{PAGE}.step", -1, last), help="Previous step (B)", shortcut="B"
)
forward.button(
    "▶", key=f"{PAGE}.next", on_click=_move, args=(f"{PAGE}.step", 1, last), help="Next step (N)", shortcut="N"
)
k = middle.slider("Step through the forward and backward passes", 0, last, key=f"{PAGE}.step")

# ---- Compute -----------------------------------------------------------------------------------------------------
if data_error:
    slot.error(data_error, icon="⚠️")
net = build(arch, activation, loss)
history = train(net, initial_weights(net, seed), points, optimizer, lr, trained)
w = history.points[-1]
x, t = points.x[example - 1], float(points.t[example - 1])
p = run(net, as_dict(net, w), (float(x[0]), float(x[1])), t)
steps = walkthrough(net, p, t)

# ---- The graph -----------------------------------------------------------------------------------------------------
st.caption(
    f"Data: {points.source}. The graph is the loss of example {example}: x = ({fmt(x[0], 4)}, {fmt(x[1], 4)}), "
    f"t = {fmt(t, 4)}. Output unit: {ACTIVATIONS[net.output].label}"
    + (" (cross-entropy needs a probability)." if output_activation(arch, activation, loss) != activation else ".")
)
if history.status == "diverged":
    st.error(
        f"**Training blew up at step {history.diverged_at}** (the loss passed 10¹² or stopped being a number): the "
        f"weights shown are from step {history.diverged_at - 1}. Try a smaller learning rate.",
        icon="💥",
    )
show(graph_figure(net, p, steps, k, lecture=big), key=f"{PAGE}.graph")
step = steps[k]
what = {"start": "Known at the start", "forward": "Forward pass", "backward": "Backward pass"}[step.kind]
st.markdown(f"**Step {k} of {last} — {what}" + (f": {text(step.node)}**" if step.node else "**"))
st.latex(step.latex)
if not np.isfinite(p.values["L"]):
    st.warning("The loss of this example is not a number (a saturated unit): reset the weights or lower η.", icon="⚠️")
st.caption(
    "▶ Play under the graph replays every step in your browser; the slider above also writes each step out. "
    "Blue nodes are weights, grey the inputs. Forward: values appear under the nodes in order. Backward: "
    "∂L/∂· appears, pink, from the loss back to every weight; the thick edges are the ones this step uses. The "
    "inputs come last: an input feeding two units sums two paths."
)

# ---- Every partial, checked -----------------------------------------------------------------------------------------
st.subheader("Every ∂L/∂w, and a check")
batch_grad = history.gradients[-1]
st.markdown(
    f"The training loss is the mean over the N = {len(points.x)} examples, so each weight's ∂L/∂w is the mean of "
    "the per-example adjoints: a weight is shared by every example's graph, and its derivative sums over all of them."
)
st.dataframe(
    {
        "weight": list(net.weights),
        "value": [float(v) for v in w],
        f"∂ℓ/∂w, example {example}": [float(p.adjoints[name]) for name in net.weights],
        "∂L/∂w, all examples": [float(g) for g in batch_grad],
    },
    hide_index=True,
)
check = finite_difference(net, w, points, fd_weight, h)
st.latex(check.latex)
c1, c2, c3 = st.columns(3)
c1.metric(f"central difference, h = {h:g}", fmt(check.central))
c2.metric(f"backward pass ∂L/∂{fd_weight}", fmt(check.backprop))
c3.metric("|difference|", f"{check.difference:.2e}")
st.caption(
    "The central difference is off by about h²·(third derivative) for a large h and by rounding (about 1e-16/h) "
    "for a tiny one; backpropagation has neither error."
)

# ---- Loss surface and training ---------------------------------------------------------------------------------------
st.subheader("The loss over two weights, and a training step")
i, j = net.weights.index(wx), net.weights.index(wy)
grid = loss_surface(net, w, points, (wx, wy), n=31 if big else 41)
left, right = st.columns(2) if not big else (st.container(), st.container())
with left:
    show(
        surface_figure(grid, (w[i], w[j]), (batch_grad[i], batch_grad[j]), (wx, wy), history.points[:, [i, j]], big),
        key=f"{PAGE}.surface",
    )
with right:
    value = float(history.values[-1])
    show(surface3d_figure(grid, (w[i], w[j]), value, (batch_grad[i], batch_grad[j]), (wx, wy), big), key=f"{PAGE}.3d")
st.caption(
    f"L over {wx} and {wy}, every other weight frozen at its current value. The arrow is "
    f"(∂L/∂{wx}, ∂L/∂{wy}) from the backward pass, perpendicular to the level curve. A training step moves "
    "every weight against its own partial."
)
left, right = st.columns([1, 2]) if not big else (st.container(), st.container())
left.metric(
    "mean loss L",
    fmt(history.values[-1], 6),
    delta=float(f"{history.values[-1] - history.values[0]:.4g}"),
    delta_color="inverse",
)
with right:
    if len(history.points) > 1:
        st.markdown(f"Step {len(history.points) - 1} of {OPTIMIZERS[optimizer].label}, η = {fmt(lr)}:")
        st.latex(OPTIMIZERS[optimizer].rule)
        st.dataframe(
            {
                "weight": list(net.weights),
                "before": [float(v) for v in history.points[-2]],
                "∂L/∂w": [float(g) for g in history.gradients[-2]],
                "after": [float(v) for v in w],
            },
            hide_index=True,
        )
    else:
        st.info("Press **Train one step** in the sidebar: every weight moves, and the graph's numbers update.")

# ---- Through time ---------------------------------------------------------------------------------------------------
st.subheader("Through time: one recurrent unit, unrolled")
r = unroll(rnn_w, rnn_u, sequence(T, seed), RNN_TARGET, RNN_H0)
st.markdown(
    rf"$h_t = \tanh(w\,h_{{t-1}} + u\,x_t)$ for t = 1…{T}, from $h_0 = {RNN_H0}$, with $L = (h_{T} - y)^2$ and "
    rf"y = {RNN_TARGET}. The same w acts at every step, so L depends on w along {T} paths: dL/dw is their sum."
)
show(rnn_figure(r, path, lecture=big), key=f"{PAGE}.rnn")
for t_step in range(1, T + 1):
    st.latex(path_latex(r, t_step))
terms = " + ".join(num(v) for v in r.paths_w)
st.latex(rf"\frac{{dL}}{{dw}} = {terms} = {num(r.grad_w)}")
st.caption(
    f"Only the last term, {fmt(r.paths_w[-1], 4)}, is the partial ∂L/∂w with the earlier states held fixed; the "
    f"total derivative {fmt(r.grad_w, 4)} adds the paths through h_{T - 1}, …, h_1. "
    f"Likewise dL/du = {fmt(r.grad_u, 4)}."
)
finish(PAGE, PARAMS, slot)
