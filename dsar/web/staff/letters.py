"""Staff pages for letters: draft where due, edit the free text, preview, approve, send."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask import request as flask_request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, DateField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from dsar.core.attachments import private_download
from dsar.core.clock import now as clock_now
from dsar.extensions import db
from dsar.files.storage import FileStore
from dsar.fulfilment.found import found_data_for
from dsar.letters.answer import answer_blockers, delivery_of, is_final
from dsar.letters.content import FREE_TEXT, LETTER_TYPES, IncompleteLetter
from dsar.letters.fields import (
    BY_HAND,
    FactField,
    fact_fields,
    parse_facts,
    shown_value,
    text_labels,
)
from dsar.letters.models import Letter
from dsar.letters.operations import (
    LetterError,
    approve_letter,
    draft_letter,
    due_letter_type,
    edit_letter,
    preview_letter,
    record_facts,
    register_for,
)
from dsar.letters.recipient_notices import TRACKED_FACTS, tracked_facts
from dsar.register import Register
from dsar.requests.closing import NotReady
from dsar.requests.models import Request
from dsar.requests.permissions import LETTER_APPROVERS, REQUEST_WORKERS
from dsar.web.forms import WebForm
from dsar.web.page_words import _l
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request
from dsar.web.staff.case_words import LETTER_KINDS, error_words


class DraftForm(WebForm):
    letter_type = SelectField(
        _l("Letter"), choices=[SelectChoice(t, LETTER_KINDS.get(t, t)) for t in LETTER_TYPES]
    )


class ButtonForm(WebForm):
    """A button that only carries the CSRF token."""


class PostedForm(WebForm):
    posted_on = DateField(_l("Day the printed letter was posted"), validators=[DataRequired()])
    copy_posted = BooleanField(
        _l("The copy of the data was posted with it (on paper or a data carrier)")
    )


def _text_form(letter: Letter) -> WebForm:
    class TextsForm(WebForm):
        pass

    for name, label in text_labels(letter.type):
        field = TextAreaField(_(label), validators=[Length(max=10_000)])
        setattr(TextsForm, name, field)
    return TextsForm(data=dict(letter.texts))


def _fact_fields(letter: Letter, register: Register) -> tuple[FactField, ...]:
    lang, fallback = letter.language, register.controller.languages[0]
    fields = fact_fields(
        letter.type,
        activities=[(a.id, a.title.get(lang, fallback) or a.id) for a in register.activities],
        recipients=[
            (r.id, r.name if r.named and r.name else r.category.get(lang, fallback) or r.id)
            for r in register.recipients
        ],
    )
    if letter.type in ("erasure", "rectification") and register.erased_by_dsar:  # recorded day
        fields = tuple(f for f in fields if f.name != "done_on")
    if letter.type == "recipient_notice" and tracked_facts(db.session(), letter):
        fields = tuple(f for f in fields if f.name not in TRACKED_FACTS)  # dsar recorded them
    if letter.type in ("restriction", "restriction_lift") and register.restricted_by_dsar:
        fields = tuple(f for f in fields if f.name not in ("done_on", "ground"))  # recorded
    if letter.type in ("consent_withdrawal", "objection") and register.stopped_by_dsar:
        recorded = ("effective_on", "done_on", "outcome", "activities")
        fields = tuple(f for f in fields if f.name not in recorded)
    return tuple(_in_words(f) for f in fields)


def _in_words(field: FactField) -> FactField:
    """A fact's label, hint and choices in the page's language (fields.py marks them with N_);
    the register's names for activities and recipients are shown as the register has them."""
    ours = field.kind != "activities" and field.name != "recipient"
    choices = tuple((v, _(label)) for v, label in field.choices) if ours else field.choices
    hint = _(field.hint) if field.hint else ""
    return dataclasses.replace(field, label=_(field.label), hint=hint, choices=choices)


