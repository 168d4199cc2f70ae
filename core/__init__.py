"""Gradient Lab's math layer: text in; sympy expressions, numpy functions and descent trajectories out."""

from core.calculus import (
    TangentPlane,
    TotalDerivative,
    directional_derivative,
    gradient,
    hessian,
    partial,
    secant_slopes,
    steepest_ascent,
    tangent_plane,
    total_derivative,
)
from core.descent import Batch, Trajectory, descend, descend_many
from core.function import ComplexityError, Function, parse
from core.optimizers import OPTIMIZERS, Optimizer
from core.parsing import ExpressionError
from core.presets import PRESETS, Preset

__all__ = [
    "OPTIMIZERS",
    "PRESETS",
    "Batch",
    "ComplexityError",
    "ExpressionError",
    "Function",
    "Optimizer",
    "Preset",
    "TangentPlane",
    "TotalDerivative",
    "Trajectory",
    "descend",
    "descend_many",
    "directional_derivative",
    "gradient",
    "hessian",
    "parse",
    "partial",
    "secant_slopes",
    "steepest_ascent",
    "tangent_plane",
    "total_derivative",
]
