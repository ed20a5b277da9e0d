"""Factory functions with defaults: a test names only what matters to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dsar.accounts.models import Role, StaffUser
from dsar.accounts.operations import create_staff
from dsar.controllers.models import Controller
from dsar.outbox.mail import enqueue
from dsar.outbox.models import OutboxMessage
from dsar.register import Register, SqlSource
from dsar.requests.models import Request
from dsar.requests.operations import NewRequest, create_request
from dsar.requests.workflow import Channel, RequestType

PASSWORD = "correct horse battery staple"


def make_request(
    session: Session,
    controller: Controller,
    now: datetime,
    *,
    received_at: datetime | None | str = "now",
    **fields: Any,
) -> Request:
    values: dict[str, Any] = {
        "controller": controller,
        "type": RequestType.ACCESS,
        "channel": Channel.WEB,
        "language": "en",
        "subject_name": "Zoë Schmidt",
        "subject_email": "zoe@example.org",
        "details": {},
        "received_at": now if received_at == "now" else received_at,
    }
    values.update(fields)
    return create_request(session, NewRequest(**values), actor="test", now=now).request


def make_staff(
    session: Session, now: datetime, *, email: str = "dana@example.org", role: Role = Role.DPO
) -> StaffUser:
    return create_staff(
        session, email=email, name="Dana", role=role, password=PASSWORD, now=now, actor="system"
    )


def make_mail(
    session: Session,
    now: datetime,
    *,
    key: str,
    to: str = "zoe@example.org",
    language: str = "en",
    request_id: int | None = None,
    auto_submitted: bool = False,
    **bodies: str,
) -> OutboxMessage:
    """A queued mail with the given `subject`, `text` and `html` (through the letter template)."""
    context = {"subject": "s", "text": "t", "html": "<p>t</p>", **bodies}
    queued = enqueue(
        session,
        key=key,
        to=to,
        template="letter",
        language=language,
        context=context,
        now=now,
        request_id=request_id,
        auto_submitted=auto_submitted,
    )
    return session.get_one(OutboxMessage, queued)


def by_hand(register: Register) -> Register:
    """The register without write credentials: dsar changes no source, so staff record by
    hand what they did (the letter page's facts) instead of dsar's own record."""
    sources = [
        s.model_copy(update={"write_url": None}) if isinstance(s, SqlSource) else s
        for s in register.sources
    ]
    return register.model_copy(update={"sources": sources})
