"""Staff redact an extract (a PDF or image of a manual source) before it goes into the copy:
page images, areas drawn or typed, search terms, a preview, and Apply (docs/redaction.md)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import FloatField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from dsar.core.attachments import private_download
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.models import StoredFile
from dsar.files.storage import FileStore, StorageError
from dsar.redaction.models import Redaction, RedactionReason
from dsar.redaction.operations import (
    RedactionError,
    add_area,
    add_term,
    apply_redactions,
    job_of,
    marks_of,
    redactable_extract,
    remove_redaction,
)
from dsar.redaction.pdf import PDF, RedactionFailed, page_sizes, redact, render_page
from dsar.requests.models import Request
from dsar.requests.permissions import REQUEST_WORKERS
from dsar.web.forms import WebForm
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import error_words

REASONS = {
    RedactionReason.THIRD_PARTY: _l("another person's data (Art. 15(4))"),
    RedactionReason.TRADE_SECRET: _l("trade secret"),
    RedactionReason.OTHER: _l("other (describe)"),
}
_CHOICES = [SelectChoice(r.value, label) for r, label in REASONS.items()]
_POINT = [InputRequired(), NumberRange(min=0, max=14400)]  # PDF's largest page: 200 inches


class ReasonForm(WebForm):
    reason = SelectField(_l("Because"), choices=_CHOICES)
    reason_text = StringField(_l("In your words"), validators=[Optional(), Length(max=500)])


class AreaForm(ReasonForm):
    page = IntegerField(_l("Page"), validators=[InputRequired(), NumberRange(min=1)])
    x0 = FloatField(_l("Left"), validators=_POINT)
    y0 = FloatField(_l("Top"), validators=_POINT)
    x1 = FloatField(_l("Right"), validators=_POINT)
    y1 = FloatField(_l("Bottom"), validators=_POINT)


class TermForm(ReasonForm):
    term = StringField(_l("Search term"), validators=[DataRequired(), Length(max=200)])


class RemoveForm(WebForm):
    redaction = IntegerField(validators=[InputRequired()])


class ApplyForm(WebForm):
    """Only the CSRF token: the document is in the URL."""


def _store() -> FileStore:
    return FileStore.from_settings(current_app.config["DSAR_SETTINGS"])


def _document(request_id: int, file_id: int) -> tuple[Request, StoredFile, bytes]:
    """The visible request, its redactable extract and the extract's bytes; 404 or 410."""
    found = visible_request(request_id)
    stored = redactable_extract(db.session(), found, file_id)
    if stored is None:
        abort(404, _("No such document to redact on this request."))
    try:
        return found, stored, _store().read(stored)
    except StorageError as error:
        abort(410, str(error))


def _back(found: Request, stored: StoredFile) -> ResponseReturnValue:
    return redirect(url_for("staff.redaction", request_id=found.id, file_id=stored.id))


@bp.get("/requests/<int:request_id>/files/<int:file_id>/redaction")
@roles_required(*REQUEST_WORKERS)
def redaction(request_id: int, file_id: int) -> ResponseReturnValue:
    """The document's pages, its redactions with reasons, and the forms to add and apply."""
    found, stored, data = _document(request_id, file_id)
    try:
        sizes = page_sizes(data, stored.content_type)
    except RedactionFailed as error:
        flash(error_words(error), "error")
        return redirect(url_for("staff.request_data", request_id=found.id) + "#manual")
    return render_template(
        "staff/redaction.html",
        req=found,
        document=stored,
        job=job_of(db.session(), stored),
        sizes=sizes,
        reasons=REASONS,
        area_form=AreaForm(),
        term_form=TermForm(),
        action_form=ApplyForm(),
    )


@bp.get("/requests/<int:request_id>/files/<int:file_id>/redaction/pages/<int:index>")
@roles_required(*REQUEST_WORKERS)
def redaction_page(request_id: int, file_id: int, index: int) -> ResponseReturnValue:
    """A page as a PNG for staff: as it is, or (?preview=1) with the redactions applied."""
    _found, stored, data = _document(request_id, file_id)
    content_type = stored.content_type
    job = job_of(db.session(), stored)
    try:
        if request.args.get("preview") and job is not None:
            data, _counts = redact(data, content_type, marks_of(job))
            content_type = PDF
        png = render_page(data, content_type, index)
    except IndexError:
        abort(404)
    except RedactionFailed as error:
        abort(422, error_words(error))
    return private_download(png, filename=f"page-{index + 1}.png", mimetype="image/png",
                            inline=True)  # fmt: skip


