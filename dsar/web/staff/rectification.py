"""Staff pages that carry out a rectification: map the subject's items to columns and rows (a
before/after preview that changes nothing), approve, see the report, retry, record steps done
by hand (dsar/changes/rectifications.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from dsar.changes.models import Rectification, RectificationStatus
from dsar.changes.rectification_plan import ItemMapping, PlanRefused, candidates
from dsar.changes.rectifications import (
    RectificationError,
    approve_rectification,
    plan_request_rectification,
    record_by_hand,
    rectifications_of,
    retry_rectification,
    subject_items,
)
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.fulfilment.claims import verified_subject
from dsar.fulfilment.search import identity_settled, register_for
from dsar.register import ManualSource, Register
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of
from dsar.requests.permissions import REQUEST_WORKERS, may_approve_rectification
from dsar.sources import RegisterMismatch, SourceUnreachable, connector_for
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.erasure import ButtonForm

OPEN = (None, RectificationStatus.PLANNED, RectificationStatus.CANCELLED)


def _back(found: Request) -> ResponseReturnValue:
    return redirect(url_for("staff.request_rectification", request_id=found.id))


def _rectification_or_404(found: Request, rectification_id: int) -> Rectification:
    rectification = db.session.get(Rectification, rectification_id)
    if rectification is None or rectification.request_id != found.id:
        abort(404)
    return rectification


def _audit() -> str:
    return str(current_app.config["DSAR_SETTINGS"].audit_rectification)


def _page(
    found: Request,
    register: Register,
    *,
    posted: dict[str, str] | None = None,
    errors: dict[int, str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    rectifications = rectifications_of(db.session(), found)
    latest = rectifications[0] if rectifications else None
    items = subject_items(found)
    offered, unreadable = [], None
    if identity_settled(found) and (latest is None or latest.status in OPEN):
        try:
            subject = verified_subject(db.session(), found)
            offered = candidates(register, subject, connector_for, found.language)
        except (SourceUnreachable, RegisterMismatch) as error:
            unreadable = str(error)
    mapped = {i["index"]: i for i in latest.items} if latest else {}
    values = posted or {}
    for index, item in enumerate(items):  # the form's values: posted, else the latest mapping
        earlier = mapped.get(index, {})
        target = "|".join(
            str(earlier.get(k)) for k in ("source", "part", "column") if earlier.get(k)
        )
        values.setdefault(f"target_{index}", target if posted is None else "")
        values.setdefault(f"row_{index}", str(earlier.get("row") or ""))
        values.setdefault(f"value_{index}", str(earlier.get("typed", item.get("correct", ""))))
    return render_template(
        "staff/rectification.html",
        req=found,
        items=items,
        rectifications=rectifications,
        latest=latest,
        candidates=offered,
        # (key, table) of the subject's rows, offered for "which row" (one table's rows once)
        row_keys=list(
            dict.fromkeys((k, c.where.rsplit(" · ", 1)[0]) for c in offered for k in c.keys)
        ),
        manual=[s for s in register.sources if isinstance(s, ManualSource)],
        unreadable=unreadable,
        values=values,
        errors=errors or {},
        may_approve=may_approve_rectification(current_user, found),
        form=ButtonForm(),
        statuses=RectificationStatus,
        today=local_date(clock_now(), jurisdiction_of(found.controller)).isoformat(),
    ), status


@bp.get("/requests/<int:request_id>/rectification")
@roles_required(*REQUEST_WORKERS)
def request_rectification(request_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    return _page(found, register_for(current_app.extensions["dsar.registers"], found))


@bp.post("/requests/<int:request_id>/rectification/plan")
@roles_required(*REQUEST_WORKERS)
def request_rectification_plan(request_id: int) -> ResponseReturnValue:
    found = visible_request(request_id)
    register = register_for(current_app.extensions["dsar.registers"], found)
    if not ButtonForm().validate_on_submit():
        flash("The form expired: map the items again.", "error")
        return _back(found)
    posted = {k: str(v) for k, v in request.form.items() if k != "csrf_token"}
    mappings = [
        ItemMapping(
            i,
            posted.get(f"target_{i}", ""),
            posted.get(f"row_{i}", ""),
            posted.get(f"value_{i}", ""),
        )  # fmt: skip
        for i in range(len(subject_items(found)))
        if posted.get(f"target_{i}")
    ]
    try:
        plan_request_rectification(
            db.session(), found, register, mappings, actor=current_user.email, now=clock_now(),
            audit=_audit(),
        )  # fmt: skip
    except PlanRefused as refused:
        db.session.rollback()
        return _page(found, register, posted=posted, errors=refused.errors, status=400)
    except RectificationError as error:
        db.session.rollback()
        flash(f"Not planned: {error}.", "error")
        return _back(found)
    flash("Planned. Nothing has changed yet: check the values before and after, then approve.")
    return _back(found)


def _step(
    request_id: int, rectification_id: int, verb: str, action: Any, done: str
) -> ResponseReturnValue:
    found = visible_request(request_id)
    rectification = _rectification_or_404(found, rectification_id)
    if not ButtonForm().validate_on_submit():
        flash("The form expired: try again.", "error")
        return _back(found)
    try:
        action(found, rectification)
    except RectificationError as error:
        db.session.rollback()
        flash(f"Not {verb}: {error}.", "error")
        return _back(found)
    flash(done)
    return _back(found)


@bp.post("/requests/<int:request_id>/rectification/<int:rectification_id>/approve")
@roles_required(*REQUEST_WORKERS)
def request_rectification_approve(request_id: int, rectification_id: int) -> ResponseReturnValue:
    def approve(_found: Request, rectification: Rectification) -> None:
        approve_rectification(db.session(), rectification, approver=current_user, now=clock_now())

    done = "Approved. The scheduler applies it within a minute; this page shows the result."
    return _step(request_id, rectification_id, "approved", approve, done)


@bp.post("/requests/<int:request_id>/rectification/<int:rectification_id>/retry")
@roles_required(*REQUEST_WORKERS)
def request_rectification_retry(request_id: int, rectification_id: int) -> ResponseReturnValue:
    def retry(found: Request, rectification: Rectification) -> None:
        if not may_approve_rectification(current_user, found):
            raise RectificationError("a DPO or the agent the request is assigned to retries it")
        retry_rectification(db.session(), rectification, actor=current_user.email, now=clock_now())

    return _step(request_id, rectification_id, "retried", retry,
                 "Sent back to the scheduler: it applies what is left.")  # fmt: skip


@bp.post("/requests/<int:request_id>/rectification/<int:rectification_id>/by-hand/<int:index>")
@roles_required(*REQUEST_WORKERS)
def request_rectification_by_hand(
    request_id: int, rectification_id: int, index: int
) -> ResponseReturnValue:
    def record(_found: Request, rectification: Rectification) -> None:
        try:
            done_on = date.fromisoformat(request.form.get("done_on", ""))
        except ValueError:
            raise RectificationError("give the day it was done (YYYY-MM-DD)") from None
        record_by_hand(db.session(), rectification, index, what=request.form.get("what", ""),
                       done_on=done_on, actor=current_user.email, now=clock_now(),
                       audit=_audit())  # fmt: skip

    return _step(request_id, rectification_id, "recorded", record, "Recorded as done by hand.")
