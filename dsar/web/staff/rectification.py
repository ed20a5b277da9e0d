"""Staff pages that carry out a rectification: map the subject's items to columns and rows (a
before/after preview that changes nothing), approve, see the report, retry, record steps done
by hand (dsar/changes/rectifications.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
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
from dsar.core.words import N_
from dsar.extensions import db
from dsar.fulfilment.claims import verified_subject
from dsar.fulfilment.search import identity_settled, register_for
from dsar.register import ManualSource, Register
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of
from dsar.requests.permissions import REQUEST_WORKERS, may_approve_rectification
from dsar.sources import RegisterMismatch, SourceUnreachable, connector_for
from dsar.web.intake.language import language
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import said
from dsar.web.staff.erasure import ButtonForm

OPEN = (None, RectificationStatus.PLANNED, RectificationStatus.CANCELLED)
# Items staff may add after the subject's: a request by post or phone names them in its letter.
ADDED_ROWS = 2
MAX_ADDED = 10


def _back(found: Request) -> ResponseReturnValue:
    return redirect(url_for("staff.request_rectification", request_id=found.id))


def _rectification_or_404(found: Request, rectification_id: int) -> Rectification:
    rectification = db.session.get(Rectification, rectification_id)
    if rectification is None or rectification.request_id != found.id:
        abort(404)
    return rectification


def _audit() -> str:
    return str(current_app.config["DSAR_SETTINGS"].audit_rectification)


def _added_rows(posted: dict[str, str], first: int) -> list[tuple[int, dict[str, str]]]:
    """The items staff added on the form: (field number, {wrong, correct}), in order."""
    found = []
    for number in range(first, first + MAX_ADDED):
        wrong = posted.get(f"wrong_{number}", "").strip()
        correct = posted.get(f"correct_{number}", "").strip()
        if wrong or correct or posted.get(f"target_{number}"):
            found.append((number, {"wrong": wrong, "correct": correct}))
    return found


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
    given = subject_items(found)
    offered, unreadable = [], None
    if identity_settled(found) and (latest is None or latest.status in OPEN):
        try:
            subject = verified_subject(db.session(), found)
            offered = candidates(register, subject, connector_for, language())
        except (SourceUnreachable, RegisterMismatch) as error:
            unreadable = str(error)
    mapped = {i["index"]: i for i in latest.items} if latest else {}
    earlier_added = [mapped[i] for i in sorted(mapped) if i >= len(given)]
    if posted is None:
        extra = len(earlier_added) + ADDED_ROWS
    else:
        numbers = [n for n, _ in _added_rows(posted, len(given))]
        extra = (max(numbers) + 1 - len(given) if numbers else 0) + 1
    rows: list[dict[str, Any]] = [{"n": n, **item, "added": False} for n, item in enumerate(given)]
    rows += [{"n": len(given) + k, "added": True} for k in range(min(extra, MAX_ADDED))]
    values = posted or {}
    for row in rows:  # the form's values: posted, else the latest mapping
        n = row["n"]
        earlier = mapped.get(n, {}) if not row["added"] else {}
        if row["added"] and posted is None and n - len(given) < len(earlier_added):
            earlier = earlier_added[n - len(given)]
        target = "|".join(
            str(earlier.get(k)) for k in ("source", "part", "column") if earlier.get(k)
        )
        values.setdefault(f"target_{n}", target if posted is None else "")
        values.setdefault(f"row_{n}", str(earlier.get("row") or ""))
        values.setdefault(f"value_{n}", str(earlier.get("typed", row.get("correct", ""))))
        values.setdefault(f"wrong_{n}", str(earlier.get("wrong", "")))
        values.setdefault(f"correct_{n}", str(earlier.get("correct") or ""))
    return render_template(
        "staff/rectification.html",
        req=found,
        rows=rows,
        rectifications=rectifications,
        latest=latest,
        candidates=offered,
        # (key, table) of the subject's rows, offered for "which row" (one table's rows once)
        row_keys=list(
            dict.fromkeys((k, c.where.rsplit(" · ", 1)[0]) for c in offered for k in c.keys)
        ),
        manual=[s for s in register.sources if isinstance(s, ManualSource)],
        unreadable=unreadable,
        settled=identity_settled(found),
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
        flash(_("The form expired: map the items again."), "error")
        return _back(found)
    posted = {k: str(v) for k, v in request.form.items() if k != "csrf_token"}
    given = len(subject_items(found))
    added = _added_rows(posted, given)
    numbers = list(range(given)) + [n for n, _ in added]  # item index -> the form's field
    mappings = [
        ItemMapping(
            index, posted[f"target_{n}"], posted.get(f"row_{n}", ""), posted.get(f"value_{n}", "")
        )  # fmt: skip
        for index, n in enumerate(numbers)
        if posted.get(f"target_{n}")
    ]
    try:
        plan_request_rectification(
            db.session(), found, register, mappings, actor=current_user.email, now=clock_now(),
            audit=_audit(), added=[item for _, item in added],
        )  # fmt: skip
    except PlanRefused as refused:
        db.session.rollback()
        errors = {numbers[i] if 0 <= i < len(numbers) else i: why
                  for i, why in refused.errors.items()}  # fmt: skip
        return _page(found, register, posted=posted, errors=errors, status=400)
    except RectificationError as error:
        db.session.rollback()
        flash(_("Not planned: %(why)s.", why=said(error)), "error")
        return _back(found)
    flash(_("Planned. Nothing has changed yet: check the values before and after, then approve."))
    return _back(found)


def _step(
    request_id: int, rectification_id: int, refused: str, action: Any, done: str
) -> ResponseReturnValue:
    """Run `action`; flash `done`, or `refused` (translated, with "%(why)s") and the reason."""
    found = visible_request(request_id)
    rectification = _rectification_or_404(found, rectification_id)
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired: try again."), "error")
        return _back(found)
    try:
        action(found, rectification)
    except RectificationError as error:
        db.session.rollback()
        flash(refused % {"why": said(error)}, "error")
        return _back(found)
    flash(done)
    return _back(found)


@bp.post("/requests/<int:request_id>/rectification/<int:rectification_id>/approve")
@roles_required(*REQUEST_WORKERS)
def request_rectification_approve(request_id: int, rectification_id: int) -> ResponseReturnValue:
    def approve(_found: Request, rectification: Rectification) -> None:
        approve_rectification(db.session(), rectification, approver=current_user, now=clock_now())

    done = _("Approved. The scheduler applies it within a minute; this page shows the result.")
    return _step(request_id, rectification_id, _("Not approved: %(why)s."), approve, done)


@bp.post("/requests/<int:request_id>/rectification/<int:rectification_id>/retry")
@roles_required(*REQUEST_WORKERS)
def request_rectification_retry(request_id: int, rectification_id: int) -> ResponseReturnValue:
    def retry(found: Request, rectification: Rectification) -> None:
        if not may_approve_rectification(current_user, found):
            raise RectificationError(N_("a DPO or the agent the request is assigned to retries it"))
        retry_rectification(db.session(), rectification, actor=current_user.email, now=clock_now())

    return _step(request_id, rectification_id, _("Not retried: %(why)s."), retry,
                 _("Sent back to the scheduler: it applies what is left."))  # fmt: skip


@bp.post("/requests/<int:request_id>/rectification/<int:rectification_id>/by-hand/<int:index>")
@roles_required(*REQUEST_WORKERS)
def request_rectification_by_hand(
    request_id: int, rectification_id: int, index: int
) -> ResponseReturnValue:
    def record(_found: Request, rectification: Rectification) -> None:
        try:
            done_on = date.fromisoformat(request.form.get("done_on", ""))
        except ValueError:
            raise RectificationError(N_("give the day it was done (YYYY-MM-DD)")) from None
        register = register_for(current_app.extensions["dsar.registers"], _found)
        record_by_hand(db.session(), rectification, index, what=request.form.get("what", ""),
                       done_on=done_on, actor=current_user.email, now=clock_now(),
                       audit=_audit(), register=register)  # fmt: skip

    return _step(request_id, rectification_id, _("Not recorded: %(why)s."), record,
                 _("Recorded as done by hand."))  # fmt: skip
