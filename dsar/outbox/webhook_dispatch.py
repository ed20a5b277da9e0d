"""The webhook sender: the dispatcher POSTs each due delivery, signed, after the commit.

Signed per Standard Webhooks (the `standardwebhooks` package): `webhook-id` (the same on every
attempt and replay), `webhook-timestamp` (this attempt) and `webhook-signature` over
"<id>.<timestamp>.<body>". The URL is checked again before every attempt (DNS can change
since registration) and the connection goes to the addresses checked (dsar.core.outbound);
a redirect is not followed: it counts as a failed attempt. 2xx is delivered; a 4xx other
than 408 and 429 is refused for good (a dead letter at once); anything else is retried with
the mail's backoff until MAX_ATTEMPTS (dsar/outbox/lease.py).
"""

from __future__ import annotations

import http.client
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from math import floor
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from dsar.config import Settings
from dsar.core.db import table_of
from dsar.core.outbound import OutboundRefused, check_outbound_url, connect, require_https
from dsar.core.write_lock import begin_as_writer
from dsar.files.crypto import SealError
from dsar.files.storage import file_key
from dsar.outbox.lease import DispatchResult, claim, settle_failure
from dsar.outbox.models import OutboxStatus, WebhookDelivery
from dsar.webhooks.endpoints import unseal_secret
from dsar.webhooks.models import WebhookEndpoint

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
USER_AGENT = "dsar-webhooks/1"
_DELIVERIES = table_of(WebhookDelivery)


@dataclass(frozen=True)
class Attempt:
    """How one POST ended: delivered, or why not and whether to try again."""

    delivered: bool
    error: str = ""
    permanent: bool = False


def signed_headers(secret: str, webhook_id: str, now: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers for `body` sent at `now`."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(floor(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, now, body),
    }


def post(url: str, body: str, headers: dict[str, str], settings: Settings) -> Attempt:
    """One POST of `body` to `url`, if the URL passes the outbound checks; never follows."""
    try:
        require_https(url, allow_local_http=settings.transmit_allow_local_http)
        target = check_outbound_url(url, allow_private=settings.transmit_allow_private)
    except OutboundRefused as error:
        return Attempt(False, f"refused: {error}")
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = connect(target, timeout=TIMEOUT_SECONDS)
    try:
        connection.request(
            "POST",
            path,
            body=body.encode(),
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
        )
        response = connection.getresponse()
        response.read(2000)
    except (OSError, http.client.HTTPException) as error:
        return Attempt(False, f"could not reach {parts.hostname}: {type(error).__name__}: {error}")
    finally:
        connection.close()
    status = response.status
    if 200 <= status < 300:
        return Attempt(True)
    why = f"HTTP {status}"
    if 300 <= status < 400:
        why += " (a redirect: not followed)"
    return Attempt(False, why, permanent=400 <= status < 500 and status not in (408, 429))


def dispatch_webhooks(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    limit: int,
    after_each: Callable[[], None] | None = None,
) -> DispatchResult:
    """POST the due webhook deliveries, each claimed first like the mail; the caller commits."""
    result = DispatchResult()
    due = claim(session, _DELIVERIES, now, limit)
    if not due:
        return result
    if after_each is not None:
        after_each()
    # What to send, read now and kept as plain values: no transaction stays open during a
    # POST (on SQLite a reader that must write later would block the other dispatcher).
    rows = session.execute(
        select(WebhookDelivery.id, WebhookDelivery.webhook_id, WebhookDelivery.body,
               WebhookEndpoint.url, WebhookEndpoint.sealed_secret)
        .outerjoin(WebhookEndpoint, WebhookDelivery.endpoint_id == WebhookEndpoint.id)
        .where(WebhookDelivery.id.in_(due))
        .order_by(WebhookDelivery.id)
    ).all()  # fmt: skip
    if after_each is not None:
        after_each()
    key = file_key(settings) if rows else b""
    for delivery_id, webhook_id, body, url, sealed in rows:
        if url is None:
            attempt = Attempt(False, "the endpoint was removed", permanent=True)
        else:
            try:
                secret = unseal_secret(key, sealed)
            except SealError:
                attempt = Attempt(False, "the secret does not open with DSAR_FILE_KEY")
            else:
                attempt = post(url, body, signed_headers(secret, webhook_id, now, body), settings)
        begin_as_writer(session)  # SQLite: this write waits its turn instead of failing
        delivery = session.get_one(WebhookDelivery, delivery_id)
        if attempt.delivered:
            delivery.status, delivery.sent_at, delivery.last_error = OutboxStatus.SENT, now, None
            delivery.attempts += 1
            result.sent += 1
        elif settle_failure(delivery, attempt.error, now, permanent=attempt.permanent):
            log.warning("webhook %s dead: %s", webhook_id, delivery.last_error)
            result.failed += 1
        else:
            result.retried += 1
        session.flush()
        if after_each is not None:
            after_each()
    return result
