"""The access matrix's world: a request with real rows behind every id a route takes, staff of
each role, a staff member of another controller, a deactivated account, and API keys of each
kind (revoked, one per scope, another controller's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from dsar.accounts.models import Role, StaffUser
from dsar.api.keys import NewKey, create_key
from dsar.api.models import Scope
from dsar.controllers.models import Controller
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore, file_key
from dsar.fulfilment.manual_tasks import open_manual_task
from dsar.intake.links import make_confirmation_token
from dsar.letters.operations import draft_letter
from dsar.outbox.models import OutboxStatus, WebhookDelivery
from dsar.outbox.webhook_queue import enqueue_webhook
from dsar.register import find_register
from dsar.register.datasources import ManualSource
from dsar.requests.models import Request
from dsar.requests.operations import NewFile, NewRequest, create_request
from dsar.requests.saved_views import save_view
from dsar.requests.workflow import Channel, RequestType
from dsar.webhooks.endpoints import add_endpoint
from tests.factories import make_staff
from tests.fulfilment.conftest import make_export

# Roles as the matrix names them: each staff role, and three more kinds of visitor.
ANONYMOUS, OTHER_CONTROLLER, DEACTIVATED = "anonymous", "other_controller", "deactivated"
# API keys as visitors: no cookie, `Authorization: Bearer <key>`. One key per scope of the
# world's controller, a revoked key with every scope and another controller's with every scope.
KEY_REVOKED, KEY_OTHER = "key_revoked", "key_other_controller"
KEY_FOR = {scope: f"key_{scope.value.replace(':', '_')}" for scope in Scope}
API_KEYS = (KEY_REVOKED, *KEY_FOR.values(), KEY_OTHER)
ROLES = (ANONYMOUS, Role.AGENT.value, Role.DPO.value, Role.ADMIN.value, OTHER_CONTROLLER,
         DEACTIVATED, *API_KEYS)  # fmt: skip


@dataclass
class World:
    request: Request
    staff: dict[str, StaffUser]
    ids: dict[str, Any] = field(default_factory=dict)  # url argument -> a real value
    keys: dict[str, str] = field(default_factory=dict)  # key visitor -> its secret


def build_world(app: Flask, session: Session, controller: Controller, now: datetime) -> World:
    """Rows for every id the routes take that a fixture can make; the others stay unknown."""
    settings = app.config["DSAR_SETTINGS"]
    other = Controller(slug="aaa", name="Aaa AG", country="AT", timezone="Europe/Vienna",
                       languages=["de", "en"], loaded_at=now)  # fmt: skip
    session.add(other)
    staff = {
        Role.AGENT.value: make_staff(session, now, email="alex@example.org", role=Role.AGENT),
        Role.DPO.value: make_staff(session, now, email="dana@example.org", role=Role.DPO),
        Role.ADMIN.value: make_staff(session, now, email="ada@example.org", role=Role.ADMIN),
        OTHER_CONTROLLER: make_staff(session, now, email="otto@example.org", role=Role.DPO),
        DEACTIVATED: make_staff(session, now, email="dora@example.org", role=Role.DPO),
    }
    staff[OTHER_CONTROLLER].controllers = [other]
    new = NewRequest(
        controller=controller,
        type=RequestType.ACCESS,
        channel=Channel.EMAIL,
        language="en",
        subject_name="Zoë Schmidt",
        subject_email="zoe@example.org",
        details={},
        received_at=now,
    )
    document = NewFile("id.png", "image/png", b"\x89PNG\r\n\x1a\n", FilePurpose.IDENTITY_DOCUMENT)
    created = create_request(session, new, actor="test", now=now, files=[document],
                             store=FileStore.from_settings(settings))  # fmt: skip
    request = created.request
    request.assignee = staff[Role.AGENT.value]
    session.flush()
    letter = draft_letter(session, request, actor="test", now=now, letter_type="acknowledgement")
    view = save_view(session, staff[Role.AGENT.value], "Mine", {"status": "all"}, now=now)
    export, download_token = make_export(app, session, request, now)
    ids: dict[str, Any] = {
        "slug": controller.slug,
        "request_id": request.id,
        "file_id": created.files[0].id,
        "letter_id": letter.id,
        "user_id": staff[Role.AGENT.value].id,
        "view_id": view.id,
        "export_id": export.id,
        "download_token": download_token,
        "token": created.status_token,
        # the confirmation link's token (the request came by e-mail: nothing left to confirm)
        "confirm_token": make_confirmation_token(settings.secret_key, request.reference or "", now),
        "right": "access",
        "filename": "dsar.css",
    }
    source = find_register(app.extensions["dsar.registers"], controller.slug).source("accounting")
    assert isinstance(source, ManualSource)
    open_manual_task(session, request, source, language="en", now=now)  # for the API's findings
    keys = _api_keys(session, controller, other, now)
    ids |= _webhooks(session, controller, request, file_key(settings), now)
    ids |= {"reference": request.reference, "source": "accounting", "key_id": keys.pop("id")}
    ids["mail_id"] = _inbound_draft(session, controller, FileStore.from_settings(settings), now)
    staff[DEACTIVATED].active = False  # its session cookie, made as at sign-in, outlives it
    session.commit()
    return World(request, staff, ids, keys)


def _api_keys(
    session: Session, ours: Controller, other: Controller, now: datetime
) -> dict[str, Any]:
    """A secret for each key visitor, and "id": a live key's id (for the staff revoke route)."""
    every = [scope.value for scope in Scope]

    def make(controller: Controller, scopes: list[str]) -> NewKey:
        return create_key(session, controller, name="shop", scopes=scopes, actor="t", now=now)

    made = {visitor: make(ours, [scope.value]) for scope, visitor in KEY_FOR.items()}
    made[KEY_OTHER] = make(other, every)
    made[KEY_REVOKED] = make(ours, every)
    made[KEY_REVOKED].key.revoked_at = now
    return {visitor: new.secret for visitor, new in made.items()} | {
        "id": made[KEY_FOR[Scope.REQUESTS_READ]].key.id
    }


