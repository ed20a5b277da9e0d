"""RFC 9457 problem details: every error the API answers is `application/problem+json`."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import Response
from pydantic import BaseModel, Field

PROBLEM_TYPE = "about:blank"  # RFC 9457 §4.2.1: the status code's meaning is the problem
MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    field: str = Field(description="The invalid field, as a dotted path (`body.subject_email`).")
    message: str


class Problem(BaseModel):
    """The body of every error response (RFC 9457)."""

    type: str = PROBLEM_TYPE
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = Field(
        default=None, description="For 422: each invalid field and what is wrong with it."
    )


class ApiProblem(Exception):
    """Raised by the API's views and checks; answered as problem+json."""

    def __init__(self, status: int, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors

    def response(self) -> Response:
        return problem_response(self.status, self.detail, self.errors)


def problem_response(status: int, detail: str, errors: list[FieldError] | None = None) -> Response:
    """A problem+json response; the title is the status code's phrase."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = Problem(
        title=title, status=status, detail=detail, errors=errors
    ).model_dump(exclude_none=True)
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="dsar"'
    return response


def validation_problem(errors: list[dict[str, Any]]) -> ApiProblem:
    """A 422 from pydantic's error list: one entry per invalid field."""
    fields = [
        FieldError(
            field=".".join(str(part) for part in error.get("loc", ())) or "body",
            message=str(error.get("msg", "invalid")),
        )
        for error in errors
    ]
    names = ", ".join(sorted({f.field for f in fields})) or "body"
    return ApiProblem(422, f"invalid input: {names}", fields)