def _facts_shown(letter: Letter, fields: tuple[FactField, ...]) -> list[tuple[FactField, Any]]:
    """Each fact with its value: recorded on the letter, else what the request brought."""
    recorded = {**(letter.request.details or {}), **(letter.details or {})}
    return [(field, recorded.get(field.name)) for field in fields]


def _request_or_404(request_id: int) -> Request:
    return visible_request(request_id)  # the queue's visibility rules: 404 for others' requests


def _letter_or_404(letter_id: int) -> Letter:
    """The letter, read after its request (locked for a step, `visible_request`): a second
    click waits for the first one's commit and then sees the letter as it left it."""
    request_id = db.session.scalar(select(Letter.request_id).where(Letter.id == letter_id))
    if request_id is None:
        abort(404)
    visible_request(request_id)
    letter = db.session.get(Letter, letter_id)
    if letter is None:  # a draft discarded by the step this one waited for
        abort(404)
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
    letter_type = form.letter_type.data
    found = None
    if letter_type in ("access", "portability", "erasure"):  # what the latest search found
        found = found_data_for(db.session(), request, _register(request))
    letter = draft_letter(
        db.session(),
        request,
        letter_type=letter_type,
        actor=current_user.email,
        now=clock_now(),
        found=found,
    )
    return redirect(url_for("staff.letter_preview", letter_id=letter.id))


@bp.get("/letters/<int:letter_id>")
@roles_required(*REQUEST_WORKERS)
def letter_preview(letter_id: int) -> ResponseReturnValue:
    letter = _letter_or_404(letter_id)
    register = _register(letter.request)
    rendered, problem = None, None
    try:
        rendered = preview_letter(letter, register, now=clock_now())
    except IncompleteLetter as error:
        problem = error_words(error)
    return render_template(
        "staff/letters/preview.html",
        letter=letter,
        rendered=rendered,
        problem=problem,
        form=None if letter.frozen else _text_form(letter),
        facts=_facts_shown(letter, _fact_fields(letter, register)),
        shown_value=shown_value,
        by_hand=BY_HAND,
        button=ButtonForm(),
        posted=PostedForm(),
        final=is_final(letter),
        delivery=delivery_of(db.session(), letter),
        missing=answer_blockers(db.session(), letter, clock_now()),
        may_approve=current_user.role in LETTER_APPROVERS,
    )


@bp.post("/letters/<int:letter_id>/edit")
@roles_required(*REQUEST_WORKERS)
def letter_edit(letter_id: int) -> ResponseReturnValue:
    letter = _letter_or_404(letter_id)
    form = _text_form(letter)
    if not form.validate_on_submit():
        abort(400)
    fields = _fact_fields(letter, _register(letter.request))
    try:
        texts = {name: form[name].data or "" for name in FREE_TEXT[letter.type]}
        edit_letter(db.session(), letter, texts, actor=current_user.email, now=clock_now())
        if fields:
            given = {f.name: _form_value(f) for f in fields}
            facts = parse_facts(fields, given) | tracked_facts(db.session(), letter)
            record_facts(db.session(), letter, facts, actor=current_user.email, now=clock_now())
    except (LetterError, ValueError) as error:
        db.session.rollback()
        flash(_("Not saved: %(reason)s", reason=error_words(error)), "error")
        return redirect(url_for("staff.letter_preview", letter_id=letter.id))
    flash(_("Saved."))
    return redirect(url_for("staff.letter_preview", letter_id=letter.id))


def _form_value(field: FactField) -> Any:
    if field.kind == "activities":
        return flask_request.form.getlist(f"fact_{field.name}")
    return flask_request.form.get(f"fact_{field.name}", "")


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
    except (IncompleteLetter, LetterError, NotReady) as error:
        db.session.rollback()
        flash(_("Not approved: %(reason)s", reason=error_words(error)), "error")
        return redirect(url_for("staff.letter_preview", letter_id=letter_id))
    flash(_("Approved: this version is frozen."))
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
