"""Staff mail from the jobs: who gets it and in which language; the outbox renders and queues it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.accounts.models import Role, StaffUser
from dsar.config import Settings
from dsar.core.i18n import supported
from dsar.outbox.mail import enqueue, mail_domain
from dsar.outbox.models import OutboxMessage


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    staff: StaffUser | None = None

    @property
    def tag(self) -> str:
        """A short, stable stand-in for the address in idempotency keys (which hold 200 chars)."""
        return hashlib.sha256(self.email.lower().encode()).hexdigest()[:12]


def staff_recipient(user: StaffUser) -> Recipient:
    return Recipient(user.email, supported(user.language), user)


def dpo_recipients(
    session: Session, settings: Settings, controller_id: int | None = None
) -> list[Recipient]:
    """The DPO mailbox, or (if not configured) every active DPO working for the controller."""
    if settings.dpo_mailbox:
        return [Recipient(settings.dpo_mailbox, supported(settings.dpo_mailbox_language))]
    dpos = session.execute(
        select(StaffUser)
        .where(StaffUser.role == Role.DPO, StaffUser.active.is_(True))
        .order_by(StaffUser.id)
    ).scalars()
    return [
        staff_recipient(user)
        for user in dpos
        if controller_id is None or user.may_work_for(controller_id)
    ]


def queue_staff_mail(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    key: str,
    recipient: Recipient,
    template: str,
    request_id: int | None = None,
    **context: Any,
) -> int:
    """Queue `template` in the recipient's language once per `key`; the outbox row's id."""
    return enqueue(
        session,
        key=key,
        to=recipient.email,
        template=template,
        language=recipient.language,
        context={"recipient": recipient, "base_url": settings.base_url, **context},
        now=now,
        request_id=request_id,
        auto_submitted=True,
        mail_domain=mail_domain(settings),
    )


def queued_keys(session: Session, keys: list[str]) -> set[str]:
    """Which of `keys` are already in the outbox (one query per 500 keys)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            session.execute(
                select(OutboxMessage.idempotency_key).where(
                    OutboxMessage.idempotency_key.in_(chunk)
                )
            ).scalars()
        )
    return found
