"""A least-recently-used memo bounded by the bytes its values hold, not by their count.

A count bound lets one heavy formula's results (a Hessian, its compiled code, a long descent) weigh hundreds of
times an ordinary one's: 128 entries of the heavy kind held 200 MB. Here each value is weighed when stored and
the oldest values go until the total is under the bound again; a value heavier than the whole bound is returned
but never kept.

A key missing when many sessions ask for it at once (a class that joins together, a live class's question
reaching every screen) is computed once: the first caller computes it, the others wait for its value.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

import numpy as np
import sympy as sp

V = TypeVar("V")
WAIT_SECONDS = 30.0  # a caller waits this long at most for another's computation, then computes the value itself
NODE_BYTES = 400  # a sympy node with its args tuple, hash and assumptions cache, measured with tracemalloc


def weight(value: Any, seen: set[int] | None = None) -> int:
    """Estimated bytes a value holds: arrays by their buffers, sympy expressions by their nodes, containers summed.

    >>> weight(np.zeros(1000)) >= 8000
    True
    """
    seen = set() if seen is None else seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return value.nbytes + 112
    if isinstance(value, sp.Basic):
        return NODE_BYTES * sum(1 for _ in sp.preorder_traversal(value))
    if isinstance(value, str | bytes):
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(weight(k, seen) + weight(v, seen) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return sys.getsizeof(value) + sum(weight(v, seen) for v in value)
    own = getattr(value, "weight", None)
    if callable(own):
        return int(own())
    if hasattr(value, "__dict__"):
        return sys.getsizeof(value) + weight(vars(value), seen)
    return sys.getsizeof(value)


class Memo(Generic[V]):
    """``memo.get(key, compute)``: the value kept under ``key``, or ``compute()`` kept while the bytes allow."""

    def __init__(self, max_bytes: int, size: Callable[[Any], int] = weight) -> None:
        self.max_bytes = int(max_bytes)
        self.size = size
        self.bytes = 0
        self._values: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()
        # key -> (set once its first caller is done, that caller's thread)
        self._computing: dict[Hashable, tuple[threading.Event, int]] = {}

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        with self._lock:
            if key in self._values:
                return self._hit(key)
            done, computer = self._computing.get(key, (None, 0))
            first = done is None
            if first:
                done = threading.Event()
                self._computing[key] = (done, threading.get_ident())
        if not first:
            # The same thread asking again (a computation that needs its own key) never waits for itself, and no
            # caller waits for ever: whatever a computation waits on, the page is never stuck behind it.
            if computer != threading.get_ident():
                done.wait(WAIT_SECONDS)
            with self._lock:
                if key in self._values:
                    return self._hit(key)
            return compute()  # the first caller failed, or its value was too heavy to keep: compute it here
        try:
            value = compute()  # outside the lock: a slow computation never blocks another key
            self.put(key, value)
            return value
        finally:
            with self._lock:
                del self._computing[key]
            done.set()

    def _hit(self, key: Hashable) -> V:
        self._values.move_to_end(key)
        return self._values[key][0]

    def put(self, key: Hashable, value: V) -> None:
        size = self.size(value)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._values:
                self.bytes -= self._values.pop(key)[1]
            self._values[key] = (value, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, dropped) = self._values.popitem(last=False)
                self.bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self.bytes = 0


def once(compute: Callable[[], V]) -> Callable[[], V]:
    """``functools.cache`` for a function of no arguments, computed by the first caller while the others wait for its
    value (with functools.cache every caller arriving before the first one finishes computes it too: a replica's
    first students arrive together). ``cache_clear()`` forgets the value."""
    memo: Memo[V] = Memo(sys.maxsize, size=lambda _: 0)

    @functools.wraps(compute)
    def call() -> V:
        return memo.get((), compute)

    call.cache_clear = memo.clear  # type: ignore[attr-defined]
    return call
