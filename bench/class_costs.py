"""What each thing a student does in a live class costs the server: CPU milliseconds per student, one step at a time.

    python -m bench.class_costs [--sessions 100]

One replica (the README's `streamlit run dashboard.py`) with Debian's redis-server, both on loopback and stopped
here. N students (bench.class_load's tabs: Streamlit's websocket protocol, as a browser) do each step together,
and the replica's CPU is read before and after:

1. join the room's link; 2. check for news while nothing changed (the 3 s timer's fragment);
3. the lecturer starts "Predict: where is the minimum?" and each student's next check brings the question (the
   page runs again, with the map); 4. a click on the map (the answering fragment alone);
5. the connection drops and comes back on a new session, as after a replica restart (the page runs again);
6. the same answer sent again (counted once). Then the lecturer's live view with N answers, per refresh.

The students' times on a shared machine say little; the CPU per student is what adds up to a replica's load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench import load
from bench.class_load import ACTIVITY, MAP, Tab, _start_redis
from bench.harness import free_port, stop_server, wait_healthy
from classroom.store import RedisStore


async def _step(label: str, pid: int, tabs: list[Tab], act: Callable[[Tab], Awaitable[object]]) -> float:
    """Every tab does ``act`` at once; prints and returns the replica's CPU per tab in ms."""
    before = load.cpu_seconds(pid)
    await asyncio.gather(*(act(tab) for tab in tabs))
    per = 1000 * (load.cpu_seconds(pid) - before) / len(tabs)
    print(f"  {label:<58}{per:6.1f} ms")
    return per


async def _play(port: int, pid: int, store: RedisStore, count: int) -> dict[str, float]:
    room, secret = store.open_room()
    lecturer = Tab(load.HOST, port, f"/classroom?room={room}&key={secret}", fetch_plotly_js=False)
    await lecturer.open()
    tabs = [Tab(load.HOST, port, f"/classroom?room={room}", fetch_plotly_js=False) for _ in range(count)]
    rng = random.Random(0)
    costs = {"join": await _step("join the room's link", pid, tabs, Tab.open)}
    costs["check"] = await _step("a check for news, nothing new", pid, tabs, Tab.tick)
    store.start(room, secret, ACTIVITY)
    await asyncio.sleep(1.0)  # past the replica's shared read of the room (ui.classroom.SHARED_POLL)

    async def until_shown(tab: Tab) -> None:
        while MAP not in tab.widgets:
            await tab.tick()

    costs["question"] = await _step("the check that brings the question (its page run)", pid, tabs, until_shown)

    async def click(tab: Tab) -> None:
        await tab.pick(MAP, round(rng.uniform(-3, 3), 4), round(rng.uniform(-3, 3), 4))

    costs["click"] = await _step("a click on the map, acknowledged", pid, tabs, click)

    async def come_back(tab: Tab) -> None:
        tab.session_id = ""  # the replica that held the session is gone: a new one, the link's id kept
        tab.widgets.pop(MAP, None)
        await tab.reconnect()

    costs["reconnect"] = await _step("back after a restart, on a new session (its page run)", pid, tabs, come_back)
    costs["again"] = await _step("the answer sent again (counted once)", pid, tabs, click)
    costs["lecturer"] = await _step(
        f"the lecturer's live view with {count} answers, one refresh", pid, [lecturer], Tab.tick
    )
    answered = sum(any(a.startswith("Your answer") for a in tab.alerts) for tab in tabs)
    print(
        f"  ({answered}/{count} answers acknowledged, {len(store.answers(room))} in Redis; errors shown: "
        f"{sum(len(t.errors) for t in tabs)})"
    )
    await asyncio.gather(*(tab.close() for tab in [*tabs, lecturer]))
    return costs


def run(sessions: int = 100) -> dict[str, float]:
    """Start Redis and one replica, measure each step, stop both; the costs in ms per student."""
    if not 1 <= sessions <= load.MAX_SESSIONS:
        raise ValueError(f"sessions must be 1 … {load.MAX_SESSIONS}")
    logs = Path(tempfile.mkdtemp(prefix="gradient-lab-class-costs-"))
    redis_port = free_port()
    redis = _start_redis(redis_port, logs)
    url = f"redis://{load.HOST}:{redis_port}/0"
    environment = dict(os.environ)
    os.environ["REDIS_URL"] = url  # the replica inherits it
    port = free_port()
    app = load.start_app(port, logs / "app.log")
    try:
        wait_healthy(f"http://{load.HOST}:{port}", app)
        print(f"a live class's costs on one replica with Redis, server CPU per student ({sessions} students):")
        costs = asyncio.run(_play(port, app.pid, RedisStore(url), sessions))
    finally:
        os.environ.clear()
        os.environ.update(environment)
        stop_server(app)
        stop_server(redis)
    print(f"  (machine load average during the run: {os.getloadavg()[1]:.1f} on {os.cpu_count()} cores)")
    return costs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100)
    run(parser.parse_args(argv).sessions)


if __name__ == "__main__":
    main()
