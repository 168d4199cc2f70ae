"""The limited worker: results and ExpressionErrors come back as they are; a job over a limit ends, clearly."""

from __future__ import annotations

import os
import pickle
import resource
import time

import pytest
import sympy as sp

from core import ExpressionError, parse, worker
from core.calculus import total_derivative
from core.function import parse_here
from core.steps import derivation
from core.worker import WorkLimitError


# Jobs for the worker: module-level, so the worker can import them by name.
def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 2**20))


def spin(seconds: float) -> float:
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
    return seconds


def my_pid() -> int:
    return os.getpid()


def fail_with_a_bug() -> None:
    raise KeyError("a bug in core, not the formula")


def limits_inside() -> tuple[int, int]:
    return resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_CPU)[0]


@pytest.fixture
def limits(monkeypatch):
    """Lower the worker's limits for one test (the module settings are read at every job)."""

    def lower(**settings: float) -> None:
        for name, value in settings.items():
            monkeypatch.setattr(worker, name, value)

    yield lower
    worker.shutdown()


def test_a_result_comes_back_from_another_process():
    assert worker.run(pow, 2, 10) == 1024
    assert worker.run(my_pid) != os.getpid()


def test_a_parsed_function_comes_back_whole_and_works_here():
    f = parse("x^2*y + sin(x*y)")
    assert f.identity == parse_here("x^2*y + sin(x*y)").identity
    assert f.partials == (
        2 * f.variables[0] * f.variables[1] + f.variables[1] * sp.cos(f.variables[0] * f.variables[1]),
        f.variables[0] ** 2 + f.variables[0] * sp.cos(f.variables[0] * f.variables[1]),
    )
    assert f(1.0, 2.0) == pytest.approx(2 + float(sp.sin(2)))


def test_expression_error_from_the_worker_is_reraised_as_is():
    with pytest.raises(ExpressionError, match="ends with '\\+'") as info:
        parse("x +")
    assert type(info.value) is ExpressionError


def test_a_bug_in_a_job_comes_back_as_itself_with_the_workers_traceback():
    with pytest.raises(KeyError, match="a bug in core") as info:
        worker.run(fail_with_a_bug)
    assert any("fail_with_a_bug" in note for note in info.value.__notes__)


def test_the_job_runs_under_the_settings_of_the_moment(limits):
    limits(MEMORY_MB=64, CPU_SECONDS=3)
    address_space, cpu = worker.run(limits_inside)
    assert resource.RLIM_INFINITY not in (address_space, cpu)
    limits(MEMORY_MB=128)
    assert worker.run(limits_inside)[0] >= address_space + 63 * 2**20


def test_lowering_the_memory_limit_is_what_stops_an_allocation(limits):
    assert worker.run(allocate, 100) == 100 * 2**20
    limits(MEMORY_MB=50)
    with pytest.raises(WorkLimitError, match="too complex to work with here"):
        worker.run(allocate, 100)
    assert worker.run(allocate, 10) == 10 * 2**20  # a fresh worker took over


def test_lowering_the_cpu_limit_is_what_stops_a_long_computation(limits):
    assert worker.run(spin, 0.2) == 0.2
    limits(CPU_SECONDS=1)
    with pytest.raises(WorkLimitError):
        worker.run(spin, 3.0)
    assert worker.run(spin, 0.1) == 0.1


def test_a_job_that_waits_past_the_wall_clock_limit_is_killed(limits):
    limits(WALL_SECONDS=0.5)
    with pytest.raises(WorkLimitError):
        worker.run(time.sleep, 5.0)  # sleeping uses no CPU: only the wall clock can stop it
    assert worker.run(time.sleep, 0.0) is None  # a fresh worker took over


def test_a_result_too_large_to_bring_back_is_refused(limits):
    limits(RESULT_BYTES=10_000)
    with pytest.raises(WorkLimitError):
        worker.run(bytes, 50_000)
    assert worker.run(bytes, 5) == b"\0" * 5


def test_the_message_names_the_formula():
    with pytest.raises(WorkLimitError) as info:
        parse("cosh(x^0.33333333)+y")  # memory ran out inside parsing itself before the worker
    assert "'cosh(x^0.33333333)+y' is too complex to work with here" in str(info.value)
    assert isinstance(info.value, ExpressionError)


def test_a_job_that_hit_a_limit_fails_at_once_when_asked_again(limits):
    limits(CPU_SECONDS=1)
    with pytest.raises(WorkLimitError):
        worker.run(spin, 2.5)
    pids = worker.idle_pids()
    with pytest.raises(WorkLimitError):
        worker.run(spin, 2.5)
    assert worker.idle_pids() == pids  # no worker ran it (or was replaced) the second time


