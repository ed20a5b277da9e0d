"""The scheduler: a JobRun per run, errors recorded, one leader, a crash resends at most one."""

from __future__ import annotations

import dataclasses
import logging
import threading

import pytest
from sqlalchemy import select

from dsar.jobs.models import JobRun
from dsar.jobs.scheduler import JOBS, JobSpec, SchedulerProcess, run_job
from dsar.outbox.dispatch import CLAIM_LEASE, dispatch_outbox
from dsar.outbox.models import OutboxMessage, OutboxStatus
from tests.factories import make_mail


def test_run_job_records_its_run(app, session, now) -> None:  # type: ignore[no-untyped-def]
    result = run_job(app, "expire_unconfirmed", now)
    assert result.expired == 0
    [run] = session.execute(select(JobRun)).scalars().all()
    assert (run.job, run.outcome, run.counts, run.started_at) == (
        "expire_unconfirmed",
        "idle",
        {"expired": 0, "documents": 0},
        now,
    )
    assert run.finished_at >= now and ":" in run.instance


def test_a_failing_job_rolls_back_and_records_the_error(app, session, now, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(session, settings, now):  # type: ignore[no-untyped-def]
        make_mail(session, now, key="lost", to="a@example.org")
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(JOBS, "broken", JobSpec("broken", broken, 60, "test"))
    with pytest.raises(RuntimeError, match="disk on fire"):
        run_job(app, "broken", now)
    assert session.execute(select(OutboxMessage)).scalars().all() == []
    [run] = session.execute(select(JobRun)).scalars().all()
    assert run.outcome == "error"
    assert "RuntimeError: disk on fire" in run.error


def test_a_crash_after_the_server_accepted_resends_only_that_message_with_its_id(
    app, session, smtp_server, now
) -> None:  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(
        app.config["DSAR_SETTINGS"], smtp_host="127.0.0.1", smtp_port=smtp_server.port
    )
    queued = [make_mail(session, now, key=f"k{i}", to=f"p{i}@example.org") for i in range(3)]
    session.commit()

    commits = []

    def die_before_recording() -> None:
        if commits:  # the process dies between the server's 250 and our commit
            raise SystemExit("killed")
        commits.append(session.commit())  # the batch's claim

    with pytest.raises(SystemExit):
        dispatch_outbox(session, settings, now, after_each=die_before_recording)
    session.rollback()
    # The dead dispatcher's claim holds until its lease ends; then everything unrecorded goes.
    assert dispatch_outbox(session, settings, now, after_each=session.commit).sent == 0
    later = now + CLAIM_LEASE
    result = dispatch_outbox(session, settings, later, after_each=session.commit)
    assert result.sent == 3
    ids = [m["Message-ID"] for m in smtp_server.handler.messages]
    assert ids == [
        queued[0].message_id,
        queued[0].message_id,
        queued[1].message_id,
        queued[2].message_id,
    ]
    statuses = session.execute(select(OutboxMessage.status)).scalars().all()
    assert statuses == [OutboxStatus.SENT] * 3


def test_only_one_scheduler_leads_and_the_standby_takes_over(committed_apps, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO, logger="dsar.jobs")  # the scheduler and its leader lock
    first = SchedulerProcess(committed_apps(), poll_seconds=0.05, jobs=[])
    second = SchedulerProcess(committed_apps(), poll_seconds=0.05, jobs=[])
    threads = [threading.Thread(target=p.run, daemon=True) for p in (first, second)]
    threads[0].start()
    assert first.leading.wait(10)
    threads[1].start()
    try:
        assert not second.leading.wait(0.5)
        first.stop()
        threads[0].join(10)
        assert not threads[0].is_alive()
        assert second.leading.wait(10)
        assert second.lock.still_held()
    finally:
        first.stop()
        second.stop()
        for thread in threads:
            thread.join(10)
    assert not threads[1].is_alive()
    messages = [r.getMessage() for r in caplog.records]
    assert sum(" leads (" in m for m in messages) == 2
    assert sum("is standby: another instance leads" in m for m in messages) == 1


def test_the_job_order_ends_with_the_dispatcher() -> None:
    assert list(JOBS)[-1] == "dispatch_outbox"
    assert JOBS["reminders"].seconds == 3600


def test_a_job_that_lost_to_a_concurrent_change_runs_again(
    app, session, now, monkeypatch, caplog
) -> None:  # type: ignore[no-untyped-def]
    """A request another transaction changed first fails the job's version check: the run is
    rolled back whole and run again at once, not left for the next tick."""
    from sqlalchemy.orm.exc import StaleDataError

    attempts: list[int] = []

    def racing(session, settings, now):  # type: ignore[no-untyped-def]
        attempts.append(len(attempts) + 1)
        make_mail(session, now, key=f"attempt-{len(attempts)}", to="a@example.org")
        if len(attempts) == 1:
            raise StaleDataError("UPDATE statement on table 'request' expected to update 1 row")
        return None

    monkeypatch.setitem(JOBS, "racing", JobSpec("racing", racing, 60, "test"))
    with caplog.at_level(logging.WARNING, logger="dsar.jobs.scheduler"):
        run_job(app, "racing", now)
    assert attempts == [1, 2]
    keys = session.execute(select(OutboxMessage.idempotency_key)).scalars().all()
    assert keys == ["attempt-2"]  # the first attempt's row went with its rollback
    [run] = session.execute(select(JobRun)).scalars().all()
    assert (run.outcome, run.error) == ("idle", None)  # recorded once, as a run without error
    assert "job racing met a concurrent change; running it again" in caplog.text
