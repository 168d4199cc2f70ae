"""A one-unit recurrent net h_t = tanh(w·h_{t−1} + u·x_t) unrolled in time, and ∂L/∂w as a sum over paths.

The same w acts at every step, so L = (h_T − y)² depends on w through every h_t: the total derivative is
dL/dw = Σ_t ∂L/∂h_T · (Π_{s=t+1..T} ∂h_s/∂h_{s−1}) · ∂h_t/∂w|direct, one term per step at which w acts,
with ∂h_s/∂h_{s−1} = (1 − h_s²)·w and ∂h_t/∂w|direct = (1 − h_t²)·h_{t−1} (for u: (1 − h_t²)·x_t).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core.numbers import signed


class Unrolled(NamedTuple):
    w: float
    u: float
    xs: np.ndarray  # x_1 … x_T
    hs: np.ndarray  # h_0 … h_T
    target: float  # y
    loss: float  # L = (h_T − y)²
    carry: np.ndarray  # ∂h_t/∂h_{t−1} = (1 − h_t²)·w for t = 1 … T
    direct_w: np.ndarray  # ∂h_t/∂w with h_{t−1} held fixed: (1 − h_t²)·h_{t−1}
    direct_u: np.ndarray  # ∂h_t/∂u with h_{t−1} held fixed: (1 − h_t²)·x_t
    adjoints: np.ndarray  # ∂L/∂h_t for t = 0 … T, backpropagated through time
    paths_w: np.ndarray  # the term of dL/dw through the use of w at step t = 1 … T
    paths_u: np.ndarray

    @property
    def grad_w(self) -> float:
        return float(np.sum(self.paths_w))

    @property
    def grad_u(self) -> float:
        return float(np.sum(self.paths_u))

    @property
    def steps(self) -> int:
        return len(self.xs)


def sequence(steps: int, seed: int = 0) -> np.ndarray:
    """Inputs x_1 … x_T in [−1, 1], reproducible from the seed."""
    return np.random.default_rng([seed, 2]).uniform(-1.0, 1.0, steps)


def unroll(w: float, u: float, xs: np.ndarray, target: float = 0.5, h0: float = 0.0) -> Unrolled:
    """The forward pass over the sequence, then each path's term of dL/dw and dL/du.

    >>> r = unroll(0.5, 1.0, np.array([1.0, -1.0]))
    >>> bool(np.isclose(r.grad_w, r.paths_w[0] + r.paths_w[1]))
    True
    """
    xs = np.asarray(xs, dtype=float)
    hs = [float(h0)]
    for x in xs:
        hs.append(float(np.tanh(w * hs[-1] + u * x)))
    h = np.array(hs)
    slope = 1.0 - h[1:] ** 2  # tanh' at each step
    carry, direct_w, direct_u = slope * w, slope * h[:-1], slope * xs
    loss = (h[-1] - target) ** 2
    adjoints = np.empty(len(h))
    adjoints[-1] = 2.0 * (h[-1] - target)
    for t in range(len(xs), 0, -1):  # h_{t−1} reaches L only through h_t
        adjoints[t - 1] = adjoints[t] * carry[t - 1]
    # The path through the use at step t: down the chain from L to h_t, then the direct edge to w (or u).
    paths_w, paths_u = adjoints[1:] * direct_w, adjoints[1:] * direct_u
    return Unrolled(
        float(w), float(u), xs, h, float(target), float(loss), carry, direct_w, direct_u, adjoints, paths_w, paths_u
    )


def path_latex(r: Unrolled, t: int, weight: str = "w") -> str:
    """The term of dL/d(weight) through step t, symbol by symbol and with the numbers."""
    T = r.steps
    direct = (r.direct_w if weight == "w" else r.direct_u)[t - 1]
    chain = "".join(rf"\frac{{\partial h_{{{s}}}}}{{\partial h_{{{s - 1}}}}}" for s in range(T, t, -1))
    numbers = r"\cdot ".join(
        [signed(r.adjoints[T])] + [signed(r.carry[s - 1]) for s in range(T, t, -1)] + [signed(direct)]
    )
    term = (r.paths_w if weight == "w" else r.paths_u)[t - 1]
    last = rf"\frac{{\partial h_{{{t}}}}}{{\partial {weight}}}\Big|_{{\text{{step }}{t}}}"
    return rf"\frac{{\partial L}}{{\partial h_{{{T}}}}}{chain}{last} = {numbers} = {signed(term)}"
