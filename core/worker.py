"""Symbolic work on a visitor's text runs in worker processes with hard limits: a formula can fail, the server not.

``run(func, *args)`` sends a module-level function and its arguments to one of at most WORKERS busy worker
processes and returns the result. Each job runs under an address-space limit (``resource.RLIMIT_AS``) and a
CPU-time limit (``RLIMIT_CPU``) and is killed when it outlasts a wall-clock limit; a job over any limit raises
``WorkLimitError`` and its worker is replaced. The limits are module settings, read at every job, so tests can
lower them.

Workers are forked from a zygote: one ``python -c`` process (multiprocessing's forkserver would re-run the
server's main script) that imports sympy, numpy and core once and warms them up, then forks a ready worker in
milliseconds. Starting an interpreter costs 0.6-1.6 s of CPU (5 s and more on a busy machine), which a stream of
formulas over the limits would otherwise make the pool pay again and again. The pool shares the workers fairly
between sessions (``_Pool``). Measured (``python -m bench.worker``): a round trip to a waiting worker costs about
0.1 ms, against 8-40 ms for a cold parse itself. Memory: the zygote and each idle worker hold ~70 MB resident,
most of it the same shared pages.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import math
import os
import pickle
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

import sympy as sp

from core.parsing import ExpressionError

MEMORY_MB = 160  # address space a job may add to its worker's idle size (server + 2 busy workers < 690 MB)
CPU_SECONDS = 4  # CPU time a job may use
WALL_SECONDS = 8  # wall-clock time a job may take, so a job starved of CPU still ends
CONTENDED_SECONDS = 2.0  # wall-clock time a job may take while another session's quick job waits for a worker
WORKER_NICE = 5  # workers run at a lower CPU priority than the server, so a formula never slows the pages
RESULT_BYTES = 4_000_000  # a pickled result beyond this is too large to bring back
WORKERS = 2  # the machine's cores; more jobs than workers wait their turn
SPARE = 1  # warm idle workers kept beside the busy ones, so a killed worker's replacement is already started
PENALTY_LANES = 1  # workers that heavy jobs and sessions with recent limit hits may occupy at once (the rest serve
# everyone else's quick jobs)
BACKOFF_FIRST = 1.0  # seconds a session waits before its next job after hitting a limit; doubles with each hit
BACKOFF_MAX = 16.0
REMEMBERED_OWNERS = 1024
JOBS_PER_WORKER = 500  # a worker retires after this many jobs, so sympy's caches in it stay small
STARTUP_SECONDS = 60  # a worker importing sympy on a busy machine
REMEMBERED_FAILURES = 256  # jobs that hit a limit fail at once when asked again (a shared bad link, a rerun)

# Modules a worker imports before its first job.
PRELOAD = ("core", "core.steps", "core.practice", "core.regression")
ROOT = str(Path(__file__).resolve().parents[1])

T = TypeVar("T")
READY = b"ready"


class WorkLimitError(ExpressionError):
    """Symbolic work stopped by the worker's memory, CPU or time limit."""


def too_complex(formula: str | None) -> WorkLimitError:
    """The message a student sees when a formula is stopped by a limit."""
    named = f"The formula {formula.strip()!r}" if formula and formula.strip() else "This formula"
    return WorkLimitError(
        f"{named} is too complex to work with here: working it out needs more memory or time than this "
        "shared server gives one formula. Try a simpler one (smaller exponents, fewer nested functions)."
    )


# Who a job is for (a browser session's id, set by the UI for each script run); None: a job of its own.
OWNER: ContextVar[object | None] = ContextVar("worker_owner", default=None)


def busy(formula: str | None) -> WorkLimitError:
    """The message when a long job was stopped to let other students' quick ones go first."""
    named = f"The formula {formula.strip()!r}" if formula and formula.strip() else "This formula"
    return WorkLimitError(
        f"{named} needs more time than the shared server can give it while other students are waiting: its work "
        "was stopped so theirs could go first. Try again in a moment, or try a simpler formula."
    )


_inside_worker = False  # True in a worker process: its jobs call run() for their helpers, which then run inline


def inside_worker() -> bool:
    """True in a worker process (where run() calls its function inline)."""
    return _inside_worker


