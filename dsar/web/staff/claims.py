"""Staff actions on a requester's typed lookup keys: send a code, record a check, set aside.

Staff may record that a record carries the confirmed e-mail (the check dsar makes itself for
SQL sources) or send a code to the address a manual system holds; comparing a document stands
in for both and is the DPO's alone. Nothing here lets a bare claim find data.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional

from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.fulfilment.claim_codes import (
    address_on_file,
    manual_verifiers,
    send_code,
    sql_verifiable,
)
from dsar.fulfilment.claim_models import ClaimMethod, LookupClaim
from dsar.fulfilment.claims import (
    ClaimError,
    email_confirmed_by_link,
    set_aside_claim,
    stored_claims,
    typed_keys,
    verify_claim,
)
from dsar.fulfilment.models import SearchRun
from dsar.fulfilment.search import register_for
from dsar.requests.models import Request
from dsar.requests.permissions import REQUEST_WORKERS, may_compare_documents
from dsar.web.forms import WebForm
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import error_words

STAFF_METHODS = {ClaimMethod.ROW_CARRIES_EMAIL.value, ClaimMethod.DOCUMENT_COMPARED.value}


class ClaimCodeForm(WebForm):
    source_id = HiddenField(validators=[Optional(), Length(max=64)])
    address = EmailField(
        _l("E-mail address on file"), validators=[Optional(), Email(), Length(max=320)]
    )


class ClaimVerifyForm(WebForm):
    method = HiddenField(validators=[AnyOf(sorted(STAFF_METHODS))])
    detail = StringField(_l("How it was checked"), validators=[DataRequired(), Length(max=2000)])


class ClaimSetAsideForm(WebForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


def claims_context(found: Request, run: SearchRun | None) -> dict[str, Any]:
    """What the data page shows of the typed keys, and the forms to resolve them."""
    register = register_for(current_app.extensions["dsar.registers"], found)
    claims = stored_claims(db.session(), found)
    unchecked = {k: v for k, v in typed_keys(found).items() if k not in {c.key for c in claims}}
    open_claims = [c for c in claims if not c.resolved]
    found_nothing = run is not None and not any(f.row_count for f in run.findings)
    return {
        "claims": claims,
        "email_confirmed": email_confirmed_by_link(db.session(), found),
        "unchecked_claims": unchecked,
        "email_found_nothing": found_nothing and any(c.conflict for c in open_claims),
        "sql_verifiable": {c.key: sql_verifiable(register, c.key) for c in claims},
        "manual_verifiers": {c.key: manual_verifiers(register, c.key) for c in claims},
        "claim_code_form": ClaimCodeForm(),
        "claim_verify_form": ClaimVerifyForm(),
        "claim_set_aside_form": ClaimSetAsideForm(),
    }


def _claim(request_id: int, claim_id: int) -> tuple[Request, LookupClaim]:
    found = visible_request(request_id)
    claim = db.session.get(LookupClaim, claim_id)
    if claim is None or claim.request_id != found.id:
        abort(404)
    return found, claim


def _back(found: Request) -> ResponseReturnValue:
    return redirect(url_for("staff.request_data", request_id=found.id) + "#keys")


@bp.post("/requests/<int:request_id>/data/keys/<int:claim_id>/code")
@roles_required(*REQUEST_WORKERS)
def claim_send_code(request_id: int, claim_id: int) -> ResponseReturnValue:
    found, claim = _claim(request_id, claim_id)
    form = ClaimCodeForm()
    if not form.validate_on_submit():
        flash(_("Give the e-mail address the system holds for this key."), "error")
        return _back(found)
    register = register_for(current_app.extensions["dsar.registers"], found)
    manual = {s.id: s for s in manual_verifiers(register, claim.key)}
    if form.source_id.data:  # staff read the address in a manual system the register names
        source = manual.get(form.source_id.data)
        if source is None or not form.address.data:
            abort(400)
        on_file: tuple[str, str] | None = (form.address.data.strip(), source.name)
    elif sql_verifiable(register, claim.key):
        on_file = address_on_file(register, claim)
    else:
        abort(400)
    try:
        to_send = send_code(
            db.session(),
            found,
            claim,
            register,
            on_file=on_file,
            settings=current_app.config["DSAR_SETTINGS"],
            actor=current_user.email,
            now=clock_now(),
        )
    except ClaimError as error:
        flash(_("No code sent: %(reason)s.", reason=error_words(error)), "error")
        return _back(found)
    if to_send is None:
        message = _("No single e-mail address is on file for this key: no code was sent.")
        flash(message, "error")
    else:
        message = _("A code was sent to the address on file in %(where)s.", where=to_send.where)
        flash(message, "info")
    return _back(found)


@bp.post("/requests/<int:request_id>/data/keys/<int:claim_id>/verify")
@roles_required(*REQUEST_WORKERS)
def claim_verify(request_id: int, claim_id: int) -> ResponseReturnValue:
    found, claim = _claim(request_id, claim_id)
    form = ClaimVerifyForm()
    if not form.validate_on_submit():
        flash(_("Say how the key was checked."), "error")
        return _back(found)
    method = ClaimMethod(form.method.data)
    if method is ClaimMethod.DOCUMENT_COMPARED and not may_compare_documents(current_user):
        abort(403)  # an override of the automated checks: the DPO's decision alone
    if method is ClaimMethod.ROW_CARRIES_EMAIL and claim.conflict:
        flash(
            _(
                "The automated check found records under this key that are not tied to the "
                "confirmed e-mail: verify it with a code, or the DPO compares a document."
            ),
            "error",
        )
        return _back(found)
    try:
        verify_claim(
            db.session(),
            found,
            claim,
            method=method,
            detail=form.detail.data or "",
            actor=current_user.email,
            now=clock_now(),
        )
    except ClaimError as error:
        flash(error_words(error), "error")
        return _back(found)
    flash(_("%(key)s is verified; search again to include what it finds.", key=claim.key), "info")
    return _back(found)


@bp.post("/requests/<int:request_id>/data/keys/<int:claim_id>/set-aside")
@roles_required(*REQUEST_WORKERS)
def claim_set_aside(request_id: int, claim_id: int) -> ResponseReturnValue:
    found, claim = _claim(request_id, claim_id)
    form = ClaimSetAsideForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for answering without this key."), "error")
        return _back(found)
    try:
        set_aside_claim(
            db.session(),
            found,
            claim,
            reason=form.reason.data or "",
            actor=current_user.email,
            now=clock_now(),
        )
    except ClaimError as error:
        flash(error_words(error), "error")
        return _back(found)
    flash(_("The answer will not use %(key)s.", key=claim.key), "info")
    return _back(found)
