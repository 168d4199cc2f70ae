"""The store's back ends for the tests: the embedded one, and a real Debian redis-server started here on a free
loopback port (as CI installs it); without redis-server its tests skip with the reason."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator

import pytest

from bench.harness import free_port
from classroom.store import MemoryStore, RedisStore

REDIS_SERVER = shutil.which("redis-server") or shutil.which("/usr/bin/redis-server")


def start_redis(port: int) -> subprocess.Popen:
    """redis-server on 127.0.0.1:port, in memory only (no snapshot, no append-only file), in a scratch folder."""
    folder = tempfile.mkdtemp(prefix="gradient-lab-redis-")
    command = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    command += ["--dir", folder, "--protected-mode", "yes"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_redis(url: str, process: subprocess.Popen, timeout: float = 20) -> None:
    import redis

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("redis-server exited")
        try:
            if redis.Redis.from_url(url, socket_timeout=1).ping():
                return
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not answer in time")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = start_redis(port)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_redis(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


class Clock:
    """A clock the test moves by hand (the embedded store's expiry and rate windows read it)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def make_store(request) -> Iterator[Callable[..., object]]:
    """A factory of empty stores of one back end: make_store(seconds=...) (Redis: a flushed database)."""
    made = []

    def make(seconds: float = 3600.0, empty_seconds: float | None = None):
        if request.param == "memory":
            store = MemoryStore(seconds=seconds, empty_seconds=empty_seconds)
        else:
            url = request.getfixturevalue("redis_url")
            store = RedisStore(url, seconds=seconds, empty_seconds=empty_seconds)
            if not made:
                store.redis.flushdb()
        made.append(store)
        return store

    yield make
