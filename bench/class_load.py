"""A live class at scale: N students on replicas behind HAProxy, sharing one room in Redis, answer one activity.

    python -m bench.load --class --sessions 300 [--replicas 2]

Everything runs on loopback and is started and stopped here: Debian's redis-server, the replicas (the README's
`streamlit run dashboard.py` with REDIS_URL set), and HAProxy with deploy/haproxy.cfg. Each student is a
`bench.stclient.Session` (Streamlit's websocket protocol, as a browser tab) that also keeps the page's fragments
running on their timers, as the frontend does: every student checks the room every 3 s, the lecturer's live view
refreshes every second.

1. The lecturer's room is opened (as "Start a class" does) and N students open its join link at once.
2. The lecturer starts "Predict: where is the minimum?". Each student's page shows the map on its next check
   (reported: how long the question takes to reach every screen).
3. Then the class answers within 10 s: each student clicks the map at a random moment of the window's first 8 s
   (a pick event from the chart), spread evenly, as a class answering one question does; every answer must be
   acknowledged by 10 s. (Clicks spread over all 10 s would set a deadline no server can meet: the last of 300
   comes 3 ms before it.)
4. Once a third of its students have answered, one replica (not the lecturer's) is stopped and started again. Its
   students' connections drop; they reconnect through the proxy (which sends them to the other replica, or to the
   restarted one once it is back), and those who had already answered send their answer once more, as a browser
   retrying would.
5. The lecturer's view keeps refreshing until it shows N answers.

Checked: every student's answer acknowledged on their page within the 10 s window, Redis holding exactly the
acknowledged answers each equal to what its student last sent (nothing lost, nothing doubled); the lecturer's view
showing the final count within 2 s of the last answer. Reported with the servers' CPU and peak memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from bench import load
from bench.harness import free_port, stop_server, wait_healthy
from bench.stclient import Run, Session
from classroom.store import RedisStore

ANSWER_TARGET_S = 10.0
LECTURER_TARGET_S = 2.0
ANSWER_HEADROOM = 2.0  # the last clicks come this long before the deadline, time for their acknowledgement
REACTION = (0.0, ANSWER_TARGET_S - ANSWER_HEADROOM)  # when in the answering window a student clicks
SHOW_LIMIT = 60.0  # the window opens once every screen shows the question, or after this many seconds
RESTART_AFTER = 1 / 3  # a replica is restarted once this share of its students has answered ...
RESTART_BY = 7.0  # ... or this many seconds into the window, whichever comes first
WINDOW = 60.0  # the answering phase ends by then whatever happens (loopback, bounded)
ACTIVITY = {
    "kind": "predict",
    "question": "minimum",
    "f": "3*x**2 + 2*x*y + y**2",
    "names": ["x", "y"],
    "domain": [[-3.0, 3.0], [-3.0, 3.0]],
    "minima": [[0.0, 0.0]],
}
MAP = "classroom.map"
ACCEPTED = ("Your answer is in.", "Your answer is changed: only the latest one counts.")


@dataclass
class Tab(Session):
    """A Session that also keeps its fragments' timers (``auto_rerun``), the success alerts and the metrics shown."""

    fragments: dict[str, float] = field(default_factory=dict)  # fragment id -> seconds between its reruns
    alerts: list[str] = field(default_factory=list)
    metrics: dict[str, str] = field(default_factory=dict)

    def _read(self, msg: ForwardMsg, run: Run) -> bool:
        kind = msg.WhichOneof("type")
        if kind == "auto_rerun":
            self.fragments[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        return super()._read(msg, run)

    def _element(self, element, fragment: str = "") -> None:
        super()._element(element, fragment)
        kind = element.WhichOneof("type")
        if kind == "alert" and element.alert.format == Alert.SUCCESS:
            self.alerts.append(element.alert.body)
        elif kind == "metric":
            self.metrics[element.metric.label] = element.metric.body

    async def tick(self, timeout: float = 60) -> Run:
        """One rerun of the page's timed fragment, as the frontend sends it when its interval is up."""
        msg = self._rerun_msg()
        msg.rerun_script.fragment_id = next(iter(self.fragments))
        msg.rerun_script.is_auto_rerun = True
        return await self._run(msg, time.perf_counter(), timeout)

    async def pick(self, key: str, x: float, y: float, timeout: float = 60) -> Run:
        """A click on the chart under ``key``: the component's trigger value, sent once with the widgets' states; a
        chart drawn inside a fragment reruns only that fragment, as the frontend asks (BidiComponent's
        setTriggerValue passes the element's fragmentId)."""
        msg = self._rerun_msg()
        msg.rerun_script.fragment_id = self.fragment_of.get(key, "")
        state = WidgetState(id=_make_trigger_id(self.widgets[key], "events"))
        state.json_trigger_value = json.dumps([{"event": "pick", "value": {"x": x, "y": y, "via": "click"}}])
        msg.rerun_script.widget_states.widgets.append(state)
        return await self._run(msg, time.perf_counter(), timeout)


@dataclass
class Student:
    tab: Tab
    at: float  # when to click, seconds into the answering window
    point: tuple[float, float]
    shown: float | None = None  # when the map appeared
    sent: list[float] = field(default_factory=list)  # when each answer was acknowledged
    reconnects: int = 0
    failure: str = ""


@dataclass
class ClassReport:
    students: int
    replicas: int
    joins: list[float] = field(default_factory=list)
    shown: list[float] = field(default_factory=list)
    answered: list[float] = field(default_factory=list)
    latency: list[float] = field(default_factory=list)
    stored: int = 0
    matching: int = 0
    resent: int = 0
    reconnected: int = 0
    back_on: dict[str, int] = field(default_factory=dict)  # replica -> reconnected students it serves at the end
    restarted: str = ""
    restart_at: float = 0.0
    answered_before_restart: int = 0
    restart_seconds: float = 0.0
    lecturer_final: float | None = None
    lecturer_seen: list[tuple[float, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    window_cpu: list[float] = field(default_factory=list)  # each replica's CPU from the window's opening to the end
    window_seconds: float = 0.0
    join_cpu: float = 0.0  # all replicas' CPU while the students joined
    question_cpu: float = 0.0  # ... from Start until the question was on every screen
    peak_mb: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    client_cpu: float = 0.0
    cut_off: int = 0  # students' tabs still busy at the end
    lost: int = 0  # answers a page acknowledged that Redis does not hold

    def lines(self) -> list[str]:
        last = max(self.answered) if self.answered else float("nan")
        # Nothing lost, nothing doubled: every answer in Redis is its own student's (one per student id, as that student
        # last sent it), and none that a page acknowledged is missing.
        exact = self.stored == self.matching and self.lost == 0
        # The lecturer's view may show the final count before the last student's page has its acknowledgement (the
        # answer is in Redis first): then the lag is zero, not "never".
        shown_at = [t for t, shown in self.lecturer_seen if shown == str(self.stored)]
        final_at = shown_at[0] if shown_at else None
        lag = max(0.0, final_at - last) if final_at is not None else float("nan")
        out = [
            f"live class: {self.students} students, {self.replicas} replicas behind HAProxy, Redis, "
            "'Predict: where is the minimum?':",
            f"  {'join the room, all at once':<44}{load.percentiles(self.joins)}",
            f"  {'the question on their screens (from Start)':<44}{load.percentiles(self.shown)}",
            f"  {f'answer acknowledged (clicked in 0–{REACTION[1]:g} s)':<44}{load.percentiles(self.answered)}",
            f"  {'answer acknowledged after its click':<44}{load.percentiles(self.latency)}",
            f"  every answer in within the {ANSWER_TARGET_S:g} s window: "
            f"{_verdict(len(self.answered) == self.students and last <= ANSWER_TARGET_S)} "
            f"({len(self.answered)}/{self.students} acknowledged, the last at {last:.2f} s)",
            f"  replica {self.restarted} restarted at {self.restart_at:.1f} s, when {self.answered_before_restart} of "
            f"its students had answered (back after {self.restart_seconds:.1f} s); {self.reconnected} students "
            f"reconnected ({', '.join(f'{n} to {r}' for r, n in sorted(self.back_on.items()))}), {self.resent} "
            "answers sent again",
            f"  counted exactly once: {_verdict(exact)} (Redis holds {self.stored} answers, {self.matching} equal to "
            f"what their student last sent; {self.lost} acknowledged answers missing)",
            f"  the lecturer's view showed the final count ({self.stored}) at {_s(final_at)}, {lag:.2f} s after the "
            f"last answer (target < {LECTURER_TARGET_S:g} s: {_verdict(lag <= LECTURER_TARGET_S)})",
            f"  server CPU per replica: {', '.join(f'{c:.1f} s' for c in self.cpu)} (the students' own client: "
            f"{self.client_cpu:.1f} s); peak resident memory: {', '.join(f'{m:.0f} MB' for m in self.peak_mb)}",
            f"  per student: joining {1000 * self.join_cpu / self.students:.0f} ms, the question reaching their "
            f"screens {1000 * self.question_cpu / self.students:.0f} ms (a page run, and checks until then)",
            f"  in the answering window ({self.window_seconds:.1f} s, to the lecturer's final count): "
            f"{', '.join(f'{c:.1f} s' for c in self.window_cpu)}, {1000 * sum(self.window_cpu) / self.students:.0f} ms "
            f"per student (the restarted replica's start included); the machine has "
            f"{os.cpu_count() * self.window_seconds:.0f} CPU-seconds in that time",
        ]
        shown = "; ".join(self.errors[:3]) or "none"
        out.append(f"  error elements shown: {shown}")
        if self.cut_off:
            out.append(f"  tabs still waiting on the server at the end (cut off): {self.cut_off}")
        if self.failures:
            out.append(f"  FAILED: {len(self.failures)}, e.g. {self.failures[0]}")
        out.append(f"  (machine load average during the run: {os.getloadavg()[1]:.1f} on {os.cpu_count()} cores)")
        return out


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _s(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f} s"


async def _student(student: Student, clock: dict[str, float], report: ClassReport, stop: asyncio.Event) -> None:
    """Check the room on the page's timer; once the answering window is open and the student's moment has come,
    click the map; after a dropped connection, come back and (if already answered) send the answer again.
    ``clock`` holds when the activity started and when the window opened (perf_counter seconds)."""
    tab = student.tab
    next_check = time.perf_counter() + random.uniform(0, 3.0)
    while not stop.is_set():
        try:
            if MAP in tab.widgets and student.shown is None:
                student.shown = time.perf_counter() - clock["start"]
            window = clock.get("window")
            if window and student.shown is not None and time.perf_counter() - window >= student.at and not student.sent:
                await _answer(student, window)
                continue
            if time.perf_counter() >= next_check and tab.fragments:
                next_check = time.perf_counter() + next(iter(tab.fragments.values()))
                await tab.tick()
                continue
        except (ConnectionClosed, ConnectionError, OSError, InvalidHandshake, KeyError):
            # The connection dropped (a KeyError: the page came back without its map, so it is still coming back).
            student.reconnects += 1
            await _come_back(student, clock.get("window") or clock["start"], report)
            continue
        await asyncio.sleep(0.05)


async def _answer(student: Student, start: float) -> None:
    before = len(student.tab.alerts)
    await student.tab.pick(MAP, *student.point)
    if any(a in ACCEPTED for a in student.tab.alerts[before:]):
        student.sent.append(time.perf_counter() - start)
    else:
        student.failure = f"not acknowledged: {student.tab.alerts[before:] or student.tab.errors[-1:]}"


async def _come_back(student: Student, start: float, report: ClassReport) -> None:
    """Reconnect through the proxy (the restarted replica is away: HAProxy sends the tab to the other one), as the
    frontend does; a student who had answered sends it again."""
    for _ in range(120):
        try:
            student.tab.widgets.pop(MAP, None)
            student.tab.fragments.clear()
            await student.tab.reconnect()
            if student.sent:
                report.resent += 1
                await _answer(student, start)
            return
        except (ConnectionClosed, ConnectionError, OSError, InvalidHandshake, KeyError):
            # A replica shutting down still takes the connection and then refuses the websocket: try again.
            await asyncio.sleep(0.25)
    student.failure = "could not reconnect within 30 s"


async def _lecturer(tab: Tab, clock: dict[str, float], count: int, report: ClassReport, stop: asyncio.Event) -> None:
    """The lecturer's live view on its own timer: what it showed when, in seconds from the window's opening."""
    while not stop.is_set():
        began = time.perf_counter()
        try:
            await tab.tick()
        except (ConnectionClosed, ConnectionError, OSError):
            await tab.reconnect()
            continue
        now = time.perf_counter() - (clock.get("window") or clock["start"])
        shown = tab.metrics.get("Answers", "")
        report.lecturer_seen.append((now, shown))
        if shown == str(count) and report.lecturer_final is None:
            report.lecturer_final = now  # everyone has answered and the lecturer sees it: the run can end
        interval = next(iter(tab.fragments.values()), 1.0)
        await asyncio.sleep(max(0.0, interval - (time.perf_counter() - began)))


async def play(
    port: int, count: int, store: RedisStore, replicas: dict[str, subprocess.Popen], restart, seed: int, cpu=None
) -> ClassReport:
    """``cpu()``: each replica's server CPU so far (across its restart)."""
    report = ClassReport(count, len(replicas))
    rng = random.Random(seed)
    room, secret = store.open_room()
    lecturer = Tab(load.HOST, port, f"/classroom?room={room}&key={secret}", fetch_plotly_js=False)
    await lecturer.open()
    tabs = [Tab(load.HOST, port, f"/classroom?room={room}", fetch_plotly_js=False) for _ in range(count)]
    before = sum(cpu().values()) if cpu else 0.0
    joins = await asyncio.gather(*(t.open() for t in tabs), return_exceptions=True)
    report.join_cpu = sum(cpu().values()) - before if cpu else 0.0
    for run in joins:
        if isinstance(run, BaseException):
            report.failures.append(f"join: {type(run).__name__}: {run}")
        else:
            report.joins.append(run.seconds)
    students = [
        Student(tab, rng.uniform(*REACTION), (round(rng.uniform(-3, 3), 4), round(rng.uniform(-3, 3), 4)))
        for tab in tabs
    ]
    lecturer_replica = lecturer.replica
    await asyncio.sleep(1.0)  # the students' pages settle on their timers

    before = sum(cpu().values()) if cpu else 0.0
    store.start(room, secret, ACTIVITY)  # the lecturer's "▶ Start this activity"
    clock = {"start": time.perf_counter()}
    stop = asyncio.Event()
    tasks = [asyncio.create_task(_student(s, clock, report, stop)) for s in students]
    # A student's task that ends in an error is a failure to report, never silence.
    tasks.append(asyncio.create_task(_lecturer(lecturer, clock, count, report, stop)))
    # The question reaches every screen on the students' own checks; then the class answers.
    while any(s.shown is None for s in students) and time.perf_counter() < clock["start"] + SHOW_LIMIT:
        await asyncio.sleep(0.05)
    clock["window"] = window = time.perf_counter()
    cpu_at_window = cpu() if cpu else {}
    report.question_cpu = sum(cpu_at_window.values()) - before if cpu else 0.0
    victim = next(name for name in replicas if name != lecturer_replica)
    report.restarted = victim
    on_victim = [s for s in students if s.tab.replica == victim]
    deadline = window + RESTART_BY
    while sum(bool(s.sent) for s in on_victim) < RESTART_AFTER * len(on_victim) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    report.restart_at = time.perf_counter() - window
    report.answered_before_restart = sum(bool(s.sent) for s in on_victim)
    began = time.perf_counter()
    await asyncio.to_thread(restart, victim)
    report.restart_seconds = time.perf_counter() - began
    deadline = window + WINDOW
    while time.perf_counter() < deadline:
        done = all(s.sent for s in students) and report.lecturer_final is not None
        if done:
            break
        await asyncio.sleep(0.2)
    report.window_seconds = time.perf_counter() - window
    report.window_cpu = [spent - cpu_at_window[name] for name, spent in cpu().items()] if cpu else []
    stop.set()
    # A tab still busy (a reconnect, a run the server has not finished) gets a few seconds, then is cut off.
    _, busy = await asyncio.wait(tasks, timeout=10)
    for task in busy:
        task.cancel()
    report.cut_off = len(busy)
    for outcome in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(outcome, BaseException) and not isinstance(outcome, asyncio.CancelledError):
            report.failures.append(f"{type(outcome).__name__}: {outcome}")

    stored = store.answers(room)
    report.stored = len(stored)
    for s in students:
        report.reconnected += s.reconnects > 0
        if s.reconnects:
            report.back_on[s.tab.replica] = report.back_on.get(s.tab.replica, 0) + 1
        if s.shown is not None:
            report.shown.append(s.shown)
        if s.sent:
            report.answered.append(s.sent[0])
            report.latency.append(s.sent[0] - s.at)
        if s.failure:
            report.failures.append(s.failure)
        me = dict(part.split("=", 1) for part in s.tab.query_string.split("&") if "=" in part).get("me")
        report.matching += stored.get(me) == {"x": s.point[0], "y": s.point[1]}
        report.lost += bool(s.sent) and me not in stored
        report.errors += s.tab.errors
    await asyncio.gather(*(t.close() for t in [*tabs, lecturer]), return_exceptions=True)
    store.close(room, secret)
    return report


def _start_redis(port: int, folder: Path) -> subprocess.Popen:
    """Debian's redis-server on loopback, in memory only."""
    command = ["redis-server", "--port", str(port), "--bind", load.HOST, "--save", "", "--appendonly", "no"]
    return subprocess.Popen([*command, "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(sessions: int = 300, replicas: int = 2, seed: int = 0) -> ClassReport:
    """Start Redis, the replicas and the proxy; play the class; stop everything; print and return the report."""
    if not 1 <= sessions <= load.MAX_SESSIONS:
        raise ValueError(f"sessions must be 1 … {load.MAX_SESSIONS}")
    if replicas < 2:
        raise ValueError("a class run needs 2 or more replicas (one is restarted)")
    logs = Path(tempfile.mkdtemp(prefix="gradient-lab-class-"))
    redis_port = free_port()
    redis = _start_redis(redis_port, logs)
    url = f"redis://{load.HOST}:{redis_port}/0"
    ports = [free_port() for _ in range(replicas)]
    environment = dict(os.environ)
    os.environ["REDIS_URL"] = url  # the replicas inherit it
    apps: dict[str, subprocess.Popen] = {}
    proxy = None
    try:
        for i, port in enumerate(ports, start=1):
            apps[f"app{i}"] = load.start_app(port, logs / f"app{i}.log")
        for app, port in zip(apps.values(), ports, strict=True):
            wait_healthy(f"http://{load.HOST}:{port}", app)
        proxy_port = free_port()
        proxy = load.start_proxy(proxy_port, ports)
        wait_healthy(f"http://{load.HOST}:{proxy_port}", proxy)
        store = RedisStore(url)
        cpu_before = {name: load.cpu_seconds(app.pid) for name, app in apps.items()}
        cpu_spent = dict.fromkeys(apps, 0.0)

        peak_before = dict.fromkeys(apps, 0.0)

        def restart(name: str) -> None:
            index = int(name.removeprefix("app")) - 1
            cpu_spent[name] += load.cpu_seconds(apps[name].pid) - cpu_before[name]
            peak_before[name] = load.memory_mb(apps[name].pid)
            stop_server(apps[name])
            apps[name] = load.start_app(ports[index], logs / f"{name}-restarted.log")
            cpu_before[name] = load.cpu_seconds(apps[name].pid)
            wait_healthy(f"http://{load.HOST}:{ports[index]}", apps[name])

        def cpu() -> dict[str, float]:
            return {n: cpu_spent[n] + load.cpu_seconds(a.pid) - cpu_before[n] for n, a in apps.items()}

        client = time.process_time()
        report = asyncio.run(asyncio.wait_for(play(proxy_port, sessions, store, apps, restart, seed, cpu), timeout=600))
        report.client_cpu = time.process_time() - client
        report.cpu = list(cpu().values())
        report.peak_mb = [max(peak_before[n], load.memory_mb(a.pid)) for n, a in apps.items()]
    finally:
        os.environ.clear()
        os.environ.update(environment)
        for process in [*([proxy] if proxy else []), *apps.values(), redis]:
            stop_server(process)
    for line in report.lines():
        print(line)
    return report
