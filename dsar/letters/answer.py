"""Answering a request: approve and send its final letter in one step, record a posted letter,
and close the request once the answer reached the subject.

The outbox knows nothing of requests: the dispatch job's run calls `close_delivered_answers`
after sending, which closes the requests whose final letter's message is now sent. A printed
letter closes its request when staff record the day it was posted. The day the answer went
out is `request.answered_at`, the date every figure uses (docs/staff.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.core.words import N_, Said
from dsar.files.storage import FileStore
from dsar.letters.models import Letter, LetterStatus
from dsar.letters.operations import LetterError, approve_letter, send_letter
from dsar.outbox.models import OutboxMessage, OutboxStatus
from dsar.register import Register
from dsar.requests.closing import (
    CLOSING_LETTERS,
    NotReady,
    completion_blockers,
    copy_blockers,
    final_letter_type,
)
from dsar.requests.deadlines.legal_calendar import date_in
from dsar.requests.models import Request
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, Status
from dsar.suppression.marketing import stop_marketing

# The statuses in which a final letter still waits to reach the subject.
AWAITING_ANSWER = (Status.ANSWERING, *CLOSING_LETTERS)


def is_final(letter: Letter) -> bool:
    """Whether the letter is the request's answer (its outcome letter, or the refusal)."""
    return letter.type == final_letter_type(letter.request)


def answer_blockers(
    session: Session, letter: Letter, now: datetime, *, copy_posted: bool = False
) -> list[str]:
    """What stops the letter from going out now: an outcome letter goes out only as the
    prepared answer, and for access and portability only with the copy available."""
    request = letter.request
    due = request.due_date
    if letter.type == "extension" and due and date_in(now, request.controller.timezone) > due:
        too_late = N_(
            "an extension takes effect only if the subject is told by %(day)s (Art. 12(3)); "
            "that day has passed, so the request is due on it: answer it"
        )
        return [Said(too_late, day=due)]
    if letter.type == request.type.value and request.status not in (
        Status.ANSWERING,
        Status.COMPLETED,
    ):
        first = N_("prepare the answer on the request's page first: it checks what is missing")
        return [Said(first)]
    if not is_final(letter) or request.status is not Status.ANSWERING:
        return []
    return copy_blockers(session, request, now, copy_posted=copy_posted)


def approve_and_send(
    session: Session,
    letter: Letter,
    *,
    register: Register,
    store: FileStore,
    actor: str,
    now: datetime,
    clock_policy: str = "edpb",
    suppression_salt: str,
) -> Letter:
    """Approve (freeze) and, with an e-mail address, queue the letter: one step for the DPO.

    Without an address the approved letter waits to be printed and recorded as posted.
    IncompleteLetter, LetterError or NotReady refuse it before anything changes (the caller
    rolls back). An objection that stopped direct marketing first puts the subject on the
    marketing suppression list, which the letter then states (Art. 21(3)).
    """
    blockers = answer_blockers(session, letter, now)
    by_email = letter.recipient if letter.frozen else letter.request.subject_email
    copy_may_follow = not by_email and letter.request.status is Status.ANSWERING
    if blockers and not copy_may_follow:  # a printed letter may carry the copy: see posting
        raise NotReady(Said(N_("the answer cannot go out yet")), blockers)
    if letter.status is LetterStatus.DRAFT:
        if suppression_salt:
            stop_marketing(session, letter, register, salt=suppression_salt, now=now, actor=actor)
        approve_letter(
            session,
            letter,
            register=register,
            store=store,
            actor=actor,
            now=now,
            clock_policy=clock_policy,
        )
    if letter.recipient:
        send_letter(session, letter, actor=actor, now=now)
    return letter


def mark_posted(
    session: Session,
    letter: Letter,
    posted_on: date,
    *,
    actor: str,
    now: datetime,
    copy_posted: bool = False,
) -> Letter:
    """Record that the approved letter (or one whose e-mail could not be delivered) was printed
    and posted on `posted_on`; a final letter answers its request with that date."""
    failed = delivery_of(session, letter) is OutboxStatus.FAILED
    if letter.status is not LetterStatus.APPROVED and not failed:
        only = N_(
            "letter %(id)s is %(state)s: only an approved letter, or one whose e-mail could not "
            "be delivered, is recorded as posted"
        )
        raise LetterError(Said(only, id=letter.id, state=letter.status.value))
    request = letter.request
    timezone = ZoneInfo(request.controller.timezone)
    if posted_on > now.astimezone(timezone).date():
        raise LetterError(Said(N_("the day it was posted cannot be in the future")))
    if letter.approved_at and posted_on < letter.approved_at.astimezone(timezone).date():
        raise LetterError(
            Said(N_("the day it was posted cannot be before the letter was approved"))
        )
    due = request.due_date
    if letter.type == "extension" and due is not None and posted_on > due:
        late = N_(
            "an extension posted after %(day)s does not take effect (Art. 12(3)): it had to be "
            "posted by then"
        )
        raise LetterError(Said(late, day=due))
    blockers = answer_blockers(session, letter, now, copy_posted=copy_posted)
    if blockers:
        raise NotReady(Said(N_("the answer cannot be recorded as posted")), blockers)
    # Noon of that day stands for the posting, or now when that is earlier (posted today).
    posted_at = min(datetime.combine(posted_on, time(12), timezone).astimezone(UTC), now)
    if letter.status is LetterStatus.APPROVED:
        letter.status, letter.sent_at = LetterStatus.SENT, posted_at
    letter.posted_on, letter.updated_at = posted_on, now
    session.flush()
    record_event(
        session,
        request,
        "letter_posted",
        actor=actor,
        now=now,
        payload={"letter_id": letter.id, "posted_on": posted_on, "copy_posted": copy_posted},
    )
    if is_final(letter):
        record_answer(session, request, letter, posted_at, actor=actor, now=now)
    return letter