def test_lowering_the_limit_stops_a_bomb_that_the_default_limit_would_also_stop(limits):
    # With the default limits parsing cosh(x^0.33333333) ends in WorkLimitError (sympy builds a polynomial of
    # degree 10^8); a lowered CPU limit ends it sooner. Either way it is the limit that stops it.
    limits(CPU_SECONDS=1)
    with pytest.raises(WorkLimitError, match=r"cosh\(x\^0\.33333333\)\+y"):
        parse("cosh(x^0.33333333)+y")


def test_symbolic_work_on_a_formula_all_goes_through_the_worker(monkeypatch):
    jobs: list[bytes] = []
    submit = worker._POOL.submit

    def counted(job: bytes, *args: object) -> tuple[str, object]:
        jobs.append(job)
        return submit(job, *args)

    monkeypatch.setattr(worker._POOL, "submit", counted)
    f = parse("x^3*y + 1")
    derivation(f.expr, "x")
    total_derivative(f, "x^2")
    _ = f.hessian
    names = [name.encode() for name in ("parse_here", "derivation_here", "total_derivative_here", "second_partials")]
    assert [next(n for n in names if n in job) for job in jobs] == names


def unevaluated_sum() -> sp.Expr:
    x = sp.Symbol("x", real=True)
    return sp.Add(x, x, evaluate=False)


def test_a_result_is_rebuilt_without_evaluating_again():
    # sympy rebuilds an expression by calling its class; the worker's pickler makes that call evaluate=False,
    # so the parent never repeats the worker's simplification: an unevaluated x + x stays as it was sent ...
    x = sp.Symbol("x", real=True)
    assert pickle.loads(pickle.dumps(sp.Add(x, x, evaluate=False))) == 2 * x
    assert worker.run(unevaluated_sum).args == (x, x)
    # ... and sympy's cache still gives evaluated calls their evaluated result.
    assert sp.Add(x, x) == 2 * x


def test_results_rebuilt_without_evaluation_equal_the_originals():
    # Every kind of node the walk rebuilds (powers of sums, nested calls, kinks, a variable exponent), kept cheap
    # enough (0.4 s of steps) that a loaded machine stays inside the worker's limits.
    f = parse_here("(x + y)^3 * (x - y) + tan(x*y) + sigmoid(relu(x)) + abs(x)^y")
    steps = derivation(f.expr, "x")
    again = worker.loads(worker.dumps((f, steps, f.hessian)))
    assert again[0].expr == f.expr and again[0].partials == f.partials
    assert [s.after for s in again[1]] == [s.after for s in steps]
    assert [s.before for s in again[1]] == [s.before for s in steps]
    assert again[2] == f.hessian


def test_the_practice_checker_runs_whole_in_the_worker():
    from core.practice import LESSON, Verdict, check

    exercise = LESSON[0]  # ∂/∂x of 3x² + 2xy + y²
    verdict = worker.run(check, exercise, "6*x + 2*y", formula="6*x + 2*y")
    assert isinstance(verdict, Verdict) and verdict.correct
    assert verdict.message.startswith("Correct! Your answer equals ∂f/∂x.")
    verdict = worker.run(check, exercise, "6*x", formula="6*x")
    assert not verdict.correct and verdict.message.startswith("Not quite.")
    with pytest.raises(ExpressionError, match="ends with"):
        worker.run(check, exercise, "6*x +", formula="6*x +")


# ---- fairness: one job at a time per session, back-off after limits, a shared lane, a warm spare -----------------


def stamped_sleep(seconds: float) -> tuple[float, float]:
    """When the job ran, by the wall clock both processes share."""
    start = time.time()
    time.sleep(seconds)
    return start, time.time()


