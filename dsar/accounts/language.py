"""A staff member's language: stored at the first sign-in from the browser, then their choice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.audit.staff_trail import record_staff_event
from dsar.core.i18n import LANGUAGES


def choose_language(
    session: Session, user: StaffUser, language: str, *, now: datetime, actor: str
) -> bool:
    """Store `language` as the member's pages' and mails' language; False when it is not one
    dsar speaks or is already theirs. Never commits."""
    if language not in LANGUAGES or user.language == language:
        return False
    record_staff_event(
        session,
        "language_chosen",
        actor=actor,
        subject=user.email,
        now=now,
        payload={"from": user.language, "to": language},
    )
    user.language = language
    session.flush()
    return True
