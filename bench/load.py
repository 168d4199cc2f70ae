"""Serving a whole class: N students open one share link at once, then move a slider.

Each student is a `bench.stclient.Session`: Streamlit's own websocket protocol, so each costs the server what a
browser tab would, without a browser per student. The server is started here (one `streamlit run`, or several
replicas behind HAProxy with deploy/haproxy.cfg), on loopback only, and stopped at the end.

1. A lecturer opens the link (a warm server), then all N students open it at the same instant: the first run,
   and plotly.js loaded by each chart component from a cold browser cache.
2. Each student moves the start slider once, at Poisson arrival times over 20 s (as a class follows along).
3. All N move it at the same instant.
4. Behind the proxy: every student uploads a file and a sample of them lose the connection and come back;
   each request must reach the replica that holds the student's session.

Reported: p50/p95/max of each, the server CPU each costs per session (steadier than times on a shared
machine), the servers' peak resident memory, and every error element a page showed.
Targets on this machine: 300 sessions under 690 MB (Community Cloud's smallest tier); p95 of a spread-out
slider move under 1 s.

    python -m bench.load --sessions 300 [--replicas 2] [--no-plotly-js]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.harness import free_port, stop_server, wait_healthy
from bench.stclient import Run, Session
from core import PRESETS

ROOT = Path(__file__).resolve().parents[1]

HOST = "127.0.0.1"  # loopback only
LINK = "/descent?f=rosenbrock&opt=adam&lr=0.05&steps=60"
SLIDER = "descent.x0"
MAX_SESSIONS = 1000
HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
CONFIG = ROOT / "deploy" / "haproxy.cfg"
MEMORY_TARGET_MB = 690
MOVE_TARGET_S = 1.0
OPEN = "open the link, all at once"
SPREAD = "move the slider, Poisson arrivals"
BURST = "move the slider, all at one instant"
RECONNECT = "connection dropped and back (a sample)"


def start_app(port: int, log: Path) -> subprocess.Popen:
    """The README's `streamlit run dashboard.py` (settings from .streamlit/config.toml) on HOST:port, its log in
    a file (a pipe nobody reads would fill)."""
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", HOST]
    command += ["--server.port", str(port), "--server.headless", "true"]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def proxy_env(port: int, backends: list[int]) -> dict[str, str]:
    """The environment deploy/haproxy.cfg reads: where to listen, and each replica's address."""
    env = {"BIND": f"{HOST}:{port}"}
    env.update({f"APP{i}": f"{HOST}:{p}" for i, p in enumerate(backends, start=1)})
    return env


def start_proxy(port: int, backends: list[int]) -> subprocess.Popen:
    """Debian's HAProxy in the foreground with deploy/haproxy.cfg, the replicas on loopback ports."""
    if HAPROXY is None:
        raise RuntimeError("haproxy is not installed (apt-get install haproxy)")
    env = {**os.environ, **proxy_env(port, backends)}
    return subprocess.Popen([HAPROXY, "-db", "-f", str(CONFIG)], env=env, stdout=subprocess.DEVNULL)


def memory_mb(pid: int, field_name: str = "VmHWM") -> float:
    """A process's resident memory in MB from /proc: VmHWM is its peak so far, VmRSS its current."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentiles(seconds: list[float]) -> str:
    if not seconds:
        return "none"
    p50, p95 = np.percentile(seconds, [50, 95])
    return f"p50 {p50:.2f} s  p95 {p95:.2f} s  max {max(seconds):.2f} s"


@dataclass
class Phase:
    """One phase for all sessions: each run's seconds, and the CPU seconds the server process(es) spent."""

    seconds: list[float] = field(default_factory=list)
    cpu: float = 0.0

    def line(self, label: str) -> str:
        per_run = f"server CPU {1000 * self.cpu / len(self.seconds):.0f} ms per session" if self.seconds else ""
        return f"  {label:<40}{percentiles(self.seconds)}   {per_run}"


