"""A tiny network as a computation graph: nodes, edges carrying local partials, forward and backward passes.

Forward: each node's value from its parents. Backward (reverse mode): ∂L/∂L = 1, and for every other node
∂L/∂n = Σ over its outgoing edges n → m of ∂L/∂m · ∂m/∂n, the chain rule summed over all paths to L.
Values may be numpy arrays (one entry per example, or per grid node): the same code runs the whole batch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np

from core.descent import Trajectory, descend_with
from core.points import Points

Array = np.ndarray | float


class Activation(NamedTuple):
    name: str
    label: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array]  # φ'(z)
    tex: str  # φ as LaTeX, applied as tex + "(z)"
    dtex: str  # φ'(z) as LaTeX, with {z} for the argument
    text: str  # φ'(z) as plain text, with {z} for the argument


def _sigmoid(z: Array) -> Array:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        "sigmoid",
        "sigmoid σ",
        _sigmoid,
        lambda z: _sigmoid(z) * (1.0 - _sigmoid(z)),
        r"\sigma",
        r"\sigma({z})\,(1-\sigma({z}))",
        "σ({z})(1−σ({z}))",
    ),
    "tanh": Activation(
        "tanh", "tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, r"\tanh", r"1-\tanh^2 {z}", "1−tanh²{z}"
    ),
    # relu'(0) = 0, as torch takes it.
    "relu": Activation(
        "relu",
        "ReLU",
        lambda z: np.maximum(z, 0.0),
        lambda z: np.where(np.asarray(z) > 0, 1.0, 0.0),
        r"\operatorname{relu}",
        r"[{z} > 0]",
        "[{z} > 0]",
    ),
}


class Loss(NamedTuple):
    name: str
    label: str
    f: Callable[[Array, Array], Array]  # ℓ(ŷ, t)
    df: Callable[[Array, Array], Array]  # ∂ℓ/∂ŷ
    tex: str  # ℓ as LaTeX, with {y} for ŷ and {t} for the target
    dtex: str  # ∂ℓ/∂ŷ as LaTeX, the same way
    text: str  # ∂ℓ/∂ŷ as plain text
    # For a sigmoid output ŷ = σ(z): ℓ and ∂ℓ/∂z computed from the logit z, where σ(z) would round to 0 or 1.
    of_logit: Callable[[Array, Array], Array] | None = None
    dz: Callable[[Array, Array], Array] | None = None


def softplus(z: Array) -> Array:
    """softplus(z) = ln(1 + eᶻ), as log-sum-exp: finite for every finite z (≈ z for large z, ≈ eᶻ for very negative)."""
    return np.logaddexp(0.0, z)


def cross_entropy_of_logit(z: Array, t: Array) -> Array:
    """−[t ln σ(z) + (1−t) ln(1−σ(z))] = t·softplus(−z) + (1−t)·softplus(z), since ln σ(z) = −softplus(−z) and
    ln(1 − σ(z)) = −softplus(z). No σ is formed, so no ln 0: the loss at z = ±800 is 800, not inf.

    >>> float(cross_entropy_of_logit(800.0, 0.0)), float(cross_entropy_of_logit(-800.0, 1.0))
    (800.0, 800.0)
    """
    return t * softplus(-z) + (1.0 - t) * softplus(z)


def _cross_entropy_dz(z: Array, t: Array) -> Array:
    # ∂ℓ/∂z = σ(z) − t, written (1 − t)σ(z) − tσ(−z) so that 1 − σ(z) is never formed by a subtraction.
    return (1.0 - t) * _sigmoid(z) - t * _sigmoid(-z)


LOSSES: dict[str, Loss] = {
    "squared": Loss(
        "squared",
        "squared error (ŷ − t)²",
        lambda y, t: (y - t) ** 2,
        lambda y, t: 2.0 * (y - t),
        "({y} - {t})^2",
        "2({y} - {t})",
        "2(ŷ − t)",
    ),
    "cross_entropy": Loss(
        "cross_entropy",
        "cross-entropy −[t ln ŷ + (1−t) ln(1−ŷ)]",
        lambda y, t: -(t * np.log(y) + (1.0 - t) * np.log(1.0 - y)),
        lambda y, t: -t / y + (1.0 - t) / (1.0 - y),
        r"-\left[{t} \ln {y} + (1-{t})\ln(1-{y})\right]",
        r"-\frac{{{t}}}{{{y}}} + \frac{{1-{t}}}{{1-{y}}}",
        "(ŷ−t)/(ŷ(1−ŷ))",
        cross_entropy_of_logit,
        _cross_entropy_dz,
    ),
}


ARCHITECTURES = {"neuron": "one neuron", "2-2-1": "2-2-1 network"}


class Node(NamedTuple):
    name: str
    kind: str  # "input", "weight", "pre" (pre-activation), "act" (activation) or "loss"
    parents: tuple[str, ...]  # a "pre" node: (w, a, w, a, bias), the sum of w·a plus the bias
    fn: str = ""  # the activation of an "act" node


class Edge(NamedTuple):
    source: str
    target: str
    tex: str  # the local partial ∂target/∂source, symbolically
    text: str  # the same as plain text, for a figure


class Network(NamedTuple):
    """The graph of one example's loss: nodes in topological order (leaves first, the loss last) and edges."""

    arch: str
    activation: str  # of the hidden units (of the neuron itself for "neuron")
    output: str  # the output unit's activation
    loss: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    @property
    def weights(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.nodes if n.kind == "weight")

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def tex(name: str) -> str:
    """A node's name in LaTeX: w11 → w_{11}, yhat → \\hat y."""
    if name == "yhat":
        return r"\hat y"
    head, digits = name.rstrip("0123456789"), name[len(name.rstrip("0123456789")) :]
    return f"{head}_{{{digits}}}" if digits else head