def run_as(owner: object, func, *args):
    """worker.run on behalf of ``owner``, in a thread of its own (as a session's script thread would)."""
    import threading

    box: dict[str, object] = {}

    def target() -> None:
        worker.OWNER.set(owner)
        try:
            box["value"] = worker.run(func, *args)
        except Exception as error:  # handed to the test
            box["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    return thread, box


def warm_pool(workers: int) -> None:
    """Wait until ``workers`` workers are started and idle (the spare starts in the background)."""
    worker.run(pow, 2, 2)
    deadline = time.monotonic() + worker.STARTUP_SECONDS
    while len(worker.idle_pids()) < workers and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_session_runs_one_job_at_a_time_while_two_sessions_run_side_by_side(limits):
    limits(WALL_SECONDS=30)
    warm_pool(2)
    same = [run_as("tab-a", stamped_sleep, 1.5) for _ in range(2)]
    thread, other = run_as("tab-b", stamped_sleep, 1.5)
    for t, _ in [*same, (thread, other)]:
        t.join(60)
    first, second = sorted(box["value"] for _, box in same)
    assert second[0] >= first[1] - 0.01  # the same session's second job started after its first ended
    b = other["value"]
    assert b[0] < first[1] and first[0] < b[1]  # another session's job ran beside the first one


def test_a_session_that_hits_a_limit_waits_longer_before_its_next_job_and_others_do_not(limits):
    limits(RESULT_BYTES=10_000, BACKOFF_FIRST=0.7)
    worker.OWNER.set("attacker")
    try:
        with pytest.raises(WorkLimitError):
            worker.run(bytes, 50_002)  # jobs of their own: a remembered failure would not strike
        first = worker._POOL.backoff("attacker")
        with pytest.raises(WorkLimitError):
            worker.run(bytes, 50_003)
        second = worker._POOL.backoff("attacker")
    finally:
        worker.OWNER.set(None)
    assert 0.3 < first <= 0.7
    assert 0.7 < second <= 1.4  # doubled
    assert worker._POOL.backoff("student") == 0.0
    assert worker.run(pow, 3, 2) == 9  # an ordinary job is not held up


def test_sessions_with_limit_hits_share_one_lane_so_a_student_is_never_queued_behind_them(limits):
    limits(RESULT_BYTES=10_000, BACKOFF_FIRST=0.0, WALL_SECONDS=30)
    for size, owner in enumerate(("attacker-1", "attacker-2")):
        worker.OWNER.set(owner)
        with pytest.raises(WorkLimitError):
            worker.run(bytes, 60_000 + size)  # two different jobs: a remembered failure would not strike
    worker.OWNER.set(None)
    warm_pool(2)
    attackers = [run_as(owner, stamped_sleep, 3.0) for owner in ("attacker-1", "attacker-2")]
    time.sleep(0.5)
    thread, student = run_as("student", stamped_sleep, 0.0)
    thread.join(60)
    for t, _ in attackers:
        t.join(60)
    spans = sorted(box["value"] for _, box in attackers)
    assert spans[1][0] >= spans[0][1] - 0.01  # one lane: the two attackers ran one after the other
    assert student["value"][0] < spans[0][1]  # the student ran while the first attacker still held its lane


def test_a_killed_workers_replacement_is_already_warm(limits):
    limits(WALL_SECONDS=0.5)
    with pytest.raises(WorkLimitError):
        worker.run(time.sleep, 5.5)  # a job of its own: a remembered failure would not reach a worker
    deadline = time.monotonic() + worker.STARTUP_SECONDS
    while not worker.idle_pids() and time.monotonic() < deadline:
        time.sleep(0.1)
    warm = set(worker.idle_pids())
    assert warm  # a spare started in the background, without a job asking for it
    limits(WALL_SECONDS=30)  # the next job is no race against the clock on a busy machine
    assert worker.run(my_pid) in warm


def test_heavy_jobs_share_the_restricted_lane_and_quick_ones_pass_them(limits):
    limits(WALL_SECONDS=30)
    warm_pool(2)
    import threading

    spans: dict[str, tuple[float, float]] = {}

    def heavy(owner: str) -> None:
        worker.OWNER.set(owner)
        spans[owner] = worker.run(stamped_sleep, 3.0 + len(spans) / 100, heavy=True)

    threads = [threading.Thread(target=heavy, args=(f"curvature-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    thread, student = run_as("student", stamped_sleep, 0.0)
    thread.join(60)
    for t in threads:
        t.join(60)
    first, second = sorted(spans.values())
    assert second[0] >= first[1] - 0.01  # one lane for the heavy jobs
    assert student["value"][0] < first[1]  # the quick job did not wait for them


def test_a_long_ordinary_job_gives_way_to_a_waiting_quick_one_and_is_not_remembered(limits):
    limits(WALL_SECONDS=30, CONTENDED_SECONDS=0.5)
    warm_pool(2)
    long_jobs = [run_as(owner, stamped_sleep, 6.0) for owner in ("tab-a", "tab-b")]
    time.sleep(0.3)
    thread, student = run_as("student", stamped_sleep, 0.0)
    thread.join(60)
    for t, _ in long_jobs:
        t.join(60)
    errors = [box["error"] for _, box in long_jobs if "error" in box]
    assert len(errors) == 1 and "while other students are waiting" in str(errors[0])
    finished = next(box["value"] for _, box in long_jobs if "value" in box)
    assert student["value"][0] < finished[1]  # the quick job ran before the other long one ended
    assert worker.run(stamped_sleep, 6.0)[1] > 0  # not a remembered failure: alone, the same job runs
