"""Long formulas on a page: shown shortened with their size, and offered whole as a download."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core import ExpressionError, Function, worker
from core.function import shortened, whole_latex
from ui import downloads


def _whole(latex: Callable[[], str]) -> str:
    """The whole LaTeX for the download, or why it could not be written (it is printed in the worker, on click)."""
    try:
        return latex()
    except ExpressionError as error:
        return f"% {error}\n"


def hessian(f: Function, key: str, prefix: str = "H(x, y) = ") -> None:
    """H's symbolic matrix: whole when short; otherwise shortened (⋯) with its size and a download of the whole."""
    second = f.second
    st.latex(prefix + second.latex)
    if second.shortened:
        st.caption(
            f"H is shown shortened (⋯ marks what is left out): its entries have {second.nodes:,} parts in all, "
            "too long to read or to draw here."
        )
        downloads.button(
            "⬇ The whole H as LaTeX",
            lambda: _whole(f.hessian_latex_whole),
            "hessian.tex",
            "text/x-tex",
            key,
            type="tertiary",
        )


def partials_download(f: Function, key: str) -> None:
    """When a partial is shown shortened: a note with its size, and every partial's whole LaTeX as a download."""
    if not any(shortened(p) for p in f.partials):
        return
    st.caption("A partial derivative is shown shortened (⋯ marks what is left out): too long to read or to draw here.")

    def whole() -> str:
        lines = worker.run(whole_latex, f.partials, formula=f.text, heavy=True)
        return "\n".join(rf"\frac{{\partial f}}{{\partial {v}}} = {t}" for v, t in zip(f.names, lines, strict=True))

    downloads.button(
        "⬇ The whole partials as LaTeX", lambda: _whole(whole), "partials.tex", "text/x-tex", key, type="tertiary"
    )
