"""What a request still needs, step by step, from what was recorded: the case page's checklist.

Each step is done or not by a record (the identity decision, the search run, the export, the
erasure, rectification, restriction or stop carried out, the answer prepared, the final letter
sent, the answer delivered), never by a button someone pressed. `key` names the step and
`where` the page that does it; the web layer turns them into words (in the page's language) and
a link.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.register import Register
from dsar.requests.closing import COPY_TYPES, FOUND_TYPES
from dsar.requests.models import Request
from dsar.requests.workflow import RequestType, Status

ANSWERED = (Status.ANSWERING, Status.COMPLETED)


@dataclass(frozen=True)
class Step:
    # representative | authority | identity | search | copy | erasure | rectification |
    # restriction | stop | objection | prepared | sent | delivered
    key: str
    done: bool
    # representation | decisions | data | erasure | rectification | restriction | processing |
    # letters
    where: str
    by_hand: bool = False  # carried out by hand: the letter records it


def checklist(session: Session, request: Request, register: Register) -> list[Step]:
    """The steps of this request's right in order, each done or not as the records say.

    A refused request or one whose subject could not be identified is answered by its letter:
    only the letter steps are left. A merged request needs none: the other answer is its own."""
    if request.status is Status.MERGED:
        return []
    if request.status in (Status.REFUSED, Status.IDENTITY_FAILED):
        return _answer(session, request, prepared=True)
    from dsar.fulfilment.search import identity_settled

    steps = _representation(request) + [Step("identity", identity_settled(request), "decisions")]
    if request.type in FOUND_TYPES:
        from dsar.fulfilment.search import completion_blockers as search_blockers

        steps.append(Step("search", not search_blockers(session, request), "data"))
    if request.type in COPY_TYPES:
        steps.append(Step("copy", _exported(session, request), "data"))
    answer = _answer(session, request, prepared=request.status in ANSWERED)
    carried = _carried_out(session, request, register, letter_sent=answer[1].done)
    if carried is not None:
        steps.append(carried)
    return steps + answer


def _representation(request: Request) -> list[Step]:
    """Asked on someone else's behalf: the two checks come first (docs/legal-rules.md B4)."""
    representation = request.representation
    if representation is None:
        return []
    from dsar.representatives.models import Check

    return [
        Step("representative", representation.identity is Check.VERIFIED, "representation"),
        Step("authority", representation.authority is Check.VERIFIED, "representation"),
    ]


def _exported(session: Session, request: Request) -> bool:
    from dsar.fulfilment.models import Export

    found = select(Export.id).where(Export.request_id == request.id).limit(1)
    return session.execute(found).first() is not None


def _carried_out(
    session: Session, request: Request, register: Register, *, letter_sent: bool
) -> Step | None:
    """The right carried out on the data, as its record says; where dsar cannot write for
    this right, the letter records what staff did by hand (its day is one of the letter's
    facts), so the step is done when that letter went out."""
    from dsar.changes import letter_facts, rectification_letter, stop_facts
    from dsar.changes.models import (
        ErasureStatus,
        RectificationStatus,
        RestrictionStatus,
        StopStatus,
    )

    kind = request.type
    if kind is RequestType.ERASURE:
        erasure = letter_facts.recorded_erasure(session, request)
        done = erasure is not None and erasure.status is ErasureStatus.DONE
        return _step("erasure", done, "erasure", register.erased_by_dsar, letter_sent)
    if kind is RequestType.RECTIFICATION:
        rectification = rectification_letter.recorded_rectification(session, request)
        done = rectification is not None and rectification.status is RectificationStatus.DONE
        by_dsar = register.erased_by_dsar
        return _step("rectification", done, "rectification", by_dsar, letter_sent)
    if kind is RequestType.RESTRICTION:
        restriction = letter_facts.recorded_restriction(session, request)
        done = restriction is not None and restriction.status not in (
            RestrictionStatus.PLACING,
            RestrictionStatus.PARTIAL,
        )
        by_dsar = register.restricted_by_dsar
        return _step("restriction", done, "restriction", by_dsar, letter_sent)
    if kind in (RequestType.CONSENT_WITHDRAWAL, RequestType.OBJECTION):
        stop = stop_facts.recorded_stop(session, request)
        done = stop is not None and stop.status in (StopStatus.DONE, StopStatus.CONTINUED)
        key = "stop" if kind is RequestType.CONSENT_WITHDRAWAL else "objection"
        return _step(key, done, "processing", register.stopped_by_dsar, letter_sent)
    return None


def _step(key: str, done: bool, where: str, by_dsar: bool, letter_sent: bool) -> Step:
    if by_dsar:
        return Step(key, done, where)
    return Step(key, letter_sent, "letters", by_hand=True)


def _answer(session: Session, request: Request, *, prepared: bool) -> list[Step]:
    from dsar.letters.models import Letter, LetterStatus
    from dsar.requests.closing import final_letter_type

    final = final_letter_type(request)
    sent = (
        final is not None
        and session.execute(
            select(Letter.id)
            .where(
                Letter.request_id == request.id,
                Letter.type == final,
                Letter.status == LetterStatus.SENT,
            )
            .limit(1)
        ).first()
        is not None
    )
    return [
        Step("prepared", prepared, "decisions"),
        Step("sent", sent, "letters"),
        Step("delivered", request.answered_at is not None, "letters"),
    ]
