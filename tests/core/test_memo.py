"""core.memo: a key many sessions miss at once is computed once (a class joining together hit the grid of its
map 40 times over, one evaluation per student, before the first was kept)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from core import memo as memo_module
from core.memo import Memo, once

CALLERS = 8


def _together(memo: Memo, compute) -> list:
    """CALLERS threads ask for the same key at once; their answers in order."""
    with ThreadPoolExecutor(CALLERS) as pool:
        return list(pool.map(lambda _: memo.get("key", compute), range(CALLERS)))


def _slow(calls: list[int], value, started: threading.Event, release: threading.Event):
    def compute():
        calls.append(1)
        started.set()
        release.wait(5)
        return value

    return compute


def test_a_key_missed_by_many_callers_at_once_is_computed_once():
    memo: Memo[list[int]] = Memo(1_000_000)
    calls: list[int] = []
    started, release = threading.Event(), threading.Event()
    value = [1, 2, 3]
    compute = _slow(calls, value, started, release)
    with ThreadPoolExecutor(CALLERS) as pool:
        futures = [pool.submit(memo.get, "key", compute) for _ in range(CALLERS)]
        assert started.wait(5)
        release.set()
        results = [f.result(5) for f in futures]
    assert len(calls) == 1
    assert all(r is value for r in results)
    assert memo.get("key", lambda: pytest.fail("computed again")) is value


def test_another_key_is_not_held_up_by_a_slow_one():
    memo: Memo[str] = Memo(1_000_000)
    started, release = threading.Event(), threading.Event()
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(memo.get, "slow", _slow([], "slow", started, release))
        assert started.wait(5)
        assert memo.get("quick", lambda: "quick") == "quick"
        assert not slow.done()
        release.set()
        assert slow.result(5) == "slow"


def test_when_the_first_caller_fails_the_others_compute_it_themselves():
    memo: Memo[str] = Memo(1_000_000)
    calls: list[int] = []
    lock = threading.Lock()

    def compute():
        with lock:
            calls.append(1)
            first = len(calls) == 1
        if first:
            raise ValueError("the first one fails")
        return "value"

    with ThreadPoolExecutor(CALLERS) as pool:
        futures = [pool.submit(memo.get, "key", compute) for _ in range(CALLERS)]
        outcomes = [f.exception(5) or f.result() for f in futures]
    assert sum(isinstance(o, ValueError) for o in outcomes) == 1
    assert outcomes.count("value") == CALLERS - 1
    assert "key" in memo


def test_a_value_too_heavy_to_keep_still_reaches_every_caller():
    memo: Memo[bytes] = Memo(100, size=len)
    heavy = b"x" * 1000
    assert _together(memo, lambda: heavy) == [heavy] * CALLERS
    assert "key" not in memo and memo.bytes == 0


def test_once_computes_for_the_first_caller_and_the_others_wait_for_it():
    calls: list[int] = []
    started, release = threading.Event(), threading.Event()
    value = object()

    @once
    def copy_plotly_js():
        return _slow(calls, value, started, release)()

    with ThreadPoolExecutor(CALLERS) as pool:
        futures = [pool.submit(copy_plotly_js) for _ in range(CALLERS)]
        assert started.wait(5)
        release.set()
        assert all(f.result(5) is value for f in futures)
    assert len(calls) == 1
    copy_plotly_js.cache_clear()
    assert copy_plotly_js() is value and len(calls) == 2


def test_a_computation_that_asks_for_its_own_key_is_not_stuck_waiting_for_itself(monkeypatch):
    monkeypatch.setattr(memo_module, "WAIT_SECONDS", 3.0)  # a wait would show as a timeout below, not a hang
    memo: Memo[int] = Memo(1_000_000)
    depth: list[int] = []

    def compute() -> int:
        depth.append(1)
        return 1 if len(depth) == 2 else memo.get("key", compute) + 1

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(memo.get, "key", compute).result(1) == 2


def test_a_caller_waits_for_another_computation_only_so_long(monkeypatch):
    monkeypatch.setattr(memo_module, "WAIT_SECONDS", 0.2)
    memo: Memo[str] = Memo(1_000_000)
    started, release = threading.Event(), threading.Event()
    with ThreadPoolExecutor(1) as pool:
        stuck = pool.submit(memo.get, "key", _slow([], "late", started, release))
        assert started.wait(5)
        assert memo.get("key", lambda: "mine") == "mine"  # after WAIT_SECONDS it computes the value itself
        release.set()
        assert stuck.result(5) == "late"