def run(func: Callable[..., T], *args: Any, formula: str | None = None, heavy: bool = False, **kwargs: Any) -> T:
    """func(*args, **kwargs) in a limited worker; ExpressionError re-raised as is, WorkLimitError over a limit.

    ``formula`` names the visitor's text in the message of a WorkLimitError. A ``heavy`` job (a large formula's
    Hessian, a whole LaTeX) runs in the restricted lane, with the jobs of sessions that hit limits, so it never
    holds up everyone else's quick ones.

    >>> run(pow, 2, 10)
    1024
    """
    if _inside_worker:
        return func(*args, **kwargs)
    # The limits travel in a fixed header, so the worker applies them before it unpickles the arguments
    # (which sympy re-evaluates while unpickling).
    header = _HEADER.pack(MEMORY_MB, CPU_SECONDS, RESULT_BYTES)
    job = header + pickle.dumps((func, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    key = hashlib.sha256(job).digest()
    if key in _failures:
        raise too_complex(formula)
    kind, value = _POOL.submit(job, WALL_SECONDS, RESULT_BYTES, heavy)
    if kind == "ok":
        return value
    if kind == "limit":
        _remember(key)
        raise too_complex(formula)
    if kind == "yielded":  # not remembered: on a quieter server the same work may well fit
        raise busy(formula)
    raise value


def _remember(key: bytes) -> None:
    with _lock:
        _failures[key] = None
        while len(_failures) > REMEMBERED_FAILURES:
            _failures.popitem(last=False)


_HEADER = struct.Struct("ddq")
_failures: OrderedDict[bytes, None] = OrderedDict()
_lock = threading.Lock()


def loads(data: bytes) -> Any:
    """A worker's reply, unpickled: sympy objects are rebuilt as they were sent, without evaluating again."""
    return pickle.loads(data)  # bytes from our own worker process, never from a visitor


def dumps(value: Any) -> bytes:
    """Pickle for the trip back from the worker: each sympy expression is rebuilt unevaluated on arrival.

    sympy unpickles an expression by calling its class on the arguments, which evaluates (simplifies) again:
    measured 16 ms for one parsed function, the same work the worker was there to contain. The worker's
    results are already evaluated, so they are rebuilt with evaluate=False (also a separate cache key in
    sympy, so an evaluated call elsewhere never gets an unevaluated object from the cache).
    """
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, sp.Basic) and not isinstance(obj, sp.Atom):
            return rebuild, (type(obj), obj.args)
        return NotImplemented


def rebuild(cls: type[sp.Basic], args: tuple[sp.Basic, ...]) -> sp.Basic:
    """cls(*args) without sympy's automatic evaluation, for classes that take the flag."""
    try:
        return cls(*args, evaluate=False)
    except TypeError:  # a class without the flag builds as it is told anyway
        return cls(*args)


def _environment() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])),
        # One BLAS thread: nothing here is linear algebra, fewer threads reserve less address space, and a
        # single-threaded process forks safely.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }


