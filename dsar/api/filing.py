"""Requests filed by a controller's own system on a subject's behalf (the API's POST).

The subject signed in to the controller's account area and asked there: the controller has
verified who they are, and says so with the account's id. That is recorded as the controller's
statement ("identity_verified_by_controller"), not as a staff decision: staff still take the
decision to verify, on this basis. The deadline runs from receipt, which is the call itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from dsar.api.models import ApiKey
from dsar.audit.request_trail import record_event
from dsar.requests.models import Request
from dsar.requests.operations import NewRequest, create_request
from dsar.requests.workflow import Channel, RequestType

IDENTITY_EVENT = "identity_verified_by_controller"


class FilingError(ValueError):
    """The request cannot be filed as given; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Filing:
    type: RequestType
    subject_name: str
    subject_email: str
    language: str
    account_id: str
    description: str = ""


def file_request(session: Session, key: ApiKey, filing: Filing, *, now: datetime) -> Request:
    """Create the request through the one path for every channel; flushes only."""
    controller = key.controller
    if filing.language not in (controller.languages or []):
        raise FilingError(
            "language", f"{controller.name} answers in: {', '.join(controller.languages)}"
        )
    if not filing.subject_name.strip():
        raise FilingError("subject_name", "the data subject's name is needed")
    if not filing.account_id.strip():
        raise FilingError("account_id", "the account the subject signed in to is needed")
    identity = {"verified_by": "controller", "account_id": filing.account_id.strip()}
    created = create_request(
        session,
        NewRequest(
            controller=controller,
            type=filing.type,
            channel=Channel.API,
            language=filing.language,
            subject_name=filing.subject_name.strip(),
            subject_email=filing.subject_email.strip().lower(),
            details={
                "description": filing.description.strip(),
                "identity": identity,
                "filed_by": key.actor,
            },
            received_at=now,
        ),
        actor=key.actor,
        now=now,
    )
    record_event(
        session, created.request, IDENTITY_EVENT, actor=key.actor, now=now, payload=identity
    )
    return created.request
