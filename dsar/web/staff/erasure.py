"""Staff pages that carry out an erasure: plan it (a preview), approve it as a second DPO,
see what was done, retry what failed (dsar/changes/erasures.py)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from dsar.changes.erasures import (
    ErasureError,
    approve_erasure,
    erasures_of,
    plan_request_erasure,
    retry_erasure,
)
from dsar.changes.follow_up import ErasureTaskError, close_erasure_task, erasure_tasks
from dsar.changes.models import Erasure, ErasureStatus, ErasureTask
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.fulfilment.search import register_for
from dsar.intake.uploads import UploadRejected
from dsar.requests.models import Request
from dsar.requests.permissions import LETTER_APPROVERS, REQUEST_WORKERS
from dsar.web.forms import WebForm
from dsar.web.intake.language import language
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import said
from dsar.web.staff.fulfilment import _save_evidence


class ButtonForm(WebForm):
    """A button that only needs the CSRF token."""


def _back(found: Request) -> ResponseReturnValue:
    return redirect(url_for("staff.request_erasure", request_id=found.id))


def _erasure_or_404(found: Request, erasure_id: int) -> Erasure:
    erasure = db.session.get(Erasure, erasure_id)
    if erasure is None or erasure.request_id != found.id:
        abort(404)
    return erasure


@bp.get("/requests/<int:request_id>/erasure")
@roles_required(*REQUEST_WORKERS)
def request_erasure(request_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    register = register_for(current_app.extensions["dsar.registers"], found)
    erasures = erasures_of(db.session(), found)
    latest = erasures[0] if erasures else None
    return render_template(
        "staff/erasure.html",
        req=found,
        erasures=erasures,
        latest=latest,
        tasks=erasure_tasks(db.session(), latest) if latest else [],
        categories=[
            (c.id, c.label.get(language()) or c.label.get(found.language) or c.id)
            for c in register.categories
        ],
        form=ButtonForm(),
        statuses=ErasureStatus,
    )


@bp.post("/requests/<int:request_id>/erasure/plan")
@roles_required(*REQUEST_WORKERS)
def request_erasure_plan(request_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired: plan again."), "error")
        return _back(found)
    everything = request.form.get("scope") != "chosen"
    scope = None if everything else request.form.getlist("categories")
    register = register_for(current_app.extensions["dsar.registers"], found)
    try:
        plan_request_erasure(
            db.session(), found, register, scope=scope, actor=current_user.email, now=clock_now()
        )
    except ErasureError as error:
        db.session.rollback()
        flash(_("Not planned: %(why)s.", why=said(error)), "error")
        return _back(found)
    flash(_("Planned. Nothing has changed yet: another DPO checks the plan and approves it."))
    return _back(found)


@bp.post("/requests/<int:request_id>/erasure/<int:erasure_id>/approve")
@roles_required(*LETTER_APPROVERS)
def request_erasure_approve(request_id: int, erasure_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    erasure = _erasure_or_404(found, erasure_id)
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired: approve again."), "error")
        return _back(found)
    try:
        register = register_for(current_app.extensions["dsar.registers"], found)
        approve_erasure(db.session(), erasure, register, approver=current_user, now=clock_now())
    except ErasureError as error:
        db.session.rollback()
        flash(_("Not approved: %(why)s.", why=said(error)), "error")
        return _back(found)
    flash(_("Approved. The scheduler carries it out within a minute; this page shows the result."))
    return _back(found)


@bp.post("/requests/<int:request_id>/erasure/<int:erasure_id>/retry")
@roles_required(*LETTER_APPROVERS)
def request_erasure_retry(request_id: int, erasure_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    erasure = _erasure_or_404(found, erasure_id)
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired: try again."), "error")
        return _back(found)
    try:
        retry_erasure(db.session(), erasure, actor=current_user.email, now=clock_now())
    except ErasureError as error:
        db.session.rollback()
        flash(_("Not retried: %(why)s.", why=said(error)), "error")
        return _back(found)
    flash(_("Sent back to the scheduler: it finishes what is left, nothing twice."))
    return _back(found)


@bp.post("/requests/<int:request_id>/erasure/tasks/<int:task_id>")
@roles_required(*REQUEST_WORKERS)
def request_erasure_task(request_id: int, task_id: int) -> ResponseReturnValue:
    """Close a step by hand (a manual source, the Art. 17(2) information) with what was done."""
    found = visible_request(request_id)
    task = db.session.get(ErasureTask, task_id)
    if task is None or task.request_id != found.id:
        abort(404)
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired: close the task again."), "error")
        return _back(found)
    try:
        close_erasure_task(
            db.session(),
            found,
            task,
            note=request.form.get("note", ""),
            actor=current_user.email,
            now=clock_now(),
            evidence_file_id=_save_evidence(found, request.files.get("evidence")),
        )
    except UploadRejected:
        flash(_("The evidence file was refused: use a PDF, PNG or JPEG within the limit."), "error")
        return _back(found)
    except ErasureTaskError as error:
        db.session.rollback()  # an evidence file stored before the refusal goes with it
        flash(_("Not closed: %(why)s.", why=said(error)), "error")
        return _back(found)
    flash(_("Closed: %(title)s.", title=task.title))
    return _back(found)
