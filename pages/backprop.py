"""Page: backpropagation — the chain rule on a computation graph, node by node, checked, trained, and through time."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.backprop import backward_order, finite_difference, forward_order, loss_surface, walkthrough
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
from core.numbers import delta, number, signed
from core.optimizers import FIRST_ORDER as OPTIMIZERS  # training steps take gradients only
from core.points import MAX_POINTS, PATTERNS, check_targets, make_points, read_points
from core.regression import DataError
from core.rnn import path_latex, sequence, unroll
from ui import keep
from ui.controls import Page, choice, number_box, slider
from ui.live import network_live
from ui.page import begin, finish
from ui.parts import part
from ui.recording import walkthrough_buttons, walkthrough_texts
from ui.render import show
from ui.text import plain
from ui.widgets import lecture, pick_handler, step_by, step_row
from viz.backprop import graph_figure, rnn_figure, surface3d_figure, surface_figure

PAGE = Page("backprop")
NETWORKS = {arch: build(arch, "sigmoid", "squared") for arch in ARCHITECTURES}
WEIGHTS = {arch: net.weights for arch, net in NETWORKS.items()}
ALL_WEIGHTS = sorted({w for names in WEIGHTS.values() for w in names})
# The walk-through's last step: the start, every computed node forward, every node backward.
LAST_STEP = {arch: len(forward_order(net)) + len(backward_order(net)) for arch, net in NETWORKS.items()}
MAX_TRAINED = 200
RNN_TARGET, RNN_H0 = 0.5, 0.5

# Every control of the page, declared once. Ranges marked "per view" are narrowed where they are drawn.
MODEL = choice("model", "Network", list(ARCHITECTURES), "neuron", kind="radio", labels=ARCHITECTURES.get)
ACT = choice("act", "Activation", list(ACTIVATIONS), "sigmoid", labels=lambda a: ACTIVATIONS[a].label)
LOSS = choice("loss", "Loss", list(LOSSES), "squared", kind="radio", labels=lambda k: LOSSES[k].label)
DATA = choice("data", "Generated data", list(PATTERNS), "blobs", labels=PATTERNS.get)
SEED = number_box("seed", "Seed (data and starting weights)", 0, 10_000, 1, 0, integer=True)
EXAMPLE = number_box("example", "Example shown on the graph", 1, MAX_POINTS, 1, 1, integer=True)  # per view: 1 … N
STEP = slider("step", "Step through the forward and backward passes", 0, 25, 1, 1, integer=True)  # per view
OPT = choice("opt", "Optimizer", list(OPTIMIZERS), "gd", labels=lambda k: OPTIMIZERS[k].label)
LR = number_box("lr", "Learning rate η", 1e-4, 10.0, 0.05, 0.5, format="%.4g")
TRAINED = number_box("trained", "Training steps taken", 0, MAX_TRAINED, 1, 0, integer=True)
FD = choice("fd", "Finite-difference check of", ALL_WEIGHTS, "w1", labels=text)  # per view: the net's weights
H = choice("h", "Step h", [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8], 1e-5, kind="select_slider")
WX = choice("wx", "Surface: first weight", ALL_WEIGHTS, "w1")  # per view
WY = choice("wy", "Surface: second weight", ALL_WEIGHTS, "w2")  # per view: not the first
T = slider("T", "Time steps T", 2, 6, 1, 4, integer=True)
RW = slider("rw", "Recurrent weight w", -2.0, 2.0, 0.05, 0.8)
RU = slider("ru", "Input weight u", -2.0, 2.0, 0.05, 1.2)
PATH = slider("path", "Highlight the path through step", 1, 6, 1, 1, integer=True)  # per view: 1 … T
# Where training starts in the surface's two weights (per view: the seed's own start until moved; drag it on the map).
SX = number_box("sx", "Start of the first weight", -10.0, 10.0, 0.01, 0.0, format="%.4g")
SY = number_box("sy", "Start of the second weight", -10.0, 10.0, 0.01, 0.0, format="%.4g")

slot = begin(
    PAGE,
    "How does a network get ∂L/∂w for every weight? By the chain rule on its **computation graph**: every edge "
    "carries a local partial derivative, and a node's ∂L/∂node is the sum, over the edges leaving it, of the next "
    "node's ∂L/∂· times that edge's partial — the total derivative, summed over every path to the loss.",
)
big = lecture()


# ---- Controls ---------------------------------------------------------------------------------------------------
st.sidebar.subheader("Network")
arch = PAGE.draw(MODEL)
activation = PAGE.draw(ACT.replace(label="Activation of the hidden units" if arch == "2-2-1" else ACT.label))
loss = PAGE.draw(LOSS)
st.sidebar.subheader("Data")
pattern = PAGE.draw(DATA)
seed = int(PAGE.draw(SEED))
upload = keep.upload("…or upload a CSV: x1, x2, t", PAGE.key("csv"), ["csv"], where=st.sidebar)
points, data_error = make_points(pattern, 12, seed), None
if upload is None:
    st.session_state.pop(PAGE.key("last_good"), None)
else:
    try:
        points = read_points(upload.getvalue())
        st.session_state[PAGE.key("last_good")] = points
    except DataError as error:
        # A bad upload keeps the last good one (or the generated data when there is none).
        points = st.session_state.get(PAGE.key("last_good"), points)
        kept = (
            "The last good upload stays in use."
            if PAGE.key("last_good") in st.session_state
            else ("The generated data stays in use.")
        )
        data_error = f"CSV “{upload.name}” not used: {error} {kept}"
try:
    check_targets(points, loss)
except DataError as error:
    data_error = f"Data not used with cross-entropy: {error} The generated data stays in use."
    points = make_points(pattern, 12, seed)
example = int(PAGE.draw(EXAMPLE.replace(high=len(points.x))))
st.sidebar.subheader("Training")
optimizer = PAGE.draw(OPT)
lr = float(PAGE.draw(LR))
trained = int(PAGE.draw(TRAINED))
left, right = st.sidebar.columns(2)
left.button("Train one step", key=PAGE.key("train"), on_click=step_by, args=(PAGE.key(TRAINED), 1, 0, MAX_TRAINED))
right.button("Reset weights", key=PAGE.key("reset"), on_click=step_by, args=(PAGE.key(TRAINED), -MAX_TRAINED, 0, 0))
st.sidebar.subheader("Checks and surface")
weights = WEIGHTS[arch]
fd_weight = PAGE.draw(FD.replace(options=weights, default=weights[0]))
h = float(PAGE.draw(H))
wx = PAGE.draw(WX.replace(options=weights, default=weights[0]))
others = tuple(w for w in weights if w != wx)
wy = PAGE.draw(WY.replace(options=others, default=others[0]))
i, j = weights.index(wx), weights.index(wy)
seeded = initial_weights(NETWORKS[arch], seed)
# The seed's start as the link writes it (12 digits), so a link reproduces the view to the last digit.
starts = [
    c.replace(label=f"Start of {text(n)}", default=float(c.dump(seeded[k]))) for c, n, k in ((SX, wx, i), (SY, wy, j))
]
PAGE.follow((arch, seed, wx, wy), starts, tag="start")
# Those 12 digits stand for the seed's own start: training from it is the seed's to the last bit.
start_x, start_y = (
    float(seeded[k]) if (v := float(PAGE.draw(c))) == c.default else v for c, k in zip(starts, (i, j), strict=True)
)
st.sidebar.subheader("Through time")
T_steps = int(PAGE.draw(T))
rnn_w, rnn_u = float(PAGE.draw(RW)), float(PAGE.draw(RU))
path = int(PAGE.draw(PATH.replace(high=T_steps)))

last = LAST_STEP[arch]
step_control = STEP.replace(high=last, default=1)  # the walk-through opens at its first step, for a student to take
PAGE.follow(arch, [step_control], tag="arch")

# ---- Compute -----------------------------------------------------------------------------------------------------
if data_error:
    slot.error(plain(data_error), icon=":material/warning:")
net = build(arch, activation, loss)
w0 = initial_weights(net, seed)
w0[[i, j]] = start_x, start_y
history = train(net, w0, points, optimizer, lr, trained)
w = history.points[-1]
x, t = points.x[example - 1], float(points.t[example - 1])
p = run(net, as_dict(net, w), (float(x[0]), float(x[1])), t)
steps = walkthrough(net, p, t)


# ---- The graph -----------------------------------------------------------------------------------------------------
def graph_steps() -> None:
    """The step controls, the graph at step k and the step written out: a part of its own, so Back, Next and the
    step slider redraw only this (the surfaces and the unrolled unit below stay as they are)."""
    k = int(step_row(PAGE, PAGE.key(STEP), 0, last, lambda row: PAGE.draw(step_control, where=row)))
    graph(k)


def graph(k: int) -> None:
    """The graph of the example shown, at step k, the step written out, and how to read it."""
    st.caption(
        f"Data: {points.source}. The graph is the loss of example {example}: x = ({number(x[0])}, {number(x[1])}), "
        f"t = {number(t)}. Output unit: {ACTIVATIONS[net.output].label}"
        + (" (cross-entropy needs a probability)." if output_activation(arch, activation, loss) != activation else ".")
    )
    if history.status == "diverged":
        st.error(
            f"**Training blew up at step {history.diverged_at}** (the loss passed 10¹² or stopped being a number): the "
            f"weights shown are from step {history.diverged_at - 1}. Try a smaller learning rate.",
            icon=":material/error:",
        )
    show(graph_figure(net, p, steps, k, lecture=big), key=PAGE.key("graph"))
    step = steps[k]
    what = {"start": "Known at the start", "forward": "Forward pass", "backward": "Backward pass"}[step.kind]
    st.markdown(f"**Step {k} of {last} — {what}" + (f": {text(step.node)}**" if step.node else "**"))
    st.latex(step.latex)
    if not np.isfinite(p.values["L"]):
        st.warning(
            "The loss of this example is not a number (a saturated unit): reset the weights or lower η.",
            icon=":material/warning:",
        )
    st.caption(
        "▶ Play under the graph replays every step in your browser; the slider above also writes each step out. "
        "Blue nodes are weights, grey the inputs. Forward: values appear under the nodes in order. Backward: "
        "∂L/∂· appears, pink, from the loss back to every weight; the thick edges are the ones this step uses. The "
        "inputs come last: an input feeding two units sums two paths."
    )


part(PAGE, "step", graph_steps)
# The whole walk-through for slides: the same at every step, so outside the step's part (not redrawn by Back, Next
# or the step slider).
walkthrough_buttons(PAGE.key("recording"), net, p, steps, walkthrough_texts(net, arch, example, x, t))

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
c1.metric(f"central difference, h = {number(h)}", number(check.central, 10))
c2.metric(f"backward pass ∂L/∂{fd_weight}", number(check.backprop, 10))
c3.metric("|difference|", number(check.difference, 3))
st.caption(check.caption)

# ---- Loss surface and training ---------------------------------------------------------------------------------------
st.subheader("The loss over two weights, and a training step")
grid = loss_surface(net, w, points, (wx, wy), n=31 if big else 41)
left, right = st.columns(2) if not big else (st.container(), st.container())
with left:
    show(
        surface_figure(
            grid, (w[i], w[j]), (batch_grad[i], batch_grad[j]), (wx, wy), history.points[:, [i, j]], big, (w0[i], w0[j])
        ),
        key=PAGE.key("surface"),
        on_pick=pick_handler(PAGE, ("sx", "sy")),  # a click or a drag of the ring moves the start of training
        live=network_live(net, points, w0, (i, j), optimizer, lr, trained, grid, PAGE, ("sx", "sy")),
    )
with right:
    value = float(history.values[-1])
    show(surface3d_figure(grid, (w[i], w[j]), value, (batch_grad[i], batch_grad[j]), (wx, wy), big), key=PAGE.key("3d"))
st.caption(
    f"L over {wx} and {wy}, every other weight frozen at its current value. The arrow is "
    f"(∂L/∂{wx}, ∂L/∂{wy}) from the backward pass, perpendicular to the level curve. A training step moves "
    "every weight against its own partial."
)
left, right = st.columns([1, 2]) if not big else (st.container(), st.container())
left.metric(
    "mean loss L",
    number(history.values[-1], 6),
    # No badge before the first training step: there is no change to show.
    delta=delta(history.values[-1] - history.values[0], scale=abs(history.values[0]))
    if len(history.points) > 1
    else None,
    delta_color="inverse",
    delta_description="since the start of training",
)
with right:
    if len(history.points) > 1:
        st.markdown(f"Step {len(history.points) - 1} of {OPTIMIZERS[optimizer].label}, η = {number(lr)}:")
        for line in OPTIMIZERS[optimizer].rule_lines:
            st.latex(line)
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
r = unroll(rnn_w, rnn_u, sequence(T_steps, seed), RNN_TARGET, RNN_H0)
st.markdown(
    rf"$h_t = \tanh(w\,h_{{t-1}} + u\,x_t)$ for t = 1…{T_steps}, from $h_0 = {RNN_H0}$, "
    rf"with $L = (h_{T_steps} - y)^2$ and y = {RNN_TARGET}. The same w acts at every step, so L depends on w "
    f"along {T_steps} paths: dL/dw is their sum."
)
show(rnn_figure(r, path, lecture=big), key=PAGE.key("rnn"))
for t_step in range(1, T_steps + 1):
    st.latex(path_latex(r, t_step))
terms = " + ".join(signed(v) for v in r.paths_w)
st.latex(rf"\frac{{dL}}{{dw}} = {terms} = {signed(r.grad_w)}")
st.caption(
    f"Only the last term, {number(r.paths_w[-1])}, is the partial ∂L/∂w with the earlier states held fixed; the "
    f"total derivative {number(r.grad_w)} adds the paths through "
    + (rf"$h_{{{T_steps - 1}}}, \dots, h_1$. " if T_steps > 2 else "$h_1$. ")
    + f"Likewise dL/du = {number(r.grad_u)}."
)
finish(PAGE, slot)
