"""Two replicas behind Debian's HAProxy share one room through a real redis-server: students pinned to different
replicas answer the same question, and the lecturer's live view on one replica counts them all; a replica
restarting while the room is open loses no answer and doubles none."""

from __future__ import annotations

import asyncio
import concurrent.futures
import tempfile
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from bench import load
from bench.class_load import ACTIVITY, MAP, Tab
from classroom.store import RedisStore

needs_haproxy = pytest.mark.skipif(load.HAPROXY is None, reason="haproxy is not installed (apt-get install haproxy)")


@needs_haproxy
@pytest.mark.timeout(180)
def test_students_on_two_replicas_answer_in_one_room_and_the_lecturer_sees_every_answer(redis_url, monkeypatch):
    store = RedisStore(redis_url)
    store.redis.flushdb()
    monkeypatch.setenv("REDIS_URL", redis_url)  # the replicas inherit it
    ports = [load.free_port(), load.free_port()]
    logs = Path(tempfile.mkdtemp(prefix="gradient-lab-class-"))
    apps = [load.start_app(port, logs / f"app{i}.log") for i, port in enumerate(ports, start=1)]
    proxy = None
    try:
        for app, port in zip(apps, ports, strict=True):
            load.wait_healthy(f"http://{load.HOST}:{port}", app, timeout=60)
        proxy_port = load.free_port()
        proxy = load.start_proxy(proxy_port, ports)
        load.wait_healthy(f"http://{load.HOST}:{proxy_port}", proxy, timeout=10)

        def restart(name: str) -> None:
            index = int(name.removeprefix("app")) - 1
            load.stop_server(apps[index])
            apps[index] = load.start_app(ports[index], logs / f"{name}-restarted.log")
            load.wait_healthy(f"http://{load.HOST}:{ports[index]}", apps[index], timeout=60)

        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # a browser test's loop may run in this thread
            pool.submit(asyncio.run, _class(proxy_port, store, restart)).result(timeout=160)
    finally:
        for process in [*([proxy] if proxy else []), *apps]:
            load.stop_server(process)


async def _class(port: int, store: RedisStore, restart) -> None:
    room, secret = store.open_room()
    store.start(room, secret, ACTIVITY)
    students = [Tab(load.HOST, port, f"/classroom?room={room}", fetch_plotly_js=False) for _ in range(4)]
    for student in students:  # one after another: leastconn spreads them over both replicas
        await student.open()
    assert sorted(s.replica for s in students) == ["app1", "app1", "app2", "app2"]
    points = [(0.5, 0.25), (-1.0, 2.0), (3.0, -3.0), (0.0, 0.0)]
    for student, (x, y) in zip(students, points, strict=True):
        await student.pick(MAP, x, y)
        assert student.alerts[-1] == "Your answer is in.", (student.alerts, student.errors)
    await students[0].pick(MAP, 1.0, 1.0)  # a changed answer: still one
    answers = store.answers(room)
    assert len(answers) == 4
    assert sorted((a["x"], a["y"]) for a in answers.values()) == sorted([(1.0, 1.0), *points[1:]])

    lecturer = Tab(load.HOST, port, f"/classroom?room={room}&key={secret}", fetch_plotly_js=False)
    await lecturer.open()
    assert lecturer.metrics["Answers"] == "4" and lecturer.metrics["Students"] == "4"
    assert list(lecturer.fragments.values()) == [1.0]  # the live view reruns itself every second
    third = students[2]
    await third.pick(MAP, 2.0, 2.0)
    await lecturer.tick()
    assert lecturer.metrics["Answers"] == "4"
    assert store.mine(room, dict(p.split("=") for p in third.query_string.split("&"))["me"]) == {"x": 2.0, "y": 2.0}

    # A replica restarts while the room is open: its students come back through the proxy (on a new session, with
    # their id in the link; the map arrives as a reference to the copy the tab kept) and send their answer again.
    victim = next(s.replica for s in students if s.replica != lecturer.replica)
    before = store.answers(room)
    away = [s for s in students if s.replica == victim]
    await asyncio.to_thread(restart, victim)
    for student in away:
        with pytest.raises((ConnectionError, ConnectionClosed)):
            await student.tick(timeout=30)  # the connection dropped with the replica
        student.widgets.clear()
        await student.reconnect()
        assert MAP in student.widgets, student.errors
        await student.pick(MAP, 1.5, -1.5)
        assert student.alerts[-1] == "Your answer is changed: only the latest one counts.", student.errors
    after = store.answers(room)
    assert len(after) == 4
    moved = {me for me, answer in after.items() if answer != before[me]}
    assert len(moved) == len(away) and all(after[me] == {"x": 1.5, "y": -1.5} for me in moved)
    await lecturer.tick()
    assert lecturer.metrics["Answers"] == "4"
    for tab in [*students, lecturer]:
        await tab.close()
