"""A newcomer's first run: the README's run command, in a fresh clone, opens the app in the browser and prints no
warning."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.harness import free_port

ROOT = Path(__file__).resolve().parents[1]


def clone(target: Path) -> None:
    """The files a clone holds (git's tracked files), without this checkout's generated ones."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_the_readme_run_command_opens_the_browser_and_warns_of_nothing(tmp_path):
    app = tmp_path / "app"
    clone(app)
    assert (app / "static").is_dir()  # the folder Streamlit serves ships, empty
    # A stand-in browser opener: Streamlit calls xdg-open on Linux; this one only writes down the address.
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    opened = tmp_path / "opened"
    (bin_ / "xdg-open").write_text(f'#!/bin/sh\necho "$@" >> "{opened}"\n')
    (bin_ / "xdg-open").chmod(0o755)
    port = free_port()
    env = {**os.environ, "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}
    env = {k: v for k, v in env.items() if not k.startswith("STREAMLIT_")}
    # The README's command, `streamlit run dashboard.py`, on a free port so it never meets another server.
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    process = subprocess.Popen(command, cwd=app, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while not opened.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        time.sleep(1.0)  # anything printed just after the browser opened
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert opened.exists(), output
    assert opened.read_text().split() == [f"http://localhost:{port}"]
    assert "Local URL" in output
    assert "warning" not in output.lower() and "error" not in output.lower(), output