class _Zygote:
    """A process that imports sympy and core once, then forks a ready worker in milliseconds on each request.

    Starting a worker from scratch costs 0.6-1.6 s of CPU (5 s and more on a busy machine), paid after every
    job killed by a limit: a stream of formulas over the limits would keep the pool starting processes. A fork
    of this warm process costs milliseconds, and its children share the imported modules' pages.
    """

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        start = "import sys, core.worker as w; w.zygote(int(sys.argv[1]))"
        self.process = subprocess.Popen(
            [sys.executable, "-c", start, str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            env=_environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        theirs.close()
        self.socket = ours
        self.lock = threading.Lock()
        self.socket.settimeout(STARTUP_SECONDS)
        try:
            ready = self.socket.recv(len(READY)) == READY
        except OSError:
            ready = False
        if not ready:
            self.stop()
            raise RuntimeError("The process that starts symbolic workers did not start.")

    def fork(self, jobs_read: int, replies_write: int) -> int:
        """A new worker serving these two pipe ends; its pid."""
        with self.lock:
            socket.send_fds(self.socket, [b"f"], [jobs_read, replies_write])
            return struct.unpack("q", self.socket.recv(8))[0]

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.socket.close()
        self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


_zygote: _Zygote | None = None
_zygote_lock = threading.Lock()


def _fork(jobs_read: int, replies_write: int) -> int:
    """A worker forked from the zygote (started, or started again, when needed)."""
    global _zygote  # noqa: PLW0603 - one zygote per server process
    with _zygote_lock:
        if _zygote is None or not _zygote.alive():
            _zygote = _Zygote()
        zygote = _zygote
    try:
        return zygote.fork(jobs_read, replies_write)
    except OSError:
        with _zygote_lock:
            if _zygote is zygote:
                zygote.stop()
                _zygote = None
        raise


class _Worker:
    """One worker process (forked from the zygote, running ``serve``) and the parent's ends of its two pipes."""

    def __init__(self) -> None:
        jobs_read, jobs_write = os.pipe()
        replies_read, replies_write = os.pipe()
        try:
            self.pid = _fork(jobs_read, replies_write)
        except (OSError, struct.error) as error:
            for fd in (jobs_write, replies_read):
                os.close(fd)
            raise RuntimeError("A symbolic worker process did not start.") from error
        finally:
            os.close(jobs_read)
            os.close(replies_write)
        self.jobs_out = Connection(jobs_write, readable=False)
        self.replies_in = Connection(replies_read, writable=False)
        self.jobs = 0
        self.penalized = False  # running a job of an owner with strikes, or a heavy job, in the restricted lane
        try:
            ready = self.replies_in.poll(STARTUP_SECONDS) and self.replies_in.recv_bytes() == READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop()
            raise RuntimeError("A symbolic worker process did not start.")

    def ask(
        self, job: bytes, wall_seconds: float, result_bytes: int, yield_to: Callable[[], bool] = lambda: False
    ) -> tuple[str, Any] | None:
        """The (kind, value) answer to a job, or None if the worker died or timed out (then it is killed).

        Past CONTENDED_SECONDS the job also ends as soon as ``yield_to()`` says another job is waiting for a
        worker: a long job gives way to the quick ones queued behind it instead of holding them up for seconds.
        """
        self.jobs += 1
        try:
            self.jobs_out.send_bytes(job)
            start = time.monotonic()
            while not self.replies_in.poll(0.1):
                waited = time.monotonic() - start
                if waited >= wall_seconds:
                    raise TimeoutError
                if waited >= CONTENDED_SECONDS and yield_to():
                    self.stop()
                    return ("yielded", None)
            # A reply longer than the bound is refused unread (OSError), so it never occupies this process.
            data = self.replies_in.recv_bytes(result_bytes + 4096)
        except (EOFError, OSError, TimeoutError):
            self.stop()
            return None
        return loads(data)

    def alive(self) -> bool:
        # The zygote reaps its children (SIGCHLD ignored), so an ended worker's pid is gone at once.
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop(self) -> None:
        for conn in (self.jobs_out, self.replies_in):
            with contextlib.suppress(OSError):
                conn.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)


class _Pool:
    """Up to WORKERS busy workers and SPARE warm idle ones, shared fairly between the sessions (owners) asking.

    Fairness: an owner runs one job at a time (its next one waits for it); an owner whose jobs keep hitting
    limits first sits out a back-off (1, 2, 4 … up to BACKOFF_MAX seconds, ``backoff``) before its job may queue,
    and then runs only in the one lane such owners share with heavy jobs, so the other worker always serves
    everyone else; among
    the jobs that may start, the longest-waiting goes first. A worker killed by a limit is replaced at once by a
    warm spare, and a new spare starts in the background, so no job waits for a start-up.
    """

    def __init__(self) -> None:
        self.idle: list[_Worker] = []
        self.busy = 0
        self.starting = 0
        self.changed = threading.Condition()
        self.running: set[object] = set()  # owners with a job in a worker
        self.penalized_running = 0  # jobs of owners with strikes, in the lane they share
        self.waiting: list[tuple[int, object, bool]] = []  # (ticket, owner, penalized), in arrival order
        self.tickets = 0
        self.strikes: OrderedDict[object, tuple[int, float]] = OrderedDict()  # owner -> (strikes, free again at)

    def submit(self, job: bytes, wall_seconds: float, result_bytes: int, heavy: bool = False) -> tuple[str, Any]:
        owner = OWNER.get()
        owner = owner if owner is not None else object()  # no session: a job of its own
        time.sleep(self.backoff(owner))
        worker = self._acquire(owner, heavy)
        answer = None
        try:
            # A job in the restricted lane holds at most that lane, so only an ordinary one gives way.
            answer = worker.ask(
                job, wall_seconds, result_bytes, (lambda: False) if worker.penalized else self.contended
            )
        finally:
            limited = answer is None or answer[0] in ("limit", "yielded")
            # Only a result too large to bring back leaves the worker as it was; any other limit retires it.
            kept = answer is not None and (answer[0] not in ("limit", "yielded") or answer[1] == "result")
            self._release(worker, owner, healthy=kept, hit=limited)
        return answer if answer is not None else ("limit", None)

    def contended(self) -> bool:
        """Whether every worker is busy while an ordinary job of another owner waits (a long job then gives way)."""
        with self.changed:
            if self.busy < WORKERS:
                return False
            return any(not penalized and owner not in self.running for _, owner, penalized in self.waiting)

    def backoff(self, owner: object) -> float:
        """Seconds ``owner`` must wait before its next job may queue (0 for an owner without recent strikes)."""
        with self.changed:
            _, until = self.strikes.get(owner, (0, 0.0))
        return max(0.0, until - time.monotonic())

    def _penalized(self, owner: object) -> bool:
        return self.strikes.get(owner, (0, 0.0))[0] > 0

    def _may_start(self, ticket: int, owner: object, penalized: bool) -> bool:
        if self.busy >= WORKERS or owner in self.running:
            return False
        if penalized and self.penalized_running >= PENALTY_LANES:
            return False
        # The longest-waiting job that could start goes first; an ordinary one never waits behind a penalized one.
        for other, other_owner, other_penalized in self.waiting:
            if other == ticket or other_owner in self.running:
                continue
            if other_penalized and (not penalized or other > ticket):
                continue
            if not other_penalized and not penalized and other > ticket:
                continue
            return False
        return True

    def _acquire(self, owner: object, heavy: bool = False) -> _Worker:
        with self.changed:
            self.tickets += 1
            # "penalized" here means the restricted lane: an owner with strikes, or a heavy job.
            ticket, penalized = self.tickets, self._penalized(owner) or heavy
            self.waiting.append((ticket, owner, penalized))
            try:
                while not self._may_start(ticket, owner, penalized):
                    self.changed.wait()
            finally:
                self.waiting.remove((ticket, owner, penalized))
            self.busy += 1
            self.running.add(owner)
            self.penalized_running += penalized
            worker = self.idle.pop() if self.idle else None
            self.changed.notify_all()
        if worker is None:
            try:
                worker = _Worker()  # only before the first spare is warm
            except BaseException:
                self._release(None, owner, healthy=False, penalized=penalized)
                raise
        worker.penalized = penalized
        self._keep_spare()
        return worker

    def _release(
        self, worker: _Worker | None, owner: object, healthy: bool, penalized: bool | None = None, hit: bool = False
    ) -> None:
        retire = worker is None or not healthy or worker.jobs >= JOBS_PER_WORKER or not worker.alive()
        if worker is not None and retire:
            worker.stop()
        with self.changed:
            self.busy -= 1
            self.running.discard(owner)
            self.penalized_running -= worker.penalized if worker is not None else bool(penalized)
            if worker is not None and not retire and len(self.idle) < WORKERS + SPARE:
                self.idle.append(worker)
            elif worker is not None and not retire:
                worker.stop()
            self._strike(owner, hit=hit)
            self.changed.notify_all()
        self._keep_spare()

    def _strike(self, owner: object, hit: bool) -> None:
        """Count a limit hit against ``owner`` (its back-off doubles), or forgive one strike after a clean job."""
        strikes, _ = self.strikes.pop(owner, (0, 0.0))
        strikes = strikes + 1 if hit else max(0, strikes - 1)
        if strikes:
            wait = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (strikes - 1)) if hit else 0.0
            self.strikes[owner] = (strikes, time.monotonic() + wait)
            while len(self.strikes) > REMEMBERED_OWNERS:
                self.strikes.popitem(last=False)

    def _keep_spare(self) -> None:
        """Start a worker in the background while fewer than SPARE are idle or starting (and room is left)."""
        with self.changed:
            wanted = (
                len(self.idle) + self.starting < SPARE and self.busy + len(self.idle) + self.starting < WORKERS + SPARE
            )
            if not wanted:
                return
            self.starting += 1
        threading.Thread(target=self._start_spare, name="worker-spare", daemon=True).start()

    def _start_spare(self) -> None:
        try:
            worker = _Worker()
        except Exception:  # the next job starts one itself and reports the failure
            worker = None
        with self.changed:
            self.starting -= 1
            if worker is not None:
                self.idle.append(worker)
            self.changed.notify_all()

    def shutdown(self) -> None:
        """Stop the idle workers and forget the strikes (tests use it to start from a fresh pool)."""
        with self.changed:
            idle, self.idle = self.idle, []
            self.strikes.clear()
            self.changed.notify_all()
        for worker in idle:
            worker.stop()

    def pids(self) -> list[int]:
        with self.changed:
            return [w.pid for w in self.idle]


