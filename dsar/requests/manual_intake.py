"""Requests that reached the controller by e-mail, letter or phone, recorded by staff.

The deadline counts from the real time of receipt (D2), which staff enter in the controller's
local time; the original letter or e-mail is kept encrypted beside the request.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.audit.request_trail import record_event
from dsar.controllers.models import Controller
from dsar.core.words import N_
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.representatives.operations import NewRepresentation
from dsar.requests.models import Request
from dsar.requests.operations import NewFile, NewRequest, create_request
from dsar.requests.workflow import Channel, RequestType

MANUAL_CHANNELS = (Channel.EMAIL, Channel.POST, Channel.PHONE)


@dataclass(frozen=True)
class Original:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ManualRequest:
    controller: Controller
    type: RequestType
    channel: Channel
    language: str
    subject_name: str
    subject_email: str | None
    subject_address: str | None
    subject_phone: str | None
    description: str
    received_local: datetime  # naive: a wall-clock time in the controller's timezone
    salutation: str | None = None  # "ms" or "mr": how letters greet the subject
    # Asked on the subject's behalf: the representative is the contact (docs/representatives.md);
    # subject_email and subject_address above are then the subject's own, kept as claims.
    representation: NewRepresentation | None = None
    representative_address: str | None = None
    proof: Original | None = None  # the proof of authority, when it came apart from the original


def receipt_instant(received_local: datetime, timezone: str) -> datetime:
    """The UTC instant of a local wall-clock time (an ambiguous autumn hour reads as the first)."""
    if received_local.tzinfo is not None:
        return received_local.astimezone(UTC)
    return received_local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def record_manual_request(
    session: Session,
    new: ManualRequest,
    original: Original | None,
    *,
    user: StaffUser,
    store: FileStore,
    now: datetime,
) -> Request:
    """Create the request with its time of receipt and attach the original; flushes only."""
    if new.channel not in MANUAL_CHANNELS:
        raise ValueError(N_("manual requests come by e-mail, letter or phone"))
    if not user.may_work_for(new.controller.id):
        raise ValueError(N_("you do not work for this controller"))
    received_at = receipt_instant(new.received_local, new.controller.timezone)
    if received_at > now:
        raise ValueError(N_("the time of receipt is in the future"))
    if not new.subject_name.strip():
        raise ValueError(N_("the data subject's name is needed"))
    if original is None and new.channel is not Channel.PHONE:
        raise ValueError(N_("attach the original e-mail or a scan of the letter"))
    files: list[NewFile] = []
    if original is not None:
        files.append(
            NewFile(
                filename=original.filename or "original",
                content_type=original.content_type or "application/octet-stream",
                data=original.data,
                purpose=FilePurpose.ORIGINAL_REQUEST,
            )
        )
    if new.proof is not None:
        files.append(
            NewFile(
                filename=new.proof.filename or "proof",
                content_type=new.proof.content_type or "application/octet-stream",
                data=new.proof.data,
                purpose=FilePurpose.AUTHORITY_PROOF,
            )
        )
    email, address = new.subject_email, new.subject_address
    representation = new.representation
    if representation is not None:  # the contact is the representative; the subject's a claim
        email, address = representation.email, new.representative_address
        representation = replace(
            representation,
            subject_email=(new.subject_email or "").strip().lower() or None,
            subject_address=(new.subject_address or "").strip() or None,
        )
    created = create_request(
        session,
        NewRequest(
            controller=new.controller,
            type=new.type,
            channel=new.channel,
            language=new.language,
            subject_name=new.subject_name.strip(),
            subject_email=(email or "").strip().lower() or None,
            subject_address=(address or "").strip() or None,
            subject_phone=(new.subject_phone or "").strip() or None,
            details={
                "description": new.description.strip(),
                "recorded_by": user.email,
                **({"salutation": new.salutation} if new.salutation else {}),
            },
            received_at=received_at,
            representation=representation,
        ),
        actor=user.email,
        now=now,
        files=files,
        store=store,
    )
    for stored in created.files:
        if stored.purpose is not FilePurpose.ORIGINAL_REQUEST:
            continue  # the proof is named by the representation's own event
        record_event(
            session,
            created.request,
            "original_attached",
            actor=user.email,
            now=now,
            payload={"file_id": stored.id, "filename": stored.filename, "sha256": stored.sha256},
        )
    return created.request