def text(name: str) -> str:
    """A node's name as plain text: w11 → w₁₁, yhat → ŷ."""
    return "ŷ" if name == "yhat" else name.translate(_SUB)


def output_activation(arch: str, activation: str, loss: str) -> str:
    """The output unit's activation: the chosen one for a lone neuron under squared loss, else the sigmoid,
    because cross-entropy needs a probability and a 2-2-1 classifier outputs one."""
    return activation if arch == "neuron" and loss == "squared" else "sigmoid"


def build(arch: str, activation: str, loss: str) -> Network:
    """The computation graph of ℓ(ŷ(x1, x2), t) for one neuron or the 2-2-1 network."""
    if arch not in ARCHITECTURES or activation not in ACTIVATIONS or loss not in LOSSES:
        raise ValueError(f"Unknown network {arch!r}, activation {activation!r} or loss {loss!r}.")
    output = output_activation(arch, activation, loss)
    inputs = [Node("x1", "input", ()), Node("x2", "input", ())]
    if arch == "neuron":
        weights = [Node(w, "weight", ()) for w in ("w1", "w2", "b")]
        inner = [Node("z", "pre", ("w1", "x1", "w2", "x2", "b")), Node("yhat", "act", ("z",), output)]
    else:
        weights = [Node(w, "weight", ()) for w in ("w11", "w12", "b1", "w21", "w22", "b2", "v1", "v2", "c")]
        inner = [
            Node("z1", "pre", ("w11", "x1", "w12", "x2", "b1")),
            Node("z2", "pre", ("w21", "x1", "w22", "x2", "b2")),
            Node("h1", "act", ("z1",), activation),
            Node("h2", "act", ("z2",), activation),
            Node("z3", "pre", ("v1", "h1", "v2", "h2", "c")),
            Node("yhat", "act", ("z3",), output),
        ]
    nodes = (*inputs, *weights, *inner, Node("L", "loss", ("yhat",)))
    return Network(arch, activation, output, loss, nodes, tuple(_edges(nodes, loss)))


def _edges(nodes: tuple[Node, ...], loss: str) -> list[Edge]:
    edges = []
    for node in nodes:
        if node.kind == "pre":
            *pairs, bias = node.parents
            for w, a in zip(pairs[::2], pairs[1::2], strict=True):
                # ∂(w·a)/∂w = a and ∂(w·a)/∂a = w
                edges += [Edge(w, node.name, tex(a), text(a)), Edge(a, node.name, tex(w), text(w))]
            edges.append(Edge(bias, node.name, "1", "1"))
        elif node.kind == "act":
            (z,) = node.parents
            fn = ACTIVATIONS[node.fn]
            edges.append(Edge(z, node.name, fn.dtex.format(z=tex(z)), fn.text.format(z=text(z))))
        elif node.kind == "loss":
            edges.append(Edge("yhat", node.name, LOSSES[loss].dtex.format(y=r"\hat y", t="t"), LOSSES[loss].text))
    return edges


class Pass(NamedTuple):
    """One forward and backward pass: every node's value, every edge's local partial, every node's ∂L/∂n."""

    values: dict[str, Array]
    partials: dict[tuple[str, str], Array]  # (source, target) → ∂target/∂source at the current values
    adjoints: dict[str, Array]  # ∂L/∂node