_POOL = _Pool()
shutdown = _POOL.shutdown


def warm() -> None:
    """Start a worker in the background if none is idle or starting: the first formula of a cold server then
    meets a worker that started while the page's own modules were imported (about a second of a cold start)."""
    _POOL._keep_spare()


idle_pids = _POOL.pids


# ---- the worker's side -------------------------------------------------------------------------------------


def serve(jobs: Connection, replies: Connection) -> None:
    """A worker's loop: receive a job, run it under the job's limits, send (kind, value) back; exit on EOF."""
    global _inside_worker  # noqa: PLW0603 - this process is now a worker, for good
    _inside_worker = True
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a job killed by SIGXCPU leaves no core file behind
    os.nice(WORKER_NICE)  # the server's pages come first on a busy machine
    for module in PRELOAD:
        importlib.import_module(module)
    replies.send_bytes(READY)
    while True:
        try:
            job = jobs.recv_bytes()
        except (EOFError, OSError):
            return
        reply, retire = _answer(job)
        replies.send_bytes(reply)
        if retire:
            return


def zygote(fd: int) -> None:
    """The zygote's loop: import everything a worker needs once, then fork a worker for each pair of pipe ends
    received on the socket ``fd``; exit when the server closes it."""
    control = socket.socket(fileno=fd)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # ended workers are reaped by the kernel
    for module in PRELOAD:
        importlib.import_module(module)
    _warm_up()
    control.sendall(READY)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1, 2)
        except OSError:
            return
        if not message:
            return
        pid = os.fork()
        if pid == 0:  # the new worker
            try:
                control.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                serve_fds(fds[0], fds[1])
            finally:
                os._exit(0)
        for received in fds:
            os.close(received)
        control.sendall(struct.pack("q", pid))


