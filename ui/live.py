"""The live-drag spec a map sends to the browser: what to recompute there while P is dragged (ui/live_drag.js).

A spec names the map's subplot, the point and its sliders' grid, f and ∇f as core.portable's tree, the traces the
preview stands in for while it shows (by name prefix) and the kind's own settings. Without a tree (a formula the
browser has no rule for) there is no spec: the map then works as before, one pick on release, no preview.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from core.function import Function
from core.grid import Domain
from core.optimizers import FIRST_ORDER, OPTIMIZERS
from core.portable import portable
from ui.controls import Page
from ui.widgets import POINT


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
