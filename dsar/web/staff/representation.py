"""The case page's representative: who asked for whom, the proof, and the two decisions
(the representative's identity, their authority) that must both be verified before anything
is disclosed (docs/representatives.md)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.representatives.operations import Step, decide_representation
from dsar.requests.decisions import NotPermitted, StaleForm
from dsar.requests.permissions import REQUEST_WORKERS
from dsar.requests.workflow import IllegalTransition
from dsar.web.forms import WebForm
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import error_words, first_upper
from dsar.web.staff.common import clock_settings

RELATIONS = {
    "parent": _l("parent or guardian of a child"),
    "lawyer": _l("lawyer"),
    "carer": _l("carer or other authorised person"),
    "other": _l("other"),
}
CHECKS = {"pending": _l("not decided yet"), "verified": _l("verified"), "refused": _l("refused")}


class RepresentationForm(WebForm):
    step = HiddenField(validators=[DataRequired(), AnyOf([s.value for s in Step])])
    outcome = HiddenField(validators=[DataRequired(), AnyOf(["verified", "refused"])])
    version = IntegerField(validators=[DataRequired()])
    note = TextAreaField(validators=[Optional(), Length(max=2000)])


@bp.app_template_filter("relation_words")
def relation_words(value: str) -> str:
    return str(RELATIONS.get(value, value))


@bp.app_template_filter("check_words")
def check_words(value: str) -> str:
    return str(CHECKS.get(value, value))


@bp.post("/requests/<int:request_id>/representation")
@roles_required(*REQUEST_WORKERS)
def representation_decide(request_id: int) -> ResponseReturnValue:
    """Record that the representative's identity (or authority) is verified, or refuse it."""
    req = visible_request(request_id)
    form = RepresentationForm()
    back = redirect(url_for("staff.detail", request_id=request_id) + "#representation", 303)
    if not form.validate_on_submit():
        flash(_("The form is incomplete; nothing was changed."), "error")
        return back
    try:
        decide_representation(
            db.session(),
            req,
            Step(form.step.data),
            verified=form.outcome.data == "verified",
            note=form.note.data or "",
            version=form.version.data or 0,
            user=current_user._get_current_object(),
            clock=clock_settings(),
            now=clock_now(),
            documents_after_decision_days=current_app.config[
                "DSAR_SETTINGS"
            ].documents_after_decision_days,
        )
        db.session.flush()
    except NotPermitted as error:
        abort(403, _("%(reason)s. Nothing was changed.", reason=first_upper(error_words(error))))
    except (StaleForm, StaleDataError):
        db.session.rollback()
        flash(_("This request changed meanwhile; reload and decide again."), "error")
        return back
    except (IllegalTransition, ValueError) as error:
        db.session.rollback()
        reason = first_upper(error_words(error))
        flash(_("%(reason)s. Nothing was changed.", reason=reason), "error")
        return back
    flash(_("Decision recorded."), "ok")
    return back
