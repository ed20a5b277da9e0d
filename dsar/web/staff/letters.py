"""Staff pages for letters: draft where due, edit the free text, preview, approve, send."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from dsar.core.attachments import private_download
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.storage import FileStore
from dsar.letters.content import FREE_TEXT, LETTER_TYPES, IncompleteLetter
from dsar.letters.models import Letter
from dsar.letters.operations import (
    LetterError,
    approve_letter,
    draft_letter,
    due_letter_type,
    edit_letter,
    preview_letter,
    register_for,
    send_letter,
)
from dsar.register import Register
from dsar.requests.models import Request
from dsar.requests.permissions import LETTER_APPROVERS, REQUEST_WORKERS
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request


class DraftForm(FlaskForm):
    letter_type = SelectField(
        "Letter", choices=[SelectChoice(t, t.replace("_", " ")) for t in LETTER_TYPES]
    )


class ButtonForm(FlaskForm):
    """A button that only carries the CSRF token."""


def _text_form(letter: Letter) -> FlaskForm:
    class TextsForm(FlaskForm):
        pass

    for name in FREE_TEXT[letter.type]:
        field = TextAreaField(name.replace("_", " "), validators=[Length(max=10_000)])
        setattr(TextsForm, name, field)
    return TextsForm(data=dict(letter.texts))


def _request_or_404(request_id: int) -> Request:
    return visible_request(request_id)  # the queue's visibility rules: 404 for others' requests


def _letter_or_404(letter_id: int) -> Letter:
    letter = db.session.get(Letter, letter_id)
    if letter is None:
        abort(404)
    visible_request(letter.request_id)
    return letter


def _register(request: Request) -> Register:
    return register_for(current_app.extensions["dsar.registers"], request.controller.slug)


@bp.get("/requests/<int:request_id>/letters")
@roles_required(*REQUEST_WORKERS)
def letters(request_id: int) -> ResponseReturnValue:
    request = _request_or_404(request_id)
    rows = (
        db.session.execute(
            select(Letter).where(Letter.request_id == request.id).order_by(Letter.id)
        )
        .scalars()
        .all()
    )
    form = DraftForm(letter_type=due_letter_type(request) or "acknowledgement")
    return render_template("staff/letters/list.html", request=request, letters=rows, form=form)


@bp.post("/requests/<int:request_id>/letters")
@roles_required(*REQUEST_WORKERS)
def letter_draft(request_id: int) -> ResponseReturnValue:
    request = _request_or_404(request_id)
    form = DraftForm()
    if not form.validate_on_submit():
        abort(400)
    letter = draft_letter(
        db.session(),
        request,
        letter_type=form.letter_type.data,
        actor=current_user.email,
        now=clock_now(),
    )
    return redirect(url_for("staff.letter_preview", letter_id=letter.id))


@bp.get("/letters/<int:letter_id>")
@roles_required(*REQUEST_WORKERS)
def letter_preview(letter_id: int) -> ResponseReturnValue:
    letter = _letter_or_404(letter_id)
    rendered, problem = None, None
    try:
        rendered = preview_letter(letter, _register(letter.request), now=clock_now())
    except IncompleteLetter as error:
        problem = str(error)
    return render_template(
        "staff/letters/preview.html",
        letter=letter,
        rendered=rendered,
        problem=problem,
        form=None if letter.frozen else _text_form(letter),
        button=ButtonForm(),
        may_approve=current_user.role in LETTER_APPROVERS,
    )


@bp.post("/letters/<int:letter_id>/edit")
@roles_required(*REQUEST_WORKERS)
def letter_edit(letter_id: int) -> ResponseReturnValue:
    letter = _letter_or_404(letter_id)
    form = _text_form(letter)
    if not form.validate_on_submit():
        abort(400)
    try:
        texts = {name: form[name].data or "" for name in FREE_TEXT[letter.type]}
        edit_letter(db.session(), letter, texts, actor=current_user.email, now=clock_now())
    except LetterError as error:
        flash(str(error), "error")
        return redirect(url_for("staff.letter_preview", letter_id=letter.id))
    flash("Saved.")
    return redirect(url_for("staff.letter_preview", letter_id=letter.id))


@bp.post("/letters/<int:letter_id>/approve")
@roles_required(*LETTER_APPROVERS)
def letter_approve(letter_id: int) -> ResponseReturnValue:
    letter = _letter_or_404(letter_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    store = FileStore.from_settings(current_app.config["DSAR_SETTINGS"])
    try:
        approve_letter(
            db.session(),
            letter,
            register=_register(letter.request),
            store=store,
            actor=current_user.email,
            now=clock_now(),
        )
    except (IncompleteLetter, LetterError) as error:
        db.session.rollback()
        flash(f"Not approved: {error}", "error")
        return redirect(url_for("staff.letter_preview", letter_id=letter_id))
    flash("Approved: this version is frozen.")
    return redirect(url_for("staff.letter_preview", letter_id=letter.id))


@bp.post("/letters/<int:letter_id>/send")
@roles_required(*LETTER_APPROVERS)
def letter_send(letter_id: int) -> ResponseReturnValue:
    letter = _letter_or_404(letter_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        send_letter(db.session(), letter, actor=current_user.email, now=clock_now())
    except LetterError as error:
        flash(str(error), "error")
        return redirect(url_for("staff.letter_preview", letter_id=letter.id))
    flash(f"Queued for {letter.recipient}.")
    return redirect(url_for("staff.letter_preview", letter_id=letter.id))


@bp.get("/letters/<int:letter_id>/pdf")
@roles_required(*REQUEST_WORKERS)
def letter_pdf(letter_id: int) -> ResponseReturnValue:
    """The printable version for post: the PDF frozen at approval."""
    letter = _letter_or_404(letter_id)
    if letter.pdf_file is None:
        abort(404)
    data = FileStore.from_settings(current_app.config["DSAR_SETTINGS"]).read(letter.pdf_file)
    return private_download(
        data, filename=letter.pdf_file.filename, mimetype="application/pdf", inline=True
    )