def run(net: Network, weights: Mapping[str, Array], x: tuple[Array, Array], t: Array, backward: bool = True) -> Pass:
    """Forward pass node by node, then the backward pass in reverse order, summing over outgoing edges."""
    values: dict[str, Array] = {"x1": x[0], "x2": x[1], **{w: weights[w] for w in net.weights}}
    loss = LOSSES[net.loss]
    with np.errstate(all="ignore"):  # a saturated unit gives inf/nan; callers check with np.isfinite
        for node in net.nodes:
            if node.kind == "pre":
                *pairs, bias = node.parents
                total = values[bias]
                for w, a in zip(pairs[::2], pairs[1::2], strict=True):
                    total = total + values[w] * values[a]
                values[node.name] = total
            elif node.kind == "act":
                values[node.name] = ACTIVATIONS[node.fn].f(values[node.parents[0]])
            elif node.kind == "loss":
                values[node.name] = _loss(net, loss, values, t)
        if not backward:
            return Pass(values, {}, {})
        partials = {(e.source, e.target): _partial(net, e, values, t) for e in net.edges}
        adjoints: dict[str, Array] = {"L": np.ones_like(values["L"]) if np.ndim(values["L"]) else 1.0}
        logit = _logit(net, loss)
        for node in reversed(net.nodes[:-1]):
            if node.name == logit:
                # ∂L/∂ŷ · σ'(z) = (ŷ − t)/(ŷ(1 − ŷ)) · ŷ(1 − ŷ) = ŷ − t, taken whole: the two factors are inf and 0
                # once σ(z) rounds to 1, their product is not.
                adjoints[node.name] = loss.dz(values[logit], t)  # type: ignore[misc]
                continue
            # go one node at a time, latest first, and apply the chain rule along each outgoing edge
            adjoints[node.name] = sum(
                adjoints[e.target] * partials[(e.source, e.target)] for e in net.edges if e.source == node.name
            )
    return Pass(values, partials, adjoints)


def _logit(net: Network, loss: Loss) -> str | None:
    """The output's pre-activation z, when the loss is computed from it (a sigmoid output and cross-entropy)."""
    return net.node("yhat").parents[0] if loss.of_logit is not None and net.output == "sigmoid" else None


def logit_node(net: Network) -> str | None:
    """The node the loss is computed from instead of ŷ (the output's logit, under cross-entropy), or None."""
    return _logit(net, LOSSES[net.loss])


def _loss(net: Network, loss: Loss, values: dict[str, Array], t: Array) -> Array:
    logit = _logit(net, loss)
    return loss.of_logit(values[logit], t) if logit else loss.f(values["yhat"], t)  # type: ignore[misc]


def _partial(net: Network, edge: Edge, values: dict[str, Array], t: Array) -> Array:
    target = net.node(edge.target)
    if target.kind == "pre":
        parents = target.parents
        if edge.source == parents[-1]:
            return 1.0  # ∂z/∂b
        i = parents.index(edge.source)
        return values[parents[i + 1]] if i % 2 == 0 else values[parents[i - 1]]
    if target.kind == "act":
        return ACTIVATIONS[target.fn].df(values[edge.source])
    return LOSSES[net.loss].df(values["yhat"], t)


def as_dict(net: Network, w: np.ndarray) -> dict[str, float]:
    """A weight vector, in the order of ``net.weights``, as a name → value dict."""
    return {name: float(v) for name, v in zip(net.weights, w, strict=True)}


def initial_weights(net: Network, seed: int = 0) -> np.ndarray:
    """Small random weights, reproducible from the seed (a stream apart from the data's)."""
    return np.random.default_rng([seed, 1]).normal(0.0, 0.8, len(net.weights))


def loss_and_gradient(net: Network, w: np.ndarray, points: Points) -> tuple[float, np.ndarray]:
    """L(w) = (1/N) Σ ℓ_i and ∇L: a weight is shared by every example, so its ∂L/∂w averages theirs."""
    p = run(net, as_dict(net, w), (points.x[:, 0], points.x[:, 1]), points.t)
    return float(np.mean(p.values["L"])), np.array([np.mean(p.adjoints[name]) for name in net.weights])


def mean_loss(net: Network, weights: Mapping[str, Array], points: Points) -> Array:
    """The mean loss, forward only; weights may be arrays (a grid), broadcast against the examples."""
    expanded = {name: np.asarray(v)[..., None] for name, v in weights.items()}
    p = run(net, expanded, (points.x[:, 0], points.x[:, 1]), points.t, backward=False)
    return np.mean(p.values["L"], axis=-1)


def train(net: Network, w0: np.ndarray, points: Points, optimizer: str, lr: float, steps: int) -> Trajectory:
    """``steps`` full-batch steps of the named optimizer (torch's defaults) from w0, by the dashboard's descent loop:
    it stops where the loss blows up (|L| > 10¹² or not a number) and says so in ``diverged_at``."""
    return descend_with(lambda w, k: loss_and_gradient(net, w, points), w0, optimizer, lr, steps)
