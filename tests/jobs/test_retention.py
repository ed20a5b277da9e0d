"""Retention deletes exactly what it should: expired uploads and exports, old closed requests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from dsar.accounts.models import SignInThrottle
from dsar.accounts.throttle import FORGET_AFTER
from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.jobs.models import DeletionStatus, JobRun, PlannedDeletion, PurgedRequestStatistic
from dsar.jobs.planned import EXECUTORS, carry_out_planned_deletions
from dsar.jobs.retention import (
    delete_expired_files,
    prune_job_runs,
    purge_closed_requests,
    retention_cutoff,
)
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request, RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, Channel, RequestType, Status
from tests.factories import make_mail, make_request


def _save(session, settings, now, purpose, delete_after, request_id=None):  # type: ignore[no-untyped-def]
    store = FileStore.from_settings(settings)
    return store.save(
        session,
        b"%PDF-1.7 identity card",
        filename="id.pdf",
        content_type="application/pdf",
        purpose=purpose,
        now=now,
        request_id=request_id,
        delete_after=delete_after,
    )


def test_expired_documents_and_exports_are_deleted_and_nothing_else(
    session, now, job_settings
) -> None:  # type: ignore[no-untyped-def]
    settings = job_settings()
    past, future = now - timedelta(seconds=1), now + timedelta(days=1)
    doomed = [
        _save(session, settings, now, FilePurpose.IDENTITY_DOCUMENT, past),
        _save(session, settings, now, FilePurpose.SUPPORTING_DOCUMENT, now),
        _save(session, settings, now, FilePurpose.EXPORT, past),
    ]
    kept = [
        _save(session, settings, now, FilePurpose.IDENTITY_DOCUMENT, future),
        _save(session, settings, now, FilePurpose.IDENTITY_DOCUMENT, None),
        _save(session, settings, now, FilePurpose.ORIGINAL_REQUEST, past),
        _save(session, settings, now, FilePurpose.LETTER, past),
    ]
    root = FileStore.from_settings(settings).root
    result = delete_expired_files(session, settings, now)
    assert (result.documents, result.exports) == (2, 1)
    for stored in doomed:
        assert stored.deleted_at == now
        assert not (root / stored.storage_path).exists()
    for stored in kept:
        assert stored.deleted_at is None
        assert (root / stored.storage_path).exists()
    again = delete_expired_files(session, settings, now + timedelta(hours=1))
    assert (again.documents, again.exports) == (0, 0)


@pytest.mark.parametrize(
    ("now", "years", "cutoff"),
    [
        (datetime(2026, 3, 2, 9, tzinfo=UTC), 3, datetime(2023, 3, 2, 9, tzinfo=UTC)),
        (datetime(2028, 2, 29, 9, tzinfo=UTC), 1, datetime(2027, 2, 28, 9, tzinfo=UTC)),
    ],
)
def test_retention_cutoff(now: datetime, years: int, cutoff: datetime) -> None:
    assert retention_cutoff(now, years) == cutoff


def _closed(session, controller, received: datetime, closed: datetime) -> Request:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, received)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=received)
    apply_action(session, request, Action.PREPARE_ANSWER, actor="test", now=closed)
    request.answered_at = closed  # its final letter was delivered then
    apply_action(session, request, Action.COMPLETE, actor="test", now=closed)
    return request


def _count(session, model, **where) -> int:  # type: ignore[no-untyped-def]
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.execute(query).scalar()


def test_closed_requests_older_than_the_retention_are_purged_leaving_a_statistic(
    session, controller, now, job_settings
) -> None:  # type: ignore[no-untyped-def]
    settings = job_settings(retention_years=3)
    old = _closed(
        session,
        controller,
        datetime(2023, 1, 10, 9, tzinfo=UTC),
        datetime(2023, 2, 20, 9, tzinfo=UTC),  # due 10 Feb 2023: answered late
    )
    recent = _closed(
        session,
        controller,
        datetime(2023, 2, 10, 9, tzinfo=UTC),
        datetime(2023, 3, 3, 9, tzinfo=UTC),  # a day younger than the cutoff
    )
    still_open = make_request(session, controller, datetime(2022, 5, 1, 9, tzinfo=UTC))
    old_file = _save(session, settings, now, FilePurpose.EXPORT, None, request_id=old.id)
    make_mail(session, now, key="old-mail", request_id=old.id)
    make_mail(session, now, key="new-mail", request_id=recent.id)
    planned = PlannedDeletion(
        controller_id=controller.id,
        request_id=old.id,
        kind="manual",
        source="erp",
        target="invoices",
        record_key="invoice 2023-7",
        retention_rule="HGB §257(1) Nr 4: 8 years",
        blocked_until=date(2031, 12, 31),
        created_at=now,
    )
    session.add(planned)
    session.commit()
    old_id, planned_id, file_path = old.id, planned.id, old_file.storage_path
    result = purge_closed_requests(session, settings, now)
    session.commit()
    assert (result.purged, result.files) == (1, 1)
    assert session.get(Request, old_id) is None
    assert _count(session, RequestEvent, request_id=old_id) == 0
    assert _count(session, OutboxMessage, request_id=old_id) == 0
    assert _count(session, StoredFile, request_id=old_id) == 0
    assert not (FileStore.from_settings(settings).root / file_path).exists()
    assert session.get(PlannedDeletion, planned_id).request_id is None  # the deletion still runs
    assert session.get(Request, recent.id).status is Status.COMPLETED
    assert session.get(Request, still_open.id).status is Status.NEW
    assert _count(session, RequestEvent, request_id=recent.id) == 5
    assert _count(session, OutboxMessage, request_id=recent.id) == 1
    [statistic] = session.execute(select(PurgedRequestStatistic)).scalars().all()
    assert (
        statistic.controller_id,
        statistic.type,
        statistic.channel,
        statistic.received_month,
        statistic.outcome,
        statistic.extended,
        statistic.answered_in_time,
        statistic.days_to_close,
    ) == (
        controller.id,
        RequestType.ACCESS,
        Channel.WEB,
        "2023-01",
        Status.COMPLETED,
        False,
        False,
        41,
    )


def test_planned_deletions_run_their_executor_or_become_due(
    session, controller, now, job_settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    def planned(kind: str, blocked_until: date) -> PlannedDeletion:
        row = PlannedDeletion(
            controller_id=controller.id,
            kind=kind,
            source="erp",
            target="invoices",
            record_key=f"{kind} {blocked_until}",
            retention_rule="HGB §257(1) Nr 4: 8 years",
            blocked_until=blocked_until,
            created_at=now,
        )
        session.add(row)
        return row

    monkeypatch.setitem(EXECUTORS, "sql_row", lambda session, row, now: f"deleted {row.record_key}")

    def broken(session, row, now):  # type: ignore[no-untyped-def]
        raise ConnectionError("erp database unreachable")

    monkeypatch.setitem(EXECUTORS, "broken", broken)
    automatic = planned("sql_row", date(2026, 3, 1))
    manual = planned("manual", date(2026, 3, 1))
    failing = planned("broken", date(2026, 3, 1))
    last_day = planned("sql_row", date(2026, 3, 2))  # 2 March is still a day it must be kept
    session.flush()
    result = carry_out_planned_deletions(session, job_settings(), now)
    assert (result.done, result.due, result.failed) == (1, 1, 1)
    assert (automatic.status, automatic.done_at, automatic.evidence) == (
        DeletionStatus.DONE,
        now,
        "deleted sql_row 2026-03-01",
    )
    assert (manual.status, manual.due_since) == (DeletionStatus.DUE, now)
    assert failing.status is DeletionStatus.DUE
    assert failing.last_error == "ConnectionError: erp database unreachable"
    assert last_day.status is DeletionStatus.PLANNED
    again = carry_out_planned_deletions(session, job_settings(), now + timedelta(hours=1))
    assert (again.done, again.due, again.failed) == (0, 0, 1)


def test_old_job_runs_are_pruned(session, now, job_settings) -> None:  # type: ignore[no-untyped-def]
    for days in (91, 89):
        started = now - timedelta(days=days)
        session.add(
            JobRun(
                job="reminders",
                instance="h:1",
                started_at=started,
                finished_at=started,
                outcome="ok",
                counts={},
            )
        )
    session.flush()
    assert prune_job_runs(session, job_settings(), now).job_runs == 1
    assert _count(session, JobRun) == 1


def test_the_daily_prune_also_forgets_quiet_sign_in_counters(session, now, job_settings) -> None:  # type: ignore[no-untyped-def]
    quiet = now - FORGET_AFTER - timedelta(minutes=1)
    session.add_all(
        [
            SignInThrottle(address_key="quiet", failures=3, last_failure_at=quiet),
            SignInThrottle(address_key="recent", failures=3, last_failure_at=now),
            SignInThrottle(
                address_key="locked",
                failures=40,
                last_failure_at=quiet,
                locked_until=now + timedelta(hours=1),
            ),
        ]
    )
    session.flush()
    result = prune_job_runs(session, job_settings(), now)
    assert (result.job_runs, result.sign_in_throttles) == (0, 1)
    keys = session.execute(select(SignInThrottle.address_key)).scalars().all()
    assert sorted(keys) == ["locked", "recent"]
