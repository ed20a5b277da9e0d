"""The same subject's other requests, shown to staff: repeats within 12 months (the Art. 12(5)
"excessive" question) and possible duplicates (the same right, both still open).

Shown only: nothing here refuses, merges or links anything. The subject is recognised by the
normalised e-mail address (lower-cased), within one controller; the expression index
ix_request_subject_email_lower serves both reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, literal, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from dsar.requests.models import OPEN, Request
from dsar.requests.workflow import OPEN_STATUSES, RequestType, Status

# "Within 12 months": the window the case page looks back (and forward) from the request.
REPEAT_WINDOW = timedelta(days=365)


def normalised_email(column: Any = Request.subject_email) -> ColumnElement[str]:
    """SQL: the address as the subject is recognised by (the indexed expression)."""
    return func.lower(column)


@dataclass(frozen=True)
class OtherRequest:
    """One of the subject's other requests, as the case page lists it."""

    request: Request
    possible_duplicate: bool  # the same right, and both still open


def is_possible_duplicate(a_type: RequestType, a_status: Status, b: Request) -> bool:
    """The same right and both open: a second submit, the back button, or a real repeat."""
    return a_type is b.type and a_status.is_open and b.status.is_open


def others_of_subject(session: Session, request: Request) -> list[OtherRequest]:
    """The subject's other requests to the same controller, received (or, unconfirmed, made)
    within 12 months of this one, and, while this one is open, any open one of the same right
    (the queue marks those whatever their age); newest first, one query."""
    if not request.subject_email:
        return []
    at = request.received_at or request.created_at
    when = func.coalesce(Request.received_at, Request.created_at)
    related = [and_(when >= at - REPEAT_WINDOW, when <= at + REPEAT_WINDOW)]
    if request.status.is_open:
        related.append(and_(Request.type == request.type, OPEN))
    rows = session.scalars(
        select(Request)
        .options(joinedload(Request.representation))  # same_subject reads it for each
        .where(
            normalised_email() == func.lower(literal(request.subject_email)),
            Request.controller_id == request.controller_id,
            Request.id != request.id,
            or_(*related),
        )
        .order_by(when.desc(), Request.id.desc())
    ).all()
    return [
        OtherRequest(other, is_possible_duplicate(request.type, request.status, other))
        for other in rows
        if same_subject(request, other)
    ]


def same_subject(a: Request, b: Request) -> bool:
    """Whether two requests from one address are about one person: a representative (a parent
    for two children, a lawyer for clients) asks for several from their own address, so there
    the subject's name must match too (docs/representatives.md)."""
    if a.representation is None and b.representation is None:
        return True
    return a.subject_name.strip().casefold() == b.subject_name.strip().casefold()


def duplicated_rows(session: Session, ids: Iterable[int]) -> set[int]:
    """Those of the open requests `ids` (a queue page) that share subject, right and
    controller with another open request; one query, the address compared as SQL lowers it."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    return set(session.scalars(_TWINS, {"ids": wanted}))


def _twins_statement() -> Select[Any]:
    """Built once: built per page view, the statement took 1.2 ms of the queue's 2.8 ms of
    queries at 100,000 requests on SQLite; built once, 0.3 ms (BENCHMARKS.md, queue)."""
    other = aliased(Request)
    twin = (
        select(other.id)
        .where(
            normalised_email(other.subject_email) == normalised_email(),
            other.type == Request.type,
            other.controller_id == Request.controller_id,
            other.id != Request.id,
            other.status.in_(sorted(OPEN_STATUSES)),
        )
        .exists()
    )
    return select(Request.id).where(Request.id.in_(bindparam("ids", expanding=True)), OPEN, twin)


_TWINS = _twins_statement()
