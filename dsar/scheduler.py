"""The background process: jobs are database sweeps, run by one leading scheduler at a time.

`dsar scheduler` runs this in its own process (never inside web workers). A second instance
waits as a standby until the leader's lock is released.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.extensions import db
from dsar.leader import LeaderLock, leader_lock_for

log = logging.getLogger(__name__)

JobFunction = Callable[[Session, Settings, datetime], Any]


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: JobFunction
    seconds: int  # interval between runs
    description: str


def _dispatch_outbox(session: Session, settings: Settings, now: datetime) -> Any:
    from dsar.mail import dispatch_outbox

    return dispatch_outbox(session, settings, now)


JOBS: dict[str, JobSpec] = {
    spec.name: spec
    for spec in (JobSpec("dispatch_outbox", _dispatch_outbox, 10, "send queued e-mail over SMTP"),)
}


def run_job(app: Flask, name: str, now: datetime | None = None) -> Any:
    """Run one job in its own transaction: commit on success, roll back on any error."""
    spec = JOBS[name]
    with app.app_context():
        now = now or datetime.now(UTC)
        session = db.session
        try:
            result = spec.function(session, app.config["DSAR_SETTINGS"], now)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("job %s failed", name)
            raise
        finally:
            session.close()
    return result


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


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


def run_scheduler(app: Flask, *, poll_seconds: float = 5.0) -> None:
    """Become leader, then run every job on its interval until interrupted."""
    lock = leader_lock_for(app)
    if not wait_for_leadership(lock, poll_seconds=poll_seconds, stop=lambda: False):
        return
    scheduler = BlockingScheduler(timezone=UTC)
    for spec in JOBS.values():
        scheduler.add_job(
            run_job,
            "interval",
            seconds=spec.seconds,
            args=[app, spec.name],
            id=spec.name,
            name=spec.description,
            coalesce=True,  # missed runs are caught up once, not many times
            max_instances=1,
            misfire_grace_time=max(spec.seconds, 30),
            next_run_time=datetime.now(UTC),
        )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        lock.release()