def delivery_of(session: Session, letter: Letter) -> OutboxStatus | None:
    """The outbox status of the letter's e-mail; None if it was never queued."""
    return session.execute(
        select(OutboxMessage.status).where(OutboxMessage.idempotency_key == letter.outbox_key)
    ).scalar()


def record_answer(
    session: Session,
    request: Request,
    letter: Letter,
    answered_at: datetime,
    *,
    actor: str,
    now: datetime,
) -> None:
    """The final letter reached the subject: store the answer date, close a request that was
    waiting for it (a refused request is closed already)."""
    if request.answered_at is not None:
        return
    request.answered_at = answered_at
    payload = {"letter_id": letter.id, "answered_at": answered_at.isoformat()}
    if request.status is Status.ANSWERING:
        apply_action(session, request, Action.COMPLETE, actor=actor, now=now, payload=payload)
    else:
        request.updated_at = now
        record_event(session, request, "answered", actor=actor, now=now, payload=payload)


def close_delivered_answers(session: Session, now: datetime) -> int:
    """Close the requests whose final letter the outbox has delivered; returns how many.

    A copy that is no longer available (the export's link ended or expired before the letter
    left) keeps the request open: its case page names what is missing.
    """
    key = Letter.outbox_key_sql()
    rows = session.execute(
        select(Letter, OutboxMessage.sent_at)
        .join(Request, Letter.request_id == Request.id)
        .join(OutboxMessage, OutboxMessage.idempotency_key == key)
        .where(
            Letter.status == LetterStatus.SENT,
            Request.answered_at.is_(None),
            Request.status.in_(AWAITING_ANSWER),
            OutboxMessage.status == OutboxStatus.SENT,
            # A refusal (or identity notice) answers only if it went out after the decision.
            Request.status.not_in(CLOSING_LETTERS) | (Letter.sent_at >= Request.closed_at),
        )
        .order_by(Letter.id)
    ).all()
    closed = 0
    for letter, sent_at in rows:
        if sent_at is None or not is_final(letter) or letter.request.answered_at is not None:
            continue
        if answer_blockers(session, letter, sent_at):
            continue
        record_answer(session, letter.request, letter, sent_at, actor="system", now=now)
        closed += 1
    session.flush()
    return closed


@dataclass(frozen=True)
class AnswerState:
    """Where the request's answer stands, for the case page."""

    letter: Letter | None  # the newest final letter, if drafted
    missing: tuple[str, ...]  # what stops the answer from being prepared or sent now
    waiting_for_delivery: bool  # sent to the outbox; the request closes once delivered
    delivery_failed: bool = False  # the outbox gave up: print, post and record the day
    answered_on: date | None = None  # the answer date in the controller's local date
    days_late: int | None = None  # after the (extended) due date; 0 or less: in time


def answer_state(session: Session, request: Request, now: datetime) -> AnswerState:
    """The final letter, what is still missing, and whether it waits for the outbox."""
    final_type = final_letter_type(request)
    letter_type = final_type or request.type.value
    letter = None  # before the answer is prepared no letter is the answer: nothing to read
    if final_type is not None:
        letter = session.execute(
            select(Letter)
            .where(Letter.request_id == request.id, Letter.type == letter_type)
            .order_by(Letter.id.desc())
            .limit(1)
        ).scalar()
    missing: list[str] = []
    if request.status is Status.IN_PROGRESS:
        missing = completion_blockers(session, request)
    elif request.status is Status.ANSWERING:
        if letter is None:
            draft = N_("the letter (%(kind)s): draft it on the Letters page")
            missing = [Said(draft, kind=letter_type)]
        elif letter.status is not LetterStatus.SENT:
            missing = copy_blockers(session, request, now)
    waiting = (
        letter is not None
        and letter.status is LetterStatus.SENT
        and request.answered_at is None
        and request.status in AWAITING_ANSWER
    )
    failed = waiting and letter is not None and delivery_of(session, letter) is OutboxStatus.FAILED
    answered_on = days_late = None
    if request.answered_at is not None:
        answered_on = date_in(request.answered_at, request.controller.timezone)
        due = request.effective_due_date
        days_late = (answered_on - due).days if due else None
    return AnswerState(letter, tuple(missing), waiting, failed, answered_on, days_late)
