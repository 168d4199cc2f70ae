"""The replicated deployment keeps its promises: a valid HAProxy config, a lean container, sticky sessions.

The functional test starts two `streamlit run` replicas and Debian's HAProxy with deploy/haproxy.cfg, then
drives a few sessions over Streamlit's websocket protocol (bench/stclient.py, the benchmark's own client).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
import subprocess
import tempfile
import tomllib
from pathlib import Path

import pytest

from bench import load
from bench.stclient import Session

ROOT = Path(__file__).resolve().parents[1]
needs_haproxy = pytest.mark.skipif(load.HAPROXY is None, reason="haproxy is not installed (apt-get install haproxy)")


def _readme_run_command() -> str:
    first = re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text())[0]
    return first.split(" && ")[-1]


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [load.HAPROXY, "-c", "-f", str(load.CONFIG)], env=env, capture_output=True, text=True, check=False
    )


def _compose_proxy_env() -> dict[str, str]:
    text = (ROOT / "compose.yaml").read_text()
    block = text[text.index("    environment:") : text.index("    depends_on:")]
    return dict(re.findall(r'^\s+(\w+): "([^"]+)"$', block, re.MULTILINE))


@needs_haproxy
def test_haproxy_config_is_valid_for_the_local_replicas_and_for_compose():
    local = _check(load.proxy_env(9000, [9001, 9002]))
    assert local.returncode == 0, local.stderr
    compose_env = _compose_proxy_env()
    assert set(compose_env) == {"BIND", "APP1", "APP2", "APP3"}
    composed = _check(compose_env)
    assert composed.returncode == 0, composed.stderr


@needs_haproxy
def test_haproxy_config_needs_two_replicas():
    only_one = _check(load.proxy_env(9000, [9001]))
    assert only_one.returncode != 0
    assert "app2" in only_one.stderr or "server" in only_one.stderr


def test_haproxy_pins_sessions_with_a_cookie_and_checks_health():
    config = load.CONFIG.read_text()
    assert re.search(r"^\s+cookie GLREPLICA insert", config, re.MULTILINE)
    servers = re.findall(r"^\s+server (app\d) .* cookie (app\d)$", config, re.MULTILINE)
    assert servers and all(name == cookie for name, cookie in servers)
    assert "option httpchk GET /_stcore/health" in config
    assert "timeout tunnel" in config  # websockets stay open between slider moves


def _dockerfile() -> list[str]:
    """Instructions of the Dockerfile, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_dockerfile_runs_the_readme_command_as_a_non_root_user():
    lines = _dockerfile()
    assert re.fullmatch(r"FROM python:3\.1[1-3]-slim", lines[0])
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    cmd = next(line for line in lines if line.startswith("CMD "))
    assert " ".join(json.loads(cmd.removeprefix("CMD "))) == _readme_run_command()  # the exec form
    assert lines.index(next(line for line in lines if line.startswith("USER "))) < lines.index(cmd)


def test_dockerfile_installs_only_requirements_txt_and_checks_health():
    lines = _dockerfile()
    installs = [line for line in lines if "pip install" in line]
    assert len(installs) == 1
    assert re.search(r"pip install (--no-cache-dir )?-r requirements\.txt$", installs[0])
    assert not any("requirements-dev" in line for line in lines)
    health = next(line for line in lines if line.startswith("HEALTHCHECK "))
    assert "/_stcore/health" in health
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "tests"} <= set(ignored)


@needs_haproxy
@pytest.mark.timeout(60)
def test_sessions_stay_on_their_replica_behind_haproxy():
    """Four sessions through the proxy: spread over both replicas, and every websocket, reconnect and upload
    reaches the replica in the session's cookie. Sent to the other replica, the upload is refused."""
    ports = [load.free_port(), load.free_port()]
    logs = Path(tempfile.mkdtemp(prefix="gradient-lab-deploy-"))
    apps = [load.start_app(port, logs / f"app{i}.log") for i, port in enumerate(ports, start=1)]
    proxy = None
    try:
        for app, port in zip(apps, ports, strict=True):
            load.wait_healthy(f"http://{load.HOST}:{port}", app, timeout=40)
        proxy_port = load.free_port()
        proxy = load.start_proxy(proxy_port, ports)
        load.wait_healthy(f"http://{load.HOST}:{proxy_port}", proxy, timeout=10)
        # In a thread of its own: a browser test's event loop may still be running in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, _four_sessions(proxy_port)).result(timeout=60)
    finally:
        for process in [*([proxy] if proxy else []), *apps]:
            load.stop_server(process)


async def _four_sessions(port: int) -> None:
    sessions = [Session(load.HOST, port, load.LINK, fetch_plotly_js=False) for _ in range(4)]
    for session in sessions:  # one after another: leastconn sends each to the replica with fewer websockets
        await session.open()
    cookies = [s.cookies["GLREPLICA"] for s in sessions]
    assert sorted(cookies) == ["app1", "app1", "app2", "app2"]
    assert [s.replica for s in sessions] == cookies

    first = sessions[0]
    run = await first.move(load.SLIDER, -1.0)
    assert run.messages > 0 and not first.errors
    assert "x0=-1" in first.query_string.split("&")
    session_id = first.session_id
    await first.reconnect()
    assert (first.replica, first.session_id) == (cookies[0], session_id)

    assert await first.upload("data.csv", b"x,y\n1,2\n") == 204
    other = "app2" if cookies[0] == "app1" else "app1"
    first.cookies["GLREPLICA"] = other  # the same session's upload, sent to the replica that does not hold it
    assert await first.upload("data.csv", b"x,y\n1,2\n") == 400
    for session in sessions:
        await session.close()


def test_the_served_app_watches_no_source_files():
    """Streamlit's default watcher walked all of sys.modules on the event loop for every new session (~0.3 s
    each): 100 students opening one link waited 78 s and most lost the connection (python -m bench.load)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"
