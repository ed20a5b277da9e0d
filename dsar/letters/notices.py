"""Which recipients were told of a request's rectification, erasure or restriction (Art. 19),
and whether the subject was told before a restriction is lifted (Art. 18(3)).

Only what was recorded: a `recipient_notice` letter of the request whose e-mail the outbox
delivered (the day it left) or that staff recorded as posted (that day). A notice drafted,
approved or still queued tells nobody yet.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.letters.facts import RecipientTold
from dsar.letters.models import Letter, LetterStatus
from dsar.outbox.models import OutboxMessage, OutboxStatus
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of


def recipients_told(session: Session, request: Request) -> tuple[RecipientTold, ...]:
    """The register recipients told of this request, each with the first day it reached them."""
    key = Letter.outbox_key_sql()
    rows = session.execute(
        select(Letter, OutboxMessage.sent_at)
        .outerjoin(
            OutboxMessage,
            (OutboxMessage.idempotency_key == key) & (OutboxMessage.status == OutboxStatus.SENT),
        )
        .where(
            Letter.request_id == request.id,
            Letter.type == "recipient_notice",
            Letter.status == LetterStatus.SENT,
        )
        .order_by(Letter.id)
    ).all()
    jurisdiction = jurisdiction_of(request.controller)
    told: dict[str, date] = {}
    for letter, sent_at in rows:
        recipient = (letter.details or {}).get("recipient")
        days = [d for d in (letter.posted_on, sent_at and local_date(sent_at, jurisdiction)) if d]
        if recipient and days:
            told[recipient] = min([*days, told.get(recipient, min(days))])
    return tuple(RecipientTold(r, on) for r, on in told.items())


def lift_notice_sent(session: Session, request: Request) -> date | None:
    """The first day a `restriction_lift` letter reached the subject (Art. 18(3)): the outbox
    delivered it or staff recorded it as posted; approved or queued is not yet sent."""
    key = Letter.outbox_key_sql()
    rows = session.execute(
        select(Letter.posted_on, OutboxMessage.sent_at)
        .outerjoin(
            OutboxMessage,
            (OutboxMessage.idempotency_key == key) & (OutboxMessage.status == OutboxStatus.SENT),
        )
        .where(
            Letter.request_id == request.id,
            Letter.type == "restriction_lift",
            Letter.status == LetterStatus.SENT,
        )
    ).all()
    jurisdiction = jurisdiction_of(request.controller)
    days = [
        day
        for posted_on, sent_at in rows
        for day in (posted_on, sent_at and local_date(sent_at, jurisdiction))
        if day
    ]
    return min(days, default=None)