def _webhooks(
    session: Session, controller: Controller, request: Request, key: bytes, now: datetime
) -> dict[str, int]:
    """Two endpoints: one to remove ("endpoint_id"), one with a dead letter ("delivery_id")."""

    def endpoint(path: str) -> int:
        made, _secret = add_endpoint(session, controller, url=f"https://127.0.0.1/{path}",
                                     events=["request.received"], actor="t", now=now,
                                     file_key=key, allow_private=True)  # fmt: skip
        return made.id

    removable, failing = endpoint("a"), endpoint("b")
    delivery_id = enqueue_webhook(session, key="world", endpoint_id=failing,
                                  event_type="request.received",
                                  data={"reference": request.reference}, now=now)  # fmt: skip
    dead = session.get(WebhookDelivery, delivery_id)
    assert dead is not None
    dead.status, dead.last_error = OutboxStatus.FAILED, "rejected: HTTP 410"
    return {"endpoint_id": removable, "delivery_id": delivery_id}


def _inbound_draft(
    session: Session, controller: Controller, store: FileStore, now: datetime
) -> int:
    """A message read from the controller's mailbox, waiting as a draft (dsar/mailbox)."""
    from dsar.mailbox.models import InboundMail, InboundState

    raw = b"From: zoe@example.org\r\nSubject: Auskunft\r\nMessage-ID: <w@x>\r\n\r\nBitte.\r\n"
    eml = store.save(session, raw, filename="mail.eml", content_type="message/rfc822",
                     purpose=FilePurpose.INBOUND_MAIL, now=now)  # fmt: skip
    draft = InboundMail(controller_id=controller.id, uidvalidity=1, uid=1, message_id="<w@x>",
                        arrived_at=now, fetched_at=now, sender="zoe@example.org",
                        subject="Auskunft", size=len(raw), problems=[], file=eml,
                        state=InboundState.DRAFT)  # fmt: skip
    session.add(draft)
    session.flush()
    return draft.id
