"""The background process: jobs are database sweeps, run by one leading scheduler at a time.

`dsar scheduler` runs this in its own process (never inside web workers). A second instance
waits as a standby until the leader's lock is released, then takes over.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from dsar.config import Settings
from dsar.core.write_lock import writing
from dsar.extensions import db
from dsar.jobs.audit_checkpoint import checkpoint_chains
from dsar.jobs.digest import send_digests
from dsar.jobs.erasures import carry_out_approved_erasures
from dsar.jobs.escalation import escalate_overdue
from dsar.jobs.expiry import expire_unconfirmed, purge_unconfirmed
from dsar.jobs.extensions import lapse_untold_extensions
from dsar.jobs.leader import instance_name, leader_lock_for, wait_for_leadership
from dsar.jobs.mailbox import POLL_SECONDS, forget_mail_job, poll_mailboxes_job
from dsar.jobs.marks import carry_out_marks
from dsar.jobs.models import JobRun
from dsar.jobs.planned import carry_out_planned_deletions
from dsar.jobs.rectifications import apply_approved_rectifications
from dsar.jobs.reminders import send_reminders
from dsar.jobs.retention import daily_purge, delete_expired_files, prune_job_runs
from dsar.jobs.transmissions import send_transmissions
from dsar.jobs.webhook_deadlines import queue_deadline_webhooks
from dsar.letters.answer import close_delivered_answers
from dsar.outbox.dispatch import DispatchResult, dispatch_outbox

log = logging.getLogger(__name__)

JobFunction = Callable[[Session, Settings, datetime], Any]
HOUR, DAY = 3600, 86400
ATTEMPTS = 3  # a job that meets a locked database, a deadlock or a concurrent change runs again
LEADERSHIP_CHECK_SECONDS = 30


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: JobFunction
    seconds: int  # interval between runs
    description: str


@dataclasses.dataclass
class Dispatched(DispatchResult):
    answered: int = 0  # requests closed because their final letter was delivered


def _dispatch_outbox(session: Session, settings: Settings, now: datetime) -> Any:
    # Commit after every message: a crash resends at most the one in flight (at-least-once).
    result = dispatch_outbox(session, settings, now, after_each=session.commit)
    # The outbox knows no requests: the letters package closes those now answered.
    answered = close_delivered_answers(session, now)
    return Dispatched(**dataclasses.asdict(result), answered=answered)


def _send_transmissions(session: Session, settings: Settings, now: datetime) -> Any:
    # Commit after every POST: a crash resends at most the one in flight (at-least-once).
    return send_transmissions(session, settings, now, after_each=session.commit)


def _carry_out_erasures(session: Session, settings: Settings, now: datetime) -> Any:
    # Commit after every batch: the shop's rows and dsar's progress move on together.
    registers = current_app.extensions["dsar.registers"]  # run_job runs in the app's context
    return carry_out_approved_erasures(
        session, settings, now, registers=registers, after_each=session.commit
    )


def _apply_rectifications(session: Session, settings: Settings, now: datetime) -> Any:
    # Commit after every rectification: its record follows what it wrote to the shop.
    registers = current_app.extensions["dsar.registers"]  # run_job runs in the app's context
    return apply_approved_rectifications(
        session, settings, now, registers=registers, after_each=session.commit
    )


def _carry_out_marks(session: Session, settings: Settings, now: datetime) -> Any:
    # Like the erasures: restrictions and processing stops commit after every batch.
    registers = current_app.extensions["dsar.registers"]
    return carry_out_marks(session, settings, now, registers=registers, after_each=session.commit)


# In run order: `dsar jobs run-once` runs them top to bottom, so mail queued by the earlier
# jobs leaves with the dispatcher at the end.
JOBS: dict[str, JobSpec] = {
    spec.name: spec
    for spec in (
        JobSpec("expire_unconfirmed", expire_unconfirmed, HOUR, "expire unconfirmed requests"),
        JobSpec("reminders", send_reminders, HOUR, "deadline reminders to the assignee"),
        JobSpec("lapse_extensions", lapse_untold_extensions, HOUR, "lapse untold extensions"),
        JobSpec("escalation", escalate_overdue, HOUR, "daily overdue escalation to the DPO"),
        JobSpec("digest", send_digests, HOUR, "daily digest per staff member"),
        JobSpec("delete_files", delete_expired_files, HOUR, "delete documents and exports"),
        JobSpec("erasures", _carry_out_erasures, 30, "carry out approved erasures"),
        JobSpec("rectifications", _apply_rectifications, 30, "apply approved rectifications"),
        JobSpec("marks", _carry_out_marks, 30, "set and lift restrictions, stop activities"),
        JobSpec("planned_deletions", carry_out_planned_deletions, DAY, "planned deletions"),
        JobSpec("purge_requests", daily_purge, DAY, "purge closed requests and rowless blobs"),
        # Hourly: a flood of unconfirmed form posts is purged in batches within the day.
        JobSpec("purge_unconfirmed", purge_unconfirmed, HOUR, "purge expired unconfirmed requests"),
        JobSpec("prune_job_runs", prune_job_runs, DAY, "forget old job runs, quiet sign-ins"),
        JobSpec(
            "webhook_deadlines", queue_deadline_webhooks, HOUR, "due-soon and overdue webhooks"
        ),
        JobSpec("audit_checkpoint", checkpoint_chains, DAY, "sign every audit chain's head"),
        JobSpec("mailbox_poll", poll_mailboxes_job, POLL_SECONDS, "read controllers' mailboxes"),
        JobSpec("forget_mail", forget_mail_job, HOUR, "forget mail discarded long enough ago"),
        JobSpec("send_transmissions", _send_transmissions, 30, "send portability exports onward"),
        JobSpec("dispatch_outbox", _dispatch_outbox, 10, "send queued e-mail and webhooks"),
    )
}


def counts_of(result: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.asdict(result)
    return {}


def run_job(app: Flask, name: str, now: datetime | None = None) -> Any:
    """Run one job in its own transaction and record a JobRun; roll back and re-raise on error.

    On SQLite every transaction of a job begins as the writer (dsar/core/write_lock.py), as a
    web POST's does: a job reads and then writes, and a transaction that read before another
    writer committed fails at its write instead of waiting. The dispatcher's was the worst:
    a message sent, its "sent" lost with the failed commit, and the job run again sent it
    twice (tests/faults/test_two_schedulers.py).
    """
    from dsar.core.clock import now as clock_now

    spec = JOBS[name]
    with app.app_context(), writing():
        now = now or clock_now()
        settings = app.config["DSAR_SETTINGS"]
        started = time.monotonic()
        for attempt in range(1, ATTEMPTS + 1):
            session = db.session()
            try:
                result = spec.function(session, settings, now)
                counts = counts_of(result)
                outcome = "ok" if any(counts.values()) else "idle"
                session.add(_job_run(name, now, started, outcome, counts))
                session.commit()
                return result
            except (OperationalError, StaleDataError) as error:
                session.rollback()  # nothing of this run stays; it runs again (ATTEMPTS)
                if attempt == ATTEMPTS:
                    _record_error(name, now, started)
                    raise
                met = "a locked database"
                if isinstance(error, StaleDataError):
                    met = "a concurrent change"  # a request another transaction changed first
                log.warning("job %s met %s; running it again", name, met)
                time.sleep(0.2 * attempt)
            except Exception:
                session.rollback()
                _record_error(name, now, started)
                raise
            finally:
                session.close()
    raise AssertionError("unreachable")


def _job_run(
    name: str,
    now: datetime,
    started: float,
    outcome: str,
    counts: dict[str, Any],
    error: str | None = None,
) -> JobRun:
    return JobRun(
        job=name,
        instance=instance_name(),
        started_at=now,
        finished_at=now + timedelta(seconds=time.monotonic() - started),
        outcome=outcome,
        counts=counts,
        error=error,
    )


def _record_error(name: str, now: datetime, started: float) -> None:
    import traceback

    log.exception("job %s failed", name)
    try:
        db.session.add(_job_run(name, now, started, "error", {}, traceback.format_exc()[-4000:]))
        db.session.commit()
    except Exception:  # noqa: BLE001 - the original error matters more than its record
        db.session.rollback()
        log.exception("could not record the failure of job %s", name)


class SchedulerProcess:
    """One scheduler instance: standby until it wins the lock, then runs the jobs until stopped."""

    def __init__(
        self, app: Flask, *, poll_seconds: float = 5.0, jobs: Iterable[str] | None = None
    ) -> None:
        self.app = app
        self.poll_seconds = poll_seconds
        self.jobs = list(JOBS if jobs is None else jobs)
        self.lock = leader_lock_for(app)
        self.leading = threading.Event()
        self._stopping = threading.Event()
        self._scheduler: BlockingScheduler | None = None

    def run(self) -> None:
        """Block: wait for leadership, run the jobs, release the lock when stopped."""
        if not wait_for_leadership(
            self.lock, poll_seconds=self.poll_seconds, stop=self._stopping.is_set
        ):
            return
        # One worker thread: jobs are database sweeps and run one after another, so they
        # never contend for SQLite's write lock or for the same rows among themselves.
        scheduler = BlockingScheduler(
            timezone=UTC, executors={"default": ThreadPoolExecutor(max_workers=1)}
        )
        for name in self.jobs:
            spec = JOBS[name]
            scheduler.add_job(
                run_job,
                "interval",
                seconds=spec.seconds,
                args=[self.app, spec.name],
                id=spec.name,
                name=spec.description,
                coalesce=True,  # missed runs are caught up once, not many times
                max_instances=1,
                misfire_grace_time=max(spec.seconds, 30),
                next_run_time=datetime.now(UTC),
            )
        scheduler.add_job(
            self._check_leadership, "interval", seconds=LEADERSHIP_CHECK_SECONDS, id="leadership"
        )
        self._scheduler = scheduler
        self.leading.set()
        try:
            if not self._stopping.is_set():
                scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.leading.clear()
            self.lock.release()
            log.info("scheduler %s stopped leading", instance_name())

    def _check_leadership(self) -> None:
        # A lost database connection loses the advisory lock: stop rather than lead twice.
        if not self.lock.still_held():
            log.error("scheduler %s lost the leader lock; stopping", instance_name())
            self.stop()

    def stop(self) -> None:
        """Stop waiting or running (from another thread or a signal handler)."""
        self._stopping.set()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)


def run_scheduler(app: Flask, *, poll_seconds: float = 5.0) -> None:
    """Become leader, then run every job on its interval until interrupted."""
    SchedulerProcess(app, poll_seconds=poll_seconds).run()
