"""Register, list and remove webhook endpoints; list and replay dead letters. Never commits.

Each change is an event of the staff trail (dsar/audit/staff_trail.py), its subject
"webhook:<id>": who pointed dsar's events where, and who sent a dead letter again.

A URL is checked when it is registered and again before every delivery (DNS can change):
https only, and no loopback, private or link-local address unless the install allows them
(DSAR_TRANSMIT_ALLOW_LOCAL_HTTP, DSAR_TRANSMIT_ALLOW_PRIVATE: dsar.core.outbound).
"""

from __future__ import annotations

import base64
import io
import secrets
from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dsar.audit.staff_trail import record_staff_event
from dsar.controllers.models import Controller
from dsar.core.outbound import OutboundRefused, check_outbound_url, require_https
from dsar.files.crypto import seal, unseal
from dsar.outbox.models import OutboxStatus, WebhookDelivery
from dsar.outbox.webhook_queue import ReplayError, replay
from dsar.webhooks.models import WebhookEndpoint

EVENTS = (
    "request.received",
    "request.confirmed",
    "request.due_soon",
    "request.overdue",
    "request.answered",
    "request.closed",
    "task.created",
)
DEAD_LETTERS_SHOWN = 200


class WebhookError(ValueError):
    """An endpoint cannot be registered as asked; `problem` says what, for a page to translate:
    "scheme" (not https), "address" (a host not allowed or not found), "events", "length"."""

    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem


def new_secret() -> str:
    """A Standard Webhooks signing secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def seal_secret(file_key: bytes, secret: str) -> str:
    """The secret sealed with the files' key (AES-256-GCM, dsar/files/crypto.py), in base64."""
    return base64.b64encode(b"".join(seal(file_key, [secret.encode()]))).decode()


def unseal_secret(file_key: bytes, sealed: str) -> str:
    """The secret `seal_secret` sealed; SealError under another key or if it was changed."""
    return b"".join(unseal(file_key, io.BytesIO(base64.b64decode(sealed)))).decode()


def check_url(url: str, *, allow_local_http: bool, allow_private: bool) -> None:
    """WebhookError unless `url` is https (or allowed http) to hosts with allowed addresses."""
    try:
        require_https(url, allow_local_http=allow_local_http)
    except OutboundRefused as error:
        raise WebhookError("scheme", str(error)) from None
    try:
        check_outbound_url(url, allow_private=allow_private)
    except OutboundRefused as error:
        raise WebhookError("address", str(error)) from None


def add_endpoint(
    session: Session,
    controller: Controller,
    *,
    url: str,
    events: Iterable[str],
    actor: str,
    now: datetime,
    file_key: bytes,
    allow_local_http: bool = False,
    allow_private: bool = False,
) -> tuple[WebhookEndpoint, str]:
    """Register `url` for the controller's `events`; the endpoint and its secret (shown once)."""
    chosen = sorted(set(events))
    unknown = [event for event in chosen if event not in EVENTS]
    if unknown or not chosen:
        raise WebhookError("events", f"choose events among {', '.join(EVENTS)}")
    url = url.strip()
    if len(url) > 2000:
        raise WebhookError("length", "the URL is longer than 2000 characters")
    check_url(url, allow_local_http=allow_local_http, allow_private=allow_private)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        controller_id=controller.id,
        url=url,
        events=chosen,
        sealed_secret=seal_secret(file_key, secret),
        created_by=actor,
        created_at=now,
    )
    session.add(endpoint)
    session.flush()
    payload = {"controller": controller.slug, "url": url, "events": chosen}
    record_staff_event(session, "webhook_added", actor=actor, subject=_name(endpoint), now=now,
                       payload=payload)  # fmt: skip
    return endpoint, secret


def endpoints_of(
    session: Session, controller_ids: Collection[int] | None = None
) -> list[WebhookEndpoint]:
    """The endpoints of these controllers (None: of all), by controller and id."""
    query = select(WebhookEndpoint).join(Controller).order_by(Controller.slug, WebhookEndpoint.id)
    if controller_ids is not None:
        query = query.where(WebhookEndpoint.controller_id.in_(sorted(controller_ids)))
    return list(session.execute(query).scalars())


def remove_endpoint(
    session: Session, endpoint: WebhookEndpoint, *, actor: str, now: datetime
) -> None:
    """Remove the endpoint and every delivery queued for it, sent or not."""
    payload = {"controller": endpoint.controller.slug, "url": endpoint.url}
    record_staff_event(session, "webhook_removed", actor=actor, subject=_name(endpoint), now=now,
                       payload=payload)  # fmt: skip
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    session.delete(endpoint)
    session.flush()


def dead_letters(
    session: Session, controller_ids: Collection[int] | None = None
) -> list[WebhookDelivery]:
    """Deliveries dsar gave up on and nobody replayed yet, newest first."""
    replayed = select(WebhookDelivery.replay_of_id).where(WebhookDelivery.replay_of_id.is_not(None))
    query = (
        select(WebhookDelivery)
        .join(WebhookEndpoint, WebhookDelivery.endpoint_id == WebhookEndpoint.id)
        .where(WebhookDelivery.status == OutboxStatus.FAILED, WebhookDelivery.id.not_in(replayed))
        .order_by(WebhookDelivery.id.desc())
        .limit(DEAD_LETTERS_SHOWN)
    )
    if controller_ids is not None:
        query = query.where(WebhookEndpoint.controller_id.in_(sorted(controller_ids)))
    return list(session.execute(query).scalars())


def replay_dead_letter(
    session: Session,
    delivery_id: int,
    *,
    actor: str,
    now: datetime,
    controller_ids: Collection[int] | None = None,
) -> WebhookDelivery:
    """Queue a dead letter again (same webhook-id, new attempts); ReplayError if it is none."""
    delivery = session.get(WebhookDelivery, delivery_id)
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
    if delivery is None or endpoint is None:
        raise ReplayError("no such delivery")
    if controller_ids is not None and endpoint.controller_id not in controller_ids:
        raise ReplayError("no such delivery")
    again = replay(session, delivery, now=now)
    payload = {"delivery": delivery.id, "replay": again.id, "webhook_id": delivery.webhook_id}
    record_staff_event(session, "webhook_replayed", actor=actor, subject=_name(endpoint), now=now,
                       payload=payload)  # fmt: skip
    return again


def _name(endpoint: WebhookEndpoint) -> str:
    """The endpoint as the staff trail's subject."""
    return f"webhook:{endpoint.id}"
