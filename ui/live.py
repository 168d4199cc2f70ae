"""The live-drag spec a map sends to the browser: what to recompute there while P is dragged (ui/live_drag.js).

A spec names the map's subplot, the point and its sliders' grid, f and ∇f as core.portable's tree, the traces the
preview stands in for while it shows (by name prefix) and the kind's own settings. Without a tree (a formula the
browser has no rule for) there is no spec: the map then works as before, one pick on release, no preview.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from core.calculus import TotalDerivative
from core.function import Function
from core.grid import Domain, Grid
from core.network import Network, logit_node
from core.optimizers import FIRST_ORDER, OPTIMIZERS
from core.points import Points
from core.portable import portable, portable_hessian
from ui.controls import Page
from ui.widgets import POINT
from viz.curvature import DOWN, FLAT, UP
from viz.style import ORANGE, SKY


def _grid(page: Page, names: Sequence[str]) -> list[dict]:
    """The point's sliders as the browser snaps to them: range and step of each (see ui.widgets.on_grid)."""
    return [{"low": page.controls[n].low, "high": page.controls[n].high, "step": page.controls[n].step} for n in names]


def _base(
    kind: str,
    f: Function,
    page: Page,
    point: Sequence[float],
    hide: Sequence[str],
    subplot: str,
    controls: Sequence[str] = POINT,
) -> dict | None:
    tree = portable(f) if len(f.names) == 2 else None
    if tree is None or not all(math.isfinite(v) for v in point):
        return None
    return {
        "kind": kind,
        "subplot": subplot,
        "point": [float(v) for v in point],
        "grid": _grid(page, controls),
        "names": list(f.names),
        "tree": tree,
        "hide": list(hide),
    }


def gradient_live(f: Function, page: Page, point: Sequence[float], domain: Domain, theta: float | None) -> dict | None:
    """The gradient map: P, ∇f(P) drawn as viz.gradient draws it, u at angle ``theta`` (radians), and the numbers
    of the page's metrics. The level curve through P is hidden while dragging (it is the server's to draw)."""
    spec = _base("gradient", f, page, point, ("P", "∇f(P)", "u at θ", "level curve"), "xy")
    if spec is None:
        return None
    (x0, x1), (y0, y1) = domain
    spec |= {"bounds": [float(x0), float(x1), float(y0), float(y1)], "theta": theta}
    spec["styles"] = {"point": "P", "gradient": "∇f(P)", "direction": "u at θ"}
    return spec


def _bounds(domain: Domain) -> list[float]:
    (x0, x1), (y0, y1) = domain
    return [float(x0), float(x1), float(y0), float(y1)]


def slices_live(f: Function, page: Page, point: Sequence[float], domain: Domain) -> dict | None:
    """The partials page's map: P, the cuts y = y0 and x = x0 through it, and the page's metrics f(P), ∂f/∂x and
    ∂f/∂y at P (the slopes of the two slices). At a kink the page says a partial does not exist where the formula
    still gives a number; the preview shows the number, the server's answer on release says so."""
    spec = _base("partials", f, page, point, ("P", "cut "), "xy")
    if spec is None:
        return None
    return spec | {"bounds": _bounds(domain), "colors": [ORANGE, SKY], "styles": {"point": "P"}}


def path_live(f: Function, td: TotalDerivative, page: Page, x0: float, domain: Domain) -> dict | None:
    """The total derivative's map: P slides along the path y = g(x), so only x follows the pointer (its slider's
    grid is the one grid); the browser evaluates g and dy/dx (``path``, g's own tree) and f's partials at
    (x, g(x)), and the page's terms ∂z/∂x, ∂z/∂y, dy/dx and dz/dx = ∂z/∂x + ∂z/∂y · dy/dx."""
    path = portable(td.path) if len(td.path.names) == 1 else None
    y0 = td.path(x0)
    if path is None:
        return None
    spec = _base("path", f, page, (x0, y0), ("P", "direction of the path"), "xy", controls=("x0",))
    if spec is None:
        return None
    return spec | {"bounds": _bounds(domain), "path": path, "styles": {"point": "P", "direction": "direction of"}}


