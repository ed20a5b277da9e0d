"""The API's request and response bodies: pydantic models the OpenAPI document is made from."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field
from spectree.model_adapter.pydantic_adapter import BaseFile

from dsar.api.reading import CURSOR_PATTERN
from dsar.core.i18n import LANGUAGES
from dsar.fulfilment.models import ManualOutcome
from dsar.requests.workflow import RequestType, Status

NOT_BLANK = r"\S"  # more than white space
Language = Literal[LANGUAGES]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewRequestBody(Strict):
    right: RequestType = Field(description="The right the subject exercises.")
    subject_name: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    subject_email: EmailStr = Field(max_length=320)
    language: Language = Field(description="One of the controller's languages.")
    account_id: str = Field(
        min_length=1,
        max_length=200,
        pattern=NOT_BLANK,
        description="The subject's account in the controller's system, where they signed in.",
    )
    description: str = Field(default="", max_length=5000)


class IdempotencyHeaders(BaseModel):
    idempotency_key: str | None = Field(
        default=None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="The same key and body again answer the first response; files nothing twice.",
    )


def _iso_day(value: object) -> object:
    """A day as YYYY-MM-DD only: pydantic would also read "1.5" as seconds since 1970."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("give a day as YYYY-MM-DD")
    return value


IsoDay = Annotated[date, BeforeValidator(_iso_day)]


class ListQuery(Strict):
    status: Status | None = None
    right: RequestType | None = None
    received_since: IsoDay | None = Field(default=None, description="Received on or after (UTC).")
    received_until: IsoDay | None = Field(default=None, description="Received on or before (UTC).")
    cursor: str | None = Field(
        default=None, pattern=CURSOR_PATTERN, description="From `next`: where the page starts."
    )
    limit: int = Field(default=50, ge=1, le=100)


class Deadline(BaseModel):
    due_date: date | None
    extended_due_date: date | None
    extended: bool
    effective_due_date: date | None


class TimelineEntry(BaseModel):
    action: str
    at: datetime


class LetterEntry(BaseModel):
    kind: str
    state: str
    sent_at: datetime | None


class RequestSummary(BaseModel):
    reference: str
    right: RequestType
    status: Status
    channel: str
    received_at: datetime | None
    deadline: Deadline
    closed_at: datetime | None


class RequestDetail(RequestSummary):
    language: str
    answered_at: datetime | None
    timeline: list[TimelineEntry]
    letters: list[LetterEntry]


class RequestPage(BaseModel):
    items: list[RequestSummary]
    next: str | None = Field(description="The URL of the next page; null on the last.")


class NoteBody(Strict):
    text: str = Field(min_length=1, max_length=5000, pattern=NOT_BLANK)


class Recorded(BaseModel):
    reference: str
    action: str
    at: datetime


class DocumentForm(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    file: BaseFile = Field(description="The document (PDF, image, e-mail), as a multipart part.")
    description: str = Field(default="", max_length=500)


class FindingEntry(Strict):
    category: str = Field(min_length=1, max_length=64)
    description: str = Field(min_length=1, max_length=500, pattern=NOT_BLANK)
    rows: list[dict[str, str]] = Field(min_length=1, max_length=1000)


class FindingsBody(Strict):
    outcome: ManualOutcome = Field(description="`nothing_found` is an explicit answer.")
    entries: list[FindingEntry] = Field(
        default_factory=list, max_length=100, description="What the source holds (for `found`)."
    )
    note: str = Field(
        min_length=1,
        max_length=2000,
        pattern=NOT_BLANK,
        description="What was searched: the note is the evidence.",
    )


class FindingsRecorded(BaseModel):
    reference: str
    source: str
    outcome: ManualOutcome
    entries: int
