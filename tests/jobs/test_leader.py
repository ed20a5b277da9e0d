"""Only one scheduler leads: a file lock beside SQLite, an advisory lock on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from dsar.jobs.leader import AdvisoryLeaderLock, FileLeaderLock, leader_lock_for


def test_file_lock_admits_one_leader_until_released(tmp_path: Path) -> None:
    first, second = FileLeaderLock(tmp_path / "s.lock"), FileLeaderLock(tmp_path / "s.lock")
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_lock_kind_follows_the_database(app, backend: str) -> None:  # type: ignore[no-untyped-def]
    lock = leader_lock_for(app)
    expected = AdvisoryLeaderLock if backend == "postgresql" else FileLeaderLock
    assert isinstance(lock, expected)
    other = leader_lock_for(app)
    assert lock.acquire()
    try:
        assert not other.acquire()
    finally:
        lock.release()
    assert other.acquire()
    other.release()
