"""Art. 19 notices to recipients, drafted where a rectification, erasure or restriction was
recorded, and tracked until the recipient confirms them or staff close them with a reason.

A notice is a `recipient_notice` letter (approved and sent like any letter, or printed and
recorded as posted where the register gives no e-mail address) plus its `RecipientNotice`
row, which holds what the letter cannot: the recipient's confirmation, or why it was closed.
What counts as told stays `dsar.letters.notices.recipients_told`: sent or posted only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.core.words import N_, Said
from dsar.letters.models import Letter, LetterStatus, RecipientNotice
from dsar.letters.operations import LetterError, draft_letter
from dsar.outbox.models import OutboxMessage, OutboxStatus
from dsar.register import Recipient
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of

ACTIONS = ("rectify", "erase", "restrict")


def draft_recipient_notices(
    session: Session,
    request: Request,
    action: str,
    done_on: date,
    recipients: Sequence[Recipient],
    now: datetime,
    *,
    identifier: str = "",
    changes: Mapping[str, str] | None = None,
    actor: str = "system",
) -> list[RecipientNotice]:
    """One drafted notice per recipient of `action` done on `done_on`; a recipient already
    noticed of that action (here, or by a letter staff drafted by hand) is skipped.

    `identifier` (how the recipient finds the subject) and `changes` (recipient id -> what
    changed) fill the letter's texts; staff complete what is left before approving it."""
    if action not in ACTIONS:
        raise LetterError(f"a recipient notice is about {', '.join(ACTIONS)}, not {action!r}")
    noticed = _noticed(session, request, action)
    drafted: list[RecipientNotice] = []
    for recipient in recipients:
        if recipient.id in noticed:
            continue
        noticed.add(recipient.id)
        texts = {"identifier": identifier, "change": (changes or {}).get(recipient.id, "")}
        letter = draft_letter(
            session, request, actor=actor, now=now, letter_type="recipient_notice", texts=texts
        )
        facts = (recipient.id, action, done_on.isoformat())
        letter.details = dict(zip(TRACKED_FACTS, facts, strict=True))
        notice = RecipientNotice(
            request_id=request.id,
            recipient_id=recipient.id,
            action=action,
            done_on=done_on,
            letter=letter,
            created_at=now,
        )
        session.add(notice)
        session.flush()
        payload = {
            "notice": notice.id,
            "letter_id": letter.id,
            "recipient": recipient.id,
            "action": action,
            "by": "e-mail" if recipient.contact else "post",
        }
        record_event(
            session, request, "recipient_notice_drafted", actor=actor, now=now, payload=payload
        )
        drafted.append(notice)
    return drafted


# The facts a tracked notice fixes: staff cannot turn it into a notice of something else.
TRACKED_FACTS = ("recipient", "action", "action_on")


def tracked_facts(session: Session, letter: Letter) -> dict[str, str]:
    """The recipient, action and day of the notice dsar drafted as `letter`; {} for a letter
    that is no tracked notice (staff drafted it by hand and fill these in)."""
    notice = session.execute(
        select(RecipientNotice).where(RecipientNotice.letter_id == letter.id)
    ).scalar_one_or_none()
    if notice is None:
        return {}
    return {
        "recipient": notice.recipient_id,
        "action": notice.action,
        "action_on": notice.done_on.isoformat(),
    }


def _noticed(session: Session, request: Request, action: str) -> set[str]:
    """Recipients with a notice of `action`: tracked, or a letter staff drafted by hand."""
    tracked = session.execute(
        select(RecipientNotice.recipient_id).where(
            RecipientNotice.request_id == request.id, RecipientNotice.action == action
        )
    ).scalars()
    letters = session.execute(
        select(Letter).where(Letter.request_id == request.id, Letter.type == "recipient_notice")
    ).scalars()
    by_hand = {
        (letter.details or {}).get("recipient")
        for letter in letters
        if (letter.details or {}).get("action") == action
    }
    return set(tracked) | {r for r in by_hand if r}