def curvature_live(f: Function, page: Page, point: Sequence[float], domain: Domain) -> dict | None:
    """The curvature page's map: P, ∇f(P), and from H(P) (its own tree, read from the source the server compiles
    for H) the eigen-axes through P drawn as viz.curvature.eigen_axes draws them, with λ₁, λ₂ and κ. Without H's
    tree (a kink's δ, or H too heavy) the axes are hidden while dragging and come back with the server's figure.
    The Taylor model's level curves and the classification of P are the server's alone: hidden until release."""
    spec = _base("curvature", f, page, point, ("P:", "eigen-axis", "Taylor model q"), "xy")
    if spec is None:
        return None
    return spec | {
        "bounds": _bounds(domain),
        "hessian": portable_hessian(f),
        "colors": {"up": UP, "down": DOWN, "flat": FLAT},
        "styles": {"point": "P:"},
    }


def descent_live(
    f: Function,
    page: Page,
    start: Sequence[float],
    optimizer: str,
    lr: float,
    steps: int,
    hyper: Mapping[str, float],
    run: str | None = None,
    controls: Sequence[str] = POINT,
) -> dict | None:
    """The descent map: the whole path of a first-order optimizer from the dragged start (the browser runs the
    optimizer table's own rules, ui/live_math.js); second-order optimizers get the pick on release only.

    ``run`` names the path's trace on a map of runs (viz.descent.race_figure: the path and "<run> end"), else the
    playback figure's traces are the ones replaced; ``controls`` are the start's controls."""
    if optimizer not in FIRST_ORDER:
        return None
    arrow = OPTIMIZERS[optimizer].arrow  # the state arrow (momentum's −η·b), hidden too while it is stale
    hide = ("path", "θ at the current step", "−ηg", "actual update", *([arrow.label] if arrow else []))
    spec = _base("descent", f, page, start, (run,) if run else hide, "xy", controls)
    if spec is None:
        return None
    spec |= {
        "optimizer": optimizer,
        "lr": float(lr),
        "steps": int(steps),
        "hyper": {**OPTIMIZERS[optimizer].defaults, **{k: float(v) for k, v in hyper.items()}},
        "styles": {"point": f"{run} end", "path": run} if run else {"point": "θ at the current step", "path": "path"},
    }
    return spec


def network_live(
    net: Network,
    points: Points,
    start: Sequence[float],
    pair: tuple[int, int],
    optimizer: str,
    lr: float,
    steps: int,
    grid: Grid,
    page: Page,
    controls: Sequence[str],
) -> dict | None:
    """The backprop page's loss map: the start of training in the two shown weights (``pair``, indices into
    ``start``, every weight's start) is dragged; the browser runs the network's forward and backward pass over the
    data (ui/live_math.js, core.network's graph sent as data) and ``steps`` steps of the optimizer table's rule, and
    draws the training path, the current weights, ∇L there (scaled as viz.backprop draws it on the map's
    ``grid``) and the mean loss. The loss surface itself (the other weights frozen where training left them) is the
    server's: it is drawn anew on release."""
    if optimizer not in FIRST_ORDER or not all(math.isfinite(v) for v in start):
        return None
    i, j = pair
    return {
        "kind": "network",
        "subplot": "xy",
        "point": [float(start[i]), float(start[j])],
        "grid": _grid(page, controls),
        "names": [net.weights[i], net.weights[j]],
        "network": network_data(net, points),
        "start": [float(v) for v in start],
        "pair": [i, j],
        "optimizer": optimizer,
        "lr": float(lr),
        "steps": int(steps),
        "hyper": dict(OPTIMIZERS[optimizer].defaults),
        "width": float(max(grid.xs[-1] - grid.xs[0], grid.ys[-1] - grid.ys[0])),  # viz.gradient.arrow_scale
        "hide": ["current weights", "training so far", "∇L from"],
        "styles": {"point": "current weights", "path": "training so far", "gradient": "∇L from"},
    }


def network_data(net: Network, points: Points) -> dict:
    """core.network's graph and the data as ui/live_math.js's ``network`` reads them: nodes (name, kind, parents,
    activation) in order, edges (source, target) in order, the loss and the node it is computed from, the weights'
    order, and the examples."""
    return {
        "nodes": [[n.name, n.kind, list(n.parents), n.fn] for n in net.nodes],
        "edges": [[e.source, e.target] for e in net.edges],
        "loss": net.loss,
        "logit": logit_node(net),
        "weights": list(net.weights),
        "x1": [float(v) for v in points.x[:, 0]],
        "x2": [float(v) for v in points.x[:, 1]],
        "t": [float(v) for v in points.t],
    }
