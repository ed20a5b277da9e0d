"""The daily mails: the overdue escalation to the DPO and each staff member's digest."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.jobs.digest import send_digests
from dsar.jobs.escalation import escalate_overdue
from dsar.jobs.models import DeletionStatus, PlannedDeletion
from dsar.outbox.models import OutboxMessage
from tests.factories import make_request, make_staff

BERLIN = ZoneInfo("Europe/Berlin")


def _messages(session, prefix: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    return list(
        session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith(prefix))
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def test_overdue_requests_are_escalated_to_the_dpo_once_a_day(
    session, controller, now, job_settings
) -> None:  # type: ignore[no-untyped-def]
    late = make_request(session, controller, now - timedelta(days=40))  # due Mon 23 Feb 2026
    make_request(session, controller, now)  # due 2 April: not overdue
    settings = job_settings(dpo_mailbox="dpo@demo.example")
    early = datetime(2026, 3, 2, 6, 30, tzinfo=BERLIN)
    assert escalate_overdue(session, settings, early).queued == 0  # before 07:00
    for hour in (7, 12, 18):
        escalate_overdue(session, settings, datetime(2026, 3, 2, hour, tzinfo=BERLIN))
    escalate_overdue(session, settings, datetime(2026, 3, 3, 7, 5, tzinfo=BERLIN))
    sent = _messages(session, "escalation:")
    assert [m.idempotency_key.split(":")[1] for m in sent] == ["2026-03-02", "2026-03-03"]
    assert sent[0].recipient == "dpo@demo.example"
    assert sent[0].subject == "Overdue: 1 request past the deadline (2026-03-02)"
    assert f"{late.reference} (access): due 2026-02-23, 7 days overdue, unassigned" in (
        sent[0].body_text
    )
    assert "8 days overdue" in sent[1].body_text
    assert sent[0].headers == {"Auto-Submitted": "auto-generated"}


def test_no_escalation_when_nothing_is_overdue(session, controller, now, job_settings) -> None:  # type: ignore[no-untyped-def]
    make_request(session, controller, now)
    settings = job_settings(dpo_mailbox="dpo@demo.example")
    result = escalate_overdue(session, settings, datetime(2026, 3, 2, 9, tzinfo=BERLIN))
    assert (result.overdue, result.queued) == (0, 0)


def test_digest_lists_own_requests_in_own_language_and_due_deletions_for_dpos(
    session, controller, now, job_settings
) -> None:  # type: ignore[no-untyped-def]
    agent = make_staff(session, now, email="jonas@demo.example", role=Role.AGENT)
    agent.language = "de"
    dpo = make_staff(session, now, email="dana@demo.example", role=Role.DPO)
    make_staff(session, now, email="idle@demo.example", role=Role.AGENT)
    soon = make_request(session, controller, now - timedelta(days=24))  # 6 Feb -> due Fri 6 March
    late = make_request(session, controller, now - timedelta(days=40))  # due 23 Feb
    later = make_request(session, controller, now)  # due 2 April: not in the digest
    for request in (soon, late, later):
        request.assignee = agent
    session.add(
        PlannedDeletion(
            controller_id=controller.id,
            kind="manual",
            source="erp",
            target="invoices",
            record_key="invoice 2016-0042",
            retention_rule="HGB §257(1) Nr 4: 8 years",
            blocked_until=date(2024, 12, 31),
            status=DeletionStatus.DUE,
            created_at=now,
        )
    )
    session.flush()
    settings = job_settings()
    moment = datetime(2026, 3, 2, 8, tzinfo=BERLIN)
    assert send_digests(session, settings, moment).queued == 2
    assert send_digests(session, settings, moment + timedelta(hours=3)).queued == 0
    by_recipient = {m.recipient: m for m in _messages(session, "digest:")}
    assert sorted(by_recipient) == ["dana@demo.example", "jonas@demo.example"]
    mine = by_recipient["jonas@demo.example"]
    assert mine.language == "de"
    assert (
        mine.subject
        == "Ihre Anfragen am 02.03.2026: 1 überfällig, 1 in den nächsten 7 Tagen fällig"
    )
    assert f"{late.reference} (access): fällig am 23.02.2026, 7 Tage überfällig" in mine.body_text
    assert f"{soon.reference} (access): fällig am 06.03.2026, in 4 Tagen" in mine.body_text
    assert later.reference not in mine.body_text
    dpo_mail = by_recipient["dana@demo.example"]
    assert dpo_mail.subject == (
        "Your requests for 2026-03-02: 0 overdue, 0 due within a week, 1 deletion due"
    )
    assert "erp / invoices: invoice 2016-0042 (kept until 2024-12-31" in dpo_mail.body_text
    assert dpo.id in {int(m.idempotency_key.rsplit(":", 1)[1]) for m in by_recipient.values()}
