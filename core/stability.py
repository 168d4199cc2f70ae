"""The largest stable learning rate of a least-squares loss, and standardized features that make it larger.

A least-squares loss L(w) = (1/N)‖Xw − y‖² is a quadratic with constant Hessian H = (2/N)·XᵀX. Plain gradient
descent w ← w − η∇L converges from every start exactly when η < 2/λmax(H); beyond that, the component along the
top eigenvector grows by a factor |1 − ηλmax| > 1 per step.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


def least_squares_hessian(X: np.ndarray) -> np.ndarray:
    """H = (2/N)·XᵀX for the design matrix X (one row per example, one column per weight).

    >>> least_squares_hessian(np.array([[1.0, 2.0]]))  # the lesson's (w1 + 2·w2 − y)²
    array([[2., 4.],
           [4., 8.]])
    """
    X = np.atleast_2d(np.asarray(X, dtype=float))
    return 2.0 * X.T @ X / len(X)


def line_design(x: np.ndarray) -> np.ndarray:
    """The design matrix of the line ŷ = w1·x + w2: columns x and 1."""
    x = np.asarray(x, dtype=float)
    return np.column_stack([x, np.ones_like(x)])


def largest_eigenvalue(H: np.ndarray) -> float:
    """λmax of a symmetric 2×2 matrix in closed form: mean + √(half-difference² + off-diagonal²).

    >>> largest_eigenvalue(np.array([[2.0, 4.0], [4.0, 8.0]]))
    10.0
    """
    a, b, d = float(H[0, 0]), float(H[0, 1]), float(H[1, 1])
    return (a + d) / 2 + float(np.hypot((a - d) / 2, b))


def max_stable_lr(H: np.ndarray) -> float:
    """2/λmax(H): the learning rate at and beyond which plain gradient descent no longer converges (∞ if H = 0).

    >>> max_stable_lr(least_squares_hessian(np.array([[1.0, 2.0]])))  # the lesson: λmax = 2·|(1, 2)|² = 10
    0.2
    """
    top = largest_eigenvalue(H)
    return 2.0 / top if top > 0 else float("inf")


class Scaling(NamedTuple):
    """x′ = (x − mean) / scale: the standardized feature and how to undo it."""

    x: np.ndarray
    mean: float
    scale: float


def standardize(x: np.ndarray) -> Scaling:
    """Shift x to mean 0 and scale it to standard deviation 1 (a constant column is only shifted).

    >>> standardize(np.array([1.0, 2.0, 3.0])).x
    array([-1.22474487,  0.        ,  1.22474487])
    """
    x = np.asarray(x, dtype=float)
    mean, scale = float(x.mean()), float(x.std())
    scale = scale if scale > 0 else 1.0
    return Scaling((x - mean) / scale, mean, scale)


def original_weights(w: np.ndarray, scaling: Scaling) -> np.ndarray:
    """The line w1′·x′ + w2′ on standardized x, written in the original x: (w1′/s, w2′ − w1′·m/s)."""
    w1, w2 = float(w[0]), float(w[1])
    return np.array([w1 / scaling.scale, w2 - w1 * scaling.mean / scaling.scale])
