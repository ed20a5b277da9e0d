"""Staff pages that let a letter go: approve and send in one step, or record it as posted."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.storage import FileStore
from dsar.letters.answer import approve_and_send, mark_posted
from dsar.letters.content import IncompleteLetter
from dsar.letters.models import LetterStatus
from dsar.letters.operations import LetterError
from dsar.requests.closing import NotReady
from dsar.requests.permissions import LETTER_APPROVERS
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required
from dsar.web.staff.case_words import error_words
from dsar.web.staff.letters import ButtonForm, PostedForm, _letter_or_404, _register


@bp.post("/letters/<int:letter_id>/send")
@roles_required(*LETTER_APPROVERS)
def letter_send(letter_id: int) -> ResponseReturnValue:
    """Approve (if still a draft) and queue the letter; without an address it awaits printing."""
    letter = _letter_or_404(letter_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        approve_and_send(
            db.session(),
            letter,
            register=_register(letter.request),
            store=FileStore.from_settings(current_app.config["DSAR_SETTINGS"]),
            actor=current_user.email,
            now=clock_now(),
            suppression_salt=current_app.config["DSAR_SETTINGS"].suppression_salt,
        )
    except (IncompleteLetter, LetterError, NotReady) as error:
        db.session.rollback()
        reason = error_words(error)
        flash(_("Not sent: %(reason)s", reason=reason), "error")
        return redirect(url_for("staff.letter_preview", letter_id=letter_id))
    if letter.status is LetterStatus.SENT:
        flash(_("Approved and queued for %(recipient)s.", recipient=letter.recipient))
    else:
        flash(_("Approved. There is no e-mail address: print the PDF, post it, record the day."))
    return redirect(url_for("staff.letter_preview", letter_id=letter.id))


@bp.post("/letters/<int:letter_id>/posted")
@roles_required(*LETTER_APPROVERS)
def letter_posted(letter_id: int) -> ResponseReturnValue:
    """Record the day the approved, printed letter was posted; a final letter answers."""
    letter = _letter_or_404(letter_id)
    form = PostedForm()
    if not form.validate_on_submit():
        flash(_("Not recorded: give the day the letter was posted."), "error")
        return redirect(url_for("staff.letter_preview", letter_id=letter_id))
    try:
        mark_posted(
            db.session(),
            letter,
            form.posted_on.data,
            actor=current_user.email,
            now=clock_now(),
            copy_posted=bool(form.copy_posted.data),
        )
    except (LetterError, NotReady) as error:
        db.session.rollback()
        reason = error_words(error)
        flash(_("Not recorded: %(reason)s", reason=reason), "error")
        return redirect(url_for("staff.letter_preview", letter_id=letter_id))
    flash(_("Recorded as posted on %(day)s.", day=form.posted_on.data.isoformat()))
    return redirect(url_for("staff.letter_preview", letter_id=letter.id))