@dataclass(frozen=True)
class NoticeState:
    """Where a notice stands, for the case page: drafted, to post, queued, sent, posted, not
    delivered, confirmed or closed; `on` is that state's day where one is recorded."""

    notice: RecipientNotice
    state: str
    on: date | None


def notices_of(session: Session, request: Request) -> list[NoticeState]:
    """The request's tracked notices in the order they were drafted, each with its state."""
    rows = session.execute(
        select(RecipientNotice, OutboxMessage.status, OutboxMessage.sent_at)
        .join(Letter, RecipientNotice.letter_id == Letter.id)
        .outerjoin(OutboxMessage, OutboxMessage.idempotency_key == Letter.outbox_key_sql())
        .where(RecipientNotice.request_id == request.id)
        .order_by(RecipientNotice.id)
    ).all()
    jurisdiction = jurisdiction_of(request.controller)
    states = []
    for notice, outbox, sent_at in rows:
        letter = notice.letter
        state, on = "drafted", None
        if notice.confirmed_on is not None:
            state, on = "confirmed", notice.confirmed_on
        elif notice.closed_reason:
            state = "closed"
        elif letter.posted_on is not None:
            state, on = "posted", letter.posted_on
        elif outbox is OutboxStatus.SENT and sent_at is not None:
            state, on = "sent", local_date(sent_at, jurisdiction)
        elif outbox is OutboxStatus.FAILED:
            state = "not delivered"
        elif letter.status is LetterStatus.SENT:
            state = "queued"
        elif letter.status is LetterStatus.APPROVED:
            state = "to post"
        states.append(NoticeState(notice, state, on))
    return states


def told(state: NoticeState) -> bool:
    """Whether the notice reached the recipient (sent, posted, or confirmed after either)."""
    letter = state.notice.letter
    return state.state in ("sent", "posted") or (
        state.state == "confirmed" and letter.status is LetterStatus.SENT
    )


def confirm_notice(
    session: Session,
    request: Request,
    state: NoticeState,
    confirmed_on: date,
    *,
    note: str,
    actor: str,
    now: datetime,
) -> RecipientNotice:
    """Record the day the recipient confirmed the notice; only a notice that reached it."""
    notice = state.notice
    if notice.confirmed_on is not None or notice.closed_reason:
        raise LetterError(Said(N_("this notice is settled already")))
    if confirmed_on > local_date(now, jurisdiction_of(request.controller)):
        raise LetterError(Said(N_("the day of the confirmation cannot be in the future")))
    if not told(state):
        raise LetterError(
            Said(N_("the notice has not reached the recipient: send or post it first"))
        )
    notice.confirmed_on, notice.note = confirmed_on, note.strip() or None
    notice.settled_by, notice.settled_at = actor, now
    payload = {"notice": notice.id, "recipient": notice.recipient_id, "on": confirmed_on}
    record_event(
        session, request, "recipient_notice_confirmed", actor=actor, now=now, payload=payload
    )
    return notice


def close_notice(
    session: Session,
    request: Request,
    notice: RecipientNotice,
    *,
    reason: str,
    actor: str,
    now: datetime,
) -> RecipientNotice:
    """Close a notice without the recipient's confirmation, with the reason (e.g. telling it
    proved impossible or would take disproportionate effort, Art. 19)."""
    if notice.confirmed_on is not None or notice.closed_reason:
        raise LetterError(Said(N_("this notice is settled already")))
    if not reason.strip():
        raise LetterError(Said(N_("give the reason the notice is closed without a confirmation")))
    notice.closed_reason = reason.strip()
    notice.settled_by, notice.settled_at = actor, now
    payload = {"notice": notice.id, "recipient": notice.recipient_id, "reason": reason.strip()}
    record_event(session, request, "recipient_notice_closed", actor=actor, now=now, payload=payload)
    return notice
