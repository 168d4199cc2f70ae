"""Python's ``ast.parse``, one call at a time in this process.

CPython 3.11 keeps the AST constructor's recursion depth in state that every thread shares (python/cpython#106905):
two threads parsing at once can fail with "SystemError: AST constructor recursion depth mismatch". Streamlit runs
each session's script in a thread of its own, so every parse the server makes goes through this lock; a parse is
small and fast (a formula, or the printed source of f, ∇f or H: at most tens of kilobytes, milliseconds).
"""

from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


def parse(source: str, mode: str = "exec") -> ast.AST:
    """``ast.parse(source, mode=mode)``, never at the same time as another thread's."""
    with _LOCK:
        return ast.parse(source, mode=mode)
