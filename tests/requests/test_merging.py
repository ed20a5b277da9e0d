"""Merging a duplicate into the other open request of the same subject and right: one answer,
both references in the audit trail; refused merges change nothing."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role, StaffUser
from dsar.audit.request_trail import verify_chain
from dsar.controllers.models import Controller
from dsar.files.storage import FileStore
from dsar.jobs.escalation import escalate_overdue
from dsar.jobs.purge import purge_requests
from dsar.jobs.reminders import send_reminders
from dsar.letters.operations import (
    LetterError,
    approve_letter,
    draft_letter,
    due_letter_type,
    send_letter,
)
from dsar.outbox.models import OutboxMessage
from dsar.requests.dashboard_figures import work_figures
from dsar.requests.decisions import NotPermitted, StaleForm
from dsar.requests.merging import MergeRefused, merge, older_first
from dsar.requests.models import Request, RequestEvent
from dsar.requests.operations import apply_action, mark_received
from dsar.requests.permissions import counted_for
from dsar.requests.workflow import Action, IllegalTransition, RequestType, Status
from tests.factories import by_hand, make_request, make_staff

LATE = date(2026, 4, 20)  # both requests of 2 March are overdue by then (due 2 April)


@pytest.fixture
def dpo(session, now: datetime) -> StaffUser:  # type: ignore[no-untyped-def]
    return make_staff(session, now, email="dana@example.org", role=Role.DPO)


def _last_event(session, request: Request) -> RequestEvent:  # type: ignore[no-untyped-def]
    return session.scalars(
        select(RequestEvent)
        .where(RequestEvent.request_id == request.id)
        .order_by(RequestEvent.seq.desc())
        .limit(1)
    ).one()


def _merge(session, duplicate: Request, survivor: Request, user: StaffUser, now: datetime):  # type: ignore[no-untyped-def]
    versions = (duplicate.version, survivor.version)
    return merge(session, duplicate, survivor, user=user, now=now, versions=versions)


def _figures(session, user: StaffUser) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    figures = work_figures(session, counted_for(user), {}, LATE)
    return figures["open-total"].total, figures["overdue"].total


def test_a_merge_closes_the_duplicate_into_the_older_request(  # type: ignore[no-untyped-def]
    app: Flask, session, controller, now: datetime, dpo
) -> None:
    older = make_request(session, controller, now - timedelta(days=3))
    newer = make_request(
        session, controller, now, subject_email="ZOE@example.org",
        details={"lookup_keys": {"customer_number": "K-100042"}},
    )  # fmt: skip
    assert older_first(newer, older) == (older, newer)
    due = (older.due_date, older.extended_due_date)
    assert _figures(session, dpo) == (2, 2)

    merged = _merge(session, newer, older, dpo, now + timedelta(hours=1))

    session.refresh(newer)
    session.refresh(older)
    assert (newer.status, newer.merged_into_id, newer.merged_into) == (
        Status.MERGED, older.id, older,
    )  # fmt: skip
    assert newer.closed_at is not None and newer.answered_at is None  # stopped, not answered
    assert older.status is Status.NEW and (older.due_date, older.extended_due_date) == due
    # Both references in both trails.
    gone, kept = _last_event(session, newer), _last_event(session, older)
    assert (gone.action, gone.actor) == ("merge", "dana@example.org")
    assert gone.payload == {"from": "new", "to": "merged", "into": older.reference}
    assert kept.action == "absorbed"
    assert kept.payload["merged_request"] == newer.reference
    # What the subject sent with the duplicate is not lost: its lookup key goes over.
    assert merged.keys_carried == ("customer_number",)
    assert older.details["lookup_keys"] == {"customer_number": "K-100042"}
    assert verify_chain(session) is None
    # Not open, not overdue, not reminded: only the older request is.
    assert _figures(session, dpo) == (1, 1)
    session.commit()
    settings = dataclasses.replace(
        app.config["DSAR_SETTINGS"], mail_from="dsar <dsar@demo.example>",
        dpo_mailbox="dpo@demo.example",
    )  # fmt: skip
    # 26 March: the older one is due in a day (27 March), the merged one was due in a week.
    send_reminders(session, settings, datetime(2026, 3, 26, 9, tzinfo=ZoneInfo("Europe/Berlin")))
    keys = session.scalars(
        select(OutboxMessage.idempotency_key).where(
            OutboxMessage.idempotency_key.startswith("reminder:")
        )
    ).all()
    assert [key.split(":")[1] for key in keys] == [str(older.id)]
    # Nor escalated as overdue: the daily escalation lists only the older one.
    late = datetime(2026, 4, 20, 9, tzinfo=ZoneInfo("Europe/Berlin"))
    assert escalate_overdue(session, settings, late).overdue == 1


def test_a_merged_request_is_answered_only_through_the_other(  # type: ignore[no-untyped-def]
    app: Flask, session, controller, now: datetime, dpo
) -> None:
    """One answer: no letter is due for the merged request, none of its letters goes out, and
    it cannot be taken up again (reopened, answered, withdrawn), so a subject who confirmed
    both gets one answer e-mail."""
    older = make_request(session, controller, now - timedelta(days=1), received_at=None)
    newer = make_request(session, controller, now, received_at=None)
    for request in (older, newer):  # the subject confirmed the e-mail address of both
        apply_action(session, request, Action.CONFIRM_EMAIL, actor="subject", now=now)
        mark_received(session, request, now, actor="subject", now=now)
    assert due_letter_type(newer) == "acknowledgement"
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    register = by_hand(app.extensions["dsar.registers"][0])
    approved = draft_letter(session, newer, actor="dana", now=now)
    approve_letter(session, approved, register=register, store=store, actor="dana", now=now)
    draft = draft_letter(session, newer, actor="dana", now=now)

    _merge(session, newer, older, dpo, now)

    assert due_letter_type(newer) is None and due_letter_type(older) == "acknowledgement"
    with pytest.raises(LetterError, match=f"merged into {older.reference}"):
        send_letter(session, approved, actor="dana", now=now)
    with pytest.raises(LetterError, match="merged into"):
        approve_letter(session, draft, register=register, store=store, actor="dana", now=now)
    with pytest.raises(LetterError, match="merged into"):
        draft_letter(session, newer, actor="dana", now=now, letter_type="access")
    assert (
        session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == newer.id)).all()
        == []
    )
    for action in (Action.REOPEN, Action.PREPARE_ANSWER, Action.WITHDRAW, Action.MERGE):
        with pytest.raises(IllegalTransition):
            apply_action(session, newer, action, actor="t", now=now)
    assert newer.status is Status.MERGED


def test_purging_the_kept_request_leaves_the_merged_one_pointing_nowhere(  # type: ignore[no-untyped-def]
    app: Flask, session, controller, now: datetime, dpo
) -> None:
    """The purge deletes in batches by id: the older, kept request may go first."""
    older, newer = make_request(session, controller, now), make_request(session, controller, now)
    _merge(session, newer, older, dpo, now)
    session.commit()
    purge_requests(session, app.config["DSAR_SETTINGS"], now, Request.id == older.id)
    session.commit()
    session.refresh(newer)
    assert (newer.status, newer.merged_into_id) == (Status.MERGED, None)


def _unchanged(session, *requests: Request) -> None:  # type: ignore[no-untyped-def]
    for request in requests:
        before = (request.status, request.event_seq, dict(request.details or {}))
        session.refresh(request)
        assert (request.status, request.event_seq, dict(request.details or {})) == before
        assert request.merged_into_id is None


def test_different_rights_are_not_merged(session, controller, now, dpo) -> None:  # type: ignore[no-untyped-def]
    access = make_request(session, controller, now)
    erasure = make_request(session, controller, now, type=RequestType.ERASURE)
    with pytest.raises(MergeRefused, match="different rights"):
        _merge(session, erasure, access, dpo, now)
    _unchanged(session, access, erasure)


def test_different_controllers_or_subjects_are_not_merged(session, controller, now, dpo) -> None:  # type: ignore[no-untyped-def]
    other = Controller(
        slug="other", name="Other GmbH", country="DE", timezone="Europe/Berlin", loaded_at=now
    )
    session.add(other)
    session.flush()
    ours, theirs = make_request(session, controller, now), make_request(session, other, now)
    with pytest.raises(MergeRefused, match="different controllers"):
        _merge(session, theirs, ours, dpo, now)
    someone = make_request(session, controller, now, subject_email="max@example.org")
    with pytest.raises(MergeRefused, match="same e-mail address"):
        _merge(session, someone, ours, dpo, now)
    _unchanged(session, ours, theirs, someone)


@pytest.mark.parametrize("closed", ["duplicate", "survivor"])
def test_a_closed_request_is_not_merged_nor_merged_into(  # type: ignore[no-untyped-def]
    session, controller, now, dpo, closed: str
) -> None:
    duplicate, survivor = (
        make_request(session, controller, now),
        make_request(session, controller, now),
    )
    apply_action(
        session,
        {"duplicate": duplicate, "survivor": survivor}[closed],
        Action.WITHDRAW,
        actor="t",
        now=now,
    )
    with pytest.raises(
        MergeRefused, match=f"request to {'merge' if closed == 'duplicate' else 'keep'}"
    ):
        _merge(session, duplicate, survivor, dpo, now)
    _unchanged(session, duplicate, survivor)


def test_an_unconfirmed_second_submit_is_not_merged(session, controller, now, dpo) -> None:  # type: ignore[no-untyped-def]
    """Not received: it expires on its own, and nothing it holds goes into the other."""
    received = make_request(session, controller, now)
    unconfirmed = make_request(
        session, controller, now, received_at=None, details={"lookup_keys": {"k": "1"}}
    )
    with pytest.raises(MergeRefused, match="unconfirmed"):
        _merge(session, unconfirmed, received, dpo, now)
    with pytest.raises(MergeRefused, match="the request to keep"):
        _merge(session, received, unconfirmed, dpo, now)
    _unchanged(session, received, unconfirmed)


def test_a_merged_request_is_not_merged_again(session, controller, now, dpo) -> None:  # type: ignore[no-untyped-def]
    first, second, third = (make_request(session, controller, now) for _ in range(3))
    _merge(session, second, first, dpo, now)
    with pytest.raises(MergeRefused, match="merged already"):
        _merge(session, second, third, dpo, now)
    with pytest.raises(MergeRefused, match="the request to keep"):
        _merge(session, third, second, dpo, now)  # nor does it take in another
    # The request that took one in keeps its answer for both: it is not merged away either.
    with pytest.raises(MergeRefused, match="other requests were merged into"):
        _merge(session, first, third, dpo, now)
    _unchanged(session, first, third)
    session.refresh(second)
    assert (second.status, second.merged_into_id) == (Status.MERGED, first.id)


def test_an_agent_merges_only_requests_they_may_open(  # type: ignore[no-untyped-def]
    session, controller, now
) -> None:
    agent = make_staff(session, now, email="alex@example.org", role=Role.AGENT)
    colleague = make_staff(session, now, email="olga@example.org", role=Role.AGENT)
    mine, theirs = make_request(session, controller, now), make_request(session, controller, now)
    mine.assignee, theirs.assignee = agent, colleague
    session.flush()
    with pytest.raises(NotPermitted):
        _merge(session, mine, theirs, agent, now)
    with pytest.raises(NotPermitted):
        _merge(session, theirs, mine, agent, now)
    _unchanged(session, mine, theirs)


def test_a_stale_form_merges_nothing(session, controller, now, dpo) -> None:  # type: ignore[no-untyped-def]
    duplicate, survivor = (
        make_request(session, controller, now),
        make_request(session, controller, now),
    )
    with pytest.raises(StaleForm):
        merge(
            session, duplicate, survivor, user=dpo, now=now,
            versions=(duplicate.version, survivor.version - 1),
        )  # fmt: skip
    _unchanged(session, duplicate, survivor)
