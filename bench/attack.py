"""A class under attack (issue 26): attackers' tabs beside ordinary students, on one `streamlit run`.

Each tab is a `bench.stclient.Session` (Streamlit's websocket protocol, so it costs the server what a browser tab
would). For DURATION seconds:

- ordinary students (ORDINARY tabs) each type a new ordinary formula into the partials page every PAUSE seconds;
- 4 tabs type formula after formula that hits the worker's memory limit, each one fresh (cosh(x^0.333…) with
  new digits), so no remembered failure answers for the worker;
- 2 tabs open heavy Hessian links, /curvature?f=custom&expr=tanh(1x+y)*…*tanh(17x+y), a new variant each time;
- 2 tabs rerun a heavy descent view (Newton, 500 steps, a 6-variable product of sigmoids) again and again.

Reported: an ordinary student's new-formula time (p50/p95/max; target p95 < 1 s), the peak resident memory of the
server plus its workers and their zygote (summed RSS, sampled every 0.1 s; target < 690 MB; the summed PSS beside
it counts the pages they share once, as a container's limit does), the last-resort errors any tab saw (target 0), and
the server-process CPU each kind of link costs when opened alone on the warm server (target ≤ 1 s); then the same
run without the attackers.

    python -m bench.load --attack [--duration 45] [--students 6]
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import numpy as np

from bench.harness import free_port, stop_server, wait_healthy
from bench.load import start_app
from bench.stclient import Run, Session, WidgetState

HOST = "127.0.0.1"
LAST_RESORT = "Something went wrong"
P95_TARGET_S, MEMORY_TARGET_MB, CPU_TARGET_S = 1.0, 690, 1.0
PAUSE = 1.5  # seconds between an ordinary student's formulas
HEAVY_DESCENT = "*".join(f"sigmoid(w1+{i}*w2+w3-w4+{i}*w5+w6)" for i in range(1, 7))


def ordinary_formula(i: int) -> str:
    return f"x^2 + {i % 97 + 2}*y^2 + sin({i // 97 + 1}*x*y)"


def limit_formula(i: int) -> str:
    return f"cosh(x^0.{33333333 + i})+y"  # memory runs out while parsing (tests/hostile.py), new digits each time


def hessian_link(i: int) -> str:
    factors = [f"tanh({k}x+y)" for k in range(1, 17)] + [f"tanh({17 + i}x+y)"]
    return "/curvature?f=custom&expr=" + quote("*".join(factors))


DESCENT_LINK = "/descent?f=custom&opt=newton&steps=500&expr=" + quote(HEAVY_DESCENT)


async def type_text(session: Session, key: str, text: str, timeout: float = 180) -> Run:
    """Type ``text`` into the text box with widget key ``key`` and rerun, as a student pressing Enter."""
    state = WidgetState(id=session.widgets[key])
    state.string_value = text
    session.states[state.id] = state
    return await session._run(session._rerun_msg(), time.perf_counter(), timeout)


async def rerun(session: Session, timeout: float = 180) -> Run:
    """Rerun the page as it is (the R key)."""
    return await session._run(session._rerun_msg(), time.perf_counter(), timeout)


def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants (the server and its worker processes), from /proc."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                queue += [int(c) for c in (task / "children").read_text().split()]
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of a process (shared pages counted in full)."""
    return _field_mb(f"/proc/{pid}/status", "VmRSS:")


def pss_mb(pid: int) -> float:
    """Proportional set size: shared pages (the workers share the zygote's) divided among their sharers."""
    return _field_mb(f"/proc/{pid}/smaps_rollup", "Pss:")


def _field_mb(path: str, name: str) -> float:
    with contextlib.suppress(OSError):
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    label: str
    ordinary: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    peak_pss_mb: float = 0.0
    last_resort: int = 0
    attacks: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    load: float = 0.0  # the machine's load average over the last minute, at the end of the run

    def lines(self) -> list[str]:
        p50, p95 = np.percentile(self.ordinary, [50, 95]) if self.ordinary else (float("nan"),) * 2
        met = "met" if p95 < P95_TARGET_S else "MISSED"
        out = [
            f"{self.label}:",
            f"  ordinary student's new formula: {len(self.ordinary)} runs, p50 {p50:.2f} s  p95 {p95:.2f} s  "
            f"max {max(self.ordinary, default=float('nan')):.2f} s  (p95 < {P95_TARGET_S:g} s: {met})",
            f"  server + workers resident memory, peak: {self.peak_mb:.0f} MB summed RSS  "
            f"(< {MEMORY_TARGET_MB} MB: {'met' if self.peak_mb < MEMORY_TARGET_MB else 'MISSED'}); "
            f"{self.peak_pss_mb:.0f} MB summed PSS (shared pages counted once)",
            f"  last-resort errors seen by any tab: {self.last_resort}",
        ]
        if self.attacks:
            out.append("  attacker runs completed: " + ", ".join(f"{k} {v}" for k, v in self.attacks.items()))
        if self.failures:
            out.append(f"  FAILED tabs: {len(self.failures)}, e.g. {self.failures[0]}")
        out.append(f"  (machine load average at the end: {self.load:.1f} on {os.cpu_count()} cores)")
        return out


