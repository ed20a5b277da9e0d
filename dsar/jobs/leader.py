"""One active scheduler at a time: a PostgreSQL advisory lock, or a file lock beside SQLite."""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Protocol

from flask import Flask
from sqlalchemy import Connection, Engine, text

# An arbitrary constant shared by every dsar process on the same database.
ADVISORY_LOCK_KEY = 0x0D5A_2026
log = logging.getLogger(__name__)


def instance_name() -> str:
    """This scheduler process, as its job runs and its log lines name it."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LeaderLock(Protocol):
    def acquire(self) -> bool: ...
    def release(self) -> None: ...
    def still_held(self) -> bool: ...
    def describe(self) -> str: ...


class FileLeaderLock:
    """flock on a file in the instance folder: released by the kernel if the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        if self._file is not None:
            return True
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def still_held(self) -> bool:
        return self._file is not None  # the kernel keeps a flock while the file is open

    def describe(self) -> str:
        return f"file lock {self.path}"


class AdvisoryLeaderLock:
    """pg_try_advisory_lock on a dedicated connection: released when the session ends."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None

    def acquire(self) -> bool:
        if self._connection is not None:
            return True
        connection = self.engine.connect()
        got = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
        ).scalar()
        connection.commit()
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def release(self) -> None:
        if self._connection is not None:
            self._connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
            self._connection.close()
            self._connection = None

    def still_held(self) -> bool:
        """Ask the server: a dropped connection has silently released the lock."""
        if self._connection is None:
            return False
        try:
            held = self._connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND pid = pg_backend_pid() AND objid = :key"
                ),
                {"key": ADVISORY_LOCK_KEY},
            ).scalar()
            self._connection.commit()
        except Exception:  # noqa: BLE001 - any failure means we can no longer be sure
            return False
        return bool(held)

    def describe(self) -> str:
        return f"advisory lock {ADVISORY_LOCK_KEY} on {self.engine.url.render_as_string()}"


def leader_lock_for(app: Flask) -> LeaderLock:
    from dsar.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":
        return AdvisoryLeaderLock(engine)
    return FileLeaderLock(app.config["DSAR_SETTINGS"].instance_path / "scheduler.lock")


def wait_for_leadership(lock: LeaderLock, *, poll_seconds: float, stop: Callable[[], bool]) -> bool:
    """Block until this instance holds the leader lock (True) or `stop()` says give up."""
    announced = False
    while not stop():
        if lock.acquire():
            log.info("scheduler %s leads (%s)", instance_name(), lock.describe())
            return True
        if not announced:
            log.info("scheduler %s is standby: another instance leads", instance_name())
            announced = True
        time.sleep(poll_seconds)
    return False
