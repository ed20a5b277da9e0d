"""One request: its fields, deadlines, files and timeline; notes, assignment and decisions."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from dsar.accounts.menus import assignable_staff
from dsar.accounts.models import Role, StaffUser
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.models import StoredFile
from dsar.fulfilment.claims import confirmed_in
from dsar.letters.answer import answer_state
from dsar.letters.recipient_notices import notices_of
from dsar.register import Register, find_register
from dsar.requests.checklist import Step, checklist
from dsar.requests.deadlines.clock_policies import (
    ExtensionNotAllowed,
    InformationPurpose,
    can_extend,
)
from dsar.requests.deadlines.today import LocalToday
from dsar.requests.decisions import (
    DecisionInput,
    NotPermitted,
    NotReady,
    RefusalGround,
    StaleForm,
    add_note,
    assign,
    decide,
)
from dsar.requests.models import Request, RequestEvent
from dsar.requests.permissions import REQUEST_WORKERS, can_see, may_decide
from dsar.requests.repeats import others_of_subject
from dsar.requests.workflow import Action, Decision, IllegalTransition, allowed_actions
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import error_words, first_upper
from dsar.web.staff.common import clock_settings
from dsar.web.staff.forms import NEEDS_CONFIRMATION, AssignForm, DecisionForm, NoteForm
from dsar.web.staff.messages import message_context
from dsar.web.staff.request_fields import request_fields
from dsar.web.staff.timeline import entry

# Decisions the state machine can offer, by the action each one takes.
_ACTION_OF = {d: Action(d.value) for d in Decision if d is not Decision.EXTEND}
# What the flash after a decision names ("Done: verify identity.").
DONE = {
    Decision.VERIFY_IDENTITY: _l("verify identity"),
    Decision.REQUEST_INFORMATION: _l("request information"),
    Decision.RECEIVE_INFORMATION: _l("receive information"),
    Decision.FAIL_IDENTITY: _l("fail identity"),
    Decision.EXTEND: _l("extend"),
    Decision.PROPOSE_REFUSAL: _l("propose refusal"),
    Decision.APPROVE_REFUSAL: _l("approve refusal"),
    Decision.REJECT_REFUSAL: _l("reject refusal"),
    Decision.PREPARE_ANSWER: _l("prepare answer"),
    Decision.REOPEN: _l("reopen"),
    Decision.WITHDRAW: _l("withdraw"),
}


def _offered(user: StaffUser, req: Request) -> list[Decision]:
    """The decisions to show: allowed by the life cycle now and by the user's role."""
    allowed = allowed_actions(req.status)
    offered: list[Decision] = [
        d for d, a in _ACTION_OF.items() if a in allowed and may_decide(user, req, d)
    ]
    if req.status.clock_running and may_decide(user, req, Decision.EXTEND):
        offered.append(Decision.EXTEND)
    return offered


def _render(req: Request, status: int = 200) -> ResponseReturnValue:
    local = LocalToday(clock_now())
    events = db.session.scalars(
        select(RequestEvent).where(RequestEvent.request_id == req.id).order_by(RequestEvent.seq)
    ).all()
    files = db.session.scalars(
        select(StoredFile).where(StoredFile.request_id == req.id).order_by(StoredFile.id)
    ).all()
    today = local.of(req.controller)
    extendable = req.due_date is not None and can_extend(
        today=today,
        due=req.due_date,
        already_extended=req.extended_due_date is not None,
        reason="x",
    )
    register = _register_of(req)
    return render_template(
        "staff/detail.html",
        req=req,
        events=[(e, entry(e, req.controller.timezone)) for e in events],
        fields=request_fields(req.details, register),
        zone=req.controller.timezone,
        files=files,
        today=today,
        days_left=local.days_left(req),
        offered=_offered(current_user, req),
        needs_confirmation=NEEDS_CONFIRMATION,
        extendable=extendable,
        # DPOs assign to colleagues; agents take or release requests themselves.
        staff=assignable_staff(db.session()) if current_user.role is Role.DPO else [],
        grounds=list(RefusalGround),
        purposes=list(InformationPurpose),
        email_confirmed=confirmed_in(events),
        answer=answer_state(db.session(), req, clock_now()),
        notices=notices_of(db.session(), req),
        recipient_names=_recipient_names(req),
        steps=_steps(req),
        others=others_of_subject(db.session(), req),
        may_open=lambda other: can_see(current_user, other),
        **message_context(req),
    ), status


@bp.get("/requests/<int:request_id>")
@roles_required(*REQUEST_WORKERS)
def detail(request_id: int) -> ResponseReturnValue:
    return _render(visible_request(request_id))


def _refuse(request_id: int, message: str, status: int) -> ResponseReturnValue:
    db.session.rollback()
    flash(message, "error")
    return _render(visible_request(request_id), status)


