"""Staff mail from the jobs: who gets it, in which language, rendered from templates."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.accounts.models import Role, StaffUser
from dsar.config import Settings
from dsar.core.i18n import supported
from dsar.outbox.mail import enqueue, mail_domain
from dsar.outbox.models import OutboxMessage

# RFC 3834: marks the message as machine-made, so auto-responders do not answer it.
AUTO_HEADERS = {"Auto-Submitted": "auto-generated"}


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    staff: StaffUser | None = None

    @property
    def tag(self) -> str:
        """A short, stable stand-in for the address in idempotency keys (which hold 200 chars)."""
        return hashlib.sha256(self.email.lower().encode()).hexdigest()[:12]


def _language(code: str | None) -> str:
    return supported(code)


def staff_recipient(user: StaffUser) -> Recipient:
    return Recipient(user.email, _language(user.language), user)


def dpo_recipients(
    session: Session, settings: Settings, controller_id: int | None = None
) -> list[Recipient]:
    """The DPO mailbox, or (if not configured) every active DPO working for the controller."""
    if settings.dpo_mailbox:
        return [Recipient(settings.dpo_mailbox, _language(settings.dpo_mailbox_language))]
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


@functools.cache
def _environment(folder: str) -> Environment:
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, language: str, **context: Any) -> tuple[str, str, str]:
    """Subject, text and HTML of templates/emails/<language>/<name>.*"""
    from dsar.core.paths import TEMPLATES_DIR

    env = _environment(str(TEMPLATES_DIR / "emails"))
    lang = _language(language)
    subject = env.get_template(f"{lang}/{name}.subject.txt").render(**context)
    text = env.get_template(f"{lang}/{name}.txt").render(**context)
    html = env.get_template(f"{lang}/{name}.html").render(**context)
    return " ".join(subject.split()), text, html


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
) -> OutboxMessage:
    """Render `template` in the recipient's language and queue it once per `key`."""
    subject, text, html = render(
        template, recipient.language, recipient=recipient, base_url=settings.base_url, **context
    )
    return enqueue(
        session,
        key=key,
        recipient=recipient.email,
        subject=subject,
        text=text,
        html=html,
        language=recipient.language,
        now=now,
        request_id=request_id,
        headers=AUTO_HEADERS,
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
