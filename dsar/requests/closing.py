"""What must be true before a request's answer is prepared, sent and the request closed.

A request is `completed` only when its final letter reached the subject (the outbox delivered
it, or staff recorded the day it was posted) and, for access and portability, the copy was
made available (a live download link, or posted with the letter): dsar/letters/answer.py.
Each check returns every gap in words staff understand; a refused step names them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.core.words import N_, Said
from dsar.requests.models import Request
from dsar.requests.workflow import RequestType, Status

# The requests whose answer carries a copy of the data (Art. 15(3), Art. 20(1)).
COPY_TYPES = (RequestType.ACCESS, RequestType.PORTABILITY)
# The requests whose final letter says what the search found.
FOUND_TYPES = (RequestType.ACCESS, RequestType.PORTABILITY, RequestType.ERASURE)


class NotReady(Exception):
    """The step is allowed, but what must come first has not happened yet: `sentence`, then
    the `blockers` (each a sentence the staff page can translate, dsar/core/words.py)."""

    def __init__(self, sentence: str, blockers: Sequence[str] = ()) -> None:
        super().__init__(f"{sentence}: {'; '.join(blockers)}" if blockers else sentence)
        self.sentence, self.blockers = sentence, tuple(blockers)


def final_letter_type(request: Request) -> str | None:
    """The letter that answers the request now: its outcome letter, the refusal, or the notice
    that the subject could not be identified."""
    if request.status in (Status.ANSWERING, Status.COMPLETED):
        return request.type.value
    return CLOSING_LETTERS.get(request.status)


# Decisions that close a request before its answer: their letter is the answer.
CLOSING_LETTERS = {Status.REFUSED: "refusal", Status.IDENTITY_FAILED: "identity_failed"}


def completion_blockers(session: Session, request: Request) -> list[str]:
    """What must happen before the answer to the request can be prepared.

    Access, portability and erasure: its data must have been searched in every source (an
    unreachable source or an open manual search blocks: no silently partial answer; the erasure
    letter says what was erased); access and portability need the export too. Rectification:
    a rectification recorded on its page must be done (not planned, approved, partial or
    failed). A restriction or stop dsar is carrying out must have finished. Other rights need
    nothing the system can check; their letter asks staff for its facts.
    """
    from dsar.representatives.gate import representation_blockers

    unverified = representation_blockers(request)
    if unverified:  # nothing is disclosed or answered for an unverified representative (B4)
        return unverified
    if request.type is RequestType.RECTIFICATION:
        from dsar.changes.models import RectificationStatus
        from dsar.changes.rectification_letter import recorded_rectification

        rectification = recorded_rectification(session, request)
        unfinished = rectification is not None and rectification.status in (
            RectificationStatus.PLANNED, RectificationStatus.APPROVED,
            RectificationStatus.PARTIAL, RectificationStatus.FAILED,
        )  # fmt: skip
        if rectification is not None and unfinished:
            see = N_("the rectification is %(state)s: see the request's Rectification page")
            return [Said(see, state=rectification.status.value)]
        return []
    if request.type not in FOUND_TYPES:
        return _change_under_way(session, request)
    from dsar.fulfilment.models import Export
    from dsar.fulfilment.search import completion_blockers as search_blockers

    blockers = search_blockers(session, request)
    if request.type is RequestType.ERASURE:
        from dsar.changes.letter_facts import recorded_erasure
        from dsar.changes.models import ErasureStatus

        erasure = recorded_erasure(session, request)
        if erasure is not None and erasure.status is not ErasureStatus.DONE:
            see = N_("the erasure is %(state)s: see the request's Erasure page")
            blockers.append(Said(see, state=erasure.status.value))
    if request.type not in COPY_TYPES:
        return blockers
    has_export = session.execute(
        select(Export.id).where(Export.request_id == request.id).limit(1)
    ).first()
    if not blockers and has_export is None:
        blockers.append(Said(N_("the export for the subject has not been built yet")))
    return blockers


def copy_blockers(
    session: Session, request: Request, now: datetime, *, copy_posted: bool = False
) -> list[str]:
    """Access and portability: the copy must be available when the answer goes out."""
    if request.type not in COPY_TYPES or copy_posted:
        return []
    from dsar.fulfilment.models import Export

    live = session.execute(
        select(Export.id).where(Export.request_id == request.id, Export.live_at(now)).limit(1)
    ).first()
    if live is None:
        return [
            Said(
                N_(
                    "the copy of the data is not available: build the export so that its "
                    "download link is live, or post the copy with the letter and record that"
                )
            )
        ]
    return []


def _change_under_way(session: Session, request: Request) -> list[str]:
    """A restriction or stop dsar is still carrying out: its letter would wait for it."""
    from dsar.changes.letter_facts import recorded_restriction
    from dsar.changes.models import RestrictionStatus, StopStatus
    from dsar.changes.stop_facts import recorded_stop

    if request.type is RequestType.RESTRICTION:
        restriction = recorded_restriction(session, request)
        if restriction is not None and restriction.status in (
            RestrictionStatus.PLACING,
            RestrictionStatus.PARTIAL,
        ):
            see = N_("the restriction is %(state)s: see the request's Restriction page")
            return [Said(see, state=restriction.status.value)]
    if request.type in (RequestType.CONSENT_WITHDRAWAL, RequestType.OBJECTION):
        stop = recorded_stop(session, request)
        if stop is not None and stop.status in (StopStatus.APPROVED, StopStatus.PARTIAL):
            see = N_("the stop is %(state)s: see the request's Processing page")
            return [Said(see, state=stop.status.value)]
    return []
