"""Two replicas behind Debian's HAProxy share one room through a real redis-server: students pinned to different
replicas answer the same question, and the lecturer's live view on one replica counts them all."""

from __future__ import annotations

import asyncio
import concurrent.futures
import tempfile
from pathlib import Path

import pytest

from bench import load
from bench.class_load import ACTIVITY, MAP, Tab
from classroom.store import RedisStore

needs_haproxy = pytest.mark.skipif(load.HAPROXY is None, reason="haproxy is not installed (apt-get install haproxy)")


@needs_haproxy
@pytest.mark.timeout(120)
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
        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # a browser test's loop may run in this thread
            pool.submit(asyncio.run, _class(proxy_port, store)).result(timeout=100)
    finally:
        for process in [*([proxy] if proxy else []), *apps]:
            load.stop_server(process)


async def _class(port: int, store: RedisStore) -> None:
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
    for tab in [*students, lecturer]:
        await tab.close()