@dataclass
class Report:
    """What one class session measured, printed by ``lines``."""

    sessions: int
    replicas: int
    phases: dict[str, Phase] = field(default_factory=dict)
    plotly_js: list[float] = field(default_factory=list)
    run_bytes: list[int] = field(default_factory=list)
    references: int = 0
    idle_mb: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    per_replica: Counter = field(default_factory=Counter)
    stayed: int = 0
    failures: list[str] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    load: float = 0.0
    arrivals: float = 20.0

    def lines(self) -> list[str]:
        where = "one `streamlit run`" if self.replicas == 1 else f"{self.replicas} replicas behind HAProxy"
        out = [f"{self.sessions} sessions, {where}, link {LINK}, slider {SLIDER}:"]
        out += [phase.line(label) for label, phase in self.phases.items()]
        spread_move = self.phases[SPREAD].seconds
        out += [
            f"  {'plotly.js load (cold browser cache)':<40}{percentiles(self.plotly_js)}",
            f"  target p95 of a spread-out move < {MOVE_TARGET_S:g} s: {_met(spread_move, MOVE_TARGET_S)}; the moves "
            f"came at {self.sessions / self.arrivals:.0f}/s, and at its CPU per move a replica with a core to "
            f"itself reruns up to {len(spread_move) / max(self.phases[SPREAD].cpu, 1e-9):.0f}/s",
            f"  per run the server sent {np.median(self.run_bytes) / 1e3:.0f} kB (median); "
            f"{self.references} unchanged large messages went as a reference",
        ]
        memory = ", ".join(f"{idle:.0f} → {peak:.0f} MB" for idle, peak in zip(self.idle_mb, self.peak_mb, strict=True))
        target = "met" if max(self.peak_mb) < MEMORY_TARGET_MB else "MISSED"
        out.append(f"  resident memory per process, warm idle → peak: {memory}  (< {MEMORY_TARGET_MB} MB: {target})")
        if self.replicas > 1:
            shares = ", ".join(f"{name} {count}" for name, count in sorted(self.per_replica.items()))
            out += [
                f"  sessions per replica (the proxy's cookie): {shares}",
                f"  stayed on their replica (websocket on the cookie's replica, same session id after a reconnect, "
                f"upload stored): {self.stayed}/{self.sessions}",
            ]
        shown = "; ".join(f"{count}× {text[:100]}" for text, count in self.errors.most_common(5)) or "none"
        out.append(f"  error elements shown: {shown}")
        if self.failures:
            out.append(f"  FAILED sessions: {len(self.failures)}, e.g. {self.failures[0]}")
        out.append(f"  (machine load average during the run: {self.load:.1f} on {os.cpu_count()} cores)")
        return out


def _met(seconds: list[float], target: float) -> str:
    return "met" if seconds and np.percentile(seconds, 95) < target else "MISSED"


def slider_values(count: int, seed: int) -> list[float]:
    """Distinct start points on the slider's own grid of 200 steps across the preset's x domain."""
    (low, high), _ = PRESETS["rosenbrock"].domain
    step = (high - low) / 200
    rng = random.Random(seed)
    return [round(low + step * rng.randrange(1, 200), 10) for _ in range(count)]


async def _gather(sessions: list[Session], calls, report: Report) -> list[Run | None]:
    """Run one coroutine per session; a failure is recorded and leaves None in that session's place."""
    results = await asyncio.gather(*calls, return_exceptions=True)
    out = []
    for session, result in zip(sessions, results, strict=True):
        if isinstance(result, BaseException):
            report.failures.append(f"{session.replica or 'session'}: {type(result).__name__}: {result}")
            out.append(None)
        else:
            out.append(result)
    return out


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _phase(report: Report, label: str, sessions: list[Session], calls, pids: list[int]) -> list[Run | None]:
    """Run one call per session concurrently; keep the times and the server CPU they cost under ``label``."""
    before = sum(cpu_seconds(pid) for pid in pids)
    runs = await _gather(sessions, calls, report)
    phase = report.phases.setdefault(label, Phase())
    phase.cpu += sum(cpu_seconds(pid) for pid in pids) - before
    for run in runs:
        if run is not None:
            phase.seconds.append(run.seconds)
            report.run_bytes.append(run.bytes)
            report.references += run.references
    return runs


