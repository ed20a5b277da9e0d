"""Expiry of web requests whose e-mail address was never confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.models import Request
from dsar.services.requests import apply_action
from dsar.workflow import Action, Status

ACTOR = "scheduler"


@dataclass
class ExpiryResult:
    expired: int = 0


def expire_unconfirmed(session: Session, settings: Settings, now: datetime) -> ExpiryResult:
    """Expire requests awaiting confirmation for longer than DSAR_CONFIRMATION_EXPIRY_DAYS."""
    days = settings.confirmation_expiry_days
    stale = session.execute(
        select(Request)
        .where(
            Request.status == Status.AWAITING_CONFIRMATION,
            Request.created_at < now - timedelta(days=days),
        )
        .order_by(Request.id)
    ).scalars()
    result = ExpiryResult()
    reason = f"e-mail address not confirmed within {days} days"
    for request in stale:
        apply_action(
            session, request, Action.EXPIRE, actor=ACTOR, now=now, payload={"reason": reason}
        )
        result.expired += 1
    session.flush()
    return result
