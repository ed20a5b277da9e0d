"""Staff pages that carry out a restriction (Art. 18): place it with its ground and end
condition, record by-hand steps, lift it after the Art. 18(3) notice, retry what failed
(dsar/changes/restrictions.py)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from dsar.changes.models import Restriction, RestrictionStatus
from dsar.changes.restrictions import (
    RestrictionError,
    lift_restriction,
    place_restriction,
    record_by_hand,
    restrictions_of,
    retry_restriction,
)
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.fulfilment.search import register_for
from dsar.letters.labels import RESTRICTION_GROUNDS
from dsar.requests.models import Request
from dsar.requests.permissions import LETTER_APPROVERS, REQUEST_WORKERS
from dsar.web.intake.language import language
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import said
from dsar.web.staff.erasure import ButtonForm


def _back(found: Request) -> ResponseReturnValue:
    return redirect(url_for("staff.request_restriction", request_id=found.id))


def _restriction_or_404(found: Request, restriction_id: int) -> Restriction:
    restriction = db.session.get(Restriction, restriction_id)
    if restriction is None or restriction.request_id != found.id:
        abort(404)
    return restriction


def _failed(found: Request, message: str) -> ResponseReturnValue:
    db.session.rollback()
    flash(message, "error")
    return _back(found)


@bp.get("/requests/<int:request_id>/restriction")
@roles_required(*REQUEST_WORKERS)
def request_restriction(request_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    register = register_for(current_app.extensions["dsar.registers"], found)
    restrictions = restrictions_of(db.session(), found)
    return render_template(
        "staff/restriction.html",
        req=found,
        latest=restrictions[0] if restrictions else None,
        grounds=list(RESTRICTION_GROUNDS.get(language(), RESTRICTION_GROUNDS["en"]).items()),
        asked_ground=(found.details or {}).get("ground"),
        sources=[
            (s.id, (getattr(s, "label", None) or {}).get(language()) or s.name)
            for s in register.sources
        ],
        form=ButtonForm(),
        statuses=RestrictionStatus,
    )


@bp.post("/requests/<int:request_id>/restriction/place")
@roles_required(*REQUEST_WORKERS)
def request_restriction_place(request_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired: place it again."), "error")
        return _back(found)
    everywhere = request.form.get("where") != "chosen"
    register = register_for(current_app.extensions["dsar.registers"], found)
    try:
        place_restriction(
            db.session(), found, register,
            ground=request.form.get("ground", ""),
            end_condition=request.form.get("end_condition", ""),
            sources=None if everywhere else request.form.getlist("sources"),
            actor=current_user.email, now=clock_now(),
        )  # fmt: skip
    except RestrictionError as error:
        return _failed(found, _("Not placed: %(why)s.", why=said(error)))
    flash(_("Placed. The scheduler sets the marks within a minute; record the by-hand steps here."))
    return _back(found)


@bp.post("/requests/<int:request_id>/restriction/<int:restriction_id>/by-hand/<int:index>")
@roles_required(*REQUEST_WORKERS)
def request_restriction_by_hand(
    request_id: int, restriction_id: int, index: int
) -> ResponseReturnValue:
    found = visible_request(request_id)
    restriction = _restriction_or_404(found, restriction_id)
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired: record it again."), "error")
        return _back(found)
    lifted = request.form.get("lifted") == "1"
    try:
        register = register_for(current_app.extensions["dsar.registers"], found)
        record_by_hand(db.session(), restriction, index, lifted=lifted,
                       actor=current_user.email, now=clock_now(), register=register)  # fmt: skip
    except RestrictionError as error:
        return _failed(found, _("Not recorded: %(why)s.", why=said(error)))
    flash(_("Recorded."))
    return _back(found)


@bp.post("/requests/<int:request_id>/restriction/<int:restriction_id>/lift")
@roles_required(*LETTER_APPROVERS)
def request_restriction_lift(request_id: int, restriction_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    restriction = _restriction_or_404(found, restriction_id)
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired: lift it again."), "error")
        return _back(found)
    register = register_for(current_app.extensions["dsar.registers"], found)
    try:
        lift_restriction(db.session(), restriction, register, actor=current_user.email,
                         now=clock_now())  # fmt: skip
    except RestrictionError as error:
        return _failed(found, _("Not lifted: %(why)s.", why=said(error)))
    flash(_("Lifting: the scheduler removes the marks within a minute."))
    return _back(found)


@bp.post("/requests/<int:request_id>/restriction/<int:restriction_id>/retry")
@roles_required(*LETTER_APPROVERS)
def request_restriction_retry(request_id: int, restriction_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    restriction = _restriction_or_404(found, restriction_id)
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired: try again."), "error")
        return _back(found)
    try:
        retry_restriction(db.session(), restriction, actor=current_user.email, now=clock_now())
    except RestrictionError as error:
        return _failed(found, _("Not retried: %(why)s.", why=said(error)))
    flash(_("Sent back to the scheduler: it finishes what is left, nothing twice."))
    return _back(found)
