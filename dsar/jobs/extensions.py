"""Extensions whose notice never reached the subject in time lapse (Art. 12(3)).

An extension takes effect only if the subject is told, with the reasons, within the first
month. Once a request's first due date has passed without its extension letter sent (queued
as e-mail) or posted on or before that day, the extension is taken back: the request counts
against its first due date again, and the queue, reminders and escalation show it overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.letters.models import Letter, LetterStatus
from dsar.requests.deadlines.legal_calendar import date_in
from dsar.requests.deadlines.operations import lapse_extension
from dsar.requests.deadlines.today import today_of
from dsar.requests.models import Request
from dsar.requests.workflow import Status

RUNNING = tuple(s for s in Status if s.clock_running)


@dataclass
class ExtensionLapseResult:
    lapsed: int = 0


def lapse_untold_extensions(
    session: Session, settings: Settings, now: datetime
) -> ExtensionLapseResult:
    """Take back each extension whose notice did not go out by the first due date."""
    result = ExtensionLapseResult()
    extended = session.execute(
        select(Request).where(
            Request.status.in_(RUNNING),  # a closed request's clock is over: nothing lapses
            Request.extended_due_date.is_not(None),
            Request.due_date <= now.date(),
        )
    ).scalars()
    for request in extended:
        assert request.due_date is not None
        if today_of(request.controller, now) <= request.due_date or _told_in_time(session, request):
            continue
        lapse_extension(session, request, now=now)
        result.lapsed += 1
    return result


def _told_in_time(session: Session, request: Request) -> bool:
    """Whether an extension letter was queued as e-mail or posted on or before the due date."""
    assert request.due_date is not None
    letters = session.execute(
        select(Letter.sent_at, Letter.posted_on).where(
            Letter.request_id == request.id,
            Letter.type == "extension",
            Letter.status == LetterStatus.SENT,
        )
    ).all()
    timezone = request.controller.timezone
    for sent_at, posted_on in letters:
        told_on = posted_on or (sent_at and date_in(sent_at, timezone))
        if told_on is not None and told_on <= request.due_date:
            return True
    return False