async def class_session(
    port: int, count: int, arrivals: float, seed: int, replicas: dict[int, int], plotly_js: bool = True
) -> Report:
    """The phases above against HOST:port (the app, or the proxy in front of ``replicas``: port -> pid)."""
    report = Report(count, len(replicas), arrivals=arrivals)
    # Each replica warmed directly (its first run imports and fills the caches), and through the proxy when
    # there is one.
    lecturers = [Session(HOST, replica, LINK) for replica in replicas]
    lecturers += [Session(HOST, port, LINK)] if port not in replicas else []
    for lecturer in lecturers:
        await lecturer.open_fully()
        await lecturer.move(SLIDER, 0.0)
    await asyncio.gather(*(lecturer.close() for lecturer in lecturers))
    report.idle_mb = [memory_mb(pid, "VmRSS") for pid in replicas.values()]

    pids = list(replicas.values())
    sessions = [Session(HOST, port, LINK, fetch_plotly_js=plotly_js) for _ in range(count)]
    await _phase(report, OPEN, sessions, [s.open_fully() for s in sessions], pids)

    rng = random.Random(seed)
    times = sorted(rng.uniform(0, arrivals) for _ in sessions)  # a Poisson process, given its count
    values = slider_values(count, seed)
    start = time.perf_counter()

    async def later(session: Session, at: float, value: float) -> Run:
        await asyncio.sleep(max(0.0, at - (time.perf_counter() - start)))
        return await session.move(SLIDER, value)

    calls = [later(s, t, v) for s, t, v in zip(sessions, times, values, strict=True)]
    await _phase(report, SPREAD, sessions, calls, pids)
    values = slider_values(count, seed + 1)
    await _phase(report, BURST, sessions, [s.move(SLIDER, v) for s, v in zip(sessions, values, strict=True)], pids)

    if len(replicas) > 1:
        await _stickiness(sessions, report, pids)
    for session in sessions:
        report.plotly_js += [session.plotly_js] if session.plotly_js is not None else []
        report.errors.update(session.errors)
    await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    report.load = os.getloadavg()[1]
    return report


async def _stickiness(sessions: list[Session], report: Report, pids: list[int], dropped: int = 20) -> None:
    """Every session uploads a file, and ``dropped`` of them lose the connection and come back: each request
    must reach the replica named in the session's cookie (a reconnect costs the server ~0.2 s of CPU, so only
    a sample reconnects)."""
    before = [(s.cookies.get("GLREPLICA"), s.replica, s.session_id) for s in sessions]
    report.per_replica.update(cookie for cookie, _, _ in before)
    sample = sessions[:: max(1, len(sessions) // dropped)]
    await _phase(report, RECONNECT, sample, [s.reconnect() for s in sample], pids)
    statuses = await asyncio.gather(*(s.upload("data.csv", b"x,y\n1,2\n") for s in sessions), return_exceptions=True)
    for session, (cookie, replica, session_id), status in zip(sessions, before, statuses, strict=True):
        report.stayed += cookie == replica == session.replica and session.session_id == session_id and status == 204


def run(
    sessions: int = 200, replicas: int = 1, arrivals: float = 20.0, seed: int = 0, plotly_js: bool = True
) -> Report:
    """Start the server(s), play the class, stop everything; print and return the report."""
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValueError(f"sessions must be 1 … {MAX_SESSIONS}")
    ports = [free_port() for _ in range(replicas)]
    logs = Path(tempfile.mkdtemp(prefix="gradient-lab-load-"))
    apps = [start_app(port, logs / f"app{i}.log") for i, port in enumerate(ports, start=1)]
    proxy = None
    try:
        for app, port in zip(apps, ports, strict=True):
            wait_healthy(f"http://{HOST}:{port}", app)
        port = ports[0]
        if replicas > 1:
            port = free_port()
            proxy = start_proxy(port, ports)
            wait_healthy(f"http://{HOST}:{port}", proxy)
        pids = {p: app.pid for p, app in zip(ports, apps, strict=True)}
        play = class_session(port, sessions, arrivals, seed, pids, plotly_js)
        report = asyncio.run(asyncio.wait_for(play, timeout=600))
        report.peak_mb = [memory_mb(app.pid) for app in apps]
    finally:
        for process in [*([proxy] if proxy else []), *apps]:
            stop_server(process)
    for line in report.lines():
        print(line)
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--replicas", type=int, default=1, help="2 or more: replicas behind HAProxy")
    parser.add_argument("--arrivals", type=float, default=20.0, help="seconds over which the spread moves arrive")
    parser.add_argument("--no-plotly-js", action="store_true", help="as if every browser had plotly.js cached")
    parser.add_argument("--class", dest="live_class", action="store_true", help="a live class: bench/class_load.py")
    parser.add_argument("--attack", action="store_true", help="attackers beside ordinary students: bench/attack.py")
    parser.add_argument("--duration", type=float, default=45.0, help="seconds of the attack mix (with --attack)")
    parser.add_argument("--students", type=int, default=6, help="ordinary students in the attack mix")
    args = parser.parse_args(argv)
    if args.attack:
        from bench import attack

        attack.run(args.students, args.duration)
        return
    if args.live_class:
        from bench import class_load

        class_load.run(args.sessions, max(args.replicas, 2))
        return
    run(args.sessions, args.replicas, args.arrivals, plotly_js=not args.no_plotly_js)


if __name__ == "__main__":
    main()
