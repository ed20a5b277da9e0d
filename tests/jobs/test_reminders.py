"""Deadline reminders: each threshold once, catch-up once, re-armed by a new due date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.jobs.reminders import send_reminders, threshold_reached
from dsar.outbox.dispatch import dispatch_outbox
from dsar.outbox.models import OutboxMessage
from tests.factories import make_request, make_staff

BERLIN = ZoneInfo("Europe/Berlin")
THRESHOLDS = (14, 7, 3, 1)


@pytest.mark.parametrize(
    ("days", "expected"),
    [(20, None), (15, None), (14, 14), (10, 14), (7, 7), (5, 7), (3, 3), (2, 3), (1, 1), (0, 1)],
)
def test_threshold_reached_is_the_most_urgent_one_passed(days: int, expected: int | None) -> None:
    assert threshold_reached(days, THRESHOLDS) == expected


def test_overdue_has_no_reminder_threshold() -> None:
    assert threshold_reached(-1, THRESHOLDS) is None


def _reminders(session) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    return list(
        session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith("reminder:"))
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def test_each_threshold_fires_once_over_the_request_life(
    session, controller, now, job_settings
) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)  # received Mon 2 March 2026 -> due 2 April
    session.commit()
    assert request.due_date == date(2026, 4, 2)
    settings = job_settings(dpo_mailbox="dpo@demo.example")
    moment = now
    while moment < datetime(2026, 4, 5, tzinfo=BERLIN):
        send_reminders(session, settings, moment)
        session.commit()
        moment += timedelta(hours=6)
    sent = _reminders(session)
    assert [m.idempotency_key for m in sent] == [
        f"reminder:{request.id}:2026-04-02:14",
        f"reminder:{request.id}:2026-04-02:7",
        f"reminder:{request.id}:2026-04-02:3",
        f"reminder:{request.id}:2026-04-02:1",
    ]
    # Queued on the first run of each Berlin day: 14, 7, 3 and 1 days before 2 April.
    assert [m.created_at.astimezone(BERLIN).date() for m in sent] == [
        date(2026, 3, 19),
        date(2026, 3, 26),
        date(2026, 3, 30),
        date(2026, 4, 1),
    ]
    assert {m.recipient for m in sent} == {"dpo@demo.example"}
    assert sent[0].subject == f"{request.reference}: answer due in 14 days (2026-04-02)"
    assert sent[3].headers == {"Auto-Submitted": "auto-generated"}


def test_missed_runs_catch_up_once_with_the_most_urgent_threshold(
    session, controller, now, job_settings
) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)  # due 2 April
    settings = job_settings(dpo_mailbox="dpo@demo.example")
    # Down from 17 March until 28 March (5 days left): the 14- and 7-day days were missed.
    send_reminders(session, settings, datetime(2026, 3, 17, 9, tzinfo=BERLIN))
    for hour in (9, 10, 11):
        send_reminders(session, settings, datetime(2026, 3, 28, hour, tzinfo=BERLIN))
    keys = [m.idempotency_key for m in _reminders(session)]
    assert keys == [f"reminder:{request.id}:2026-04-02:7"]


def test_a_new_due_date_re_arms_the_reminders(session, controller, now, job_settings) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    settings = job_settings(dpo_mailbox="dpo@demo.example")
    send_reminders(session, settings, datetime(2026, 3, 31, 9, tzinfo=BERLIN))  # 2 days left
    request.extended_due_date = date(2026, 6, 2)
    session.flush()
    send_reminders(session, settings, datetime(2026, 4, 1, 9, tzinfo=BERLIN))  # not due now
    send_reminders(session, settings, datetime(2026, 5, 30, 9, tzinfo=BERLIN))  # 3 days left
    keys = [m.idempotency_key for m in _reminders(session)]
    assert keys == [
        f"reminder:{request.id}:2026-04-02:3",
        f"reminder:{request.id}:2026-06-02:3",
    ]


def test_assignee_gets_it_in_their_language_over_smtp(
    app, session, controller, now, job_settings, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    agent = make_staff(session, now, email="jonas@demo.example", role=Role.AGENT)
    agent.language = "de"
    request = make_request(session, controller, now)
    request.assignee = agent
    session.commit()
    settings = job_settings(
        dpo_mailbox="dpo@demo.example", smtp_host="127.0.0.1", smtp_port=smtp_server.port
    )
    result = send_reminders(session, settings, datetime(2026, 3, 26, 8, tzinfo=BERLIN))
    session.commit()
    assert (result.due, result.queued) == (1, 1)
    assert dispatch_outbox(session, settings, datetime(2026, 3, 26, 8, tzinfo=BERLIN)).sent == 1
    [received] = smtp_server.handler.messages
    assert received["To"] == "jonas@demo.example"
    assert received["Subject"] == f"{request.reference}: Antwort fällig in 7 Tagen (02.04.2026)"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Content-Language"] == "de"
    assert received["Message-ID"].endswith("@demo.example>")
    text = received.get_body(("plain",)).get_content()
    assert "ist am 02.04.2026 fällig: in 7 Tagen." in text
    assert "Zoë" not in text  # staff mail names the request, not the data subject
    assert "<strong>02.04.2026</strong>" in received.get_body(("html",)).get_content()


def test_without_a_dpo_mailbox_every_active_dpo_is_reminded(
    session, controller, now, job_settings
) -> None:  # type: ignore[no-untyped-def]
    make_staff(session, now, email="dana@demo.example", role=Role.DPO)
    make_staff(session, now, email="dirk@demo.example", role=Role.DPO)
    inactive = make_staff(session, now, email="old@demo.example", role=Role.DPO)
    inactive.active = False
    make_staff(session, now, email="agent@demo.example", role=Role.AGENT)
    make_request(session, controller, now)
    settings = job_settings(dpo_mailbox="")
    moment = datetime(2026, 3, 31, 9, tzinfo=BERLIN)
    assert send_reminders(session, settings, moment).queued == 2
    assert send_reminders(session, settings, moment).queued == 0
    assert sorted(m.recipient for m in _reminders(session)) == [
        "dana@demo.example",
        "dirk@demo.example",
    ]


def test_closed_and_unconfirmed_requests_get_no_reminder(
    session, controller, now, job_settings
) -> None:  # type: ignore[no-untyped-def]
    from dsar.requests.operations import apply_action
    from dsar.requests.workflow import Action

    withdrawn = make_request(session, controller, now)
    apply_action(session, withdrawn, Action.WITHDRAW, actor="test", now=now)
    make_request(session, controller, now, received_at=None)  # awaiting confirmation, no date
    settings = job_settings(dpo_mailbox="dpo@demo.example")
    result = send_reminders(session, settings, datetime(2026, 4, 1, 9, tzinfo=BERLIN))
    assert (result.due, result.queued) == (0, 0)
