"""The benchmark scripts still run against today's code, at a size that takes seconds.

They are not timed here (BENCHMARKS.md reports the real runs); this only keeps them from
rotting when the package moves: a renamed module, a changed session id or a new open status
broke two of them once, unnoticed until the next real run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL = {
    "benchmarks.queue": [
        "--requests", "300", "--events-per-request", "2", "--iterations", "3",
        "--backends", "sqlite",
    ],
    "benchmarks.reminder_scan": ["--requests", "500", "--backend", "sqlite"],
    "benchmarks.outbox_send": ["--messages", "20", "--backend", "sqlite"],
    "benchmarks.erasure": ["--rows", "3000", "--repeat", "1", "--backends", "sqlite"],
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("module", sorted(SMALL))
def test_the_benchmark_runs(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", module, *SMALL[module]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_queue_benchmark_compares_with_the_queue_s_own_index() -> None:
    """The bare view's status list is the app's (a typed copy missed the new `answering`
    status and fell back to a full scan: the bare view became 20 ms)."""
    from benchmarks.queue import BARE_SQL
    from dsar.requests.workflow import Status

    for status in Status:
        assert (f"'{status.value}'" in BARE_SQL) is status.clock_running