@bp.post("/requests/<int:request_id>/decide")
@roles_required(*REQUEST_WORKERS)
def decide_view(request_id: int) -> ResponseReturnValue:
    req = visible_request(request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _refuse(request_id, _("The form is incomplete; nothing was changed."), 400)
    try:
        decision = Decision(form.decision.data)
        given = DecisionInput(
            decision=decision,
            version=form.version.data or 0,
            reason=form.reason.data or "",
            what=form.what.data or "",
            why=form.why.data or "",
            ground=RefusalGround(form.ground.data) if form.ground.data else None,
            purpose=InformationPurpose(form.purpose.data or "identity"),
        )
    except ValueError:
        return _refuse(request_id, _("Unknown decision; nothing was changed."), 400)
    if decision in NEEDS_CONFIRMATION and not form.confirmed.data:
        message = _("Tick “I have checked …” to confirm this decision; nothing was changed.")
        return _refuse(request_id, message, 400)
    try:
        decide(
            db.session(),
            req,
            given,
            user=current_user._get_current_object(),
            clock=clock_settings(),
            now=clock_now(),
            register=_register_of(req),
            documents_after_decision_days=current_app.config[
                "DSAR_SETTINGS"
            ].documents_after_decision_days,
        )
        db.session.flush()  # a conflict shows here, not at the commit
    except NotPermitted as error:
        abort(403, _("%(reason)s. Nothing was changed.", reason=first_upper(error_words(error))))
    except (StaleForm, StaleDataError):
        message = _("This request changed meanwhile; reload and decide again.")
        return _refuse(request_id, message, 409)
    except NotReady as error:
        message = _("%(reason)s. Nothing was changed.", reason=first_upper(error_words(error)))
        return _refuse(request_id, message, 409)
    except (IllegalTransition, ExtensionNotAllowed) as error:
        message = _("Not possible: %(reason)s. Nothing was changed.", reason=error_words(error))
        return _refuse(request_id, message, 409)
    except ValueError as error:
        message = _("%(reason)s. Nothing was changed.", reason=first_upper(error_words(error)))
        return _refuse(request_id, message, 400)
    flash(_("Done: %(decision)s.", decision=DONE[decision]), "ok")
    if decision is Decision.PREPARE_ANSWER:  # the next click is on the drafted letter
        letter = answer_state(db.session(), req, clock_now()).letter
        if letter is not None:
            return redirect(url_for("staff.letter_preview", letter_id=letter.id), 303)
    return redirect(url_for("staff.detail", request_id=request_id), 303)


@bp.post("/requests/<int:request_id>/notes")
@roles_required(*REQUEST_WORKERS)
def add_note_view(request_id: int) -> ResponseReturnValue:
    req = visible_request(request_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _refuse(request_id, _("The note is empty; nothing was saved."), 400)
    user = current_user._get_current_object()
    add_note(db.session(), req, form.text.data or "", user=user, now=clock_now())
    flash(_("Note added."), "ok")
    return redirect(url_for("staff.detail", request_id=request_id), 303)


@bp.post("/requests/<int:request_id>/assign")
@roles_required(*REQUEST_WORKERS)
def assign_view(request_id: int) -> ResponseReturnValue:
    req = visible_request(request_id)
    form = AssignForm()
    if not form.validate_on_submit():
        return _refuse(request_id, _("The form is incomplete; nothing was changed."), 400)
    user, target = current_user._get_current_object(), (form.assignee.data or "").strip()
    assignee = user if target == "me" else None
    if target.isdigit():
        assignee = db.session.get(StaffUser, int(target))
        if assignee is None:
            return _refuse(request_id, _("No such staff member; nothing was changed."), 400)
    elif target not in ("", "me"):
        return _refuse(request_id, _("Choose whom to assign it to; nothing was changed."), 400)
    try:
        assign(db.session(), req, assignee, user=user, now=clock_now())
        db.session.flush()  # a conflict shows here, not at the commit
    except NotPermitted as error:
        abort(403, _("%(reason)s. Nothing was changed.", reason=first_upper(error_words(error))))
    except ValueError as error:
        message = _("%(reason)s. Nothing was changed.", reason=first_upper(error_words(error)))
        return _refuse(request_id, message, 400)
    if user.role is Role.AGENT and assignee is None:
        return redirect(url_for("staff.queue"), 303)
    return redirect(url_for("staff.detail", request_id=request_id), 303)


def _recipient_names(req: Request) -> dict[str, str]:
    register = _register_of(req)
    if register is None:
        return {}
    lang = register.controller.languages[0]
    return {r.id: r.name or r.category.get(lang) or r.id for r in register.recipients}


def _steps(req: Request) -> list[Step]:
    """What the request still needs (dsar/requests/checklist.py); none without a register."""
    register = _register_of(req)
    return checklist(db.session(), req, register) if register is not None else []


def _register_of(req: Request) -> Register | None:
    return find_register(current_app.extensions["dsar.registers"], req.controller.slug)
