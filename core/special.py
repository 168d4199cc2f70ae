"""Activation functions of ML as sympy functions: sigmoid σ(u) = 1/(1 + e^(−u)), relu(u) = max(0, u), softplus."""

from __future__ import annotations

import numpy as np
import sympy as sp


class sigmoid(sp.Function):  # noqa: N801 - sympy functions are lower case, like sp.sin
    """σ(u) = 1/(1 + e^(−u)); its derivative is σ(u)(1 − σ(u)).

    >>> u = sp.Symbol("u", real=True)
    >>> sigmoid(u).diff(u)
    (1 - sigmoid(u))*sigmoid(u)
    >>> sigmoid(0)
    1/2
    """

    is_real = True

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_zero:
            return sp.Rational(1, 2)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-arg))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        power = f"^{{{exp}}}" if exp else ""
        return rf"\sigma{power}\left({printer._print(self.args[0])}\right)"


class relu(sp.Function):  # noqa: N801
    """relu(u) = max(0, u); its derivative is the step θ(u) (taken as 1/2 at u = 0, sympy's Heaviside).

    >>> u = sp.Symbol("u", real=True)
    >>> relu(u).diff(u)
    Heaviside(u)
    >>> relu(-2), relu(3)
    (0, 3)
    """

    is_real = True

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_number and arg.is_real:
            return sp.Max(0, arg)
        if arg.is_nonnegative:
            return arg
        if arg.is_nonpositive:
            return sp.Integer(0)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.Heaviside(self.args[0])

    def _eval_rewrite_as_Max(  # noqa: N802 - sympy finds rewrite rules by the class name
        self, arg: sp.Expr, **kwargs: object
    ) -> sp.Expr:
        return sp.Max(0, arg)

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return sp.Max(0, self.args[0])._eval_evalf(prec)

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        power = f"^{{{exp}}}" if exp else ""
        return rf"\operatorname{{relu}}{power}\left({printer._print(self.args[0])}\right)"


class softplus(sp.Function):  # noqa: N801
    """softplus(u) = log(1 + e^u), a smooth relu; its derivative is σ(u).

    >>> u = sp.Symbol("u", real=True)
    >>> softplus(u).diff(u)
    sigmoid(u)
    """

    is_real = True

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(arg))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return sp.log(1 + sp.exp(self.args[0]))._eval_evalf(prec)

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        power = f"^{{{exp}}}" if exp else ""
        return rf"\operatorname{{softplus}}{power}\left({printer._print(self.args[0])}\right)"


def _np_sigmoid(u: np.ndarray) -> np.ndarray:
    # tanh form: no overflow warning for large |u|, unlike 1/(1 + exp(-u)).
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(u, dtype=float)))


def _np_relu(u: np.ndarray) -> np.ndarray:
    return np.maximum(np.asarray(u, dtype=float), 0.0)


def _np_softplus(u: np.ndarray) -> np.ndarray:
    # log(1 + e^u) without overflow for large u.
    return np.logaddexp(0.0, np.asarray(u, dtype=float))


NUMPY_FUNCTIONS = {"sigmoid": _np_sigmoid, "relu": _np_relu, "softplus": _np_softplus}


def dirac(u: object, *order: object) -> np.ndarray:
    """δ(u) as a value: 0 where u ≠ 0, undefined (NaN) at the kink itself, where |x| or relu has no curvature."""
    u = np.asarray(u, dtype=float)
    return np.where(u == 0, np.nan, 0.0)
