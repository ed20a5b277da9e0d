"""What the API reads: one controller's requests page by page, and one request's record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.letters.models import Letter
from dsar.requests.models import Request, RequestEvent
from dsar.requests.workflow import RequestType, Status

MAX_LIMIT = 100


class BadCursor(ValueError):
    """The cursor was not one this API gave out."""


@dataclass(frozen=True)
class RequestFilter:
    status: Status | None = None
    type: RequestType | None = None
    received_since: date | None = None  # inclusive, UTC day
    received_until: date | None = None  # inclusive, UTC day


@dataclass(frozen=True)
class Page:
    requests: list[Request]
    next_cursor: str | None


CURSOR_PATTERN = "^[0-9a-z]{1,12}$"  # any such string is a cursor: the API's schema says so
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def encode_cursor(request_id: int) -> str:
    """The position after `request_id`, opaque to clients (base 36)."""
    text = ""
    while True:
        request_id, digit = divmod(request_id, 36)
        text = _DIGITS[digit] + text
        if not request_id:
            return text


def decode_cursor(cursor: str) -> int:
    if not re.fullmatch(CURSOR_PATTERN, cursor):
        raise BadCursor("the cursor is not valid")
    return int(cursor, 36)


def page_of_requests(
    session: Session, controller_id: int, given: RequestFilter, *, cursor: str | None, limit: int
) -> Page:
    """Received requests of the controller in the order they were created, `limit` at a time."""
    limit = max(1, min(limit, MAX_LIMIT))
    query = (
        select(Request)
        .where(Request.controller_id == controller_id, Request.reference.is_not(None))
        .order_by(Request.id)
        .limit(limit + 1)
    )
    if cursor:
        query = query.where(Request.id > decode_cursor(cursor))
    if given.status is not None:
        query = query.where(Request.status == given.status)
    if given.type is not None:
        query = query.where(Request.type == given.type)
    if given.received_since is not None:
        query = query.where(Request.received_at >= _utc(given.received_since))
    if given.received_until is not None:
        query = query.where(Request.received_at < _utc(given.received_until, next_day=True))
    rows = list(session.execute(query).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1].id) if more else None)


def _utc(day: date, *, next_day: bool = False) -> datetime:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start + timedelta(days=1) if next_day else start


def request_of(session: Session, controller_id: int, reference: str) -> Request | None:
    """The controller's request with this reference; None for another controller's too."""
    return session.scalar(
        select(Request).where(
            Request.reference == reference.strip().upper(), Request.controller_id == controller_id
        )
    )


def timeline_of(session: Session, request: Request) -> list[RequestEvent]:
    return list(
        session.execute(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.seq)
        ).scalars()
    )


def letters_of(session: Session, request: Request) -> list[Letter]:
    return list(
        session.execute(
            select(Letter).where(Letter.request_id == request.id).order_by(Letter.id)
        ).scalars()
    )
