"""File, list and read requests."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask.typing import ResponseReturnValue
from spectree import Response as Responses

from dsar.api.filing import Filing, FilingError, file_request
from dsar.api.idempotency import IdempotencyConflict, replay_or_none, store_response
from dsar.api.models import Scope
from dsar.api.reading import (
    BadCursor,
    RequestFilter,
    letters_of,
    page_of_requests,
    request_of,
    timeline_of,
)
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.requests.models import Request
from dsar.web.api import bp
from dsar.web.api.auth import api_operation, current_key
from dsar.web.api.problems import ApiProblem, FieldError, Problem
from dsar.web.api.schemas import (
    Deadline,
    IdempotencyHeaders,
    LetterEntry,
    ListQuery,
    NewRequestBody,
    RequestDetail,
    RequestPage,
    RequestSummary,
    TimelineEntry,
)
from dsar.web.api.spec import BEARER, spec, validated

TAGS = ("requests",)
ERRORS = {
    f"HTTP_{status}": Problem for status in (401, 403, 404, 422, 429)
}  # every operation's refusals; 409 where an operation can conflict


def summary(found: Request) -> RequestSummary:
    return RequestSummary(
        reference=found.reference or "",
        right=found.type,
        status=found.status,
        channel=found.channel.value,
        received_at=found.received_at,
        deadline=Deadline(
            due_date=found.due_date,
            extended_due_date=found.extended_due_date,
            extended=found.extended_due_date is not None,
            effective_due_date=found.effective_due_date,
        ),
        closed_at=found.closed_at,
    )


def detail(found: Request) -> RequestDetail:
    session = db.session()
    return RequestDetail(
        **summary(found).model_dump(),
        language=found.language,
        answered_at=found.answered_at,
        timeline=[
            TimelineEntry(action=e.action, at=e.created_at) for e in timeline_of(session, found)
        ],
        letters=[
            LetterEntry(kind=letter.type, state=letter.status.value, sent_at=letter.sent_at)
            for letter in letters_of(session, found)
        ],
    )


def found_or_404(reference: str) -> Request:
    """The calling key's controller's request; 404 alike for a missing or another's."""
    found = request_of(db.session(), current_key().controller_id, reference)
    if found is None:
        raise ApiProblem(404, f"no request {reference[:40]!r} for this controller")
    return found


@bp.post("/requests")
@api_operation(Scope.REQUESTS_WRITE)
@spec.validate(
    json=NewRequestBody,
    headers=IdempotencyHeaders,
    resp=Responses(HTTP_201=RequestDetail, HTTP_409=Problem, **ERRORS),
    tags=TAGS,
    security=BEARER,
)
def file_new_request() -> ResponseReturnValue:
    """File a request on a subject's behalf, from the controller's logged-in account area."""
    body: NewRequestBody = validated().json
    headers: IdempotencyHeaders = validated().headers
    session, key = db.session(), current_key()
    if headers.idempotency_key:
        try:
            stored = replay_or_none(session, key, headers.idempotency_key, request.get_data())
        except IdempotencyConflict as conflict:
            raise ApiProblem(409, str(conflict)) from conflict
        if stored is not None:
            return stored.body, stored.status, {"Idempotent-Replayed": "true"}
    filing = Filing(
        type=body.right,
        subject_name=body.subject_name,
        subject_email=str(body.subject_email),
        language=body.language,
        account_id=body.account_id,
        description=body.description,
    )
    try:
        created = file_request(session, key, filing, now=clock_now())
    except FilingError as error:
        raise ApiProblem(
            422, str(error), [FieldError(field=error.field, message=str(error))]
        ) from error
    answer: dict[str, Any] = detail(created).model_dump(mode="json")
    if headers.idempotency_key:
        try:
            store_response(
                session,
                key,
                headers.idempotency_key,
                request.get_data(),
                201,
                answer,
                now=clock_now(),
            )
        except IdempotencyConflict as conflict:
            raise ApiProblem(409, str(conflict)) from conflict
    location = url_for("api.read_request", reference=created.reference)
    return answer, 201, {"Location": location}


@bp.get("/requests")
@api_operation(Scope.REQUESTS_READ)
@spec.validate(
    query=ListQuery, resp=Responses(HTTP_200=RequestPage, **ERRORS), tags=TAGS, security=BEARER
)
def list_requests() -> ResponseReturnValue:
    """The controller's received requests, oldest first, with filters and an opaque cursor."""
    query: ListQuery = validated().query
    given = RequestFilter(
        status=query.status,
        type=query.right,
        received_since=query.received_since,
        received_until=query.received_until,
    )
    try:
        page = page_of_requests(
            db.session(), current_key().controller_id, given, cursor=query.cursor, limit=query.limit
        )
    except BadCursor as error:
        raise ApiProblem(
            422, str(error), [FieldError(field="cursor", message=str(error))]
        ) from error
    next_url = None
    if page.next_cursor is not None:
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for("api.list_requests", **args, cursor=page.next_cursor, _external=False)
    page_body = RequestPage(items=[summary(r) for r in page.requests], next=next_url)
    return page_body.model_dump(mode="json")


@bp.get("/requests/<reference>")
@api_operation(Scope.REQUESTS_READ)
@spec.validate(resp=Responses(HTTP_200=RequestDetail, **ERRORS), tags=TAGS, security=BEARER)
def read_request(reference: str) -> ResponseReturnValue:
    """One request: its deadline, status, timeline (actions and times) and letters."""
    return detail(found_or_404(reference)).model_dump(mode="json")
