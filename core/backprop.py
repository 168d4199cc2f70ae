"""Backpropagation written out: the forward and backward passes as numbered steps with their numbers,
and a central finite-difference check of one weight's partial derivative."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from core.grid import Grid, evaluate_grid
from core.network import ACTIVATIONS, LOSSES, Edge, Network, Pass, as_dict, loss_and_gradient, mean_loss, tex
from core.numbers import number, signed
from core.points import Points

EPSILON = float(np.finfo(float).eps)  # the spacing of floats near 1: a loss L is stored to about ε·|L|/2


class Step(NamedTuple):
    """One step of the walk-through: the node it computes, the edges it uses, and the equation with numbers."""

    kind: str  # "start", "forward" or "backward"
    node: str  # "" for the start
    edges: tuple[Edge, ...]  # forward: the node's incoming edges; backward: its outgoing edges
    latex: str


def d(name: str) -> str:
    """∂L/∂name in LaTeX."""
    return rf"\frac{{\partial L}}{{\partial {tex(name)}}}"


def forward_order(net: Network) -> list[str]:
    """The computed nodes in the order the forward pass reaches them."""
    return [n.name for n in net.nodes if n.kind not in ("input", "weight")]


def backward_order(net: Network) -> list[str]:
    """Every node once all its outgoing edges have their adjoint: the loss first, each node's parents together,
    and the inputs last (a layer below would receive their adjoints)."""
    depth = {"L": 0}
    for node in reversed(net.nodes[:-1]):
        depth[node.name] = 1 + max(depth[e.target] for e in net.edges if e.source == node.name)
    walk: list[str] = []
    queue = ["L"]
    while queue:
        name = queue.pop(0)
        if name not in walk:
            walk.append(name)
            queue += net.node(name).parents
    return sorted(walk, key=lambda n: (net.node(n).kind == "input", depth[n], walk.index(n)))


def walkthrough(net: Network, p: Pass, t: float) -> list[Step]:
    """Step 0 knows the inputs and weights; then the forward pass node by node; then the backward pass."""
    v = p.values
    leaves = ", ".join(f"{tex(n.name)} = {signed(v[n.name])}" for n in net.nodes if n.kind in ("input", "weight"))
    steps = [Step("start", "", (), f"{leaves},\\ t = {signed(t)}")]
    for name in forward_order(net):
        node = net.node(name)
        incoming = tuple(e for e in net.edges if e.target == name)
        steps.append(Step("forward", name, incoming, _forward_latex(net, node.name, p, t)))
    for name in backward_order(net):
        outgoing = tuple(e for e in net.edges if e.source == name)
        steps.append(Step("backward", name, outgoing, _backward_latex(name, outgoing, p)))
    return steps


def _forward_latex(net: Network, name: str, p: Pass, t: float) -> str:
    node, v = net.node(name), p.values
    if node.kind == "pre":
        *pairs, bias = node.parents
        ws, xs = pairs[::2], pairs[1::2]
        symbols = " + ".join(f"{tex(w)} {tex(a)}" for w, a in zip(ws, xs, strict=True)) + f" + {tex(bias)}"
        numbers = " + ".join(f"{signed(v[w])}\\cdot {signed(v[a])}" for w, a in zip(ws, xs, strict=True))
        return f"{tex(name)} = {symbols} = {numbers} + {signed(v[bias])} = {signed(v[name])}"
    if node.kind == "act":
        fn, z = ACTIVATIONS[node.fn].tex, node.parents[0]
        return f"{tex(name)} = {fn}({tex(z)}) = {fn}({signed(v[z])}) = {signed(v[name])}"
    loss, y_hat = LOSSES[net.loss], r"\hat y"
    filled = loss.tex.format(y=signed(v["yhat"]), t=signed(t))
    return f"L = {loss.tex.format(y=y_hat, t='t')} = {filled} = {signed(v['L'])}"


def _backward_latex(name: str, outgoing: tuple[Edge, ...], p: Pass) -> str:
    if name == "L":
        return r"\frac{\partial L}{\partial L} = 1"
    a = p.adjoints
    general = " + ".join(rf"{d(e.target)}\,\frac{{\partial {tex(e.target)}}}{{\partial {tex(name)}}}" for e in outgoing)
    symbolic = " + ".join(rf"{d(e.target)}\cdot {_group(e.tex)}" for e in outgoing)
    numbers = " + ".join(f"{signed(a[e.target])}\\cdot {signed(p.partials[(e.source, e.target)])}" for e in outgoing)
    return f"{d(name)} = {general} = {symbolic} = {numbers} = {signed(a[name])}"


def _group(partial: str) -> str:
    """A local partial as a factor: a sum or difference goes in brackets."""
    return rf"\left({partial}\right)" if any(c in partial for c in "+-") else partial


class Check(NamedTuple):
    weight: str
    h: float
    central: float  # (L(w + h) − L(w − h)) / 2h
    backprop: float  # ∂L/∂w from the backward pass
    minus: float  # L(w − h)
    plus: float  # L(w + h)
    coarse: float = math.nan  # the same central difference with step 2h, to measure the truncation error

    @property
    def difference(self) -> float:
        return abs(self.central - self.backprop)

    @property
    def truncation(self) -> float:
        """The central difference's error from the step, ≈ h²·L‴/6: D(2h) − D(h) ≈ 3·(h²·L‴/6)."""
        return abs(self.coarse - self.central) / 3

    @property
    def rounding(self) -> float:
        """The error from rounding L(w ± h) to a float: about ε·|L|/h (each loss is off by about ε·|L|/2)."""
        return EPSILON * max(abs(self.plus), abs(self.minus)) / self.h

    @property
    def caption(self) -> str:
        """What explains the gap between the central difference and the backward pass, from the numbers."""
        truncation, rounding = self.truncation, self.rounding
        expected = truncation + rounding
        cause = (
            f"mostly truncation by the step (about h²·L‴/6 ≈ {number(truncation, 2)}; a smaller h shrinks it)"
            if truncation >= rounding
            else f"mostly rounding of the two losses (about ε·|L|/h ≈ {number(rounding, 2)}; a larger h shrinks it)"
        )
        if self.difference <= 10 * expected + 1e-300:
            return (
                f"The two differ by {number(self.difference, 2)}, as the step h = {number(self.h)} predicts: {cause}. "
                "Backpropagation has neither error."
            )
        return (
            f"The two differ by {number(self.difference, 2)}, more than the step h = {number(self.h)} explains "
            f"(truncation ≈ {number(truncation, 2)}, rounding ≈ {number(rounding, 2)}): the loss is not smooth within "
            "h of this weight (a ReLU kink), or it is computed with fewer digits than a float holds."
        )

    @property
    def latex(self) -> str:
        w = tex(self.weight)
        return (
            # the two losses differ only in their last digits when h is small: show enough of them
            rf"\frac{{L({w} + h) - L({w} - h)}}{{2h}} = \frac{{{signed(self.plus, 15)} - {signed(self.minus, 15)}}}"
            rf"{{2\cdot {signed(self.h)}}} = {signed(self.central)}"
        )


def finite_difference(net: Network, w: np.ndarray, points: Points, weight: str, h: float = 1e-5) -> Check:
    """The central difference of the mean loss in one weight, beside the backward pass's ∂L/∂w."""
    i = net.weights.index(weight)

    def at(shift: float) -> float:
        shifted = np.array(w, dtype=float)
        shifted[i] += shift
        return float(mean_loss(net, dict(zip(net.weights, shifted, strict=True)), points))

    minus, plus = at(-h), at(h)
    coarse = (at(2 * h) - at(-2 * h)) / (4 * h)
    _, grad = loss_and_gradient(net, w, points)
    return Check(weight, h, (plus - minus) / (2 * h), float(grad[i]), minus, plus, coarse)


def loss_surface(
    net: Network, w: np.ndarray, points: Points, pair: tuple[str, str], n: int = 41, span: float = 3.0
) -> Grid:
    """The mean loss over two weights with the others frozen, on ± span around their current values."""
    weights = as_dict(net, w)
    domain = tuple((weights[name] - span, weights[name] + span) for name in pair)
    return evaluate_grid(lambda a, b: mean_loss(net, {**weights, pair[0]: a, pair[1]: b}, points), domain, n)
