"""Webhooks leave through the outbox: signed, retried, dead-lettered, replayed, never redirected."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from dsar.outbox.dispatch import MAX_ATTEMPTS, dispatch_outbox
from dsar.outbox.models import OutboxStatus, WebhookDelivery
from dsar.outbox.webhook_queue import ReplayError
from dsar.webhooks.endpoints import add_endpoint, dead_letters, replay_dead_letter, seal_secret
from tests.factories import make_request
from tests.webhooks.keys import app_key


def _endpoint(session, controller, now, url, events=("request.received",)):  # type: ignore[no-untyped-def]
    return add_endpoint(
        session,
        controller,
        url=url,
        events=events,
        actor="ada@example.org",
        now=now,
        file_key=app_key(),
        allow_local_http=True,
        allow_private=True,
    )


def _deliveries(session) -> list[WebhookDelivery]:  # type: ignore[no-untyped-def]
    return list(session.execute(select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars())


def test_a_received_request_is_delivered_signed_without_subject_data(  # type: ignore[no-untyped-def]
    session, controller, now, receiver, local_settings
) -> None:
    endpoint, secret = _endpoint(session, controller, now, receiver.url)
    assert secret.startswith("whsec_")
    request = make_request(session, controller, now)
    sent_at = datetime.now(UTC)  # the signature's timestamp must be recent to verify

    result = dispatch_outbox(session, local_settings, sent_at)

    assert result.sent == 1
    [post] = receiver.posts
    assert post.path == "/hooks"
    payload = Webhook(secret).verify(post.body, post.headers)
    assert payload["type"] == "request.received"
    assert payload["data"] == {
        "reference": request.reference,
        "controller": controller.slug,
        "right": "access",
        "status": request.status.value,
        "due_date": request.due_date.isoformat(),
    }
    assert "zoe" not in post.body.decode().lower() and "Schmidt" not in post.body.decode()
    [delivery] = _deliveries(session)
    assert post.headers["webhook-id"] == delivery.webhook_id
    assert delivery.status is OutboxStatus.SENT and delivery.attempts == 1
    tampered = post.body.replace(b"access", b"erasure")
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(tampered, post.headers)
    other_secret = _endpoint(session, controller, now, receiver.url)[1]
    with pytest.raises(WebhookVerificationError):  # another endpoint's secret
        Webhook(other_secret).verify(post.body, post.headers)


def test_a_failing_endpoint_is_retried_then_dead_then_replayed_and_delivered(  # type: ignore[no-untyped-def]
    session, controller, now, receiver, local_settings
) -> None:
    receiver.answers = [500]
    _endpoint(session, controller, now, receiver.url)
    make_request(session, controller, now)
    moment = now
    for attempt in range(1, MAX_ATTEMPTS + 1):
        dispatch_outbox(session, local_settings, moment)
        [delivery] = _deliveries(session)
        assert delivery.attempts == attempt
        assert dispatch_outbox(session, local_settings, moment).sent == 0  # waits its backoff
        moment += timedelta(hours=7)
    assert delivery.status is OutboxStatus.FAILED
    assert delivery.last_error == f"gave up after {MAX_ATTEMPTS} attempts: HTTP 500"
    assert len(receiver.posts) == MAX_ATTEMPTS
    assert dead_letters(session) == [delivery]

    receiver.answers = [200]
    again = replay_dead_letter(session, delivery.id, actor="ada@example.org", now=moment)
    assert (again.webhook_id, again.body, again.attempts) == (delivery.webhook_id, delivery.body, 0)
    assert dead_letters(session) == []
    with pytest.raises(ReplayError):
        replay_dead_letter(session, delivery.id, actor="ada@example.org", now=moment)  # once only
    with pytest.raises(ReplayError):
        replay_dead_letter(session, again.id, actor="ada@example.org", now=moment)  # not dead

    assert dispatch_outbox(session, local_settings, moment).sent == 1
    assert again.status is OutboxStatus.SENT and again.attempts == 1
    ids = {post.headers["webhook-id"] for post in receiver.posts}
    assert ids == {delivery.webhook_id}  # the same id on every attempt and the replay


@pytest.mark.parametrize(
    ("status", "dead"), [(400, True), (404, True), (410, True), (408, False), (429, False)]
)
def test_a_client_error_is_a_dead_letter_at_once_except_timeout_and_rate_limit(  # type: ignore[no-untyped-def]
    session, controller, now, receiver, local_settings, status: int, dead: bool
) -> None:
    receiver.answers = [status]
    _endpoint(session, controller, now, receiver.url)
    make_request(session, controller, now)
    dispatch_outbox(session, local_settings, now)
    [delivery] = _deliveries(session)
    assert delivery.status is (OutboxStatus.FAILED if dead else OutboxStatus.PENDING)
    assert delivery.attempts == 1


def test_a_redirect_is_not_followed_and_counts_as_a_failure(  # type: ignore[no-untyped-def]
    session, controller, now, receiver, local_settings
) -> None:
    receiver.answers = [302]
    _endpoint(session, controller, now, receiver.url)
    make_request(session, controller, now)
    result = dispatch_outbox(session, local_settings, now)
    assert (result.sent, result.retried) == (0, 1)
    assert [post.path for post in receiver.posts] == ["/hooks"]  # never /elsewhere
    [delivery] = _deliveries(session)
    assert delivery.status is OutboxStatus.PENDING
    assert delivery.last_error == "HTTP 302 (a redirect: not followed)"


def test_a_private_address_is_refused_at_delivery_without_the_setting(  # type: ignore[no-untyped-def]
    session, controller, now, receiver, local_settings
) -> None:
    _endpoint(session, controller, now, receiver.url)
    make_request(session, controller, now)
    strict = dataclasses.replace(local_settings, transmit_allow_private=False)
    result = dispatch_outbox(session, strict, now)
    assert (result.sent, result.retried) == (0, 1)
    assert receiver.posts == []
    [delivery] = _deliveries(session)
    assert delivery.last_error == "refused: 127.0.0.1 is a loopback address: refused"
    no_http = dataclasses.replace(local_settings, transmit_allow_local_http=False)
    dispatch_outbox(session, no_http, now + timedelta(hours=1))
    assert receiver.posts == []
    assert "is not an https:// address" in (delivery.last_error or "")


def test_a_secret_that_does_not_open_is_not_used(  # type: ignore[no-untyped-def]
    session, controller, now, receiver, local_settings
) -> None:
    endpoint, secret = _endpoint(session, controller, now, receiver.url)
    assert secret not in endpoint.sealed_secret
    endpoint.sealed_secret = seal_secret(b"A" * 43 + b"=", secret)  # another key
    make_request(session, controller, now)
    assert dispatch_outbox(session, local_settings, now).retried == 1
    assert receiver.posts == []
    [delivery] = _deliveries(session)
    assert delivery.last_error == "the secret does not open with DSAR_FILE_KEY"


def test_a_removed_endpoint_takes_its_deliveries_with_it(  # type: ignore[no-untyped-def]
    session, controller, now, receiver, local_settings
) -> None:
    from dsar.webhooks.endpoints import remove_endpoint

    endpoint, _ = _endpoint(session, controller, now, receiver.url)
    make_request(session, controller, now)
    remove_endpoint(session, endpoint, actor="ada@example.org", now=now)
    assert _deliveries(session) == []
    assert dispatch_outbox(session, local_settings, now).sent == 0
    assert receiver.posts == []


def test_the_body_is_sent_as_signed(session, controller, now, receiver, local_settings) -> None:  # type: ignore[no-untyped-def]
    _, secret = _endpoint(session, controller, now, receiver.url)
    make_request(session, controller, now)
    [delivery] = _deliveries(session)
    dispatch_outbox(session, local_settings, datetime.now(UTC))
    [post] = receiver.posts
    assert post.body.decode() == delivery.body
    assert post.headers["Content-Type"] == "application/json"
    assert json.loads(post.body)["timestamp"] == now.isoformat()
