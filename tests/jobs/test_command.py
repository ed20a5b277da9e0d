"""`dsar jobs run-once --now` and `dsar jobs status`: what operators see."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from sqlalchemy import select

from dsar.core.clock import SystemClock
from dsar.outbox.models import OutboxMessage
from tests.factories import make_request


def test_run_once_at_a_given_instant_then_status(
    app, session, controller, now, runner, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(
        app.config["DSAR_SETTINGS"], dpo_mailbox="dpo@demo.example", smtp_host=""
    )
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", settings)
    request = make_request(session, controller, now)  # due 2 April 2026
    session.commit()
    result = runner(["jobs", "run-once", "--now", "2026-03-26T08:00:00+01:00"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "running jobs at 2026-03-26T08:00:00+01:00",
        "expire_unconfirmed: expired=0 documents=0",
        "reminders: due=1 queued=1 unaddressed=0",
        "lapse_extensions: lapsed=0",
        "escalation: overdue=0 queued=0",
        "digest: staff=0 queued=0",
        "delete_files: documents=0 exports=0",
        "erasures: done=0 partial=0",
        "rectifications: done=0 unfinished=0",
        "marks: done=0 partial=0",
        "planned_deletions: done=0 due=0 failed=0",
        "purge_requests: purged=0 files=0 orphan_blobs=0",
        "purge_unconfirmed: purged=0 files=0",
        "prune_job_runs: job_runs=0 sign_in_throttles=0",
        "webhook_deadlines: due_soon=0 overdue=0",
        "audit_checkpoint: requests=1 broken=0",
        "mailbox_poll: drafts=0 joined=0 known=0 too_large=0 failed=0",
        "forget_mail: forgotten=0",
        "send_transmissions: sent=0 failed=0",
        "dispatch_outbox: sent=1 retried=0 failed=0 answered=0",
    ]
    [message] = session.execute(select(OutboxMessage)).scalars().all()
    assert message.idempotency_key == f"reminder:{request.id}:2026-04-02:7"
    assert message.sent_at == datetime(2026, 3, 26, 7, tzinfo=UTC)
    assert isinstance(app.extensions["dsar.core.clock"], SystemClock)  # --now was for this run only

    status = runner(["jobs", "status"])
    assert status.exit_code == 0, status.output
    lines = status.output.splitlines()
    assert lines[0].split() == [
        "job",
        "every",
        "last",
        "run",
        "(UTC)",
        "outcome",
        "next",
        "run",
        "(UTC)",
    ]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert rows["reminders"] == ["1h", "2026-03-26", "07:00:00", "ok", "2026-03-26", "08:00:00"]
    assert rows["dispatch_outbox"] == [
        "10s",
        "2026-03-26",
        "07:00:00",
        "ok",
        "2026-03-26",
        "07:00:10",
    ]
    assert rows["purge_requests"] == [
        "1d",
        "2026-03-26",
        "07:00:00",
        "idle",
        "2026-03-27",
        "07:00:00",
    ]


def test_status_before_any_run_and_a_single_job(app, runner, now) -> None:  # type: ignore[no-untyped-def]
    status = runner(["jobs", "status"])
    assert (
        "reminders                1h  never                -        when the scheduler starts"
        in status.output
    )
    result = runner(
        ["jobs", "run-once", "--job", "expire_unconfirmed", "--now", "2026-03-01T08:00:00"]
    )
    assert result.output.splitlines() == [
        "running jobs at 2026-03-01T08:00:00+01:00",  # no offset: DSAR_TIMEZONE's wall clock
        "expire_unconfirmed: expired=0 documents=0",
    ]


def test_unknown_job_and_bad_instant_are_refused(runner) -> None:  # type: ignore[no-untyped-def]
    unknown = runner(["jobs", "run-once", "--job", "remind"])
    assert unknown.exit_code == 2
    assert "unknown job 'remind': use one of expire_unconfirmed, reminders" in unknown.output
    bad = runner(["jobs", "run-once", "--now", "yesterday"])
    assert bad.exit_code == 2
    assert (
        "'yesterday' is not an ISO 8601 timestamp such as 2026-03-01T08:00:00+01:00" in bad.output
    )
