"""Staff pages that stop processing for a consent withdrawal or an objection: confirm the
stop, or record the Art. 21(1) assessment; record by-hand stops; retry what failed
(dsar/changes/stops.py)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from dsar.changes.models import ProcessingStop, StopStatus
from dsar.changes.stops import (
    ASSESSED,
    CONSENT,
    MARKETING,
    StopError,
    activities_to_stop,
    decide_stop,
    record_stop_by_hand,
    retry_stop,
    staff_choose,
    stop_basis,
    stops_of,
)
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.fulfilment.search import register_for
from dsar.requests.models import Request
from dsar.requests.permissions import LETTER_APPROVERS, REQUEST_WORKERS
from dsar.web.intake.language import language
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import said
from dsar.web.staff.erasure import ButtonForm


def _back(found: Request) -> ResponseReturnValue:
    return redirect(url_for("staff.request_processing", request_id=found.id))


def _stop_or_404(found: Request, stop_id: int) -> ProcessingStop:
    stop = db.session.get(ProcessingStop, stop_id)
    if stop is None or stop.request_id != found.id:
        abort(404)
    return stop


def _failed(found: Request, message: str) -> ResponseReturnValue:
    db.session.rollback()
    flash(message, "error")
    return _back(found)


@bp.get("/requests/<int:request_id>/processing")
@roles_required(*REQUEST_WORKERS)
def request_processing(request_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    register = register_for(current_app.extensions["dsar.registers"], found)
    try:
        basis = stop_basis(found)
    except StopError:
        abort(404)
    lang = language()
    titles = {
        a.id: a.title.get(lang) or a.title.get(found.language) or a.id for a in register.activities
    }
    stops = stops_of(db.session(), found)
    return render_template(
        "staff/processing.html",
        req=found,
        basis=basis,
        choose=staff_choose(found, basis),
        bases={"consent": CONSENT, "marketing": MARKETING, "assessed": ASSESSED},
        activities=[(a, titles[a]) for a in activities_to_stop(register, found, basis)],
        titles=titles,
        latest=stops[0] if stops else None,
        form=ButtonForm(),
        statuses=StopStatus,
    )


@bp.post("/requests/<int:request_id>/processing/decide")
@roles_required(*REQUEST_WORKERS)
def request_processing_decide(request_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired: decide again."), "error")
        return _back(found)
    register = register_for(current_app.extensions["dsar.registers"], found)
    chosen = request.form.getlist("activities")
    try:
        decide_stop(
            db.session(), found, register, actor=current_user.email, now=clock_now(),
            activities=chosen or None,
            continued=request.form.get("outcome") == "continued",
            grounds=request.form.get("grounds", ""),
        )  # fmt: skip
    except StopError as error:
        return _failed(found, _("Not recorded: %(why)s.", why=said(error)))
    flash(_("Recorded. Where processing stops, the scheduler runs the stop rules within a minute."))
    return _back(found)


@bp.post("/requests/<int:request_id>/processing/<int:stop_id>/by-hand/<int:index>")
@roles_required(*REQUEST_WORKERS)
def request_processing_by_hand(request_id: int, stop_id: int, index: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    stop = _stop_or_404(found, stop_id)
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired: record it again."), "error")
        return _back(found)
    try:
        record_stop_by_hand(db.session(), stop, index, actor=current_user.email, now=clock_now())
    except StopError as error:
        return _failed(found, _("Not recorded: %(why)s.", why=said(error)))
    flash(_("Recorded."))
    return _back(found)


@bp.post("/requests/<int:request_id>/processing/<int:stop_id>/retry")
@roles_required(*LETTER_APPROVERS)
def request_processing_retry(request_id: int, stop_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    stop = _stop_or_404(found, stop_id)
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired: try again."), "error")
        return _back(found)
    try:
        retry_stop(db.session(), stop, actor=current_user.email, now=clock_now())
    except StopError as error:
        return _failed(found, _("Not retried: %(why)s.", why=said(error)))
    flash(_("Sent back to the scheduler: it finishes what is left, nothing twice."))
    return _back(found)