def _warm_up() -> None:
    """Do once, before forking, the first-time work of sympy's parser, printers and lambdify (lazy imports,
    caches), which would otherwise cost each new worker's first job about a second."""
    global _inside_worker  # noqa: PLW0603 - the zygote works like a worker for this
    from core.function import hessian_parts, parse_here, to_latex

    _inside_worker = True
    try:
        f = parse_here("x^2*y + sin(x*y) + exp(x)/y")
        to_latex(f.expr)
        hessian_parts(f.partials, f.variables)
    finally:
        _inside_worker = False


def serve_fds(jobs_fd: int, replies_fd: int) -> None:
    """``serve`` on the two pipe ends a worker process was started with."""
    serve(Connection(jobs_fd, writable=False), Connection(replies_fd, readable=False))


def _answer(job: bytes) -> tuple[bytes, bool]:
    memory_mb, cpu_seconds, result_bytes = _HEADER.unpack_from(job)
    _limit(memory_mb, cpu_seconds)
    reply, retire = None, False
    try:
        func, args, kwargs = pickle.loads(job[_HEADER.size :])
        reply = _dump(("ok", func(*args, **kwargs)))
        if len(reply) > result_bytes:
            reply = _dump(("limit", "result"))  # the worker itself is fine: it stays
    except (MemoryError, RecursionError):
        # The job's memory may be half torn down: answer once its frames are gone, then leave for a fresh worker.
        retire = True
    except ExpressionError as error:
        reply = _dump(("error", error))
    except Exception as error:  # a bug, not the formula: bring it back to the caller with the worker's traceback
        error.add_note("In the worker:\n" + traceback.format_exc())
        reply = _dump(("error", error))
    finally:
        _unlimit()
    return (reply if reply is not None else _dump(("limit", None))), retire


def _dump(reply: tuple[str, Any]) -> bytes:
    try:
        return dumps(reply)
    except (pickle.PicklingError, TypeError, AttributeError) as error:
        kind, value = reply
        return pickle.dumps(("error", RuntimeError(f"{kind} reply could not be sent back: {value!r} ({error})")))


def _vm_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limit(memory_mb: float, cpu_seconds: float) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _vm_bytes() + int(memory_mb * 2**20)
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    cap = math.ceil(used + cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))


def _unlimit() -> None:
    for which in (resource.RLIMIT_AS, resource.RLIMIT_CPU):
        _, hard = resource.getrlimit(which)
        resource.setrlimit(which, (hard, hard))
