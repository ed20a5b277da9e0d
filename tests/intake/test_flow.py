"""Submit, receive the link over real SMTP, confirm: the clock starts, the status page opens."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request, RequestEvent
from dsar.requests.workflow import Status, Verification
from tests.intake.conftest import form_data, link_in, send_mail


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _submit(client, language: str, **fields) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/c/demo/request/erasure?lang={language}").get_data(as_text=True)
    data = form_data(language=language, csrf_token=_csrf(page), scope="all", **fields)
    assert client.post("/c/demo/request/erasure", data=data).status_code == 302


def _confirm(client, link: str):  # type: ignore[no-untyped-def]
    path = urlsplit(link).path
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": _csrf(page.get_data(as_text=True))})


ACK = {
    "de": ("Wir haben Ihre Anfrage ", "vom 2. März 2026 bis spätestens 2. April 2026"),
    "en": ("We have received your request ", "from 2 March 2026 to 2 April 2026"),
}
STATUS = {
    "de": "Wir haben Ihre Anfrage erhalten und sehen sie uns in Kürze an.",
    "en": "We have received your request and will look at it shortly.",
}


@pytest.mark.parametrize("language", ["de", "en"])
def test_confirmation_link_from_the_mail_starts_the_clock(
    app, client, session, controller, clock, smtp_server, now, language
) -> None:  # type: ignore[no-untyped-def]
    _submit(client, language, name="Zoë <b>Schmidt</b>")
    send_mail(app, smtp_server, now)
    [confirm_mail] = smtp_server.handler.messages
    assert confirm_mail["To"] == "zoe@example.org"
    assert "DSAR-2026-" in confirm_mail["Subject"]
    html = confirm_mail.get_body(("html",)).get_content()
    assert "Zoë &lt;b&gt;Schmidt&lt;/b&gt;" in html
    link = link_in(confirm_mail, "/c/demo/confirm/")
    assert link.startswith("http://127.0.0.1:5000/c/demo/confirm/")  # DSAR_BASE_URL

    clock.advance(hours=2)  # confirmed two hours later: that is the receipt
    confirmed = _confirm(client, link)
    assert confirmed.status_code == 200
    request = session.execute(select(Request)).scalar_one()
    assert request.status is Status.NEW
    assert request.verification is Verification.EMAIL_CONFIRMED
    assert request.received_at == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert request.due_date == date(2026, 4, 2)
    actions = (
        session.execute(
            select(RequestEvent.action)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.seq)
        )
        .scalars()
        .all()
    )
    assert actions == ["created", "confirm_email", "received"]

    send_mail(app, smtp_server, clock.now())
    ack = smtp_server.handler.messages[1]
    subject, period = ACK[language]
    assert ack["Subject"] == f"{subject}{request.reference}" + (
        "" if language == "en" else " erhalten"
    )
    text = ack.get_body(("plain",)).get_content()
    assert request.reference in text and period in text
    status_link = link_in(ack, "/c/demo/status/")
    token = status_link.rsplit("/", 1)[1]
    assert token not in str(session.execute(select(Request.status_token_hash)).scalar_one())
    assert session.execute(
        select(OutboxMessage.idempotency_key).order_by(OutboxMessage.id)
    ).scalars().all() == [f"confirm:{request.id}", f"ack:{request.id}"]

    status = client.get(urlsplit(status_link).path + f"?lang={language}")
    assert status.status_code == 200
    assert status.headers["Cache-Control"] == "no-store"
    assert status.headers["Referrer-Policy"] == "no-referrer"
    page = status.get_data(as_text=True)
    assert STATUS[language] in page and request.reference in page
    assert ("2. April 2026" if language == "de" else "2 April 2026") in page
    assert 'id="thread"' in page  # letters and downloads appear in the thread

    again = _confirm(client, link)  # single use: a second click shows what the first showed
    assert (again.status_code, again.get_data()) == (200, confirmed.get_data())
    assert session.execute(select(Request.status)).scalar_one() is Status.NEW
    assert session.execute(select(func.count()).select_from(RequestEvent)).scalar_one() == 3


def test_expired_link_offers_a_new_one_without_enumeration(
    app, client, session, controller, clock, smtp_server, now
) -> None:  # type: ignore[no-untyped-def]
    _submit(client, "en")
    send_mail(app, smtp_server, now)
    old_link = link_in(smtp_server.handler.messages[0], "/c/demo/confirm/")
    clock.advance(days=7, minutes=1)
    expired = client.get(urlsplit(old_link).path)
    assert expired.status_code == 410
    page = expired.get_data(as_text=True)
    assert "The confirmation link has expired." in page
    assert 'action="/c/demo/confirm/again"' in page
    reference = session.execute(select(Request.reference)).scalar_one()

    form = _csrf(client.get("/c/demo/confirm/again").get_data(as_text=True))
    wrong = client.post(
        "/c/demo/confirm/again",
        data={"csrf_token": form, "reference": reference, "email": "mallory@example.org"},
    )
    right = client.post(
        "/c/demo/confirm/again",
        data={"csrf_token": form, "reference": reference.lower(), "email": "ZOE@example.org"},
    )
    assert wrong.status_code == right.status_code == 200
    assert wrong.get_data(as_text=True) == right.get_data(as_text=True)
    send_mail(app, smtp_server, clock.now())
    assert len(smtp_server.handler.messages) == 2
    new_link = link_in(smtp_server.handler.messages[1], "/c/demo/confirm/")
    assert new_link != old_link
    assert _confirm(client, new_link).status_code == 200
    assert session.execute(select(Request.status)).scalar_one() is Status.NEW


def test_tampered_link_is_refused(client, controller, clock) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/c/demo/confirm/eyJyIjoxfQ.aaTTAA.forged")
    assert response.status_code == 404
    assert "The confirmation link is not valid." in response.get_data(as_text=True)


def test_unconfirmed_request_expired_by_the_scheduler_cannot_be_confirmed(
    app, client, session, controller, clock, smtp_server, now
) -> None:  # type: ignore[no-untyped-def]
    from dsar.requests.operations import apply_action
    from dsar.requests.workflow import Action

    _submit(client, "en")
    send_mail(app, smtp_server, now)
    link = link_in(smtp_server.handler.messages[0], "/c/demo/confirm/")
    request = session.execute(select(Request)).scalar_one()
    apply_action(session, request, Action.EXPIRE, actor="scheduler", now=now + timedelta(days=1))
    session.commit()
    response = _confirm(client, link)
    assert response.status_code == 404
    assert session.execute(select(Request.status)).scalar_one() is Status.EXPIRED