def _reason(form: ReasonForm) -> tuple[RedactionReason, str]:
    return RedactionReason(form.reason.data), form.reason_text.data or ""


@bp.post("/requests/<int:request_id>/files/<int:file_id>/redaction/areas")
@roles_required(*REQUEST_WORKERS)
def redaction_add_area(request_id: int, file_id: int) -> ResponseReturnValue:
    """Mark an area of a page: drawn on the page image, or typed in points."""
    found, stored, data = _document(request_id, file_id)
    form = AreaForm()
    if not form.validate_on_submit():
        flash(_("Give the page, the area's left, top, right and bottom, and the reason."), "error")
        return _back(found, stored)
    reason, text = _reason(form)
    rect = (form.x0.data, form.y0.data, form.x1.data, form.y1.data)
    try:
        add_area(db.session(), found, stored, data, page=(form.page.data or 1) - 1,
                 rect=rect, reason=reason, reason_text=text, actor=current_user.email,
                 now=clock_now())  # fmt: skip
    except (RedactionError, RedactionFailed) as error:
        flash(error_words(error), "error")
    else:
        flash(_("The area is marked; apply the redactions to make the copy."), "info")
    return _back(found, stored)


@bp.post("/requests/<int:request_id>/files/<int:file_id>/redaction/terms")
@roles_required(*REQUEST_WORKERS)
def redaction_add_term(request_id: int, file_id: int) -> ResponseReturnValue:
    """Mark every place a term is found in the document's text; a term found nowhere is not."""
    found, stored, data = _document(request_id, file_id)
    form = TermForm()
    if not form.validate_on_submit():
        flash(_("Give the search term and the reason."), "error")
        return _back(found, stored)
    reason, text = _reason(form)
    try:
        added = add_term(db.session(), found, stored, data, term=form.term.data or "",
                         reason=reason, reason_text=text, actor=current_user.email,
                         now=clock_now())  # fmt: skip
    except (RedactionError, RedactionFailed) as error:
        flash(error_words(error), "error")
    else:
        places = ngettext(
            "The term is found in %(num)s place; apply the redactions to make the copy.",
            "The term is found in %(num)s places; apply the redactions to make the copy.",
            added.matches,
        )
        flash(places, "info")
    return _back(found, stored)


@bp.post("/requests/<int:request_id>/files/<int:file_id>/redaction/remove")
@roles_required(*REQUEST_WORKERS)
def redaction_remove(request_id: int, file_id: int) -> ResponseReturnValue:
    """Take a redaction back; the copy is made again when the redactions are applied."""
    found, stored, _data = _document(request_id, file_id)
    form = RemoveForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = db.session.get(Redaction, form.redaction.data)
    if chosen is None or chosen.job.original_file_id != stored.id:
        abort(404)
    job = chosen.job
    remove_redaction(db.session(), found, chosen, actor=current_user.email, now=clock_now())
    if job.pending:
        flash(_("The redaction is removed; apply the redactions again before the export."), "info")
    else:  # the only one, taken back before any copy was made
        flash(_("The redaction is removed; the export takes the original."), "info")
    return _back(found, stored)


@bp.post("/requests/<int:request_id>/files/<int:file_id>/redaction/apply")
@roles_required(*REQUEST_WORKERS)
def redaction_apply(request_id: int, file_id: int) -> ResponseReturnValue:
    """Make the redacted copy: from now on the export takes it instead of the original."""
    found, stored, data = _document(request_id, file_id)
    if not ApplyForm().validate_on_submit():
        abort(400)
    job = job_of(db.session(), stored)
    if job is None or not job.pending:
        flash(_("There is nothing new to apply."), "error")
        return _back(found, stored)
    try:
        apply_redactions(db.session(), _store(), found, job, data, actor=current_user.email,
                         now=clock_now())  # fmt: skip
    except RedactionFailed as error:
        flash(error_words(error), "error")
    else:
        flash(_("The redacted copy is made: the export takes it instead of the original. "
                "Build a new export to send it."), "info")  # fmt: skip
    return _back(found, stored)
