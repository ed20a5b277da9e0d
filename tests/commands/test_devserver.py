"""`dsar dev` as the README's first command runs it: web app, scheduler and mail sink together,
and stopping it with SIGTERM (systemd, docker stop, timeout) stops all of them (issue 22)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.pg import free_port

ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_sigterm_stops_the_web_app_and_its_scheduler(tmp_path: Path) -> None:
    port, mail_port = free_port(), free_port()
    env = {
        **os.environ,
        "DSAR_INSTANCE_PATH": str(tmp_path),
        "DSAR_DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}",
        "DSAR_ENV": "development",
    }
    env.pop("DSAR_BASE_URL", None)
    dev = subprocess.Popen(
        [sys.executable, "-m", "dsar", "dev", "--port", str(port), "--mail-port", str(mail_port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    schedulers: list[int] = []
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                assert dev.poll() is None, "dsar dev exited before it served"
                assert time.monotonic() < deadline, "dsar dev did not serve within 90 s"
                time.sleep(0.5)
        schedulers = _children(dev.pid)
        assert schedulers, "no scheduler process was started"
        dev.send_signal(signal.SIGTERM)
        assert dev.wait(timeout=20) == 0
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in schedulers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in schedulers if _alive(pid)], "the scheduler outlived dsar dev"
    finally:
        for pid in [*schedulers, *(_children(dev.pid) if dev.poll() is None else [])]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if dev.poll() is None:
            dev.kill()