class Sampler:
    """Peak of the summed resident memory of the server and its workers, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.peak_pss, self.running = pid, 0.0, 0.0, True

    async def run(self) -> None:
        while self.running:
            pids = tree_pids(self.pid)
            self.peak = max(self.peak, sum(rss_mb(p) for p in pids))
            self.peak_pss = max(self.peak_pss, sum(pss_mb(p) for p in pids))
            await asyncio.sleep(0.1)


async def _student(port: int, index: int, until: float, result: Result) -> None:
    session = Session(HOST, port, "/partials?f=custom", fetch_plotly_js=False)
    await session.open()
    for i in itertools.count(index * 1000):
        if time.monotonic() > until:
            break
        run = await type_text(session, "partials.expr", ordinary_formula(i))
        result.ordinary.append(run.seconds)
        await asyncio.sleep(PAUSE)
    result.last_resort += sum(LAST_RESORT in e for e in session.errors)
    await session.close()


async def _limit_tab(port: int, index: int, until: float, result: Result) -> None:
    session = Session(HOST, port, "/partials?f=custom", fetch_plotly_js=False)
    await session.open()
    for i in itertools.count(index * 1000):
        if time.monotonic() > until:
            break
        await type_text(session, "partials.expr", limit_formula(i))
        result.attacks["formulas over a limit"] = result.attacks.get("formulas over a limit", 0) + 1
    result.last_resort += sum(LAST_RESORT in e for e in session.errors)
    await session.close()


async def _hessian_tab(port: int, index: int, until: float, result: Result) -> None:
    for i in itertools.count(index * 1000):
        if time.monotonic() > until:
            break
        session = Session(HOST, port, hessian_link(i), fetch_plotly_js=False)
        await session.open()
        result.attacks["heavy Hessian links"] = result.attacks.get("heavy Hessian links", 0) + 1
        result.last_resort += sum(LAST_RESORT in e for e in session.errors)
        await session.close()


async def _descent_tab(port: int, until: float, result: Result) -> None:
    session = Session(HOST, port, DESCENT_LINK, fetch_plotly_js=False)
    await session.open()
    while time.monotonic() < until:
        await rerun(session)
        result.attacks["heavy descent reruns"] = result.attacks.get("heavy descent reruns", 0) + 1
    result.last_resort += sum(LAST_RESORT in e for e in session.errors)
    await session.close()


async def _guarded(coroutine, result: Result) -> None:
    try:
        await coroutine
    except Exception as error:
        result.failures.append(f"{type(error).__name__}: {error}")


async def _mix(port: int, pid: int, label: str, students: int, duration: float, attackers: bool) -> Result:
    result = Result(label)
    sampler = Sampler(pid)
    sampling = asyncio.create_task(sampler.run())
    until = time.monotonic() + duration
    tabs = [_student(port, i, until, result) for i in range(students)]
    if attackers:
        tabs += [_limit_tab(port, i, until, result) for i in range(4)]
        tabs += [_hessian_tab(port, i, until, result) for i in range(2)]
        tabs += [_descent_tab(port, until, result) for _ in range(2)]
    await asyncio.gather(*(_guarded(t, result) for t in tabs))
    sampler.running = False
    await sampling
    result.peak_mb, result.peak_pss_mb = sampler.peak, sampler.peak_pss
    result.load = os.getloadavg()[0]
    return result


async def _link_costs(port: int, pid: int) -> dict[str, float]:
    """Server-process CPU of each kind of link opened alone (a fresh variant each, so nothing is cached)."""
    links = {
        "ordinary new formula": f"/partials?f=custom&expr={quote(ordinary_formula(99_999))}",
        "formula over the memory limit": f"/partials?f=custom&expr={quote(limit_formula(99_999))}",
        "heavy Hessian link": hessian_link(99_999),
        "heavy descent view (open + rerun)": DESCENT_LINK.replace("w6)", "w6+1)", 1),
    }
    costs = {}
    for name, link in links.items():
        before = cpu_seconds(pid)
        session = Session(HOST, port, link, fetch_plotly_js=False)
        await session.open(timeout=180)
        if "descent" in name:
            await rerun(session)
        await session.close()
        costs[name] = cpu_seconds(pid) - before
    return costs


def _serve(attackers: bool, students: int, duration: float) -> tuple[Result, dict[str, float]]:
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="gradient-lab-attack-")) / "app.log"
    app = start_app(port, log)
    try:
        wait_healthy(f"http://{HOST}:{port}", app)

        async def play() -> tuple[Result, dict[str, float]]:
            warm = Session(HOST, port, "/partials?f=custom", fetch_plotly_js=False)
            await warm.open()
            await type_text(warm, "partials.expr", ordinary_formula(123_456))
            await warm.close()
            costs = await _link_costs(port, app.pid) if attackers else {}
            label = "with the attack mix" if attackers else "without attackers"
            result = await _mix(port, app.pid, label, students, duration, attackers)
            return result, costs

        return asyncio.run(asyncio.wait_for(play(), timeout=duration + 900))
    finally:
        stop_server(app)


def run(students: int = 6, duration: float = 45.0) -> tuple[Result, Result]:
    """The mix with attackers, then without; both printed."""
    attacked, costs = _serve(True, students, duration)
    calm, _ = _serve(False, students, duration)
    print(f"{students} ordinary students typing a new formula every {PAUSE:g} s for {duration:g} s:")
    for line in attacked.lines() + calm.lines():
        print(line)
    worst = max(costs.values(), default=float("nan"))
    verdict = "met" if worst <= CPU_TARGET_S else "MISSED"
    print(f"server-process CPU per link, opened alone (≤ {CPU_TARGET_S:g} s: {verdict}):")
    for name, seconds in costs.items():
        print(f"  {name:<40}{seconds:.2f} s")
    return attacked, calm
