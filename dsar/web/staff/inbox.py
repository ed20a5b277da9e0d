"""Mail that arrived in the controllers' mailboxes: the drafts, one draft's page, its decision."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from dsar.core.attachments import private_download
from dsar.core.clock import now as clock_now
from dsar.core.i18n import LANGUAGES, NAMES
from dsar.extensions import db
from dsar.files.storage import FileStore, StorageError
from dsar.mailbox.drafts import (
    Confirmation,
    DraftRefused,
    confirm_draft,
    discard_draft,
    may_open,
    open_drafts,
)
from dsar.mailbox.models import InboundMail, InboundState
from dsar.mailbox.reading import read_mail
from dsar.requests.permissions import REQUEST_WORKERS
from dsar.requests.workflow import RequestType
from dsar.web.forms import WebForm
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required
from dsar.web.staff.case_words import said
from dsar.web.staff.labels import RIGHT_LABELS

# What could not be read, in words (dsar/mailbox/reading.py and poll.py name the problems).
PROBLEMS = {
    "no_message_id": _l("no Message-ID"),
    "no_sender": _l("no sender address"),
    "broken_mime": _l("broken MIME structure"),
    "broken_header": _l("a header that cannot be read"),
    "undecodable": _l("text in an unknown character set (shown with replacements)"),
    "unreadable": _l("not readable as e-mail"),
    "too_large": _l("too large to store: read it in the mailbox"),
}
STATES = {
    InboundState.DRAFT: _l("draft"),
    InboundState.CONFIRMED: _l("confirmed as a request"),
    InboundState.DISCARDED: _l("discarded"),
    InboundState.JOINED: _l("joined to its request as a reply"),
}


class ConfirmForm(WebForm):
    type = SelectField(
        _l("Right"), choices=[SelectChoice(t.value, RIGHT_LABELS[t]) for t in RequestType]
    )
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, NAMES[code]) for code in LANGUAGES]
    )
    subject_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    subject_email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=320)])


class DiscardForm(WebForm):
    reason = TextAreaField(
        _l("Why it is not a request"), validators=[DataRequired(), Length(max=2000)]
    )


def _mail(mail_id: int) -> InboundMail:
    """The message if the signed-in member works for its controller; 404 otherwise."""
    found = db.session.get(InboundMail, mail_id)
    if found is None or not may_open(current_user, found):
        abort(404, _("There is no message with this number that you may open."))
    return found


def _store() -> FileStore:
    return FileStore.from_settings(current_app.config["DSAR_SETTINGS"])


@bp.get("/inbox")
@roles_required(*REQUEST_WORKERS)
def inbox() -> ResponseReturnValue:
    drafts = open_drafts(db.session(), current_user)
    return render_template("staff/inbox.html", drafts=drafts, rights=RIGHT_LABELS)


@bp.get("/inbox/<int:mail_id>")
@roles_required(*REQUEST_WORKERS)
def inbox_mail(mail_id: int) -> ResponseReturnValue:
    mail = _mail(mail_id)
    text = ""
    if mail.file is not None:
        try:
            text = read_mail(_store().read(mail.file)).text
        except StorageError:
            text = ""
    confirm = ConfirmForm(
        data={
            "type": (mail.guessed_type or RequestType.ACCESS).value,
            "language": mail.guessed_language or "en",
            "subject_name": mail.sender_name or "",
            "subject_email": mail.sender or "",
        }
    )
    return render_template(
        "staff/inbox_mail.html", mail=mail, text=text, confirm=confirm, discard=DiscardForm(),
        problems=[PROBLEMS.get(p, p) for p in mail.problems], state=STATES[mail.state],
        rights=RIGHT_LABELS, languages=NAMES,
    )  # fmt: skip


@bp.get("/inbox/<int:mail_id>/eml")
@roles_required(*REQUEST_WORKERS)
def inbox_eml(mail_id: int) -> ResponseReturnValue:
    """The original message as received, always a download (never shown in the staff origin)."""
    mail = _mail(mail_id)
    if mail.file is None:
        abort(404, _("This message was too large to store; read it in the mailbox."))
    try:
        data = _store().read(mail.file)
    except StorageError as error:
        abort(410, str(error))
    return private_download(data, filename=mail.file.filename, mimetype="application/octet-stream")


@bp.post("/inbox/<int:mail_id>/confirm")
@roles_required(*REQUEST_WORKERS)
def inbox_confirm(mail_id: int) -> ResponseReturnValue:
    mail = _mail(mail_id)
    form = ConfirmForm()
    if not form.validate():
        if form.subject_email.errors:
            flash(_("Not confirmed: the e-mail address is not valid."), "error")
        else:
            flash(_("Not confirmed: give the right, the language and the name."), "error")
        return redirect(url_for("staff.inbox_mail", mail_id=mail.id), 303)
    answer = Confirmation(
        type=RequestType(form.type.data),
        language=form.language.data or "en",
        subject_name=form.subject_name.data or "",
        subject_email=form.subject_email.data or None,
    )
    try:
        request = confirm_draft(db.session(), mail, answer, user=current_user, now=clock_now())
    except DraftRefused as error:
        db.session.rollback()
        flash(_("Not confirmed: %(reason)s.", reason=said(error)), "error")
        return redirect(url_for("staff.inbox_mail", mail_id=mail_id), 303)
    flash(_("Recorded %(reference)s, received when the e-mail arrived.",
            reference=request.reference), "ok")  # fmt: skip
    return redirect(url_for("staff.detail", request_id=request.id), 303)


@bp.post("/inbox/<int:mail_id>/discard")
@roles_required(*REQUEST_WORKERS)
def inbox_discard(mail_id: int) -> ResponseReturnValue:
    mail = _mail(mail_id)
    form = DiscardForm()
    if not form.validate():
        flash(_("Not discarded: say why the message is not a request."), "error")
        return redirect(url_for("staff.inbox_mail", mail_id=mail.id), 303)
    try:
        discard_draft(
            db.session(), mail, form.reason.data or "", user=current_user, now=clock_now()
        )
    except DraftRefused as error:
        db.session.rollback()
        flash(_("Not discarded: %(reason)s.", reason=said(error)), "error")
        return redirect(url_for("staff.inbox_mail", mail_id=mail_id), 303)
    flash(_("Discarded."), "ok")
    return redirect(url_for("staff.inbox"), 303)
