"""The outbox: one rendering for every caller; against a real SMTP server: delivery, retries,
permanent failures, no duplicates."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from sqlalchemy import func, select

from dsar.intake.emails import queue_confirmation
from dsar.outbox.dispatch import MAX_ATTEMPTS, dispatch_outbox
from dsar.outbox.mail import mail_domain
from dsar.outbox.models import OutboxMessage, OutboxStatus
from tests.factories import make_mail, make_request


def _settings(app, port: int):  # type: ignore[no-untyped-def]
    return dataclasses.replace(
        app.config["DSAR_SETTINGS"],
        smtp_host="127.0.0.1",
        smtp_port=port,
        mail_from="DPO <dpo@demo.example>",
    )


def _queue(session, now: datetime, key: str = "k1", to: str = "zoe@example.org", **kw):  # type: ignore[no-untyped-def]
    return make_mail(
        session,
        now,
        key=key,
        to=to,
        language="de",
        subject="Ihre Anfrage – Bestätigung",
        text="Grüße, Zoë",
        html="<p>Grüße, <b>Zoë</b></p>",
        **kw,
    )


def test_message_arrives_multipart_with_headers(app, session, smtp_server, now) -> None:  # type: ignore[no-untyped-def]
    queued = _queue(session, now, auto_submitted=True)
    session.commit()
    result = dispatch_outbox(session, _settings(app, smtp_server.port), now)
    session.commit()
    assert (result.sent, result.retried, result.failed) == (1, 0, 0)
    [received] = smtp_server.handler.messages
    assert received["To"] == "zoe@example.org"
    assert received["Subject"] == "Ihre Anfrage – Bestätigung"
    assert received["Message-ID"] == queued.message_id
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Content-Language"] == "de"
    assert received["Date"]
    assert received.get_body(("plain",)).get_content().strip() == "Grüße, Zoë"
    assert "<b>Zoë</b>" in received.get_body(("html",)).get_content()
    assert session.get(OutboxMessage, queued.id).status is OutboxStatus.SENT


def test_same_key_is_queued_once(app, session, smtp_server, now) -> None:  # type: ignore[no-untyped-def]
    first = _queue(session, now, key="reminder:1:7")
    second = _queue(session, now, key="reminder:1:7")
    session.commit()
    assert first.id == second.id
    assert session.execute(select(func.count()).select_from(OutboxMessage)).scalar() == 1
    dispatch_outbox(session, _settings(app, smtp_server.port), now)
    dispatch_outbox(session, _settings(app, smtp_server.port), now + timedelta(hours=1))
    assert len(smtp_server.handler.messages) == 1


def test_smtp_down_then_up_delivers_later_with_same_message_id(
    app, session, smtp_server, now
) -> None:  # type: ignore[no-untyped-def]
    from tests.pg import free_port

    queued = _queue(session, now)
    session.commit()
    down = dispatch_outbox(session, _settings(app, free_port()), now)  # nobody listens there
    session.commit()
    assert (down.sent, down.retried) == (0, 1)
    message = session.get(OutboxMessage, queued.id)
    assert message.status is OutboxStatus.PENDING and message.attempts == 1
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()
    # Not yet due again: nothing is sent even though the server is up.
    early = dispatch_outbox(session, _settings(app, smtp_server.port), now + timedelta(seconds=5))
    assert early.sent == 0 and smtp_server.handler.messages == []
    later = dispatch_outbox(session, _settings(app, smtp_server.port), message.next_attempt_at)
    session.commit()
    assert later.sent == 1
    [received] = smtp_server.handler.messages
    assert received["Message-ID"] == queued.message_id


def test_refused_recipient_fails_at_once_and_others_still_go(
    app, session, smtp_server, now
) -> None:  # type: ignore[no-untyped-def]
    smtp_server.handler.refuse.add("nobody@example.org")
    bad = _queue(session, now, key="bad", to="nobody@example.org")
    good = _queue(session, now, key="good", to="zoe@example.org")
    session.commit()
    result = dispatch_outbox(session, _settings(app, smtp_server.port), now)
    session.commit()
    assert (result.sent, result.failed) == (1, 1)
    assert session.get(OutboxMessage, bad.id).status is OutboxStatus.FAILED
    assert "550" in session.get(OutboxMessage, bad.id).last_error
    assert session.get(OutboxMessage, good.id).status is OutboxStatus.SENT


def test_a_dropped_connection_leaves_the_untried_rest_due_at_once(
    app, session, smtp_server, now
) -> None:  # type: ignore[no-untyped-def]
    """The batch was claimed (leased for CLAIM_LEASE); what the lost connection kept from being
    tried is due again at once, not when the lease ends."""
    smtp_server.handler.hang_up.add("drop@example.org")
    first = _queue(session, now, key="1", to="a@example.org")
    dropped = _queue(session, now, key="2", to="drop@example.org")
    untried = _queue(session, now, key="3", to="c@example.org")
    session.commit()
    result = dispatch_outbox(
        session, _settings(app, smtp_server.port), now, after_each=session.commit
    )
    assert (result.sent, result.retried, result.failed) == (1, 1, 0)
    assert session.get(OutboxMessage, first.id).status is OutboxStatus.SENT
    assert session.get(OutboxMessage, dropped.id).next_attempt_at > now  # backing off
    rest = session.get(OutboxMessage, untried.id)
    assert (rest.status, rest.attempts, rest.next_attempt_at) == (OutboxStatus.PENDING, 0, now)
    assert dispatch_outbox(session, _settings(app, smtp_server.port), now).sent == 1
    assert [m["To"] for m in smtp_server.handler.messages] == ["a@example.org", "c@example.org"]


def test_gives_up_after_max_attempts(app, session, now) -> None:  # type: ignore[no-untyped-def]
    from tests.pg import free_port

    queued = _queue(session, now)
    settings = _settings(app, free_port())
    moment = now
    for _ in range(MAX_ATTEMPTS):
        dispatch_outbox(session, settings, moment)
        moment = session.get(OutboxMessage, queued.id).next_attempt_at + timedelta(seconds=1)
    message = session.get(OutboxMessage, queued.id)
    assert message.status is OutboxStatus.FAILED
    assert message.attempts == MAX_ATTEMPTS


def test_without_smtp_host_messages_become_eml_files(app, session, now) -> None:  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(app.config["DSAR_SETTINGS"], smtp_host="")
    queued = _queue(session, now)
    assert dispatch_outbox(session, settings, now).sent == 1
    files = list((settings.instance_path / "mail").glob("*.eml"))
    assert any(queued.message_id.strip("<>") in f.name for f in files)


def test_a_mail_reads_the_same_from_a_job_and_from_a_page_in_another_language(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    """Rendered in the mail's language by the outbox's environment, not the page's."""
    request = make_request(session, controller, now, received_at=None, language="de")
    settings = app.config["DSAR_SETTINGS"]
    link = "http://127.0.0.1:5000/c/demo/confirm/token"
    queue_confirmation(session, request, key="job", link=link, settings=settings, now=now)
    with app.test_request_context("/c/demo/?lang=en"):
        queue_confirmation(session, request, key="page", link=link, settings=settings, now=now)
    job, page = (
        session.execute(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
        ).scalar_one()
        for key in ("job", "page")
    )
    assert (job.subject, job.body_text, job.body_html) == (
        page.subject,
        page.body_text,
        page.body_html,
    )
    assert job.subject == f"Bitte bestätigen Sie Ihre Anfrage {request.reference}"
    assert "Auskunft und Kopie Ihrer Daten (Art. 15 DSGVO)" in job.body_text
    assert job.headers == {"Auto-Submitted": "auto-generated"}
    assert job.message_id.endswith(f"@{mail_domain(settings)}>")


def test_a_second_mail_under_the_same_key_changes_nothing(session, now) -> None:  # type: ignore[no-untyped-def]
    first = _queue(session, now, key="once")
    again = make_mail(session, now, key="once", to="someone@example.org", subject="other")
    assert again.id == first.id
    assert (again.recipient, again.subject) == ("zoe@example.org", "Ihre Anfrage – Bestätigung")
