"""The status page's typed lookup keys: ask for a code to the address on file, enter it.

The page says the same after "send a code" whether or not the key is on file with an address
(docs/lookup-keys.md), and a wrong code says only that it is not valid.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from dsar.core import clock
from dsar.extensions import db, limiter
from dsar.fulfilment.claim_codes import (
    address_on_file,
    enter_code,
    key_label,
    send_code,
    sql_verifiable,
)
from dsar.fulfilment.claim_models import ClaimState, LookupClaim
from dsar.fulfilment.claims import ClaimError, stored_claims, typed_keys
from dsar.intake.operations import request_for_status_token
from dsar.register import Register
from dsar.requests.models import Request
from dsar.web.intake import bp
from dsar.web.intake.controllers import controller_and_register

NOTICES = {"sent", "limit", "ok", "wrong"}


@dataclass(frozen=True)
class ClaimItem:
    """One typed key as the status page shows it."""

    id: int | None
    label: str
    value: str
    state: str  # unverified, verified, set_aside
    can_send: bool


def claim_items(
    session: Session, found: Request, register: Register, language: str
) -> list[ClaimItem]:
    """The typed keys and what became of them (a key the sources know nothing of is not named)."""
    stored = {c.key: c for c in stored_claims(session, found)}
    items = []
    for key, value in typed_keys(found).items():
        claim = stored.get(key)
        state = claim.state if claim else ClaimState.UNVERIFIED
        if state is ClaimState.NOT_FOUND:
            continue
        items.append(
            ClaimItem(
                id=claim.id if claim else None,
                label=key_label(register, key, language),
                value=value,
                state=state.value,
                can_send=claim is not None
                and state is ClaimState.UNVERIFIED
                and found.status.is_open
                and sql_verifiable(register, key),
            )
        )
    return items


def _claim(slug: str, token: str, claim_id: int) -> tuple[Request, LookupClaim, Register]:
    controller, register = controller_and_register(slug)
    found = request_for_status_token(db.session(), controller, token)
    claim = db.session.get(LookupClaim, claim_id) if found else None
    if found is None or claim is None or claim.request_id != found.id:
        abort(404, _("This status link is not valid. Please use the link from our e-mail."))
    return found, claim, register


def _back(slug: str, token: str, notice: str) -> ResponseReturnValue:
    return redirect(url_for("intake.status", slug=slug, token=token, notice=notice) + "#keys")


@bp.post("/c/<slug>/status/<token>/keys/<int:claim_id>/code")
@limiter.limit("5/minute")
def send_key_code(slug: str, token: str, claim_id: int) -> ResponseReturnValue:
    found, claim, register = _claim(slug, token, claim_id)
    if not found.status.is_open or not sql_verifiable(register, claim.key):
        abort(404)
    settings = current_app.config["DSAR_SETTINGS"]
    now = clock.now()
    try:
        send_code(
            db.session(),
            found,
            claim,
            register,
            on_file=address_on_file(register, claim),
            settings=settings,
            actor="subject",
            now=now,
        )
    except ClaimError:
        return _back(slug, token, "limit")
    return _back(slug, token, "sent")


@bp.post("/c/<slug>/status/<token>/keys/<int:claim_id>/verify")
@limiter.limit("10/minute")
def verify_key_code(slug: str, token: str, claim_id: int) -> ResponseReturnValue:
    found, claim, _register = _claim(slug, token, claim_id)
    code = (request.form.get("code") or "").strip()[:20]
    settings = current_app.config["DSAR_SETTINGS"]
    accepted = enter_code(
        db.session(), found, claim, code, secret=settings.secret_key, now=clock.now()
    )
    return _back(slug, token, "ok" if accepted else "wrong")
