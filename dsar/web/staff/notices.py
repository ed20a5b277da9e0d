"""Staff pages that track Art. 19 notices: record the recipient's confirmation, or close a
notice with the reason (dsar/letters/recipient_notices.py); the case page lists them."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.letters.models import RecipientNotice
from dsar.letters.operations import LetterError
from dsar.letters.recipient_notices import close_notice, confirm_notice, notices_of
from dsar.requests.models import Request
from dsar.requests.permissions import LETTER_APPROVERS, REQUEST_WORKERS
from dsar.web.forms import WebForm
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import error_words


class ConfirmForm(WebForm):
    confirmed_on = DateField(_l("Day the recipient confirmed it"), validators=[DataRequired()])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class CloseForm(WebForm):
    reason = TextAreaField(
        _l("Why it is closed without a confirmation"),
        validators=[DataRequired(), Length(max=2000)],
    )


def _back(found: Request) -> ResponseReturnValue:
    return redirect(url_for("staff.detail", request_id=found.id) + "#recipient-notices")


def _notice_or_404(found: Request, notice_id: int) -> RecipientNotice:
    notice = db.session.get(RecipientNotice, notice_id)
    if notice is None or notice.request_id != found.id:
        abort(404)
    return notice


@bp.post("/requests/<int:request_id>/notices/<int:notice_id>/confirm")
@roles_required(*REQUEST_WORKERS)
def notice_confirm(request_id: int, notice_id: int) -> ResponseReturnValue:
    """Record that the recipient confirmed the notice, on the day it did."""
    found = visible_request(request_id)
    notice = _notice_or_404(found, notice_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Not recorded: give the day the recipient confirmed it."), "error")
        return _back(found)
    state = next(s for s in notices_of(db.session(), found) if s.notice.id == notice.id)
    try:
        confirm_notice(
            db.session(),
            found,
            state,
            form.confirmed_on.data,
            note=form.note.data or "",
            actor=current_user.email,
            now=clock_now(),
        )
    except LetterError as error:
        db.session.rollback()
        flash(_("Not recorded: %(reason)s.", reason=error_words(error)), "error")
        return _back(found)
    flash(_("Recorded: the recipient confirmed the notice."))
    return _back(found)


@bp.post("/requests/<int:request_id>/notices/<int:notice_id>/close")
@roles_required(*LETTER_APPROVERS)
def notice_close(request_id: int, notice_id: int) -> ResponseReturnValue:
    """Close a notice without a confirmation, with the reason (Art. 19)."""
    found = visible_request(request_id)
    notice = _notice_or_404(found, notice_id)
    form = CloseForm()
    if not form.validate_on_submit():
        flash(_("Not closed: give the reason."), "error")
        return _back(found)
    try:
        close_notice(
            db.session(),
            found,
            notice,
            reason=form.reason.data or "",
            actor=current_user.email,
            now=clock_now(),
        )
    except LetterError as error:
        db.session.rollback()
        flash(_("Not closed: %(reason)s.", reason=error_words(error)), "error")
        return _back(found)
    flash(_("Closed with the reason given."))
    return _back(found)
