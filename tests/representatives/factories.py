"""A request made by a representative: a parent for a child, with a proof of authority."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from dsar.controllers.models import Controller
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.representatives.models import Relationship
from dsar.representatives.operations import NewRepresentation
from dsar.requests.models import Request
from dsar.requests.operations import NewFile, NewRequest, create_request
from dsar.requests.workflow import Channel, RequestType

PARENT = NewRepresentation(
    name="Anna Berger",
    email="anna@example.org",
    relation=Relationship.PARENT,
    subject_email="mia@example.org",
)


def make_represented(
    app: Flask, session: Session, controller: Controller, now: datetime, **fields: Any
) -> Request:
    """A received access request by Anna Berger for her child Mia, a birth certificate attached."""
    values: dict[str, Any] = {
        "controller": controller,
        "type": RequestType.ACCESS,
        "channel": Channel.WEB,
        "language": "en",
        "subject_name": "Mia Berger",
        "subject_email": "anna@example.org",  # the representative: the contact
        "details": {},
        "received_at": now,
        "representation": PARENT,
    }
    values.update(fields)
    proof = NewFile("birth.pdf", "application/pdf", b"%PDF-1.4 birth", FilePurpose.AUTHORITY_PROOF)
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    created = create_request(
        session, NewRequest(**values), actor="representative", now=now, files=[proof], store=store
    )
    return created.request
